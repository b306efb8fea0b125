"""The secret ballot over frozen recommendations.

While a ballot is open each ballot paper carries its voter, so that a participant
can come back and change their votes. When the ballot closes the papers are
rewritten in a random order with new random keys and no voter: afterwards nothing in
the database ties a person to their votes. What stays is who took part
(``BallotParticipation``, for the quorum), and on each paper only the participant
group attributes the results break down by. Papers and votes have random string
keys and no times, so neither row order nor a timestamp can be matched against the
list of who took part.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .inquiry import enum_column


def random_key() -> str:
    return uuid.uuid4().hex


class BallotStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # voter links removed, results counted


class Agreement(enum.StrEnum):
    """An answer on the agreement scale. The three-point scale uses AGREE, NEITHER and
    DISAGREE only."""

    STRONGLY_AGREE = "strongly_agree"
    AGREE = "agree"
    NEITHER = "neither"
    DISAGREE = "disagree"
    STRONGLY_DISAGREE = "strongly_disagree"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        return AGREEMENT_LABELS[self]

    @property
    def is_support(self) -> bool:
        return self in (Agreement.STRONGLY_AGREE, Agreement.AGREE)


AGREEMENT_LABELS = {
    Agreement.STRONGLY_AGREE: "Strongly agree",
    Agreement.AGREE: "Agree",
    Agreement.NEITHER: "Neither agree nor disagree",
    Agreement.DISAGREE: "Disagree",
    Agreement.STRONGLY_DISAGREE: "Strongly disagree",
    Agreement.ABSTAIN: "Abstain",
}


class Certainty(enum.StrEnum):
    """How certain the participant is that the recommendation would work."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def score(self) -> float:
        """0 for low, 0.5 for medium, 1 for high: the certainty axis of the matrix."""
        return {"low": 0.0, "medium": 0.5, "high": 1.0}[self.value]


class Ballot(Base):
    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    # The ballot session of the plan it belongs to, if any.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    status: Mapped[BallotStatus] = mapped_column(
        enum_column(BallotStatus), default=BallotStatus.OPEN
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counted when the ballot closes, for the quorum: active participants then, and
    # how many of them took part.
    eligible_count: Mapped[int | None] = mapped_column(Integer)
    participant_count: Mapped[int | None] = mapped_column(Integer)
    # The inquiry's rule when the ballot opened, so later changes to the settings do not
    # change a result already counted.
    pass_threshold_numerator: Mapped[int] = mapped_column(Integer)
    pass_threshold_denominator: Mapped[int] = mapped_column(Integer)
    quorum_percent: Mapped[int] = mapped_column(Integer)
    agreement_scale: Mapped[str] = mapped_column(String(20))
    # Counted once when the ballot closes, since the votes never change afterwards, so
    # that the results pages do not count thousands of votes on every request: for each
    # recommendation, its votes by answer, the certainty ratings of the votes that are
    # not abstentions, and [supporting, not abstaining, all votes] within each
    # professional role.
    # Aggregates only, as the results pages show them; JSON text (read as it is stored,
    # see results.services), None until counted.
    vote_counts: Mapped[str | None] = mapped_column(Text)

    items = relationship(
        "BallotItem",
        cascade="all, delete-orphan",
        order_by="BallotItem.position",
        lazy="selectin",
    )


class BallotItem(Base):
    """A recommendation on the ballot."""

    __tablename__ = "ballot_items"
    __table_args__ = (UniqueConstraint("ballot_id", "recommendation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    recommendation = relationship("Recommendation", lazy="joined")


class BallotParticipation(Base):
    """That a participant has voted in a ballot; never how. No time is kept."""

    __tablename__ = "ballot_participations"
    __table_args__ = (UniqueConstraint("ballot_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )


class BallotPaper(Base):
    """One participant's votes on a ballot. ``voter_id`` is set only while the ballot
    is open."""

    __tablename__ = "ballot_papers"
    __table_args__ = (UniqueConstraint("ballot_id", "voter_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"))
    # The voter's participant group, copied when the ballot closes, for the breakdown
    # by role; empty for no role, and for a role only one voter held (see
    # results.tally.pooled_groups), so that no paper is the only one of its group.
    professional_role: Mapped[str] = mapped_column(String(40), default="")

    votes = relationship("Vote", cascade="all, delete-orphan", lazy="selectin")


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("paper_id", "recommendation_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    paper_id: Mapped[str] = mapped_column(
        ForeignKey("ballot_papers.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    agreement: Mapped[Agreement] = mapped_column(enum_column(Agreement))
    # None when abstaining.
    certainty: Mapped[Certainty | None] = mapped_column(enum_column(Certainty))
    dissent: Mapped[str] = mapped_column(Text, default="")
