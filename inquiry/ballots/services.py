"""The secret ballot: opening it, saving a participant's paper, closing and counting.

While a ballot is open each paper carries its voter (``BallotPaper.voter_id``), so a
participant can come back and change their votes. ``close_ballot`` severs that link
for good: it copies each voter's participant group onto their paper, then rewrites
every paper and vote in a random order with new random keys and no voter, and
rewrites the list of who took part in a random order too. Afterwards nothing in the
database ties a person to how they voted. No audit event, time or notification is
ever written per vote.

Importing this module registers the stage checks for the ballot (moving to voting
and to reporting) and the removal of a withdrawn participant's open ballot paper.
"""

from __future__ import annotations

import random
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from .. import contributions
from ..audit.service import record
from ..inquiries import lifecycle
from ..models import (
    Agreement,
    AgreementScale,
    Ballot,
    BallotItem,
    BallotPaper,
    BallotParticipation,
    BallotStatus,
    Certainty,
    Inquiry,
    InquiryStatus,
    Membership,
    MembershipStatus,
    Recommendation,
    RecommendationStatus,
    Role,
    Round,
    RoundKind,
    RoundStatus,
    User,
    Vote,
)
from ..notifications.services import notify
from ..personal_data.export import membership_ids, register_section, row
from ..results.rules import passes, quorum_met
from ..results.services import count_votes
from ..results.tally import NOT_GIVEN, group_key, pooled_groups, role_labels

MAX_DISSENT_LENGTH = 1000

NOT_VOTING_STAGE = "Move the inquiry to the voting stage first"
NOTHING_FROZEN = "No recommendation is going to the vote yet"
ALREADY_OPEN = "A ballot is already open"
STILL_OPEN = "A ballot is still open"
NONE_CLOSED = "No ballot has closed yet"

OPENED_MESSAGE = (
    "A ballot is open: vote on the recommendations going to the vote. "
    "You can change your votes until the ballot closes."
)
RESULTS_MESSAGE = "The ballot has closed and its results are available."
INQUORATE_MESSAGE = (
    "The ballot has closed. Too few participants voted for it to count: see the results page."
)

_random = random.SystemRandom()


class BallotError(Exception):
    """Something that cannot be done, with a message for the person trying."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Reading -----------------------------------------------------------------------------


def open_ballot_of(session: Session, inquiry: Inquiry) -> Ballot | None:
    """The inquiry's open ballot, if there is one (there is never more than one)."""
    return session.scalar(
        select(Ballot)
        .where(Ballot.inquiry_id == inquiry.id, Ballot.status == BallotStatus.OPEN)
        .order_by(Ballot.id)
        .limit(1)
    )


def closed_ballots(session: Session, inquiry: Inquiry) -> list[Ballot]:
    """The inquiry's closed ballots, the latest first."""
    return list(
        session.scalars(
            select(Ballot)
            .where(Ballot.inquiry_id == inquiry.id, Ballot.status == BallotStatus.CLOSED)
            .order_by(Ballot.closed_at.desc(), Ballot.id.desc())
        )
    )


def frozen_recommendations(session: Session, inquiry: Inquiry) -> list[Recommendation]:
    """The recommendations that would go on a ballot opened now, in ballot order."""
    return list(
        session.scalars(
            select(Recommendation)
            .where(
                Recommendation.inquiry_id == inquiry.id,
                Recommendation.status == RecommendationStatus.FROZEN,
            )
            .order_by(Recommendation.number.is_(None), Recommendation.number, Recommendation.id)
        )
    )


def active_participants(session: Session, inquiry: Inquiry) -> list[Membership]:
    """Participants who may vote now: active members whose account is not disabled."""
    return list(
        session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role == Role.PARTICIPANT,
                Membership.status == MembershipStatus.ACTIVE,
                User.is_disabled.is_(False),
            )
            .order_by(func.lower(User.name), Membership.id)
        )
    )


