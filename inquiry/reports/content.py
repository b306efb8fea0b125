"""Everything the report shows, gathered from the inquiry in one place.

``build_content`` reads the inquiry with a fixed number of queries (it does not grow
with the number of recommendations, excerpts or reflections) and returns a tree of
plain dataclasses that the document template and the JSON download read. Nothing
in the tree is an ORM object, and everything in it may be published:

- testimony is quoted only when it is approved and its witness allowed quoting
  (``excerpts.services.quotable_excerpts``); withdrawn testimony has no excerpts
  left, and "cohort only" testimony is never quoted nor its witness named or listed;
- a witness is named only when every piece of their quotable testimony allows
  quoting with their chosen name and they are still taking part; otherwise they are
  "Witness A", "Witness B"... in a stable order (by when they joined), the more
  private choice winning when their testimony has different uses;
- participants are named only when they agreed to be (``named_in_report``);
- reflections are counted, never quoted: they were shared with the cohort only;
- breakdowns of people and votes hide groups smaller than three;
- the evaluation's written answers are counted, never quoted;
- the commissioner's response appears only once it is published: answers of a draft
  response, however far along, are never read into the report.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, lazyload

from ..cohort import composition
from ..evaluation import services as evaluation
from ..excerpts.services import quotable_excerpts
from ..formatting import UK, uk_date
from ..models import (
    ChallengeStatus,
    Decision,
    Excerpt,
    Inquiry,
    InquiryMode,
    Invitation,
    Membership,
    MembershipStatus,
    ProgressStatus,
    Recommendation,
    RecommendationStatus,
    Reflection,
    ReflectionStatus,
    Report,
    Role,
    Round,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
)
from ..models.profile import LIVED_EXPERIENCE
from ..models.recommendations import recommendation_excerpts
from ..privacy import suppress_small_groups
from ..responses import summary as response_summary
from ..results import services as results_services
from ..results.matrix import ZONE_MEANINGS, Zone, describe, matrix_svg
from ..rounds.services import plan_for
from ..text import and_list
from ..themes.services import themes_for
from .defaults import GLOSSARY, RESPONSES_NOT_YET, default_method

# Every section of the report in order: (key, heading). The key is the section's id in
# the document and the name members' review comments are filed under.
SECTIONS: list[tuple[str, str]] = [
    ("foreword", "Foreword"),
    ("executive-summary", "Executive summary"),
    ("about", "About this inquiry"),
    ("who-took-part", "Who took part"),
    ("who-gave-evidence", "Who gave evidence"),
    ("what-we-heard", "What we heard"),
    ("deliberation", "How the cohort deliberated"),
    ("recommendations", "The recommendations"),
    ("matrix", "Agreement and certainty"),
    ("responses", "The commissioner's response"),
    ("next-steps", "Next steps"),
    ("acknowledgements", "Acknowledgements"),
    ("appendix", "Appendix"),
]
SECTION_HEADINGS: dict[str, str] = dict(SECTIONS)

# What members may comment on during the review: every section, and "How views changed"
# on its own, because researchers write it inside a chapter that is otherwise generated.
# Its key is the id of its heading in the document.
REVIEW_SECTIONS: list[tuple[str, str]] = [
    entry
    for key, heading in SECTIONS
    for entry in (
        [(key, heading), ("views-changed", "How views changed")]
        if key == "deliberation"
        else [(key, heading)]
    )
]

# The sections researchers write, by key, with the Report field that holds each.
NARRATIVE_FIELDS: dict[str, str] = {
    "foreword": "foreword",
    "executive-summary": "executive_summary",
    "next-steps": "next_steps",
    "acknowledgements": "acknowledgements",
}

# Recommendations that went to the ballot, whatever its outcome.
BALLOT_STATUSES = (
    RecommendationStatus.FROZEN,
    RecommendationStatus.ADOPTED,
    RecommendationStatus.NOT_ADOPTED,
)


# The tree ------------------------------------------------------------------------------


@dataclass
class Cover:
    title: str
    question: str
    commissioner: str
    mode: str  # "Inverted inquiry" or "Standard inquiry"
    inverted: bool
    starts_on: date | None
    ends_on: date | None
    dates: str  # "3 June 2026 to 15 July 2026", or "" when not set
    compiled_on: date


@dataclass
class Narrative:
    foreword: str = ""
    executive_summary: str = ""
    method: str = ""
    method_is_default: bool = True
    acknowledgements: str = ""
    next_steps: str = ""
    # In the deliberation chapter, after the counts; empty leaves only the counts.
    views_changed: str = ""


@dataclass
class PromptSummary:
    text: str
    reflections: int


@dataclass
class SessionSummary:
    number: int
    title: str
    kind: str
    held_on: date | None
    purpose: str
    reflections: int  # shared reflections, counted; never quoted
    change_prompts: list[PromptSummary] = field(default_factory=list)


@dataclass
class GroupCount:
    label: str
    count: int | str  # "fewer than 3" or "not shown" when hidden


@dataclass
class Breakdown:
    label: str  # "Professional role"
    role: str  # "participant" or "witness"
    groups: list[GroupCount] = field(default_factory=list)


@dataclass
class RecruitmentRow:
    role: str  # "Participants"
    invited: int
    joined: int
    withdrew: int | str
    taking_part: int


@dataclass
class TakingPart:
    participants: int | str
    witnesses: int | str
    breakdowns: list[Breakdown] = field(default_factory=list)
    # Participants who agreed to be named, by name.
    named_participants: list[str] = field(default_factory=list)


@dataclass
class Witness:
    name: str  # the chosen name, or "Witness A"
    named: bool
    lived_experience: str
    sessions: list[str] = field(default_factory=list)


@dataclass
class Quote:
    text: str
    attribution: str  # the chosen name, or "Witness A"
    lived_experience: str


@dataclass
class Evidence:
    witnesses: list[Witness] = field(default_factory=list)
    # Witnesses whose testimony was shared with the cohort only: counted, never listed.
    cohort_only_witnesses: int | str = 0


@dataclass
class ThemeQuotes:
    name: str
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class AnswerRow:
    label: str
    count: int
    percent: int | None


@dataclass
class GroupResultRow:
    label: str
    shown: bool
    note: str  # why it is hidden, when it is
    votes: int | None
    support_percent: int | None
    consensus_percent: int | None  # the group's agreement estimate (roles only)


@dataclass
class Outcome:
    """A recommendation's result in the ballot that decided it."""

    passed: bool
    votes: int
    counted: int  # votes that are not abstentions
    support: int
    support_percent: int | None
    abstentions: int
    answers: list[AnswerRow]
    consensus_percent: int | None
    certainty_percent: int | None
    certainty: list[AnswerRow]
    zone: str  # "" when no votes were counted
    next_step: str
    by_role: list[GroupResultRow]
    dissent: list[str]


