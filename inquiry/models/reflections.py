"""Participants' reflections on a session's prompts, replies to them, and their history."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column


class Lens(enum.StrEnum):
    """In an inverted inquiry, whether a reflection speaks as a professional or as a person."""

    PROFESSIONAL = "professional"
    PERSONAL = "personal"

    @property
    def label(self) -> str:
        return "As a professional" if self is Lens.PROFESSIONAL else "As a person"


class Visibility(enum.StrEnum):
    COHORT = "cohort"
    RESEARCHERS = "researchers"

    @property
    def label(self) -> str:
        return "Shared with the cohort" if self is Visibility.COHORT else "Seen by researchers only"


class ReflectionStatus(enum.StrEnum):
    DRAFT = "draft"
    SHARED = "shared"


reflection_themes = Table(
    "reflection_themes",
    Base.metadata,
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Reflection(Base):
    """One participant's answer to one prompt of a session."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("prompt_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    prompt_id: Mapped[int] = mapped_column(
        ForeignKey("round_prompts.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    lens: Mapped[Lens | None] = mapped_column(enum_column(Lens))
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility), default=Visibility.COHORT
    )
    status: Mapped[ReflectionStatus] = mapped_column(
        enum_column(ReflectionStatus), default=ReflectionStatus.DRAFT
    )
    # Bumped on every save, so two tabs editing at once cannot overwrite each other.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("Membership", lazy="joined")
    prompt = relationship("RoundPrompt", lazy="joined")
    themes = relationship("Theme", secondary=reflection_themes, lazy="selectin")
    responses = relationship(
        "ReflectionResponse",
        back_populates="reflection",
        cascade="all, delete-orphan",
        order_by="ReflectionResponse.created_at",
        lazy="select",
    )


class ReflectionResponse(Base):
    """A reply to a shared reflection (one level only)."""

    __tablename__ = "reflection_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reflection = relationship("Reflection", back_populates="responses")
    author = relationship("Membership", lazy="joined")


class TextVersion(Base):
    """An earlier wording of a reflection or response, kept for researchers."""

    __tablename__ = "text_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "reflection" or "response", and its id.
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