def _active_members(session: Session, inquiry: Inquiry, roles: Iterable[Role]) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role.in_(list(roles)),
                Membership.status == MembershipStatus.ACTIVE,
                User.is_disabled.is_(False),
            )
            .order_by(Membership.id)
        )
    )


def scale_of(ballot: Ballot) -> AgreementScale:
    try:
        return AgreementScale(ballot.agreement_scale)
    except ValueError:
        return AgreementScale.FIVE_POINT


def agreement_choices(ballot: Ballot) -> list[Agreement]:
    """The answers on the ballot's agreement scale, then Abstain."""
    if scale_of(ballot) is AgreementScale.THREE_POINT:
        scale = [Agreement.AGREE, Agreement.NEITHER, Agreement.DISAGREE]
    else:
        scale = [
            Agreement.STRONGLY_AGREE,
            Agreement.AGREE,
            Agreement.NEITHER,
            Agreement.DISAGREE,
            Agreement.STRONGLY_DISAGREE,
        ]
    return [*scale, Agreement.ABSTAIN]


def voting_rule(ballot: Ballot) -> str:
    """The ballot's pass rule in one sentence (the rule as it was when it opened)."""
    share = Inquiry.describe_share(
        ballot.pass_threshold_numerator, ballot.pass_threshold_denominator
    )
    words = share if share == "all" else f"at least {share}"
    agreeing = (
        "agree" if scale_of(ballot) is AgreementScale.THREE_POINT else "agree or strongly agree"
    )
    return (
        f"A recommendation passes when {words} of the votes that are not abstentions "
        f"are {agreeing}."
    )


def quorum_rule(ballot: Ballot) -> str:
    """The ballot's quorum in one sentence."""
    share = Inquiry.describe_share(ballot.quorum_percent, 100)
    who = (
        "every eligible participant votes"
        if share == "all"
        else f"at least {share} of eligible participants vote"
    )
    return f"The ballot counts only if {who}."


def paper_of(session: Session, ballot: Ballot, membership: Membership) -> BallotPaper | None:
    """The member's own paper on an open ballot. Only ever shown to that member."""
    if ballot.status != BallotStatus.OPEN:
        return None
    return session.scalar(
        select(BallotPaper).where(
            BallotPaper.ballot_id == ballot.id, BallotPaper.voter_id == membership.id
        )
    )


@dataclass
class Turnout:
    """Who has voted in an open ballot (never how), out of the participants who may."""

    eligible: list[Membership] = field(default_factory=list)
    voted: list[Membership] = field(default_factory=list)

    @property
    def not_voted(self) -> list[Membership]:
        voted = {m.id for m in self.voted}
        return [m for m in self.eligible if m.id not in voted]

    @property
    def voted_count(self) -> int:
        return len(self.voted)

    @property
    def eligible_count(self) -> int:
        return len(self.eligible)


def turnout(session: Session, ballot: Ballot, inquiry: Inquiry) -> Turnout:
    """Who of the participants who may vote now has taken part in the open ballot."""
    eligible = active_participants(session, inquiry)
    took_part = set(
        session.scalars(
            select(BallotParticipation.member_id).where(BallotParticipation.ballot_id == ballot.id)
        )
    )
    return Turnout(eligible=eligible, voted=[m for m in eligible if m.id in took_part])


def would_count(ballot: Ballot, counts: Turnout) -> bool:
    """Whether the ballot would reach its quorum if it closed now."""
    return quorum_met(counts.voted_count, counts.eligible_count, ballot.quorum_percent)


def reached_quorum(ballot: Ballot) -> bool:
    """Whether a closed ballot reached its quorum (and so counted)."""
    return quorum_met(
        ballot.participant_count or 0, ballot.eligible_count or 0, ballot.quorum_percent
    )


