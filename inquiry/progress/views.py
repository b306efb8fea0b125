"""Pages for progress."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("progress", __name__)
