"""The session plan: adding, changing, moving and deleting sessions (rounds).

Positions are kept contiguous, 1 to n, after every change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import contributions
from ..audit.service import record
from ..models import Inquiry, InquiryMode, Reflection, Round, RoundKind, RoundPrompt, User
from .plans import recommended_plan

MAX_PROMPTS = 10
MAX_PROMPT_LENGTH = 500


class RoundError(Exception):
    """A change to the plan that cannot be made, with a message for the researcher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def plan_for(session: Session, inquiry: Inquiry) -> list[Round]:
    """The inquiry's sessions in order."""
    return list(
        session.scalars(
            select(Round).where(Round.inquiry_id == inquiry.id).order_by(Round.position, Round.id)
        )
    )


def round_in(session: Session, inquiry: Inquiry, round_id: int) -> Round | None:
    """The session with this id if it belongs to the inquiry."""
    round_ = session.get(Round, round_id)
    if round_ is None or round_.inquiry_id != inquiry.id:
        return None
    return round_


def parse_prompts(text: str | None) -> list[str]:
    """One prompt per line; surrounding spaces trimmed and blank lines ignored."""
    if not text:
        return []
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _renumber(rounds: list[Round]) -> None:
    for number, round_ in enumerate(rounds, start=1):
        if round_.position != number:
            round_.position = number


CHANGE_PROMPT = "How has your thinking changed since the last session?"


def _set_prompts(
    round_: Round,
    texts: list[str],
    *,
    asks_about_change: bool = False,
    session: Session | None = None,
) -> None:
    """Make the session's prompts these texts, keeping rows whose text is unchanged,
    and end with the closing prompt about how thinking changed when asked for.

    Keeping rows matters once reflections answer a particular prompt; a prompt that
    participants have answered is never removed, so no one's words are lost.
    """
    existing = [p for p in round_.prompts if not p.asks_about_change]
    change = next((p for p in round_.prompts if p.asks_about_change), None)
    unused = list(existing)
    kept: list[RoundPrompt | None] = []
    for text in texts:
        match = next((p for p in unused if p.text == text), None)
        if match is not None:
            unused.remove(match)
        kept.append(match)
    result: list[RoundPrompt] = []
    for text, match in zip(texts, kept, strict=True):
        if match is None:
            match = unused.pop(0) if unused else RoundPrompt(text=text)
            match.text = text
        result.append(match)
    removed = [*unused, *([change] if change is not None and not asks_about_change else [])]
    if session is not None and _answered(session, removed):
        raise RoundError(
            "Participants have already answered a prompt you removed. Keep it, or change "
            "its wording instead of removing it."
        )
    if asks_about_change:
        result.append(change or RoundPrompt(text=CHANGE_PROMPT, asks_about_change=True))
    for position, prompt in enumerate(result, start=1):
        prompt.position = position
    round_.prompts = result


def _answered(session: Session, prompts: list[RoundPrompt]) -> bool:
    ids = [p.id for p in prompts if p.id is not None]
    if not ids:
        return False
    return bool(
        session.scalar(
            select(func.count()).select_from(Reflection).where(Reflection.prompt_id.in_(ids))
        )
    )


def _check_prompts(prompts: list[str]) -> None:
    if len(prompts) > MAX_PROMPTS:
        raise RoundError(f"Enter {MAX_PROMPTS} prompts or fewer")
    for number, text in enumerate(prompts, start=1):
        if len(text) > MAX_PROMPT_LENGTH:
            raise RoundError(f"Prompt {number} must be {MAX_PROMPT_LENGTH} characters or fewer")


def create_round(
    session: Session,
    *,
    inquiry: Inquiry,
    actor: User,
    kind: RoundKind,
    title: str,
    held_on: date | None,
    purpose: str,
    prompts: list[str],
    now: datetime,
    asks_about_change: bool = False,
) -> Round:
    """Add a session at the end of the plan."""
    _check_prompts(prompts)
    rounds = plan_for(session, inquiry)
    _renumber(rounds)
    round_ = Round(
        inquiry_id=inquiry.id,
        position=len(rounds) + 1,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        purpose=(purpose or "").strip(),
        created_at=now,
    )
    _set_prompts(round_, prompts, asks_about_change=asks_about_change)
    session.add(round_)
    session.flush()
    record(
        session,
        "round.created",
        actor=actor,
        inquiry=inquiry,
        object_type="round",
        object_id=round_.id,
        kind=round_.kind.value,
        position=round_.position,
    )
    return round_


