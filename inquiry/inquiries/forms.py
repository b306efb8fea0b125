"""The form for creating an inquiry (the rest of its set-up is on its settings page)."""

from __future__ import annotations

from typing import Any

from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.base import BaseForm
from ..forms.fields import GovRadioField, GovStringField, GovSubmitField, GovTextAreaField
from ..models import InquiryMode

MODE_HINTS = {
    InquiryMode.STANDARD: (
        "Members of the public deliberate together and hear from experts who give evidence."
    ),
    InquiryMode.INVERTED: (
        "Professionals deliberate and people with lived experience of care give evidence, "
        "so that the professionals respond as people as well as in their role."
    ),
}
MODE_CHOICES = [(mode.value, mode.label) for mode in MODE_HINTS]
MODE_MESSAGE = "Select whether this is a standard or an inverted inquiry"


def mode_field() -> GovRadioField:
    """The choice between a standard and an inverted inquiry; nothing chosen by default."""
    return GovRadioField(
        "Type of inquiry",
        choices=MODE_CHOICES,
        choice_hints={mode.value: hint for mode, hint in MODE_HINTS.items()},
        validators=[InputRequired(message=MODE_MESSAGE)],
        invalid_choice_message=MODE_MESSAGE,
    )


def one_line(value: Any) -> Any:
    """Collapse runs of whitespace, line breaks included, to single spaces.

    A title is used in email subjects and page titles, where a line break
    would break the header or the layout; browsers never send one from a
    text input anyway.
    """
    return " ".join(value.split()) if isinstance(value, str) else value


def tidy_text(value: Any) -> Any:
    """Strip the ends and count a line break as one character, as the browser does."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class NewInquiryForm(BaseForm):
    title = GovStringField(
        "Title",
        description="A short name people will recognise, for example Living well at home.",
        filters=[one_line],
        validators=[
            DataRequired(message="Enter a title for the inquiry"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    question = GovTextAreaField(
        "The question the inquiry will answer",
        description=(
            "Ask one clear, open and neutral question. It is shown on every page of the "
            "inquiry and published with the report."
        ),
        max_length=500,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter the question the inquiry will answer"),
            Length(max=500, message="The question must be 500 characters or fewer"),
        ],
    )
    mode = mode_field()
    submit = GovSubmitField("Create inquiry")
