"""Counting a closed ballot: pure functions over plain counts, no database.

Everything here takes counts of votes (how many chose each answer) and returns what
the results pages, the CSV download and the report show: the distribution in the
order of the ballot's scale, support, whether a recommendation passed, certainty,
group-aware consensus and breakdowns by participant group with small groups hidden.

Shares that decide something (passing, the matrix zone) are exact fractions, so a
result at exactly a threshold is never pushed either way by rounding; percentages
are whole numbers for reading only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from ..models import Agreement, AgreementScale, Certainty
from ..models.profile import PROFESSIONAL_ROLES
from ..privacy import FEWER_THAN, SMALL_GROUP, WITHHELD, suppress_small_groups
from . import rules

# The answers of each agreement scale, in the order they are shown (abstain apart).
SCALE_ANSWERS: dict[AgreementScale, tuple[Agreement, ...]] = {
    AgreementScale.FIVE_POINT: (
        Agreement.STRONGLY_AGREE,
        Agreement.AGREE,
        Agreement.NEITHER,
        Agreement.DISAGREE,
        Agreement.STRONGLY_DISAGREE,
    ),
    AgreementScale.THREE_POINT: (Agreement.AGREE, Agreement.NEITHER, Agreement.DISAGREE),
}
CERTAINTY_ORDER: tuple[Certainty, ...] = (Certainty.LOW, Certainty.MEDIUM, Certainty.HIGH)

# The group of voters who gave no professional role, or whose role no other voter
# held (``pooled_groups``).
NOT_GIVEN = ""
NOT_GIVEN_LABEL = "Other or not given"
# The groups hidden from a viewer, counted together as one in the consensus.
HIDDEN_TOGETHER = "hidden groups"

# Why a group's figures are not shown.
ONE_VOTE = "1 vote: not shown, to keep the ballot secret"
WITHHELD_NOTE = "not shown, so that a smaller group cannot be worked out from the total"
SMALL_GROUP_NOTE = FEWER_THAN


def scale_answers(scale: str | AgreementScale) -> tuple[Agreement, ...]:
    """The answers of the ballot's agreement scale, abstain excluded, in order."""
    # The members equal their values, so the stored value finds its scale directly.
    answers = SCALE_ANSWERS.get(scale)  # type: ignore[call-overload]
    return answers if answers is not None else SCALE_ANSWERS[AgreementScale(scale)]


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole-number percentage, halves rounded up; None
    when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def percent_of(share: Fraction | float | None) -> int | None:
    """A share between 0 and 1 as a whole-number percentage, halves rounded up."""
    if share is None:
        return None
    if isinstance(share, Fraction):
        # The same in whole numbers, as ``percent``: much quicker than Fraction sums.
        return percent(share.numerator, share.denominator)
    return math.floor(Fraction(share) * 100 + Fraction(1, 2))


@dataclass(frozen=True)
class AnswerCount:
    """How many votes gave one answer, and their percentage of the votes counted."""

    key: str
    label: str
    count: int
    percent: int | None


@dataclass(frozen=True)
class Tally:
    """One recommendation's votes (or one group's).

    ``counted`` is the votes that are not abstentions: support, percentages and the
    pass rule are worked out over them. Certainty counts only votes that are not
    abstentions.
    """

    answers: tuple[AnswerCount, ...]
    abstentions: int
    counted: int
    support: int
    share: Fraction | None
    passed: bool
    certainty: tuple[AnswerCount, ...]
    certainty_rated: int
    certainty_score: Fraction | None

    @property
    def votes(self) -> int:
        """Every vote, abstentions included."""
        return self.counted + self.abstentions

    @property
    def support_percent(self) -> int | None:
        return percent_of(self.share)

    @property
    def certainty_percent(self) -> int | None:
        """The mean certainty score (low 0, medium 50, high 100)."""
        return percent_of(self.certainty_score)


# Each certainty level's score as a whole number of _SCORE_UNIT (a half), so that the
# mean score is worked out as one exact fraction of whole numbers.
_SCORE_UNIT = 2
_SCORE_UNITS = {level: round(level.score * _SCORE_UNIT) for level in CERTAINTY_ORDER}
assert all(units == level.score * _SCORE_UNIT for level, units in _SCORE_UNITS.items())
# What a tally shows of each answer and level, looked up once rather than per tally.
_ANSWER_NAMES = {answer: (answer.value, answer.label) for answer in Agreement}
_LEVEL_NAMES = {level: (level.value, level.label) for level in CERTAINTY_ORDER}
_SUPPORTING = frozenset(answer for answer in Agreement if answer.is_support)
_COUNTABLE = tuple(answer for answer in Agreement if answer is not Agreement.ABSTAIN)


