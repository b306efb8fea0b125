"""100-day challenges: frontline teams test a recommendation in 100 days with an
ambitious goal, after checking readiness against Nesta's eight conditions.

A challenge moves from design to live to closed:

- **Design**: the goal, sponsor, team and start date are worked out and can all change;
  readiness is rated against the eight conditions. It can be launched once all eight
  are rated (the start date may still be ahead).
- **Live**: the 100 days are running, with reviews due on day 0, day 50 and day 100 after
  the start date. The sponsor and the team may change (people move on), but the goal and
  the start date may not: the goal is what the challenge is judged against, and the
  reviews are scheduled from the start date. Readiness can be rated again.
- **Closed**: finished with an outcome (goal met, partly met or not met) and a summary.
  Nothing changes after that, reviews included: record the day 100 review before
  finishing. A closed challenge is the record of what happened.

A new challenge cannot start once the inquiry is closed; one already started can still
run its 100 days to the end, since they often run after the inquiry has ended.

Services flush, never commit, and raise ``ChallengeError`` with a message to show; its
``field`` names the form field the message belongs next to, when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit.service import record
from ..formatting import uk_date, uk_today
from ..models import (
    REVIEW_DAYS,
    Challenge,
    ChallengeOutcome,
    ChallengeReadiness,
    ChallengeReview,
    ChallengeStatus,
    Inquiry,
    InquiryStatus,
    ReadinessCondition,
    ReadinessRating,
    Recommendation,
    User,
)
from ..personal_data.export import register_section, row
from ..responses.summary import recommendations_to_answer

MAX_GOAL_LENGTH = 2000
MAX_SPONSOR_LENGTH = 200
MAX_TEAM_LENGTH = 2000
MAX_READINESS_NOTE_LENGTH = 2000
MAX_REVIEW_NOTE_LENGTH = 5000
MAX_SUMMARY_LENGTH = 5000

# How long a challenge runs: its last review is on this day after the start date.
LENGTH_IN_DAYS = REVIEW_DAYS[-1]


class ChallengeError(Exception):
    """Something a challenge cannot do now; ``message`` says why, in plain English."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Finding --------------------------------------------------------------------------------


def recommendation_numbered(
    session: Session, inquiry: Inquiry, number: int
) -> Recommendation | None:
    """The recommendation to answer with this number (R3 -> 3), or None."""
    return next(
        (r for r in recommendations_to_answer(session, inquiry) if r.number == number), None
    )