def ballot_round(session: Session, inquiry: Inquiry) -> Round | None:
    """The first ballot session of the plan that is not closed, if any."""
    return session.scalar(
        select(Round)
        .where(
            Round.inquiry_id == inquiry.id,
            Round.kind == RoundKind.BALLOT,
            Round.status != RoundStatus.CLOSED,
        )
        .order_by(Round.position, Round.id)
        .limit(1)
    )


# Opening -----------------------------------------------------------------------------


def open_blockers(session: Session, inquiry: Inquiry) -> list[str]:
    """Why a ballot cannot be opened now: empty when it can."""
    reasons: list[str] = []
    if inquiry.status != InquiryStatus.VOTING:
        reasons.append(NOT_VOTING_STAGE)
    if open_ballot_of(session, inquiry) is not None:
        reasons.append(ALREADY_OPEN)
    elif not frozen_recommendations(session, inquiry):
        reasons.append(NOTHING_FROZEN)
    return reasons


def _lock_inquiry(session: Session, inquiry: Inquiry) -> None:
    """Two researchers opening a ballot at once must not open two."""
    session.execute(select(Inquiry.id).where(Inquiry.id == inquiry.id).with_for_update())
    session.refresh(inquiry, ["status"])


def open_ballot(
    session: Session, inquiry: Inquiry, *, actor: User, now: datetime, link: str = ""
) -> Ballot:
    """Open a ballot over every frozen recommendation, with the inquiry's voting rule as
    it is now. Active participants are told, with a ``link`` to the ballot page."""
    _lock_inquiry(session, inquiry)
    reasons = open_blockers(session, inquiry)
    if reasons:
        raise BallotError(reasons[0])
    recommendations = frozen_recommendations(session, inquiry)
    round_ = ballot_round(session, inquiry)
    ballot = Ballot(
        inquiry_id=inquiry.id,
        round_id=round_.id if round_ else None,
        status=BallotStatus.OPEN,
        opened_at=now,
        pass_threshold_numerator=inquiry.pass_threshold_numerator,
        pass_threshold_denominator=inquiry.pass_threshold_denominator,
        quorum_percent=inquiry.quorum_percent,
        agreement_scale=AgreementScale(inquiry.agreement_scale).value,
    )
    session.add(ballot)
    session.flush()
    for position, recommendation in enumerate(recommendations, start=1):
        session.add(
            BallotItem(ballot_id=ballot.id, recommendation_id=recommendation.id, position=position)
        )
    session.flush()
    session.refresh(ballot, ["items"])
    record(
        session,
        "ballot.opened",
        actor=actor,
        inquiry=inquiry,
        object_type="ballot",
        object_id=ballot.id,
        items=len(recommendations),
    )
    for membership in active_participants(session, inquiry):
        notify_member(session, membership, OPENED_MESSAGE, inquiry=inquiry, link=link, now=now)
    return ballot


def notify_member(
    session: Session,
    membership: Membership,
    message: str,
    *,
    inquiry: Inquiry,
    link: str,
    now: datetime,
) -> None:
    notify(session, membership.user_id, message, inquiry=inquiry, link=link, now=now)


# Voting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answer on a paper: agreement, certainty (None when abstaining), dissent."""

    agreement: Agreement
    certainty: Certainty | None = None
    dissent: str = ""


def check_answers(ballot: Ballot, answers: dict[int, Answer]) -> None:
    """Refuse a paper that does not answer exactly the ballot's recommendations, or
    whose answers are not on the ballot's scale."""
    on_ballot = {item.recommendation_id for item in ballot.items}
    if set(answers) != on_ballot:
        raise BallotError(
            "Your ballot paper does not match the recommendations on the ballot. "
            "Reload the page and vote again."
        )
    allowed = set(agreement_choices(ballot))
    for answer in answers.values():
        if answer.agreement not in allowed:
            raise BallotError("Choose an answer on the ballot's agreement scale")
        if answer.agreement != Agreement.ABSTAIN and answer.certainty is None:
            raise BallotError("Say how certain you are, unless you abstain")
        if len(answer.dissent) > MAX_DISSENT_LENGTH:
            raise BallotError(
                f"A dissent or minority view must be {MAX_DISSENT_LENGTH:,} characters or fewer"
            )


