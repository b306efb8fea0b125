"""A closed ballot's results, loaded from the database with a fixed number of queries.

Only closed ballots have results: while a ballot is open nobody, researchers
included, sees any count of its votes (``ResultsNotAvailable``). After closing, the
papers hold no voter, only the professional role the breakdown uses, and the counting
here reads them only in aggregate (GROUP BY), never paper by paper.

A ballot that did not count (below its quorum, or fewer than three voters) shows no
votes at all, only who took part: otherwise a ballot closed early, when one or two
people had voted, would show their votes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, lazyload

from ..models import (
    Agreement,
    AgreementScale,
    Ballot,
    BallotItem,
    BallotPaper,
    BallotStatus,
    Certainty,
    Inquiry,
    Recommendation,
    Vote,
)
from . import rules, tally
from .matrix import MatrixPoint, Zone, zone_for


class ResultsNotAvailable(Exception):
    """Asked for the results of a ballot that has not closed."""

    def __init__(self, message: str = "Results are shown when the ballot closes.") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RecommendationName:
    """All that a summary of the results shows of a recommendation, read without
    loading the recommendation itself (its text, author, evidence and themes)."""

    id: int
    number: int | None
    title: str

    @property
    def reference(self) -> str:
        """As ``Recommendation.reference``: 'R3' once numbered, else ''."""
        return f"R{self.number}" if self.number else ""


def reference(recommendation: Recommendation | RecommendationName, position: int) -> str:
    """How the results name a recommendation: its number, else its place on the ballot."""
    return recommendation.reference or f"R{position}"


@dataclass
class RecommendationResult:
    """One recommendation's results in one ballot."""

    # A RecommendationName in results without details.
    recommendation: Recommendation | RecommendationName
    position: int
    tally: tally.Tally
    # Whether it passed: the pass rule met and the ballot quorate.
    passed: bool
    consensus: tally.Consensus
    by_role: list[tally.GroupResult]
    zone: Zone | None
    # Anonymous dissent and minority views, in alphabetical order.
    dissent: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return reference(self.recommendation, self.position)

    @property
    def title(self) -> str:
        return self.recommendation.title


@dataclass
class BallotResults:
    """Everything the results pages, the CSV download and the report show about a
    closed ballot. Group figures are already hidden as the viewer requires
    (``small_groups``). When the quorum was not met, every recommendation's figures
    are empty: how people voted is not shown."""

    ballot: Ballot
    small_groups: bool
    eligible: int
    participants: int
    quorum_met: bool
    voting_rule: str
    quorum_rule: str
    recommendations: list[RecommendationResult]

    @property
    def turnout_percent(self) -> int | None:
        return tally.percent(self.participants, self.eligible)

    @property
    def passed(self) -> list[RecommendationResult]:
        return [result for result in self.recommendations if result.passed]

    @property
    def matrix_points(self) -> list[MatrixPoint]:
        """The recommendations that have a zone, for ``matrix_svg``."""
        return [
            MatrixPoint(result.reference, result.tally.share, result.tally.certainty_score)
            for result in self.recommendations
            if result.zone is not None
        ]


# Finding ballots ----------------------------------------------------------------------


def closed_ballots(session: Session, inquiry: Inquiry) -> list[Ballot]:
    """The inquiry's closed ballots, the most recently closed first.

    Their items are loaded only when asked for: the summary reads what it shows of
    them in one narrow query (``ballot_results`` without details), and the earlier
    ballots are only linked to."""
    return list(
        session.scalars(
            select(Ballot)
            .where(Ballot.inquiry_id == inquiry.id, Ballot.status == BallotStatus.CLOSED)
            .order_by(Ballot.closed_at.desc(), Ballot.id.desc())
            .options(lazyload(Ballot.items))
        )
    )


def closed_ballot(session: Session, inquiry: Inquiry, ballot_id: int) -> Ballot | None:
    """The inquiry's ballot with this id, only once it has closed. Its items are
    loaded when first asked for, so that a page about one of them does not load
    every recommendation on the ballot in full."""
    return session.scalars(
        select(Ballot)
        .where(
            Ballot.id == ballot_id,
            Ballot.inquiry_id == inquiry.id,
            Ballot.status == BallotStatus.CLOSED,
        )
        .options(lazyload(Ballot.items))
    ).first()


def is_ballot_open(session: Session, inquiry: Inquiry) -> bool:
    return (
        session.scalar(
            select(func.count(Ballot.id)).where(
                Ballot.inquiry_id == inquiry.id, Ballot.status == BallotStatus.OPEN
            )
        )
        or 0
    ) > 0


