"""Creating and reading notifications. Messages never contain testimony or other content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ..models import Inquiry, Notification, User


def notify(
    session: Session,
    user: User | int,
    message: str,
    *,
    inquiry: Inquiry | None = None,
    link: str = "",
    now: datetime,
) -> Notification:
    notification = Notification(
        user_id=user if isinstance(user, int) else user.id,
        inquiry_id=inquiry.id if inquiry else None,
        message=message[:300],
        link=link[:500],
        created_at=now,
    )
    session.add(notification)
    session.flush()
    return notification


# Built once: every signed-in page shows the count.
_UNREAD = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
)


def unread_count(session: Session, user: User) -> int:
    return session.scalar(_UNREAD, {"user_id": user.id}) or 0


def recent(session: Session, user: User, *, limit: int = 50) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(session: Session, user: User, *, now: datetime) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )


def inquiry_titles(session: Session, inquiry_ids: set[int | None]) -> dict[int, str]:
    """The titles of the inquiries some notifications belong to, in one query."""
    ids = {i for i in inquiry_ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(Inquiry.id, Inquiry.title).where(Inquiry.id.in_(ids)))
    return {inquiry_id: title for inquiry_id, title in rows}
