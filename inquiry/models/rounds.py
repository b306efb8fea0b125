"""The inquiry's ordered plan of sessions (rounds) and their prompts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column


class RoundKind(enum.StrEnum):
    INTRODUCTION = "introduction"
    EVIDENCE_HEARING = "evidence_hearing"
    REFLECTION = "reflection"
    THEMING = "theming"
    DRAFTING = "drafting"
    BALLOT = "ballot"

    @property
    def label(self) -> str:
        return ROUND_KIND_LABELS[self]

    @property
    def expectation(self) -> str:
        """What is expected of participants in a session of this kind."""
        return ROUND_KIND_EXPECTATIONS[self]


ROUND_KIND_LABELS = {
    RoundKind.INTRODUCTION: "Introduction",
    RoundKind.EVIDENCE_HEARING: "Evidence hearing",
    RoundKind.REFLECTION: "Reflection",
    RoundKind.THEMING: "Theming",
    RoundKind.DRAFTING: "Drafting recommendations",
    RoundKind.BALLOT: "Ballot",
}
ROUND_KIND_EXPECTATIONS = {
    RoundKind.INTRODUCTION: "Meet the cohort and share why the question matters to you.",
    RoundKind.EVIDENCE_HEARING: "Listen to witnesses, ask them questions and reflect on what "
    "you heard.",
    RoundKind.REFLECTION: "Write down what has stayed with you and how your thinking is changing.",
    RoundKind.THEMING: "Group what you have heard and said into themes.",
    RoundKind.DRAFTING: "Write recommendations in your own words and improve each other's.",
    RoundKind.BALLOT: "Vote on the recommendations and say how certain you are they would work.",
}


class RoundStatus(enum.StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class Round(Base):
    """One session of the inquiry. Called a round in code, a session on screen."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[RoundKind] = mapped_column(enum_column(RoundKind))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date | None] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RoundStatus] = mapped_column(
        enum_column(RoundStatus), default=RoundStatus.PLANNED
    )
    # A participant sees others' shared reflections only once they have shared their own.
    reveal_after_submitting: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prompts = relationship(
        "RoundPrompt",
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="RoundPrompt.position",
        lazy="selectin",
    )


class RoundPrompt(Base):
    """A question participants answer in their reflections for the session."""

    __tablename__ = "round_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # Asks how the participant's thinking changed since the last session, so the report
    # can show how views moved.
    asks_about_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    round = relationship("Round", back_populates="prompts")
