"""Researchers' consent-text pages, and the page where members agree to take part."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..accounts.views import safe_next
from ..extensions import db
from ..inquiries.services import researchers_of
from ..models import ConsentAudience, ConsentRecord, Inquiry, utcnow
from ..permissions import requires
from . import services
from .defaults import default_text
from .forms import ConsentTextForm, GiveConsentForm

bp = Blueprint("consent", __name__)

AUDIENCES = "any(participant, witness)"


def _audience(value: str) -> ConsentAudience:
    try:
        return ConsentAudience(value)
    except ValueError:
        abort(404)


@bp.app_template_global()
def consent_agreement(inquiry: Inquiry) -> ConsentRecord | None:
    """For templates: the current user's newest agreement in this inquiry, if any."""
    audience = services.audience_for(policy.role_in(current_user, inquiry))
    if audience is None:
        return None
    return services.latest_agreement(db.session, inquiry, audience, current_user)


# Researchers ---------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/consent-texts")
@requires(policy.can_manage)
def texts(inquiry: Inquiry):
    return render_template(
        "consent/texts.html", inquiry=inquiry, summaries=services.summaries(db.session, inquiry)
    )


@bp.route(
    f"/inquiries/<int:inquiry_id>/consent-texts/<{AUDIENCES}:audience>/edit",
    methods=["GET", "POST"],
)
@requires(policy.can_manage)
def edit_text(inquiry: Inquiry, audience: str):
    audience_value = _audience(audience)
    current = services.current_text(db.session, inquiry, audience_value)
    form = ConsentTextForm()
    if request.method == "GET":
        if current is not None:
            form.body.data = current.body
        else:
            names = [user.name for user in researchers_of(db.session, inquiry)]
            form.body.data = default_text(audience_value, inquiry, names)
        form.based_on.data = str(current.version if current else 0)
    elif form.validate_on_submit():
        based_on = form.based_on.data or ""
        try:
            text = services.publish_text(
                db.session,
                inquiry=inquiry,
                audience=audience_value,
                body=form.body.data,
                based_on=int(based_on) if based_on.isdigit() else -1,
                actor=current_user,
                now=utcnow(),
            )
        except services.StaleVersionError as error:
            db.session.rollback()
            form.add_field_error(
                "body",
                f"Someone published version {error.current_version} while you were editing. "
                "Your text has not been saved: copy it, then open the page again to see the "
                "new version",
            )
        except IntegrityError:
            db.session.rollback()
            form.add_field_error(
                "body",
                "Someone published a new version at the same time. Your text has not been "
                "saved: copy it, then open the page again to see the new version",
            )
        else:
            if text is None:
                flash(
                    f"You did not change the text, so version {current.version} is still "
                    "the current version",
                    "info",
                )
            else:
                db.session.commit()
                flash(
                    f"Version {text.version} of the text for {audience_value.label.lower()} "
                    "is published. They will be asked to agree to it at their next visit.",
                    "success",
                )
            return redirect(url_for("consent.texts", inquiry_id=inquiry.id))
    return render_template(
        "consent/edit.html",
        inquiry=inquiry,
        audience=audience_value,
        current=current,
        form=form,
    )


@bp.route(
    f"/inquiries/<int:inquiry_id>/consent-texts/<{AUDIENCES}:audience>/versions/<int:version>"
)
@requires(policy.can_manage)
def view_version(inquiry: Inquiry, audience: str, version: int):
    audience_value = _audience(audience)
    text = services.get_version(db.session, inquiry, audience_value, version)
    if text is None:
        abort(404)
    newer = services.get_version(db.session, inquiry, audience_value, version + 1)
    return render_template(
        "consent/version.html",
        inquiry=inquiry,
        audience=audience_value,
        text=text,
        newer=newer,
        blocks=services.blocks(text.body),
    )


@bp.route(f"/inquiries/<int:inquiry_id>/consent-texts/<{AUDIENCES}:audience>/status")
@requires(policy.can_manage)
def status(inquiry: Inquiry, audience: str):
    audience_value = _audience(audience)
    current = services.current_text(db.session, inquiry, audience_value)
    consents = services.member_consents(db.session, inquiry, audience_value, current)
    return render_template(
        "consent/status.html",
        inquiry=inquiry,
        audience=audience_value,
        current=current,
        consents=consents,
        agreed=sum(1 for c in consents if c.is_current),
    )


# Members -------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/consent", methods=["GET", "POST"])
@requires(policy.is_member, consent_exempt=True)
def give(inquiry: Inquiry):
    """Read the information and agree to take part; or see what you agreed to."""
    audience = services.audience_for(policy.role_in(current_user, inquiry))
    text = services.current_text(db.session, inquiry, audience) if audience else None
    next_path = safe_next(request.args.get("next"))
    continue_to = next_path or url_for("inquiries.overview", inquiry_id=inquiry.id)
    agreement = (
        services.latest_agreement(db.session, inquiry, audience, current_user) if text else None
    )
    agreed_current = (
        agreement is not None and text is not None and agreement.consent_text_id == text.id
    )
    if text is None or agreed_current:
        # Nothing to agree to: a form sent anyway has nothing to do.
        if request.method == "POST":
            return redirect(continue_to)
        form = None
    else:
        form = GiveConsentForm()
        if form.validate_on_submit():
            if form.text_id.data == str(text.id):
                try:
                    services.give_consent(
                        db.session, inquiry=inquiry, text=text, user=current_user, now=utcnow()
                    )
                    db.session.commit()
                except IntegrityError:
                    # The same agreement, sent twice at once: the first one counts.
                    db.session.rollback()
                flash("Thank you. You have agreed to take part.", "success")
                return redirect(continue_to)
            form.agree.data = False
            form.add_field_error(
                "agree",
                "The information changed while you were reading it. Read this version, then "
                "say whether you agree",
            )
        form.text_id.data = str(text.id)
    return render_template(
        "consent/give.html",
        inquiry=inquiry,
        audience=audience,
        text=text,
        blocks=services.blocks(text.body) if text else [],
        agreement=agreement,
        agreed_current=agreed_current,
        form=form,
        action=url_for("consent.give", inquiry_id=inquiry.id, next=next_path),
        next_path=next_path,
        continue_to=continue_to,
    )


@bp.route("/inquiries/<int:inquiry_id>/consent/decline")
@requires(policy.is_member, consent_exempt=True)
def decline(inquiry: Inquiry):
    """What happens if you do not agree: withdrawing, or talking to the researchers."""
    return render_template(
        "consent/decline.html",
        inquiry=inquiry,
        researchers=researchers_of(db.session, inquiry),
        can_withdraw="cohort.withdraw_self" in current_app.view_functions,
        next=safe_next(request.args.get("next")),
    )