def challenge_of(session: Session, inquiry: Inquiry, challenge_id: int) -> Challenge | None:
    """The inquiry's challenge with this id; None for another inquiry's."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or challenge.inquiry_id != inquiry.id:
        return None
    return challenge


def challenge_for(session: Session, recommendation: Recommendation) -> Challenge | None:
    return session.scalar(select(Challenge).where(Challenge.recommendation_id == recommendation.id))


def recommendation_of(session: Session, challenge: Challenge) -> Recommendation:
    recommendation = session.get(Recommendation, challenge.recommendation_id)
    assert recommendation is not None  # the challenge goes when its recommendation goes
    return recommendation


def name_of(recommendation: Recommendation) -> str:
    """How messages name a recommendation: "R3", or its title before it was numbered."""
    return recommendation.reference or recommendation.title


# Reading a challenge ------------------------------------------------------------------------


class ScheduledReview(NamedTuple):
    day: int
    due_on: date
    review: ChallengeReview | None

    @property
    def title(self) -> str:
        return f"Day {self.day} review"


def review_schedule(challenge: Challenge) -> list[ScheduledReview]:
    """The day 0, day 50 and day 100 reviews: when each falls due (counted from the start
    date) and what was recorded, if anything."""
    recorded = {review.day: review for review in challenge.reviews}
    return [
        ScheduledReview(day, challenge.starts_on + timedelta(days=day), recorded.get(day))
        for day in REVIEW_DAYS
    ]


def ends_on(challenge: Challenge) -> date:
    return challenge.starts_on + timedelta(days=LENGTH_IN_DAYS)


class ReadinessRow(NamedTuple):
    condition: ReadinessCondition
    rating: ChallengeReadiness | None


def readiness_rows(challenge: Challenge) -> list[ReadinessRow]:
    """Each of the eight conditions, in the usual order, with its rating if it has one."""
    rated = {row.condition: row for row in challenge.readiness}
    return [ReadinessRow(condition, rated.get(condition)) for condition in ReadinessCondition]


def is_ready_to_launch(challenge: Challenge) -> bool:
    """All eight conditions are rated (whatever the ratings)."""
    return {row.condition for row in challenge.readiness} >= set(ReadinessCondition)


def not_in_place(challenge: Challenge) -> list[ReadinessCondition]:
    """The conditions rated "Not in place", in the usual order."""
    missing = {
        row.condition for row in challenge.readiness if row.rating == ReadinessRating.NOT_IN_PLACE
    }
    return [condition for condition in ReadinessCondition if condition in missing]


@dataclass(frozen=True)
class Progress:
    """Where a live challenge is in its 100 days, on a given day."""

    day: int  # days since the start; negative before it
    next_review: ScheduledReview | None  # the first review not yet recorded

    @property
    def started(self) -> bool:
        return self.day >= 0


def progress_of(challenge: Challenge, *, today: date) -> Progress:
    schedule = review_schedule(challenge)
    return Progress(
        day=(today - challenge.starts_on).days,
        next_review=next((item for item in schedule if item.review is None), None),
    )


# Checks shared by the services ---------------------------------------------------------------


def _required(value: str, *, message: str, field: str, max_length: int, subject: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ChallengeError(message, field=field)
    if len(value) > max_length:
        raise ChallengeError(f"{subject} must be {max_length:,} characters or fewer", field=field)
    return value


def _check_design(goal: str, sponsor: str, team: str, starts_on: date | None) -> tuple:
    goal = _required(
        goal, message="Enter the goal", field="goal", max_length=MAX_GOAL_LENGTH, subject="Goal"
    )
    sponsor = " ".join((sponsor or "").split())
    sponsor = _required(
        sponsor,
        message="Enter the sponsor",
        field="sponsor",
        max_length=MAX_SPONSOR_LENGTH,
        subject="Sponsor",
    )
    team = _required(
        team,
        message="Enter who is in the team",
        field="team",
        max_length=MAX_TEAM_LENGTH,
        subject="Team",
    )
    if starts_on is None:
        raise ChallengeError("Enter the start date", field="starts_on")
    return goal, sponsor, team, starts_on


def _refuse_if_closed(challenge: Challenge, message: str) -> None:
    if challenge.status == ChallengeStatus.CLOSED:
        raise ChallengeError(message)


FINISHED = "This challenge is finished, so it cannot change."


# Starting and changing -------------------------------------------------------------------


def why_cannot_start(
    session: Session, inquiry: Inquiry, recommendation: Recommendation
) -> str | None:
    """Why a challenge cannot start for this recommendation now, or None."""
    if inquiry.status == InquiryStatus.CLOSED:
        return "The inquiry is closed, so no new 100-day challenge can start."
    if recommendation.inquiry_id != inquiry.id or recommendation not in recommendations_to_answer(
        session, inquiry
    ):
        return (
            f"{name_of(recommendation)} is not one of the recommendations the commissioner "
            "answers, so a 100-day challenge cannot start from it."
        )
    if challenge_for(session, recommendation) is not None:
        return f"{name_of(recommendation)} already has a 100-day challenge."
    return None


def start_challenge(
    session: Session,
    inquiry: Inquiry,
    recommendation: Recommendation,
    *,
    goal: str,
    sponsor: str,
    team: str,
    starts_on: date | None,
    actor: User,
    now: datetime,
) -> Challenge:
    """Start designing a challenge for one of the recommendations to answer (the
    response need not be published). At most one per recommendation."""
    reason = why_cannot_start(session, inquiry, recommendation)
    if reason is not None:
        raise ChallengeError(reason)
    goal, sponsor, team, starts_on = _check_design(goal, sponsor, team, starts_on)
    challenge = Challenge(
        inquiry_id=inquiry.id,
        recommendation_id=recommendation.id,
        goal=goal,
        sponsor=sponsor,
        team=team,
        starts_on=starts_on,
        status=ChallengeStatus.DESIGN,
        created_at=now,
        created_by_id=actor.id,
        updated_at=now,
    )
    try:
        # Someone else may have started one in the meantime: the database says so.
        with session.begin_nested():
            session.add(challenge)
            session.flush()
    except IntegrityError:
        raise ChallengeError(
            f"{name_of(recommendation)} already has a 100-day challenge."
        ) from None
    record(
        session,
        "challenge.started",
        actor=actor,
        inquiry=inquiry,
        object_type="challenge",
        object_id=challenge.id,
        recommendation=name_of(recommendation),
    )
    return challenge


def change_challenge(
    session: Session,
    challenge: Challenge,
    *,
    goal: str,
    sponsor: str,
    team: str,
    starts_on: date | None,
    actor: User,
    now: datetime,
) -> list[str]:
    """Change the goal, sponsor, team and start date while the challenge is being
    designed; once live, only the sponsor and the team. Returns the names of the fields
    that changed (none: nothing is saved or recorded)."""
    _refuse_if_closed(challenge, FINISHED)
    goal, sponsor, team, starts_on = _check_design(goal, sponsor, team, starts_on)
    if challenge.status == ChallengeStatus.LIVE:
        if goal != challenge.goal:
            raise ChallengeError("The goal cannot change once the challenge is live", field="goal")
        if starts_on != challenge.starts_on:
            raise ChallengeError(
                "The start date cannot change once the challenge is live", field="starts_on"
            )
    values = {"goal": goal, "sponsor": sponsor, "team": team, "starts_on": starts_on}
    changed = [name for name, value in values.items() if getattr(challenge, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(challenge, name, values[name])
    challenge.updated_at = now
    session.flush()
    record(
        session,
        "challenge.changed",
        actor=actor,
        inquiry=_inquiry(session, challenge),
        object_type="challenge",
        object_id=challenge.id,
        fields=changed,
    )
    return changed


def _inquiry(session: Session, challenge: Challenge) -> Inquiry:
    inquiry = session.get(Inquiry, challenge.inquiry_id)
    assert inquiry is not None
    return inquiry


# Readiness -------------------------------------------------------------------------------------


def rate_readiness(
    session: Session,
    challenge: Challenge,
    *,
    ratings: dict[ReadinessCondition, tuple[ReadinessRating | None, str]],
    actor: User,
    now: datetime,
) -> None:
    """Rate all eight conditions at once, each with an optional note; a condition "Not in
    place" needs a note saying what is missing. Allowed while designing and while live."""
    _refuse_if_closed(challenge, FINISHED)
    checked: dict[ReadinessCondition, tuple[ReadinessRating, str]] = {}
    for condition in ReadinessCondition:
        rating, note = ratings.get(condition, (None, ""))
        note = (note or "").strip()
        if rating is None:
            raise ChallengeError(
                f"Select a rating for {condition.label}", field=f"{condition.value}_rating"
            )
        if rating == ReadinessRating.NOT_IN_PLACE and not note:
            raise ChallengeError(
                f"Say what is missing for {condition.label}", field=f"{condition.value}_note"
            )
        if len(note) > MAX_READINESS_NOTE_LENGTH:
            raise ChallengeError(
                f"Notes on {condition.label.lower()} must be "
                f"{MAX_READINESS_NOTE_LENGTH:,} characters or fewer",
                field=f"{condition.value}_note",
            )
        checked[condition] = (rating, note)
    existing = {row.condition: row for row in challenge.readiness}
    for condition, (rating, note) in checked.items():
        row_ = existing.get(condition)
        if row_ is None:
            challenge.readiness.append(
                ChallengeReadiness(condition=condition, rating=rating, note=note)
            )
        else:
            row_.rating, row_.note = rating, note
    challenge.updated_at = now
    session.flush()
    record(
        session,
        "challenge.readiness_rated",
        actor=actor,
        inquiry=_inquiry(session, challenge),
        object_type="challenge",
        object_id=challenge.id,
        ratings={condition.value: rating.value for condition, (rating, _) in checked.items()},
    )


