"""Erasing people's personal data: one member at a researcher's request, or every member
of a closed inquiry once its retention date has passed.

What goes: the member's profile in the inquiry, a witness's testimony (its words,
excerpts and files, as when it is withdrawn), the invitations sent to them, their
notifications from the inquiry, and, when they belong to no other inquiry, their account's
name, email address and password (the account is disabled). What stays: the bare
membership row (so counts, ballots and the audit log still add up) and, unless the
inquiry's policy removes them, their other contributions, without their name. Published
report versions are files already made; they are never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..cohort import services as cohort_services
from ..models import (
    AccountToken,
    BuildKind,
    BuildStatus,
    Inquiry,
    InquiryStatus,
    Invitation,
    Membership,
    MembershipStatus,
    Notification,
    Report,
    ReportBuild,
    ReportComment,
    Role,
    Testimony,
    TestimonyStatus,
    User,
)
from ..testimony import erasure as testimony_erasure

ERASED_NAME = "Erased member"

# The profile columns of a membership and their empty values.
PROFILE_FIELDS = {
    "professional_role": "",
    "professional_role_other": "",
    "sector": "",
    "organisation": "",
    "locality": "",
    "named_in_report": False,
    "lived_experience": "",
    "lived_experience_other": "",
    "display_name": "",
    "access_needs": "",
    "support_contact": "",
}


class ErasureError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def can_be_erased(membership: Membership) -> bool:
    """Researchers' accounts run the inquiry and are not erased from the cohort page."""
    return membership.role != Role.RESEARCHER and membership.erased_at is None


def _testimony_of(session: Session, membership: Membership) -> list[Testimony]:
    return list(
        session.scalars(
            select(Testimony).where(
                Testimony.witness_id == membership.id,
                Testimony.status != TestimonyStatus.WITHDRAWN,
            )
        )
    )


def _erase_account_if_unused(session: Session, user: User) -> bool:
    """Anonymise and disable the account when no other membership needs it."""
    if user.is_researcher:
        return False
    others = session.scalar(
        select(Membership.id)
        .where(Membership.user_id == user.id, Membership.erased_at.is_(None))
        .limit(1)
    )
    if others is not None:
        return False
    user.name = ERASED_NAME
    user.email = f"erased-{user.id}@erased.invalid"
    user.password_hash = None
    user.is_disabled = True
    user.rotate_session_token()
    session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    session.execute(delete(Notification).where(Notification.user_id == user.id))
    return True


def _erase_personal_data(session: Session, membership: Membership, *, now: datetime) -> dict:
    """The erasure itself, for both ways in. Returns counts for the audit log."""
    testimonies = _testimony_of(session, membership)
    for testimony in testimonies:
        testimony_erasure.erase(session, testimony, now=now)
    for name, empty in PROFILE_FIELDS.items():
        setattr(membership, name, empty)
    user = membership.user
    invitations = session.scalars(
        select(Invitation).where(
            Invitation.inquiry_id == membership.inquiry_id,
            (Invitation.accepted_by_id == user.id) | (Invitation.email == user.email),
        )
    ).all()
    for invitation in invitations:
        invitation.email = f"erased-{invitation.id}@erased.invalid"
        invitation.profile = {}
    session.execute(
        delete(Notification).where(
            Notification.user_id == user.id, Notification.inquiry_id == membership.inquiry_id
        )
    )
    # Comments on a draft report were written for the researchers, never published.
    session.execute(delete(ReportComment).where(ReportComment.author_id == membership.id))
    if membership.status != MembershipStatus.WITHDRAWN:
        membership.status = MembershipStatus.WITHDRAWN
        membership.withdrawn_at = now
    membership.erased_at = now
    session.flush()
    account_erased = _erase_account_if_unused(session, user)
    session.flush()
    return {
        "testimony": len(testimonies),
        "invitations": len(invitations),
        "account_erased": account_erased,
    }


