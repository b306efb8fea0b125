"""Forms for the commissioner's response: the answer to one recommendation, and the
button that publishes the whole response."""

from __future__ import annotations

from typing import Any

from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.base import BaseForm
from ..forms.dates import GovDateField
from ..forms.fields import GovRadioField, GovStringField, GovSubmitField, GovTextAreaField
from ..inquiries.forms import tidy_text
from ..models import Decision, RecommendationAnswer
from .services import MAX_LEAD_LENGTH, MAX_REASONS_LENGTH, needs_lead_and_date

DECISION_HINTS = {
    Decision.ACCEPTED: "You will do what the recommendation asks.",
    Decision.ACCEPTED_IN_PART: "You will do some of it. Say which parts, and why not the rest.",
    Decision.NOT_ACCEPTED: "You will not do it. Say why. No lead or target date is needed.",
    Decision.FURTHER_WORK: "You need to find out more before you decide. Say what, and by when.",
}


class AnswerForm(BaseForm):
    decision = GovRadioField(
        "Your decision",
        choices=[(decision.value, decision.label) for decision in Decision],
        choice_hints={decision.value: hint for decision, hint in DECISION_HINTS.items()},
        validators=[InputRequired(message="Select a decision")],
        invalid_choice_message="Select a decision",
    )
    reasons = GovTextAreaField(
        "Reasons for your decision",
        description="In plain English: the cohort and witnesses will read this",
        max_length=MAX_REASONS_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter the reasons for your decision"),
            Length(
                max=MAX_REASONS_LENGTH,
                message=f"The reasons must be {MAX_REASONS_LENGTH:,} characters or fewer",
            ),
        ],
    )
    lead = GovStringField(
        "Who will lead the work",
        description="A person, a team or an organisation, for example the head of home care. "
        "Not needed if the recommendation is not accepted.",
        validators=[
            Length(
                max=MAX_LEAD_LENGTH,
                message=f"Who will lead the work must be {MAX_LEAD_LENGTH} characters or fewer",
            )
        ],
    )
    target_on = GovDateField(
        "Target date",
        subject="Target date",
        description="When the work should be done. Not needed if the recommendation is not "
        "accepted. For example, 30 6 2027",
    )
    submit = GovSubmitField("Save as a draft")

    @classmethod
    def initial(cls, answer: RecommendationAnswer | None) -> dict[str, Any]:
        """The form's starting values from a saved draft answer."""
        if answer is None:
            return {}
        return {
            "decision": answer.decision.value,
            "reasons": answer.reasons,
            "lead": answer.lead,
            "target_on": answer.target_on,
        }

    @property
    def chosen_decision(self) -> Decision | None:
        try:
            return Decision(self.decision.data)
        except ValueError:
            return None

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        decision = self.chosen_decision
        # Without a decision it is not known yet whether these are needed.
        if decision is not None and needs_lead_and_date(decision):
            if not self.lead.errors and not self.lead.data:
                self.add_field_error("lead", "Enter who will lead the work")
            if not self.target_on.errors and self.target_on.data is None:
                self.add_field_error("target_on", "Enter a target date")
        return not any(field.errors for field in self) and not self.form_errors

    def values(self) -> dict[str, Any]:
        """The validated answer, as ``services.save_answer`` takes it."""
        return {
            "decision": self.chosen_decision,
            "reasons": self.reasons.data or "",
            "lead": self.lead.data or "",
            "target_on": self.target_on.data,
        }


class PublishForm(BaseForm):
    submit = GovSubmitField("Publish the response")
