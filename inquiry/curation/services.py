"""Merging duplicate recommendations and freezing the wording that goes to the vote.

Researchers do both while the inquiry is in session or voting, and never while a
ballot is open. A merge makes a new proposed recommendation from two or more proposed
ones: their supporters, evidence links and themes carry over, the sources keep their
own history and comments, and each source's author is asked to accept the merged
wording. Freezing fixes the wording and gives each recommendation its number on the
ballot (R1, R2...).

Plain functions taking the session and explicit arguments; they flush, never commit,
and record the audit events. Refusals raise ``CurationError`` with a message that can
be shown to the researcher.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from .. import contributions
from ..audit.service import record
from ..models import (
    Amendment,
    AmendmentStatus,
    Ballot,
    BallotItem,
    BallotStatus,
    Inquiry,
    InquiryStatus,
    Membership,
    MembershipStatus,
    MergeApproval,
    MergeApprovalStatus,
    Recommendation,
    RecommendationStatus,
    RecommendationSupport,
    User,
    VersionChange,
)
from ..notifications.services import notify
from ..recommendations.services import (
    PROPOSE_MESSAGES,
    WORDING_NEEDED_TO_PROPOSE,
    RecommendationError,
    author_name,
    check_wording,
    clean_wording,
    record_version,
)
from ..results.rules import quorum_met

CURATION_STAGES = (InquiryStatus.IN_SESSION, InquiryStatus.VOTING)
MAX_NOTE_LENGTH = 1000

Link = Callable[[Recommendation], str]

# Messages for notifications: never the words of a recommendation.
MERGE_MESSAGE = (
    "The researchers merged a recommendation you wrote with others. Check the merged "
    "wording and say whether you accept it."
)
SUPPORT_MOVED_MESSAGE = (
    "A recommendation you supported was merged with others. Your support now counts for "
    "the merged recommendation: read its wording, and withdraw your support there if you "
    "no longer agree."
)
AMENDMENT_LAPSED_MERGED = (
    "An amendment you proposed can no longer be decided: the recommendation was merged with others"
)
AMENDMENT_LAPSED_FROZEN = (
    "An amendment you proposed can no longer be decided: the recommendation's wording "
    "was fixed for the vote"
)
FROZEN_MESSAGE = "A recommendation you wrote is going to the vote as {reference}"
UNFROZEN_MESSAGE = "A recommendation you wrote is no longer going to the vote"
DECLINED_MESSAGE = "An author did not accept the wording of a merged recommendation"


class CurationError(Exception):
    """A change that cannot be made, with a message for the person making it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# When curation is possible ------------------------------------------------------------


def open_ballot(session: Session, inquiry: Inquiry) -> Ballot | None:
    return session.scalar(
        select(Ballot)
        .where(Ballot.inquiry_id == inquiry.id, Ballot.status == BallotStatus.OPEN)
        .limit(1)
    )


def stage_refusal(inquiry: Inquiry) -> str | None:
    """Why the inquiry's stage does not allow merging or freezing, if it does not."""
    if inquiry.status in CURATION_STAGES:
        return None
    return (
        "Recommendations can only be merged or frozen while the inquiry is in session "
        f"or voting. This inquiry is at the “{inquiry.status.label.lower()}” stage."
    )


BALLOT_OPEN = (
    "A ballot is open. Recommendations cannot be merged, frozen or taken off the vote "
    "until it closes."
)


def curation_refusal(session: Session, inquiry: Inquiry) -> str | None:
    """Why researchers cannot merge, freeze or unfreeze now, or None if they can."""
    reason = stage_refusal(inquiry)
    if reason:
        return reason
    if open_ballot(session, inquiry) is not None:
        return BALLOT_OPEN
    return None


def _check_can_curate(session: Session, inquiry: Inquiry) -> None:
    reason = curation_refusal(session, inquiry)
    if reason:
        raise CurationError(reason)


# Reading ------------------------------------------------------------------------------


# Recommendations loaded only to be named and linked: not their evidence and themes.
_WORDING_ONLY = (lazyload(Recommendation.excerpts), lazyload(Recommendation.themes))


