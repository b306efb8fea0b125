"""Forms for raising and following up safeguarding concerns."""

from __future__ import annotations

from wtforms.validators import DataRequired, Length

from ..forms.base import BaseForm
from ..forms.fields import GovSubmitField, GovTextAreaField
from ..inquiries.forms import tidy_text
from .services import MAX_FOLLOW_UP_LENGTH, MAX_NOTE_LENGTH


class FlagForm(BaseForm):
    note = GovTextAreaField(
        "What concerns you?",
        description="Say what you noticed and what you think should happen next. Only "
        "researchers can read this. Do not copy the testimony itself here.",
        max_length=MAX_NOTE_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter what concerns you"),
            Length(
                max=MAX_NOTE_LENGTH,
                message=f"Your note must be {MAX_NOTE_LENGTH:,} characters or fewer",
            ),
        ],
    )
    submit = GovSubmitField("Raise concern")


class FollowUpForm(BaseForm):
    note = GovTextAreaField(
        "What was done to follow up?",
        description="For example, who spoke to the witness, when, and what support was "
        "offered. Only researchers can read this.",
        max_length=MAX_FOLLOW_UP_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter what was done to follow up the concern"),
            Length(
                max=MAX_FOLLOW_UP_LENGTH,
                message=f"Your follow-up must be {MAX_FOLLOW_UP_LENGTH:,} characters or fewer",
            ),
        ],
    )
    submit = GovSubmitField("Save and mark as followed up")


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a button."""

    submit = GovSubmitField("Confirm")
