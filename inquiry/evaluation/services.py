"""The evaluation questionnaire: setting it up, answering it, and its results.

Anonymity is the point of this module, so:

- answering writes two rows that share nothing: a submission (this person has
  answered, so they cannot answer twice) and a response (the answers, with the
  respondent's role and nothing else). Neither has a time. The two are written in
  one transaction.
- every time someone answers, all of the questionnaire's responses are written
  again with new random ids, in the order of those ids. Neither the ids nor the
  order the rows are stored in (which a database keeps, and shows to anyone who
  reads the table directly) can then be matched against the order people answered.
- answering writes no audit event: an event would carry the person and the time,
  which is exactly what must not be kept next to the answers. The submission row is
  the only record that someone has answered.
- results exist only once the questionnaire is closed (a researcher watching totals
  change while it is open could tell what the last person answered), and only when
  at least 3 people answered. The participants and witnesses breakdown is shown only
  when every group that answered has at least 3 people in it; otherwise the other
  group's figures, taken from the totals, would give the small group away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from ..audit.service import record
from ..models import (
    Inquiry,
    Membership,
    MembershipStatus,
    QuestionKind,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireStatus,
    QuestionnaireSubmission,
    Role,
    User,
)
from ..models.evaluation import random_key
from ..notifications.services import notify
from ..privacy import FEWER_THAN, SMALL_GROUP, suppress_small_groups
from .defaults import AGREE_VALUES, DEFAULT_ITEMS, PREFER_NOT_TO_SAY, SCALE

MAX_ITEMS = 20
MAX_ITEM_LENGTH = 300
MAX_FREE_TEXT = 2000

OPENED_MESSAGE = "Please answer the evaluation questionnaire: it takes about 5 minutes"

GROUPS: tuple[tuple[str, str], ...] = (
    (Role.PARTICIPANT.value, "Participants"),
    (Role.WITNESS.value, "Witnesses"),
)


class EvaluationError(Exception):
    """Something that cannot be done, with a message for the person and, when the
    message belongs next to a field, that field's name."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AlreadyAnswered(EvaluationError):
    pass


# Loading --------------------------------------------------------------------------


def questionnaire_for(
    session: Session, inquiry: Inquiry, *, with_items: bool = True
) -> Questionnaire | None:
    """The inquiry's questionnaire; ``with_items=False`` leaves its questions to load when
    asked for (the overview shows only its status)."""
    query = select(Questionnaire).where(Questionnaire.inquiry_id == inquiry.id)
    if not with_items:
        query = query.options(lazyload(Questionnaire.questions))
    return session.scalar(query)


def item_in(
    session: Session, questionnaire: Questionnaire, item_id: int
) -> QuestionnaireItem | None:
    """The item with this id if it belongs to the questionnaire."""
    item = session.get(QuestionnaireItem, item_id)
    if item is None or item.questionnaire_id != questionnaire.id:
        return None
    return item


def roles_asked(questionnaire: Questionnaire) -> tuple[Role, ...]:
    if questionnaire.include_witnesses:
        return (Role.PARTICIPANT, Role.WITNESS)
    return (Role.PARTICIPANT,)


def is_asked(questionnaire: Questionnaire, role: Role | None) -> bool:
    return role is not None and role in roles_asked(questionnaire)


def has_answered(session: Session, questionnaire: Questionnaire, user: User) -> bool:
    return (
        session.scalar(
            select(QuestionnaireSubmission.id).where(
                QuestionnaireSubmission.questionnaire_id == questionnaire.id,
                QuestionnaireSubmission.user_id == user.id,
            )
        )
        is not None
    )


def response_count(session: Session, questionnaire: Questionnaire) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(QuestionnaireResponse)
            .where(QuestionnaireResponse.questionnaire_id == questionnaire.id)
        )
        or 0
    )


# Setting up -----------------------------------------------------------------------


def _require_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise EvaluationError(
            "You cannot change the questionnaire once it has been opened: people may "
            "already have answered it"
        )


def _tidy(text: str) -> str:
    return " ".join((text or "").split())


def _check_text(text: str) -> str:
    text = _tidy(text)
    if not text:
        raise EvaluationError("Enter the question", "text")
    if len(text) > MAX_ITEM_LENGTH:
        raise EvaluationError(f"Question must be {MAX_ITEM_LENGTH} characters or fewer", "text")
    return text