def _lock_open_ballot(session: Session, ballot: Ballot) -> None:
    """Wait for a close in progress, then refuse if the ballot is no longer open."""
    session.execute(select(Ballot.id).where(Ballot.id == ballot.id).with_for_update(read=True))
    session.refresh(ballot, ["status"])
    if ballot.status != BallotStatus.OPEN:
        raise BallotError("This ballot has closed, so votes can no longer be changed")


def _write_paper(
    session: Session, ballot: Ballot, membership: Membership, answers: dict[int, Answer]
) -> BallotPaper:
    paper = paper_of(session, ballot, membership)
    if paper is None:
        paper = BallotPaper(ballot_id=ballot.id, voter_id=membership.id)
        session.add(paper)
        session.flush()
    took_part = session.scalar(
        select(BallotParticipation.id).where(
            BallotParticipation.ballot_id == ballot.id,
            BallotParticipation.member_id == membership.id,
        )
    )
    if took_part is None:
        session.add(BallotParticipation(ballot_id=ballot.id, member_id=membership.id))
    existing = {vote.recommendation_id: vote for vote in paper.votes}
    for recommendation_id, answer in answers.items():
        certainty = None if answer.agreement == Agreement.ABSTAIN else answer.certainty
        vote = existing.pop(recommendation_id, None)
        if vote is None:
            paper.votes.append(
                Vote(
                    recommendation_id=recommendation_id,
                    agreement=answer.agreement,
                    certainty=certainty,
                    dissent=answer.dissent,
                )
            )
        else:
            vote.agreement = answer.agreement
            vote.certainty = certainty
            vote.dissent = answer.dissent
    for stray in existing.values():
        paper.votes.remove(stray)
    session.flush()
    return paper


def save_paper(
    session: Session, ballot: Ballot, membership: Membership, answers: dict[int, Answer]
) -> tuple[BallotPaper, bool]:
    """Record or replace the member's votes on the open ballot: one paper per voter,
    and that they took part. Returns the paper and whether they had voted before.

    No time, audit event or notification is written: any of them could be matched
    with the order of papers. Two saves at once by the same person end with one paper.
    """
    if membership.role != Role.PARTICIPANT or membership.status != MembershipStatus.ACTIVE:
        raise BallotError("Only participants can vote")
    if membership.inquiry_id != ballot.inquiry_id:
        raise BallotError("This ballot belongs to another inquiry")
    check_answers(ballot, answers)
    _lock_open_ballot(session, ballot)
    had_voted = paper_of(session, ballot, membership) is not None
    for attempt in range(3):
        try:
            with session.begin_nested():
                paper = _write_paper(session, ballot, membership, answers)
        except IntegrityError:
            # The same person saved from another window at the same moment: their
            # paper exists now, so the next attempt changes it instead.
            session.expire_all()
            if attempt == 2:
                raise BallotError("Your votes could not be saved. Try again.") from None
            had_voted = True
            continue
        return paper, had_voted
    raise BallotError("Your votes could not be saved. Try again.")  # pragma: no cover


# Closing -----------------------------------------------------------------------------


@dataclass
class ItemResult:
    recommendation_id: int
    support: int
    counted: int
    abstentions: int
    status: RecommendationStatus


@dataclass
class CloseResult:
    eligible_count: int
    participant_count: int
    quorum_met: bool
    items: list[ItemResult]

    @property
    def adopted(self) -> int:
        return sum(1 for item in self.items if item.status == RecommendationStatus.ADOPTED)

    @property
    def not_adopted(self) -> int:
        return sum(1 for item in self.items if item.status == RecommendationStatus.NOT_ADOPTED)


