"""The inquiry's stages and the checks that decide when it may move on.

An inquiry moves forward one stage at a time: draft, recruiting, in session,
voting, reporting, published, closed. Each move is checked by the guards
registered for it in ``GUARDS``. A guard is a plain function taking the database
session and the inquiry and returning ``None`` when the move may go ahead, or the
reason it may not, in plain English. Features add their own guards with
``register_guard`` (ballots: "a ballot is ready"; reports: replacing
``no_published_report``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import (
    AuditEvent,
    ConsentAudience,
    ConsentText,
    Inquiry,
    InquiryStatus,
    Membership,
    MembershipStatus,
    Role,
    Round,
    User,
)

Guard = Callable[[Session, Inquiry], "str | None"]
Transition = tuple[InquiryStatus, InquiryStatus]

STAGES: tuple[InquiryStatus, ...] = (
    InquiryStatus.DRAFT,
    InquiryStatus.RECRUITING,
    InquiryStatus.IN_SESSION,
    InquiryStatus.VOTING,
    InquiryStatus.REPORTING,
    InquiryStatus.PUBLISHED,
    InquiryStatus.CLOSED,
)

# What each stage means, for the stage page.
STAGE_DESCRIPTIONS: dict[InquiryStatus, str] = {
    InquiryStatus.DRAFT: "Researchers set the question and settings, plan the sessions and "
    "write the information and consent texts.",
    InquiryStatus.RECRUITING: "Researchers invite participants and witnesses. People join, "
    "read the information about the inquiry and agree to take part.",
    InquiryStatus.IN_SESSION: "The cohort meets in sessions: they hear evidence from "
    "witnesses, reflect on it and write recommendations in their own words.",
    InquiryStatus.VOTING: "Participants vote on the recommendations in a secret ballot. "
    "Nobody can see how anyone voted.",
    InquiryStatus.REPORTING: "Researchers write up the process and the results, and members "
    "review the draft report.",
    InquiryStatus.PUBLISHED: "The report is published and the commissioning organisation "
    "answers every recommendation.",
    InquiryStatus.CLOSED: "The inquiry is over. Personal data is kept until the data "
    "retention date and then erased.",
}

# What moving into a stage changes, for the confirmation page.
STAGE_EFFECTS: dict[InquiryStatus, str] = {
    InquiryStatus.RECRUITING: "Every member will see that the inquiry is recruiting.",
    InquiryStatus.IN_SESSION: "Every member will see that the sessions have started.",
    InquiryStatus.VOTING: "Every member will see that the inquiry is voting on its "
    "recommendations.",
    InquiryStatus.REPORTING: "Every member will see that the report is being written.",
    InquiryStatus.PUBLISHED: "Every member will see that the report is published.",
    InquiryStatus.CLOSED: "Every member will see that the inquiry is closed.",
}

GUARDS: dict[Transition, list[Guard]] = {}


class StageError(Exception):
    """The inquiry cannot move to the stage asked for; ``reasons`` say why."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def register_guard(
    from_stage: InquiryStatus | str,
    to_stage: InquiryStatus | str,
    guard: Guard | None = None,
    *,
    replaces: Guard | None = None,
) -> Callable:
    """Add a check to the move ``from_stage`` -> ``to_stage``.

    Usable as ``register_guard(a, b, check)`` or as a decorator
    ``@register_guard(a, b)``. With ``replaces``, the new check takes the place of
    that earlier one (for example a report feature replacing
    ``no_published_report``). Registering the same check twice has no effect.
    """
    key = (InquiryStatus(from_stage), InquiryStatus(to_stage))
    if key not in _NEXT_PAIRS:
        raise ValueError(f"{key[0].value} -> {key[1].value} is not a move between stages")

    def add(check: Guard) -> Guard:
        guards = GUARDS.setdefault(key, [])
        if replaces is not None and replaces in guards:
            guards[guards.index(replaces)] = check
        elif check not in guards:
            guards.append(check)
        return check

    if guard is not None:
        return add(guard)
    return add


def unregister_guard(from_stage: InquiryStatus | str, to_stage: InquiryStatus | str, guard: Guard):
    """Remove a check (tests and features that replace a default use this)."""
    guards = GUARDS.get((InquiryStatus(from_stage), InquiryStatus(to_stage)), [])
    if guard in guards:
        guards.remove(guard)


# Stages --------------------------------------------------------------------------

_NEXT_PAIRS = set(pairwise(STAGES))


def stage_of(inquiry: Inquiry) -> InquiryStatus:
    return InquiryStatus(inquiry.status)


