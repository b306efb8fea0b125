"""WTForms fields wired to the GOV.UK widgets, with the project's usual checks."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, ValidationError

from .widgets import (
    GovCharacterCount,
    GovCheckbox,
    GovPasswordInput,
    GovRadios,
    GovSelect,
    GovSubmit,
    GovTextarea,
    GovTextInput,
)

# Characters a browser never sends in ordinary text: refuse them with a message
# rather than storing something that could break exports or logs.
_FORBIDDEN = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {"\x7f"}


def field_name(field: Any) -> str:
    """The field's label as used in a message: "Locality (optional)" becomes "Locality"."""
    return str(field.label.text).removesuffix(" (optional)")


def no_control_characters(form: Any, field: Any) -> None:
    if isinstance(field.data, str) and any(ch in _FORBIDDEN for ch in field.data):
        raise ValidationError(f"{field_name(field)} must not contain control characters")


def single_line(form: Any, field: Any) -> None:
    if isinstance(field.data, str) and ("\n" in field.data or "\r" in field.data):
        raise ValidationError(f"{field_name(field)} must be on one line")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class GovStringField(StringField):
    """A one-line text input; surrounding spaces are removed before validation."""

    widget = GovTextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["filters"] = [*(kwargs.get("filters") or ()), _strip]
        kwargs["validators"] = [
            *(kwargs.get("validators") or ()),
            no_control_characters,
            single_line,
        ]
        super().__init__(*args, **kwargs)


class GovEmailField(EmailField):
    widget = GovTextInput("email")

    def __init__(self, label: str = "Email address", **kwargs: Any) -> None:
        kwargs["filters"] = [*(kwargs.get("filters") or ()), _strip]
        validators = kwargs.pop("validators", None) or [
            InputRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ]
        super().__init__(label, validators=validators, **kwargs)


class GovPasswordField(PasswordField):
    widget = GovPasswordInput()


class GovTextAreaField(TextAreaField):
    widget = GovTextarea()

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        kwargs["validators"] = [*(kwargs.get("validators") or ()), no_control_characters]
        super().__init__(*args, **kwargs)
        if max_length:
            self.widget = GovCharacterCount(max_length)


def as_select_choices(choices: Any) -> Any:
    """WTForms 3.3 wants SelectChoice objects; forms here declare (value, label) pairs."""
    if isinstance(choices, list | tuple):
        return [
            SelectChoice(*choice) if isinstance(choice, tuple | list) else choice
            for choice in choices
        ]
    return choices


class GovRadioField(RadioField):
    widget = GovRadios()

    def __init__(self, *args: Any, choice_hints: dict[str, str] | None = None, **kwargs: Any):
        if "choices" in kwargs:
            kwargs["choices"] = as_select_choices(kwargs["choices"])
        elif len(args) >= 3:
            args = (*args[:2], as_select_choices(args[2]), *args[3:])
        super().__init__(*args, **kwargs)
        self.choice_hints = choice_hints or {}


class GovSelectField(SelectField):
    widget = GovSelect()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "choices" in kwargs:
            kwargs["choices"] = as_select_choices(kwargs["choices"])
        super().__init__(*args, **kwargs)


class GovBooleanField(BooleanField):
    widget = GovCheckbox()


class GovSubmitField(SubmitField):
    widget = GovSubmit()