@dataclass
class _Copy:
    """A paper's contents held in memory while the rows are rewritten."""

    professional_role: str
    votes: list[tuple[int, Agreement, Certainty | None, str]]


def close_ballot(
    session: Session,
    ballot: Ballot,
    actor: User,
    now: datetime,
    *,
    link: str = "",
) -> CloseResult:
    """Close the open ballot, remove the link between voters and votes, and count.

    1. Papers (and participation) of voters who are no longer active participants go.
    2. Each remaining paper gets its voter's professional role, the only attribute the
       results break votes down by; a role no other voter held is stored as none, so
       that no paper is the only one of its group (``tally.pooled_groups``).
    3. Every paper and vote is deleted and written again in a random order with new
       random keys and no voter; the participation rows likewise.
    4. The quorum is checked against the active participants now; when it is met each
       recommendation is adopted or not by the ballot's pass rule, otherwise they all
       stay frozen for a later ballot.

    Participants, observers and researchers are told the results are available
    (``link``). The audit event holds counts only.
    """
    session.execute(select(Ballot.id).where(Ballot.id == ballot.id).with_for_update())
    session.refresh(ballot, ["status"])
    if ballot.status != BallotStatus.OPEN:
        raise BallotError("This ballot has already closed")
    inquiry = session.get(Inquiry, ballot.inquiry_id)
    eligible = {m.id: m for m in active_participants(session, inquiry)}
    roles = role_labels()

    papers = list(session.scalars(select(BallotPaper).where(BallotPaper.ballot_id == ballot.id)))
    participations = list(
        session.scalars(
            select(BallotParticipation).where(BallotParticipation.ballot_id == ballot.id)
        )
    )
    copies: list[_Copy] = []
    for paper in papers:
        voter = eligible.get(paper.voter_id) if paper.voter_id is not None else None
        if voter is None:
            continue  # no longer an active participant: the paper is discarded
        copies.append(
            _Copy(
                professional_role=group_key(voter.professional_role, roles),
                votes=[
                    (vote.recommendation_id, vote.agreement, vote.certainty, vote.dissent or "")
                    for vote in paper.votes
                ],
            )
        )
    pooled = pooled_groups(Tally(copy.professional_role for copy in copies))
    for copy in copies:
        if copy.professional_role in pooled:
            copy.professional_role = NOT_GIVEN
    # Who took part: the active participants whose paper is kept.
    took_part = sorted({p.voter_id for p in papers if p.voter_id in eligible})

    # Remove every old row: with them go the voter links and the old keys.
    for paper in papers:
        session.delete(paper)
    for participation in participations:
        session.delete(participation)
    session.flush()

    # Write them again in a random order, with new keys and no voter.
    _random.shuffle(copies)
    new_papers = [
        BallotPaper(
            ballot_id=ballot.id,
            voter_id=None,
            professional_role=copy.professional_role,
        )
        for copy in copies
    ]
    session.add_all(new_papers)
    session.flush()
    new_votes = [
        Vote(
            paper_id=paper.id,
            recommendation_id=recommendation_id,
            agreement=agreement,
            certainty=certainty,
            dissent=dissent,
        )
        for paper, copy in zip(new_papers, copies, strict=True)
        for recommendation_id, agreement, certainty, dissent in copy.votes
    ]
    _random.shuffle(new_votes)
    session.add_all(new_votes)
    _random.shuffle(took_part)
    session.add_all(
        [BallotParticipation(ballot_id=ballot.id, member_id=member_id) for member_id in took_part]
    )
    session.flush()

    # Count.
    ballot.vote_counts = count_votes(session, ballot)
    ballot.eligible_count = len(eligible)
    ballot.participant_count = len(took_part)
    met = quorum_met(ballot.participant_count, ballot.eligible_count, ballot.quorum_percent)
    tallies: dict[int, Tally] = {}
    for copy in copies:
        for recommendation_id, agreement, _certainty, _dissent in copy.votes:
            tallies.setdefault(recommendation_id, Tally())[agreement] += 1
    results: list[ItemResult] = []
    for item in ballot.items:
        tally = tallies.get(item.recommendation_id, Tally())
        support = sum(n for answer, n in tally.items() if answer.is_support)
        abstentions = tally[Agreement.ABSTAIN]
        counted = sum(tally.values()) - abstentions
        recommendation = session.get(Recommendation, item.recommendation_id)
        if not met:
            status = RecommendationStatus.FROZEN
        elif passes(
            support,
            counted,
            ballot.pass_threshold_numerator,
            ballot.pass_threshold_denominator,
        ):
            status = RecommendationStatus.ADOPTED
        else:
            status = RecommendationStatus.NOT_ADOPTED
        if recommendation is not None and recommendation.status == RecommendationStatus.FROZEN:
            recommendation.status = status
            recommendation.updated_at = now
        results.append(
            ItemResult(
                recommendation_id=item.recommendation_id,
                support=support,
                counted=counted,
                abstentions=abstentions,
                status=status,
            )
        )
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = now
    session.flush()
    result = CloseResult(
        eligible_count=ballot.eligible_count,
        participant_count=ballot.participant_count,
        quorum_met=met,
        items=results,
    )
    record(
        session,
        "ballot.closed",
        actor=actor,
        inquiry=inquiry,
        object_type="ballot",
        object_id=ballot.id,
        items=len(results),
        eligible=result.eligible_count,
        took_part=result.participant_count,
        quorum_met=met,
        adopted=result.adopted,
        not_adopted=result.not_adopted,
    )
    message = RESULTS_MESSAGE if met else INQUORATE_MESSAGE
    for membership in _active_members(
        session, inquiry, (Role.PARTICIPANT, Role.OBSERVER, Role.RESEARCHER)
    ):
        notify_member(session, membership, message, inquiry=inquiry, link=link, now=now)
    return result