def _shown_order():
    """The order recommendations are listed in for curation, and numbered in."""
    return (func.coalesce(Recommendation.proposed_at, Recommendation.created_at), Recommendation.id)


def sort_as_shown(recommendations: Iterable[Recommendation]) -> list[Recommendation]:
    return sorted(recommendations, key=lambda r: (r.proposed_at or r.created_at, r.id))


def recommendation_in(
    session: Session, inquiry: Inquiry, recommendation_id: int
) -> Recommendation | None:
    recommendation = session.get(Recommendation, recommendation_id)
    if recommendation is None or recommendation.inquiry_id != inquiry.id:
        return None
    return recommendation


def recommendations_in(
    session: Session, inquiry: Inquiry, ids: Iterable[int]
) -> list[Recommendation] | None:
    """The recommendations with these ids in the order shown, or None if any of them is
    missing or belongs to another inquiry."""
    wanted = set(ids)
    if not wanted:
        return []
    found = list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.id.in_(wanted), Recommendation.inquiry_id == inquiry.id)
            .order_by(*_shown_order())
        ).unique()
    )
    if len(found) != len(wanted):
        return None
    return found


def approval_in(session: Session, inquiry: Inquiry, approval_id: int) -> MergeApproval | None:
    approval = session.get(MergeApproval, approval_id)
    if approval is None or approval.recommendation.inquiry_id != inquiry.id:
        return None
    return approval


@dataclass
class MergeCounts:
    accepted: int = 0
    declined: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.accepted + self.declined + self.pending


@dataclass
class ProposedRow:
    recommendation: Recommendation
    supporters: int = 0
    pending_amendments: int = 0
    merge: MergeCounts | None = None  # set when the recommendation came from a merge
    declines: list[MergeApproval] = field(default_factory=list)


def _support_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(RecommendationSupport.recommendation_id, func.count())
        .where(RecommendationSupport.recommendation_id.in_(ids))
        .group_by(RecommendationSupport.recommendation_id)
    )
    return {recommendation_id: count for recommendation_id, count in rows}


def _pending_amendment_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(Amendment.recommendation_id, func.count())
        .where(Amendment.recommendation_id.in_(ids), Amendment.status == AmendmentStatus.PENDING)
        .group_by(Amendment.recommendation_id)
    )
    return {recommendation_id: count for recommendation_id, count in rows}


def _approvals_for(session: Session, ids: list[int]) -> list[MergeApproval]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(MergeApproval)
            .where(MergeApproval.recommendation_id.in_(ids))
            .order_by(MergeApproval.id)
        ).unique()
    )


def rows_for(session: Session, recommendations: Sequence[Recommendation]) -> list[ProposedRow]:
    """Support, pending amendments and merge answers for each recommendation, in a fixed
    number of queries."""
    ids = [r.id for r in recommendations]
    supports = _support_counts(session, ids)
    amendments = _pending_amendment_counts(session, ids)
    rows = {
        r.id: ProposedRow(
            recommendation=r,
            supporters=supports.get(r.id, 0),
            pending_amendments=amendments.get(r.id, 0),
        )
        for r in recommendations
    }
    for approval in _approvals_for(session, ids):
        row = rows[approval.recommendation_id]
        if row.merge is None:
            row.merge = MergeCounts()
        if approval.status == MergeApprovalStatus.ACCEPTED:
            row.merge.accepted += 1
        elif approval.status == MergeApprovalStatus.DECLINED:
            row.merge.declined += 1
            row.declines.append(approval)
        else:
            row.merge.pending += 1
    return list(rows.values())


def proposed(session: Session, inquiry: Inquiry) -> list[Recommendation]:
    return list(
        session.scalars(
            select(Recommendation)
            .where(
                Recommendation.inquiry_id == inquiry.id,
                Recommendation.status == RecommendationStatus.PROPOSED,
            )
            .order_by(*_shown_order())
            .options(*_WORDING_ONLY)
        ).unique()
    )


