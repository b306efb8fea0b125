"""Forms for themes: a name, a merge, and who may mark excerpts."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.base import BaseForm
from ..forms.fields import GovRadioField, GovStringField, GovSubmitField
from ..inquiries.forms import one_line
from .services import MAX_NAME_LENGTH


class ThemeForm(BaseForm):
    name = GovStringField(
        "Theme name",
        description="A few words for an idea that comes up again and again, for example "
        "Continuity of carers or Being listened to.",
        filters=[one_line],
        validators=[
            DataRequired(message="Enter a name for the theme"),
            Length(
                max=MAX_NAME_LENGTH,
                message=f"Theme name must be {MAX_NAME_LENGTH} characters or fewer",
            ),
        ],
    )
    submit = GovSubmitField("Add theme")


class RenameForm(ThemeForm):
    submit = GovSubmitField("Save name")


class MergeForm(BaseForm):
    """Choose the theme to merge into; ``confirmed`` is set by the confirmation page."""

    into = GovRadioField(
        "Which theme should it be merged into?",
        choices=[],
        validators=[InputRequired(message="Select the theme to merge it into")],
        invalid_choice_message="Select the theme to merge it into",
    )
    confirmed = HiddenField()
    submit = GovSubmitField("Continue")


MARKING_CHOICES = {
    "researchers": "Researchers only",
    "participants": "Researchers and participants",
}
MARKING_HINTS = {
    "researchers": "Participants read the testimony and see the excerpts, but do not mark them.",
    "participants": "Participants can mark excerpts from approved testimony and tag them with "
    "themes. They can change or delete the excerpts they marked; researchers can change or "
    "delete any excerpt.",
}


class ExcerptMarkingForm(BaseForm):
    who = GovRadioField(
        "Who can mark excerpts?",
        choices=list(MARKING_CHOICES.items()),
        choice_hints=MARKING_HINTS,
        validators=[InputRequired(message="Select who can mark excerpts")],
        invalid_choice_message="Select who can mark excerpts",
    )
    submit = GovSubmitField("Save")
