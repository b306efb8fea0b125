"""Pages for curation."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("curation", __name__)