# Launching, reviews and finishing ---------------------------------------------------------------


def why_cannot_launch(challenge: Challenge) -> str | None:
    if challenge.status == ChallengeStatus.LIVE:
        return "This challenge is already live."
    if challenge.status == ChallengeStatus.CLOSED:
        return FINISHED
    if not is_ready_to_launch(challenge):
        return "Check readiness against all eight conditions before you launch the challenge."
    return None


def launch(session: Session, challenge: Challenge, *, actor: User, now: datetime) -> None:
    """Design -> live, once all eight conditions are rated. The start date may be ahead:
    the reviews fall due on the start date and 50 and 100 days after it."""
    reason = why_cannot_launch(challenge)
    if reason is not None:
        raise ChallengeError(reason)
    challenge.status = ChallengeStatus.LIVE
    challenge.launched_at = now
    challenge.updated_at = now
    session.flush()
    record(
        session,
        "challenge.launched",
        actor=actor,
        inquiry=_inquiry(session, challenge),
        object_type="challenge",
        object_id=challenge.id,
    )


def why_no_reviews(challenge: Challenge) -> str | None:
    """Why reviews cannot be recorded now, or None while the challenge is live."""
    if challenge.status == ChallengeStatus.DESIGN:
        return "Launch the challenge before you record its reviews."
    if challenge.status == ChallengeStatus.CLOSED:
        return "This challenge is finished, so its reviews cannot change."
    return None


