"""Researchers' invitation pages and the public page behind an invitation link."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import policy
from ..accounts.forms import NewAccountForm
from ..accounts.services import create_user
from ..accounts.views import absolute_url, start_session
from ..extensions import db, limiter
from ..mail import log_link, mail_configured, send_email
from ..models import Inquiry, Invitation, Role, utcnow
from ..permissions import public, requires
from ..security.rate_limits import config_limit, per_user
from . import services
from .forms import AcceptForm, ConfirmForm, InvitationForm

bp = Blueprint("invitations", __name__)


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_DAYS"])


def _load(inquiry: Inquiry, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.inquiry_id != inquiry.id:
        abort(404)
    return invitation


def _link(invitation: Invitation) -> str:
    return absolute_url(
        "invitations.respond", token=services.link_token(current_app.secret_key, invitation)
    )


def send_invitation(invitation: Invitation) -> bool:
    """Email the invitation link; True if it went. Also used by the cohort import."""
    url = _link(invitation)
    log_link(f"Invitation link for invitation {invitation.id}", url)
    return send_email(
        invitation.email,
        # A header cannot hold a line break, whatever the stored title holds.
        "You are invited to " + " ".join(invitation.inquiry.title.split()),
        render_template("emails/invitation.txt", invitation=invitation, url=url),
    )


@bp.route("/inquiries/<int:inquiry_id>/invitations/new", methods=["GET", "POST"])
@requires(policy.can_invite)
@limiter.limit(config_limit("INVITATION_LIMIT_PER_USER"), key_func=per_user, methods=["POST"])
def new(inquiry: Inquiry):
    form = InvitationForm()
    if request.method == "GET" and request.args.get("role") in {r.value for r in Role}:
        form.role.data = request.args["role"]
    if form.validate_on_submit():
        try:
            invitation = services.create_invitation(
                db.session,
                inquiry=inquiry,
                email=form.email.data,
                role=Role(form.role.data),
                invited_by=current_user,
                now=utcnow(),
                lifetime=_lifetime(),
            )
        except services.InvitationError as error:
            db.session.rollback()
            form.add_field_error(error.field or "email", error.message)
        else:
            if send_invitation(invitation):
                services.mark_sent(db.session, invitation, actor=current_user, now=utcnow())
            db.session.commit()
            return redirect(
                url_for("invitations.show", inquiry_id=inquiry.id, invitation_id=invitation.id)
            )
    return render_template(
        "invitations/new.html", inquiry=inquiry, form=form, mail=mail_configured()
    )


@bp.route("/inquiries/<int:inquiry_id>/invitations/<int:invitation_id>")
@requires(policy.can_invite)
def show(inquiry: Inquiry, invitation_id: int):
    invitation = _load(inquiry, invitation_id)
    return render_template(
        "invitations/show.html",
        inquiry=inquiry,
        invitation=invitation,
        link=_link(invitation),
        now=utcnow(),
        mail=mail_configured(),
        form=ConfirmForm(),
    )


@bp.route("/inquiries/<int:inquiry_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires(policy.can_invite)
@limiter.limit(config_limit("INVITATION_LIMIT_PER_USER"), key_func=per_user)
def resend(inquiry: Inquiry, invitation_id: int):
    invitation = _load(inquiry, invitation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.resend(
                db.session, invitation, actor=current_user, now=utcnow(), lifetime=_lifetime()
            )
        except services.InvitationError as error:
            flash(error.message, "error")
        else:
            sent = send_invitation(invitation)
            if sent:
                services.mark_sent(db.session, invitation, actor=current_user, now=utcnow())
            db.session.commit()
            flash(
                f"Invitation sent again to {invitation.email}"
                if sent
                else "Invitation renewed for another "
                f"{current_app.config['INVITATION_DAYS']} days: copy the link and send it",
                "success",
            )
    return redirect(url_for("invitations.show", inquiry_id=inquiry.id, invitation_id=invitation.id))


@bp.route(
    "/inquiries/<int:inquiry_id>/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"]
)
@requires(policy.can_invite)
def revoke(inquiry: Inquiry, invitation_id: int):
    invitation = _load(inquiry, invitation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.revoke(db.session, invitation, actor=current_user, now=utcnow())
        except services.InvitationError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"Invitation to {invitation.email} revoked: the link no longer works", "success")
        return redirect(url_for("inquiries.members", inquiry_id=inquiry.id))
    return render_template(
        "invitations/revoke.html", inquiry=inquiry, invitation=invitation, form=form
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def respond(token: str):
    """The page behind an invitation link: join with an existing or a new account."""
    invitation = services.find_by_token(db.session, token, secret_key=current_app.secret_key)
    if invitation is None:
        return render_template("accounts/link_invalid.html", kind="invitation"), 400
    problem = services.problem_with(invitation, utcnow())
    if problem is not None:
        return render_template(
            "invitations/unusable.html", invitation=invitation, problem=problem
        ), 400

    if current_user.is_authenticated:
        if current_user.email != invitation.email:
            return render_template("invitations/wrong_account.html", invitation=invitation), 403
        form = AcceptForm()
        if form.validate_on_submit():
            try:
                services.accept(db.session, invitation, user=current_user, now=utcnow())
            except services.InvitationError as error:
                db.session.rollback()
                form.add_form_error(error.message)
            else:
                db.session.commit()
                flash(f"You have joined {invitation.inquiry.title}", "success")
                return redirect(url_for("inquiries.overview", inquiry_id=invitation.inquiry_id))
        return render_template("invitations/accept.html", invitation=invitation, form=form)

    if services.existing_account(db.session, invitation) is not None:
        return render_template("invitations/sign_in_first.html", invitation=invitation)

    form = NewAccountForm()
    if request.method == "GET" and (invitation.profile or {}).get("name"):
        form.name.data = invitation.profile["name"]
    if form.validate_on_submit():
        user = create_user(
            db.session,
            email=invitation.email,
            name=form.name.data,
            password=form.new_password.data,
        )
        services.accept(db.session, invitation, user=user, now=utcnow())
        start_session(user)
        db.session.commit()
        flash(f"Your account is ready and you have joined {invitation.inquiry.title}", "success")
        return redirect(url_for("inquiries.overview", inquiry_id=invitation.inquiry_id))
    return render_template("invitations/new_account.html", invitation=invitation, form=form)
