"""Safeguarding concerns: researchers raise them about a contribution and follow them up."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..models import FlagStatus, Inquiry, SafeguardingFlag, utcnow
from ..permissions import requires
from . import services
from .forms import ConfirmForm, FlagForm, FollowUpForm

bp = Blueprint("safeguarding", __name__)


@bp.app_template_global("safeguarding_open_flags")
def _open_flags(inquiry: Inquiry, object_type: str, object_id: int) -> int:
    """Open concerns about one object, for the flag link partial (researchers only)."""
    if not policy.can_handle_safeguarding(current_user, inquiry):
        return 0
    return services.open_count(db.session, inquiry, object_type, object_id)


def _load(inquiry: Inquiry, flag_id: int) -> SafeguardingFlag:
    flag = services.flag_in(db.session, inquiry, flag_id)
    if flag is None:
        abort(404)
    return flag


def _about(inquiry: Inquiry, flag: SafeguardingFlag) -> dict:
    return {
        "label": services.object_label(flag.object_type),
        "url": services.object_url(inquiry, flag.object_type, flag.object_id),
        "description": services.object_description(
            db.session, inquiry, flag.object_type, flag.object_id
        ),
    }


@bp.route("/inquiries/<int:inquiry_id>/safeguarding")
@requires(policy.can_handle_safeguarding)
def index(inquiry: Inquiry):
    flags = services.flags_for(db.session, inquiry)
    return render_template(
        "safeguarding/index.html",
        inquiry=inquiry,
        flags=[(flag, _about(inquiry, flag)) for flag in flags],
        open_count=sum(1 for flag in flags if flag.status == FlagStatus.OPEN),
    )


@bp.route("/inquiries/<int:inquiry_id>/safeguarding/new", methods=["GET", "POST"])
@requires(policy.can_handle_safeguarding)
def new(inquiry: Inquiry):
    """Raise a concern about ``?object_type=...&object_id=...`` of this inquiry."""
    object_type = request.args.get("object_type", "")
    raw_id = request.args.get("object_id", "")
    if not raw_id.isdigit() or len(raw_id) > 18:
        abort(404)
    object_id = int(raw_id)
    if not services.object_exists(db.session, inquiry, object_type, object_id):
        abort(404)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            services.raise_flag(
                db.session,
                inquiry=inquiry,
                actor=current_user,
                object_type=object_type,
                object_id=object_id,
                note=form.note.data,
                now=utcnow(),
            )
        except services.SafeguardingError as error:
            db.session.rollback()
            form.add_field_error("note", error.message)
        else:
            db.session.commit()
            flash(
                "Safeguarding concern raised. Researchers can follow it up from the "
                "safeguarding page.",
                "success",
            )
            back = services.object_url(inquiry, object_type, object_id)
            return redirect(back or url_for("safeguarding.index", inquiry_id=inquiry.id))
    return render_template(
        "safeguarding/new.html",
        inquiry=inquiry,
        form=form,
        object_type=object_type,
        object_id=object_id,
        about={
            "label": services.object_label(object_type),
            "url": services.object_url(inquiry, object_type, object_id),
            "description": services.object_description(db.session, inquiry, object_type, object_id),
        },
    )


@bp.route("/inquiries/<int:inquiry_id>/safeguarding/<int:flag_id>", methods=["GET", "POST"])
@requires(policy.can_handle_safeguarding)
def show(inquiry: Inquiry, flag_id: int):
    """The concern, and the form to record its follow-up while it is open."""
    flag = _load(inquiry, flag_id)
    form = FollowUpForm()
    if request.method == "GET" and flag.status == FlagStatus.OPEN and flag.follow_up_note:
        form.note.data = flag.follow_up_note  # reopened: build on the last follow-up
    if request.method == "POST" and flag.status != FlagStatus.OPEN:
        flash("This concern has already been followed up. Reopen it to change that.", "info")
        return redirect(url_for("safeguarding.show", inquiry_id=inquiry.id, flag_id=flag.id))
    if form.validate_on_submit():
        try:
            services.follow_up(
                db.session,
                flag,
                inquiry=inquiry,
                actor=current_user,
                note=form.note.data,
                now=utcnow(),
            )
        except services.SafeguardingError as error:
            db.session.rollback()
            form.add_field_error("note", error.message)
        else:
            db.session.commit()
            flash("Concern marked as followed up", "success")
            return redirect(url_for("safeguarding.index", inquiry_id=inquiry.id))
    return render_template(
        "safeguarding/show.html",
        inquiry=inquiry,
        flag=flag,
        about=_about(inquiry, flag),
        form=form,
        reopen_form=ConfirmForm(),
        followed_up_by=services.last_followed_up_by(db.session, flag)
        if flag.follow_up_note
        else None,
        is_open=flag.status == FlagStatus.OPEN,
    )


@bp.route("/inquiries/<int:inquiry_id>/safeguarding/<int:flag_id>/reopen", methods=["POST"])
@requires(policy.can_handle_safeguarding)
def reopen(inquiry: Inquiry, flag_id: int):
    flag = _load(inquiry, flag_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The concern could not be reopened. Try again.", "error")
    elif services.reopen(db.session, flag, inquiry=inquiry, actor=current_user, now=utcnow()):
        db.session.commit()
        flash("Concern reopened", "success")
    else:
        flash("This concern is already open", "info")
    return redirect(url_for("safeguarding.show", inquiry_id=inquiry.id, flag_id=flag.id))
