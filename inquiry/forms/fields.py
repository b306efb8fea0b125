"""WTForms fields wired to the GOV.UK widgets, with the project's usual checks."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
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


def no_control_characters(form: Any, field: Any) -> None:
    if isinstance(field.data, str) and any(ch in _FORBIDDEN for ch in field.data):
        raise ValidationError(f"{field.label.text} must not contain control characters")


def single_line(form: Any, field: Any) -> None:
    if isinstance(field.data, str) and ("\n" in field.data or "\r" in field.data):
        raise ValidationError(f"{field.label.text} must be on one line")


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


class GovRadioField(RadioField):
    widget = GovRadios()

    def __init__(self, *args: Any, choice_hints: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.choice_hints = choice_hints or {}


class GovSelectField(SelectField):
    widget = GovSelect()


class GovBooleanField(BooleanField):
    widget = GovCheckbox()


class GovSubmitField(SubmitField):
    widget = GovSubmit()
