"""Forms for profiles, cohort targets and importing invitations from a file."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from wtforms import Field, HiddenField
from wtforms.validators import InputRequired, Length, ValidationError

from ..forms.base import BaseForm
from ..forms.fields import (
    GovBooleanField,
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
)
from ..forms.widgets import GovRadios, GovWidget
from ..models.profile import LIVED_EXPERIENCE, PROFESSIONAL_ROLES, SECTORS

ACCESS_NEEDS_MAX = 1000
SUPPORT_CONTACT_MAX = 500
TARGET_MAX = 500


def _tidy_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


class GovRadiosWithConditional(GovRadios):
    """Radios where an option reveals more questions: ``params={"conditional": {value: html}}``."""

    def __call__(self, field: Field, params: dict[str, Any] | None = None, **kwargs: Any) -> Markup:
        params = dict(params or {})
        conditional = params.pop("conditional", {})
        base = self.field_params(field)
        for item in base["items"]:
            if item["value"] in conditional:
                item["conditional"] = {"html": conditional[item["value"]]}
        return super().__call__(field, params={**base, **params})


class OptionalRadioField(GovRadioField):
    """Radios a person may leave unanswered, but only with one of the offered answers."""

    widget = GovRadiosWithConditional()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        kwargs["validators"] = [*(kwargs.get("validators") or ()), _one_of_choices]
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist else ""

    def process_data(self, value: Any) -> None:
        self.data = value or ""


def _choice_values(field: Any) -> set[str]:
    return {choice[0] for choice in field.iter_choices()}


def _one_of_choices(form: Any, field: Any) -> None:
    if field.data and field.data not in _choice_values(field):
        raise ValidationError(f"Select one of the options for {field.label.text.lower()}")


class GovFileUpload(GovWidget):
    component = "file-upload"
    macro = "govukFileUpload"


class GovFileField(FileField):
    widget = GovFileUpload()


def _choices(categories: dict[str, str]) -> list[tuple[str, str]]:
    return list(categories.items())


class ParticipantProfileForm(BaseForm):
    professional_role = OptionalRadioField(
        "Professional role", choices=_choices(PROFESSIONAL_ROLES)
    )
    professional_role_other = GovStringField(
        "Describe the role",
        filters=[_one_line],
        validators=[Length(max=100, message="The role must be 100 characters or fewer")],
    )
    sector = OptionalRadioField("Sector", choices=_choices(SECTORS))
    organisation = GovStringField(
        "Organisation",
        description="For example, the name of the care provider, council or charity.",
        filters=[_one_line],
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
    )
    locality = GovStringField(
        "Locality",
        description="The town, borough or neighbourhood where you mostly work.",
        filters=[_one_line],
        validators=[Length(max=100, message="Locality must be 100 characters or fewer")],
    )
    named_in_report = GovBooleanField("Yes, name me in the report")
    submit = GovSubmitField("Save profile")

    def validate_professional_role_other(self, field: Field) -> None:
        if self.professional_role.data == "other" and not field.data:
            raise ValidationError("Describe the professional role")

    def profile_data(self) -> dict[str, str]:
        return {
            "professional_role": self.professional_role.data or "",
            "professional_role_other": self.professional_role_other.data or "",
            "sector": self.sector.data or "",
            "organisation": self.organisation.data or "",
            "locality": self.locality.data or "",
        }


class WitnessProfileForm(BaseForm):
    lived_experience = OptionalRadioField(
        "Experience of care at home", choices=_choices(LIVED_EXPERIENCE)
    )
    lived_experience_other = GovStringField(
        "Describe the experience",
        filters=[_one_line],
        validators=[Length(max=200, message="The description must be 200 characters or fewer")],
    )
    display_name = GovStringField(
        "Display name or pseudonym",
        filters=[_one_line],
        validators=[Length(max=100, message="Display name must be 100 characters or fewer")],
    )
    access_needs = GovTextAreaField(
        "Access needs",
        description="Anything that would make taking part easier, for example step-free "
        "access, a hearing loop, large print, breaks, or someone to come with you.",
        filters=[_tidy_text],
        max_length=ACCESS_NEEDS_MAX,
        validators=[
            Length(
                max=ACCESS_NEEDS_MAX,
                message=f"Access needs must be {ACCESS_NEEDS_MAX} characters or fewer",
            )
        ],
    )
    support_contact = GovTextAreaField(
        "Support contact",
        description="Someone you would like the researchers to contact if you need support, "
        "for example a family member, friend, carer or advocate, and how to reach them.",
        filters=[_tidy_text],
        max_length=SUPPORT_CONTACT_MAX,
        validators=[
            Length(
                max=SUPPORT_CONTACT_MAX,
                message=f"Support contact must be {SUPPORT_CONTACT_MAX} characters or fewer",
            )
        ],
    )
    submit = GovSubmitField("Save profile")

    def validate_lived_experience_other(self, field: Field) -> None:
        if self.lived_experience.data == "other" and not field.data:
            raise ValidationError("Describe the experience of care")

    def profile_data(self) -> dict[str, str]:
        return {
            "lived_experience": self.lived_experience.data or "",
            "lived_experience_other": self.lived_experience_other.data or "",
            "display_name": self.display_name.data or "",
        }


class TargetForm(BaseForm):
    group = GovSelectField(
        "Group",
        validators=[InputRequired(message="Choose a group for the target")],
        validate_choice=False,
    )
    locality = GovStringField(
        "Locality",
        description="Only if you chose a locality: the place as members write it.",
        filters=[_one_line],
        validators=[Length(max=100, message="Locality must be 100 characters or fewer")],
    )
    minimum = GovStringField(
        "At least how many people",
        description="For example, 3.",
        validators=[InputRequired(message="Enter how many people you want at least")],
    )
    submit = GovSubmitField("Save target")

    def validate_group(self, field: Field) -> None:
        if field.data not in _choice_values(field):
            raise ValidationError("Choose a group for the target")

    def validate_locality(self, field: Field) -> None:
        if self.group.data and self.group.data.endswith(":") and not field.data:
            raise ValidationError("Enter the locality")

    def validate_minimum(self, field: Field) -> None:
        text = (field.data or "").strip()
        if not text.isdigit() or not text.isascii():
            raise ValidationError("Enter a whole number, like 3")
        if not 1 <= int(text) <= TARGET_MAX:
            raise ValidationError(f"Enter a number between 1 and {TARGET_MAX}")

    @property
    def dimension_and_value(self) -> tuple[str, str]:
        dimension, _, value = (self.group.data or "").partition(":")
        return dimension, value or (self.locality.data or "")


class ImportForm(BaseForm):
    file = GovFileField(
        "Upload a CSV file",
        description="A CSV UTF-8 file of up to 500 people and 1 MB.",
        validators=[FileRequired(message="Select a CSV file")],
    )
    submit = GovSubmitField("Upload and check")


class ConfirmImportForm(BaseForm):
    rows = HiddenField()
    submit = GovSubmitField("Send invitations")


class ConfirmForm(BaseForm):
    """Only the CSRF token, behind a confirmation button."""

    submit = GovSubmitField("Confirm")
