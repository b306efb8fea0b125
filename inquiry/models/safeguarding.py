"""Safeguarding concerns researchers raise about a contribution. Researchers only."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    FOLLOWED_UP = "followed_up"

    @property
    def label(self) -> str:
        return "Open" if self is FlagStatus.OPEN else "Followed up"


class SafeguardingFlag(Base):
    __tablename__ = "safeguarding_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    # What the concern is about: "testimony" or "reflection", and its id.
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[FlagStatus] = mapped_column(enum_column(FlagStatus), default=FlagStatus.OPEN)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    raised_by = relationship("User", lazy="joined")
