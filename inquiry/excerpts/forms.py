"""Forms for excerpts, and a GOV.UK checkboxes field for choosing several themes."""

from __future__ import annotations

from typing import Any

from wtforms import Field, SelectMultipleField
from wtforms.validators import DataRequired

from ..forms.base import BaseForm
from ..forms.fields import GovSubmitField, GovTextAreaField, as_select_choices
from ..forms.widgets import GovWidget
from ..inquiries.forms import tidy_text
from .services import MAX_LENGTH, MIN_LENGTH


class GovCheckboxes(GovWidget):
    """Checkboxes in a fieldset whose legend is the field's label: choose any number."""

    component = "checkboxes"
    macro = "govukCheckboxes"

    def field_params(self, field: Field) -> dict[str, Any]:
        params: dict[str, Any] = {
            "idPrefix": field.id,
            "name": field.name,
            "fieldset": {
                "legend": {"text": field.label.text, "classes": "govuk-fieldset__legend--s"}
            },
            "items": [
                {"value": str(value), "text": label, "checked": checked}
                for value, label, checked, _ in field.iter_choices()
            ],
        }
        if field.description:
            params["hint"] = {"text": field.description}
        if field.errors:
            params["errorMessage"] = {"text": field.errors[0]}
        return params


class GovCheckboxesField(SelectMultipleField):
    widget = GovCheckboxes()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "choices" in kwargs:
            kwargs["choices"] = as_select_choices(kwargs["choices"])
        super().__init__(*args, **kwargs)


def theme_choices(themes: list) -> list:
    return as_select_choices([(theme.id, theme.name) for theme in themes])


def _themes_field() -> GovCheckboxesField:
    return GovCheckboxesField(
        "Themes (optional)",
        coerce=int,
        choices=[],
        description="Select all that apply.",
        invalid_choice_message="Select themes from the list",
        invalid_value_message="Select themes from the list",
    )


class _ThemesMixin:
    themes: GovCheckboxesField

    def set_themes(self, themes: list) -> None:
        self.themes.choices = theme_choices(themes)


class ExcerptForm(_ThemesMixin, BaseForm):
    text = GovTextAreaField(
        "Paste or type the words to quote exactly as they appear",
        description=f"Between {MIN_LENGTH} and {MAX_LENGTH:,} characters, from one place in "
        "the testimony. Spaces and line breaks do not need to match.",
        max_length=MAX_LENGTH,
        filters=[tidy_text],
        validators=[DataRequired(message="Enter the words to quote")],
    )
    themes = _themes_field()
    submit = GovSubmitField("Mark excerpt")


class ExcerptThemesForm(_ThemesMixin, BaseForm):
    themes = _themes_field()
    submit = GovSubmitField("Save themes")


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")
