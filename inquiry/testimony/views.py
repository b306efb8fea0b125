"""Testimony pages: giving it, recording it, checking it, reading it and withdrawing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..inquiries.services import researchers_of
from ..models import (
    Inquiry,
    Membership,
    Round,
    Testimony,
    TestimonyFormat,
    TestimonyStatus,
    TestimonyUse,
    User,
    utcnow,
)
from ..permissions import requires
from ..rounds.services import plan_for, round_in
from . import services
from .forms import (
    ConfirmForm,
    RecordTestimonyForm,
    RequestChangesForm,
    UseForm,
    WitnessTestimonyForm,
    revision_of,
)
from .services import TestimonyConflict, TestimonyError

bp = Blueprint("testimony", __name__)

ObjectRule = Callable[[User, Inquiry, Testimony], bool]


# Template helpers ---------------------------------------------------------------------


@bp.app_template_global()
def testimony_overview(inquiry: Inquiry) -> services.Overview:
    """For templates/testimony/_overview.html on the inquiry's overview page."""
    return services.overview_for(db.session, inquiry, policy.membership_of(current_user, inquiry))


@bp.app_template_filter("testimony_lived_experience")
def _lived_experience(membership: Membership) -> str:
    return services.lived_experience_label(membership)


# Loading and links --------------------------------------------------------------------


def _load(inquiry: Inquiry, testimony_id: int, rule: ObjectRule | None = None) -> Testimony:
    """The testimony if this user may see it (404 otherwise), and 403 when ``rule`` refuses."""
    testimony = services.testimony_in(db.session, inquiry, testimony_id)
    if testimony is None or not policy.can_read_testimony(current_user, inquiry, testimony):
        abort(404)
    if rule is not None and not rule(current_user, inquiry, testimony):
        abort(403)
    return testimony


@dataclass(frozen=True)
class Attempt:
    ok: bool
    conflict: bool = False
    result: Any = None


def _attempt(form: Any, testimony: Testimony, field: str, call: Callable[[], Any]) -> Attempt:
    """Run a service call that may be refused, and commit it if it is not.

    A refusal rolls back and is shown on the form next to ``field`` (or the field the
    error names); when someone else saved first, the form is brought up to the current
    revision so that saving again is a deliberate choice.
    """
    try:
        result = call()
    except TestimonyConflict as error:
        db.session.rollback()
        form.add_form_error(error.message)
        form.revision.data = str(testimony.revision)
        return Attempt(ok=False, conflict=True)
    except TestimonyError as error:
        db.session.rollback()
        form.add_field_error(error.field or field, error.message)
        return Attempt(ok=False)
    db.session.commit()
    return Attempt(ok=True, result=result)


def _load_round(inquiry: Inquiry, round_id: str | int | None) -> Round | None:
    if round_id is None or not str(round_id).isdigit():
        return None
    return round_in(db.session, inquiry, int(round_id))


def _show_url(testimony: Testimony) -> str:
    return url_for("testimony.show", inquiry_id=testimony.inquiry_id, testimony_id=testimony.id)


def _review_url(testimony: Testimony) -> str:
    return url_for("testimony.edit", inquiry_id=testimony.inquiry_id, testimony_id=testimony.id)


def _withdrawn_redirect(testimony: Testimony):
    flash("This testimony has been withdrawn and erased", "info")
    return redirect(_show_url(testimony))


# Reading ------------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/testimony")
@requires(policy.is_member)
def index(inquiry: Inquiry):
    membership = g.membership
    context: dict = {"inquiry": inquiry, "statuses": services.RESEARCHER_STATUSES}
    if policy.can_manage(current_user, inquiry):
        status_value = request.args.get("status", "")
        status = next((s for s in services.RESEARCHER_STATUSES if s.value == status_value), None)
        round_ = _load_round(inquiry, request.args.get("session"))
        context.update(
            view="researcher",
            testimonies=services.for_researchers(
                db.session,
                inquiry,
                status=status,
                round_id=round_.id if round_ is not None else None,
            ),
            needing_changes=services.needing_changes(db.session, inquiry),
            counts=services.counts_by_status(db.session, inquiry),
            rounds=plan_for(db.session, inquiry),
            status=status,
            round=round_,
            filtered=status is not None or round_ is not None,
        )
    else:
        context.update(
            view="witness" if policy.can_give_testimony(current_user, inquiry) else "member",
            own=services.for_witness(db.session, membership)
            if policy.can_give_testimony(current_user, inquiry)
            else [],
            groups=services.approved_by_round(db.session, inquiry),
        )
    return render_template("testimony/index.html", **context)


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/testimony")
@requires(policy.is_member)
def hearing(inquiry: Inquiry, round_id: int):
    round_ = _load_round(inquiry, round_id)
    if round_ is None:
        abort(404)
    return render_template(
        "testimony/hearing.html",
        inquiry=inquiry,
        round=round_,
        testimonies=services.approved_in_round(db.session, round_),
        can_give=policy.can_give_testimony(current_user, inquiry),
    )