def frozen(session: Session, inquiry: Inquiry) -> list[Recommendation]:
    return list(
        session.scalars(
            select(Recommendation)
            .where(
                Recommendation.inquiry_id == inquiry.id,
                Recommendation.status == RecommendationStatus.FROZEN,
            )
            .order_by(Recommendation.number, Recommendation.id)
            .options(*_WORDING_ONLY)
        ).unique()
    )


def next_number(session: Session, inquiry: Inquiry) -> int:
    """The first ballot number not used yet in the inquiry."""
    highest = session.scalar(
        select(func.max(Recommendation.number)).where(Recommendation.inquiry_id == inquiry.id)
    )
    return (highest or 0) + 1


def decided_by_quorate_ballot(session: Session, recommendation_ids: list[int]) -> set[int]:
    """Which of these recommendations were on a closed ballot that reached its quorum."""
    if not recommendation_ids:
        return set()
    rows = session.execute(
        select(
            BallotItem.recommendation_id,
            Ballot.participant_count,
            Ballot.eligible_count,
            Ballot.quorum_percent,
        )
        .join(Ballot, Ballot.id == BallotItem.ballot_id)
        .where(
            BallotItem.recommendation_id.in_(recommendation_ids),
            Ballot.status == BallotStatus.CLOSED,
        )
    )
    return {
        recommendation_id
        for recommendation_id, participants, eligible, quorum in rows
        if quorum_met(participants or 0, eligible or 0, quorum)
    }


def unfreeze_refusal(
    session: Session, inquiry: Inquiry, recommendation: Recommendation
) -> str | None:
    """Why this recommendation cannot be taken off the vote, or None if it can."""
    if recommendation.status != RecommendationStatus.FROZEN:
        return "This recommendation is not going to the vote, so there is nothing to undo."
    reason = curation_refusal(session, inquiry)
    if reason:
        return reason
    if decided_by_quorate_ballot(session, [recommendation.id]):
        return (
            "This recommendation has been voted on in a ballot that reached its quorum, "
            "so it stays as it was voted on."
        )
    return None


# Merging ------------------------------------------------------------------------------


def lead_author_choices(sources: Sequence[Recommendation]) -> list[Membership]:
    """The sources' authors who are still active members, each once, in source order."""
    seen: set[int] = set()
    authors: list[Membership] = []
    for source in sources:
        author = source.author
        if (
            author is not None
            and author.status == MembershipStatus.ACTIVE
            and author.id not in seen
        ):
            seen.add(author.id)
            authors.append(author)
    return authors


MERGED_SINCE = (
    "Only proposed recommendations can be merged. At least one of those you selected has "
    "been merged or sent to the vote since."
)
FROZEN_SINCE = (
    "Only proposed recommendations can go to the vote. At least one of those you selected "
    "has been merged or sent to the vote since."
)


def _claim(
    session: Session,
    recommendations: Sequence[Recommendation],
    *,
    status: RecommendationStatus,
    message: str,
    **values: object,
) -> None:
    """Move the recommendations from proposed to ``status`` in one statement that only
    changes those still proposed, so that two researchers acting at once cannot both
    merge or freeze the same recommendation: the second is refused."""
    ids = [r.id for r in recommendations]
    result = session.execute(
        update(Recommendation)
        .where(Recommendation.id.in_(ids), Recommendation.status == RecommendationStatus.PROPOSED)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):
        raise CurationError(message)
    for recommendation in recommendations:
        set_committed_value(recommendation, "status", status)
        for name, value in values.items():
            set_committed_value(recommendation, name, value)


def check_mergeable(sources: Sequence[Recommendation]) -> None:
    if len({s.id for s in sources}) < 2:
        raise CurationError("Select at least 2 recommendations to merge")
    for source in sources:
        if source.status != RecommendationStatus.PROPOSED:
            raise CurationError(MERGED_SINCE)


