"""The inquiry's report: the narrative researchers write, builds of the document (drafts
and published versions), and members' comments on a draft during review."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column


class ReviewStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    OPEN = "open"  # members read the draft and comment on it
    CLOSED = "closed"


class Report(Base):
    """One per inquiry: the narrative sections and the state of the members' review.
    Everything else in the report is generated from the inquiry when it is built."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), unique=True
    )
    foreword: Mapped[str] = mapped_column(Text, default="")
    executive_summary: Mapped[str] = mapped_column(Text, default="")
    # Empty means the default text explaining the inquiry's mode is used.
    method: Mapped[str] = mapped_column(Text, default="")
    acknowledgements: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    # Shown in the deliberation chapter after the counts of the prompts about change:
    # reflections are never quoted, so this is where the researchers say what changed.
    views_changed: Mapped[str] = mapped_column(Text, default="")
    review_status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus), default=ReviewStatus.NOT_STARTED
    )
    review_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every save of the narrative, so two researchers cannot overwrite each other.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class BuildKind(enum.StrEnum):
    DRAFT = "draft"  # every page marked DRAFT; rebuilt whenever researchers want
    PUBLISHED = "published"  # a frozen version, never rebuilt


class BuildStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {
            "queued": "Waiting to start",
            "running": "Being built",
            "done": "Ready",
            "failed": "Failed",
        }[self.value]


class ReportBuild(Base):
    """One build of the report: a job with a status row the page polls, and when it is
    done the stored PDF and HTML. A published build is a version of the report."""

    __tablename__ = "report_builds"
    __table_args__ = (UniqueConstraint("inquiry_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[BuildKind] = mapped_column(enum_column(BuildKind))
    status: Mapped[BuildStatus] = mapped_column(
        enum_column(BuildStatus), default=BuildStatus.QUEUED, index=True
    )
    # Published versions are numbered 1, 2, 3... per inquiry; drafts have none.
    version: Mapped[int | None] = mapped_column(Integer)
    # A short description of what this version adds, e.g. "with the commissioner's response".
    label: Mapped[str] = mapped_column(String(200), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written by the worker while it builds: a build whose heartbeat stops is failed.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # The in-process worker that was handed a waiting build: its machine and process.
    # Another web process must not mistake a build waiting there for a lost one. Empty
    # for builds sent to RQ, whose own record says whether the job is alive.
    owner_host: Mapped[str | None] = mapped_column(String(255))
    owner_pid: Mapped[int | None] = mapped_column(Integer)
    # Stored files, by name inside the report storage folder; set only when done.
    pdf_name: Mapped[str | None] = mapped_column(String(100))
    html_name: Mapped[str | None] = mapped_column(String(100))
    # A published version's downloads, made from the same content as its PDF; drafts and
    # versions published before they were stored have none.
    csv_name: Mapped[str | None] = mapped_column(String(100))
    json_name: Mapped[str | None] = mapped_column(String(100))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of the PDF and of the HTML version, shown with a published version so
    # copies can be checked.
    sha256: Mapped[str | None] = mapped_column(String(64))
    html_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by = relationship("User", lazy="joined")


class ReportComment(Base):
    """A member's comment on one section of the draft report, during review. Read by the
    researchers and by its author."""

    __tablename__ = "report_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    # The section's key, e.g. "foreword", "recommendations", "what-we-heard".
    section: Mapped[str] = mapped_column(String(40))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    # The draft build the member was reading, if any.
    build_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_builds.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("Membership", lazy="joined")
