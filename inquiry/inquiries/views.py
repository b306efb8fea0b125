"""Home page, new inquiry, inquiry overview and the members page."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import lazyload, load_only

from .. import policy
from ..accounts.services import issue_token
from ..accounts.views import absolute_url
from ..audit.service import record
from ..cohort.services import who_is_taking_part
from ..extensions import db
from ..forms.base import BaseForm
from ..models import (
    Inquiry,
    InquiryMode,
    InquiryStatus,
    Membership,
    MembershipStatus,
    Role,
    Round,
    TokenPurpose,
    User,
    utcnow,
)
from ..permissions import requires
from . import services
from .forms import NewInquiryForm

bp = Blueprint("inquiries", __name__)

SETTING_UP = (InquiryStatus.DRAFT, InquiryStatus.RECRUITING)


@bp.route("/home")
@requires(policy.signed_in)
def home():
    entries = services.home_entries(db.session, current_user)
    return render_template(
        "inquiries/home.html",
        entries=entries,
        can_create=policy.can_create_inquiry(current_user),
    )


@bp.route("/inquiries/new", methods=["GET", "POST"])
@requires(policy.can_create_inquiry)
def new():
    form = NewInquiryForm()
    if form.validate_on_submit():
        inquiry = services.create_inquiry(
            db.session,
            creator=current_user,
            title=form.title.data,
            question=form.question.data,
            mode=InquiryMode(form.mode.data),
        )
        db.session.commit()
        flash("Inquiry created. The checklist below shows what to do next.", "success")
        return redirect(url_for("inquiries.overview", inquiry_id=inquiry.id))
    return render_template("inquiries/new.html", form=form)


def _overview_researchers(inquiry: Inquiry) -> list[User]:
    """The inquiry's researchers, as ``services.researchers_of``, with only what the
    overview shows of them (not their memberships)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role == Role.RESEARCHER,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .order_by(User.name)
            .options(load_only(User.name, User.email), lazyload(User.memberships))
        )
    )


def _overview_plan(inquiry: Inquiry) -> list[Round]:
    """The sessions in order, as ``plan_for``, without their prompts (not shown here)."""
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.inquiry_id == inquiry.id)
            .order_by(Round.position, Round.id)
            .options(lazyload(Round.prompts))
        )
    )


@bp.route("/inquiries/<int:inquiry_id>")
@requires(policy.is_member)
def overview(inquiry: Inquiry):
    manage = policy.can_manage(current_user, inquiry)
    return render_template(
        "inquiries/overview.html",
        inquiry=inquiry,
        researchers=_overview_researchers(inquiry),
        can_manage=manage,
        rounds=_overview_plan(inquiry),
        taking_part=who_is_taking_part(db.session, inquiry, reveal=manage),
        # The checklist is shown only while the inquiry is being set up.
        setup_steps=services.setup_steps_for(db.session, inquiry)
        if manage and inquiry.status in SETTING_UP
        else [],
    )


@bp.route("/inquiries/<int:inquiry_id>/members")
@requires(policy.can_manage)
def members(inquiry: Inquiry):
    return render_template(
        "inquiries/members.html",
        inquiry=inquiry,
        members=services.members_by_role(db.session, inquiry),
        invitations=services.pending_invitations(db.session, inquiry),
    )


@bp.route("/inquiries/<int:inquiry_id>/members/<int:membership_id>/reset-link", methods=["POST"])
@requires(policy.can_manage)
def reset_link(inquiry: Inquiry, membership_id: int):
    """Create a password reset link for a member, to pass on where email is not used."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.inquiry_id != inquiry.id:
        abort(404)
    member = membership.user
    if not policy.can_issue_reset_link(current_user, member, inquiry):
        abort(403)
    if not BaseForm().validate_on_submit():
        abort(400)
    token = issue_token(
        db.session,
        TokenPurpose.PASSWORD_RESET,
        secret_key=current_app.secret_key,
        now=utcnow(),
        lifetime=timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"]),
        user=member,
    )
    record(
        db.session,
        "user.password_reset_link_created",
        actor=current_user,
        inquiry=inquiry,
        object_type="user",
        object_id=member.id,
    )
    db.session.commit()
    link = absolute_url("accounts.reset_password", token=token)
    return render_template("inquiries/reset_link.html", inquiry=inquiry, member=member, link=link)
