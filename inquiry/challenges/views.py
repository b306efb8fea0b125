"""Pages for challenges."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("challenges", __name__)
