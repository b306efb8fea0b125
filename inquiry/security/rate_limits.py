"""Limit values and keys shared by the views that Flask-Limiter protects."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_login import current_user

from ..accounts.services import normalise_email


def config_limit(key: str) -> Callable[[], str]:
    """A limit read from configuration at request time, so tests and deployments can set it."""
    return lambda: current_app.config[key]


def per_user() -> str:
    """Count per signed-in user (for actions such as sending invitations)."""
    return f"user:{current_user.get_id() if current_user.is_authenticated else 'anonymous'}"


def per_account_signing_in() -> str:
    """Count per account being signed in to, whoever is trying."""
    return "sign-in:" + normalise_email(request.form.get("email", ""))[:254]