@dataclass
class AnswerSummary:
    """The commissioner's answer to one recommendation, as the recommendations chapter
    shows it under the recommendation."""

    decision: str  # "Accepted"
    reasons: str
    lead: str
    target_on: date | None
    # The latest progress update's status label and percentage; None before the first.
    progress_status: str | None = None
    progress_percent: int | None = None


@dataclass
class RecommendationEntry:
    reference: str  # "R1"
    title: str
    body: str
    for_individual: str
    for_system: str
    who_should_act: str
    rationale: str
    status: str
    quotes: list[Quote] = field(default_factory=list)
    outcome: Outcome | None = None
    # The published response to it; None before publishing or when it is not answered.
    response: AnswerSummary | None = None


@dataclass
class BallotSummary:
    closed_on: date | None
    eligible: int
    participants: int
    turnout_percent: int | None
    quorum_met: bool
    passed: int
    total: int
    # The recommendations on the ballot, in ballot order: "R1".
    references: list[str] = field(default_factory=list)

    @property
    def references_words(self) -> str:
        return and_list(self.references)


@dataclass
class MatrixRow:
    reference: str
    title: str
    agreement_percent: int | None
    certainty_percent: int | None
    zone: str
    next_step: str


@dataclass
class ZoneNote:
    label: str
    shape: str
    meaning: str
    next_step: str


@dataclass
class Matrix:
    svg: Markup  # matrix_svg's drawing; every piece of text in it is escaped
    description: str
    rows: list[MatrixRow] = field(default_factory=list)
    zones: list[ZoneNote] = field(default_factory=list)


@dataclass
class EvaluationStatement:
    text: str
    answered: int
    percent_agree: int | None
    counts: list[AnswerRow] = field(default_factory=list)