# The rule in words ------------------------------------------------------------------


def _rule_words(ballot: Ballot) -> tuple[str, str]:
    """The voting rule and the quorum in words, as they were when the ballot opened.

    The wording lives on Inquiry; an unsaved Inquiry holding the ballot's snapshot
    gives the same sentences for the ballot's own values."""
    snapshot = Inquiry(
        pass_threshold_numerator=ballot.pass_threshold_numerator,
        pass_threshold_denominator=ballot.pass_threshold_denominator,
        quorum_percent=ballot.quorum_percent,
        agreement_scale=AgreementScale(ballot.agreement_scale),
    )
    return snapshot.voting_rule, snapshot.quorum_rule


# Counting ---------------------------------------------------------------------------

# counts[recommendation][group key][answer] = votes
Counts = dict[int, dict[str, dict[Agreement, int]]]
CertaintyCounts = dict[int, dict[str, dict[Certainty, int]]]


def _aggregate(session: Session, ballot: Ballot, recommendation_id: int | None):
    """Votes counted in one GROUP BY query, by recommendation, answer, certainty and
    professional role; only one recommendation's when ``recommendation_id`` is given."""
    query = (
        select(
            Vote.recommendation_id,
            Vote.agreement,
            Vote.certainty,
            BallotPaper.professional_role,
            func.count(Vote.id),
        )
        .join(BallotPaper, Vote.paper_id == BallotPaper.id)
        .where(BallotPaper.ballot_id == ballot.id)
        .group_by(
            Vote.recommendation_id,
            Vote.agreement,
            Vote.certainty,
            BallotPaper.professional_role,
        )
    )
    if recommendation_id is not None:
        query = query.where(Vote.recommendation_id == recommendation_id)
    return session.execute(query).all()


def _dissent(
    session: Session, ballot: Ballot, recommendation_id: int | None
) -> dict[int, list[str]]:
    """Dissent texts by recommendation, alphabetically (never in the order written);
    only one recommendation's when ``recommendation_id`` is given."""
    texts: dict[int, list[str]] = defaultdict(list)
    query = (
        select(Vote.recommendation_id, Vote.dissent)
        .join(BallotPaper, Vote.paper_id == BallotPaper.id)
        .where(BallotPaper.ballot_id == ballot.id, Vote.dissent != "")
    )
    if recommendation_id is not None:
        query = query.where(Vote.recommendation_id == recommendation_id)
    for rid, text in session.execute(query):
        if text and text.strip():
            texts[rid].append(text.strip())
    return {key: sorted(values, key=lambda t: (t.casefold(), t)) for key, values in texts.items()}


def ballot_results(
    session: Session,
    ballot: Ballot,
    *,
    small_groups: bool,
    recommendation_id: int | None = None,
    details: bool = True,
) -> BallotResults:
    """The results of a closed ballot. ``small_groups``: whether the viewer may see
    groups of two (``policy.can_see_small_groups``); a group of one is never shown.

    With ``recommendation_id``, only that recommendation is counted and
    ``recommendations`` holds it alone (or nothing, when it is not on the ballot);
    turnout and quorum are the whole ballot's all the same. With ``details`` False,
    the support within each group (``by_role``) and the dissent are left empty, and
    each result's ``recommendation`` is a ``RecommendationName``, for pages that show
    only the overall figures.

    Raises ResultsNotAvailable for a ballot that is still open.
    """
    if ballot.status != BallotStatus.CLOSED:
        raise ResultsNotAvailable()
    if not _quorate(ballot):
        withheld = [
            _withheld(name, position, ballot)
            for position, name in ballot_names(session, ballot, recommendation_id)
        ]
        return _ballot_results(ballot, small_groups, False, withheld)
    if not details:
        return _summary(session, ballot, small_groups=small_groups, only=recommendation_id)
    roles = tally.role_labels()
    by_role: Counts = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    certainty_by_role: CertaintyCounts = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for rid, agreement, certainty, role, count in _aggregate(session, ballot, recommendation_id):
        agreement = Agreement(agreement)
        role_key = tally.group_key(role, roles)
        by_role[rid][role_key][agreement] += count
        if agreement is not Agreement.ABSTAIN and certainty is not None:
            certainty_by_role[rid][role_key][Certainty(certainty)] += count
    dissent = _dissent(session, ballot, recommendation_id)

    rule = _rule(ballot)
    results = []
    for item in _items(session, ballot, recommendation_id):
        rid = item.recommendation_id
        role_counts = by_role.get(rid, {})
        overall = tally.tally(
            tally.merge_counts(role_counts.values()),
            _merge_certainty(certainty_by_role.get(rid, {}).values()),
            **rule,
        )
        agreement = tally.shown_consensus(
            tally.support_counts(role_counts),
            {key: sum(counts.values()) for key, counts in role_counts.items()},
        )
        results.append(
            RecommendationResult(
                recommendation=item.recommendation,
                position=item.position,
                tally=overall,
                passed=overall.passed,
                consensus=agreement,
                by_role=tally.breakdown(
                    role_counts,
                    certainty_by_role.get(rid, {}),
                    labels=roles,
                    small_groups=small_groups,
                    estimates=agreement.groups,
                    **rule,
                ),
                zone=zone_for(overall.share, overall.certainty_score),
                dissent=dissent.get(rid, []),
            )
        )
    return _ballot_results(ballot, small_groups, True, results)


