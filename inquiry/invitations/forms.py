"""Forms for inviting someone and for accepting an invitation."""

from __future__ import annotations

from wtforms.validators import InputRequired

from ..forms.base import BaseForm
from ..forms.fields import GovEmailField, GovRadioField, GovSubmitField
from ..models import Role

ROLE_HINTS = {
    Role.PARTICIPANT: "A member of the cohort who deliberates, writes recommendations and votes.",
    Role.WITNESS: "Gives testimony to the cohort, for example about receiving care at home.",
    Role.COMMISSIONER: "Receives the report and answers every recommendation.",
    Role.OBSERVER: "Can follow the process but not take part, for example an advisory group.",
    Role.RESEARCHER: "Runs the inquiry with you, with the same powers as you.",
}


class InvitationForm(BaseForm):
    email = GovEmailField()
    role = GovRadioField(
        "Role in this inquiry",
        choices=[(role.value, role.label) for role in ROLE_HINTS],
        choice_hints={role.value: hint for role, hint in ROLE_HINTS.items()},
        validators=[InputRequired(message="Select the role this person will have")],
        invalid_choice_message="Select the role this person will have",
    )
    submit = GovSubmitField("Create invitation")


class AcceptForm(BaseForm):
    submit = GovSubmitField("Accept invitation")


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")
