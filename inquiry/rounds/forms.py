"""Forms for the session plan: a session, a move, and how to start the plan."""

from __future__ import annotations

from typing import Any

from wtforms import Field
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..forms.base import BaseForm
from ..forms.dates import GovDateField
from ..forms.fields import (
    GovBooleanField,
    GovRadioField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
)
from ..inquiries.forms import one_line, tidy_text
from ..models import RoundKind
from .services import MAX_PROMPT_LENGTH, MAX_PROMPTS, parse_prompts

KIND_HINTS = {kind.value: f"Participants: {kind.expectation}" for kind in RoundKind}


def check_prompts(form: Any, field: Field) -> None:
    prompts = parse_prompts(field.data)
    if len(prompts) > MAX_PROMPTS:
        raise ValidationError(f"Enter {MAX_PROMPTS} prompts or fewer (you entered {len(prompts)})")
    for number, text in enumerate(prompts, start=1):
        if len(text) > MAX_PROMPT_LENGTH:
            raise ValidationError(
                f"Prompt {number} must be {MAX_PROMPT_LENGTH} characters or fewer"
            )


class RoundForm(BaseForm):
    kind = GovRadioField(
        "Type of session",
        choices=[(kind.value, kind.label) for kind in RoundKind],
        choice_hints=KIND_HINTS,
        validators=[InputRequired(message="Select the type of session")],
        invalid_choice_message="Select the type of session",
    )
    title = GovStringField(
        "Title",
        description="For example, Evidence hearing: living with care at home.",
        filters=[one_line],
        validators=[
            DataRequired(message="Enter a title for the session"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    held_on = GovDateField(
        "Date (optional)",
        subject="Date",
        description="For example, 27 3 2026. You can add it later.",
    )
    purpose = GovTextAreaField(
        "Purpose (optional)",
        description="What the session is for, in a sentence or two. Everyone in the "
        "inquiry can read it.",
        max_length=2000,
        filters=[tidy_text],
        validators=[Length(max=2000, message="Purpose must be 2,000 characters or fewer")],
    )
    prompts = GovTextAreaField(
        "Prompts (optional)",
        description=f"Questions participants answer in their reflections. Put each prompt on "
        f"its own line: up to {MAX_PROMPTS} prompts of up to {MAX_PROMPT_LENGTH} characters "
        "each.",
        filters=[tidy_text],
        validators=[check_prompts],
    )
    asks_about_change = GovBooleanField(
        "End with the prompt “How has your thinking changed since the last session?”",
        description="Participants' answers let the report show how views moved.",
    )
    submit = GovSubmitField("Save session")


class MoveForm(BaseForm):
    """Move a session up or down; the direction comes from the button pressed."""

    direction = GovRadioField(
        "Direction",
        choices=[("up", "Up"), ("down", "Down")],
        validators=[InputRequired(message="Choose whether to move the session up or down")],
        invalid_choice_message="Choose whether to move the session up or down",
    )


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")


START_CHOICES = {
    "use": "Use the recommended plan as it is",
    "edit": "Use the recommended plan and change it",
    "blank": "Start with a blank plan",
}
START_HINTS = {
    "use": "Add all its sessions and prompts now. You can still change them at any time.",
    "edit": "Add all its sessions and prompts now, then change, move or delete any of them.",
    "blank": "Add your own sessions one at a time.",
}


class StartPlanForm(BaseForm):
    start = GovRadioField(
        "How do you want to start?",
        choices=list(START_CHOICES.items()),
        choice_hints=START_HINTS,
        validators=[InputRequired(message="Select how you want to start the session plan")],
        invalid_choice_message="Select how you want to start the session plan",
    )
    submit = GovSubmitField("Continue")