def _renumber(questionnaire: Questionnaire) -> None:
    ordered = sorted(questionnaire.questions, key=lambda item: (item.position, item.id or 0))
    for number, item in enumerate(ordered, start=1):
        item.position = number
    questionnaire.questions = ordered


def _changed(
    session: Session, questionnaire: Questionnaire, *, inquiry: Inquiry, actor: User, **details
) -> None:
    record(
        session,
        "evaluation.changed",
        actor=actor,
        inquiry=inquiry,
        object_type="questionnaire",
        object_id=questionnaire.id,
        **details,
    )


def create_questionnaire(
    session: Session, inquiry: Inquiry, *, actor: User, now: datetime
) -> Questionnaire:
    """A draft questionnaire with the default questions. One per inquiry."""
    if questionnaire_for(session, inquiry) is not None:
        raise EvaluationError("This inquiry already has an evaluation questionnaire")
    questionnaire = Questionnaire(
        inquiry_id=inquiry.id,
        status=QuestionnaireStatus.DRAFT,
        include_witnesses=False,
        questions=[
            QuestionnaireItem(position=number, kind=kind, text=text)
            for number, (kind, text) in enumerate(DEFAULT_ITEMS, start=1)
        ],
    )
    session.add(questionnaire)
    session.flush()
    _changed(
        session,
        questionnaire,
        inquiry=inquiry,
        actor=actor,
        change="created",
        questions=len(questionnaire.questions),
    )
    return questionnaire


def add_item(
    session: Session,
    questionnaire: Questionnaire,
    *,
    inquiry: Inquiry,
    actor: User,
    kind: QuestionKind,
    text: str,
) -> QuestionnaireItem:
    """Add a question at the end; it can be moved afterwards."""
    _require_draft(questionnaire)
    if len(questionnaire.questions) >= MAX_ITEMS:
        raise EvaluationError(
            f"The questionnaire has {MAX_ITEMS} questions, the most it can have. Remove one "
            "first: shorter questionnaires get more answers"
        )
    item = QuestionnaireItem(
        position=len(questionnaire.questions) + 1, kind=kind, text=_check_text(text)
    )
    questionnaire.questions.append(item)
    session.flush()
    _changed(
        session,
        questionnaire,
        inquiry=inquiry,
        actor=actor,
        change="question_added",
        question_id=item.id,
        kind=kind.value,
    )
    return item


def update_item(
    session: Session,
    questionnaire: Questionnaire,
    item: QuestionnaireItem,
    *,
    inquiry: Inquiry,
    actor: User,
    kind: QuestionKind,
    text: str,
) -> bool:
    """Change a question's wording or kind; True when anything changed."""
    _require_draft(questionnaire)
    text = _check_text(text)
    changed = [
        name for name, value in (("kind", kind), ("text", text)) if getattr(item, name) != value
    ]
    if not changed:
        return False
    item.kind = kind
    item.text = text
    session.flush()
    _changed(
        session,
        questionnaire,
        inquiry=inquiry,
        actor=actor,
        change="question_changed",
        question_id=item.id,
        changed=changed,
    )
    return True


def remove_item(
    session: Session,
    questionnaire: Questionnaire,
    item: QuestionnaireItem,
    *,
    inquiry: Inquiry,
    actor: User,
) -> None:
    _require_draft(questionnaire)
    item_id = item.id
    questionnaire.questions.remove(item)
    session.flush()
    _renumber(questionnaire)
    session.flush()
    _changed(
        session,
        questionnaire,
        inquiry=inquiry,
        actor=actor,
        change="question_removed",
        question_id=item_id,
    )


def move_item(
    session: Session,
    questionnaire: Questionnaire,
    item: QuestionnaireItem,
    *,
    inquiry: Inquiry,
    actor: User,
    direction: str,
) -> bool:
    """Swap the question with its neighbour; False when it is already first or last."""
    _require_draft(questionnaire)
    _renumber(questionnaire)
    ordered = list(questionnaire.questions)
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return False
    ordered[index].position, ordered[other].position = (
        ordered[other].position,
        ordered[index].position,
    )
    _renumber(questionnaire)
    session.flush()
    _changed(
        session,
        questionnaire,
        inquiry=inquiry,
        actor=actor,
        change="question_moved",
        question_id=item.id,
        position=item.position,
    )
    return True