def _withheld(
    recommendation: RecommendationName, position: int, ballot: Ballot
) -> RecommendationResult:
    """A recommendation's result on a ballot that did not count: its name and place, no
    figures at all."""
    return RecommendationResult(
        recommendation=recommendation,
        position=position,
        tally=tally.tally({}, **_rule(ballot)),
        passed=False,
        consensus=tally.Consensus(None, {}),
        by_role=[],
        zone=None,
    )


def _items(session: Session, ballot: Ballot, recommendation_id: int | None) -> list[BallotItem]:
    """The ballot's items, or only the one for ``recommendation_id`` (read alone, so
    that the others' recommendations are not loaded in full for nothing)."""
    if recommendation_id is None:
        return list(ballot.items)
    return list(
        session.scalars(
            select(BallotItem).where(
                BallotItem.ballot_id == ballot.id,
                BallotItem.recommendation_id == recommendation_id,
            )
        )
    )


def _quorate(ballot: Ballot) -> bool:
    return rules.quorum_met(
        ballot.participant_count or 0, ballot.eligible_count or 0, ballot.quorum_percent
    )


def _rule(ballot: Ballot) -> dict:
    """The ballot's scale and pass threshold, as ``tally.tally`` takes them."""
    return {
        "scale": ballot.agreement_scale,
        "numerator": ballot.pass_threshold_numerator,
        "denominator": ballot.pass_threshold_denominator,
    }


def _ballot_results(
    ballot: Ballot, small_groups: bool, quorate: bool, results: list[RecommendationResult]
) -> BallotResults:
    voting_rule, quorum_rule = _rule_words(ballot)
    return BallotResults(
        ballot=ballot,
        small_groups=small_groups,
        eligible=ballot.eligible_count or 0,
        participants=ballot.participant_count or 0,
        quorum_met=quorate,
        voting_rule=voting_rule,
        quorum_rule=quorum_rule,
        recommendations=results,
    )


# Without details: the overall figures only ----------------------------------------------

_ANSWERS: tuple[Agreement, ...] = tuple(Agreement)
_LEVELS: tuple[Certainty, ...] = tally.CERTAINTY_ORDER


def count_votes(session: Session, ballot: Ballot) -> str:
    """What ``Ballot.vote_counts`` holds (see there), counted from the ballot's votes
    in one GROUP BY query by recommendation and professional role, with one column per
    answer and per certainty level: the overall figures and the consensus need no more.

    Written with the tables' columns rather than the mapped attributes: a plain Core
    query hands back its rows without the ORM's work on each of them."""
    votes = Vote.__table__.c
    papers = BallotPaper.__table__.c
    counted = votes.agreement != Agreement.ABSTAIN
    query = (
        select(
            votes.recommendation_id,
            papers.professional_role,
            *(func.count(case((votes.agreement == answer, 1))) for answer in _ANSWERS),
            *(func.count(case((and_(counted, votes.certainty == level), 1))) for level in _LEVELS),
        )
        .select_from(Vote.__table__.join(BallotPaper.__table__, votes.paper_id == papers.id))
        .where(papers.ballot_id == ballot.id)
        .group_by(votes.recommendation_id, papers.professional_role)
    )
    counts: dict[str, Any] = {}
    for rid, role, *columns in session.execute(query):
        answers = dict(zip(_ANSWERS, columns[: len(_ANSWERS)], strict=True))
        levels = dict(zip(_LEVELS, columns[len(_ANSWERS) :], strict=True))
        entry = counts.setdefault(
            str(rid),
            {
                "agreement": dict.fromkeys((answer.value for answer in _ANSWERS), 0),
                "certainty": dict.fromkeys((level.value for level in _LEVELS), 0),
                "support": {},
            },
        )
        for answer, n in answers.items():
            entry["agreement"][answer.value] += n
        for level, n in levels.items():
            entry["certainty"][level.value] += n
        supporting = sum(n for answer, n in answers.items() if answer.is_support)
        not_abstaining = sum(n for answer, n in answers.items() if answer is not Agreement.ABSTAIN)
        agree, counted_before, votes_before = entry["support"].get(role or "", (0, 0, 0))
        entry["support"][role or ""] = [
            agree + supporting,
            counted_before + not_abstaining,
            votes_before + sum(answers.values()),
        ]
    return json.dumps(counts, sort_keys=True, separators=(",", ":"))