def erase_member(session: Session, membership: Membership, *, actor: User, now: datetime) -> None:
    """A researcher erases a member: they are withdrawn first if they had not left (their
    contributions kept without their name or removed, as the inquiry's policy says), then
    their personal data is erased."""
    if membership.role == Role.RESEARCHER:
        raise ErasureError("Researchers cannot be erased from the cohort page")
    if membership.erased_at is not None:
        raise ErasureError("This member's personal data has already been erased")
    if membership.status != MembershipStatus.WITHDRAWN:
        cohort_services.withdraw(session, membership, actor=actor, now=now)
    counts = _erase_personal_data(session, membership, now=now)
    record(
        session,
        "membership.erased",
        actor=actor,
        inquiry=membership.inquiry,
        object_type="membership",
        object_id=membership.id,
        role=membership.role.value,
        policy=membership.inquiry.withdrawal_policy.value,
        **counts,
    )


# The retention date --------------------------------------------------------------------------


@dataclass
class RetentionPlan:
    """What erasing one inquiry after its retention date does."""

    inquiry: Inquiry
    members: list[Membership] = field(default_factory=list)
    testimony: int = 0
    published_versions: int = 0

    drafts: int = 0

    def describe(self, *, done: bool) -> str:
        erase, keep = ("erased", "kept") if done else ("would erase", "would keep")
        return (
            f"{self.inquiry.title} (inquiry {self.inquiry.id}, retention date "
            f"{self.inquiry.retention_date:%-d %B %Y}): {erase} the personal data of "
            f"{len(self.members)} member(s), {self.testimony} piece(s) of testimony and "
            f"{self.drafts} draft report(s); {keep} {self.published_versions} published "
            f"report version(s)"
        )


def due_for_retention(session: Session, *, today: date) -> list[Inquiry]:
    """Closed inquiries whose retention date has passed and that are not erased yet."""
    return list(
        session.scalars(
            select(Inquiry)
            .where(
                Inquiry.status == InquiryStatus.CLOSED,
                Inquiry.retention_date.is_not(None),
                Inquiry.retention_date < today,
                Inquiry.personal_data_erased_at.is_(None),
            )
            .order_by(Inquiry.id)
        ).unique()
    )


def retention_plan(session: Session, inquiry: Inquiry) -> RetentionPlan:
    members = list(
        session.scalars(
            select(Membership)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role != Role.RESEARCHER,
                Membership.erased_at.is_(None),
            )
            .order_by(Membership.id)
        ).unique()
    )
    testimony = sum(len(_testimony_of(session, m)) for m in members if m.role == Role.WITNESS)
    builds = session.scalars(select(ReportBuild).where(ReportBuild.inquiry_id == inquiry.id)).all()
    published = [
        b for b in builds if b.kind == BuildKind.PUBLISHED and b.status == BuildStatus.DONE
    ]
    drafts = [b for b in builds if b.kind == BuildKind.DRAFT]
    return RetentionPlan(inquiry, members, testimony, len(published), len(drafts))


def apply_retention(session: Session, plan: RetentionPlan, *, now: datetime) -> list[str]:
    """Erase every non-researcher member's personal data and all testimony text; the
    members' other contributions stay, without names (the inquiry's record), and the
    published report versions stay as they are. Returns the names of the draft files to
    remove from storage once the change is committed."""
    for membership in plan.members:
        _erase_personal_data(session, membership, now=now)
    # Drafts quote testimony and were never published: they go, files and all, with the
    # members' comments on them (first: a comment names the draft it was made on).
    session.execute(
        delete(ReportComment).where(
            ReportComment.report_id.in_(
                select(Report.id).where(Report.inquiry_id == plan.inquiry.id)
            )
        )
    )
    drafts = session.scalars(
        select(ReportBuild).where(
            ReportBuild.inquiry_id == plan.inquiry.id, ReportBuild.kind == BuildKind.DRAFT
        )
    ).all()
    files: list[str | None] = []
    for build in drafts:
        files += [build.pdf_name, build.html_name]
        session.delete(build)
    plan.inquiry.personal_data_erased_at = now
    session.flush()
    record(
        session,
        "inquiry.retention_erased",
        inquiry=plan.inquiry,
        object_type="inquiry",
        object_id=plan.inquiry.id,
        members=len(plan.members),
        testimony=plan.testimony,
        published_versions=plan.published_versions,
        drafts=plan.drafts,
    )
    return [name for name in files if name]