def set_audience(
    session: Session,
    questionnaire: Questionnaire,
    *,
    inquiry: Inquiry,
    actor: User,
    include_witnesses: bool,
) -> bool:
    _require_draft(questionnaire)
    if questionnaire.include_witnesses == include_witnesses:
        return False
    questionnaire.include_witnesses = include_witnesses
    session.flush()
    _changed(
        session,
        questionnaire,
        inquiry=inquiry,
        actor=actor,
        change="audience_changed",
        include_witnesses=include_witnesses,
    )
    return True


def members_asked(session: Session, questionnaire: Questionnaire) -> list[Membership]:
    """Active members the questionnaire is for (whose accounts are not disabled), by name."""
    return sorted(
        session.scalars(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.inquiry_id == questionnaire.inquiry_id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role.in_(roles_asked(questionnaire)),
                User.is_disabled.is_(False),
            )
        ),
        key=lambda membership: (membership.user.name.casefold(), membership.id),
    )


def open_questionnaire(
    session: Session,
    questionnaire: Questionnaire,
    *,
    inquiry: Inquiry,
    actor: User,
    now: datetime,
    answer_link: str = "",
) -> int:
    """Open it for answers and tell everyone it is for; the number of people told."""
    _require_draft(questionnaire)
    if not questionnaire.questions:
        raise EvaluationError("Add at least one question before opening the questionnaire")
    questionnaire.status = QuestionnaireStatus.OPEN
    questionnaire.opened_at = now
    asked = members_asked(session, questionnaire)
    for membership in asked:
        notify(
            session, membership.user_id, OPENED_MESSAGE, inquiry=inquiry, link=answer_link, now=now
        )
    session.flush()
    record(
        session,
        "evaluation.opened",
        actor=actor,
        inquiry=inquiry,
        object_type="questionnaire",
        object_id=questionnaire.id,
        questions=len(questionnaire.questions),
        include_witnesses=questionnaire.include_witnesses,
        people_asked=len(asked),
    )
    return len(asked)


def close_questionnaire(
    session: Session,
    questionnaire: Questionnaire,
    *,
    inquiry: Inquiry,
    actor: User,
    now: datetime,
) -> None:
    if questionnaire.status != QuestionnaireStatus.OPEN:
        raise EvaluationError("Only an open questionnaire can be closed")
    questionnaire.status = QuestionnaireStatus.CLOSED
    questionnaire.closed_at = now
    session.flush()
    record(
        session,
        "evaluation.closed",
        actor=actor,
        inquiry=inquiry,
        object_type="questionnaire",
        object_id=questionnaire.id,
        responses=response_count(session, questionnaire),
    )


# Answering ------------------------------------------------------------------------


def _check_answers(
    questionnaire: Questionnaire, answers: Mapping[int, int | str | None]
) -> dict[int, int | str | None]:
    """The answers keyed by item id, checked: a value 1 to 5 or None ("prefer not to
    say") for each statement, at most MAX_FREE_TEXT characters for a written answer."""
    checked: dict[int, int | str | None] = {}
    for number, item in enumerate(questionnaire.questions, start=1):
        value = answers.get(item.id)
        if item.kind == QuestionKind.AGREEMENT:
            if value is not None and value not in {v for v, _ in SCALE}:
                raise EvaluationError(f"Select an answer for question {number}", f"item_{item.id}")
            checked[item.id] = value
        else:
            if not isinstance(value, str | None):
                raise EvaluationError(f"Enter your answer to question {number} as text")
            text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
            if len(text) > MAX_FREE_TEXT:
                raise EvaluationError(
                    f"Your answer to question {number} must be {MAX_FREE_TEXT:,} characters "
                    "or fewer",
                    f"item_{item.id}",
                )
            checked[item.id] = text
    return checked