def ballot_names(
    session: Session, ballot: Ballot, recommendation_id: int | None = None
) -> list[tuple[int, RecommendationName]]:
    """The ballot's recommendations in order, as (position, name), in one narrow
    query; only the one for ``recommendation_id`` when it is given."""
    query = (
        select(BallotItem.position, Recommendation.id, Recommendation.number, Recommendation.title)
        .join(Recommendation, Recommendation.id == BallotItem.recommendation_id)
        .where(BallotItem.ballot_id == ballot.id)
        .order_by(BallotItem.position, BallotItem.id)
    )
    if recommendation_id is not None:
        query = query.where(BallotItem.recommendation_id == recommendation_id)
    return [
        (position, RecommendationName(rid, number, title))
        for position, rid, number, title in session.execute(query)
    ]


@dataclass(frozen=True)
class _Figures:
    """A recommendation's overall figures, worked out from its stored counts."""

    tally: tally.Tally
    consensus: tally.Consensus
    zone: Zone | None


# Under this key, ``_figures`` gives the figures of a recommendation nobody voted on.
_NOBODY = "nobody"


@lru_cache(maxsize=32)
def _figures(counts: str, scale: str, numerator: int, denominator: int) -> dict[str, _Figures]:
    """Every recommendation's figures from ``Ballot.vote_counts`` text, by recommendation
    id (and ``_NOBODY``). A pure function of its arguments, so remembering recent answers
    can never show out-of-date figures; the counts of a closed ballot never change, and
    its results are read far more often than a ballot closes."""
    roles = tally.role_labels()
    rule = {"scale": scale, "numerator": numerator, "denominator": denominator}
    entries = json.loads(counts)
    entries[_NOBODY] = {"agreement": {}, "certainty": {}, "support": {}}
    figures = {}
    for rid, entry in entries.items():
        # Within each group, [votes that agree, votes that are not abstentions, all
        # votes]; roles no longer on the list (or none) join "Other or not given".
        support: dict[str, tuple[int, int]] = {}
        sizes: dict[str, int] = {}
        for role, (agree, counted, votes) in entry["support"].items():
            key = tally.group_key(role, roles)
            agree_before, counted_before = support.get(key, (0, 0))
            support[key] = (agree_before + agree, counted_before + counted)
            sizes[key] = sizes.get(key, 0) + votes
        # Keyed by the answers' and levels' values, which the enums' members equal.
        overall = tally.tally(entry["agreement"], entry["certainty"], **rule)
        figures[rid] = _Figures(
            overall,
            tally.shown_consensus(support, sizes),
            zone_for(overall.share, overall.certainty_score),
        )
    return figures


def _summary(
    session: Session, ballot: Ballot, *, small_groups: bool, only: int | None
) -> BallotResults:
    """``ballot_results`` without details: the same overall figures, from the counts
    stored when the ballot closed (counted now for a ballot closed without them)."""
    counts = ballot.vote_counts if ballot.vote_counts is not None else count_votes(session, ballot)
    figures = _figures(counts, **_rule(ballot))
    results = []
    for position, name in ballot_names(session, ballot, only):
        figure = figures.get(str(name.id)) or figures[_NOBODY]
        results.append(
            RecommendationResult(
                recommendation=name,
                position=position,
                tally=figure.tally,
                passed=figure.tally.passed,
                consensus=figure.consensus,
                by_role=[],
                zone=figure.zone,
            )
        )
    return _ballot_results(ballot, small_groups, True, results)


