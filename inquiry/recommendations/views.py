"""Pages for recommendations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recommendations", __name__)