@bp.route("/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>")
@requires(policy.is_member)
def show(inquiry: Inquiry, testimony_id: int):
    testimony = _load(inquiry, testimony_id)
    now = utcnow()
    own = policy.is_own_testimony(current_user, inquiry, testimony)
    can_edit_own = policy.can_edit_own_testimony(current_user, inquiry, testimony)
    can_edit_recorded = policy.can_edit_recorded_testimony(current_user, inquiry, testimony)
    return render_template(
        "testimony/show.html",
        inquiry=inquiry,
        testimony=testimony,
        own=own,
        manage=policy.can_manage(current_user, inquiry),
        can_edit_own=can_edit_own,
        can_edit_recorded=can_edit_recorded,
        can_edit_attachments=can_edit_own or can_edit_recorded,
        use_locked=services.use_locked(inquiry, testimony, now),
        can_withdraw_now=own and services.can_withdraw_now(inquiry, testimony, now),
    )


# Witnesses: writing, checking and approving -------------------------------------------


def _witness_page(inquiry: Inquiry, form: WitnessTestimonyForm, testimony: Testimony | None, **kw):
    return render_template(
        "testimony/write.html",
        inquiry=inquiry,
        form=form,
        testimony=testimony,
        statuses=TestimonyStatus,
        **kw,
    )


@bp.route("/inquiries/<int:inquiry_id>/testimony/write", methods=["GET", "POST"])
@requires(policy.can_give_testimony)
def write(inquiry: Inquiry):
    witness = g.membership
    rounds = services.sessions_for_testimony(db.session, inquiry)
    form = WitnessTestimonyForm()
    form.set_choices(rounds, witness)
    if request.method == "GET":
        chosen = _load_round(inquiry, request.args.get("session"))
        if chosen is not None:
            form.round_id.data = str(chosen.id)
    del form.revision
    if rounds and form.validate_on_submit():
        share = bool(form.share.data)
        try:
            testimony = services.write_testimony(
                db.session,
                inquiry=inquiry,
                witness=witness,
                actor=current_user,
                round_=_load_round(inquiry, form.round_id.data),
                title=form.title.data,
                body=form.body.data,
                use=TestimonyUse(form.use.data),
                share=share,
                now=utcnow(),
            )
        except TestimonyError as error:
            db.session.rollback()
            form.add_field_error(error.field or "body", error.message)
        else:
            db.session.commit()
            if share:
                flash("Your testimony is shared with the cohort", "success")
            else:
                flash("Your draft is saved. Only you can see it.", "success")
            return redirect(_show_url(testimony))
    return _witness_page(inquiry, form, None, rounds=rounds)


