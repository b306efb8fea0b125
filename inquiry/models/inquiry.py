"""Inquiries and the roles people hold in them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


def enum_column(enum_class: type[enum.Enum], length: int = 20) -> Enum:
    """A portable enum: a plain string column holding the member's value."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Role(enum.StrEnum):
    RESEARCHER = "researcher"
    PARTICIPANT = "participant"
    WITNESS = "witness"
    COMMISSIONER = "commissioner"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def plural(self) -> str:
        return ROLE_PLURALS[self]


ROLE_LABELS = {
    Role.RESEARCHER: "Researcher",
    Role.PARTICIPANT: "Participant",
    Role.WITNESS: "Witness",
    Role.COMMISSIONER: "Commissioner",
    Role.OBSERVER: "Observer",
}
ROLE_PLURALS = {
    Role.RESEARCHER: "Researchers",
    Role.PARTICIPANT: "Participants",
    Role.WITNESS: "Witnesses",
    Role.COMMISSIONER: "Commissioners",
    Role.OBSERVER: "Observers",
}


class InquiryStatus(enum.StrEnum):
    DRAFT = "draft"
    RECRUITING = "recruiting"
    IN_SESSION = "in_session"
    VOTING = "voting"
    REPORTING = "reporting"
    PUBLISHED = "published"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class MembershipStatus(enum.StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Inquiry(Base):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[InquiryStatus] = mapped_column(
        enum_column(InquiryStatus), default=InquiryStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    memberships = relationship(
        "Membership", back_populates="inquiry", cascade="all, delete-orphan", lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Inquiry {self.id}>"


class Membership(Base):
    """One person's single role in one inquiry."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("inquiry_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus), default=MembershipStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inquiry = relationship("Inquiry", back_populates="memberships", lazy="joined")
    user = relationship("User", back_populates="memberships", lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE
