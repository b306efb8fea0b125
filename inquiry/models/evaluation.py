"""The end-of-inquiry evaluation questionnaire, answered anonymously.

Answers are kept apart from who answered: a submission row records only that a
person has answered (so they cannot answer twice); a response row holds the
answers with a random key and no person or time, so the two cannot be matched
by id order or timestamp.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .inquiry import enum_column


def random_key() -> str:
    return uuid.uuid4().hex


class QuestionnaireStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    AGREEMENT = "agreement"  # strongly agree ... strongly disagree
    FREE_TEXT = "free_text"


class Questionnaire(Base):
    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[QuestionnaireStatus] = mapped_column(
        enum_column(QuestionnaireStatus), default=QuestionnaireStatus.DRAFT
    )
    include_witnesses: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questions = relationship(
        "QuestionnaireItem",
        cascade="all, delete-orphan",
        order_by="QuestionnaireItem.position",
        lazy="selectin",
    )


class QuestionnaireItem(Base):
    __tablename__ = "questionnaire_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    text: Mapped[str] = mapped_column(Text)


class QuestionnaireSubmission(Base):
    """That a person has answered; nothing about what they answered."""

    __tablename__ = "questionnaire_submissions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class QuestionnaireResponse(Base):
    """One person's answers, with no link to the person."""

    __tablename__ = "questionnaire_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    # Only the role (participant or witness), for the breakdown researchers see.
    role: Mapped[str] = mapped_column(String(20))

    answers = relationship("QuestionnaireAnswer", cascade="all, delete-orphan", lazy="selectin")


class QuestionnaireAnswer(Base):
    __tablename__ = "questionnaire_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("questionnaire_responses.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_items.id", ondelete="CASCADE"), index=True
    )
    # 1 (strongly disagree) to 5 (strongly agree) for agreement items; None if skipped.
    value: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