def next_stage(stage: InquiryStatus | str) -> InquiryStatus | None:
    """The stage after ``stage``, or None after the last."""
    index = STAGES.index(InquiryStatus(stage))
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def parse_stage(value: str) -> InquiryStatus | None:
    """The stage named in a URL (``in-session`` or ``in_session``), or None."""
    try:
        return InquiryStatus(value.replace("-", "_"))
    except ValueError:
        return None


def url_name(stage: InquiryStatus) -> str:
    return stage.value.replace("_", "-")


def blockers(session: Session, inquiry: Inquiry, target: InquiryStatus | str) -> list[str]:
    """Why the inquiry cannot move to ``target`` now: empty when it can."""
    current = stage_of(inquiry)
    target = InquiryStatus(target)
    if target == current:
        return [f"The inquiry is already at the {target.label.lower()} stage"]
    if STAGES.index(target) < STAGES.index(current):
        return [
            f"The inquiry has moved past the {target.label.lower()} stage and stages "
            "only move forward"
        ]
    following = next_stage(current)
    if target != following:
        return [
            f"Stages move one at a time: the next stage is {following.label.lower()}"
            if following
            else "The inquiry is closed"
        ]
    reasons: list[str] = []
    for guard in GUARDS.get((current, target), []):
        reason = guard(session, inquiry)
        if reason:
            reasons.append(reason)
    return reasons


def change_stage(
    session: Session,
    inquiry: Inquiry,
    target: InquiryStatus | str,
    *,
    actor: User,
    now: datetime,
) -> InquiryStatus:
    """Move the inquiry to ``target``, the next stage, if every guard allows it.

    Raises ``StageError`` with the reasons otherwise. Returns the stage it left.
    The audit event records the move; its time is when the stage began. ``now`` is
    the time of the request, as every service takes it.
    """
    target = InquiryStatus(target)
    # Two researchers moving the inquiry at once must not both succeed.
    session.execute(select(Inquiry.id).where(Inquiry.id == inquiry.id).with_for_update())
    session.refresh(inquiry, ["status"])
    reasons = blockers(session, inquiry, target)
    if reasons:
        raise StageError(reasons)
    previous = stage_of(inquiry)
    inquiry.status = target
    session.flush()
    record(
        session,
        "inquiry.stage_changed",
        actor=actor,
        inquiry=inquiry,
        object_type="inquiry",
        object_id=inquiry.id,
        **{"from": previous.value, "to": target.value},
    )
    return previous


def stage_changed_at(session: Session, inquiry: Inquiry) -> datetime | None:
    """When the inquiry moved to its current stage, or None if it never moved."""
    return session.scalar(
        select(AuditEvent.created_at)
        .where(AuditEvent.inquiry_id == inquiry.id, AuditEvent.action == "inquiry.stage_changed")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


# The first guards ------------------------------------------------------------------

UK = ZoneInfo("Europe/London")


def today() -> date:
    """Today in the UK, where the inquiries' sessions are held."""
    return datetime.now(UK).date()


def has_planned_sessions(session: Session, inquiry: Inquiry) -> str | None:
    count = session.scalar(
        select(func.count()).select_from(Round).where(Round.inquiry_id == inquiry.id)
    )
    return None if count else "There are no sessions in the plan yet"


def has_participant_consent_text(session: Session, inquiry: Inquiry) -> str | None:
    count = session.scalar(
        select(func.count())
        .select_from(ConsentText)
        .where(
            ConsentText.inquiry_id == inquiry.id,
            ConsentText.audience == ConsentAudience.PARTICIPANT,
        )
    )
    return None if count else "There is no information and consent text for participants yet"


def has_active_participant(session: Session, inquiry: Inquiry) -> str | None:
    count = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.inquiry_id == inquiry.id,
            Membership.role == Role.PARTICIPANT,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return None if count else "No participant has joined yet"


def has_held_a_session(session: Session, inquiry: Inquiry) -> str | None:
    count = session.scalar(
        select(func.count())
        .select_from(Round)
        .where(Round.inquiry_id == inquiry.id, Round.held_on.is_not(None), Round.held_on <= today())
    )
    return None if count else "No session has been held yet"


def no_published_report(session: Session, inquiry: Inquiry) -> str | None:
    """Refuses until the report feature replaces it with a real check."""
    return "There is no published report yet"


register_guard(InquiryStatus.DRAFT, InquiryStatus.RECRUITING, has_planned_sessions)
register_guard(InquiryStatus.DRAFT, InquiryStatus.RECRUITING, has_participant_consent_text)
register_guard(InquiryStatus.RECRUITING, InquiryStatus.IN_SESSION, has_active_participant)
register_guard(InquiryStatus.IN_SESSION, InquiryStatus.VOTING, has_held_a_session)
register_guard(InquiryStatus.REPORTING, InquiryStatus.PUBLISHED, no_published_report)
