"""The form commissioners post a progress update with."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from wtforms.validators import InputRequired

from ..forms.base import BaseForm
from ..forms.dates import GovDateField
from ..forms.fields import GovRadioField, GovStringField, GovSubmitField, GovTextAreaField
from ..inquiries.forms import tidy_text
from ..models import Inquiry, ProgressStatus, ProgressUpdate
from .services import DATE_MESSAGE, MAX_NOTE_LENGTH, check_update

STATUS_HINTS = {
    ProgressStatus.NOT_STARTED: "Work has not begun yet. The progress is 0%.",
    ProgressStatus.IN_PROGRESS: "Work has begun. Give the share of it that is done.",
    ProgressStatus.DONE: "The work is finished. The progress is 100%.",
    ProgressStatus.DROPPED: "The work has stopped and will not go on. Give the progress it "
    "had reached and, in the note, the reasons.",
}

_PERCENT = re.compile(r"^(\d{1,3})\s*%?$")


def percent_of(text: str | None) -> int | None:
    """The whole number in '40' or '40%', or None when there is none."""
    match = _PERCENT.match((text or "").strip())
    return int(match.group(1)) if match else None


class UpdateForm(BaseForm):
    status = GovRadioField(
        "Status",
        choices=[(status.value, status.label) for status in ProgressStatus],
        choice_hints={status.value: hint for status, hint in STATUS_HINTS.items()},
        validators=[InputRequired(message="Select the status")],
        invalid_choice_message="Select the status",
    )
    percent = GovStringField(
        "Progress",
        description="How much of the work is done, as a whole number from 0 to 100.",
    )
    note = GovTextAreaField(
        "What has happened",
        description="A few sentences on what has been done since the last update, in plain "
        "English: the cohort and the witnesses read it. If the recommendation has been "
        "dropped, say why.",
        max_length=MAX_NOTE_LENGTH,
        filters=[tidy_text],
    )
    happened_on = GovDateField(
        "Date of the update",
        subject="The date of the update",
        required_message=DATE_MESSAGE,
        description="The day this update describes. For example, 27 3 2027",
    )
    submit = GovSubmitField("Post the update")

    @classmethod
    def initial(cls, latest: ProgressUpdate | None) -> dict[str, Any]:
        """Starting values: the latest status and percentage, when there is an update."""
        if latest is None:
            return {}
        return {"status": latest.status.value, "percent": str(latest.percent)}

    @property
    def status_value(self) -> ProgressStatus | None:
        try:
            return ProgressStatus(self.status.data)
        except ValueError:
            return None

    @property
    def percent_value(self) -> int | None:
        return percent_of(self.percent.data)

    def check(self, inquiry: Inquiry, *, today: date) -> bool:
        """Validate the fields, then the rules an update must keep (the same as the
        service's), each message next to its field."""
        self.validate()
        problems = check_update(
            inquiry,
            status=self.status_value,
            percent=self.percent_value,
            note=self.note.data or "",
            happened_on=self.happened_on.data,
            today=today,
        )
        for name, message in problems.items():
            field = getattr(self, name)
            if not field.errors:
                self.add_field_error(name, message)
        return not any(field.errors for field in self) and not self.form_errors
