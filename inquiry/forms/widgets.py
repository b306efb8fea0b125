"""A small widget mixin that renders WTForms fields with GOV.UK Frontend macros.

In a template, ``{{ form.email(params={"autocomplete": "email"}) }}`` renders the
field's label, hint, error message and control as the Design System expects.
The field's ``description`` is its hint; its first error is its error message.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup
from wtforms import Field


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class GovWidget:
    """Base of the widgets: builds the macro's params from the field."""

    component = "input"
    macro = "govukInput"

    def render_macro(self, params: dict[str, Any]) -> Markup:
        template = current_app.jinja_env.get_template(
            f"govuk_frontend_jinja/components/{self.component}/macro.html"
        )
        # The macro's output is already escaped Markup from the Jinja environment.
        return Markup(getattr(template.module, self.macro)(params))  # noqa: S704

    def field_params(self, field: Field) -> dict[str, Any]:
        params: dict[str, Any] = {
            "id": field.id,
            "name": field.name,
            "label": {"text": field.label.text},
        }
        if field.description:
            params["hint"] = {"text": field.description}
        if field.errors:
            params["errorMessage"] = {"text": field.errors[0]}
        return params

    def __call__(self, field: Field, params: dict[str, Any] | None = None, **_: Any) -> Markup:
        return self.render_macro(_merge(self.field_params(field), params or {}))


class GovTextInput(GovWidget):
    input_type = "text"

    def __init__(self, input_type: str | None = None) -> None:
        if input_type:
            self.input_type = input_type

    def field_params(self, field: Field) -> dict[str, Any]:
        params = super().field_params(field)
        params["type"] = self.input_type
        params["value"] = field._value()
        return params


class GovPasswordInput(GovWidget):
    """Password with a show/hide button; never echoes the value back."""

    component = "password-input"
    macro = "govukPasswordInput"


class GovTextarea(GovWidget):
    component = "textarea"
    macro = "govukTextarea"

    def field_params(self, field: Field) -> dict[str, Any]:
        params = super().field_params(field)
        params["value"] = field._value()
        return params


class GovCharacterCount(GovTextarea):
    component = "character-count"
    macro = "govukCharacterCount"

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def field_params(self, field: Field) -> dict[str, Any]:
        params = super().field_params(field)
        params["maxlength"] = self.max_length
        return params


class GovRadios(GovWidget):
    """Radios in a fieldset whose legend is the field's label."""

    component = "radios"
    macro = "govukRadios"

    def field_params(self, field: Field) -> dict[str, Any]:
        params: dict[str, Any] = {
            "idPrefix": field.id,
            "name": field.name,
            "fieldset": {
                "legend": {"text": field.label.text, "classes": "govuk-fieldset__legend--s"}
            },
            "items": [
                {"value": value, "text": label, "checked": checked}
                for value, label, checked, _ in field.iter_choices()
            ],
        }
        hints = getattr(field, "choice_hints", {})
        for item in params["items"]:
            if item["value"] in hints:
                item["hint"] = {"text": hints[item["value"]]}
        if field.description:
            params["hint"] = {"text": field.description}
        if field.errors:
            params["errorMessage"] = {"text": field.errors[0]}
        return params


class GovSelect(GovWidget):
    component = "select"
    macro = "govukSelect"

    def field_params(self, field: Field) -> dict[str, Any]:
        params = super().field_params(field)
        params["items"] = [
            {"value": value, "text": label, "selected": selected}
            for value, label, selected, _ in field.iter_choices()
        ]
        return params


class GovCheckbox(GovWidget):
    """A single yes/no checkbox for a BooleanField."""

    component = "checkboxes"
    macro = "govukCheckboxes"

    def field_params(self, field: Field) -> dict[str, Any]:
        params: dict[str, Any] = {
            "idPrefix": field.id,
            "name": field.name,
            "items": [{"value": "y", "text": field.label.text, "checked": bool(field.data)}],
        }
        if field.description:
            params["hint"] = {"text": field.description}
        if field.errors:
            params["errorMessage"] = {"text": field.errors[0]}
        return params


class GovSubmit(GovWidget):
    component = "button"
    macro = "govukButton"

    def field_params(self, field: Field) -> dict[str, Any]:
        # A value is needed: a button sending an empty value reads as "not pressed" to
        # WTForms, which matters on forms with more than one submit button.
        return {"text": field.label.text, "name": field.name, "type": "submit", "value": "y"}


def error_list(form: Any) -> list[dict[str, str]]:
    """The error summary's list: one entry per field error, linking to the field."""
    items: list[dict[str, str]] = []
    for field in form:
        for message in field.errors[:1]:
            items.append({"text": message, "href": f"#{field.id}"})
    first = next((field for field in form if field.type not in ("CSRFTokenField",)), None)
    for message in getattr(form, "form_errors", []):
        items.append({"text": message, "href": f"#{first.id}" if first else "#main-content"})
    return items