def record_review(
    session: Session,
    challenge: Challenge,
    day: int,
    *,
    held_on: date | None,
    note: str,
    actor: User,
    now: datetime,
) -> ChallengeReview:
    """Record what the day 0, 50 or 100 review found, while the challenge is live. The
    date it was held is not in the future nor before the start date. Recording a review
    again replaces what was recorded."""
    if day not in REVIEW_DAYS:
        raise ChallengeError("A challenge has reviews on day 0, day 50 and day 100 only.")
    reason = why_no_reviews(challenge)
    if reason is not None:
        raise ChallengeError(reason)
    if held_on is None:
        raise ChallengeError("Enter the date the review was held", field="held_on")
    if held_on > uk_today(now):
        raise ChallengeError("Date held must be today or in the past", field="held_on")
    if held_on < challenge.starts_on:
        raise ChallengeError(
            f"Date held must be on or after the start date, {uk_date(challenge.starts_on)}",
            field="held_on",
        )
    note = _required(
        note,
        message="Enter what the review found",
        field="note",
        max_length=MAX_REVIEW_NOTE_LENGTH,
        subject="What the review found",
    )
    review = next((r for r in challenge.reviews if r.day == day), None)
    replaced = review is not None
    if review is None:
        review = ChallengeReview(day=day)
        challenge.reviews.append(review)
    review.held_on = held_on
    review.note = note
    review.recorded_at = now
    review.recorded_by_id = actor.id
    challenge.updated_at = now
    session.flush()
    record(
        session,
        "challenge.reviewed",
        actor=actor,
        inquiry=_inquiry(session, challenge),
        object_type="challenge",
        object_id=challenge.id,
        day=day,
        replaced=replaced,
    )
    return review


def why_cannot_close(challenge: Challenge) -> str | None:
    if challenge.status == ChallengeStatus.DESIGN:
        return "Launch the challenge before you finish it."
    if challenge.status == ChallengeStatus.CLOSED:
        return "This challenge is already finished."
    return None


def close(
    session: Session,
    challenge: Challenge,
    *,
    outcome: ChallengeOutcome | None,
    summary: str,
    actor: User,
    now: datetime,
) -> None:
    """Live -> closed, with the outcome and a summary of what happened."""
    reason = why_cannot_close(challenge)
    if reason is not None:
        raise ChallengeError(reason)
    if outcome is None:
        raise ChallengeError("Select whether the goal was met", field="outcome")
    summary = _required(
        summary,
        message="Enter a summary of what happened",
        field="summary",
        max_length=MAX_SUMMARY_LENGTH,
        subject="Summary",
    )
    challenge.status = ChallengeStatus.CLOSED
    challenge.outcome = outcome
    challenge.outcome_summary = summary
    challenge.closed_at = now
    challenge.updated_at = now
    session.flush()
    record(
        session,
        "challenge.closed",
        actor=actor,
        inquiry=_inquiry(session, challenge),
        object_type="challenge",
        object_id=challenge.id,
        outcome=outcome.value,
    )


# A person's own data -------------------------------------------------------------------------


def personal_data(session: Session, user: User) -> dict[str, list[dict]]:
    """For the person's data download: the challenges they started and the reviews they
    recorded."""
    started = session.scalars(
        select(Challenge).where(Challenge.created_by_id == user.id).order_by(Challenge.id)
    ).all()
    reviews = session.scalars(
        select(ChallengeReview)
        .where(ChallengeReview.recorded_by_id == user.id)
        .order_by(ChallengeReview.challenge_id, ChallengeReview.day)
    ).all()
    if not started and not reviews:
        return {}
    return {
        "challenges_you_started": [
            {
                **row(challenge),
                "readiness": [
                    row(rating, exclude=("id", "challenge_id")) for rating in challenge.readiness
                ],
            }
            for challenge in started
        ],
        "reviews_you_recorded": [row(review, exclude=("id",)) for review in reviews],
    }


register_section("challenges", personal_data)
