"""Pages for progress: "You said, we did" for every member and observer, and the form
commissioners post updates with."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..models import Inquiry, ProgressStatus, Recommendation, utcnow
from ..permissions import requires
from ..responses import summary
from . import services
from .forms import UpdateForm

bp = Blueprint("progress", __name__)


def anchor(recommendation: Recommendation) -> str:
    return f"recommendation-{recommendation.number}"


@bp.route("/inquiries/<int:inquiry_id>/progress")
@requires(policy.can_see_progress)
def index(inquiry: Inquiry):
    overview = summary.progress_overview(db.session, inquiry)
    today = services.uk_today(utcnow())
    return render_template(
        "progress/index.html",
        inquiry=inquiry,
        overview=overview,
        deadline=summary.deadline(inquiry, overview.response, today=today),
        can_see_deadline=policy.can_see_response_deadline(current_user, inquiry),
        can_report=policy.can_report_progress(current_user, inquiry),
        can_respond=policy.can_respond(current_user, inquiry),
        can_manage_challenges=policy.can_manage_challenges(current_user, inquiry),
        anchor=anchor,
        statuses=list(ProgressStatus),
    )


@bp.route("/inquiries/<int:inquiry_id>/progress/<int:number>/update", methods=["GET", "POST"])
@requires(policy.can_report_progress)
def update(inquiry: Inquiry, number: int):
    overview = summary.progress_overview(db.session, inquiry)
    entry = next((e for e in overview.entries if e.recommendation.number == number), None)
    if entry is None:
        abort(404)
    recommendation = entry.recommendation
    if not overview.published:
        if request.method == "POST":
            flash(services.NOT_PUBLISHED, "error")
            return redirect(url_for("progress.update", inquiry_id=inquiry.id, number=number))
        return render_template(
            "progress/update.html", inquiry=inquiry, entry=entry, form=None, published=False
        )
    now = utcnow()
    if request.method == "GET":
        form = UpdateForm(formdata=None, data=UpdateForm.initial(entry.latest))
    else:
        form = UpdateForm()
        if form.check(inquiry, today=services.uk_today(now)):
            try:
                services.post_update(
                    db.session,
                    inquiry,
                    recommendation,
                    status=form.status_value,
                    percent=form.percent_value,
                    note=form.note.data or "",
                    happened_on=form.happened_on.data,
                    actor=current_user,
                    now=now,
                )
            except services.ProgressError as refused:
                db.session.rollback()
                if refused.field:
                    form.add_field_error(refused.field, refused.message)
                else:
                    form.add_form_error(refused.message)
            else:
                db.session.commit()
                flash(f"Your update on {recommendation.reference} is posted.", "success")
                return redirect(
                    url_for("progress.index", inquiry_id=inquiry.id) + "#" + anchor(recommendation)
                )
    return render_template(
        "progress/update.html", inquiry=inquiry, entry=entry, form=form, published=True
    )
