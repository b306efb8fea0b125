"""Drafting recommendations: wording, versions, support, comments and amendments.

Plain functions taking the session and explicit arguments; they flush, never commit,
and record the audit event. Refusals raise ``RecommendationError`` with a message that
can be shown to the person.

A recommendation is a draft (its author's alone) until it is proposed to the cohort.
While the inquiry is in session or voting, its author rewords it and others support
it, comment on it and propose amendments. Every wording is kept as a version; a save
made from an older page is refused rather than overwriting the newer wording.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, delete, func, select, update
from sqlalchemy.orm import Session, aliased, joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from .. import contributions, policy
from ..audit.service import record
from ..deliberation import services as deliberation_services
from ..excerpts import services as excerpt_services
from ..models import (
    WORDING_FIELDS,
    Amendment,
    AmendmentStatus,
    Excerpt,
    Inquiry,
    InquiryStatus,
    Membership,
    MembershipStatus,
    MergeApproval,
    Recommendation,
    RecommendationComment,
    RecommendationStatus,
    RecommendationSupport,
    RecommendationVersion,
    Reflection,
    ReflectionStatus,
    Role,
    Round,
    RoundPrompt,
    Theme,
    User,
    VersionChange,
    Visibility,
    recommendation_reflections,
    recommendation_themes,
)
from ..notifications.services import notify
from ..personal_data.export import membership_ids, register_section, row

MAX_TITLE_LENGTH = 150
MAX_TEXT_LENGTH = 5_000
MAX_COMMENT_LENGTH = 2_000
MAX_REASON_LENGTH = 2_000
MAX_NOTE_LENGTH = 1_000
FORMER_PARTICIPANT = "A former participant"

# What the cohort reads: everything but drafts.
SHARED_STATUSES = (
    RecommendationStatus.PROPOSED,
    RecommendationStatus.MERGED,
    RecommendationStatus.FROZEN,
    RecommendationStatus.ADOPTED,
    RecommendationStatus.NOT_ADOPTED,
)
# On the theme board: neither drafts nor merged ones.
BOARD_STATUSES = (
    RecommendationStatus.PROPOSED,
    RecommendationStatus.FROZEN,
    RecommendationStatus.ADOPTED,
    RecommendationStatus.NOT_ADOPTED,
)
DRAFTING_STAGES = (InquiryStatus.IN_SESSION, InquiryStatus.VOTING)
# A draft needs a title and the recommendation; the cohort also reads what it would
# mean for the individual and for the system, so proposing needs those too.
WORDING_NEEDED_TO_PROPOSE = ("for_individual", "for_system")
PROPOSE_MESSAGES = {
    "for_individual": "Enter what it would mean for the individual",
    "for_system": "Enter what it would mean for the system",
}


class RecommendationError(Exception):
    """A refusal with a plain-English message; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ChangedElsewhere(RecommendationError):
    """The wording was changed after the page was opened: nothing was saved."""

    def __init__(self, recommendation: Recommendation) -> None:
        super().__init__(
            "This recommendation was changed after you opened this page, so your changes "
            "have not been saved yet. Its wording now is shown below. Check your text and "
            "save again."
        )
        self.recommendation = recommendation


# Versions -------------------------------------------------------------------------


def record_version(
    session: Session,
    recommendation: Recommendation,
    change: VersionChange,
    changed_by: Membership | None,
    now: datetime,
    amendment: Amendment | None = None,
) -> RecommendationVersion:
    """Keep the recommendation's current wording as version ``recommendation.revision``.

    Callers change the wording (and bump ``revision`` for every change after the first)
    before calling this. Versions are never changed afterwards.
    """
    version = RecommendationVersion(
        recommendation=recommendation,
        revision=recommendation.revision,
        change=change,
        changed_by_id=changed_by.id if changed_by is not None else None,
        amendment_id=amendment.id if amendment is not None else None,
        created_at=now,
        **{name: getattr(recommendation, name) or "" for name in WORDING_FIELDS},
    )
    session.add(version)
    session.flush()
    return version


