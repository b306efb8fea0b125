"""Recommendations in participants' own words: drafts, versions, support, comments,
amendments, evidence links and merges."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .inquiry import enum_column


class RecommendationStatus(enum.StrEnum):
    DRAFT = "draft"  # only the author sees it
    PROPOSED = "proposed"  # the cohort can read, support, comment on and amend it
    MERGED = "merged"  # folded into another recommendation (``merged_into``)
    FROZEN = "frozen"  # wording fixed for the ballot
    ADOPTED = "adopted"  # passed the ballot
    NOT_ADOPTED = "not_adopted"  # did not pass the ballot

    @property
    def label(self) -> str:
        return RECOMMENDATION_STATUS_LABELS[self]


RECOMMENDATION_STATUS_LABELS = {
    RecommendationStatus.DRAFT: "Draft",
    RecommendationStatus.PROPOSED: "Proposed",
    RecommendationStatus.MERGED: "Merged",
    RecommendationStatus.FROZEN: "Going to the vote",
    RecommendationStatus.ADOPTED: "Adopted",
    RecommendationStatus.NOT_ADOPTED: "Not adopted",
}

# The wording of a recommendation: copied into every version and amendment.
# The individual comes before the system, on the form and in the report.
WORDING_FIELDS = (
    "title",
    "body",
    "for_individual",
    "for_system",
    "who_should_act",
    "rationale",
)

recommendation_excerpts = Table(
    "recommendation_excerpts",
    Base.metadata,
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # Withdrawing testimony deletes its excerpts, and with them these links.
    Column("excerpt_id", ForeignKey("excerpts.id", ondelete="CASCADE"), primary_key=True),
)

recommendation_reflections = Table(
    "recommendation_reflections",
    Base.metadata,
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
)

recommendation_themes = Table(
    "recommendation_themes",
    Base.metadata,
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Recommendation(Base):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    # The participant who proposed it; None once a withdrawn author's name is removed
    # or when researchers created it by merging.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)  # the recommendation itself
    for_individual: Mapped[str] = mapped_column(Text, default="")
    for_system: Mapped[str] = mapped_column(Text, default="")
    who_should_act: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_column(RecommendationStatus), default=RecommendationStatus.DRAFT, index=True
    )
    # Bumped on every change of wording: versions are numbered by it, and a save made
    # from an older page is refused rather than overwriting a newer wording.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Set when the recommendation is frozen for the ballot: R1, R2... in ballot order.
    number: Mapped[int | None] = mapped_column(Integer)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("Membership", lazy="joined")
    merged_into = relationship("Recommendation", remote_side=[id], lazy="select")
    excerpts = relationship("Excerpt", secondary=recommendation_excerpts, lazy="selectin")
    reflections = relationship("Reflection", secondary=recommendation_reflections, lazy="select")
    themes = relationship("Theme", secondary=recommendation_themes, lazy="selectin")
    versions = relationship(
        "RecommendationVersion",
        back_populates="recommendation",
        cascade="all, delete-orphan",
        order_by="RecommendationVersion.revision",
        lazy="select",
    )

    @property
    def reference(self) -> str:
        """'R3' once numbered for the ballot, else an empty string."""
        return f"R{self.number}" if self.number else ""

    @property
    def is_editable(self) -> bool:
        return self.status in (RecommendationStatus.DRAFT, RecommendationStatus.PROPOSED)


class VersionChange(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"
    AMENDMENT_ACCEPTED = "amendment_accepted"
    MERGED = "merged"  # the wording a merge produced

    @property
    def label(self) -> str:
        return VERSION_CHANGE_LABELS[self]


VERSION_CHANGE_LABELS = {
    VersionChange.CREATED: "First wording",
    VersionChange.EDITED: "Edited by the author",
    VersionChange.AMENDMENT_ACCEPTED: "Amendment accepted",
    VersionChange.MERGED: "Merged wording",
}


class RecommendationVersion(Base):
    """One wording of a recommendation. Every change adds one; none is ever changed."""

    __tablename__ = "recommendation_versions"
    __table_args__ = (UniqueConstraint("recommendation_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    change: Mapped[VersionChange] = mapped_column(enum_column(VersionChange, length=30))
    # Who made the change (the author, or the amendment's proposer, or the researcher
    # who merged); None when that member's name was removed.
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendments.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    for_individual: Mapped[str] = mapped_column(Text, default="")
    for_system: Mapped[str] = mapped_column(Text, default="")
    who_should_act: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation = relationship("Recommendation", back_populates="versions")
    changed_by = relationship("Membership", lazy="joined")


class RecommendationSupport(Base):
    """A participant supports a proposed recommendation (before the vote)."""

    __tablename__ = "recommendation_supports"
    __table_args__ = (UniqueConstraint("recommendation_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecommendationComment(Base):
    __tablename__ = "recommendation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("Membership", lazy="joined")


class AmendmentStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by its proposer
    # The recommendation changed (merged, frozen or reworded) before a decision.
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Amendment(Base):
    """A proposed new wording that the recommendation's author accepts or declines."""

    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    # The revision the amendment was written against.
    base_revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    for_individual: Mapped[str] = mapped_column(Text, default="")
    for_system: Mapped[str] = mapped_column(Text, default="")
    who_should_act: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why the proposer suggests it
    status: Mapped[AmendmentStatus] = mapped_column(
        enum_column(AmendmentStatus), default=AmendmentStatus.PENDING
    )
    # The author's reply when accepting or declining.
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recommendation = relationship("Recommendation", lazy="joined")
    proposer = relationship("Membership", lazy="joined")


class MergeApprovalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"pending": "Not answered yet", "accepted": "Accepted", "declined": "Declined"}[
            self.value
        ]


class MergeApproval(Base):
    """The author of a merged draft is asked to accept the merged wording."""

    __tablename__ = "merge_approvals"
    __table_args__ = (UniqueConstraint("source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The recommendation the merge produced (or kept).
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    # The draft that was merged into it.
    source_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MergeApprovalStatus] = mapped_column(
        enum_column(MergeApprovalStatus), default=MergeApprovalStatus.PENDING
    )
    note: Mapped[str] = mapped_column(Text, default="")  # why they declined, if they did
    merged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recommendation = relationship("Recommendation", foreign_keys=[recommendation_id])
    source = relationship("Recommendation", foreign_keys=[source_id])
    member = relationship("Membership", foreign_keys=[member_id], lazy="joined")
