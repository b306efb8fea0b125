"""Forms for taking part in a session: a reflection per prompt, replies, the session's
settings, confirmations, and signing in again without losing what was written."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..accounts.services import PASSWORD_MAX
from ..forms.base import BaseForm
from ..forms.fields import (
    GovBooleanField,
    GovEmailField,
    GovPasswordField,
    GovRadioField,
    GovSubmitField,
    GovTextAreaField,
)
from ..forms.widgets import GovTextarea
from ..inquiries.forms import tidy_text
from ..models import Lens, Visibility
from .services import MAX_REFLECTION_LENGTH, MAX_REPLY_LENGTH

LENS_CHOICES = [(lens.value, lens.label) for lens in Lens]
LENS_HINTS = {
    Lens.PROFESSIONAL.value: "From your work: what you see, do and could change.",
    Lens.PERSONAL.value: "From your own life: as someone who may need care one day, or "
    "who cares for someone now.",
}
VISIBILITY_CHOICES = [(visibility.value, visibility.label) for visibility in Visibility]
VISIBILITY_HINTS = {
    Visibility.COHORT.value: "The other participants and the researchers can read it, "
    "with your name, and reply to it.",
    Visibility.RESEARCHERS.value: "Only the researchers can read it. Nobody else in the "
    "cohort sees it.",
}


def prompt_prefix(prompt_id: int) -> str:
    """Each prompt's form has its own field names, so a page can hold several."""
    return f"p{prompt_id}"


def reply_prefix(reflection_id: int) -> str:
    return f"reply-{reflection_id}"


def revision_of(form: BaseForm) -> int:
    """The revision the form was made from; 0 when missing or not a number."""
    value = (form.revision.data or "").strip()
    return int(value) if value.isdigit() else 0


class ReflectionForm(BaseForm):
    body = GovTextAreaField(
        "Your reflection",
        max_length=MAX_REFLECTION_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter your reflection"),
            Length(
                max=MAX_REFLECTION_LENGTH,
                message=f"Your reflection must be {MAX_REFLECTION_LENGTH:,} characters or fewer",
            ),
        ],
    )
    lens = GovRadioField(
        "Are you writing as a professional or as a person?",
        choices=LENS_CHOICES,
        choice_hints=LENS_HINTS,
        validators=[Optional()],
        invalid_choice_message="Select whether you are writing as a professional or as a person",
    )
    visibility = GovRadioField(
        "Who can read it",
        choices=VISIBILITY_CHOICES,
        choice_hints=VISIBILITY_HINTS,
        default=Visibility.COHORT.value,
        validators=[InputRequired(message="Select who can read your reflection")],
        invalid_choice_message="Select who can read your reflection",
    )
    revision = HiddenField()
    # Set by the button pressed: "draft" or "share".
    action = HiddenField()

    @property
    def share(self) -> bool:
        return self.action.data == "share"

    @property
    def chosen_lens(self) -> Lens | None:
        return Lens(self.lens.data) if self.lens.data in Lens._value2member_map_ else None

    @property
    def chosen_visibility(self) -> Visibility:
        value = self.visibility.data
        return Visibility(value) if value in Visibility._value2member_map_ else Visibility.COHORT


class ReplyForm(BaseForm):
    body = GovTextAreaField(
        "Your reply",
        max_length=MAX_REPLY_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter your reply"),
            Length(
                max=MAX_REPLY_LENGTH,
                message=f"Your reply must be {MAX_REPLY_LENGTH:,} characters or fewer",
            ),
        ],
    )
    submit = GovSubmitField("Post reply")


class EditReplyForm(ReplyForm):
    revision = HiddenField()
    submit = GovSubmitField("Save reply")


class RoundSettingsForm(BaseForm):
    reveal_after_submitting = GovBooleanField(
        "Show participants what others have shared on a prompt only after they have "
        "shared their own",
        description="This helps people write their own view first, without being led by "
        "what others have already said.",
    )
    submit = GovSubmitField("Save setting")


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")


class ResumeForm(BaseForm):
    """Sign in again and carry on with what was written before being signed out."""

    email = GovEmailField()
    password = GovPasswordField(
        "Password",
        validators=[
            InputRequired(message="Enter your password"),
            Length(max=PASSWORD_MAX, message="Enter your password"),
        ],
    )
    # The words, shown read-only and sent back with the sign-in. Never checked or
    # changed here: they are the participant's, exactly as typed.
    text = TextAreaField("Your text", widget=GovTextarea())
    # Where they belong: "reflection", "reply" or "edit_reply", and the ids.
    kind = HiddenField()
    round_id = HiddenField()
    prompt_id = HiddenField()
    reflection_id = HiddenField()
    reply_id = HiddenField()
    revision = HiddenField()
    lens = HiddenField()
    visibility = HiddenField()
    submit = GovSubmitField("Sign in and keep my text")