def _rewrite_responses(
    session: Session, questionnaire: Questionnaire, new: QuestionnaireResponse
) -> None:
    """Store every response again with new random ids, in the order of those ids, so
    that neither ids nor storage order say anything about who answered when."""
    existing = list(
        session.scalars(
            select(QuestionnaireResponse).where(
                QuestionnaireResponse.questionnaire_id == questionnaire.id
            )
        )
    )
    copies = [
        QuestionnaireResponse(
            id=random_key(),
            questionnaire_id=questionnaire.id,
            role=response.role,
            answers=[
                QuestionnaireAnswer(
                    id=random_key(), item_id=answer.item_id, value=answer.value, text=answer.text
                )
                for answer in response.answers
            ],
        )
        for response in existing
    ]
    for response in existing:
        session.delete(response)
    session.flush()
    for response in sorted([*copies, new], key=lambda r: r.id):
        response.answers = sorted(response.answers, key=lambda a: a.id)
        session.add(response)
    session.flush()


def submit(
    session: Session,
    questionnaire: Questionnaire,
    *,
    inquiry: Inquiry,
    user: User,
    role: Role | None,
    answers: Mapping[int, int | str | None],
) -> None:
    """Record that the user has answered, and their answers apart from them.

    ``answers`` maps item ids to a value 1 (strongly disagree) to 5 (strongly agree)
    or None ("prefer not to say") for statements, and text for written answers.
    No audit event is written: see the module's docstring.
    """
    # One answer at a time per questionnaire, so the rewrite below sees every response
    # (PostgreSQL locks the row; SQLite has one writer anyway).
    session.execute(
        select(Questionnaire.id).where(Questionnaire.id == questionnaire.id).with_for_update()
    )
    session.refresh(questionnaire)
    if questionnaire.inquiry_id != inquiry.id:
        raise EvaluationError("This questionnaire belongs to another inquiry")
    if questionnaire.status != QuestionnaireStatus.OPEN:
        raise EvaluationError("The questionnaire has closed, so it no longer takes answers")
    if not is_asked(questionnaire, role):
        raise EvaluationError("This questionnaire is not for your role in the inquiry")
    if has_answered(session, questionnaire, user):
        raise AlreadyAnswered("You have already answered the questionnaire")
    checked = _check_answers(questionnaire, answers)

    session.add(QuestionnaireSubmission(questionnaire_id=questionnaire.id, user_id=user.id))
    session.flush()
    response = QuestionnaireResponse(
        id=random_key(),
        questionnaire_id=questionnaire.id,
        role=role.value,
        answers=[
            QuestionnaireAnswer(
                id=random_key(),
                item_id=item_id,
                value=value if isinstance(value, int) else None,
                text=value if isinstance(value, str) else "",
            )
            for item_id, value in checked.items()
        ],
    )
    _rewrite_responses(session, questionnaire, response)


# Progress (for researchers while it is open) ----------------------------------------


@dataclass(frozen=True)
class Progress:
    responses: int
    asked: int  # active members the questionnaire is for
    answered: int  # of those, how many have answered
    not_answered: list[Membership]


def progress(session: Session, questionnaire: Questionnaire) -> Progress:
    """How many have answered, and who has not (for reminders). Nothing links a
    person to their answers: only whether they have answered."""
    asked = members_asked(session, questionnaire)
    answered_ids = set(
        session.scalars(
            select(QuestionnaireSubmission.user_id).where(
                QuestionnaireSubmission.questionnaire_id == questionnaire.id
            )
        )
    )
    return Progress(
        responses=response_count(session, questionnaire),
        asked=len(asked),
        answered=sum(1 for m in asked if m.user_id in answered_ids),
        not_answered=[m for m in asked if m.user_id not in answered_ids],
    )


# Results --------------------------------------------------------------------------