def tally(
    agreements: Mapping[Agreement, int],
    certainties: Mapping[Certainty, int] | None = None,
    *,
    scale: str | AgreementScale,
    numerator: int,
    denominator: int,
) -> Tally:
    """The distribution, support and pass outcome of a set of votes.

    ``agreements`` counts votes by answer, abstentions included; ``certainties``
    counts the certainty ratings of the votes that are not abstentions (both may be
    keyed by the members' values instead, as ``Ballot.vote_counts`` stores them). ``numerator``
    and ``denominator`` are the ballot's pass threshold. An answer outside the scale
    (which the voting form does not offer) is still counted, after the scale's own.
    """
    order = scale_answers(scale)
    extra = [answer for answer in _COUNTABLE if answer not in order and agreements.get(answer)]
    if extra:
        order = (*order, *extra)
    counts = [agreements.get(answer, 0) for answer in order]
    counted = sum(counts)
    support = sum(n for answer, n in zip(order, counts, strict=True) if answer in _SUPPORTING)
    answers = tuple(
        AnswerCount(*_ANSWER_NAMES[answer], n, percent(n, counted))
        for answer, n in zip(order, counts, strict=True)
    )
    certainties = certainties or {}
    levels = [certainties.get(level, 0) for level in CERTAINTY_ORDER]
    rated = sum(levels)
    score = (
        Fraction(
            sum(_SCORE_UNITS[level] * n for level, n in zip(CERTAINTY_ORDER, levels, strict=True)),
            _SCORE_UNIT * rated,
        )
        if rated
        else None
    )
    return Tally(
        answers=answers,
        abstentions=agreements.get(Agreement.ABSTAIN, 0),
        counted=counted,
        support=support,
        share=Fraction(support, counted) if counted else None,
        passed=rules.passes(support, counted, numerator, denominator),
        certainty=tuple(
            AnswerCount(*_LEVEL_NAMES[level], n, percent(n, rated))
            for level, n in zip(CERTAINTY_ORDER, levels, strict=True)
        ),
        certainty_rated=rated,
        certainty_score=score,
    )


# Group-aware consensus ------------------------------------------------------------


@dataclass(frozen=True)
class Consensus:
    """Polis-style group-aware consensus.

    For each group with at least one vote that is not an abstention,
    P = (agree + 0.5) / (votes + 1): the share who agree, pulled towards a half for
    small groups. ``value`` is the geometric mean of the groups' P, so it is high
    only when every group agrees, not only the largest. None with no counted votes.
    """

    value: float | None
    groups: dict[str, float]

    @property
    def percent(self) -> int | None:
        return None if self.value is None else math.floor(self.value * 100 + 0.5)


def group_agreement(agree: int, counted: int) -> float:
    """One group's P: (agree + 0.5) / (counted + 1)."""
    return (agree + 0.5) / (counted + 1)


def consensus(groups: Mapping[str, tuple[int, int]]) -> Consensus:
    """Consensus over groups given as ``{group: (agree, counted)}``, where ``agree`` is
    strongly agree plus agree and ``counted`` the votes that are not abstentions.
    Groups with no counted votes are left out."""
    estimates = {
        key: group_agreement(agree, counted)
        for key, (agree, counted) in groups.items()
        if counted > 0
    }
    if not estimates:
        return Consensus(None, {})
    # fsum: the same value whatever order the groups come in from the database.
    value = math.exp(math.fsum(math.log(p) for p in estimates.values()) / len(estimates))
    return Consensus(value, estimates)


def shown_consensus(groups: Mapping[str, tuple[int, int]], sizes: Mapping[str, int]) -> Consensus:
    """The consensus everyone is shown: as ``consensus``, with the groups hidden from
    people who may not see small groups (``hidden_groups``, from each group's number of
    votes in ``sizes``) counted together as one group. Their figures together follow
    from the total and the groups shown, so the consensus tells nothing more of any
    of them; counted apart, it could (one voter's agreement changes it)."""
    hidden = hidden_groups(sizes, small_groups=False)
    if not hidden:
        return consensus(groups)
    together = [0, 0]
    kept: dict[str, tuple[int, int]] = {}
    for key, (agree, counted) in groups.items():
        if key in hidden:
            together[0] += agree
            together[1] += counted
        else:
            kept[key] = (agree, counted)
    kept[HIDDEN_TOGETHER] = (together[0], together[1])
    return consensus(kept)