@dataclass
class EvaluationSummary:
    responses: int
    shown: bool  # False when fewer than 3 answered: nothing else is filled in
    statements: list[EvaluationStatement] = field(default_factory=list)
    written_answers: int = 0  # counted, never quoted


@dataclass
class Count:
    label: str
    count: int


@dataclass
class LatestProgress:
    """The latest progress update on one recommendation."""

    status: str  # "In progress"
    percent: int
    happened_on: date
    note: str  # what happened; for a dropped recommendation, why


@dataclass
class ChallengeSummary:
    """A 100-day challenge testing one recommendation."""

    status: str  # "Being designed", "Live" or "Finished"
    finished: bool
    goal: str
    sponsor: str
    starts_on: date
    # Filled in once the challenge has finished.
    outcome: str = ""  # "Goal met"
    outcome_summary: str = ""


@dataclass
class ResponseEntry:
    """The commissioner's answer to one recommendation, with what has happened since."""

    reference: str  # "R1"
    title: str
    decision: str  # "Accepted"
    reasons: str
    lead: str
    target_on: date | None
    progress: LatestProgress | None = None  # None before the first update
    challenge: ChallengeSummary | None = None


@dataclass
class ResponsesSection:
    """The commissioner's published response: only ever built from a published one."""

    organisation: str  # the commissioning organisation, "" when not set
    published_on: date | None
    # Every decision in order with how many recommendations got it, zeros included.
    decisions: list[Count] = field(default_factory=list)
    # The mean of the recommendations' progress; None until any update is reported.
    overall_percent: int | None = None
    # Recommendations by the status of their latest update (none yet counts as not
    # started); empty until any update is reported.
    progress: list[Count] = field(default_factory=list)
    entries: list[ResponseEntry] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return len(self.entries)


@dataclass
class GlossaryEntry:
    term: str
    meaning: str


@dataclass
class Appendix:
    # The rule of the last ballot (or the inquiry's, before any has closed).
    voting_rule: str
    quorum_rule: str
    # Each ballot's rules, "Ballot 1 (R1 and R2): ...", when the ballots' rules differ.
    ballot_rules: list[str] = field(default_factory=list)
    recruitment: list[RecruitmentRow] = field(default_factory=list)
    evaluation: EvaluationSummary | None = None
    glossary: list[GlossaryEntry] = field(default_factory=list)


@dataclass
class ReportContent:
    cover: Cover
    narrative: Narrative
    sessions: list[SessionSummary]
    taking_part: TakingPart
    evidence: Evidence
    themes: list[ThemeQuotes]
    recommendations: list[RecommendationEntry]
    # Every closed ballot, the earliest first.
    ballots: list[BallotSummary]
    # Drawn from every ballot that counted; None when none did.
    matrix: Matrix | None
    appendix: Appendix
    # The commissioner's response: None until it is published.
    responses: ResponsesSection | None = None
    responses_placeholder: str = RESPONSES_NOT_YET

    @property
    def total_reflections(self) -> int:
        return sum(s.reflections for s in self.sessions)

    @property
    def quote_count(self) -> int:
        return len({(q.text, q.attribution) for theme in self.themes for q in theme.quotes})

    @property
    def put_to_vote(self) -> int:
        """The recommendations on any closed ballot (one voted on again counts once)."""
        return len({reference for ballot in self.ballots for reference in ballot.references})

    @property
    def adopted(self) -> int:
        return sum(ballot.passed for ballot in self.ballots)


# Gathering -----------------------------------------------------------------------------


def _date_range(starts_on: date | None, ends_on: date | None) -> str:
    if starts_on and ends_on:
        return f"{uk_date(starts_on)} to {uk_date(ends_on)}"
    if starts_on:
        return f"From {uk_date(starts_on)}"
    if ends_on:
        return f"Until {uk_date(ends_on)}"
    return ""


def _cover(inquiry: Inquiry, now: datetime) -> Cover:
    mode = InquiryMode(inquiry.mode or InquiryMode.STANDARD)
    return Cover(
        title=inquiry.title,
        question=inquiry.question,
        commissioner=inquiry.commissioner_organisation or "",
        mode=mode.label,
        inverted=mode is InquiryMode.INVERTED,
        starts_on=inquiry.starts_on,
        ends_on=inquiry.ends_on,
        dates=_date_range(inquiry.starts_on, inquiry.ends_on),
        compiled_on=now.date(),
    )


