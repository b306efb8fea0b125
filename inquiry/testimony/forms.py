"""Forms for writing, recording, checking, using and withdrawing testimony."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.base import BaseForm
from ..forms.dates import GovDateField
from ..forms.fields import (
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
)
from ..inquiries.forms import one_line, tidy_text
from ..models import Membership, Round, TestimonyFormat, TestimonyUse
from .services import MAX_BODY, MAX_CHANGE_REQUEST, MAX_TITLE

USE_HINTS = {
    TestimonyUse.COHORT_ONLY.value: "Participants, commissioners and observers of this inquiry "
    "can read it. It is not quoted in the report.",
    TestimonyUse.QUOTE_ANONYMOUSLY.value: "The cohort can read it, and parts of it may be "
    "quoted in the published report without your name.",
    TestimonyUse.QUOTE_WITH_NAME.value: "The cohort can read it, and parts of it may be quoted "
    "in the published report with the name you chose.",
}

FORMAT_CHOICES = [(f.value, f.label) for f in TestimonyFormat]


def revision_of(form: Any) -> int:
    """The revision the form was made from; -1 when missing, which never matches."""
    value = (form.revision.data or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1


def round_choices(rounds: list[Round]) -> list[tuple[str, str]]:
    return [("", "Choose a session")] + [
        (str(r.id), f"Session {r.position}: {r.title} ({r.kind.label.lower()})") for r in rounds
    ]


def use_choices(public_name: str) -> list[tuple[str, str]]:
    choices = [(use.value, use.label) for use in TestimonyUse]
    value, label = choices[-1]
    choices[-1] = (value, f"{label}: {public_name}")
    return choices


def _title_field() -> GovStringField:
    return GovStringField(
        "Title",
        description="A few words that say what the testimony is about, for example "
        "“Caring for Mum after her stroke”.",
        filters=[one_line],
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=MAX_TITLE, message=f"Title must be {MAX_TITLE} characters or fewer"),
        ],
    )


def _use_field() -> GovRadioField:
    return GovRadioField(
        "How may your testimony be used?",
        choices=[(use.value, use.label) for use in TestimonyUse],
        choice_hints=USE_HINTS,
        default=TestimonyUse.COHORT_ONLY.value,
        validators=[InputRequired(message="Select how your testimony may be used")],
        invalid_choice_message="Select how your testimony may be used",
    )


class WitnessTestimonyForm(BaseForm):
    """A witness writes, corrects or approves their own testimony.

    The view shows only the buttons that fit the testimony's status, removes
    ``round_id`` once the session can no longer change, and removes ``use`` when
    it can no longer be changed.
    """

    round_id = GovSelectField(
        "Session",
        description="The session of the inquiry your testimony is for.",
        default="",
        validators=[InputRequired(message="Select the session")],
        invalid_choice_message="Select the session",
    )
    title = _title_field()
    body = GovTextAreaField(
        "Your testimony",
        description="Write in your own words. Leave a blank line between paragraphs. Do not "
        "include anything that would identify other people without their agreement.",
        max_length=MAX_BODY,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter your testimony"),
            Length(
                max=MAX_BODY, message=f"Your testimony must be {MAX_BODY:,} characters or fewer"
            ),
        ],
    )
    use = _use_field()
    revision = HiddenField()
    save = GovSubmitField("Save as draft")
    share = GovSubmitField("Share with the cohort")

    def set_choices(self, rounds: list[Round], witness: Membership) -> None:
        if self.round_id is not None:
            self.round_id.choices = round_choices(rounds)
        if self.use is not None:
            self.use.choices = use_choices(witness.public_name)


class RecordTestimonyForm(BaseForm):
    """A researcher records, or later changes, testimony on a witness's behalf."""

    witness_id = GovSelectField(
        "Witness",
        description="Witnesses are listed by the name others in the inquiry see.",
        default="",
        validators=[InputRequired(message="Select the witness")],
        invalid_choice_message="Select the witness",
    )
    round_id = GovSelectField(
        "Session",
        default="",
        validators=[InputRequired(message="Select the session")],
        invalid_choice_message="Select the session",
    )
    title = _title_field()
    body = GovTextAreaField(
        "Transcript or summary",
        description="What the witness said or wrote. Leave a blank line between paragraphs. "
        "The witness checks it before anyone else can read it.",
        max_length=MAX_BODY,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter the transcript or summary"),
            Length(
                max=MAX_BODY,
                message=f"Transcript or summary must be {MAX_BODY:,} characters or fewer",
            ),
        ],
    )
    format = GovRadioField(
        "How was the testimony given?",
        choices=FORMAT_CHOICES,
        validators=[InputRequired(message="Select how the testimony was given")],
        invalid_choice_message="Select how the testimony was given",
    )
    given_on = GovDateField(
        "Date given (optional)",
        subject="Date given",
        description="For example, 27 3 2026. Leave it blank to use the session's date.",
    )
    revision = HiddenField()
    submit = GovSubmitField("Save and ask the witness to check it")

    def set_choices(self, rounds: list[Round], witnesses: list[Membership]) -> None:
        self.round_id.choices = round_choices(rounds)
        if self.witness_id is not None:
            self.witness_id.choices = [("", "Choose a witness")] + [
                (str(w.id), w.public_name) for w in witnesses
            ]


class RequestChangesForm(BaseForm):
    note = GovTextAreaField(
        "What would you like changed?",
        description="For example, a sentence that is not what you meant, or something you "
        "would like taken out. The researchers will change it and ask you to check it again.",
        max_length=MAX_CHANGE_REQUEST,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter what you would like changed"),
            Length(
                max=MAX_CHANGE_REQUEST,
                message=f"What you would like changed must be {MAX_CHANGE_REQUEST:,} "
                "characters or fewer",
            ),
        ],
    )
    revision = HiddenField()
    submit = GovSubmitField("Send to the researchers")


class UseForm(BaseForm):
    use = _use_field()
    submit = GovSubmitField("Save")

    def set_choices(self, witness: Membership) -> None:
        self.use.choices = use_choices(witness.public_name)


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")
