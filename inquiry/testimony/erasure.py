"""Erasing testimony everywhere it is used, when a witness withdraws it.

The words go, not just out of sight: the body, the title and any change request
are cleared, the excerpts quoting it and its attachments are deleted, and
questions it answered are opened again. Features that keep their own links to
testimony (attachment files, evidence for recommendations...) register an eraser
in ``ERASERS``; each is called with the session and the testimony before the
core erasure, while the testimony still has its attachments and excerpts. An
eraser flushes, never commits, and raises to stop the whole withdrawal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..models import QuestionStatus, Testimony, TestimonyStatus, WitnessQuestion

Eraser = Callable[[Session, Testimony], None]

ERASERS: list[Eraser] = []


def register_eraser(eraser: Eraser) -> Eraser:
    """Add an eraser (usable as a decorator); adding the same one twice has no effect."""
    if eraser not in ERASERS:
        ERASERS.append(eraser)
    return eraser


def unregister_eraser(eraser: Eraser) -> None:
    if eraser in ERASERS:
        ERASERS.remove(eraser)


def erase(session: Session, testimony: Testimony, *, now: datetime) -> None:
    """Erase the testimony's words and everything drawn from them; keep a bare row.

    The row stays, with status withdrawn, so sessions, counts and the audit log
    still make sense; nothing a person wrote remains in it.
    """
    for eraser in list(ERASERS):
        eraser(session, testimony)

    # Questions it answered are open again: the answer no longer exists.
    session.execute(
        update(WitnessQuestion)
        .where(WitnessQuestion.answer_testimony_id == testimony.id)
        .values(answer_testimony_id=None, status=QuestionStatus.OPEN, answered_at=None)
        .execution_options(synchronize_session="fetch")
    )
    # Removing them from the relationships deletes the rows (and excerpts' theme links).
    testimony.excerpts.clear()
    testimony.attachments.clear()

    testimony.title = ""
    testimony.body = None
    testimony.change_request = None
    testimony.status = TestimonyStatus.WITHDRAWN
    testimony.withdrawn_at = now
    testimony.updated_at = now
    testimony.revision = (testimony.revision or 0) + 1
    session.flush()
