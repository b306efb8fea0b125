"""The report's narrative, its builds and versions, and the members' review.

Services take the session and explicit arguments, flush and never commit. Building
itself is in ``jobs``; the stored files in ``storage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, lazyload

from ..audit.service import record
from ..inquiries import lifecycle
from ..models import (
    BuildKind,
    BuildStatus,
    Inquiry,
    InquiryStatus,
    Membership,
    MembershipStatus,
    Report,
    ReportBuild,
    ReportComment,
    ReviewStatus,
    Role,
    User,
)
from ..notifications.services import notify

NARRATIVE_FIELDS = (
    "foreword",
    "executive_summary",
    "method",
    "views_changed",
    "acknowledgements",
    "next_steps",
)
MAX_NARRATIVE_LENGTH = 20_000
MAX_COMMENT_LENGTH = 5_000
MAX_LABEL_LENGTH = 200
RECENT_BUILDS = 10


class ReportError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ChangedElsewhere(ReportError):
    """The narrative was saved by someone else since the form was opened."""

    def __init__(self, report: Report) -> None:
        super().__init__(
            "Someone else saved the report's narrative while you were editing it. "
            "Their version is shown below; your text is still in the form. "
            "Check both, then save again."
        )
        self.report = report


# The report row --------------------------------------------------------------------------


def report_of(session: Session, inquiry: Inquiry) -> Report | None:
    return session.scalar(select(Report).where(Report.inquiry_id == inquiry.id))


def ensure_report(session: Session, inquiry: Inquiry, *, now: datetime) -> Report:
    report = report_of(session, inquiry)
    if report is None:
        report = Report(inquiry_id=inquiry.id, revision=1, updated_at=now)
        session.add(report)
        session.flush()
    return report


def save_narrative(
    session: Session,
    inquiry: Inquiry,
    *,
    values: dict[str, str],
    expected_revision: int,
    actor: User,
    now: datetime,
) -> tuple[Report, bool]:
    """Save the narrative sections; raises ChangedElsewhere when the form was made from
    an older revision. Returns the report and whether anything changed."""
    report = ensure_report(session, inquiry, now=now)
    if expected_revision != report.revision:
        raise ChangedElsewhere(report)
    changed = [name for name in NARRATIVE_FIELDS if getattr(report, name) != values[name]]
    if not changed:
        return report, False
    for name in changed:
        setattr(report, name, values[name])
    report.revision += 1
    report.updated_at = now
    report.updated_by_id = actor.id
    session.flush()
    # The names of the sections changed, never their text.
    record(
        session,
        "report.narrative_changed",
        actor=actor,
        inquiry=inquiry,
        object_type="report",
        object_id=report.id,
        sections=changed,
    )
    return report, True


# Builds and versions ---------------------------------------------------------------------


def build_in(session: Session, inquiry: Inquiry, build_id: int) -> ReportBuild | None:
    """A build of this inquiry; None for another inquiry's."""
    build = session.get(ReportBuild, build_id)
    if build is None or build.inquiry_id != inquiry.id:
        return None
    return build


def recent_builds(session: Session, inquiry: Inquiry, *, limit: int = RECENT_BUILDS):
    return list(
        session.scalars(
            select(ReportBuild)
            .where(ReportBuild.inquiry_id == inquiry.id)
            .order_by(ReportBuild.created_at.desc(), ReportBuild.id.desc())
            .limit(limit)
        )
    )


def _published_newest_first(inquiry: Inquiry) -> Select:
    return (
        select(ReportBuild)
        .where(
            ReportBuild.inquiry_id == inquiry.id,
            ReportBuild.kind == BuildKind.PUBLISHED,
            ReportBuild.status == BuildStatus.DONE,
            ReportBuild.version.is_not(None),
        )
        .order_by(ReportBuild.version.desc())
    )


def published_versions(session: Session, inquiry: Inquiry) -> list[ReportBuild]:
    """Every published version, newest first."""
    return list(session.scalars(_published_newest_first(inquiry)))


def latest_published_version(session: Session, inquiry: Inquiry) -> ReportBuild | None:
    """The newest published version (the first of ``published_versions``), without who
    asked for it: for the overview, which every member sees."""
    return session.scalar(
        _published_newest_first(inquiry).limit(1).options(lazyload(ReportBuild.requested_by))
    )


def published_version(session: Session, inquiry: Inquiry, version: int) -> ReportBuild | None:
    return session.scalar(
        select(ReportBuild).where(
            ReportBuild.inquiry_id == inquiry.id,
            ReportBuild.kind == BuildKind.PUBLISHED,
            ReportBuild.status == BuildStatus.DONE,
            ReportBuild.version == version,
        )
    )


def latest_draft(session: Session, inquiry: Inquiry) -> ReportBuild | None:
    """The newest draft that finished building."""
    return session.scalar(
        select(ReportBuild)
        .where(
            ReportBuild.inquiry_id == inquiry.id,
            ReportBuild.kind == BuildKind.DRAFT,
            ReportBuild.status == BuildStatus.DONE,
        )
        .order_by(ReportBuild.finished_at.desc(), ReportBuild.id.desc())
        .limit(1)
    )


def draft_for_reader(
    session: Session, inquiry: Inquiry, build_id: int, *, membership: Membership | None
) -> ReportBuild | None:
    """A finished draft the member may read: researchers any draft; participants the
    latest one while the review is open. None otherwise."""
    build = build_in(session, inquiry, build_id)
    if build is None or build.kind != BuildKind.DRAFT or build.status != BuildStatus.DONE:
        return None
    if membership is not None and membership.role == Role.RESEARCHER:
        return build
    if not review_is_open(session, inquiry):
        return None
    latest = latest_draft(session, inquiry)
    return build if latest is not None and latest.id == build.id else None