def _narrative(session: Session, inquiry: Inquiry) -> Narrative:
    report = session.scalar(select(Report).where(Report.inquiry_id == inquiry.id))
    method = (report.method if report else "") or ""
    return Narrative(
        foreword=(report.foreword if report else "") or "",
        executive_summary=(report.executive_summary if report else "") or "",
        method=method.strip() or default_method(inquiry.mode),
        method_is_default=not method.strip(),
        acknowledgements=(report.acknowledgements if report else "") or "",
        next_steps=(report.next_steps if report else "") or "",
        views_changed=(report.views_changed if report else "") or "",
    )


def _sessions(session: Session, inquiry: Inquiry, rounds: list[Round]) -> list[SessionSummary]:
    counts: dict[tuple[int, int], int] = {}
    for round_id, prompt_id, n in session.execute(
        select(Reflection.round_id, Reflection.prompt_id, func.count(Reflection.id))
        .where(
            Reflection.inquiry_id == inquiry.id,
            Reflection.status == ReflectionStatus.SHARED,
        )
        .group_by(Reflection.round_id, Reflection.prompt_id)
    ):
        counts[(round_id, prompt_id)] = n
    by_round: dict[int, int] = defaultdict(int)
    for (round_id, _), n in counts.items():
        by_round[round_id] += n
    return [
        SessionSummary(
            number=number,
            title=round_.title,
            kind=round_.kind.label,
            held_on=round_.held_on,
            purpose=round_.purpose or "",
            reflections=by_round.get(round_.id, 0),
            change_prompts=[
                PromptSummary(text=prompt.text, reflections=counts.get((round_.id, prompt.id), 0))
                for prompt in round_.prompts
                if prompt.asks_about_change
            ],
        )
        for number, round_ in enumerate(rounds, start=1)
    ]


REPORT_DIMENSIONS = ("professional_role", "sector", "lived_experience")


def _taking_part(session: Session, inquiry: Inquiry) -> TakingPart:
    cohort = composition.build(session, inquiry, reveal=False)
    breakdowns = [
        Breakdown(
            label=breakdown.label,
            role=breakdown.role.value,
            groups=[GroupCount(group.label, group.count) for group in breakdown.groups],
        )
        for breakdown in cohort.breakdowns
        if breakdown.dimension in REPORT_DIMENSIONS
    ]
    named = session.scalars(
        select(Membership).where(
            Membership.inquiry_id == inquiry.id,
            Membership.role == Role.PARTICIPANT,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.named_in_report.is_(True),
        )
    ).all()
    return TakingPart(
        participants=cohort.participants,
        witnesses=cohort.witnesses,
        breakdowns=breakdowns,
        named_participants=sorted(
            (m.user.name for m in named if m.user is not None and m.user.name),
            key=lambda name: (name.casefold(), name),
        ),
    )


def _letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as spreadsheet columns are named."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass
class _Attribution:
    name: str
    named: bool
    lived_experience: str


