"""Forms for recommendations: the wording with its themes and evidence, comments,
support, amendments and the author's decision on them."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..excerpts.forms import GovCheckboxesField, theme_choices
from ..forms.base import BaseForm
from ..forms.fields import (
    GovRadioField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    as_select_choices,
)
from ..inquiries.forms import tidy_text
from .services import (
    MAX_COMMENT_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_REASON_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    PROPOSE_MESSAGES,
    WORDING_NEEDED_TO_PROPOSE,
)

LABELS = {
    "title": "Short title",
    "body": "The recommendation",
    "for_individual": "What it would mean for the individual",
    "for_system": "What it would mean for the system",
    "who_should_act": "Who should act",
    "rationale": "Why: the rationale",
}


def revision_of(field: HiddenField) -> int:
    """The revision a form was made from; 0 when missing or not a number."""
    value = (field.data or "").strip() if isinstance(field.data, str) else ""
    return int(value) if value.isdigit() else 0


def _text(name: str, description: str, *, required: bool = False) -> GovTextAreaField:
    validators: list[Any] = [
        Length(
            max=MAX_TEXT_LENGTH,
            message=f"{LABELS[name]} must be {MAX_TEXT_LENGTH:,} characters or fewer",
        )
    ]
    if required:
        validators.insert(0, DataRequired(message="Enter the recommendation"))
    return GovTextAreaField(
        LABELS[name],
        description=description,
        max_length=MAX_TEXT_LENGTH,
        filters=[tidy_text],
        validators=validators,
    )


def _title() -> GovStringField:
    return GovStringField(
        LABELS["title"],
        description="One line that sums up the recommendation, like a headline.",
        validators=[
            DataRequired(message="Enter a short title"),
            Length(
                max=MAX_TITLE_LENGTH,
                message=f"The short title must be {MAX_TITLE_LENGTH} characters or fewer",
            ),
        ],
    )


class _WordingForm(BaseForm):
    """The six parts of a wording, the individual before the system."""

    title = _title()
    body = _text(
        "body",
        "What should happen. Write it in your own words.",
        required=True,
    )
    for_individual = _text(
        "for_individual",
        "For the person at the centre of it, and the people close to them. "
        "Needed before it is proposed to the cohort.",
    )
    for_system = _text(
        "for_system",
        "For services, teams and organisations. Needed before it is proposed to the cohort.",
    )
    who_should_act = _text(
        "who_should_act", "The organisations, teams or people who should make it happen."
    )
    rationale = _text(
        "rationale", "What you heard or know that makes this important. This is optional."
    )

    @property
    def wording(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in LABELS}

    def check_complete(self) -> bool:
        """Add an error to every part a proposed recommendation needs that is empty."""
        complete = True
        for name in WORDING_NEEDED_TO_PROPOSE:
            field = getattr(self, name)
            if not (field.data or "").strip():
                if not field.errors:
                    field.errors = [*field.errors, PROPOSE_MESSAGES[name]]
                complete = False
        return complete


def _ids_field(label: str, message: str) -> GovCheckboxesField:
    return GovCheckboxesField(
        label,
        coerce=int,
        choices=[],
        validate_choice=True,
        invalid_choice_message=message,
        invalid_value_message=message,
    )


class RecommendationForm(_WordingForm):
    themes = _ids_field("Themes (optional)", "Select themes from the list")
    excerpts = _ids_field("What witnesses said (optional)", "Select excerpts from the list")
    reflections = _ids_field("Reflections (optional)", "Select reflections from the list")
    revision = HiddenField(default="0")
    save = GovSubmitField("Save as draft")
    propose = GovSubmitField("Propose to the cohort")

    def set_choices(self, themes: list, excerpts: list, reflections: list) -> None:
        self.themes.choices = theme_choices(themes)
        self.excerpts.choices = as_select_choices([(e.id, str(e.id)) for e in excerpts])
        self.reflections.choices = as_select_choices([(r.id, str(r.id)) for r in reflections])

    @property
    def proposing(self) -> bool:
        return bool(self.propose.data)


class AmendmentForm(_WordingForm):
    reason = GovTextAreaField(
        "Why you suggest this change",
        description="The author reads this when they decide whether to accept it.",
        max_length=MAX_REASON_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter why you suggest this change"),
            Length(
                max=MAX_REASON_LENGTH,
                message=f"Why you suggest this change must be {MAX_REASON_LENGTH:,} "
                "characters or fewer",
            ),
        ],
    )
    base_revision = HiddenField(default="0")
    submit = GovSubmitField("Propose this amendment")


class CommentForm(BaseForm):
    body = GovTextAreaField(
        "Add a comment",
        description="Other participants, the researchers and observers can read it, "
        "with your name.",
        max_length=MAX_COMMENT_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter your comment"),
            Length(
                max=MAX_COMMENT_LENGTH,
                message=f"Your comment must be {MAX_COMMENT_LENGTH:,} characters or fewer",
            ),
        ],
    )
    submit = GovSubmitField("Post comment")


class SupportForm(BaseForm):
    """A button: the CSRF token and whether to support or withdraw support."""

    support = HiddenField()


DECISIONS = [
    ("accept", "Accept: use this wording"),
    ("decline", "Decline: keep the current wording"),
]


class DecisionForm(BaseForm):
    decision = GovRadioField(
        "Do you accept this amendment?",
        choices=DECISIONS,
        validators=[InputRequired(message="Select whether you accept or decline the amendment")],
    )
    note = GovTextAreaField(
        "A note for the person who proposed it (optional)",
        description="Everyone who reads the recommendation can read it.",
        max_length=MAX_NOTE_LENGTH,
        filters=[tidy_text],
        validators=[
            Optional(),
            Length(
                max=MAX_NOTE_LENGTH,
                message=f"Your note must be {MAX_NOTE_LENGTH:,} characters or fewer",
            ),
        ],
    )
    revision = HiddenField(default="0")
    submit = GovSubmitField("Save decision")


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")
