"""Questions for witnesses: asking, supporting, ranking, answering and deleting.

Participants see every question of the inquiry but never who asked it; witnesses
see the questions addressed to them or to any witness of a session they give
evidence in; researchers see everything, including who asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import contributions
from ..audit.service import record
from ..models import (
    Inquiry,
    Membership,
    MembershipStatus,
    QuestionStatus,
    QuestionSupport,
    Role,
    Round,
    RoundKind,
    RoundStatus,
    Testimony,
    TestimonyStatus,
    User,
    WitnessQuestion,
)
from ..notifications.services import notify
from ..rounds.services import plan_for

MAX_QUESTION_LENGTH = 1000
ANSWERED_MESSAGE = "Your question for witnesses has been answered: see the answer"


class QuestionError(Exception):
    """A change that cannot be made, with a message for the person making it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Reading ------------------------------------------------------------------------------


def question_in(session: Session, inquiry: Inquiry, question_id: int) -> WitnessQuestion | None:
    """The question with this id if it belongs to the inquiry."""
    question = session.get(WitnessQuestion, question_id)
    if question is None or question.inquiry_id != inquiry.id:
        return None
    return question


def active_witnesses(session: Session, inquiry: Inquiry) -> list[Membership]:
    """The inquiry's active witnesses, by the name others see."""
    witnesses = session.scalars(
        select(Membership).where(
            Membership.inquiry_id == inquiry.id,
            Membership.role == Role.WITNESS,
            Membership.status == MembershipStatus.ACTIVE,
        )
    ).all()
    return sorted(witnesses, key=lambda m: (m.public_name.casefold(), m.id))


def sessions_for_questions(session: Session, inquiry: Inquiry) -> list[Round]:
    """The sessions a question can be asked for: every session that has not closed."""
    return [r for r in plan_for(session, inquiry) if r.status != RoundStatus.CLOSED]


def next_evidence_hearing(rounds: Iterable[Round], today: date) -> Round | None:
    """The first evidence hearing still to come (undated ones count as still to come)."""
    for round_ in rounds:
        if round_.kind != RoundKind.EVIDENCE_HEARING or round_.status == RoundStatus.CLOSED:
            continue
        if round_.held_on is None or round_.held_on >= today:
            return round_
    return None


def witness_round_ids(session: Session, membership: Membership) -> set[int]:
    """The sessions a witness gives evidence in: those with any of their testimony."""
    return set(
        session.scalars(
            select(Testimony.round_id)
            .where(Testimony.witness_id == membership.id, Testimony.round_id.is_not(None))
            .distinct()
        )
    )


def visible_questions(
    session: Session, inquiry: Inquiry, membership: Membership
) -> list[WitnessQuestion]:
    """The questions this member may see (see the module's docstring)."""
    query = select(WitnessQuestion).where(WitnessQuestion.inquiry_id == inquiry.id)
    if membership.role == Role.WITNESS:
        round_ids = witness_round_ids(session, membership)
        addressed = WitnessQuestion.witness_id == membership.id
        if round_ids:
            addressed = addressed | (
                WitnessQuestion.witness_id.is_(None) & WitnessQuestion.round_id.in_(round_ids)
            )
        query = query.where(addressed)
    elif membership.role not in (Role.RESEARCHER, Role.PARTICIPANT):
        return []
    return list(session.scalars(query))


def support_counts(session: Session, question_ids: Iterable[int]) -> dict[int, int]:
    ids = list(question_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(QuestionSupport.question_id, func.count())
        .where(QuestionSupport.question_id.in_(ids))
        .group_by(QuestionSupport.question_id)
    )
    return {question_id: count for question_id, count in rows}


def supported_by(session: Session, user: User, question_ids: Iterable[int]) -> set[int]:
    ids = list(question_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(QuestionSupport.question_id).where(
                QuestionSupport.user_id == user.id, QuestionSupport.question_id.in_(ids)
            )
        )
    )


def shown_answer(question: WitnessQuestion) -> Testimony | None:
    """The linked answer, only while it is approved testimony (never withdrawn words)."""
    answer = question.answer
    if answer is None or answer.status != TestimonyStatus.APPROVED:
        return None
    return answer


def asker_names(session: Session, inquiry: Inquiry, questions: Iterable[WitnessQuestion]) -> dict:
    """Who asked each question, for researchers. People who have left are not named."""
    user_ids = {q.asked_by_id for q in questions if q.asked_by_id is not None}
    memberships = {}
    if user_ids:
        memberships = {
            m.user_id: m
            for m in session.scalars(
                select(Membership).where(
                    Membership.inquiry_id == inquiry.id, Membership.user_id.in_(user_ids)
                )
            )
        }
    names = {}
    for question in questions:
        membership = memberships.get(question.asked_by_id)
        if membership is None:
            names[question.id] = "Someone no longer in the inquiry"
        elif membership.status != MembershipStatus.ACTIVE:
            names[question.id] = "A participant who has left the inquiry"
        else:
            names[question.id] = membership.user.name
    return names


