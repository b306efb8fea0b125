"""Targets a researcher sets for the make-up of the cohort."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class CohortTarget(Base):
    """At least ``minimum`` members with ``value`` on ``dimension`` (see profile.DIMENSIONS)."""

    __tablename__ = "cohort_targets"
    __table_args__ = (UniqueConstraint("inquiry_id", "dimension", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    dimension: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(100))
    minimum: Mapped[int] = mapped_column(Integer)