def _merge_certainty(parts) -> dict[Certainty, int]:
    total: dict[Certainty, int] = defaultdict(int)
    for counts in parts:
        for level, n in counts.items():
            total[level] += n
    return dict(total)


def results_for_report(session: Session, inquiry: Inquiry) -> list[BallotResults]:
    """The results the report publishes: every closed ballot's, the earliest closed
    first, with groups smaller than three hidden (the report is read beyond the
    researchers); empty when no ballot has closed. A recommendation is decided by the
    last ballot it was on: one that counted cannot go to another ballot, and one that did
    not count may go to a later one. ``results.quorum_met`` False means nothing passed
    in that ballot."""
    ballots = closed_ballots(session, inquiry)
    return [ballot_results(session, ballot, small_groups=False) for ballot in reversed(ballots)]


def deciding_ballot(session: Session, recommendation: Recommendation) -> Ballot | None:
    """The last closed ballot the recommendation was on: the one that decided it, if
    any ballot did."""
    return session.scalars(
        select(Ballot)
        .join(BallotItem, BallotItem.ballot_id == Ballot.id)
        .where(
            BallotItem.recommendation_id == recommendation.id,
            Ballot.status == BallotStatus.CLOSED,
        )
        .order_by(Ballot.closed_at.desc(), Ballot.id.desc())
        .limit(1)
    ).first()


# The CSV download ---------------------------------------------------------------------

CSV_HEADER = (
    "Recommendation",
    "Title",
    "Breakdown",
    "Group",
    "Measure",
    "Value",
    "Percentage",
)
DIMENSIONS = (("Professional role", "by_role"),)


def _tally_rows(reference: str, title: str, breakdown: str, group: str, counts: tally.Tally):
    for answer in counts.answers:
        yield (reference, title, breakdown, group, answer.label, answer.count, answer.percent)
    yield (reference, title, breakdown, group, "Abstain", counts.abstentions, None)
    yield (
        reference,
        title,
        breakdown,
        group,
        "Support (votes that agree)",
        counts.support,
        counts.support_percent,
    )


def csv_rows(results: BallotResults) -> list[tuple]:
    """Aggregate rows for the CSV download, with the viewer's group suppression.

    Percentages are of the votes that are not abstentions. No dissent text is
    included, so nothing written can be tied to a group. A ballot that did not count
    gives its turnout only.
    """
    ballot_rows = [
        ("", "", "Ballot", "", "Eligible participants", results.eligible, None),
        (
            "",
            "",
            "Ballot",
            "",
            "Took part",
            results.participants,
            results.turnout_percent,
        ),
        ("", "", "Ballot", "", "Quorum reached", results.quorum_met, None),
    ]
    rows = list(ballot_rows)
    if not results.quorum_met:
        return rows
    for result in results.recommendations:
        ref, title, counts = result.reference, result.title, result.tally
        rows.extend(_tally_rows(ref, title, "All votes", "All voters", counts))
        rows.append((ref, title, "All votes", "All voters", "Passed", result.passed, None))
        rows.append(
            (
                ref,
                title,
                "All votes",
                "All voters",
                "Consensus across professional roles",
                None if result.consensus.value is None else round(result.consensus.value, 3),
                result.consensus.percent,
            )
        )
        for level in counts.certainty:
            measure = f"Certainty: {level.label.lower()}"
            rows.append(
                (ref, title, "All votes", "All voters", measure, level.count, level.percent)
            )
        rows.append(
            (
                ref,
                title,
                "All votes",
                "All voters",
                "Mean certainty",
                None,
                counts.certainty_percent,
            )
        )
        rows.append(
            (
                ref,
                title,
                "All votes",
                "All voters",
                "Zone",
                f"{result.zone.label}: {result.zone.next_step.lower()}" if result.zone else None,
                None,
            )
        )
        for dimension, attribute in DIMENSIONS:
            for group in getattr(result, attribute):
                if not group.shown:
                    rows.append((ref, title, dimension, group.label, "Votes", group.note, None))
                    continue
                rows.append((ref, title, dimension, group.label, "Votes", group.tally.votes, None))
                rows.extend(_tally_rows(ref, title, dimension, group.label, group.tally))
    return rows


def csv_filename(inquiry: Inquiry, ballot: Ballot) -> str:
    closed = ballot.closed_at.date().isoformat() if ballot.closed_at else str(ballot.id)
    return f"{inquiry.title} ballot results {closed}"
