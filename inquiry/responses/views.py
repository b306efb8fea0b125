"""Pages for responses."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("responses", __name__)