def pooled_groups(sizes: Mapping[str, int]) -> set[str]:
    """The groups whose voters a closing ballot stores in the group "Other or not
    given", given each group's number of voters: every group of one voter (its paper
    would be that person's), and, when "Other or not given" would still hold a single
    voter, the next smallest group too."""
    pooled = {key for key, n in sizes.items() if n == 1 and key != NOT_GIVEN}
    if sizes.get(NOT_GIVEN, 0) + len(pooled) == 1:
        others = [key for key, n in sizes.items() if n > 0 and key not in pooled | {NOT_GIVEN}]
        if others:
            pooled.add(min(others, key=lambda key: (sizes[key], key)))
    return pooled


# Breakdowns by participant group ----------------------------------------------------


def role_labels() -> dict[str, str]:
    """Professional roles in their usual order, then "Not given"."""
    return {**PROFESSIONAL_ROLES, NOT_GIVEN: NOT_GIVEN_LABEL}


def group_key(value: str | None, labels: Mapping[str, str]) -> str:
    """The group a stored value belongs to: unknown or empty values are "Not given"."""
    return value if value and value in labels else NOT_GIVEN


def hidden_groups(sizes: Mapping[str, int], *, small_groups: bool) -> dict[str, str]:
    """The groups whose figures are not shown, each with the reason, given each group's
    number of votes (abstentions included).

    Anyone who may not see small groups: a group of 1 or 2 votes shows "fewer than 3".
    Viewers who may (researchers): groups of 2 or more are shown. A group of exactly
    one vote is never shown to anyone: it would be one person's vote. The overall
    result is always shown beside a breakdown, so when a single group is hidden the
    next smallest is withheld too (see ``privacy.suppress_small_groups``).
    """
    shown = suppress_small_groups(
        dict(sizes),
        reveal=False,
        minimum=2 if small_groups else SMALL_GROUP,
        total_shown=True,
    )
    notes: dict[str, str] = {}
    for key, value in shown.items():
        if value == FEWER_THAN:
            notes[key] = ONE_VOTE if small_groups else SMALL_GROUP_NOTE
        elif value == WITHHELD:
            notes[key] = WITHHELD_NOTE
    return notes


@dataclass(frozen=True)
class GroupResult:
    """One participant group's figures for one recommendation, or why they are hidden.

    When ``shown`` is False, ``note`` says why and ``tally`` and ``estimate`` are
    None, so nothing of the group can reach a page or a file by mistake.
    """

    key: str
    label: str
    shown: bool
    note: str
    tally: Tally | None
    estimate: float | None  # the group's P in the consensus (role groups only)

    @property
    def estimate_percent(self) -> int | None:
        return None if self.estimate is None else math.floor(self.estimate * 100 + 0.5)


def breakdown(
    groups: Mapping[str, Mapping[Agreement, int]],
    certainties: Mapping[str, Mapping[Certainty, int]] | None = None,
    *,
    labels: Mapping[str, str],
    small_groups: bool,
    scale: str | AgreementScale,
    numerator: int,
    denominator: int,
    estimates: Mapping[str, float] | None = None,
) -> list[GroupResult]:
    """Each group with votes, in the order of ``labels``, with small groups hidden
    (see ``hidden_groups``). ``groups`` counts votes by answer per group key."""
    certainties = certainties or {}
    estimates = estimates or {}
    sizes = {key: sum(counts.values()) for key, counts in groups.items()}
    sizes = {key: n for key, n in sizes.items() if n > 0}
    hidden = hidden_groups(sizes, small_groups=small_groups)
    order = [key for key in labels if key in sizes]
    order += sorted(key for key in sizes if key not in labels)
    results = []
    for key in order:
        label = labels.get(key, NOT_GIVEN_LABEL)
        if key in hidden:
            results.append(GroupResult(key, label, False, hidden[key], None, None))
            continue
        results.append(
            GroupResult(
                key,
                label,
                True,
                "",
                tally(
                    groups[key],
                    certainties.get(key),
                    scale=scale,
                    numerator=numerator,
                    denominator=denominator,
                ),
                estimates.get(key),
            )
        )
    return results


def support_counts(groups: Mapping[str, Mapping[Agreement, int]]) -> dict[str, tuple[int, int]]:
    """``{group: (agree, counted)}`` for ``consensus`` from counts by answer."""
    result = {}
    for key, counts in groups.items():
        agree = sum(n for answer, n in counts.items() if Agreement(answer).is_support)
        counted = sum(n for answer, n in counts.items() if answer != Agreement.ABSTAIN)
        result[key] = (agree, counted)
    return result


def merge_counts(parts: Iterable[Mapping[Agreement, int]]) -> dict[Agreement, int]:
    """Counts by answer added up over several groups."""
    total: dict[Agreement, int] = {}
    for counts in parts:
        for answer, n in counts.items():
            total[answer] = total.get(answer, 0) + n
    return total
