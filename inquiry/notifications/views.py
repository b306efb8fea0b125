"""The notifications page, and the unread count for the header."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import policy
from ..accounts.views import safe_next
from ..extensions import db
from ..forms.base import BaseForm
from ..models import utcnow
from ..permissions import requires
from . import services

bp = Blueprint("notifications", __name__)

RECENT = 50


def unread_notifications() -> int:
    """How many unread notifications the signed-in person has (0 when signed out)."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return services.unread_count(db.session, current_user)


@bp.record_once
def _register_globals(state) -> None:
    state.app.jinja_env.globals["unread_notifications"] = unread_notifications


class MarkAllReadForm(BaseForm):
    """Only the CSRF token: the button marks every notification as read."""


@bp.route("/notifications")
@requires(policy.signed_in)
def index():
    notifications = services.recent(db.session, current_user, limit=RECENT)
    titles = services.inquiry_titles(db.session, {n.inquiry_id for n in notifications})
    items = [
        {
            "notification": notification,
            "link": safe_next(notification.link),
            "inquiry_title": titles.get(notification.inquiry_id),
            "unread": notification.read_at is None,
        }
        for notification in notifications
    ]
    return render_template(
        "notifications/index.html",
        items=items,
        unread=sum(1 for item in items if item["unread"]),
        limit=RECENT,
        form=MarkAllReadForm(),
    )


@bp.route("/notifications/read", methods=["POST"])
@requires(policy.signed_in)
def mark_all_read():
    form = MarkAllReadForm()
    if form.validate_on_submit():
        services.mark_all_read(db.session, current_user, now=utcnow())
        db.session.commit()
        flash("All your notifications are marked as read", "success")
    else:
        flash("Your notifications could not be marked as read. Try again.", "error")
    return redirect(url_for("notifications.index"))
