"""The session plan: every member reads it, researchers change it.

On screen these are "sessions"; in code they are rounds, because the database
session is called ``session``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..models import Inquiry, Round, RoundKind, utcnow
from ..permissions import requires
from . import services
from .forms import ConfirmForm, MoveForm, RoundForm, StartPlanForm
from .plans import recommended_plan

bp = Blueprint("rounds", __name__)


def _load(inquiry: Inquiry, round_id: int) -> Round:
    round_ = services.round_in(db.session, inquiry, round_id)
    if round_ is None:
        abort(404)
    return round_


def _index_url(inquiry: Inquiry, round_: Round | None = None) -> str:
    anchor = f"session-{round_.id}" if round_ is not None else None
    return url_for("rounds.index", inquiry_id=inquiry.id, _anchor=anchor)


def _render_index(inquiry: Inquiry, start_form: StartPlanForm | None = None):
    rounds = services.plan_for(db.session, inquiry)
    can_manage = policy.can_manage(current_user, inquiry)
    return render_template(
        "rounds/index.html",
        inquiry=inquiry,
        rounds=rounds,
        can_manage=can_manage,
        recommended=recommended_plan(inquiry.mode) if can_manage and not rounds else (),
        form=start_form or (StartPlanForm() if can_manage and not rounds else None),
        move_form=MoveForm(),
    )


@bp.route("/inquiries/<int:inquiry_id>/sessions")
@requires(policy.is_member)
def index(inquiry: Inquiry):
    return _render_index(inquiry)


@bp.route("/inquiries/<int:inquiry_id>/sessions/start", methods=["POST"])
@requires(policy.can_manage)
def apply_plan(inquiry: Inquiry):
    """Start an empty plan: with the recommended sessions, or blank."""
    if services.plan_for(db.session, inquiry):
        flash("This inquiry already has sessions. Change or delete them below.", "error")
        return redirect(_index_url(inquiry))
    form = StartPlanForm()
    if not form.validate_on_submit():
        return _render_index(inquiry, start_form=form)
    if form.start.data == "blank":
        return redirect(url_for("rounds.new", inquiry_id=inquiry.id))
    rounds = services.apply_plan(db.session, inquiry, actor=current_user, now=utcnow())
    db.session.commit()
    if form.start.data == "edit":
        flash(
            f"Recommended plan added with {len(rounds)} sessions. Change, move or delete "
            "any session below, or add your own.",
            "success",
        )
    else:
        flash(f"Recommended plan added with {len(rounds)} sessions", "success")
    return redirect(_index_url(inquiry))


@bp.route("/inquiries/<int:inquiry_id>/sessions/new", methods=["GET", "POST"])
@requires(policy.can_manage)
def new(inquiry: Inquiry):
    form = RoundForm()
    if form.validate_on_submit():
        round_ = services.create_round(
            db.session,
            inquiry=inquiry,
            actor=current_user,
            kind=RoundKind(form.kind.data),
            title=form.title.data,
            held_on=form.held_on.data,
            purpose=form.purpose.data or "",
            prompts=services.parse_prompts(form.prompts.data),
            asks_about_change=bool(form.asks_about_change.data),
            now=utcnow(),
        )
        db.session.commit()
        flash(f"Session {round_.position} added: {round_.title}", "success")
        return redirect(_index_url(inquiry, round_))
    return render_template("rounds/form.html", inquiry=inquiry, form=form, round=None)


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/edit", methods=["GET", "POST"])
@requires(policy.can_manage)
def edit(inquiry: Inquiry, round_id: int):
    round_ = _load(inquiry, round_id)
    if request.method == "POST":
        form = RoundForm()
    else:
        form = RoundForm(obj=round_)
        form.prompts.data = "\n".join(p.text for p in round_.prompts if not p.asks_about_change)
        form.asks_about_change.data = any(p.asks_about_change for p in round_.prompts)
    if form.validate_on_submit():
        try:
            services.update_round(
                db.session,
                round_,
                inquiry=inquiry,
                actor=current_user,
                kind=RoundKind(form.kind.data),
                title=form.title.data,
                held_on=form.held_on.data,
                purpose=form.purpose.data or "",
                prompts=services.parse_prompts(form.prompts.data),
                asks_about_change=bool(form.asks_about_change.data),
                now=utcnow(),
            )
        except services.RoundError as error:
            db.session.rollback()
            form.add_field_error("prompts", str(error))
            return render_template("rounds/form.html", inquiry=inquiry, form=form, round=round_)
        db.session.commit()
        flash(f"Session {round_.position} saved: {round_.title}", "success")
        return redirect(_index_url(inquiry, round_))
    return render_template("rounds/form.html", inquiry=inquiry, form=form, round=round_)


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/delete", methods=["GET", "POST"])
@requires(policy.can_manage)
def delete(inquiry: Inquiry, round_id: int):
    round_ = _load(inquiry, round_id)
    form = ConfirmForm()
    blocker = services.deletion_blocker(db.session, round_)
    if blocker is None and form.validate_on_submit():
        title = round_.title
        services.delete_round(db.session, round_, inquiry=inquiry, actor=current_user, now=utcnow())
        db.session.commit()
        flash(f"Session deleted: {title}", "success")
        return redirect(_index_url(inquiry))
    later = len(services.plan_for(db.session, inquiry)) - round_.position
    return render_template(
        "rounds/delete.html",
        inquiry=inquiry,
        round=round_,
        form=form,
        blocker=blocker,
        later=max(later, 0),
    )


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/move", methods=["POST"])
@requires(policy.can_manage)
def move(inquiry: Inquiry, round_id: int):
    round_ = _load(inquiry, round_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash("Choose whether to move the session up or down", "error")
        return redirect(_index_url(inquiry, round_))
    moved = services.move_round(
        db.session,
        round_,
        inquiry=inquiry,
        actor=current_user,
        direction=form.direction.data,
        now=utcnow(),
    )
    db.session.commit()
    if moved:
        flash(
            f"Session moved {form.direction.data}: it is now session {round_.position}", "success"
        )
    else:
        where = "first" if form.direction.data == "up" else "last"
        flash(f"That session is already {where}", "info")
    return redirect(_index_url(inquiry, round_))
