"""A session's shared reflections as rows for a spreadsheet (researchers only).

The rows are plain values; ``inquiry.exports.csv_response`` makes them safe to
open in a spreadsheet. Drafts are never exported.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import Inquiry, Reflection, Round, User
from .services import author_label, shared_reflections, sorted_themes

HEADER = ["Session", "Prompt", "Author", "Lens", "Visibility", "Shared at", "Themes", "Text"]


def _iso(value: datetime | None) -> str:
    """ISO 8601 in UTC, to the second: 2026-06-03T14:05:00+00:00."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def row_for(round_: Round, reflection: Reflection) -> list[str]:
    return [
        f"Session {round_.position}: {round_.title}",
        reflection.prompt.text,
        author_label(reflection.author),
        reflection.lens.label if reflection.lens else "",
        reflection.visibility.label,
        _iso(reflection.shared_at),
        "; ".join(theme.name for theme in sorted_themes(reflection)),
        reflection.body or "",
    ]


def reflection_rows(session: Session, round_: Round) -> list[list[str]]:
    """One row per shared reflection of the session, in reading order."""
    return [row_for(round_, reflection) for reflection in shared_reflections(session, round_)]


def filename_for(inquiry: Inquiry, round_: Round) -> str:
    return f"{inquiry.title} session {round_.position} reflections"


def record_export(
    session: Session, *, inquiry: Inquiry, round_: Round, actor: User, rows: int, now: datetime
) -> None:
    """The audit event for a download: counts only, never the words."""
    record(
        session,
        "reflections.exported",
        actor=actor,
        inquiry=inquiry,
        object_type="round",
        object_id=round_.id,
        rows=rows,
    )
