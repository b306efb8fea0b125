"""The researchers' page listing an inquiry's audit events."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .. import policy
from ..extensions import db
from ..models import Inquiry
from ..permissions import requires
from .service import describe, events_for_inquiry

bp = Blueprint("audit", __name__)

PER_PAGE = 50


@bp.route("/inquiries/<int:inquiry_id>/audit")
@requires(policy.can_view_audit_log)
def log(inquiry: Inquiry):
    page = request.args.get("page", 1, type=int) or 1
    page = max(1, min(page, 100_000))
    events, total = events_for_inquiry(db.session, inquiry, page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        # A page past the end (an old bookmark, a hand-edited address) shows the last page.
        page = pages
        events, total = events_for_inquiry(db.session, inquiry, page=page, per_page=PER_PAGE)
    return render_template(
        "audit/log.html",
        inquiry=inquiry,
        events=events,
        describe=describe,
        page=page,
        pages=pages,
        total=total,
    )
