"""Progress after the commissioner's response ("you said, we did").

Once the response is published, commissioners post dated updates on each recommendation
they answered: a status, a percentage and a short note. Updates are added, never changed
or removed: together they are the recommendation's timeline, and a mistake is put right
by a newer update. The overall figure and the page's reading are in
``responses.summary``.

Services take the session and explicit arguments, flush and never commit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..formatting import uk_date, uk_today
from ..models import Inquiry, ProgressStatus, ProgressUpdate, Recommendation, User
from ..personal_data.export import register_section, row
from ..responses import summary

MAX_NOTE_LENGTH = 2_000

NOT_PUBLISHED = "Progress can be reported once the response is published"

# The messages, shared by the form and the service so they always agree.
PERCENT_MESSAGE = "Enter the progress as a whole number from 0 to 100"
DONE_MESSAGE = "Done means 100%. Enter 100 or choose another status"
NOT_STARTED_MESSAGE = "Not started means 0%. Enter 0 or choose another status"
NOTE_MESSAGE = "Enter a short note on what has happened"
DROPPED_NOTE_MESSAGE = "Enter why the recommendation was dropped"
NOTE_TOO_LONG = f"The note must be {MAX_NOTE_LENGTH:,} characters or fewer"
DATE_MESSAGE = "Enter the date of the update"
FUTURE_MESSAGE = "The date of the update must be today or in the past"


class ProgressError(Exception):
    """An update that cannot be posted. ``field`` names the form field the message
    belongs next to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def before_start_message(inquiry: Inquiry) -> str:
    return (
        "The date of the update must be the same as or after the inquiry's start date, "
        f"{uk_date(inquiry.starts_on)}"
    )


def check_update(
    inquiry: Inquiry,
    *,
    status: ProgressStatus | None,
    percent: int | None,
    note: str,
    happened_on: date | None,
    today: date,
) -> dict[str, str]:
    """What is wrong with an update, by field (``status``, ``percent``, ``note``,
    ``happened_on``); empty when it can be posted.

    - the percentage is a whole number from 0 to 100; "Done" means 100 and "Not started"
      means 0; "In progress" and "Dropped" take any (a dropped recommendation keeps the
      percentage it had reached)
    - a note is needed; for "Dropped" it gives the reasons
    - the date is today or earlier (UK), and not before the inquiry's start date when it
      has one (work can begin before the response is published)
    """
    problems: dict[str, str] = {}
    if status is None:
        problems["status"] = "Select the status"
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        problems["percent"] = PERCENT_MESSAGE
    elif status == ProgressStatus.DONE and percent != 100:
        problems["percent"] = DONE_MESSAGE
    elif status == ProgressStatus.NOT_STARTED and percent != 0:
        problems["percent"] = NOT_STARTED_MESSAGE
    text = (note or "").strip()
    if not text:
        problems["note"] = (
            DROPPED_NOTE_MESSAGE if status == ProgressStatus.DROPPED else NOTE_MESSAGE
        )
    elif len(text) > MAX_NOTE_LENGTH:
        problems["note"] = NOTE_TOO_LONG
    if happened_on is None:
        problems["happened_on"] = DATE_MESSAGE
    elif happened_on > today:
        problems["happened_on"] = FUTURE_MESSAGE
    elif inquiry.starts_on is not None and happened_on < inquiry.starts_on:
        problems["happened_on"] = before_start_message(inquiry)
    return problems


def post_update(
    session: Session,
    inquiry: Inquiry,
    recommendation: Recommendation,
    *,
    status: ProgressStatus,
    percent: int,
    note: str,
    happened_on: date,
    actor: User,
    now: datetime,
) -> ProgressUpdate:
    """Add a dated update to a recommendation's timeline, once the response is
    published. Refused (``ProgressError``) before then, for a recommendation that is not
    one the commissioner answers, and for an update that breaks ``check_update``."""
    if summary.published_response(session, inquiry) is None:
        raise ProgressError(NOT_PUBLISHED)
    answered = {r.id for r in summary.recommendations_to_answer(session, inquiry)}
    if recommendation.inquiry_id != inquiry.id or recommendation.id not in answered:
        raise ProgressError(
            "Progress can only be reported on the recommendations the commissioner answered"
        )
    problems = check_update(
        inquiry,
        status=status,
        percent=percent,
        note=note,
        happened_on=happened_on,
        today=uk_today(now),
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise ProgressError(message, field=field)
    update = ProgressUpdate(
        inquiry_id=inquiry.id,
        recommendation_id=recommendation.id,
        status=status,
        percent=percent,
        note=note.strip(),
        happened_on=happened_on,
        created_at=now,
        author_id=actor.id,
    )
    session.add(update)
    session.flush()
    record(
        session,
        "progress.updated",
        actor=actor,
        inquiry=inquiry,
        object_type="progress_update",
        object_id=update.id,
        recommendation=recommendation.reference,
        status=status.value,
        percent=percent,
    )
    return update


# The data download ----------------------------------------------------------------------


def personal_data(session: Session, user: User) -> list[dict]:
    """The progress updates the person posted, oldest first."""
    updates = session.scalars(
        select(ProgressUpdate)
        .where(ProgressUpdate.author_id == user.id)
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    return [row(update, exclude=("author_id",)) for update in updates]


register_section("progress_updates", personal_data)