def _lapse_pending_amendments(
    session: Session,
    inquiry: Inquiry,
    recommendations: Sequence[Recommendation],
    *,
    message: str,
    link: str,
    now: datetime,
) -> int:
    ids = [r.id for r in recommendations]
    if not ids:
        return 0
    pending = session.scalars(
        select(Amendment).where(
            Amendment.recommendation_id.in_(ids), Amendment.status == AmendmentStatus.PENDING
        )
    ).unique()
    notified: set[int] = set()
    count = 0
    for amendment in pending:
        amendment.status = AmendmentStatus.LAPSED
        amendment.decided_at = now
        count += 1
        proposer = amendment.proposer
        if (
            proposer is not None
            and proposer.status == MembershipStatus.ACTIVE
            and proposer.user_id not in notified
        ):
            notified.add(proposer.user_id)
            notify(session, proposer.user_id, message, inquiry=inquiry, link=link, now=now)
    session.flush()
    return count


def merge(
    session: Session,
    inquiry: Inquiry,
    sources: Sequence[Recommendation],
    *,
    wording: dict[str, str],
    lead_author: Membership | None,
    actor: User,
    merged_by: Membership | None,
    now: datetime,
    recommendation_link: Link,
    answer_link: Callable[[MergeApproval], str],
) -> Recommendation:
    """Merge the sources into a new proposed recommendation with the given wording."""
    _check_can_curate(session, inquiry)
    if any(source.inquiry_id != inquiry.id for source in sources):
        raise CurationError("Only recommendations of this inquiry can be merged")
    check_mergeable(sources)
    wording = clean_wording(wording)
    try:
        check_wording(wording, complete=True)
    except RecommendationError as error:
        raise CurationError(error.message) from error
    for name in WORDING_NEEDED_TO_PROPOSE:
        if not wording[name]:
            raise CurationError(PROPOSE_MESSAGES[name])
    choices = lead_author_choices(sources)
    if choices and (lead_author is None or lead_author.id not in {m.id for m in choices}):
        raise CurationError("Select the lead author from the authors of the recommendations")
    if not choices:
        lead_author = None

    merged = Recommendation(
        inquiry_id=inquiry.id,
        author_id=lead_author.id if lead_author else None,
        status=RecommendationStatus.PROPOSED,
        revision=1,
        created_at=now,
        updated_at=now,
        proposed_at=now,
        **wording,
    )
    session.add(merged)
    session.flush()
    record_version(session, merged, VersionChange.MERGED, merged_by, now)

    # Evidence links and themes: the union of the sources'.
    excerpts, reflections, themes = {}, {}, {}
    for source in sources:
        excerpts.update({e.id: e for e in source.excerpts})
        reflections.update({r.id: r for r in source.reflections})
        themes.update({t.id: t for t in source.themes})
    merged.excerpts = list(excerpts.values())
    merged.reflections = list(reflections.values())
    merged.themes = list(themes.values())

    # Supporters: everyone who supported a source, and the sources' authors.
    source_ids = [source.id for source in sources]
    supporters = set(
        session.scalars(
            select(RecommendationSupport.member_id).where(
                RecommendationSupport.recommendation_id.in_(source_ids)
            )
        )
    )
    supporters |= {
        s.author.id
        for s in sources
        if s.author is not None and s.author.status == MembershipStatus.ACTIVE
    }
    for member_id in sorted(supporters):
        session.add(
            RecommendationSupport(recommendation_id=merged.id, member_id=member_id, created_at=now)
        )

    _claim(
        session,
        sources,
        merged_into_id=merged.id,
        status=RecommendationStatus.MERGED,
        message=MERGED_SINCE,
        updated_at=now,
    )

    _lapse_pending_amendments(
        session,
        inquiry,
        sources,
        message=AMENDMENT_LAPSED_MERGED,
        link=recommendation_link(merged),
        now=now,
    )

    notified: set[int] = set()
    for source in sources:
        author = source.author
        if author is None or author.status != MembershipStatus.ACTIVE:
            continue
        approval = MergeApproval(
            recommendation_id=merged.id,
            source_id=source.id,
            member_id=author.id,
            status=MergeApprovalStatus.PENDING,
            merged_by_id=merged_by.id if merged_by else None,
            created_at=now,
        )
        session.add(approval)
        session.flush()
        if author.user_id not in notified:
            notified.add(author.user_id)
            notify(
                session,
                author.user_id,
                MERGE_MESSAGE,
                inquiry=inquiry,
                link=answer_link(approval),
                now=now,
            )

    # Supporters who are not authors: their support moved to wording they have not read.
    for user_id in session.scalars(
        select(Membership.user_id).where(
            Membership.id.in_(supporters),
            Membership.status == MembershipStatus.ACTIVE,
            Membership.user_id.not_in(notified),
        )
    ):
        notify(
            session,
            user_id,
            SUPPORT_MOVED_MESSAGE,
            inquiry=inquiry,
            link=recommendation_link(merged),
            now=now,
        )

    record(
        session,
        "recommendations.merged",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation",
        object_id=merged.id,
        source_ids=source_ids,
        lead_author_id=lead_author.id if lead_author else None,
        supporters=len(supporters),
    )
    return merged