@dataclass(frozen=True)
class QuestionRow:
    question: WitnessQuestion
    supporters: int
    supported_by_me: bool
    mine: bool
    answer: Testimony | None
    asked_by: str | None  # only for researchers


@dataclass(frozen=True)
class SessionQuestions:
    round: Round | None
    rows: list[QuestionRow]


def ranked(
    session: Session,
    inquiry: Inquiry,
    questions: list[WitnessQuestion],
    *,
    viewer: User,
    show_askers: bool,
) -> list[SessionQuestions]:
    """Questions grouped by session in plan order, each group ranked by support, then
    oldest first. Questions whose session was removed come last."""
    ids = [q.id for q in questions]
    counts = support_counts(session, ids)
    mine = supported_by(session, viewer, ids)
    names = asker_names(session, inquiry, questions) if show_askers else {}
    rows = [
        QuestionRow(
            question=q,
            supporters=counts.get(q.id, 0),
            supported_by_me=q.id in mine,
            mine=q.asked_by_id == viewer.id,
            answer=shown_answer(q),
            asked_by=names.get(q.id),
        )
        for q in questions
    ]
    groups: dict[int | None, list[QuestionRow]] = {}
    for row in rows:
        groups.setdefault(row.question.round_id, []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: (-r.supporters, r.question.created_at, r.question.id))
    result = [
        SessionQuestions(round=round_, rows=groups[round_.id])
        for round_ in plan_for(session, inquiry)
        if round_.id in groups
    ]
    if None in groups:
        result.append(SessionQuestions(round=None, rows=groups[None]))
    return result


def answer_choices(session: Session, question: WitnessQuestion) -> list[Testimony]:
    """Approved testimony of the question's session that can be linked as its answer."""
    query = select(Testimony).where(
        Testimony.inquiry_id == question.inquiry_id,
        Testimony.status == TestimonyStatus.APPROVED,
    )
    if question.round_id is None:
        query = query.where(Testimony.round_id.is_(None))
    else:
        query = query.where(Testimony.round_id == question.round_id)
    return list(session.scalars(query.order_by(Testimony.created_at, Testimony.id)))


# Changing -------------------------------------------------------------------------------


def ask(
    session: Session,
    *,
    inquiry: Inquiry,
    actor: User,
    text: str,
    round_: Round,
    witness: Membership | None,
    now: datetime,
) -> WitnessQuestion:
    text = (text or "").strip()
    if not text:
        raise QuestionError("Enter your question")
    if len(text) > MAX_QUESTION_LENGTH:
        raise QuestionError("Your question must be 1,000 characters or fewer")
    if round_.inquiry_id != inquiry.id:
        raise QuestionError("Select a session of this inquiry")
    if witness is not None and (
        witness.inquiry_id != inquiry.id
        or witness.role != Role.WITNESS
        or witness.status != MembershipStatus.ACTIVE
    ):
        raise QuestionError("Select a witness of this inquiry")
    question = WitnessQuestion(
        inquiry_id=inquiry.id,
        round_id=round_.id,
        witness_id=witness.id if witness else None,
        asked_by_id=actor.id,
        text=text,
        status=QuestionStatus.OPEN,
        created_at=now,
    )
    session.add(question)
    session.flush()
    record(
        session,
        "question.asked",
        actor=actor,
        inquiry=inquiry,
        object_type="witness_question",
        object_id=question.id,
        round_id=round_.id,
        witness_id=question.witness_id,
    )
    return question


def set_support(
    session: Session, question: WitnessQuestion, *, user: User, supported: bool, now: datetime
) -> bool:
    """Support a question or take support back; True when something changed."""
    if question.asked_by_id == user.id:
        raise QuestionError("You cannot support your own question")
    existing = session.scalar(
        select(QuestionSupport).where(
            QuestionSupport.question_id == question.id, QuestionSupport.user_id == user.id
        )
    )
    if supported and existing is None:
        if question.status != QuestionStatus.OPEN:
            raise QuestionError("This question has been answered, so it cannot be supported")
        try:
            with session.begin_nested():
                session.add(
                    QuestionSupport(question_id=question.id, user_id=user.id, created_at=now)
                )
        except IntegrityError:
            return False  # supported at the same moment from another tab
        return True
    if not supported and existing is not None:
        session.delete(existing)
        session.flush()
        return True
    return False


