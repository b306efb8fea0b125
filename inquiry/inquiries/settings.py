"""Researchers' pages for an inquiry's settings, its stage and its researchers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..models import Inquiry, InquiryStatus, Membership, Role, utcnow
from ..permissions import requires
from . import lifecycle, services
from .settings_forms import ConfirmForm, SettingsForm

bp = Blueprint("settings", __name__)


# Settings -------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/settings", methods=["GET", "POST"])
@requires(policy.can_manage)
def edit(inquiry: Inquiry):
    form = SettingsForm(data=SettingsForm.initial(inquiry) if request.method == "GET" else None)
    if form.validate_on_submit():
        changed = services.update_settings(
            db.session, inquiry, actor=current_user, now=utcnow(), **form.settings()
        )
        db.session.commit()
        flash("Settings saved" if changed else "Nothing was changed", "success")
        return redirect(url_for("settings.summary", inquiry_id=inquiry.id))
    return render_template(
        "settings/edit.html",
        inquiry=inquiry,
        form=form,
        question_fixed=inquiry.status != InquiryStatus.DRAFT,
    )


@bp.route("/inquiries/<int:inquiry_id>/settings/summary")
@requires(policy.can_manage)
def summary(inquiry: Inquiry):
    return render_template("settings/summary.html", inquiry=inquiry)


# Stage ----------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/stage")
@requires(policy.can_manage)
def stage(inquiry: Inquiry):
    following = lifecycle.next_stage(inquiry.status)
    return render_template(
        "settings/stage.html",
        inquiry=inquiry,
        stages=lifecycle.STAGES,
        descriptions=lifecycle.STAGE_DESCRIPTIONS,
        current=lifecycle.stage_of(inquiry),
        since=lifecycle.stage_changed_at(db.session, inquiry),
        following=following,
        reasons=lifecycle.blockers(db.session, inquiry, following) if following else [],
        url_name=lifecycle.url_name,
    )


@bp.route("/inquiries/<int:inquiry_id>/stage/<target>", methods=["GET", "POST"])
@requires(policy.can_manage)
def confirm_stage(inquiry: Inquiry, target: str):
    stage_to = lifecycle.parse_stage(target)
    if stage_to is None:
        abort(404)
    form = ConfirmForm()
    reasons = lifecycle.blockers(db.session, inquiry, stage_to)
    if not reasons and form.validate_on_submit():
        try:
            previous = lifecycle.change_stage(
                db.session, inquiry, stage_to, actor=current_user, now=utcnow()
            )
        except lifecycle.StageError as error:
            db.session.rollback()
            reasons = error.reasons
        else:
            db.session.commit()
            flash(
                f"The inquiry has moved from {previous.label.lower()} to {stage_to.label.lower()}",
                "success",
            )
            return redirect(url_for("settings.stage", inquiry_id=inquiry.id))
    return render_template(
        "settings/confirm_stage.html",
        inquiry=inquiry,
        form=form,
        target=stage_to,
        current=lifecycle.stage_of(inquiry),
        description=lifecycle.STAGE_DESCRIPTIONS[stage_to],
        effect=lifecycle.STAGE_EFFECTS.get(stage_to, ""),
        reasons=reasons,
        action=url_for(
            "settings.confirm_stage", inquiry_id=inquiry.id, target=lifecycle.url_name(stage_to)
        ),
    )


# Researchers ----------------------------------------------------------------------


def _researcher(inquiry: Inquiry, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if (
        membership is None
        or membership.inquiry_id != inquiry.id
        or membership.role != Role.RESEARCHER
    ):
        abort(404)
    return membership


@bp.route("/inquiries/<int:inquiry_id>/researchers")
@requires(policy.can_manage)
def researchers(inquiry: Inquiry):
    return render_template(
        "settings/researchers.html",
        inquiry=inquiry,
        researchers=services.active_researchers(db.session, inquiry),
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/researchers/<int:researcher_membership_id>/remove",
    methods=["GET", "POST"],
)
@requires(policy.can_manage)
def remove_researcher(inquiry: Inquiry, researcher_membership_id: int):
    membership = _researcher(inquiry, researcher_membership_id)
    form = ConfirmForm()
    problem = services.researcher_removal_problem(db.session, inquiry, membership)
    if problem is None and form.validate_on_submit():
        name = membership.user.name
        removing_self = membership.user_id == current_user.id
        try:
            services.remove_researcher(
                db.session, inquiry, membership, actor=current_user, now=utcnow()
            )
        except services.MembershipError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            if removing_self:
                flash(f"You are no longer a researcher of {inquiry.title}", "success")
                return redirect(url_for("inquiries.home"))
            flash(f"{name} is no longer a researcher of this inquiry", "success")
            return redirect(url_for("settings.researchers", inquiry_id=inquiry.id))
    return render_template(
        "settings/remove_researcher.html",
        inquiry=inquiry,
        membership=membership,
        form=form,
        problem=problem,
        removing_self=membership.user_id == current_user.id,
    )