def _witnesses(
    session: Session, inquiry: Inquiry, rounds_by_id: dict[int, str], round_order: dict[int, int]
) -> tuple[Evidence, dict[int, _Attribution]]:
    """The witnesses the report lists and how each is attributed, by membership id.

    Only approved testimony counts. A witness with any quotable testimony is listed;
    one whose every piece of approved testimony is "cohort only" is only counted.
    """
    rows = session.execute(
        select(Testimony.witness_id, Testimony.use, Testimony.round_id).where(
            Testimony.inquiry_id == inquiry.id,
            Testimony.status == TestimonyStatus.APPROVED,
            Testimony.body.is_not(None),
        )
    ).all()
    uses: dict[int, set[TestimonyUse]] = defaultdict(set)
    sessions: dict[int, set[int]] = defaultdict(set)
    gave_evidence: set[int] = set()
    for witness_id, use, round_id in rows:
        gave_evidence.add(witness_id)
        use = TestimonyUse(use)
        if use.allows_quoting:
            uses[witness_id].add(use)
            if round_id is not None:
                sessions[witness_id].add(round_id)
    quotable_ids = sorted(uses)
    members = {
        m.id: m
        for m in session.scalars(
            select(Membership)
            .where(Membership.id.in_(quotable_ids), Membership.inquiry_id == inquiry.id)
            .options(lazyload(Membership.inquiry))
        )
    }
    attributions: dict[int, _Attribution] = {}
    witnesses: list[Witness] = []
    anonymous = 0
    # In the order they joined the inquiry, so letters stay the same from build to build.
    for witness_id in quotable_ids:
        member = members.get(witness_id)
        if member is None:
            continue
        named = (
            uses[witness_id] == {TestimonyUse.QUOTE_WITH_NAME}
            and member.status == MembershipStatus.ACTIVE
            and member.role == Role.WITNESS
            and bool(member.public_name.strip())
        )
        category = LIVED_EXPERIENCE.get(member.lived_experience or "", "")
        if named:
            name = member.public_name.strip()
            if member.lived_experience == "other" and member.lived_experience_other:
                category = member.lived_experience_other
        else:
            name = f"Witness {_letters(anonymous)}"
            anonymous += 1
        attributions[witness_id] = _Attribution(name, named, category)
        witnesses.append(
            Witness(
                name=name,
                named=named,
                lived_experience=category,
                sessions=[
                    rounds_by_id[rid]
                    for rid in sorted(sessions[witness_id], key=lambda r: round_order.get(r, 0))
                    if rid in rounds_by_id
                ],
            )
        )
    cohort_only = len(gave_evidence - set(uses))
    hidden = suppress_small_groups({"n": cohort_only}, reveal=False)["n"]
    return Evidence(witnesses=witnesses, cohort_only_witnesses=hidden), attributions


def _quote(excerpt: Excerpt, attributions: dict[int, _Attribution]) -> Quote | None:
    attribution = attributions.get(excerpt.testimony.witness_id)
    if attribution is None:
        return None
    return Quote(
        text=excerpt.text,
        attribution=attribution.name,
        lived_experience=attribution.lived_experience,
    )


def _themes(
    session: Session,
    inquiry: Inquiry,
    excerpts: list[Excerpt],
    attributions: dict[int, _Attribution],
) -> list[ThemeQuotes]:
    by_theme: dict[int, list[Quote]] = defaultdict(list)
    for excerpt in excerpts:
        quote = _quote(excerpt, attributions)
        if quote is None:
            continue
        for theme in excerpt.themes:
            by_theme[theme.id].append(quote)
    return [
        ThemeQuotes(name=theme.name, quotes=by_theme[theme.id])
        for theme in themes_for(session, inquiry)
        if by_theme.get(theme.id)
    ]


def _answers(rows) -> list[AnswerRow]:
    return [AnswerRow(row.label, row.count, row.percent) for row in rows]


def _groups(groups, *, with_estimate: bool) -> list[GroupResultRow]:
    return [
        GroupResultRow(
            label=group.label,
            shown=group.shown,
            note=group.note,
            votes=group.tally.votes if group.shown else None,
            support_percent=group.tally.support_percent if group.shown else None,
            consensus_percent=group.estimate_percent if (group.shown and with_estimate) else None,
        )
        for group in groups
    ]


def _outcome(result: results_services.RecommendationResult) -> Outcome:
    counts = result.tally
    return Outcome(
        passed=result.passed,
        votes=counts.votes,
        counted=counts.counted,
        support=counts.support,
        support_percent=counts.support_percent,
        abstentions=counts.abstentions,
        answers=_answers(counts.answers),
        consensus_percent=result.consensus.percent,
        certainty_percent=counts.certainty_percent,
        certainty=_answers(counts.certainty),
        zone=result.zone.label if result.zone else "",
        next_step=result.zone.next_step if result.zone else "",
        by_role=_groups(result.by_role, with_estimate=True),
        dissent=list(result.dissent),
    )