@bp.route("/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/edit", methods=["GET", "POST"])
@requires(policy.can_give_testimony)
def edit(inquiry: Inquiry, testimony_id: int):
    """The witness's page for their testimony: change a draft and share it, check what a
    researcher recorded (correct it, approve it), or change approved testimony."""
    testimony = _load(inquiry, testimony_id, policy.is_own_testimony)
    if testimony.status == TestimonyStatus.WITHDRAWN:
        return _withdrawn_redirect(testimony)
    now = utcnow()
    witness = g.membership
    rounds = services.sessions_for_testimony(db.session, inquiry)
    if request.method == "POST":
        form = WitnessTestimonyForm()
    else:
        form = WitnessTestimonyForm(
            data={
                "round_id": str(testimony.round_id or ""),
                "title": testimony.title,
                "body": testimony.body or "",
                "use": testimony.use.value,
                "revision": str(testimony.revision),
            }
        )
    form.set_choices(rounds, witness)
    if testimony.status != TestimonyStatus.DRAFT:
        del form.round_id
    if services.use_locked(inquiry, testimony, now):
        del form.use
    conflict = False
    if form.validate_on_submit():
        status_before = testimony.status
        approve = bool(form.share.data) and status_before != TestimonyStatus.APPROVED
        attempt = _attempt(
            form,
            testimony,
            "body",
            lambda: services.update_by_witness(
                db.session,
                testimony,
                inquiry=inquiry,
                actor=current_user,
                expected_revision=revision_of(form),
                title=form.title.data,
                body=form.body.data,
                use=TestimonyUse(form.use.data) if form.use is not None else None,
                round_=(
                    _load_round(inquiry, form.round_id.data) if form.round_id is not None else None
                ),
                approve=approve,
                now=now,
            ),
        )
        conflict = attempt.conflict
        if attempt.ok:
            changed = attempt.result
            if approve and status_before == TestimonyStatus.DRAFT:
                flash("Your testimony is shared with the cohort", "success")
            elif approve:
                flash(
                    "Thank you. Your testimony is approved and shared with the cohort.", "success"
                )
            elif not changed:
                flash("You did not change anything", "info")
            elif status_before == TestimonyStatus.DRAFT:
                flash("Your draft is saved. Only you can see it.", "success")
            elif status_before in services.WITH_WITNESS:
                flash(
                    "Your corrections are saved. Nobody else in the cohort can read the "
                    "testimony until you approve it.",
                    "success",
                )
            else:
                flash("Your changes are saved", "success")
            return redirect(_show_url(testimony))
    return _witness_page(
        inquiry,
        form,
        testimony,
        rounds=rounds,
        conflict=conflict,
        use_locked=services.use_locked(inquiry, testimony, now),
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/request-changes",
    methods=["GET", "POST"],
)
@requires(policy.can_give_testimony)
def request_changes(inquiry: Inquiry, testimony_id: int):
    testimony = _load(inquiry, testimony_id, policy.is_own_testimony)
    if testimony.status == TestimonyStatus.WITHDRAWN:
        return _withdrawn_redirect(testimony)
    if testimony.status not in services.WITH_WITNESS:
        flash(
            "You can only ask the researchers for changes before you approve testimony. "
            "You can change it yourself instead.",
            "info",
        )
        return redirect(_show_url(testimony))
    if request.method == "POST":
        form = RequestChangesForm()
    else:
        form = RequestChangesForm(
            data={"note": testimony.change_request or "", "revision": str(testimony.revision)}
        )
    conflict = False
    if form.validate_on_submit():
        attempt = _attempt(
            form,
            testimony,
            "note",
            lambda: services.request_changes(
                db.session,
                testimony,
                inquiry=inquiry,
                actor=current_user,
                expected_revision=revision_of(form),
                note=form.note.data,
                now=utcnow(),
                link_for=_show_url,
            ),
        )
        conflict = attempt.conflict
        if attempt.ok:
            flash(
                "Your request is sent to the researchers. We will let you know when they "
                "have changed your testimony.",
                "success",
            )
            return redirect(_show_url(testimony))
    return render_template(
        "testimony/request_changes.html",
        inquiry=inquiry,
        testimony=testimony,
        form=form,
        conflict=conflict,
    )


def _contacts(inquiry: Inquiry) -> list[User]:
    return researchers_of(db.session, inquiry)


@bp.route("/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/use", methods=["GET", "POST"])
@requires(policy.can_give_testimony)
def use(inquiry: Inquiry, testimony_id: int):
    testimony = _load(inquiry, testimony_id, policy.is_own_testimony)
    if testimony.status == TestimonyStatus.WITHDRAWN:
        return _withdrawn_redirect(testimony)
    now = utcnow()
    locked = services.use_locked(inquiry, testimony, now)
    form = UseForm() if request.method == "POST" else UseForm(data={"use": testimony.use.value})
    form.set_choices(g.membership)
    if not locked and form.validate_on_submit():
        try:
            changed = services.change_use(
                db.session,
                testimony,
                inquiry=inquiry,
                actor=current_user,
                use=TestimonyUse(form.use.data),
                now=now,
            )
        except TestimonyError as error:
            db.session.rollback()
            form.add_field_error("use", error.message)
        else:
            db.session.commit()
            if changed:
                flash(f"Saved: {testimony.use.label.lower()}", "success")
            else:
                flash("You did not change anything", "info")
            return redirect(_show_url(testimony))
    return render_template(
        "testimony/use.html",
        inquiry=inquiry,
        testimony=testimony,
        form=form,
        locked=locked,
        contacts=_contacts(inquiry) if locked else [],
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/withdraw", methods=["GET", "POST"]
)
@requires(policy.can_give_testimony)
def withdraw(inquiry: Inquiry, testimony_id: int):
    testimony = _load(inquiry, testimony_id, policy.is_own_testimony)
    if testimony.status == TestimonyStatus.WITHDRAWN:
        return _withdrawn_redirect(testimony)
    now = utcnow()
    allowed = services.can_withdraw_now(inquiry, testimony, now)
    form = ConfirmForm()
    if allowed and form.validate_on_submit():
        services.withdraw(db.session, testimony, inquiry=inquiry, actor=current_user, now=now)
        db.session.commit()
        flash("Your testimony is withdrawn. Its words have been erased.", "success")
        return redirect(url_for("testimony.index", inquiry_id=inquiry.id))
    return render_template(
        "testimony/withdraw.html",
        inquiry=inquiry,
        testimony=testimony,
        form=form,
        allowed=allowed,
        contacts=_contacts(inquiry) if not allowed else [],
    )


