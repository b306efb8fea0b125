"""Forms for writing a consent text and for agreeing to one."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import InputRequired, Length, ValidationError

from ..forms.base import BaseForm
from ..forms.fields import GovBooleanField, GovSubmitField, GovTextAreaField
from .services import BODY_MAX_LENGTH


class ConsentTextForm(BaseForm):
    body = GovTextAreaField(
        "Information and consent text",
        description=(
            "Leave a blank line between paragraphs. Start a line with ## for a heading, or "
            "with - for a bullet point. Anything else, including HTML, is shown exactly as "
            "you type it."
        ),
        max_length=BODY_MAX_LENGTH,
        validators=[
            InputRequired(message="Enter the information and consent text"),
            Length(
                max=BODY_MAX_LENGTH,
                message=f"The text must be {BODY_MAX_LENGTH:,} characters or fewer",
            ),
        ],
    )
    # The version the researcher started from, so a newer one is never overwritten.
    based_on = HiddenField()
    submit = GovSubmitField("Publish new version")

    def validate_body(self, field) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the information and consent text")


class GiveConsentForm(BaseForm):
    # The text the member read, so agreeing never counts for a newer one they have not seen.
    text_id = HiddenField()
    agree = GovBooleanField(
        "I have read this and I agree to take part",
        validators=[
            InputRequired(
                message="Select the box to confirm you have read the information and agree "
                "to take part"
            )
        ],
    )
    submit = GovSubmitField("Continue")
