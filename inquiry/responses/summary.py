"""Reading the commissioner's response, progress and challenges in one place: which
recommendations need an answer, whether the response is due or overdue, and the
progress overview that the progress page, the inquiry's overview and the report share.

Everything here reads; nothing writes. The number of queries does not grow with the
number of recommendations, updates or challenges.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from ..formatting import UK
from ..models import (
    Challenge,
    ChallengeStatus,
    CommissionerResponse,
    Inquiry,
    ProgressStatus,
    ProgressUpdate,
    Recommendation,
    RecommendationAnswer,
    RecommendationStatus,
)

# The recommendations the cohort put to the vote.
VOTED = (RecommendationStatus.ADOPTED, RecommendationStatus.NOT_ADOPTED)


def _by_number(recommendation: Recommendation) -> tuple:
    return (recommendation.number is None, recommendation.number or 0, recommendation.id)


def recommendations_to_answer(session: Session, inquiry: Inquiry) -> list[Recommendation]:
    """The recommendations the commissioner answers, in the report's order: those the
    cohort adopted; when the ballot adopted none (for example the quorum was not met),
    every recommendation put to the vote, so the response still answers the cohort."""
    voted = session.scalars(
        select(Recommendation)
        .where(Recommendation.inquiry_id == inquiry.id, Recommendation.status.in_(VOTED))
        .options(
            lazyload(Recommendation.author),
            lazyload(Recommendation.excerpts),
            lazyload(Recommendation.themes),
        )
    ).all()
    adopted = [r for r in voted if r.status == RecommendationStatus.ADOPTED]
    return sorted(adopted or voted, key=_by_number)


def response_of(session: Session, inquiry: Inquiry) -> CommissionerResponse | None:
    """The inquiry's response, draft or published (answers load with it)."""
    return session.scalar(
        select(CommissionerResponse).where(CommissionerResponse.inquiry_id == inquiry.id)
    )


def published_response(session: Session, inquiry: Inquiry) -> CommissionerResponse | None:
    response = response_of(session, inquiry)
    return response if response is not None and response.is_published else None


# The due date ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due_on: date | None
    published_on: date | None
    # Past the due date and not yet published.
    overdue: bool
    days_overdue: int
    # Published after the due date.
    published_late: bool

    @property
    def published(self) -> bool:
        return self.published_on is not None


def deadline(inquiry: Inquiry, response: CommissionerResponse | None, *, today: date) -> Deadline:
    """Whether the response is due, on time or overdue, on ``today`` (UK date)."""
    due = inquiry.response_due_on
    published_on = None
    if response is not None and response.is_published and response.published_at is not None:
        # The UK day it was published, which the due date is counted in.
        published_at = response.published_at
        if published_at.tzinfo is None:
            published_at = published_at.replace(tzinfo=UTC)
        published_on = published_at.astimezone(UK).date()
    overdue = due is not None and published_on is None and today > due
    return Deadline(
        due_on=due,
        published_on=published_on,
        overdue=overdue,
        days_overdue=(today - due).days if overdue and due is not None else 0,
        published_late=due is not None and published_on is not None and published_on > due,
    )


# Progress ----------------------------------------------------------------------------------


def mean_percent(percents: list[int]) -> int | None:
    """The overall progress: the mean of the recommendations' progress, rounded half up to
    a whole percentage; None when there is nothing to average."""
    if not percents:
        return None
    total, count = sum(percents), len(percents)
    return (2 * total + count) // (2 * count)


@dataclass
class ProgressEntry:
    recommendation: Recommendation
    answer: RecommendationAnswer | None
    # Newest first: the timeline of the work.
    updates: list[ProgressUpdate] = field(default_factory=list)
    challenge: Challenge | None = None

    @property
    def latest(self) -> ProgressUpdate | None:
        return self.updates[0] if self.updates else None

    @property
    def status(self) -> ProgressStatus:
        return self.latest.status if self.latest else ProgressStatus.NOT_STARTED

    @property
    def percent(self) -> int:
        return self.latest.percent if self.latest else 0


@dataclass
class ProgressOverview:
    response: CommissionerResponse | None
    entries: list[ProgressEntry]

    @property
    def published(self) -> bool:
        return self.response is not None and self.response.is_published

    @property
    def overall_percent(self) -> int | None:
        """The mean of every answered recommendation's latest percentage (0 before its first
        update); None before the response is published."""
        if not self.published:
            return None
        return mean_percent([entry.percent for entry in self.entries])

    def count(self, status: ProgressStatus) -> int:
        return sum(1 for entry in self.entries if entry.status == status)

    @property
    def challenges(self) -> list[Challenge]:
        return [entry.challenge for entry in self.entries if entry.challenge is not None]

    @property
    def live_challenges(self) -> int:
        return sum(1 for c in self.challenges if c.status == ChallengeStatus.LIVE)


def progress_overview(
    session: Session, inquiry: Inquiry, *, include_draft_answers: bool = False
) -> ProgressOverview:
    """Every recommendation to answer with its answer, its updates (newest first) and its
    challenge. Answers of a draft response are left out unless ``include_draft_answers``
    (for the commissioners drafting it)."""
    recommendations = recommendations_to_answer(session, inquiry)
    response = response_of(session, inquiry)
    answers: dict[int, RecommendationAnswer] = {}
    shown = response is not None and (response.is_published or include_draft_answers)
    if shown:
        answers = {answer.recommendation_id: answer for answer in response.answers}
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    challenges: dict[int, Challenge] = {}
    if recommendations:
        for update in session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.inquiry_id == inquiry.id)
            .order_by(
                ProgressUpdate.happened_on.desc(),
                ProgressUpdate.created_at.desc(),
                ProgressUpdate.id.desc(),
            )
        ):
            updates[update.recommendation_id].append(update)
        for challenge in session.scalars(
            select(Challenge).where(Challenge.inquiry_id == inquiry.id)
        ):
            challenges[challenge.recommendation_id] = challenge
    entries = [
        ProgressEntry(
            recommendation=recommendation,
            answer=answers.get(recommendation.id),
            updates=updates.get(recommendation.id, []),
            challenge=challenges.get(recommendation.id),
        )
        for recommendation in recommendations
    ]
    return ProgressOverview(response=response, entries=entries)