# Researchers: recording testimony for a witness ---------------------------------------


def _record_page(inquiry: Inquiry, form: RecordTestimonyForm, testimony: Testimony | None, **kw):
    return render_template(
        "testimony/record.html", inquiry=inquiry, form=form, testimony=testimony, **kw
    )


@bp.route("/inquiries/<int:inquiry_id>/testimony/record", methods=["GET", "POST"])
@requires(policy.can_record_testimony)
def record(inquiry: Inquiry):
    rounds = services.sessions_for_testimony(db.session, inquiry)
    witnesses = services.active_witnesses(db.session, inquiry)
    form = RecordTestimonyForm()
    form.set_choices(rounds, witnesses)
    del form.revision
    if request.method == "GET":
        chosen = _load_round(inquiry, request.args.get("session"))
        if chosen is not None:
            form.round_id.data = str(chosen.id)
        witness_arg = request.args.get("witness", "")
        if witness_arg.isdigit() and services.witness_in(db.session, inquiry, int(witness_arg)):
            form.witness_id.data = witness_arg
    if rounds and witnesses and form.validate_on_submit():
        witness = services.witness_in(db.session, inquiry, int(form.witness_id.data))
        try:
            if witness is None:
                raise TestimonyError("Select the witness", field="witness_id")
            testimony = services.record_testimony(
                db.session,
                inquiry=inquiry,
                actor=current_user,
                witness=witness,
                round_=_load_round(inquiry, form.round_id.data),
                title=form.title.data,
                body=form.body.data,
                format=TestimonyFormat(form.format.data),
                given_on=form.given_on.data,
                now=utcnow(),
                link_for=_review_url,
            )
        except TestimonyError as error:
            db.session.rollback()
            form.add_field_error(error.field or "body", error.message)
        else:
            db.session.commit()
            flash(
                f"Testimony recorded. {witness.public_name} has been asked to check it.",
                "success",
            )
            return redirect(_show_url(testimony))
    return _record_page(inquiry, form, None, rounds=rounds, witnesses=witnesses)


@bp.route(
    "/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/change", methods=["GET", "POST"]
)
@requires(policy.can_record_testimony)
def edit_record(inquiry: Inquiry, testimony_id: int):
    testimony = _load(inquiry, testimony_id)
    if testimony.status == TestimonyStatus.WITHDRAWN:
        return _withdrawn_redirect(testimony)
    if not policy.can_edit_recorded_testimony(current_user, inquiry, testimony):
        abort(403)
    rounds = services.sessions_for_testimony(db.session, inquiry)
    if request.method == "POST":
        form = RecordTestimonyForm()
    else:
        form = RecordTestimonyForm(
            data={
                "round_id": str(testimony.round_id or ""),
                "title": testimony.title,
                "body": testimony.body or "",
                "format": testimony.format.value,
                "given_on": testimony.given_on,
                "revision": str(testimony.revision),
            }
        )
    del form.witness_id
    form.set_choices(rounds, [])
    form.submit.label.text = "Save and ask the witness to check it again"
    conflict = False
    if form.validate_on_submit():
        attempt = _attempt(
            form,
            testimony,
            "body",
            lambda: services.update_by_researcher(
                db.session,
                testimony,
                inquiry=inquiry,
                actor=current_user,
                expected_revision=revision_of(form),
                round_=_load_round(inquiry, form.round_id.data),
                title=form.title.data,
                body=form.body.data,
                format=TestimonyFormat(form.format.data),
                given_on=form.given_on.data,
                now=utcnow(),
                link_for=_review_url,
            ),
        )
        conflict = attempt.conflict
        if attempt.ok:
            changed = attempt.result
            if changed:
                flash(
                    f"Changes saved. {testimony.witness.public_name} has been asked to check "
                    "the testimony.",
                    "success",
                )
            else:
                flash("You did not change anything", "info")
            return redirect(_show_url(testimony))
    return _record_page(inquiry, form, testimony, rounds=rounds, conflict=conflict)