def record_download(
    session: Session,
    inquiry: Inquiry,
    build: ReportBuild,
    *,
    file_format: str,
    actor: User,
) -> None:
    details: dict = {"format": file_format, "kind": build.kind.value}
    if build.version is not None:
        details["version"] = build.version
    record(
        session,
        "report.downloaded",
        actor=actor,
        inquiry=inquiry,
        object_type="report_build",
        object_id=build.id,
        **details,
    )


# The members' review -----------------------------------------------------------------------


def review_is_open(session: Session, inquiry: Inquiry) -> bool:
    report = report_of(session, inquiry)
    return report is not None and report.review_status == ReviewStatus.OPEN


def open_review(
    session: Session, inquiry: Inquiry, *, actor: User, now: datetime, link: str
) -> Report:
    """Open the review period (a finished draft is needed) and tell the participants."""
    report = ensure_report(session, inquiry, now=now)
    if report.review_status == ReviewStatus.OPEN:
        raise ReportError("The review is already open.")
    if latest_draft(session, inquiry) is None:
        raise ReportError("Build a draft of the report before opening the review.")
    report.review_status = ReviewStatus.OPEN
    report.review_opened_at = now
    report.review_closed_at = None
    session.flush()
    record(
        session,
        "report.review_opened",
        actor=actor,
        inquiry=inquiry,
        object_type="report",
        object_id=report.id,
    )
    participants = session.scalars(
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.inquiry_id == inquiry.id,
            Membership.role == Role.PARTICIPANT,
            Membership.status == MembershipStatus.ACTIVE,
            User.is_disabled.is_(False),
        )
    ).all()
    for user_id in participants:
        notify(
            session,
            user_id,
            "The draft report is ready for you to read. Tell the researchers what you think "
            "of each section while the review is open.",
            inquiry=inquiry,
            link=link,
            now=now,
        )
    return report


def close_review(session: Session, inquiry: Inquiry, *, actor: User, now: datetime) -> Report:
    report = report_of(session, inquiry)
    if report is None or report.review_status != ReviewStatus.OPEN:
        raise ReportError("The review is not open.")
    report.review_status = ReviewStatus.CLOSED
    report.review_closed_at = now
    session.flush()
    record(
        session,
        "report.review_closed",
        actor=actor,
        inquiry=inquiry,
        object_type="report",
        object_id=report.id,
    )
    return report


def add_comment(
    session: Session,
    inquiry: Inquiry,
    *,
    author: Membership,
    section: str,
    body: str,
    sections: dict[str, str],
    now: datetime,
) -> ReportComment:
    report = report_of(session, inquiry)
    if report is None or report.review_status != ReviewStatus.OPEN:
        raise ReportError("The review of the draft report is closed, so comments cannot be added.")
    if author.role not in (Role.PARTICIPANT, Role.RESEARCHER) or not author.is_active:
        raise ReportError("Only participants can comment on the draft report.")
    if section not in sections:
        raise ReportError("Select the section your comment is about")
    draft = latest_draft(session, inquiry)
    comment = ReportComment(
        report_id=report.id,
        section=section,
        author_id=author.id,
        build_id=draft.id if draft is not None else None,
        body=body,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    record(
        session,
        "report.commented",
        actor=author.user,
        inquiry=inquiry,
        object_type="report_comment",
        object_id=comment.id,
        section=section,
    )
    return comment


@dataclass
class SectionComments:
    key: str
    heading: str
    comments: list[ReportComment]


def comments_by_section(
    session: Session,
    inquiry: Inquiry,
    sections: list[tuple[str, str]],
    *,
    author: Membership | None = None,
) -> list[SectionComments]:
    """Comments grouped by section in the report's order (all, or one author's); sections
    without comments are left out. Authors are loaded with the comments."""
    report = report_of(session, inquiry)
    if report is None:
        return []
    query = select(ReportComment).where(ReportComment.report_id == report.id)
    if author is not None:
        query = query.where(ReportComment.author_id == author.id)
    comments = session.scalars(query.order_by(ReportComment.created_at, ReportComment.id)).all()
    grouped: dict[str, list[ReportComment]] = {}
    for comment in comments:
        grouped.setdefault(comment.section, []).append(comment)
    known = dict(sections)
    ordered = [
        SectionComments(key, heading, grouped[key]) for key, heading in sections if key in grouped
    ]
    # Comments filed under a section the report no longer has stay visible.
    ordered += [
        SectionComments(key, key.replace("-", " ").capitalize(), items)
        for key, items in grouped.items()
        if key not in known
    ]
    return ordered


# The lifecycle guard ----------------------------------------------------------------------


def has_published_version(session: Session, inquiry: Inquiry) -> str | None:
    """Reporting -> published needs a published version of the report."""
    exists = session.scalar(
        select(ReportBuild.id)
        .where(
            ReportBuild.inquiry_id == inquiry.id,
            ReportBuild.kind == BuildKind.PUBLISHED,
            ReportBuild.status == BuildStatus.DONE,
        )
        .limit(1)
    )
    return None if exists else "There is no published report yet"


lifecycle.register_guard(
    InquiryStatus.REPORTING,
    InquiryStatus.PUBLISHED,
    has_published_version,
    replaces=lifecycle.no_published_report,
)
