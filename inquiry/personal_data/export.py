"""Everything the platform holds about one person, as a JSON-ready dictionary.

Each kind of data is a section produced by a function registered here; features
that store more about people register their own section (``register_section``), so
the download grows with the product without this module knowing every feature.
Secrets that would let someone act as the person (password hash, session token,
link nonces) and internal storage names are never included.

Left out on purpose, and said so on the download page: how the person voted (the
ballot keeps no link between voters and votes once it closes; while a ballot is open
the person's own votes are included), their evaluation answers (kept with no link to
them), and safeguarding notes researchers wrote (they are kept to protect people
and are available on request to the inquiry's researchers).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from ..models import (
    AuditEvent,
    ConsentRecord,
    ConsentText,
    Invitation,
    Membership,
    Notification,
    QuestionSupport,
    Reflection,
    ReflectionResponse,
    Testimony,
    TestimonyAttachment,
    User,
    WitnessQuestion,
)

Section = Callable[[Session, User], Any]
_SECTIONS: dict[str, Section] = {}

# Never exported: they would let someone act as the person, or reveal internals.
SECRET_COLUMNS = {"password_hash", "session_token", "nonce", "storage_name"}


def register_section(name: str, section: Section) -> Section:
    """Add a section to every download; the same name replaces the earlier one."""
    _SECTIONS[name] = section
    return section


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def row(obj: Any, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model row's columns, without secrets and the ``exclude`` ones."""
    return {
        column.key: _value(getattr(obj, column.key))
        for column in inspect(obj).mapper.column_attrs
        if column.key not in SECRET_COLUMNS and column.key not in exclude
    }


def collect(session: Session, user: User, *, now: datetime) -> dict[str, Any]:
    """The whole download for ``user``."""
    data: dict[str, Any] = {
        "about_this_file": (
            "Everything this inquiry platform holds about you, made at your request. "
            "Times are in UTC."
        ),
        "made_at": now.isoformat(),
    }
    for name, section in _SECTIONS.items():
        data[name] = section(session, user)
    return data


def membership_ids(session: Session, user: User) -> list[int]:
    """The ids of all the person's memberships, in every inquiry and state."""
    return list(session.scalars(select(Membership.id).where(Membership.user_id == user.id)))


def _account(session: Session, user: User) -> dict[str, Any]:
    return row(user)


def _memberships(session: Session, user: User) -> list[dict[str, Any]]:
    memberships = session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    )
    return [
        {**row(m), "inquiry_title": m.inquiry.title, "role": _value(m.role)} for m in memberships
    ]


def _invitations(session: Session, user: User) -> list[dict[str, Any]]:
    invitations = session.scalars(
        select(Invitation)
        .where(or_(Invitation.email == user.email, Invitation.accepted_by_id == user.id))
        .order_by(Invitation.id)
    )
    return [row(i) for i in invitations]


def _consent(session: Session, user: User) -> list[dict[str, Any]]:
    records = session.execute(
        select(ConsentRecord, ConsentText)
        .join(ConsentText, ConsentRecord.consent_text_id == ConsentText.id)
        .where(ConsentRecord.user_id == user.id)
        .order_by(ConsentRecord.id)
    )
    return [
        {
            **row(record),
            "inquiry_id": text.inquiry_id,
            "audience": _value(text.audience),
            "version": text.version,
            "text_agreed_to": text.body,
        }
        for record, text in records
    ]


def _testimony(session: Session, user: User) -> list[dict[str, Any]]:
    ids = membership_ids(session, user)
    testimonies = list(
        session.scalars(
            select(Testimony).where(Testimony.witness_id.in_(ids)).order_by(Testimony.id)
        )
    )
    attachments: dict[int, list[dict[str, Any]]] = {}
    for attachment in session.scalars(
        select(TestimonyAttachment).where(
            TestimonyAttachment.testimony_id.in_([t.id for t in testimonies])
        )
    ):
        attachments.setdefault(attachment.testimony_id, []).append(row(attachment))
    return [{**row(t), "attachments": attachments.get(t.id, [])} for t in testimonies]


def _questions(session: Session, user: User) -> dict[str, Any]:
    asked = session.scalars(select(WitnessQuestion).where(WitnessQuestion.asked_by_id == user.id))
    supported = session.scalars(select(QuestionSupport).where(QuestionSupport.user_id == user.id))
    return {"asked": [row(q) for q in asked], "supported": [row(s) for s in supported]}


def _reflections(session: Session, user: User) -> dict[str, Any]:
    ids = membership_ids(session, user)
    reflections = session.scalars(
        select(Reflection).where(Reflection.author_id.in_(ids)).order_by(Reflection.id)
    )
    replies = session.scalars(
        select(ReflectionResponse)
        .where(ReflectionResponse.author_id.in_(ids))
        .order_by(ReflectionResponse.id)
    )
    return {
        "reflections": [
            {**row(r), "prompt": r.prompt.text, "themes": [t.name for t in r.themes]}
            for r in reflections
        ],
        "replies": [row(r) for r in replies],
    }


def _notifications(session: Session, user: User) -> list[dict[str, Any]]:
    notifications = session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [row(n) for n in notifications]


def _activity(session: Session, user: User) -> list[dict[str, Any]]:
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    )
    return [row(e) for e in events]


register_section("account", _account)
register_section("inquiries", _memberships)
register_section("invitations", _invitations)
register_section("consent", _consent)
register_section("testimony", _testimony)
register_section("questions_for_witnesses", _questions)
register_section("reflections", _reflections)
register_section("notifications", _notifications)
register_section("activity_log", _activity)
