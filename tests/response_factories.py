"""The commissioner's response, progress updates and 100-day challenges made directly in
the database, for tests of the features built on them."""

from __future__ import annotations

from datetime import date, timedelta

from inquiry.extensions import db
from inquiry.models import (
    REVIEW_DAYS,
    Challenge,
    ChallengeReadiness,
    ChallengeReview,
    ChallengeStatus,
    CommissionerResponse,
    Decision,
    Inquiry,
    ProgressStatus,
    ProgressUpdate,
    ReadinessCondition,
    ReadinessRating,
    Recommendation,
    RecommendationAnswer,
    ResponseStatus,
    User,
    utcnow,
)


def make_response(
    inquiry: Inquiry,
    answers: dict[Recommendation, Decision],
    *,
    published: bool = False,
    by: User | None = None,
) -> CommissionerResponse:
    """A response answering each recommendation given with its decision."""
    now = utcnow()
    response = CommissionerResponse(
        inquiry_id=inquiry.id,
        status=ResponseStatus.PUBLISHED if published else ResponseStatus.DRAFT,
        created_at=now,
        published_at=now if published else None,
        published_by_id=by.id if (published and by) else None,
    )
    db.session.add(response)
    db.session.flush()
    for recommendation, decision in answers.items():
        db.session.add(
            RecommendationAnswer(
                response_id=response.id,
                recommendation_id=recommendation.id,
                decision=decision,
                reasons="We agree that people should not repeat their story to every visitor.",
                lead="" if decision == Decision.NOT_ACCEPTED else "Head of home care",
                target_on=None if decision == Decision.NOT_ACCEPTED else date(2027, 6, 30),
                updated_at=now,
                updated_by_id=by.id if by else None,
            )
        )
    db.session.flush()
    db.session.refresh(response)
    return response


def make_update(
    inquiry: Inquiry,
    recommendation: Recommendation,
    *,
    status: ProgressStatus = ProgressStatus.IN_PROGRESS,
    percent: int = 40,
    happened_on: date = date(2027, 3, 1),
    note: str = "Named workers are in place in two of the five neighbourhoods.",
    by: User | None = None,
) -> ProgressUpdate:
    update = ProgressUpdate(
        inquiry_id=inquiry.id,
        recommendation_id=recommendation.id,
        status=status,
        percent=percent,
        note=note,
        happened_on=happened_on,
        created_at=utcnow(),
        author_id=by.id if by else None,
    )
    db.session.add(update)
    db.session.flush()
    return update


def make_challenge(
    inquiry: Inquiry,
    recommendation: Recommendation,
    *,
    status: ChallengeStatus = ChallengeStatus.DESIGN,
    starts_on: date = date(2027, 4, 1),
    ready: bool = False,
    reviewed_days: tuple[int, ...] = (),
    by: User | None = None,
) -> Challenge:
    """A challenge; ``ready`` rates all eight conditions, ``reviewed_days`` records those
    reviews."""
    now = utcnow()
    challenge = Challenge(
        inquiry_id=inquiry.id,
        recommendation_id=recommendation.id,
        goal="Every person who starts care at home in Eastfield knows their named worker "
        "within two days.",
        sponsor="Director of Adult Social Care",
        team="Eastfield home care team, two district nurses, a carer from the carers' forum",
        starts_on=starts_on,
        status=status,
        created_at=now,
        updated_at=now,
        created_by_id=by.id if by else None,
        launched_at=now if status != ChallengeStatus.DESIGN else None,
        closed_at=now if status == ChallengeStatus.CLOSED else None,
    )
    db.session.add(challenge)
    db.session.flush()
    if ready:
        for condition in ReadinessCondition:
            db.session.add(
                ChallengeReadiness(
                    challenge_id=challenge.id,
                    condition=condition,
                    rating=ReadinessRating.IN_PLACE,
                    note="Agreed at the planning meeting.",
                )
            )
    for day in reviewed_days:
        assert day in REVIEW_DAYS
        db.session.add(
            ChallengeReview(
                challenge_id=challenge.id,
                day=day,
                held_on=starts_on + timedelta(days=day),
                note="The team met and agreed what to try next.",
                recorded_at=now,
            )
        )
    db.session.flush()
    db.session.refresh(challenge)
    return challenge
