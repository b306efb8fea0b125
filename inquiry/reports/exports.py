"""Downloads alongside the report."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("report_exports", __name__)