def mark_answered(
    session: Session,
    question: WitnessQuestion,
    *,
    inquiry: Inquiry,
    actor: User,
    testimony: Testimony | None,
    link: str,
    now: datetime,
) -> bool:
    """Mark the question answered, linking approved testimony of its session (or none).

    The asker is told in the app when an answer is newly linked. False when nothing
    changed.
    """
    if testimony is not None and (
        testimony.inquiry_id != inquiry.id
        or testimony.status != TestimonyStatus.APPROVED
        or testimony.round_id != question.round_id
    ):
        raise QuestionError("Select approved testimony from the session of the question")
    new_answer_id = testimony.id if testimony is not None else None
    if question.status == QuestionStatus.ANSWERED and question.answer_testimony_id == new_answer_id:
        return False
    previous_answer_id = question.answer_testimony_id
    if question.status != QuestionStatus.ANSWERED:
        question.answered_at = now
    question.status = QuestionStatus.ANSWERED
    question.answer_testimony_id = new_answer_id
    session.flush()
    session.expire(question, ["answer"])
    record(
        session,
        "question.answered",
        actor=actor,
        inquiry=inquiry,
        object_type="witness_question",
        object_id=question.id,
        answer_testimony_id=new_answer_id,
    )
    if new_answer_id is not None and new_answer_id != previous_answer_id:
        _notify_asker(session, question, inquiry=inquiry, link=link, now=now)
    return True


def _notify_asker(
    session: Session, question: WitnessQuestion, *, inquiry: Inquiry, link: str, now: datetime
) -> None:
    if question.asked_by_id is None:
        return
    still_here = session.scalar(
        select(Membership.id).where(
            Membership.inquiry_id == inquiry.id,
            Membership.user_id == question.asked_by_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    if still_here is None:
        return
    notify(session, question.asked_by_id, ANSWERED_MESSAGE, inquiry=inquiry, link=link, now=now)


def reopen(
    session: Session, question: WitnessQuestion, *, inquiry: Inquiry, actor: User, now: datetime
) -> bool:
    """Open an answered question again, removing any linked answer."""
    if question.status == QuestionStatus.OPEN:
        return False
    question.status = QuestionStatus.OPEN
    question.answer_testimony_id = None
    question.answered_at = None
    session.flush()
    session.expire(question, ["answer"])
    record(
        session,
        "question.reopened",
        actor=actor,
        inquiry=inquiry,
        object_type="witness_question",
        object_id=question.id,
    )
    return True


def delete_question(
    session: Session, question: WitnessQuestion, *, inquiry: Inquiry, actor: User
) -> None:
    question_id, round_id = question.id, question.round_id
    by_asker = question.asked_by_id == actor.id
    session.execute(delete(QuestionSupport).where(QuestionSupport.question_id == question_id))
    session.delete(question)
    session.flush()
    record(
        session,
        "question.deleted",
        actor=actor,
        inquiry=inquiry,
        object_type="witness_question",
        object_id=question_id,
        round_id=round_id,
        by_asker=by_asker,
    )


# Contributions: sessions with questions cannot be deleted; withdrawal counts them. -----


def _count_in_round(session: Session, round_: Round) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(WitnessQuestion)
            .where(WitnessQuestion.round_id == round_.id)
        )
        or 0
    )


def _count_by_member(session: Session, membership: Membership) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(WitnessQuestion)
            .where(
                WitnessQuestion.inquiry_id == membership.inquiry_id,
                WitnessQuestion.asked_by_id == membership.user_id,
            )
        )
        or 0
    )


def _remove_for_member(session: Session, membership: Membership, now: datetime) -> None:
    """A withdrawn member's questions and support go, when the inquiry removes contributions."""
    asked = select(WitnessQuestion.id).where(
        WitnessQuestion.inquiry_id == membership.inquiry_id,
        WitnessQuestion.asked_by_id == membership.user_id,
    )
    session.execute(delete(QuestionSupport).where(QuestionSupport.question_id.in_(asked)))
    session.execute(
        delete(QuestionSupport).where(
            QuestionSupport.user_id == membership.user_id,
            QuestionSupport.question_id.in_(
                select(WitnessQuestion.id).where(
                    WitnessQuestion.inquiry_id == membership.inquiry_id
                )
            ),
        )
    )
    session.execute(
        delete(WitnessQuestion)
        .where(
            WitnessQuestion.inquiry_id == membership.inquiry_id,
            WitnessQuestion.asked_by_id == membership.user_id,
        )
        .execution_options(synchronize_session="fetch")
    )
    session.flush()


COUNTER = contributions.register(
    contributions.Counter(
        label="questions for witnesses",
        singular="question for witnesses",
        for_round=_count_in_round,
        for_member=_count_by_member,
        remove_for_member=_remove_for_member,
    )
)
