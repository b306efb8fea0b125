"""Versioned consent texts and who agreed to which version, when."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column


class ConsentAudience(enum.StrEnum):
    PARTICIPANT = "participant"
    WITNESS = "witness"

    @property
    def label(self) -> str:
        return "Participants" if self is ConsentAudience.PARTICIPANT else "Witnesses"


class ConsentText(Base):
    """One version of the information and consent text for an audience.

    Texts are never edited: a change is a new version, and members must agree again.
    """

    __tablename__ = "consent_texts"
    __table_args__ = (UniqueConstraint("inquiry_id", "audience", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[ConsentAudience] = mapped_column(enum_column(ConsentAudience))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User", lazy="joined")


class ConsentRecord(Base):
    """A member's agreement to one version of a consent text."""

    __tablename__ = "consent_records"
    __table_args__ = (UniqueConstraint("consent_text_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_text_id: Mapped[int] = mapped_column(
        ForeignKey("consent_texts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consent_text = relationship("ConsentText", lazy="joined")
