"""The cohort: its make-up and targets, bulk invitations, profiles and withdrawal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Row, select

from .. import policy
from ..extensions import db, limiter
from ..invitations.services import InvitationError, mark_sent
from ..invitations.views import send_invitation
from ..mail import mail_configured
from ..models import (
    CohortTarget,
    Inquiry,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    User,
    utcnow,
)
from ..models.profile import LIVED_EXPERIENCE, PROFESSIONAL_ROLES, SECTORS
from ..permissions import requires
from ..personal_data import erasure
from ..security.rate_limits import config_limit, per_user
from . import composition, csv_import, services
from .forms import (
    ConfirmForm,
    ConfirmImportForm,
    ImportForm,
    ParticipantProfileForm,
    TargetForm,
    WitnessProfileForm,
)

bp = Blueprint("cohort", __name__)

# Room for the rest of a multipart request around the file itself.
UPLOAD_OVERHEAD = 64 * 1024


def _load_member(inquiry: Inquiry, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.inquiry_id != inquiry.id:
        abort(404)
    return membership


def _load_target(inquiry: Inquiry, target_id: int) -> CohortTarget:
    target = db.session.get(CohortTarget, target_id)
    if target is None or target.inquiry_id != inquiry.id:
        abort(404)
    return target


@bp.app_template_filter("cohort_profile_value")
def _profile_value(membership: Membership, dimension: str) -> str:
    return composition.profile_value(membership, dimension)


# The cohort page --------------------------------------------------------------------

# What the cohort page shows of each member, in one query for the whole cohort.
_MEMBER_COLUMNS = (
    Membership.id,
    Membership.role,
    Membership.status,
    Membership.created_at,
    Membership.withdrawn_at,
    Membership.erased_at,
    Membership.professional_role,
    Membership.professional_role_other,
    Membership.sector,
    Membership.organisation,
    Membership.locality,
    Membership.named_in_report,
    Membership.lived_experience,
    Membership.lived_experience_other,
    Membership.display_name,
    (Membership.access_needs != "").label("has_access_needs"),
    User.name,
    User.last_signed_in_at,
)
# Any number that will not be part of an address otherwise; see _member_link.
_ANY_ID = 918_273_645_546


def _member_link(inquiry: Inquiry, endpoint: str) -> Callable[[int], str]:
    """The address of a member's page of ``endpoint`` for a membership id: url_for once,
    since the page has three links for each member."""
    prefix, *rest = url_for(endpoint, inquiry_id=inquiry.id, membership_id=_ANY_ID).split(
        str(_ANY_ID)
    )
    if len(rest) != 1:
        return lambda membership_id: url_for(
            endpoint, inquiry_id=inquiry.id, membership_id=membership_id
        )
    return lambda membership_id: f"{prefix}{membership_id}{rest[0]}"


def _pending_invitations(inquiry: Inquiry, now: datetime) -> list[Row]:
    """services.pending_invitations, with only the columns the cohort page shows."""
    return list(
        db.session.execute(
            select(
                Invitation.id,
                Invitation.email,
                Invitation.profile,
                Invitation.role,
                Invitation.created_at,
            )
            .where(
                Invitation.inquiry_id == inquiry.id,
                Invitation.status == InvitationStatus.PENDING,
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


@bp.route("/inquiries/<int:inquiry_id>/cohort")
@requires(policy.can_manage)
def index(inquiry: Inquiry):
    now = utcnow()
    # Every list on the page comes from the same rows, in the order of the queries
    # they replace (services.members, not_signed_in and withdrawn_members).
    members = db.session.execute(
        select(*_MEMBER_COLUMNS)
        .join(User, User.id == Membership.user_id)
        .where(Membership.inquiry_id == inquiry.id)
        .order_by(User.name, Membership.id)
    ).all()
    active = [member for member in members if member.status == MembershipStatus.ACTIVE]
    by_role: dict[Role, list[Row]] = {Role.PARTICIPANT: [], Role.WITNESS: []}
    for member in active:
        if member.role in by_role:
            by_role[member.role].append(member)
    withdrawn = [member for member in members if member.status == MembershipStatus.WITHDRAWN]
    # The most recent first, as ORDER BY withdrawn_at DESC on SQLite.
    withdrawn.sort(key=lambda m: (m.withdrawn_at is not None, m.withdrawn_at or now), reverse=True)
    return render_template(
        "cohort/index.html",
        inquiry=inquiry,
        composition=composition.build_from(
            by_role, composition.targets_of(db.session, inquiry), reveal=True
        ),
        participants=sorted(by_role[Role.PARTICIPANT], key=lambda m: m.name.casefold()),
        witnesses=sorted(by_role[Role.WITNESS], key=lambda m: m.name.casefold()),
        withdrawn=withdrawn,
        invitations=_pending_invitations(inquiry, now),
        not_signed_in=[member for member in active if member.last_signed_in_at is None],
        edit_url=_member_link(inquiry, "cohort.edit_member"),
        withdraw_url=_member_link(inquiry, "cohort.withdraw_member"),
        erase_url=_member_link(inquiry, "cohort.erase_member"),
        now=now,
    )


@bp.route("/inquiries/<int:inquiry_id>/cohort/targets", methods=["GET", "POST"])
@requires(policy.can_manage)
def targets(inquiry: Inquiry):
    form = TargetForm()
    form.group.choices = [("", "Choose a group"), *services.target_choices()]
    if request.method == "GET" and request.args.get("target", "").isdigit():
        target = _load_target(inquiry, int(request.args["target"]))
        is_locality = target.dimension == "locality"
        form.group.data = f"{target.dimension}:" + ("" if is_locality else target.value)
        form.locality.data = target.value if is_locality else ""
        form.minimum.data = str(target.minimum)
    if form.validate_on_submit():
        dimension, value = form.dimension_and_value
        try:
            target = services.set_target(
                db.session,
                inquiry,
                dimension=dimension,
                value=value,
                minimum=int(form.minimum.data.strip()),
                actor=current_user,
            )
        except services.CohortError as error:
            db.session.rollback()
            form.add_field_error(error.field or "group", error.message)
        else:
            db.session.commit()
            flash(
                f"Target saved: {services.target_label(target)}, at least {target.minimum}",
                "success",
            )
            return redirect(url_for("cohort.targets", inquiry_id=inquiry.id))
    return render_template(
        "cohort/targets.html",
        inquiry=inquiry,
        form=form,
        targets=[
            (target, services.target_label(target))
            for target in services.composition.targets_of(db.session, inquiry)
        ],
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/cohort/targets/<int:target_id>/remove", methods=["GET", "POST"]
)
@requires(policy.can_manage)
def remove_target(inquiry: Inquiry, target_id: int):
    target = _load_target(inquiry, target_id)
    label = services.target_label(target)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.remove_target(db.session, target, actor=current_user, inquiry=inquiry)
        db.session.commit()
        flash(f"Target removed: {label}", "success")
        return redirect(url_for("cohort.targets", inquiry_id=inquiry.id))
    return render_template(
        "cohort/remove_target.html", inquiry=inquiry, target=target, label=label, form=form
    )


# Importing invitations ------------------------------------------------------------


def _import_page(inquiry: Inquiry, form: ImportForm, status: int = 200):
    return render_template(
        "cohort/import.html",
        inquiry=inquiry,
        form=form,
        mail=mail_configured(),
        roles=csv_import.ROLES,
        categories=[
            ("professional_role", "Professional role (participants)", PROFESSIONAL_ROLES),
            ("sector", "Sector (participants)", SECTORS),
            ("lived_experience", "Lived experience (witnesses)", LIVED_EXPERIENCE),
        ],
        max_rows=csv_import.MAX_ROWS,
    ), status


def _preview(inquiry: Inquiry, parsed: csv_import.ParsedFile, form: ImportForm):
    """The row-by-row report, with the confirmation button only when every row is fine."""
    confirm = None
    if parsed.is_valid:
        token = services.sign_rows(current_app.secret_key, inquiry, current_user, parsed.rows)
        if len(token) > services.IMPORT_TOKEN_LIMIT:
            form.add_field_error("file", "The file holds too much to import at once: split it")
            return _import_page(inquiry, form)
        confirm = ConfirmImportForm(formdata=None, rows=token)
        confirm.submit.label.text = (
            f"Send {len(parsed.rows)} invitation{'s' if len(parsed.rows) != 1 else ''}"
        )
    else:
        # Keeps "Error:" in the page title; the summary links to the rows themselves.
        form.add_form_error("The file has problems")
    return render_template(
        "cohort/import_preview.html",
        inquiry=inquiry,
        parsed=parsed,
        form=form,
        confirm=confirm,
        mail=mail_configured(),
        labels=csv_import.COLUMN_LABELS,
        roles=csv_import.ROLES,
    )


@bp.route("/inquiries/<int:inquiry_id>/cohort/import", methods=["GET", "POST"])
@requires(policy.can_manage)
def import_csv(inquiry: Inquiry):
    if request.method == "POST" and (request.content_length or 0) > (
        csv_import.MAX_BYTES + UPLOAD_OVERHEAD
    ):
        # Refuse before reading the body.
        form = ImportForm(formdata=None)
        form.add_field_error("file", csv_import.TOO_LARGE_MESSAGE)
        return _import_page(inquiry, form)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(csv_import.MAX_BYTES + 1)
        filename = (upload.filename or "").lower()
        if filename and not filename.endswith((".csv", ".txt")):
            form.add_field_error("file", csv_import.NOT_CSV_MESSAGE)
            return _import_page(inquiry, form)
        parsed = csv_import.parse(data)
        if parsed.problem:
            form.add_field_error("file", parsed.problem)
            return _import_page(inquiry, form)
        services.check_file(db.session, inquiry, parsed, now=utcnow())
        return _preview(inquiry, parsed, ImportForm(formdata=None))
    return _import_page(inquiry, form)


@bp.route("/inquiries/<int:inquiry_id>/cohort/import/template.csv")
@requires(policy.can_manage)
def import_template(inquiry: Inquiry):
    # The byte order mark makes spreadsheet programs open the file as UTF-8.
    return Response(
        "\ufeff" + csv_import.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="invitations-template.csv"'},
    )


@bp.route("/inquiries/<int:inquiry_id>/cohort/import/confirm", methods=["POST"])
@requires(policy.can_manage)
@limiter.limit(config_limit("INVITATION_LIMIT_PER_USER"), key_func=per_user)
def confirm_import(inquiry: Inquiry):
    form = ConfirmImportForm()
    rows = None
    if form.validate_on_submit():
        rows = services.read_rows(current_app.secret_key, inquiry, current_user, form.rows.data)
    if not rows:
        flash(
            "The preview has expired or could not be read. Nothing was sent: "
            "upload the file again.",
            "error",
        )
        return redirect(url_for("cohort.import_csv", inquiry_id=inquiry.id))
    now = utcnow()
    # Someone may have been invited or joined since the preview: check again.
    parsed = csv_import.ParsedFile(rows=rows)
    services.check_file(db.session, inquiry, parsed, now=now)
    if not parsed.is_valid:
        for row in parsed.rows:
            row.cells = {"email": row.email, "role": row.role, "name": row.name, **row.profile}
        return _preview(inquiry, parsed, ImportForm(formdata=None))
    lifetime = timedelta(days=current_app.config["INVITATION_DAYS"])
    try:
        invitations = services.import_invitations(
            db.session, inquiry, rows, invited_by=current_user, now=now, lifetime=lifetime
        )
    except InvitationError as error:
        db.session.rollback()
        flash(f"Nothing was sent: {error.message}. Upload the file again.", "error")
        return redirect(url_for("cohort.import_csv", inquiry_id=inquiry.id))
    sent = 0
    for invitation in invitations:
        if send_invitation(invitation):
            mark_sent(db.session, invitation, actor=current_user, now=now)
            sent += 1
    db.session.commit()
    count = len(invitations)
    noun = "invitation" if count == 1 else "invitations"
    if sent == count:
        flash(f"{count} {noun} sent", "success")
    else:
        flash(
            f"{count} {noun} created. {sent} could be emailed: open the others from the "
            "members page to copy their links and send them yourself.",
            "success",
        )
    return redirect(url_for("cohort.index", inquiry_id=inquiry.id))


# Profiles -------------------------------------------------------------------------


def _profile_form(membership: Membership):
    form_class = (
        ParticipantProfileForm if membership.role == Role.PARTICIPANT else WitnessProfileForm
    )
    return form_class(obj=membership if request.method == "GET" else None)


def _save_profile(membership: Membership, form) -> list[str]:
    extra = {}
    if isinstance(form, ParticipantProfileForm):
        extra["named_in_report"] = form.named_in_report.data
    else:
        extra["access_needs"] = form.access_needs.data or ""
        extra["support_contact"] = form.support_contact.data or ""
    return services.update_profile(
        db.session, membership, data=form.profile_data(), actor=current_user, **extra
    )


@bp.route("/inquiries/<int:inquiry_id>/profile", methods=["GET", "POST"])
@requires(policy.can_edit_own_profile)
def profile(inquiry: Inquiry):
    membership = g.membership
    form = _profile_form(membership)
    if form.validate_on_submit():
        changed = _save_profile(membership, form)
        db.session.commit()
        flash("Your profile has been saved" if changed else "Nothing changed", "success")
        return redirect(url_for("inquiries.overview", inquiry_id=inquiry.id))
    return render_template(
        "cohort/profile.html",
        inquiry=inquiry,
        membership=membership,
        form=form,
        own=True,
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/cohort/members/<int:membership_id>/profile",
    methods=["GET", "POST"],
)
@requires(policy.can_manage)
def edit_member(inquiry: Inquiry, membership_id: int):
    membership = _load_member(inquiry, membership_id)
    if not services.has_profile(membership) or membership.status != MembershipStatus.ACTIVE:
        abort(404)
    form = _profile_form(membership)
    if form.validate_on_submit():
        changed = _save_profile(membership, form)
        db.session.commit()
        flash(
            f"Profile of {membership.user.name} saved" if changed else "Nothing changed",
            "success",
        )
        return redirect(url_for("cohort.index", inquiry_id=inquiry.id))
    return render_template(
        "cohort/profile.html",
        inquiry=inquiry,
        membership=membership,
        form=form,
        own=False,
    )


# Withdrawal -----------------------------------------------------------------------


@bp.route(
    "/inquiries/<int:inquiry_id>/cohort/members/<int:membership_id>/withdraw",
    methods=["GET", "POST"],
)
@requires(policy.can_manage)
def withdraw_member(inquiry: Inquiry, membership_id: int):
    membership = _load_member(inquiry, membership_id)
    form = ConfirmForm()
    if services.can_be_withdrawn(membership) and form.validate_on_submit():
        services.withdraw(db.session, membership, actor=current_user, now=utcnow())
        db.session.commit()
        flash(f"{membership.user.name} has been withdrawn from the inquiry", "success")
        return redirect(url_for("cohort.index", inquiry_id=inquiry.id))
    return render_template(
        "cohort/withdraw.html",
        inquiry=inquiry,
        membership=membership,
        effect=services.withdrawal_effect(db.session, membership),
        can_withdraw=services.can_be_withdrawn(membership),
        form=form,
        own=False,
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/cohort/members/<int:membership_id>/erase",
    methods=["GET", "POST"],
)
@requires(policy.can_manage)
def erase_member(inquiry: Inquiry, membership_id: int):
    membership = _load_member(inquiry, membership_id)
    form = ConfirmForm()
    can_erase = erasure.can_be_erased(membership)
    if can_erase and form.validate_on_submit():
        erasure.erase_member(db.session, membership, actor=current_user, now=utcnow())
        db.session.commit()
        flash("The member's personal data has been erased", "success")
        return redirect(url_for("cohort.index", inquiry_id=inquiry.id))
    return render_template(
        "cohort/erase.html",
        inquiry=inquiry,
        membership=membership,
        effect=services.withdrawal_effect(db.session, membership),
        can_erase=can_erase,
        form=form,
    )


@bp.route("/inquiries/<int:inquiry_id>/withdraw", methods=["GET", "POST"])
# Leaving must always be possible, whether or not the member has agreed to the text.
@requires(policy.can_withdraw_self, consent_exempt=True)
def withdraw_self(inquiry: Inquiry):
    membership = g.membership
    form = ConfirmForm()
    if form.validate_on_submit():
        services.withdraw(db.session, membership, actor=current_user, now=utcnow())
        db.session.commit()
        flash(f"You have left {inquiry.title}", "success")
        return redirect(url_for("inquiries.home"))
    return render_template(
        "cohort/withdraw.html",
        inquiry=inquiry,
        membership=membership,
        effect=services.withdrawal_effect(db.session, membership),
        can_withdraw=True,
        form=form,
        own=True,
    )
