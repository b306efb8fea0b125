"""Accountability after the report: the commissioner's response to each recommendation,
progress updates ("you said, we did") and 100-day challenges."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column

# The commissioner's response ----------------------------------------------------------


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_IN_PART = "accepted_in_part"
    NOT_ACCEPTED = "not_accepted"
    FURTHER_WORK = "further_work"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    Decision.ACCEPTED: "Accepted",
    Decision.ACCEPTED_IN_PART: "Accepted in part",
    Decision.NOT_ACCEPTED: "Not accepted",
    Decision.FURTHER_WORK: "Needs further work",
}


class ResponseStatus(enum.StrEnum):
    DRAFT = "draft"  # commissioners of the inquiry only
    PUBLISHED = "published"  # every member; answers are fixed from then on

    @property
    def label(self) -> str:
        return {"draft": "Draft", "published": "Published"}[self.value]


class CommissionerResponse(Base):
    """One per inquiry: the commissioner's whole response, drafted answer by answer and
    published at once."""

    __tablename__ = "commissioner_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[ResponseStatus] = mapped_column(
        enum_column(ResponseStatus), default=ResponseStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    answers: Mapped[list[RecommendationAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_published(self) -> bool:
        return self.status == ResponseStatus.PUBLISHED


class RecommendationAnswer(Base):
    """The commissioner's answer to one recommendation."""

    __tablename__ = "recommendation_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("commissioner_responses.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), unique=True
    )
    decision: Mapped[Decision] = mapped_column(enum_column(Decision))
    reasons: Mapped[str] = mapped_column(Text, default="")
    # Who will lead the work: a person, a team or an organisation.
    lead: Mapped[str] = mapped_column(String(200), default="")
    target_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    response: Mapped[CommissionerResponse] = relationship(back_populates="answers")


# Progress ------------------------------------------------------------------------------


class ProgressStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"  # with the reasons in the update's note

    @property
    def label(self) -> str:
        return PROGRESS_STATUS_LABELS[self]


PROGRESS_STATUS_LABELS = {
    ProgressStatus.NOT_STARTED: "Not started",
    ProgressStatus.IN_PROGRESS: "In progress",
    ProgressStatus.DONE: "Done",
    ProgressStatus.DROPPED: "Dropped",
}


class ProgressUpdate(Base):
    """One dated update on the work following a recommendation. Updates are added, never
    changed: together they are the recommendation's timeline."""

    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ProgressStatus] = mapped_column(enum_column(ProgressStatus))
    percent: Mapped[int] = mapped_column(Integer, default=0)
    # What happened; for a dropped recommendation, why it was dropped.
    note: Mapped[str] = mapped_column(Text, default="")
    # The day the update describes (the date the commissioner gives).
    happened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# 100-day challenges ----------------------------------------------------------------------


class ChallengeStatus(enum.StrEnum):
    DESIGN = "design"  # goal, team and readiness being worked out
    LIVE = "live"  # the 100 days are running
    CLOSED = "closed"  # finished, with an outcome

    @property
    def label(self) -> str:
        return {"design": "Being designed", "live": "Live", "closed": "Finished"}[self.value]


class ChallengeOutcome(enum.StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return {
            "met": "Goal met",
            "partly_met": "Goal partly met",
            "not_met": "Goal not met",
        }[self.value]


class ReadinessCondition(enum.StrEnum):
    """Nesta's eight conditions for a 100-day challenge, in their usual order."""

    GOALS = "goals"
    DATA = "data"
    EXPERIMENTATION = "experimentation"
    URGENCY = "urgency"
    SPONSORSHIP = "sponsorship"
    PERMISSION = "permission"
    TEAMS = "teams"
    COACHING = "coaching"

    @property
    def label(self) -> str:
        return READINESS_CONDITIONS[self][0]

    @property
    def question(self) -> str:
        return READINESS_CONDITIONS[self][1]


READINESS_CONDITIONS = {
    ReadinessCondition.GOALS: (
        "Goals",
        "Is there an ambitious, specific goal that the team owns?",
    ),
    ReadinessCondition.DATA: (
        "Data",
        "Can the team measure where things are now and see change week by week?",
    ),
    ReadinessCondition.EXPERIMENTATION: (
        "Experimentation",
        "Can the team try new ways of working quickly and learn from what fails?",
    ),
    ReadinessCondition.URGENCY: (
        "Urgency",
        "Do people feel that this needs to change now?",
    ),
    ReadinessCondition.SPONSORSHIP: (
        "Sponsorship",
        "Is there a senior sponsor who will clear the way and act on what is learned?",
    ),
    ReadinessCondition.PERMISSION: (
        "Permission",
        "Does the team have permission to work differently, and the time to do it?",
    ),
    ReadinessCondition.TEAMS: (
        "Diverse place-based teams",
        "Does the team bring together the people who work in one place, across "
        "organisations, including frontline staff and people who use services?",
    ),
    ReadinessCondition.COACHING: (
        "Coaching mindsets and behaviours",
        "Will leaders coach and support the team rather than direct it?",
    ),
}


class ReadinessRating(enum.StrEnum):
    NOT_IN_PLACE = "not_in_place"
    PARTLY_IN_PLACE = "partly_in_place"
    IN_PLACE = "in_place"

    @property
    def label(self) -> str:
        return {
            "not_in_place": "Not in place",
            "partly_in_place": "Partly in place",
            "in_place": "In place",
        }[self.value]


# The reviews of a challenge, by the day after its start they are held on.
REVIEW_DAYS = (0, 50, 100)


class Challenge(Base):
    """A 100-day challenge testing one recommendation: frontline teams try to meet an
    ambitious goal in 100 days, reviewed on day 0, day 50 and day 100."""

    __tablename__ = "challenges"
    __table_args__ = (UniqueConstraint("recommendation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE")
    )
    goal: Mapped[str] = mapped_column(Text)
    sponsor: Mapped[str] = mapped_column(String(200))
    # Who is in the team: names, roles or organisations, as the team wants them shown.
    team: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ChallengeStatus] = mapped_column(
        enum_column(ChallengeStatus), default=ChallengeStatus.DESIGN
    )
    outcome: Mapped[ChallengeOutcome | None] = mapped_column(enum_column(ChallengeOutcome))
    outcome_summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    readiness: Mapped[list[ChallengeReadiness]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", lazy="selectin"
    )
    reviews: Mapped[list[ChallengeReview]] = relationship(
        back_populates="challenge",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ChallengeReview.day",
    )


class ChallengeReadiness(Base):
    """How ready the challenge is against one of the eight conditions."""

    __tablename__ = "challenge_readiness"
    __table_args__ = (UniqueConstraint("challenge_id", "condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    condition: Mapped[ReadinessCondition] = mapped_column(enum_column(ReadinessCondition))
    rating: Mapped[ReadinessRating] = mapped_column(enum_column(ReadinessRating))
    note: Mapped[str] = mapped_column(Text, default="")

    challenge: Mapped[Challenge] = relationship(back_populates="readiness")


class ChallengeReview(Base):
    """What was found at the day 0, day 50 or day 100 review."""

    __tablename__ = "challenge_reviews"
    __table_args__ = (UniqueConstraint("challenge_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    day: Mapped[int] = mapped_column(Integer)  # one of REVIEW_DAYS
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    challenge: Mapped[Challenge] = relationship(back_populates="reviews")