# Withdrawal --------------------------------------------------------------------------


def remove_open_papers(session: Session, membership: Membership, now: datetime) -> None:
    """A withdrawn participant's paper on an open ballot goes, and with it the record
    that they took part. Closed ballots hold no link to them to remove."""
    open_ids = select(Ballot.id).where(
        Ballot.inquiry_id == membership.inquiry_id, Ballot.status == BallotStatus.OPEN
    )
    papers = list(
        session.scalars(
            select(BallotPaper).where(
                BallotPaper.voter_id == membership.id, BallotPaper.ballot_id.in_(open_ids)
            )
        )
    )
    for paper in papers:
        session.delete(paper)
    session.execute(
        delete(BallotParticipation)
        .where(
            BallotParticipation.member_id == membership.id,
            BallotParticipation.ballot_id.in_(open_ids),
        )
        .execution_options(synchronize_session="fetch")
    )
    session.flush()


PAPERS_COUNTER = contributions.register(
    contributions.Counter(
        label="ballot papers",
        singular="ballot paper",
        remove_for_member=remove_open_papers,
    )
)


# Stage checks ------------------------------------------------------------------------


def has_frozen_recommendation(session: Session, inquiry: Inquiry) -> str | None:
    count = session.scalar(
        select(func.count())
        .select_from(Recommendation)
        .where(
            Recommendation.inquiry_id == inquiry.id,
            Recommendation.status == RecommendationStatus.FROZEN,
        )
    )
    return None if count else NOTHING_FROZEN


def no_open_ballot(session: Session, inquiry: Inquiry) -> str | None:
    return STILL_OPEN if open_ballot_of(session, inquiry) is not None else None


def has_closed_ballot(session: Session, inquiry: Inquiry) -> str | None:
    count = session.scalar(
        select(func.count())
        .select_from(Ballot)
        .where(Ballot.inquiry_id == inquiry.id, Ballot.status == BallotStatus.CLOSED)
    )
    return None if count else NONE_CLOSED