def _recommendations(
    session: Session,
    inquiry: Inquiry,
    quotable: dict[int, Excerpt],
    attributions: dict[int, _Attribution],
    ballots: list[results_services.BallotResults],
    answers: dict[int, AnswerSummary],
) -> tuple[list[RecommendationEntry], dict[int, str]]:
    """The entries in R order, and each one's reference by recommendation id."""
    recommendations = session.scalars(
        select(Recommendation)
        .where(
            Recommendation.inquiry_id == inquiry.id,
            Recommendation.status.in_(BALLOT_STATUSES),
        )
        .options(
            lazyload(Recommendation.author),
            lazyload(Recommendation.excerpts),
            lazyload(Recommendation.themes),
        )
    ).all()
    ids = [r.id for r in recommendations]
    links: dict[int, list[int]] = defaultdict(list)
    if ids:
        for rid, excerpt_id in session.execute(
            select(
                recommendation_excerpts.c.recommendation_id,
                recommendation_excerpts.c.excerpt_id,
            ).where(recommendation_excerpts.c.recommendation_id.in_(ids))
        ):
            links[rid].append(excerpt_id)
    outcomes: dict[int, results_services.RecommendationResult] = {}
    positions: dict[int, int] = {}
    # The earliest first, so that each recommendation ends with the last ballot it was on.
    for results in ballots:
        for result in results.recommendations:
            positions[result.recommendation.id] = result.position
            # A ballot that did not count shows no votes: there is no outcome to report.
            if results.quorum_met:
                outcomes[result.recommendation.id] = result
    # Excerpts in the order they are read in the testimony (quotable's order).
    order = {excerpt_id: n for n, excerpt_id in enumerate(quotable)}

    def sort_key(r: Recommendation) -> tuple:
        return (r.number is None, r.number or 0, positions.get(r.id, 0), r.id)

    entries = []
    references: dict[int, str] = {}
    for position, recommendation in enumerate(sorted(recommendations, key=sort_key), start=1):
        quotes = []
        for excerpt_id in sorted(links.get(recommendation.id, []), key=lambda e: order.get(e, 0)):
            excerpt = quotable.get(excerpt_id)
            quote = _quote(excerpt, attributions) if excerpt is not None else None
            if quote is not None:
                quotes.append(quote)
        result = outcomes.get(recommendation.id)
        reference = recommendation.reference or (result.reference if result else f"R{position}")
        references[recommendation.id] = reference
        entries.append(
            RecommendationEntry(
                reference=reference,
                title=recommendation.title,
                body=recommendation.body,
                for_individual=recommendation.for_individual or "",
                for_system=recommendation.for_system or "",
                who_should_act=recommendation.who_should_act or "",
                rationale=recommendation.rationale or "",
                status=recommendation.status.label,
                quotes=quotes,
                outcome=_outcome(result) if result is not None else None,
                response=answers.get(recommendation.id),
            )
        )
    return entries, references


def _published_day(response) -> date | None:
    """The day the response was published, in UK time."""
    if response is None or response.published_at is None:
        return None
    published_at = response.published_at
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    return published_at.astimezone(UK).date()


def _latest_progress(entry: response_summary.ProgressEntry) -> LatestProgress | None:
    update = entry.latest
    if update is None:
        return None
    return LatestProgress(
        status=ProgressStatus(update.status).label,
        percent=update.percent,
        happened_on=update.happened_on,
        note=update.note or "",
    )


def _challenge(entry: response_summary.ProgressEntry) -> ChallengeSummary | None:
    challenge = entry.challenge
    if challenge is None:
        return None
    status = ChallengeStatus(challenge.status)
    finished = status is ChallengeStatus.CLOSED
    return ChallengeSummary(
        status=status.label,
        finished=finished,
        goal=challenge.goal or "",
        sponsor=challenge.sponsor or "",
        starts_on=challenge.starts_on,
        outcome=challenge.outcome.label if (finished and challenge.outcome) else "",
        outcome_summary=(challenge.outcome_summary or "") if finished else "",
    )


def _answer_summaries(overview: response_summary.ProgressOverview) -> dict[int, AnswerSummary]:
    """The published answers by recommendation id (none while the response is a draft:
    ``progress_overview`` leaves a draft's answers out)."""
    if not overview.published:
        return {}
    summaries = {}
    for entry in overview.entries:
        answer = entry.answer
        if answer is None:
            continue
        latest = entry.latest
        summaries[entry.recommendation.id] = AnswerSummary(
            decision=Decision(answer.decision).label,
            reasons=answer.reasons or "",
            lead=answer.lead or "",
            target_on=answer.target_on,
            progress_status=ProgressStatus(latest.status).label if latest else None,
            progress_percent=latest.percent if latest else None,
        )
    return summaries


