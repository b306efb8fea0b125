"""The form for creating an inquiry (the rest of its set-up comes later)."""

from __future__ import annotations

from wtforms.validators import InputRequired, Length

from ..forms.base import BaseForm
from ..forms.fields import GovStringField, GovSubmitField, GovTextAreaField


class NewInquiryForm(BaseForm):
    title = GovStringField(
        "Title",
        description="A short name people will recognise, for example Living well at home.",
        validators=[
            InputRequired(message="Enter a title for the inquiry"),
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
        validators=[
            InputRequired(message="Enter the question the inquiry will answer"),
            Length(max=500, message="The question must be 500 characters or fewer"),
        ],
    )
    submit = GovSubmitField("Create inquiry")
