"""Witness testimony, its attachments, and the excerpts and themes drawn from it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column


class TestimonyStatus(enum.StrEnum):
    DRAFT = "draft"  # being written by the witness, seen by nobody else
    AWAITING_REVIEW = "awaiting_review"  # recorded by a researcher, for the witness to check
    CHANGES_REQUESTED = "changes_requested"  # the witness asked the researcher to change it
    APPROVED = "approved"  # the cohort can read it
    WITHDRAWN = "withdrawn"  # erased at the witness's request; only this row remains

    @property
    def label(self) -> str:
        return TESTIMONY_STATUS_LABELS[self]


TESTIMONY_STATUS_LABELS = {
    TestimonyStatus.DRAFT: "Draft",
    TestimonyStatus.AWAITING_REVIEW: "Awaiting witness review",
    TestimonyStatus.CHANGES_REQUESTED: "Changes requested",
    TestimonyStatus.APPROVED: "Approved",
    TestimonyStatus.WITHDRAWN: "Withdrawn",
}


class TestimonyFormat(enum.StrEnum):
    SPOKEN = "spoken"
    WRITTEN = "written"
    TRANSCRIBED = "transcribed"

    @property
    def label(self) -> str:
        return {
            TestimonyFormat.SPOKEN: "Spoken in a session",
            TestimonyFormat.WRITTEN: "Written",
            TestimonyFormat.TRANSCRIBED: "Transcribed from audio or video",
        }[self]


class TestimonyUse(enum.StrEnum):
    """How the witness allows the testimony to be used; the first is the most private."""

    COHORT_ONLY = "cohort_only"
    QUOTE_ANONYMOUSLY = "quote_anonymously"
    QUOTE_WITH_NAME = "quote_with_name"

    @property
    def label(self) -> str:
        return {
            TestimonyUse.COHORT_ONLY: "Shared with the cohort only",
            TestimonyUse.QUOTE_ANONYMOUSLY: "Quoted in the report anonymously",
            TestimonyUse.QUOTE_WITH_NAME: "Quoted in the report with my chosen name",
        }[self]

    @property
    def allows_quoting(self) -> bool:
        return self is not TestimonyUse.COHORT_ONLY


class Testimony(Base):
    __tablename__ = "testimonies"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), index=True
    )
    witness_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), default="")
    # None once withdrawn: the words are erased, not hidden.
    body: Mapped[str | None] = mapped_column(Text)
    format: Mapped[TestimonyFormat] = mapped_column(
        enum_column(TestimonyFormat), default=TestimonyFormat.WRITTEN
    )
    given_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[TestimonyStatus] = mapped_column(
        enum_column(TestimonyStatus), default=TestimonyStatus.DRAFT
    )
    use: Mapped[TestimonyUse] = mapped_column(
        enum_column(TestimonyUse), default=TestimonyUse.COHORT_ONLY
    )
    # What the witness asked the researcher to change (erased with the testimony).
    change_request: Mapped[str | None] = mapped_column(Text)
    # Bumped on every edit, so two people editing at once cannot overwrite each other.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    use_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    witness = relationship("Membership", lazy="joined")
    round = relationship("Round", lazy="joined")
    attachments = relationship(
        "TestimonyAttachment",
        back_populates="testimony",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="TestimonyAttachment.id",
    )
    excerpts = relationship(
        "Excerpt", back_populates="testimony", cascade="all, delete-orphan", lazy="select"
    )


class TestimonyAttachment(Base):
    """A file kept outside the web root under a random name; served only to those allowed."""

    __tablename__ = "testimony_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    storage_name: Mapped[str] = mapped_column(String(100), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    testimony = relationship("Testimony", back_populates="attachments")


class Theme(Base):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("inquiry_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


excerpt_themes = Table(
    "excerpt_themes",
    Base.metadata,
    Column("excerpt_id", ForeignKey("excerpts.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Excerpt(Base):
    """A quotable span of approved testimony. It carries the testimony's consent."""

    __tablename__ = "excerpts"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    testimony_id: Mapped[int] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    testimony = relationship("Testimony", back_populates="excerpts", lazy="joined")
    themes = relationship("Theme", secondary=excerpt_themes, lazy="selectin", order_by=Theme.name)


# Names beginning with "Test" would otherwise be collected by pytest in test modules.
for _cls in (Testimony, TestimonyAttachment, TestimonyStatus, TestimonyFormat, TestimonyUse):
    _cls.__test__ = False  # type: ignore[attr-defined]