lifecycle.register_guard(InquiryStatus.IN_SESSION, InquiryStatus.VOTING, has_frozen_recommendation)
lifecycle.register_guard(InquiryStatus.VOTING, InquiryStatus.REPORTING, no_open_ballot)
lifecycle.register_guard(InquiryStatus.VOTING, InquiryStatus.REPORTING, has_closed_ballot)


# The inquiry's overview page ------------------------------------------------------------


@dataclass
class VotingOverview:
    """Where recommendations and voting stand, for one member's overview page."""

    by_status: dict[RecommendationStatus, int]
    own_drafts: int
    open_ballot: Ballot | None
    has_voted: bool
    any_closed: bool

    @property
    def proposed(self) -> int:
        return self.by_status.get(RecommendationStatus.PROPOSED, 0)

    @property
    def going_to_the_vote(self) -> int:
        return self.by_status.get(RecommendationStatus.FROZEN, 0)

    @property
    def adopted(self) -> int:
        return self.by_status.get(RecommendationStatus.ADOPTED, 0)

    @property
    def is_empty(self) -> bool:
        return not (self.by_status or self.own_drafts or self.open_ballot or self.any_closed)


def voting_overview(session: Session, inquiry: Inquiry, membership: Membership) -> VotingOverview:
    """Counts of recommendations by status (drafts only the member's own), the open
    ballot and whether the member has voted in it, and whether any ballot has closed.
    A fixed number of queries: two, and two more while a ballot is open."""
    rows = session.execute(
        select(Recommendation.status, func.count())
        .where(
            Recommendation.inquiry_id == inquiry.id,
            or_(
                Recommendation.status != RecommendationStatus.DRAFT,
                Recommendation.author_id == membership.id,
            ),
        )
        .group_by(Recommendation.status)
    ).all()
    by_status = {RecommendationStatus(status): n for status, n in rows}
    own_drafts = by_status.pop(RecommendationStatus.DRAFT, 0)
    open_id, closed = session.execute(
        select(
            # There is never more than one open ballot; the first, as open_ballot_of.
            func.min(case((Ballot.status == BallotStatus.OPEN, Ballot.id))),
            func.count(case((Ballot.status == BallotStatus.CLOSED, 1))),
        ).where(Ballot.inquiry_id == inquiry.id)
    ).one()
    # Its items are not needed to say that it is open.
    ballot = (
        session.get(Ballot, open_id, options=[lazyload(Ballot.items)])
        if open_id is not None
        else None
    )
    voted = ballot is not None and paper_of(session, ballot, membership) is not None
    return VotingOverview(
        by_status=by_status,
        own_drafts=own_drafts,
        open_ballot=ballot,
        has_voted=voted,
        any_closed=bool(closed),
    )


# A person's own data -------------------------------------------------------------------


def personal_data(session: Session, user: User) -> dict[str, list[dict]]:
    """For the person's data download: the ballots they took part in, and their own
    votes on a ballot that is still open. Once a ballot closes nothing ties them to
    their votes, so those cannot be included."""
    ids = membership_ids(session, user)
    if not ids:
        return {}
    took_part = session.execute(
        select(Ballot)
        .join(BallotParticipation, BallotParticipation.ballot_id == Ballot.id)
        .where(BallotParticipation.member_id.in_(ids))
        .order_by(Ballot.id)
    ).scalars()
    papers = session.scalars(
        select(BallotPaper).where(BallotPaper.voter_id.in_(ids)).order_by(BallotPaper.ballot_id)
    )
    return {
        "ballots_you_took_part_in": [
            {"ballot_id": b.id, "inquiry_id": b.inquiry_id, "status": b.status.value}
            for b in took_part
        ],
        "your_votes_on_open_ballots": [
            {
                "ballot_id": paper.ballot_id,
                "votes": [row(vote, exclude=("id", "paper_id")) for vote in paper.votes],
            }
            for paper in papers
        ],
    }


register_section("ballots", personal_data)
