"""Forms for preparing recommendations for the vote: choosing, merging, freezing,
taking off the vote, and an author's answer to a merge."""

from __future__ import annotations

from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..excerpts.forms import GovCheckboxesField
from ..forms.base import BaseForm
from ..forms.fields import (
    GovRadioField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    as_select_choices,
)
from ..inquiries.forms import tidy_text
from ..recommendations.forms import LABELS
from ..recommendations.services import (
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    PROPOSE_MESSAGES,
    WORDING_NEEDED_TO_PROPOSE,
)
from .services import MAX_NOTE_LENGTH

# The parts a proposed recommendation must have.
REQUIRED = ("title", "body", *WORDING_NEEDED_TO_PROPOSE)

ACCEPT = "accept"
DECLINE = "decline"


class ChooseForm(BaseForm):
    """The prepare page: choose proposed recommendations, then merge or freeze them."""

    recommendations = GovCheckboxesField(
        "Proposed recommendations",
        coerce=int,
        choices=[],
        description="Select the recommendations to merge, or those going to the vote.",
        invalid_choice_message="Select recommendations from the list",
        invalid_value_message="Select recommendations from the list",
    )
    merge = GovSubmitField("Merge selected recommendations")
    freeze = GovSubmitField("Send selected to the vote")

    def set_choices(self, recommendations) -> None:
        self.recommendations.choices = as_select_choices([(r.id, r.title) for r in recommendations])


def _text(name: str, description: str | None = None) -> GovTextAreaField:
    validators: list = [
        Length(
            max=MAX_TEXT_LENGTH,
            message=f"{LABELS[name]} must be {MAX_TEXT_LENGTH:,} characters or fewer",
        )
    ]
    if name == "body":
        validators.insert(0, DataRequired(message="Enter the recommendation"))
    elif name in PROPOSE_MESSAGES:
        # The merged recommendation is proposed to the cohort straight away.
        validators.insert(0, DataRequired(message=PROPOSE_MESSAGES[name]))
    else:
        validators.insert(0, Optional())
    return GovTextAreaField(
        LABELS[name] if name in REQUIRED else f"{LABELS[name]} (optional)",
        description=description,
        max_length=MAX_TEXT_LENGTH,
        filters=[tidy_text],
        validators=validators,
    )


class MergeForm(BaseForm):
    """The merged wording, with the same parts and limits as any recommendation, and its
    lead author."""

    title = GovStringField(
        LABELS["title"],
        description="One line that sums up the merged recommendation.",
        validators=[
            DataRequired(message="Enter a short title"),
            Length(
                max=MAX_TITLE_LENGTH,
                message=f"The short title must be {MAX_TITLE_LENGTH} characters or fewer",
            ),
        ],
    )
    body = _text("body", "Keep the authors' own words wherever you can.")
    for_individual = _text(
        "for_individual",
        "For the person receiving care at home, and the people close to them.",
    )
    for_system = _text("for_system", "For services, teams and organisations.")
    who_should_act = _text("who_should_act")
    rationale = _text("rationale")
    lead_author = GovRadioField(
        "Lead author",
        description="They become the author of the merged recommendation: they can "
        "change its wording and decide on amendments.",
        choices=[],
        validators=[InputRequired(message="Select the lead author")],
        invalid_choice_message="Select the lead author",
    )
    submit = GovSubmitField("Merge recommendations")

    def set_authors(self, authors, name) -> None:
        self.lead_author.choices = as_select_choices([(str(m.id), name(m)) for m in authors])
        if not authors:
            # Nobody to choose: every source's author has left the inquiry.
            del self.lead_author


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")


class AnswerForm(BaseForm):
    decision = GovRadioField(
        "Do you accept the merged wording?",
        choices=[
            (ACCEPT, "Yes, I accept the merged wording"),
            (DECLINE, "No, I do not accept it"),
        ],
        validators=[InputRequired(message="Select whether you accept the merged wording")],
        invalid_choice_message="Select whether you accept the merged wording",
    )
    note = GovTextAreaField(
        "If you do not accept it, tell the cohort why",
        description="Everyone who reads the recommendations will see this with your name.",
        max_length=MAX_NOTE_LENGTH,
        filters=[tidy_text],
        validators=[
            Length(
                max=MAX_NOTE_LENGTH,
                message=f"Your note must be {MAX_NOTE_LENGTH:,} characters or fewer",
            )
        ],
    )
    submit = GovSubmitField("Send your answer")

    def validate_note(self, field) -> None:
        if self.decision.data == DECLINE and not (field.data or "").strip():
            raise ValidationError("Enter why you do not accept the merged wording")
