"""Forms for an inquiry's settings, its stage and its researchers."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup
from wtforms import Field
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..forms.base import BaseForm
from ..forms.dates import GovDateField
from ..forms.fields import (
    GovRadioField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
)
from ..forms.widgets import GovRadios, _merge
from ..models import AgreementScale, Inquiry, InquiryMode, WithdrawalPolicy
from .forms import mode_field, one_line, tidy_text

# Pass thresholds offered by name; anything else is a whole percentage.
THRESHOLDS: dict[str, tuple[int, int]] = {
    "three_fifths": (3, 5),
    "two_thirds": (2, 3),
    "three_quarters": (3, 4),
}
CUSTOM = "custom"
THRESHOLD_CHOICES = [
    ("three_fifths", "At least three fifths (60%)"),
    ("two_thirds", "At least two thirds (about 67%)"),
    ("three_quarters", "At least three quarters (75%)"),
    (CUSTOM, "Another percentage"),
]
SCALE_HINTS = {
    AgreementScale.FIVE_POINT: "Strongly agree, agree, neither agree nor disagree, disagree, "
    "strongly disagree. Support is agree or strongly agree.",
    AgreementScale.THREE_POINT: "Agree, neither agree nor disagree, disagree. Support is agree.",
}
SCALE_LABELS = {
    AgreementScale.FIVE_POINT: "Five-point scale",
    AgreementScale.THREE_POINT: "Three-point scale",
}
WITHDRAWAL_HINTS = {
    WithdrawalPolicy.KEEP_ANONYMISED: "What they wrote stays in the inquiry and the report, "
    "without their name.",
    WithdrawalPolicy.REMOVE: "What they wrote is removed from the inquiry and from the report.",
}

_WHOLE_NUMBER = re.compile(r"^\d{1,3}$")


def percentage_of(text: str | None) -> int | None:
    """The whole number in '70' or '70%', or None when it is not one."""
    cleaned = (text or "").strip().removesuffix("%").strip()
    return int(cleaned) if _WHOLE_NUMBER.match(cleaned) else None


class WholePercentage:
    """A whole number from 1 to 100, with GOV.UK messages naming the field."""

    def __init__(self, subject: str, example: int) -> None:
        self.subject = subject
        self.example = example

    def __call__(self, form: Any, field: Field) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        if not re.fullmatch(r"\d+\s*%?", text):
            raise ValidationError(f"{self.subject} must be a whole number, like {self.example}")
        value = percentage_of(text)
        if value is None or not 1 <= value <= 100:
            raise ValidationError(f"{self.subject} must be between 1 and 100")


class RadiosWithConditional(GovRadios):
    """Radios where a choice reveals a further question when it is chosen.

    The template passes the revealed HTML as ``params={"conditional": {value: html}}``.
    """

    def __call__(self, field: Field, params: dict[str, Any] | None = None, **_: Any) -> Markup:
        params = dict(params or {})
        conditional: dict[str, Markup] = params.pop("conditional", {})
        base = self.field_params(field)
        for item in base["items"]:
            if item["value"] in conditional:
                item["conditional"] = {"html": conditional[item["value"]]}
        return self.render_macro(_merge(base, params))


class SettingsForm(BaseForm):
    # About the inquiry
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
        description="One clear, open and neutral question. It is shown on every page of the "
        "inquiry and published with the report.",
        max_length=500,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter the question the inquiry will answer"),
            Length(max=500, message="The question must be 500 characters or fewer"),
        ],
    )
    scope = GovTextAreaField(
        "Scope and background",
        description="Why the inquiry is being held, what it will and will not look at, and "
        "anything members should know before they start.",
        max_length=5000,
        filters=[tidy_text],
        validators=[
            Length(max=5000, message="Scope and background must be 5000 characters or fewer")
        ],
    )
    mode = mode_field()
    commissioner_organisation = GovStringField(
        "Commissioning organisation",
        description="The organisation that will receive the report and answer every "
        "recommendation, for example a council or a health and care partnership.",
        filters=[one_line],
        validators=[
            Length(max=200, message="Commissioning organisation must be 200 characters or fewer")
        ],
    )

    # Dates and personal data
    starts_on = GovDateField("Start date", subject="Start date")
    ends_on = GovDateField("End date", subject="End date")
    withdrawal_deadline = GovDateField(
        "Deadline for withdrawing testimony",
        subject="Deadline for withdrawing testimony",
        description="Witnesses can withdraw their testimony until the end of this day. "
        "For example, 27 3 2026",
    )
    retention_date = GovDateField(
        "Data retention date",
        subject="Data retention date",
        description="After this day personal data and testimony are erased, once the inquiry "
        "is closed. It must be after the end date. For example, 27 3 2027",
    )
    response_due_on = GovDateField(
        "Response due date",
        subject="Response due date",
        description="The commissioner publishes their response to the recommendations by the "
        "end of this day. Researchers and commissioners see when it is overdue. "
        "For example, 27 3 2027",
    )
    withdrawal_policy = GovRadioField(
        "When a member leaves the inquiry, what happens to what they contributed?",
        description="Witnesses' testimony is covered by their consent instead: they can "
        "withdraw it until the deadline above.",
        choices=[(policy.value, policy.label) for policy in WITHDRAWAL_HINTS],
        choice_hints={policy.value: hint for policy, hint in WITHDRAWAL_HINTS.items()},
        validators=[InputRequired(message="Select what happens to a member's contributions")],
        invalid_choice_message="Select what happens to a member's contributions",
    )

    # Voting rule
    agreement_scale = GovRadioField(
        "Agreement scale",
        description="The answers participants choose from for each recommendation.",
        choices=[(scale.value, SCALE_LABELS[scale]) for scale in SCALE_HINTS],
        choice_hints={scale.value: hint for scale, hint in SCALE_HINTS.items()},
        validators=[InputRequired(message="Select the agreement scale")],
        invalid_choice_message="Select the agreement scale",
    )
    pass_threshold = GovRadioField(
        "How much support does a recommendation need to pass?",
        description="A share of the votes that are not abstentions.",
        choices=THRESHOLD_CHOICES,
        validators=[InputRequired(message="Select how much support a recommendation needs")],
        invalid_choice_message="Select how much support a recommendation needs",
        widget=RadiosWithConditional(),
    )
    pass_percent = GovStringField(
        "Percentage of votes needed",
        description="A whole number from 1 to 100. A recommendation passes when at least this "
        "share of the votes are in support.",
        validators=[WholePercentage("Percentage of votes needed", 70)],
    )
    quorum_percent = GovStringField(
        "Quorum",
        description="The share of eligible participants who must vote for a ballot to count, "
        "as a whole number from 1 to 100.",
        validators=[
            DataRequired(message="Enter the quorum"),
            WholePercentage("Quorum", 50),
        ],
    )

    # Safeguarding
    safeguarding_contact = GovTextAreaField(
        "Safeguarding and support contact",
        description="Who witnesses can contact for support after giving evidence, and how: "
        "a name, a phone number or email address, and when they are available. Witnesses see "
        "this on their pages.",
        max_length=1000,
        filters=[tidy_text],
        validators=[
            Length(
                max=1000,
                message="Safeguarding and support contact must be 1000 characters or fewer",
            )
        ],
    )
    submit = GovSubmitField("Save settings")

    @classmethod
    def initial(cls, inquiry: Inquiry) -> dict[str, Any]:
        """The form's starting values from the stored settings."""
        fraction = (inquiry.pass_threshold_numerator, inquiry.pass_threshold_denominator)
        named = next((key for key, value in THRESHOLDS.items() if value == fraction), None)
        percent = ""
        if named is None and fraction[1] > 0:
            # Round up, so the rule shown is never weaker than the one stored.
            percent = str(-(-fraction[0] * 100 // fraction[1]))
        return {
            "title": inquiry.title,
            "question": inquiry.question,
            "scope": inquiry.scope,
            "mode": str(inquiry.mode),
            "commissioner_organisation": inquiry.commissioner_organisation,
            "starts_on": inquiry.starts_on,
            "ends_on": inquiry.ends_on,
            "withdrawal_deadline": inquiry.withdrawal_deadline,
            "retention_date": inquiry.retention_date,
            "response_due_on": inquiry.response_due_on,
            "withdrawal_policy": str(inquiry.withdrawal_policy),
            "agreement_scale": str(inquiry.agreement_scale),
            "pass_threshold": named or CUSTOM,
            "pass_percent": percent,
            "quorum_percent": str(inquiry.quorum_percent),
            "safeguarding_contact": inquiry.safeguarding_contact,
        }

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if self.pass_threshold.data != CUSTOM:
            # The percentage is only asked for with "Another percentage".
            self.pass_percent.errors = []
        elif not self.pass_percent.errors and not (self.pass_percent.data or "").strip():
            self.add_field_error("pass_percent", "Enter the percentage of votes needed")
        starts, ends = self.starts_on.data, self.ends_on.data
        deadline, retention = self.withdrawal_deadline.data, self.retention_date.data
        if starts and ends and ends < starts and not self.ends_on.errors:
            self.add_field_error("ends_on", "End date must be the same as or after the start date")
        if retention and not self.retention_date.errors:
            if ends and retention <= ends:
                self.add_field_error(
                    "retention_date", "Data retention date must be after the end date"
                )
            elif not ends and starts and retention <= starts:
                self.add_field_error(
                    "retention_date", "Data retention date must be after the start date"
                )
        due = self.response_due_on.data
        if due and ends and due < ends and not self.response_due_on.errors:
            self.add_field_error(
                "response_due_on", "Response due date must be the same as or after the end date"
            )
        if (
            deadline
            and retention
            and deadline > retention
            and not self.withdrawal_deadline.errors
            and not self.retention_date.errors
        ):
            self.add_field_error(
                "withdrawal_deadline",
                "Deadline for withdrawing testimony must be the same as or before the data "
                "retention date",
            )
        # Errors added here (and a percentage error cleared) decide, not the first pass.
        return not any(field.errors for field in self) and not self.form_errors

    def settings(self) -> dict[str, Any]:
        """The validated values, as ``services.update_settings`` takes them."""
        if self.pass_threshold.data == CUSTOM:
            numerator, denominator = percentage_of(self.pass_percent.data) or 0, 100
        else:
            numerator, denominator = THRESHOLDS[self.pass_threshold.data]
        return {
            "title": self.title.data,
            "question": self.question.data,
            "scope": self.scope.data or "",
            "mode": InquiryMode(self.mode.data),
            "commissioner_organisation": self.commissioner_organisation.data or "",
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "withdrawal_deadline": self.withdrawal_deadline.data,
            "retention_date": self.retention_date.data,
            "response_due_on": self.response_due_on.data,
            "withdrawal_policy": WithdrawalPolicy(self.withdrawal_policy.data),
            "agreement_scale": AgreementScale(self.agreement_scale.data),
            "pass_threshold_numerator": numerator,
            "pass_threshold_denominator": denominator,
            "quorum_percent": percentage_of(self.quorum_percent.data),
            "safeguarding_contact": self.safeguarding_contact.data or "",
        }


class ConfirmForm(BaseForm):
    """Only a CSRF token, for a confirmation button."""

    submit = GovSubmitField("Confirm")
