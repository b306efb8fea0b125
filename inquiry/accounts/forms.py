"""Forms for signing in and managing passwords."""

from __future__ import annotations

from flask import current_app
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from ..forms.base import BaseForm
from ..forms.fields import GovEmailField, GovPasswordField, GovStringField, GovSubmitField
from .services import PASSWORD_MAX, password_problem


def strong_password(form, field) -> None:
    problem = password_problem(field.data or "", current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        raise ValidationError(problem)


class SignInForm(BaseForm):
    email = GovEmailField()
    password = GovPasswordField(
        "Password",
        validators=[
            InputRequired(message="Enter your password"),
            Length(max=PASSWORD_MAX, message="Enter your password"),
        ],
    )
    submit = GovSubmitField("Sign in")


class NewPasswordMixin:
    new_password = GovPasswordField(
        "New password",
        description="Use at least 12 characters. A few unrelated words make a strong password.",
        validators=[InputRequired(message="Enter a new password"), strong_password],
    )
    confirm_password = GovPasswordField(
        "Confirm new password",
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("new_password", message="The passwords do not match"),
        ],
    )


class ChangePasswordForm(BaseForm, NewPasswordMixin):
    current_password = GovPasswordField(
        "Current password", validators=[InputRequired(message="Enter your current password")]
    )
    submit = GovSubmitField("Change password")


class ResetRequestForm(BaseForm):
    email = GovEmailField()
    submit = GovSubmitField("Send reset link")


class ResetPasswordForm(BaseForm, NewPasswordMixin):
    submit = GovSubmitField("Set new password")


def name_field() -> GovStringField:
    return GovStringField(
        "Full name",
        description="Shown to the researchers of inquiries you join.",
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )


class NewAccountForm(BaseForm, NewPasswordMixin):
    """Name and password for a new account whose email is already known."""

    name = name_field()
    submit = GovSubmitField("Create account")


class SetupForm(BaseForm, NewPasswordMixin):
    name = name_field()
    email = GovEmailField()
    submit = GovSubmitField("Create researcher account")