def answer_merge(
    session: Session,
    approval: MergeApproval,
    *,
    accept: bool,
    note: str,
    actor: User,
    inquiry: Inquiry,
    now: datetime,
    prepare_link: str,
) -> MergeApproval:
    """The source's author accepts the merged wording, or declines it with a note."""
    if approval.status != MergeApprovalStatus.PENDING:
        raise CurationError("You have already answered about this merge")
    note = (note or "").strip()
    if not accept and not note:
        raise CurationError("Enter why you do not accept the merged wording")
    if len(note) > MAX_NOTE_LENGTH:
        raise CurationError(f"Your note must be {MAX_NOTE_LENGTH:,} characters or fewer")
    approval.status = MergeApprovalStatus.ACCEPTED if accept else MergeApprovalStatus.DECLINED
    approval.note = "" if accept else note
    approval.decided_at = now
    session.flush()
    record(
        session,
        "merge.accepted" if accept else "merge.declined",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation",
        object_id=approval.recommendation_id,
        approval_id=approval.id,
        source_id=approval.source_id,
    )
    if not accept:
        researcher = (
            session.get(Membership, approval.merged_by_id) if approval.merged_by_id else None
        )
        if researcher is not None and researcher.status == MembershipStatus.ACTIVE:
            notify(
                session,
                researcher.user_id,
                DECLINED_MESSAGE,
                inquiry=inquiry,
                link=prepare_link,
                now=now,
            )
    return approval


# Freezing -----------------------------------------------------------------------------


def check_freezable(recommendations: Sequence[Recommendation]) -> None:
    if not recommendations:
        raise CurationError("Select the recommendations going to the vote")
    for recommendation in recommendations:
        if recommendation.status != RecommendationStatus.PROPOSED:
            raise CurationError(FROZEN_SINCE)


def freeze(
    session: Session,
    inquiry: Inquiry,
    recommendations: Sequence[Recommendation],
    *,
    actor: User,
    now: datetime,
    recommendation_link: Link,
) -> list[Recommendation]:
    """Fix the wording of these recommendations for the vote and number them, in the
    order shown, after the numbers already used."""
    _check_can_curate(session, inquiry)
    if any(r.inquiry_id != inquiry.id for r in recommendations):
        raise CurationError("Only recommendations of this inquiry can go to the vote")
    check_freezable(recommendations)
    ordered = sort_as_shown({r.id: r for r in recommendations}.values())
    _claim(session, ordered, status=RecommendationStatus.FROZEN, message=FROZEN_SINCE)
    number = next_number(session, inquiry)
    for recommendation in ordered:
        recommendation.number = number
        recommendation.frozen_at = now
        number += 1
    session.flush()
    for recommendation in ordered:
        _lapse_pending_amendments(
            session,
            inquiry,
            [recommendation],
            message=AMENDMENT_LAPSED_FROZEN,
            link=recommendation_link(recommendation),
            now=now,
        )
        author = recommendation.author
        if author is not None and author.status == MembershipStatus.ACTIVE:
            notify(
                session,
                author.user_id,
                FROZEN_MESSAGE.format(reference=recommendation.reference),
                inquiry=inquiry,
                link=recommendation_link(recommendation),
                now=now,
            )
        record(
            session,
            "recommendation.frozen",
            actor=actor,
            inquiry=inquiry,
            object_type="recommendation",
            object_id=recommendation.id,
            number=recommendation.number,
        )
    return ordered


