"""Invitations to join an inquiry in a role."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import Role, enum_column


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    # Random part of the signed link; useless without the application's secret key.
    nonce: Mapped[str] = mapped_column(String(64))
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus), default=InvitationStatus.PENDING
    )
    # Profile fields given by the researcher (for example from a CSV import), copied
    # to the membership when the invitation is accepted.
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inquiry = relationship("Inquiry", lazy="joined")
    invited_by = relationship("User", foreign_keys=[invited_by_id], lazy="joined")

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def display_status(self, now: datetime) -> str:
        if self.status == InvitationStatus.PENDING and self.is_expired(now):
            return "Expired"
        return self.status.label
