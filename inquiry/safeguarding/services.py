"""Safeguarding concerns: what can be flagged, raising, following up and reopening.

Researchers only. The notes are never written to the audit log.

Features register what can be flagged::

    register(
        "reflection",
        label="Reflection",
        exists=lambda session, inquiry, object_id: ...,   # in this inquiry?
        url=lambda inquiry, object_id: ... or None,       # its page, if any
        describe=lambda session, inquiry, object_id: ...,  # optional, for researchers
    )

Testimony is registered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import (
    AuditEvent,
    FlagStatus,
    Inquiry,
    MembershipStatus,
    SafeguardingFlag,
    Testimony,
    TestimonyStatus,
    User,
)

MAX_NOTE_LENGTH = 2000
MAX_FOLLOW_UP_LENGTH = 4000


class SafeguardingError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# What can be flagged ----------------------------------------------------------------


@dataclass(frozen=True)
class FlagTarget:
    object_type: str
    label: str  # "Testimony": what a flag is about, as researchers read it
    # Whether the object with this id belongs to the inquiry.
    exists: Callable[[Session, Inquiry, int], bool]
    # The object's page, or None when it has none (yet).
    url: Callable[[Inquiry, int], str | None]
    # A short, non-sensitive description for researchers (never the words themselves).
    describe: Callable[[Session, Inquiry, int], str | None] | None = None


_TARGETS: dict[str, FlagTarget] = {}


def register(
    object_type: str,
    *,
    label: str,
    exists: Callable[[Session, Inquiry, int], bool],
    url: Callable[[Inquiry, int], str | None],
    describe: Callable[[Session, Inquiry, int], str | None] | None = None,
) -> FlagTarget:
    """Make ``object_type`` flaggable; registering a type again replaces it."""
    if not object_type or len(object_type) > 20:
        raise ValueError("object_type must be 1 to 20 characters")
    target = FlagTarget(object_type, label, exists, url, describe)
    _TARGETS[object_type] = target
    return target


def unregister(object_type: str) -> None:
    _TARGETS.pop(object_type, None)


def target_for(object_type: str | None) -> FlagTarget | None:
    return _TARGETS.get(object_type or "")


def object_exists(session: Session, inquiry: Inquiry, object_type: str, object_id: int) -> bool:
    target = target_for(object_type)
    return target is not None and bool(target.exists(session, inquiry, object_id))


def object_url(inquiry: Inquiry, object_type: str, object_id: int) -> str | None:
    target = target_for(object_type)
    return target.url(inquiry, object_id) if target else None


def object_label(object_type: str) -> str:
    target = target_for(object_type)
    return target.label if target else object_type.replace("_", " ").capitalize()


def object_description(
    session: Session, inquiry: Inquiry, object_type: str, object_id: int
) -> str | None:
    target = target_for(object_type)
    if target is None or target.describe is None:
        return None
    return target.describe(session, inquiry, object_id)


def endpoint_url(endpoint: str, **values) -> str | None:
    """``url_for`` if the endpoint exists in this app, else None."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _testimony_exists(session: Session, inquiry: Inquiry, object_id: int) -> bool:
    found = session.scalar(
        select(Testimony.id).where(Testimony.id == object_id, Testimony.inquiry_id == inquiry.id)
    )
    return found is not None


def _testimony_url(inquiry: Inquiry, object_id: int) -> str | None:
    return endpoint_url("testimony.show", inquiry_id=inquiry.id, testimony_id=object_id)


def _describe_testimony(session: Session, inquiry: Inquiry, object_id: int) -> str | None:
    testimony = session.get(Testimony, object_id)
    if testimony is None or testimony.inquiry_id != inquiry.id:
        return "No longer exists"
    if testimony.status == TestimonyStatus.WITHDRAWN:
        return "Withdrawn by the witness"
    witness = testimony.witness
    who = (
        witness.public_name
        if witness is not None and witness.status == MembershipStatus.ACTIVE
        else "a witness who has left the inquiry"
    )
    title = testimony.title or "Untitled testimony"
    return f"{title}, from {who}"


register(
    "testimony",
    label="Testimony",
    exists=_testimony_exists,
    url=_testimony_url,
    describe=_describe_testimony,
)


# Reading ------------------------------------------------------------------------------


def flag_in(session: Session, inquiry: Inquiry, flag_id: int) -> SafeguardingFlag | None:
    flag = session.get(SafeguardingFlag, flag_id)
    if flag is None or flag.inquiry_id != inquiry.id:
        return None
    return flag