def unfreeze(
    session: Session,
    inquiry: Inquiry,
    recommendation: Recommendation,
    *,
    actor: User,
    now: datetime,
    recommendation_link: Link,
) -> Recommendation:
    """Take a frozen recommendation off the vote: proposed again, without its number."""
    reason = unfreeze_refusal(session, inquiry, recommendation)
    if reason:
        raise CurationError(reason)
    number = recommendation.number
    recommendation.status = RecommendationStatus.PROPOSED
    recommendation.number = None
    recommendation.frozen_at = None
    session.flush()
    author = recommendation.author
    if author is not None and author.status == MembershipStatus.ACTIVE:
        notify(
            session,
            author.user_id,
            UNFROZEN_MESSAGE,
            inquiry=inquiry,
            link=recommendation_link(recommendation),
            now=now,
        )
    record(
        session,
        "recommendation.unfrozen",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation",
        object_id=recommendation.id,
        number=number,
    )
    return recommendation


# What the recommendation page shows about merges -------------------------------------


@dataclass
class SourceAnswer:
    source: Recommendation
    author: str
    approval: MergeApproval | None


@dataclass
class MergeSummary:
    # On a source: what it was merged into, when.
    merged_into: Recommendation | None = None
    merged_at: datetime | None = None
    # On a merge result: its sources with their authors' answers.
    sources: list[SourceAnswer] = field(default_factory=list)
    # The viewer's own pending answer, on either side.
    pending_for_viewer: MergeApproval | None = None

    @property
    def is_empty(self) -> bool:
        return self.merged_into is None and not self.sources


def merge_summary(
    session: Session, recommendation: Recommendation, viewer: Membership | None
) -> MergeSummary:
    """What to show about the merges this recommendation took part in, in at most three
    queries however many sources there are."""
    summary = MergeSummary()
    approvals = list(
        session.scalars(
            select(MergeApproval)
            .where(
                or_(
                    MergeApproval.recommendation_id == recommendation.id,
                    MergeApproval.source_id == recommendation.id,
                )
            )
            .order_by(MergeApproval.id)
        ).unique()
    )
    by_source = {a.source_id: a for a in approvals if a.recommendation_id == recommendation.id}
    if recommendation.merged_into_id is not None:
        summary.merged_into = session.scalar(
            select(Recommendation)
            .where(Recommendation.id == recommendation.merged_into_id)
            .options(*_WORDING_ONLY)
        )
        own = next((a for a in approvals if a.source_id == recommendation.id), None)
        summary.merged_at = (
            own.created_at
            if own is not None
            else (summary.merged_into.created_at if summary.merged_into else None)
        )
    sources = list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.merged_into_id == recommendation.id)
            .order_by(Recommendation.id)
            .options(*_WORDING_ONLY)
        ).unique()
    )
    summary.sources = [
        SourceAnswer(source=s, author=author_name(s.author), approval=by_source.get(s.id))
        for s in sources
    ]
    if viewer is not None:
        summary.pending_for_viewer = next(
            (
                a
                for a in approvals
                if a.member_id == viewer.id and a.status == MergeApprovalStatus.PENDING
            ),
            None,
        )
    return summary


# When a member's contributions are removed -------------------------------------------


def _restore_orphaned_sources(session: Session, membership: Membership, now: datetime) -> None:
    """A merged recommendation removed with its lead author's contributions leaves the
    recommendations merged into it pointing nowhere: they are proposed again, with their
    own wording and support, so the cohort's words are not lost."""
    session.execute(
        update(Recommendation)
        .where(
            Recommendation.inquiry_id == membership.inquiry_id,
            Recommendation.status == RecommendationStatus.MERGED,
            Recommendation.merged_into_id.is_(None),
        )
        .values(status=RecommendationStatus.PROPOSED, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()


# Registered after the recommendations' own remover (this module imports it), so it
# runs once their recommendations have gone. It counts nothing.
MERGES_COUNTER = contributions.register(
    contributions.Counter(label="merges", remove_for_member=_restore_orphaned_sources)
)