def percent(part: int, whole: int) -> int | None:
    """Whole-number percentage, halves rounded up; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class Tally:
    """Answers to one statement from one set of responses."""

    counts: dict[str, int]  # answer label -> count, scale order, then "Prefer not to say"
    answered: int  # everyone who answered the statement, "prefer not to say" included
    expressed: int  # answers other than "prefer not to say"
    agree: int  # strongly agree + agree
    percent_agree: int | None  # agree among expressed; None when nobody expressed a view


def tally(values: list[int | None]) -> Tally:
    counter = Counter(values)
    counts = {label: counter.get(value, 0) for value, label in SCALE}
    counts[PREFER_NOT_TO_SAY] = counter.get(None, 0)
    expressed = len(values) - counter.get(None, 0)
    agree = sum(counter.get(value, 0) for value in AGREE_VALUES)
    return Tally(
        counts=counts,
        answered=len(values),
        expressed=expressed,
        agree=agree,
        percent_agree=percent(agree, expressed),
    )


@dataclass(frozen=True)
class StatementResult:
    number: int
    text: str
    overall: Tally
    # Per group ("participant", "witness"): its tally, or None when it is not shown.
    by_group: dict[str, Tally | None] = field(default_factory=dict)


@dataclass(frozen=True)
class WrittenResult:
    number: int
    text: str
    answers: list[str]  # in random order (by random id), never the order they came in


@dataclass(frozen=True)
class Results:
    responses: int
    shown: bool  # False when fewer than 3 responses: nothing below is filled in
    include_witnesses: bool
    # Respondents per group, with 1 or 2 shown as "fewer than 3".
    group_sizes: dict[str, int | str] = field(default_factory=dict)
    breakdown_shown: bool = False
    statements: list[StatementResult] = field(default_factory=list)
    written: list[WrittenResult] = field(default_factory=list)

    @property
    def breakdown_withheld(self) -> bool:
        """A breakdown exists (several groups) but is withheld to protect a small group."""
        return self.include_witnesses and self.shown and not self.breakdown_shown


def results(session: Session, questionnaire: Questionnaire) -> Results:
    """Totals for each question, with small groups protected (see the module docstring).

    Call only for a closed questionnaire; ``results_for_report`` checks that.
    """
    responses = list(
        session.scalars(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.questionnaire_id == questionnaire.id)
            .order_by(QuestionnaireResponse.id)
        )
    )
    include_witnesses = questionnaire.include_witnesses or any(
        r.role == Role.WITNESS.value for r in responses
    )
    total = len(responses)
    if total < SMALL_GROUP:
        return Results(responses=total, shown=False, include_witnesses=include_witnesses)

    groups = [key for key, _ in GROUPS] if include_witnesses else [Role.PARTICIPANT.value]
    sizes = {key: sum(1 for r in responses if r.role == key) for key in groups}
    group_sizes = suppress_small_groups(sizes, reveal=False)
    # With two groups, one group's figures are the totals minus the other's: when either
    # is small, both are withheld.
    breakdown_shown = include_witnesses and FEWER_THAN not in group_sizes.values()

    values: dict[int, list[tuple[str, int | None]]] = {}
    texts: dict[int, list[tuple[str, str]]] = {}
    for response in responses:
        for answer in response.answers:
            values.setdefault(answer.item_id, []).append((response.role, answer.value))
            if answer.text.strip():
                texts.setdefault(answer.item_id, []).append((answer.id, answer.text))

    statements: list[StatementResult] = []
    written: list[WrittenResult] = []
    for number, item in enumerate(questionnaire.questions, start=1):
        if item.kind == QuestionKind.AGREEMENT:
            item_values = values.get(item.id, [])
            by_group: dict[str, Tally | None] = {}
            if include_witnesses:
                for key in groups:
                    by_group[key] = (
                        tally([v for role, v in item_values if role == key])
                        if breakdown_shown
                        else None
                    )
            statements.append(
                StatementResult(
                    number=number,
                    text=item.text,
                    overall=tally([v for _, v in item_values]),
                    by_group=by_group,
                )
            )
        else:
            written.append(
                WrittenResult(
                    number=number,
                    text=item.text,
                    answers=[text for _, text in sorted(texts.get(item.id, []))],
                )
            )
    return Results(
        responses=total,
        shown=True,
        include_witnesses=include_witnesses,
        group_sizes=group_sizes,
        breakdown_shown=breakdown_shown,
        statements=statements,
        written=written,
    )


def results_for_report(session: Session, inquiry: Inquiry) -> Results | None:
    """The questionnaire's results for the inquiry's report, with small groups protected:
    None when there is no questionnaire or it has not been closed yet."""
    questionnaire = questionnaire_for(session, inquiry)
    if questionnaire is None or questionnaire.status != QuestionnaireStatus.CLOSED:
        return None
    return results(session, questionnaire)