def _claim_revision(
    session: Session, recommendation: Recommendation, expected: int, now: datetime
) -> None:
    """Take the next revision, or raise ChangedElsewhere if the wording changed since
    ``expected``. The check and the increment are one conditional UPDATE, so two saves
    made from the same page cannot both succeed."""
    if expected != recommendation.revision:
        raise ChangedElsewhere(recommendation)
    result = session.execute(
        update(Recommendation)
        .where(Recommendation.id == recommendation.id, Recommendation.revision == expected)
        .values(revision=expected + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(recommendation)
        raise ChangedElsewhere(recommendation)
    set_committed_value(recommendation, "revision", expected + 1)
    set_committed_value(recommendation, "updated_at", now)


# Names, stages and rules -------------------------------------------------------------


def author_name(membership: Membership | None) -> str:
    """The name shown inside the inquiry; "A former participant" once they have left."""
    if membership is None or membership.status == MembershipStatus.WITHDRAWN:
        return FORMER_PARTICIPANT
    return membership.public_name


def drafting_open(inquiry: Inquiry) -> bool:
    """Drafting, supporting, commenting and amending happen in session and while voting."""
    return inquiry.status in DRAFTING_STAGES


def drafting_closed_reason(inquiry: Inquiry) -> str:
    if inquiry.status in (InquiryStatus.DRAFT, InquiryStatus.RECRUITING):
        return "Recommendations can be written once the inquiry's sessions have started."
    return (
        "The inquiry has moved on from drafting, so recommendations can no longer be "
        "written or changed."
    )


def _check_drafting_open(inquiry: Inquiry) -> None:
    if not drafting_open(inquiry):
        raise RecommendationError(drafting_closed_reason(inquiry))


def _check_editable(recommendation: Recommendation) -> None:
    if not recommendation.is_editable:
        raise RecommendationError(
            f"This recommendation is {recommendation.status.label.lower()}, "
            "so it can no longer be changed."
        )


def _check_proposed(recommendation: Recommendation, what: str) -> None:
    if recommendation.status != RecommendationStatus.PROPOSED:
        raise RecommendationError(
            f"You can only {what} a recommendation that has been proposed to the cohort "
            "and is not yet going to the vote."
        )


# Reading ----------------------------------------------------------------------------


def recommendation_in(
    session: Session, inquiry: Inquiry, recommendation_id: int
) -> Recommendation | None:
    recommendation = session.get(Recommendation, recommendation_id)
    if recommendation is None or recommendation.inquiry_id != inquiry.id:
        return None
    return recommendation


def amendment_in(
    session: Session, recommendation: Recommendation, amendment_id: int
) -> Amendment | None:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None or amendment.recommendation_id != recommendation.id:
        return None
    return amendment


@dataclass(frozen=True, slots=True)
class ListedRecommendation:
    """What the list of recommendations shows of one: no wording or evidence."""

    id: int
    title: str
    full_title: str  # with its ballot reference once numbered, as in "R3: Longer visits"
    status: RecommendationStatus
    # Its author as the list names them after "By" ("a former participant" once they
    # have left); None when it has no named author.
    author: str | None
    supporters: int
    comments: int
    themes: list[Theme]
    merged_into_id: int | None
    merged_into_title: str


def _full_title(number: int | None, title: str) -> str:
    return f"R{number}: {title}" if number else title


def _listed_author(
    author_id: int | None,
    status: MembershipStatus | None,
    role: Role | None,
    display_name: str | None,
    user_name: str | None,
) -> str | None:
    """``author_name`` from the author's columns, without loading the membership, as it
    reads inside a sentence."""
    if author_id is None or status is None:
        return None
    if status == MembershipStatus.WITHDRAWN:
        return FORMER_PARTICIPANT[0].lower() + FORMER_PARTICIPANT[1:]
    if role == Role.WITNESS and display_name:
        return display_name
    return user_name


@functools.cache
def _list_query() -> Select:
    """The list's columns with each recommendation's counts, in list order, for
    ``listed_recommendations`` to filter: built once, as building it costs more than
    running it."""
    supporters = (
        select(func.count())
        .where(RecommendationSupport.recommendation_id == Recommendation.id)
        .correlate(Recommendation)
        .scalar_subquery()
    )
    comments = (
        select(func.count())
        .where(RecommendationComment.recommendation_id == Recommendation.id)
        .correlate(Recommendation)
        .scalar_subquery()
    )
    target = aliased(Recommendation)
    return (
        select(
            Recommendation.id,
            Recommendation.number,
            Recommendation.title,
            Recommendation.status,
            Recommendation.author_id,
            Membership.status,
            Membership.role,
            Membership.display_name,
            User.name,
            supporters,
            comments,
            Recommendation.merged_into_id,
            target.number,
            target.title,
        )
        .outerjoin(Membership, Membership.id == Recommendation.author_id)
        .outerjoin(User, User.id == Membership.user_id)
        .outerjoin(target, target.id == Recommendation.merged_into_id)
        .where(Recommendation.status.in_(SHARED_STATUSES))
        .order_by(
            Recommendation.number.is_(None),
            Recommendation.number,
            Recommendation.proposed_at,
            Recommendation.id,
        )
    )


def listed_recommendations(
    session: Session,
    inquiry: Inquiry,
    viewer: User,
    themes: Iterable[Theme],
    *,
    theme_id: int | None = None,
) -> list[ListedRecommendation]:
    """Recommendations the viewer may read that are not drafts (drafts: ``own_drafts``),
    in ballot order once numbered, then oldest proposed first; optionally only those on
    one theme. ``themes`` are the inquiry's, in the order each one's are listed. Two
    queries whatever their number."""
    if not policy.can_read_recommendations(viewer, inquiry):
        return []
    # Without drafts, ``policy.can_read_recommendation`` is ``can_read_recommendations``
    # for every recommendation of the inquiry, so no row needs checking on its own.
    query = _list_query().where(Recommendation.inquiry_id == inquiry.id)
    if theme_id is not None:
        query = query.where(
            Recommendation.id.in_(
                select(recommendation_themes.c.recommendation_id).where(
                    recommendation_themes.c.theme_id == theme_id
                )
            )
        )
    rows = session.execute(query).all()
    if not rows:
        return []
    position = {theme.id: n for n, theme in enumerate(themes)}
    by_id = {theme.id: theme for theme in themes}
    on: dict[int, list[int]] = {}
    links = session.execute(
        select(recommendation_themes.c.recommendation_id, recommendation_themes.c.theme_id).where(
            recommendation_themes.c.recommendation_id.in_([row[0] for row in rows])
        )
    )
    for recommendation_id, linked in links:
        if linked in position:
            on.setdefault(recommendation_id, []).append(linked)
    listed = []
    for (
        id_,
        number,
        title,
        status,
        author_id,
        member_status,
        role,
        display_name,
        user_name,
        supporters,
        comments,
        merged_into_id,
        target_number,
        target_title,
    ) in rows:
        linked = on.get(id_)
        listed.append(
            ListedRecommendation(
                id=id_,
                title=title,
                full_title=_full_title(number, title),
                status=status,
                author=_listed_author(author_id, member_status, role, display_name, user_name),
                supporters=supporters,
                comments=comments,
                themes=[by_id[t] for t in sorted(linked, key=position.__getitem__)]
                if linked
                else [],
                merged_into_id=merged_into_id,
                merged_into_title=(
                    _full_title(target_number, target_title) if merged_into_id is not None else ""
                ),
            )
        )
    return listed


def own_drafts(session: Session, inquiry: Inquiry, author: Membership | None) -> list[Row]:
    """The member's drafts (id, title and when last changed), most recently changed
    first."""
    if author is None:
        return []
    return list(
        session.execute(
            select(Recommendation.id, Recommendation.title, Recommendation.updated_at)
            .where(
                Recommendation.inquiry_id == inquiry.id,
                Recommendation.author_id == author.id,
                Recommendation.status == RecommendationStatus.DRAFT,
            )
            .order_by(Recommendation.updated_at.desc(), Recommendation.id.desc())
        )
    )


def support_counts(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """How many participants support each recommendation (0 for none), in one query."""
    ids = list(ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = session.execute(
        select(RecommendationSupport.recommendation_id, func.count())
        .where(RecommendationSupport.recommendation_id.in_(ids))
        .group_by(RecommendationSupport.recommendation_id)
    )
    counts.update({recommendation_id: n for recommendation_id, n in rows})
    return counts


def supported_by(session: Session, member: Membership | None, ids: Iterable[int]) -> set[int]:
    """Which of these recommendations the member supports."""
    ids = list(ids)
    if member is None or not ids:
        return set()
    return set(
        session.scalars(
            select(RecommendationSupport.recommendation_id).where(
                RecommendationSupport.member_id == member.id,
                RecommendationSupport.recommendation_id.in_(ids),
            )
        )
    )


def comments_for(session: Session, recommendation: Recommendation) -> list[RecommendationComment]:
    return list(
        session.scalars(
            select(RecommendationComment)
            .where(RecommendationComment.recommendation_id == recommendation.id)
            .order_by(RecommendationComment.created_at, RecommendationComment.id)
        ).unique()
    )


def amendments_for(session: Session, recommendation: Recommendation) -> list[Amendment]:
    """Every amendment, oldest first."""
    return list(
        session.scalars(
            select(Amendment)
            .where(Amendment.recommendation_id == recommendation.id)
            .order_by(Amendment.created_at, Amendment.id)
        ).unique()
    )


# Evidence ------------------------------------------------------------------------------


def evidence_excerpts(session: Session, inquiry: Inquiry) -> list[Excerpt]:
    """Excerpts a participant may cite: every excerpt of approved testimony (which every
    member reads), in reading order. How each may be quoted comes with it."""
    return excerpt_services.all_excerpts(session, inquiry)


def _readable_reflections_query(inquiry: Inquiry):
    return (
        select(Reflection)
        .join(Round, Round.id == Reflection.round_id)
        .join(RoundPrompt, RoundPrompt.id == Reflection.prompt_id)
        .where(
            Reflection.inquiry_id == inquiry.id,
            Reflection.status == ReflectionStatus.SHARED,
        )
        .options(
            joinedload(Reflection.author).joinedload(Membership.user),
            joinedload(Reflection.prompt).joinedload(RoundPrompt.round),
        )
        .order_by(Round.position, RoundPrompt.position, Reflection.shared_at, Reflection.id)
    )


def evidence_reflections(session: Session, inquiry: Inquiry, viewer: User) -> list[Reflection]:
    """Reflections a participant may cite: shared with the cohort and readable by them
    (``policy.can_read_reflection``). Reflections shared with the researchers only are
    not offered, as the cohort could not read them."""
    membership = policy.membership_of(viewer, inquiry)
    if membership is None or not policy.can_read_cohort_reflections(viewer, inquiry):
        return []
    revealed = deliberation_services.shared_prompt_ids(session, membership)
    query = _readable_reflections_query(inquiry).where(Reflection.visibility == Visibility.COHORT)
    return [
        r
        for r in session.scalars(query).unique()
        if policy.can_read_reflection(viewer, inquiry, r, revealed)
    ]


def cited_excerpts(
    session: Session, inquiry: Inquiry, recommendation: Recommendation
) -> list[Excerpt]:
    """The excerpts the recommendation cites that can be shown: of approved testimony,
    in reading order. Withdrawn testimony has no excerpts left; testimony sent back for
    changes hides its excerpts until it is approved again."""
    wanted = {excerpt.id for excerpt in recommendation.excerpts}
    if not wanted:
        return []
    return [e for e in excerpt_services.all_excerpts(session, inquiry) if e.id in wanted]


@dataclass(frozen=True)
class CitedReflections:
    shown: list[Reflection]
    hidden: int  # cited, but not readable by this viewer


def cited_reflections(
    session: Session, inquiry: Inquiry, recommendation: Recommendation, viewer: User
) -> CitedReflections:
    """The cited reflections this viewer may read, and how many others there are."""
    ids = list(
        session.scalars(
            select(recommendation_reflections.c.reflection_id).where(
                recommendation_reflections.c.recommendation_id == recommendation.id
            )
        )
    )
    if not ids:
        return CitedReflections([], 0)
    reflections = list(
        session.scalars(_readable_reflections_query(inquiry).where(Reflection.id.in_(ids))).unique()
    )
    membership = policy.membership_of(viewer, inquiry)
    revealed = deliberation_services.shared_prompt_ids(session, membership) if membership else set()
    shown = [r for r in reflections if policy.can_read_reflection(viewer, inquiry, r, revealed)]
    return CitedReflections(shown, len(reflections) - len(shown))


def _set_evidence(
    session: Session,
    recommendation: Recommendation,
    inquiry: Inquiry,
    viewer: User,
    *,
    themes: list[Theme] | None,
    excerpt_ids: Iterable[int] | None,
    reflection_ids: Iterable[int] | None,
) -> bool:
    """Themes and evidence, keeping only what the author may cite. True if changed.

    Evidence already cited that the author can no longer see (reflections that were
    later made visible to researchers only, say) is kept rather than dropped unseen.
    """
    changed = False
    if themes is not None:
        if any(theme.inquiry_id != inquiry.id for theme in themes):
            raise RecommendationError("Choose themes of this inquiry", "themes")
        if {t.id for t in recommendation.themes} != {t.id for t in themes}:
            recommendation.themes = list(themes)
            changed = True
    if excerpt_ids is not None:
        offered = {e.id: e for e in evidence_excerpts(session, inquiry)}
        wanted = set(excerpt_ids)
        if wanted - offered.keys():
            raise RecommendationError("Choose excerpts from the list", "excerpts")
        current = {e.id: e for e in recommendation.excerpts}
        # Keep cited excerpts that are hidden for now (testimony sent back for changes).
        kept_hidden = {i for i in current if i not in offered}
        new_ids = wanted | kept_hidden
        if new_ids != set(current):
            recommendation.excerpts = [offered.get(i) or current[i] for i in sorted(new_ids)]
            changed = True
    if reflection_ids is not None:
        offered_reflections = {r.id: r for r in evidence_reflections(session, inquiry, viewer)}
        wanted = set(reflection_ids)
        if wanted - offered_reflections.keys():
            raise RecommendationError("Choose reflections from the list", "reflections")
        current_reflections = {r.id: r for r in recommendation.reflections}
        kept_hidden = {i for i in current_reflections if i not in offered_reflections}
        new_ids = wanted | kept_hidden
        if new_ids != set(current_reflections):
            recommendation.reflections = [
                offered_reflections.get(i) or current_reflections[i] for i in sorted(new_ids)
            ]
            changed = True
    return changed


# Wording ------------------------------------------------------------------------------


def clean_wording(wording: Mapping[str, Any]) -> dict[str, str]:
    """The six parts of a wording as stored: title on one line, text trimmed."""
    cleaned = {name: str(wording.get(name) or "").strip() for name in WORDING_FIELDS}
    cleaned["title"] = " ".join(cleaned["title"].split())
    return cleaned


def check_wording(wording: Mapping[str, str], *, complete: bool = False) -> None:
    """Refuse a wording that cannot be saved; ``complete`` for one the cohort reads."""
    if not wording["title"]:
        raise RecommendationError("Enter a short title", "title")
    if len(wording["title"]) > MAX_TITLE_LENGTH:
        raise RecommendationError(
            f"The title must be {MAX_TITLE_LENGTH} characters or fewer", "title"
        )
    if not wording["body"]:
        raise RecommendationError("Enter the recommendation", "body")
    for name in WORDING_FIELDS[1:]:
        if len(wording[name]) > MAX_TEXT_LENGTH:
            raise RecommendationError(f"This must be {MAX_TEXT_LENGTH:,} characters or fewer", name)


def wording_of(obj: Recommendation | RecommendationVersion | Amendment) -> dict[str, str]:
    return {name: getattr(obj, name) or "" for name in WORDING_FIELDS}


def changed_fields(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    return [name for name in WORDING_FIELDS if (before.get(name) or "") != (after.get(name) or "")]


def create_recommendation(
    session: Session,
    *,
    inquiry: Inquiry,
    author: Membership,
    actor: User,
    wording: Mapping[str, Any],
    themes: list[Theme],
    excerpt_ids: Iterable[int] = (),
    reflection_ids: Iterable[int] = (),
    propose: bool,
    now: datetime,
) -> Recommendation:
    """A new recommendation with its first version, kept as a draft or proposed."""
    _check_drafting_open(inquiry)
    if author.inquiry_id != inquiry.id:
        raise RecommendationError("You are not a member of this inquiry")
    cleaned = clean_wording(wording)
    check_wording(cleaned, complete=propose)
    recommendation = Recommendation(
        inquiry_id=inquiry.id,
        author_id=author.id,
        status=RecommendationStatus.PROPOSED if propose else RecommendationStatus.DRAFT,
        revision=1,
        created_at=now,
        updated_at=now,
        proposed_at=now if propose else None,
        **cleaned,
    )
    recommendation.themes = []
    recommendation.excerpts = []
    recommendation.reflections = []
    session.add(recommendation)
    _set_evidence(
        session,
        recommendation,
        inquiry,
        actor,
        themes=themes,
        excerpt_ids=excerpt_ids,
        reflection_ids=reflection_ids,
    )
    session.flush()
    record_version(session, recommendation, VersionChange.CREATED, author, now)
    record(
        session,
        "recommendation.proposed" if propose else "recommendation.drafted",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation",
        object_id=recommendation.id,
        revision=recommendation.revision,
    )
    return recommendation


@dataclass(frozen=True)
class Saved:
    recommendation: Recommendation
    wording_changed: bool
    evidence_changed: bool
    proposed: bool  # proposed to the cohort by this save

    @property
    def anything_changed(self) -> bool:
        return self.wording_changed or self.evidence_changed or self.proposed


def update_recommendation(
    session: Session,
    recommendation: Recommendation,
    *,
    inquiry: Inquiry,
    author: Membership,
    actor: User,
    wording: Mapping[str, Any],
    themes: list[Theme],
    excerpt_ids: Iterable[int] = (),
    reflection_ids: Iterable[int] = (),
    propose: bool,
    expected_revision: int,
    now: datetime,
) -> Saved:
    """The author changes their draft or proposed recommendation, and may propose a draft.

    A change of wording takes the next revision and keeps a version; a save from a page
    made before the last change of wording raises ChangedElsewhere and saves nothing.
    A proposed recommendation stays proposed.
    """
    if recommendation.inquiry_id != inquiry.id or recommendation.author_id != author.id:
        raise RecommendationError("Only its author can change this recommendation")
    _check_drafting_open(inquiry)
    _check_editable(recommendation)
    cleaned = clean_wording(wording)
    proposing = propose and recommendation.status == RecommendationStatus.DRAFT
    check_wording(
        cleaned, complete=proposing or recommendation.status == RecommendationStatus.PROPOSED
    )
    if expected_revision != recommendation.revision:
        raise ChangedElsewhere(recommendation)
    wording_changed = bool(changed_fields(wording_of(recommendation), cleaned))
    evidence_changed = _set_evidence(
        session,
        recommendation,
        inquiry,
        actor,
        themes=themes,
        excerpt_ids=excerpt_ids,
        reflection_ids=reflection_ids,
    )
    if wording_changed:
        _claim_revision(session, recommendation, expected_revision, now)
        for name, value in cleaned.items():
            setattr(recommendation, name, value)
        record_version(session, recommendation, VersionChange.EDITED, author, now)
    if proposing:
        recommendation.status = RecommendationStatus.PROPOSED
        recommendation.proposed_at = now
    if wording_changed or evidence_changed or proposing:
        recommendation.updated_at = now
    session.flush()
    if proposing:
        record(
            session,
            "recommendation.proposed",
            actor=actor,
            inquiry=inquiry,
            object_type="recommendation",
            object_id=recommendation.id,
            revision=recommendation.revision,
        )
    if wording_changed or (evidence_changed and not proposing):
        record(
            session,
            "recommendation.edited",
            actor=actor,
            inquiry=inquiry,
            object_type="recommendation",
            object_id=recommendation.id,
            revision=recommendation.revision,
            wording_changed=wording_changed,
            evidence_changed=evidence_changed,
        )
    return Saved(recommendation, wording_changed, evidence_changed, proposing)


def delete_draft(
    session: Session,
    recommendation: Recommendation,
    *,
    inquiry: Inquiry,
    author: Membership,
    actor: User,
    now: datetime,
) -> None:
    """The author deletes their draft, with its versions."""
    if recommendation.inquiry_id != inquiry.id or recommendation.author_id != author.id:
        raise RecommendationError("Only its author can delete this recommendation")
    if recommendation.status != RecommendationStatus.DRAFT:
        raise RecommendationError(
            "Only drafts can be deleted. Once a recommendation is proposed it belongs "
            "to the cohort's discussion."
        )
    recommendation_id = recommendation.id
    session.delete(recommendation)
    session.flush()
    record(
        session,
        "recommendation.deleted",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation",
        object_id=recommendation_id,
    )


# Support and comments -------------------------------------------------------------------


def set_support(
    session: Session,
    recommendation: Recommendation,
    *,
    inquiry: Inquiry,
    member: Membership,
    actor: User,
    support: bool,
    now: datetime,
) -> bool:
    """Support a proposed recommendation, or withdraw support; False when unchanged."""
    if recommendation.inquiry_id != inquiry.id:
        raise RecommendationError("This recommendation is not part of this inquiry")
    _check_drafting_open(inquiry)
    _check_proposed(recommendation, "support")
    if recommendation.author_id == member.id:
        raise RecommendationError("You cannot support your own recommendation")
    existing = session.scalar(
        select(RecommendationSupport).where(
            RecommendationSupport.recommendation_id == recommendation.id,
            RecommendationSupport.member_id == member.id,
        )
    )
    if support == (existing is not None):
        return False
    if support:
        session.add(
            RecommendationSupport(
                recommendation_id=recommendation.id, member_id=member.id, created_at=now
            )
        )
    else:
        session.delete(existing)
    session.flush()
    record(
        session,
        "recommendation.supported" if support else "recommendation.support_withdrawn",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation",
        object_id=recommendation.id,
    )
    return True


def _tell_author(
    session: Session,
    recommendation: Recommendation,
    inquiry: Inquiry,
    message: str,
    *,
    not_member: Membership | None,
    link: str,
    now: datetime,
) -> None:
    author = recommendation.author
    if author is None or author.status != MembershipStatus.ACTIVE:
        return
    if not_member is not None and author.id == not_member.id:
        return
    notify(session, author.user_id, message, inquiry=inquiry, link=link, now=now)


def add_comment(
    session: Session,
    recommendation: Recommendation,
    *,
    inquiry: Inquiry,
    author: Membership,
    actor: User,
    body: str,
    link: str,
    now: datetime,
) -> RecommendationComment:
    """Comment on a proposed recommendation; its author is told (never the words)."""
    if recommendation.inquiry_id != inquiry.id:
        raise RecommendationError("This recommendation is not part of this inquiry")
    _check_drafting_open(inquiry)
    _check_proposed(recommendation, "comment on")
    body = (body or "").strip()
    if not body:
        raise RecommendationError("Enter your comment", "body")
    if len(body) > MAX_COMMENT_LENGTH:
        raise RecommendationError(
            f"Your comment must be {MAX_COMMENT_LENGTH:,} characters or fewer", "body"
        )
    comment = RecommendationComment(
        recommendation_id=recommendation.id, author_id=author.id, body=body, created_at=now
    )
    session.add(comment)
    session.flush()
    record(
        session,
        "recommendation.commented",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation",
        object_id=recommendation.id,
        comment_id=comment.id,
    )
    _tell_author(
        session,
        recommendation,
        inquiry,
        f"{author_name(author)} commented on a recommendation you wrote.",
        not_member=author,
        link=link,
        now=now,
    )
    return comment


# Amendments ------------------------------------------------------------------------------


def propose_amendment(
    session: Session,
    recommendation: Recommendation,
    *,
    inquiry: Inquiry,
    proposer: Membership,
    actor: User,
    wording: Mapping[str, Any],
    reason: str,
    base_revision: int,
    link: str,
    now: datetime,
) -> Amendment:
    """Suggest a new wording for someone else's proposed recommendation."""
    if recommendation.inquiry_id != inquiry.id:
        raise RecommendationError("This recommendation is not part of this inquiry")
    _check_drafting_open(inquiry)
    _check_proposed(recommendation, "propose an amendment to")
    if recommendation.author_id == proposer.id:
        raise RecommendationError(
            "This is your own recommendation: change its wording instead of amending it"
        )
    cleaned = clean_wording(wording)
    check_wording(cleaned, complete=True)
    reason = (reason or "").strip()
    if not reason:
        raise RecommendationError("Enter why you suggest this change", "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise RecommendationError(
            f"Why you suggest this change must be {MAX_REASON_LENGTH:,} characters or fewer",
            "reason",
        )
    if not changed_fields(wording_of(recommendation), cleaned):
        raise RecommendationError(
            "Your amendment is the same as the current wording. Change at least one part."
        )
    if base_revision < 1 or base_revision > recommendation.revision:
        base_revision = recommendation.revision
    amendment = Amendment(
        recommendation_id=recommendation.id,
        proposer_id=proposer.id,
        base_revision=base_revision,
        reason=reason,
        status=AmendmentStatus.PENDING,
        created_at=now,
        **cleaned,
    )
    session.add(amendment)
    session.flush()
    record(
        session,
        "amendment.proposed",
        actor=actor,
        inquiry=inquiry,
        object_type="amendment",
        object_id=amendment.id,
        recommendation_id=recommendation.id,
        base_revision=base_revision,
    )
    _tell_author(
        session,
        recommendation,
        inquiry,
        f"{author_name(proposer)} proposed an amendment to a recommendation you wrote.",
        not_member=proposer,
        link=link,
        now=now,
    )
    return amendment


def base_wording(session: Session, amendment: Amendment) -> dict[str, str] | None:
    """The wording the amendment was written against, if that version is kept."""
    version = session.scalar(
        select(RecommendationVersion).where(
            RecommendationVersion.recommendation_id == amendment.recommendation_id,
            RecommendationVersion.revision == amendment.base_revision,
        )
    )
    return wording_of(version) if version is not None else None


def _tell_proposer(
    session: Session, amendment: Amendment, inquiry: Inquiry, message: str, link: str, now
) -> None:
    proposer = amendment.proposer
    if proposer is None or proposer.status != MembershipStatus.ACTIVE:
        return
    notify(session, proposer.user_id, message, inquiry=inquiry, link=link, now=now)


def decide_amendment(
    session: Session,
    amendment: Amendment,
    *,
    inquiry: Inquiry,
    author: Membership,
    actor: User,
    accept: bool,
    note: str,
    expected_revision: int,
    link: str,
    now: datetime,
) -> None:
    """The author accepts the amendment (its wording becomes the recommendation's, as a
    version changed by the proposer) or declines it with an optional note. Other pending
    amendments stay pending."""
    recommendation = amendment.recommendation
    if recommendation.inquiry_id != inquiry.id or recommendation.author_id != author.id:
        raise RecommendationError("Only the recommendation's author can decide on amendments")
    _check_drafting_open(inquiry)
    _check_editable(recommendation)
    if amendment.status != AmendmentStatus.PENDING:
        raise RecommendationError(
            f"This amendment has already been {amendment.status.label.lower()}"
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise RecommendationError(
            f"Your note must be {MAX_NOTE_LENGTH:,} characters or fewer", "note"
        )
    if accept:
        _claim_revision(session, recommendation, expected_revision, now)
        for name, value in wording_of(amendment).items():
            setattr(recommendation, name, value)
        record_version(
            session,
            recommendation,
            VersionChange.AMENDMENT_ACCEPTED,
            amendment.proposer,
            now,
            amendment=amendment,
        )
    amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.DECLINED
    amendment.decision_note = note
    amendment.decided_at = now
    session.flush()
    record(
        session,
        "amendment.accepted" if accept else "amendment.declined",
        actor=actor,
        inquiry=inquiry,
        object_type="amendment",
        object_id=amendment.id,
        recommendation_id=recommendation.id,
        revision=recommendation.revision,
    )
    _tell_proposer(
        session,
        amendment,
        inquiry,
        (
            "Your amendment to a recommendation was accepted by its author."
            if accept
            else "Your amendment to a recommendation was declined by its author."
        ),
        link,
        now,
    )


def withdraw_amendment(
    session: Session,
    amendment: Amendment,
    *,
    inquiry: Inquiry,
    proposer: Membership,
    actor: User,
    now: datetime,
) -> None:
    if amendment.recommendation.inquiry_id != inquiry.id or amendment.proposer_id != proposer.id:
        raise RecommendationError("Only the person who proposed an amendment can withdraw it")
    if amendment.status != AmendmentStatus.PENDING:
        raise RecommendationError(
            f"This amendment has already been {amendment.status.label.lower()}"
        )
    amendment.status = AmendmentStatus.WITHDRAWN
    amendment.decided_at = now
    session.flush()
    record(
        session,
        "amendment.withdrawn",
        actor=actor,
        inquiry=inquiry,
        object_type="amendment",
        object_id=amendment.id,
        recommendation_id=amendment.recommendation_id,
    )


# History -------------------------------------------------------------------------------


def history(
    session: Session, recommendation: Recommendation, *, viewer_is_author: bool
) -> list[RecommendationVersion]:
    """Every wording, newest first.

    Drafts are their author's alone, so others do not see wordings the author replaced
    before proposing it: their history starts with the wording first proposed.
    """
    versions = list(
        session.scalars(
            select(RecommendationVersion)
            .where(RecommendationVersion.recommendation_id == recommendation.id)
            .order_by(RecommendationVersion.revision)
        ).unique()
    )
    proposed_at = recommendation.proposed_at
    if not viewer_is_author and proposed_at is not None:
        kept = []
        for index, version in enumerate(versions):
            following = versions[index + 1] if index + 1 < len(versions) else None
            if following is not None and following.created_at <= proposed_at:
                continue  # replaced while still a private draft
            kept.append(version)
        versions = kept
    return list(reversed(versions))


# The theme board -------------------------------------------------------------------------


def board_recommendations(
    session: Session, inquiry: Inquiry, viewer: User, themes: list[Theme]
) -> dict[int, list[Recommendation]]:
    """For the theme board: by theme id, the recommendations on it that the viewer may
    read, neither drafts nor merged ones, in two queries whatever their number."""
    if not themes or not policy.can_read_recommendations(viewer, inquiry):
        return {}
    theme_ids = [theme.id for theme in themes]
    rows = session.execute(
        select(recommendation_themes.c.theme_id, Recommendation)
        .join(Recommendation, Recommendation.id == recommendation_themes.c.recommendation_id)
        .where(
            recommendation_themes.c.theme_id.in_(theme_ids),
            Recommendation.inquiry_id == inquiry.id,
            Recommendation.status.in_(BOARD_STATUSES),
        )
        .options(
            lazyload(Recommendation.excerpts),
            lazyload(Recommendation.themes),
        )
        .order_by(
            Recommendation.number.is_(None),
            Recommendation.number,
            Recommendation.proposed_at,
            Recommendation.id,
        )
    ).unique()
    found: dict[int, list[Recommendation]] = {}
    for theme_id, recommendation in rows:
        if policy.can_read_recommendation(viewer, inquiry, recommendation):
            found.setdefault(theme_id, []).append(recommendation)
    return found


deliberation_services.register_recommendations_provider(board_recommendations)


# Contributions ---------------------------------------------------------------------------

# Kept when their author withdraws, even if the inquiry removes contributions: the
# wording fixed for the vote belongs to the cohort.
COHORT_STATUSES = (
    RecommendationStatus.FROZEN,
    RecommendationStatus.ADOPTED,
    RecommendationStatus.NOT_ADOPTED,
)


def _count_by_member(session: Session, membership: Membership) -> int:
    """Recommendations they wrote that the cohort has seen (drafts are private, so not
    counted where researchers can see the count)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Recommendation)
            .where(
                Recommendation.author_id == membership.id,
                Recommendation.status != RecommendationStatus.DRAFT,
            )
        )
        or 0
    )


def _remove_for_member(session: Session, membership: Membership, now: datetime) -> None:
    """A withdrawn member's drafts, proposed and merged recommendations (with their
    versions, support, comments and amendments), their comments, support and amendments
    not accepted go. Frozen and later recommendations stay, with the author link cleared;
    wordings they made through accepted amendments stay, without their name."""
    removable = select(Recommendation.id).where(
        Recommendation.author_id == membership.id,
        Recommendation.status.not_in(COHORT_STATUSES),
    )
    removable_ids = list(session.scalars(removable))
    if removable_ids:
        # Recommendations merged into one of these keep pointing nowhere (SET NULL).
        session.execute(
            delete(Recommendation)
            .where(Recommendation.id.in_(removable_ids))
            .execution_options(synchronize_session="fetch")
        )
    session.execute(
        delete(RecommendationComment)
        .where(RecommendationComment.author_id == membership.id)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        delete(RecommendationSupport)
        .where(RecommendationSupport.member_id == membership.id)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        delete(Amendment)
        .where(
            Amendment.proposer_id == membership.id,
            Amendment.status != AmendmentStatus.ACCEPTED,
        )
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(Amendment)
        .where(Amendment.proposer_id == membership.id)
        .values(proposer_id=None)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(RecommendationVersion)
        .where(RecommendationVersion.changed_by_id == membership.id)
        .values(changed_by_id=None)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(Recommendation)
        .where(Recommendation.author_id == membership.id)
        .values(author_id=None)
        .execution_options(synchronize_session="fetch")
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Recommendation | Amendment | RecommendationVersion):
            session.expire(obj)
    session.flush()


RECOMMENDATIONS_COUNTER = contributions.register(
    contributions.Counter(
        label="recommendations",
        singular="recommendation",
        for_member=_count_by_member,
        remove_for_member=_remove_for_member,
    )
)


def any_pending(amendments: Iterable[Amendment]) -> bool:
    return any(a.status == AmendmentStatus.PENDING for a in amendments)


# A person's own data -------------------------------------------------------------------


def personal_data(session: Session, user: User) -> dict[str, list[dict]]:
    """Everything of the person's in this feature, for their data download: what they
    wrote (drafts included), the wordings they made, comments, amendments, what they
    supported and their answers to merges."""
    ids = membership_ids(session, user)
    if not ids:
        return {}
    written = session.scalars(
        select(Recommendation).where(Recommendation.author_id.in_(ids)).order_by(Recommendation.id)
    )
    versions = session.scalars(
        select(RecommendationVersion)
        .where(RecommendationVersion.changed_by_id.in_(ids))
        .order_by(RecommendationVersion.id)
    )
    comments = session.scalars(
        select(RecommendationComment)
        .where(RecommendationComment.author_id.in_(ids))
        .order_by(RecommendationComment.id)
    )
    amendments = session.scalars(
        select(Amendment).where(Amendment.proposer_id.in_(ids)).order_by(Amendment.id)
    )
    supported = session.scalars(
        select(RecommendationSupport)
        .where(RecommendationSupport.member_id.in_(ids))
        .order_by(RecommendationSupport.id)
    )
    merges = session.scalars(
        select(MergeApproval).where(MergeApproval.member_id.in_(ids)).order_by(MergeApproval.id)
    )
    return {
        "written": [
            {**row(r), "themes": [t.name for t in r.themes], "excerpts": [e.id for e in r.excerpts]}
            for r in written
        ],
        "wordings_you_made": [row(v) for v in versions],
        "comments": [row(c) for c in comments],
        "amendments_you_proposed": [row(a) for a in amendments],
        "supported": [row(s) for s in supported],
        "merges_you_were_asked_about": [row(m) for m in merges],
    }


register_section("recommendations", personal_data)