def _responses(
    inquiry: Inquiry,
    overview: response_summary.ProgressOverview,
    references: dict[int, str],
) -> ResponsesSection | None:
    """The published response with the progress since; None until it is published."""
    if not overview.published:
        return None
    answered = [entry for entry in overview.entries if entry.answer is not None]
    decisions: dict[Decision, int] = defaultdict(int)
    for entry in answered:
        decisions[Decision(entry.answer.decision)] += 1
    reported = any(entry.updates for entry in overview.entries)
    return ResponsesSection(
        organisation=inquiry.commissioner_organisation or "",
        published_on=_published_day(overview.response),
        decisions=[Count(decision.label, decisions[decision]) for decision in Decision],
        overall_percent=overview.overall_percent if reported else None,
        progress=[Count(status.label, overview.count(status)) for status in ProgressStatus]
        if reported
        else [],
        entries=[
            ResponseEntry(
                reference=references.get(entry.recommendation.id) or entry.recommendation.reference,
                title=entry.recommendation.title,
                decision=Decision(entry.answer.decision).label,
                reasons=entry.answer.reasons or "",
                lead=entry.answer.lead or "",
                target_on=entry.answer.target_on,
                progress=_latest_progress(entry),
                challenge=_challenge(entry),
            )
            for entry in answered
        ],
    )


def _ballot_summary(results: results_services.BallotResults) -> BallotSummary:
    return BallotSummary(
        closed_on=results.ballot.closed_at.date() if results.ballot.closed_at else None,
        eligible=results.eligible,
        participants=results.participants,
        turnout_percent=results.turnout_percent,
        quorum_met=results.quorum_met,
        passed=len(results.passed),
        total=len(results.recommendations),
        references=[result.reference for result in results.recommendations],
    )


def _matrix(ballots: list[results_services.BallotResults]) -> Matrix | None:
    """The matrix of every recommendation decided by a ballot that counted, each with
    that ballot's figures (a recommendation decided by a ballot that counted is on no
    other). A ballot that did not count shows no votes, so there is nothing to place."""
    counted = [results for results in ballots if results.quorum_met]
    if not counted:
        return None
    points = [point for results in counted for point in results.matrix_points]
    rows = [
        MatrixRow(
            reference=result.reference,
            title=result.title,
            agreement_percent=result.tally.support_percent,
            certainty_percent=result.tally.certainty_percent,
            zone=result.zone.label if result.zone else "",
            next_step=result.zone.next_step if result.zone else "",
        )
        for results in counted
        for result in results.recommendations
    ]
    return Matrix(
        svg=matrix_svg(points, id_prefix="report-matrix", title=matrix_title(rows)),
        description=describe(points),
        rows=rows,
        zones=[
            ZoneNote(zone.label, zone.shape, ZONE_MEANINGS[zone], zone.next_step) for zone in Zone
        ],
    )


def _ballot_rules(ballots: list[BallotSummary], rules: list[tuple[str, str]]) -> list[str]:
    """Each ballot's voting and quorum rules, when they are not all the same (each is
    fixed as its ballot opens, and the researchers may change the inquiry's between)."""
    if len(set(rules)) < 2:
        return []
    return [
        f"Ballot {number} ({ballot.references_words}): {voting} {quorum}"
        for number, (ballot, (voting, quorum)) in enumerate(zip(ballots, rules, strict=True), 1)
    ]


def matrix_title(rows: list[MatrixRow]) -> str:
    """The matrix's title with every figure in it. A tagged PDF takes a drawing's text
    alternative from its title alone, so the title must say everything the chart shows."""
    placed = [row for row in rows if row.zone]
    if not placed:
        return "Agreement and certainty matrix: no recommendation has votes to place in it."
    parts = []
    for row in placed:
        certainty = (
            "no certainty ratings"
            if row.certainty_percent is None
            else f"certainty {row.certainty_percent}%"
        )
        parts.append(
            f"{row.reference}, agreement {row.agreement_percent}%, {certainty}, "
            f"{row.zone.lower()} zone"
        )
    return "Agreement and certainty matrix: " + "; ".join(parts) + "."