def flags_for(session: Session, inquiry: Inquiry) -> list[SafeguardingFlag]:
    """Open concerns first, newest first; then those followed up, most recent first."""
    is_open = case((SafeguardingFlag.status == FlagStatus.OPEN, 0), else_=1)
    return list(
        session.scalars(
            select(SafeguardingFlag)
            .where(SafeguardingFlag.inquiry_id == inquiry.id)
            .order_by(
                is_open,
                SafeguardingFlag.created_at.desc(),
                SafeguardingFlag.id.desc(),
            )
        )
    )


def open_count(session: Session, inquiry: Inquiry, object_type: str, object_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SafeguardingFlag)
            .where(
                SafeguardingFlag.inquiry_id == inquiry.id,
                SafeguardingFlag.object_type == object_type,
                SafeguardingFlag.object_id == object_id,
                SafeguardingFlag.status == FlagStatus.OPEN,
            )
        )
        or 0
    )


def last_followed_up_by(session: Session, flag: SafeguardingFlag) -> User | None:
    """Who recorded the latest follow-up, from the audit log."""
    actor_id = session.scalar(
        select(AuditEvent.actor_id)
        .where(
            AuditEvent.action == "safeguarding.flag_followed_up",
            AuditEvent.object_type == "safeguarding_flag",
            AuditEvent.object_id == flag.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return session.get(User, actor_id) if actor_id is not None else None


# Changing -------------------------------------------------------------------------------


def _clean_note(note: str, *, limit: int, missing: str, too_long: str) -> str:
    note = (note or "").strip()
    if not note:
        raise SafeguardingError(missing)
    if len(note) > limit:
        raise SafeguardingError(too_long)
    return note


def raise_flag(
    session: Session,
    *,
    inquiry: Inquiry,
    actor: User,
    object_type: str,
    object_id: int,
    note: str,
    now: datetime,
) -> SafeguardingFlag:
    if not object_exists(session, inquiry, object_type, object_id):
        raise SafeguardingError("There is nothing to flag with that reference in this inquiry")
    note = _clean_note(
        note,
        limit=MAX_NOTE_LENGTH,
        missing="Enter what concerns you",
        too_long=f"Your note must be {MAX_NOTE_LENGTH:,} characters or fewer",
    )
    flag = SafeguardingFlag(
        inquiry_id=inquiry.id,
        object_type=object_type,
        object_id=object_id,
        note=note,
        status=FlagStatus.OPEN,
        raised_by_id=actor.id,
        created_at=now,
    )
    session.add(flag)
    session.flush()
    record(
        session,
        "safeguarding.flag_raised",
        actor=actor,
        inquiry=inquiry,
        object_type="safeguarding_flag",
        object_id=flag.id,
        about_type=object_type,
        about_id=object_id,
    )
    return flag


def follow_up(
    session: Session,
    flag: SafeguardingFlag,
    *,
    inquiry: Inquiry,
    actor: User,
    note: str,
    now: datetime,
) -> SafeguardingFlag:
    if flag.status != FlagStatus.OPEN:
        raise SafeguardingError("This concern has already been followed up")
    flag.follow_up_note = _clean_note(
        note,
        limit=MAX_FOLLOW_UP_LENGTH,
        missing="Enter what was done to follow up the concern",
        too_long=f"Your follow-up must be {MAX_FOLLOW_UP_LENGTH:,} characters or fewer",
    )
    flag.status = FlagStatus.FOLLOWED_UP
    flag.followed_up_at = now
    session.flush()
    record(
        session,
        "safeguarding.flag_followed_up",
        actor=actor,
        inquiry=inquiry,
        object_type="safeguarding_flag",
        object_id=flag.id,
        about_type=flag.object_type,
        about_id=flag.object_id,
    )
    return flag


def reopen(
    session: Session, flag: SafeguardingFlag, *, inquiry: Inquiry, actor: User, now: datetime
) -> bool:
    """Open the concern again; the last follow-up note is kept to build on."""
    if flag.status == FlagStatus.OPEN:
        return False
    flag.status = FlagStatus.OPEN
    flag.followed_up_at = None
    session.flush()
    record(
        session,
        "safeguarding.flag_reopened",
        actor=actor,
        inquiry=inquiry,
        object_type="safeguarding_flag",
        object_id=flag.id,
        about_type=flag.object_type,
        about_id=flag.object_id,
    )
    return True
