"""Sign in, sign out, change and reset passwords, and the first-run set-up page."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from .. import policy
from ..audit.service import record
from ..extensions import db, limiter
from ..mail import log_link, mail_configured, send_email
from ..models import TokenPurpose, utcnow
from ..permissions import public, requires
from ..security.rate_limits import config_limit, per_account_signing_in
from . import services
from .forms import ChangePasswordForm, ResetPasswordForm, ResetRequestForm, SetupForm, SignInForm

bp = Blueprint("accounts", __name__)


def _failed(response: Response) -> bool:
    return response.status_code != 302


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after sign-in, or None."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    # Browsers drop tabs and newlines from URLs, and a header cannot hold a newline.
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def start_session(user) -> None:
    """Sign in with a fresh session, so no earlier cookie content survives.

    Call before the request's commit: it records when the user last signed in.
    """
    session.clear()
    session["sid"] = secrets.token_urlsafe(16)
    login_user(user)
    user.last_signed_in_at = utcnow()


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(config_limit("SIGN_IN_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    config_limit("SIGN_IN_FAILURES_PER_ACCOUNT"),
    key_func=per_account_signing_in,
    methods=["POST"],
    deduct_when=_failed,
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("inquiries.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data, utcnow())
        if user is not None:
            start_session(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("inquiries.home"))
        db.session.commit()
        form.add_field_error("email", "Enter a correct email address and password")
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@requires(policy.signed_in)
def sign_out():
    record(
        db.session,
        "user.signed_out",
        actor=current_user,
        object_type="user",
        object_id=current_user.id,
    )
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(policy.signed_in)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                now=utcnow(),
            )
        except services.AccountError as error:
            form.add_field_error(error.field or "current_password", error.message)
        else:
            user = current_user._get_current_object()
            start_session(user)
            db.session.commit()
            flash("Your password has been changed. Other browsers have been signed out.", "success")
            return redirect(url_for("inquiries.home"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit(config_limit("RESET_LIMIT_PER_IP"), methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(db.session, form.email.data)
        if user is not None and not user.is_disabled:
            token = services.issue_token(
                db.session,
                TokenPurpose.PASSWORD_RESET,
                secret_key=current_app.secret_key,
                now=utcnow(),
                lifetime=timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"]),
                user=user,
            )
            url = absolute_url("accounts.reset_password", token=token)
            record(
                db.session,
                "user.password_reset_requested",
                actor=user,
                object_type="user",
                object_id=user.id,
            )
            db.session.commit()
            send_email(
                user.email,
                f"Reset your password for {current_app.config['SERVICE_NAME']}",
                render_template("emails/reset_password.txt", user=user, url=url),
            )
            log_link(f"Password reset link for user {user.id}", url)
        return render_template(
            "accounts/reset_requested.html", email=form.email.data, mail=mail_configured()
        )
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    row = services.find_token(
        db.session,
        TokenPurpose.PASSWORD_RESET,
        token,
        secret_key=current_app.secret_key,
        now=utcnow(),
    )
    if row is None or row.user is None or row.user.is_disabled:
        return render_template("accounts/link_invalid.html", kind="password reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password_with_token(db.session, row, form.new_password.data, utcnow())
        start_session(user)
        db.session.commit()
        flash("Your password has been reset and you are signed in", "success")
        return redirect(url_for("inquiries.home"))
    return render_template("accounts/reset_password.html", form=form, user=row.user)


@bp.route("/setup/<token>", methods=["GET", "POST"])
@public
def setup(token: str):
    if services.any_user_exists(db.session):
        return render_template("accounts/setup_done.html"), 400
    row = services.find_token(
        db.session, TokenPurpose.SETUP, token, secret_key=current_app.secret_key, now=utcnow()
    )
    if row is None:
        return render_template("accounts/link_invalid.html", kind="set-up"), 400
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = services.complete_setup(
                db.session,
                row,
                email=form.email.data,
                name=form.name.data,
                password=form.new_password.data,
                now=utcnow(),
            )
        except services.AccountError as error:
            db.session.rollback()
            form.add_form_error(error.message)
        else:
            start_session(user)
            db.session.commit()
            flash("Your researcher account is ready. Start by creating an inquiry.", "success")
            return redirect(url_for("inquiries.home"))
    return render_template("accounts/setup.html", form=form)


def absolute_url(endpoint: str, **values) -> str:
    """A full link for email or the console, built on the configured public address."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