def _recruitment(session: Session, inquiry: Inquiry) -> list[RecruitmentRow]:
    invited: dict[str, int] = {
        str(role): n
        for role, n in session.execute(
            select(Invitation.role, func.count(distinct(func.lower(Invitation.email))))
            .where(Invitation.inquiry_id == inquiry.id)
            .group_by(Invitation.role)
        )
    }
    members: dict[tuple[str, str], int] = {
        (str(role), str(status)): n
        for role, status, n in session.execute(
            select(Membership.role, Membership.status, func.count(Membership.id))
            .where(Membership.inquiry_id == inquiry.id)
            .group_by(Membership.role, Membership.status)
        )
    }
    rows = []
    for role in (Role.PARTICIPANT, Role.WITNESS):
        active = members.get((role.value, MembershipStatus.ACTIVE.value), 0)
        withdrew = members.get((role.value, MembershipStatus.WITHDRAWN.value), 0)
        rows.append(
            RecruitmentRow(
                role=role.plural,
                invited=invited.get(role.value, 0),
                joined=active + withdrew,
                # Who withdrew is their business: a group of one or two is not counted.
                withdrew=suppress_small_groups({"n": withdrew}, reveal=False)["n"],
                taking_part=active,
            )
        )
    return rows


def _evaluation(session: Session, inquiry: Inquiry) -> EvaluationSummary | None:
    results = evaluation.results_for_report(session, inquiry)
    if results is None:
        return None
    return EvaluationSummary(
        responses=results.responses,
        shown=results.shown,
        statements=[
            EvaluationStatement(
                text=statement.text,
                answered=statement.overall.answered,
                percent_agree=statement.overall.percent_agree,
                counts=[
                    AnswerRow(
                        label,
                        count,
                        evaluation.percent(count, statement.overall.answered),
                    )
                    for label, count in statement.overall.counts.items()
                ],
            )
            for statement in results.statements
        ],
        written_answers=sum(len(written.answers) for written in results.written),
    )


def build_content(session: Session, inquiry: Inquiry, *, now: datetime) -> ReportContent:
    """Everything the report shows, filtered by consent, withdrawal and the small-group
    rule, read with a fixed number of queries."""
    rounds = plan_for(session, inquiry)
    evidence, attributions = _witnesses(
        session,
        inquiry,
        {round_.id: round_.title for round_ in rounds},
        {round_.id: n for n, round_ in enumerate(rounds)},
    )
    excerpts = quotable_excerpts(session, inquiry)
    results = results_services.results_for_report(session, inquiry)
    ballots = [_ballot_summary(ballot_results) for ballot_results in results]
    # Published answers only: a draft response's answers are left out.
    overview = response_summary.progress_overview(session, inquiry)
    recommendations, references = _recommendations(
        session,
        inquiry,
        {e.id: e for e in excerpts},
        attributions,
        results,
        _answer_summaries(overview),
    )
    rule_source = results[-1] if results else inquiry
    return ReportContent(
        cover=_cover(inquiry, now),
        narrative=_narrative(session, inquiry),
        sessions=_sessions(session, inquiry, rounds),
        taking_part=_taking_part(session, inquiry),
        evidence=evidence,
        themes=_themes(session, inquiry, excerpts, attributions),
        recommendations=recommendations,
        ballots=ballots,
        matrix=_matrix(results),
        appendix=Appendix(
            voting_rule=rule_source.voting_rule,
            quorum_rule=rule_source.quorum_rule,
            ballot_rules=_ballot_rules(
                ballots, [(each.voting_rule, each.quorum_rule) for each in results]
            ),
            recruitment=_recruitment(session, inquiry),
            evaluation=_evaluation(session, inquiry),
            glossary=[GlossaryEntry(term, meaning) for term, meaning in GLOSSARY],
        ),
        responses=_responses(inquiry, overview, references),
    )


# For the JSON download -----------------------------------------------------------------

# Fields left out of the JSON: the drawing (its figures are in the matrix's rows).
_NOT_IN_JSON = {"svg"}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _NOT_IN_JSON
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Markup):
        return str(value)
    return value


def as_data(content: ReportContent) -> dict[str, Any]:
    """The content as plain JSON-ready data, sections keyed as in the document."""
    return _plain(content)


__all__ = [
    "REVIEW_SECTIONS",
    "SECTIONS",
    "AnswerSummary",
    "ReportContent",
    "ResponsesSection",
    "as_data",
    "build_content",
]