def update_round(
    session: Session,
    round_: Round,
    *,
    inquiry: Inquiry,
    actor: User,
    kind: RoundKind,
    title: str,
    held_on: date | None,
    purpose: str,
    prompts: list[str],
    now: datetime,
    asks_about_change: bool = False,
) -> Round:
    _check_prompts(prompts)
    changed = []
    new_values = {
        "kind": kind,
        "title": title.strip(),
        "held_on": held_on,
        "purpose": (purpose or "").strip(),
    }
    for name, value in new_values.items():
        if getattr(round_, name) != value:
            setattr(round_, name, value)
            changed.append(name)
    current = [p.text for p in round_.prompts if not p.asks_about_change]
    has_change_prompt = any(p.asks_about_change for p in round_.prompts)
    if current != prompts or has_change_prompt != asks_about_change:
        _set_prompts(round_, prompts, asks_about_change=asks_about_change, session=session)
        changed.append("prompts")
    session.flush()
    if changed:
        record(
            session,
            "round.updated",
            actor=actor,
            inquiry=inquiry,
            object_type="round",
            object_id=round_.id,
            changed=changed,
        )
    return round_


def contributions_in(session: Session, round_: Round) -> dict[str, int]:
    """Contributions tied to the session, by kind; a session with any cannot be deleted."""
    return contributions.in_round(session, round_)


def deletion_blocker(session: Session, round_: Round) -> str | None:
    """Why the session cannot be deleted, or None when it can."""
    counts = contributions_in(session, round_)
    if not counts:
        return None
    return (
        f"You cannot delete this session because it has {contributions.describe(counts)}. "
        "What people contributed stays with the session. You can change its title, date, "
        "purpose or prompts instead."
    )


def delete_round(
    session: Session, round_: Round, *, inquiry: Inquiry, actor: User, now: datetime
) -> None:
    blocker = deletion_blocker(session, round_)
    if blocker:
        raise RoundError(blocker)
    round_id, kind, position = round_.id, round_.kind.value, round_.position
    session.delete(round_)
    session.flush()
    _renumber(plan_for(session, inquiry))
    session.flush()
    record(
        session,
        "round.deleted",
        actor=actor,
        inquiry=inquiry,
        object_type="round",
        object_id=round_id,
        kind=kind,
        position=position,
    )


def move_round(
    session: Session,
    round_: Round,
    *,
    inquiry: Inquiry,
    actor: User,
    direction: str,
    now: datetime,
) -> bool:
    """Swap the session with its neighbour; False when it is already first or last."""
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    rounds = plan_for(session, inquiry)
    _renumber(rounds)
    index = rounds.index(round_)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(rounds):
        session.flush()
        return False
    rounds[index], rounds[other] = rounds[other], rounds[index]
    _renumber(rounds)
    session.flush()
    record(
        session,
        "round.moved",
        actor=actor,
        inquiry=inquiry,
        object_type="round",
        object_id=round_.id,
        direction=direction,
        from_position=index + 1,
        to_position=other + 1,
    )
    return True


def apply_plan(session: Session, inquiry: Inquiry, *, actor: User, now: datetime) -> list[Round]:
    """Add the recommended plan for the inquiry's mode to an inquiry with no sessions."""
    if plan_for(session, inquiry):
        raise RoundError(
            "This inquiry already has sessions. Change or delete them on this page instead."
        )
    rounds = []
    for position, planned in enumerate(recommended_plan(inquiry.mode), start=1):
        round_ = Round(
            inquiry_id=inquiry.id,
            position=position,
            kind=planned.kind,
            title=planned.title,
            purpose=planned.purpose,
            created_at=now,
        )
        # Every session after the first, except the ballot, ends by asking how thinking
        # has changed, so the report can show how views moved.
        _set_prompts(
            round_,
            list(planned.prompts),
            asks_about_change=position > 1 and planned.kind != RoundKind.BALLOT,
        )
        session.add(round_)
        rounds.append(round_)
    session.flush()
    record(
        session,
        "rounds.plan_applied",
        actor=actor,
        inquiry=inquiry,
        object_type="inquiry",
        object_id=inquiry.id,
        mode=InquiryMode(inquiry.mode).value,
        sessions=len(rounds),
    )
    return rounds
