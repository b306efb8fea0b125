"""The base form every form in the product uses."""

from __future__ import annotations

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """FlaskForm with a way for views to add a message that belongs to no one field."""

    def add_form_error(self, message: str) -> None:
        self.form_errors.append(message)

    def add_field_error(self, field_name: str, message: str) -> None:
        field = getattr(self, field_name)
        field.errors = [*field.errors, message]
