"""Questions for witnesses: participants ask and support, researchers answer, witnesses read."""

from __future__ import annotations

from flask import (
    Blueprint,
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

from .. import policy
from ..extensions import db
from ..formatting import UK, uk_date
from ..models import (
    Inquiry,
    Membership,
    MembershipStatus,
    QuestionStatus,
    Role,
    Round,
    Testimony,
    WitnessQuestion,
    utcnow,
)
from ..permissions import requires
from ..rounds.services import round_in
from . import services
from .forms import ANY_WITNESS, NO_ANSWER, AnswerForm, ConfirmForm, QuestionForm, SupportForm

bp = Blueprint("questions", __name__)


def _load(inquiry: Inquiry, question_id: int) -> WitnessQuestion:
    question = services.question_in(db.session, inquiry, question_id)
    if question is None:
        abort(404)
    return question


def _index_url(inquiry: Inquiry, question: WitnessQuestion | None = None) -> str:
    anchor = f"question-{question.id}" if question is not None else None
    return url_for("questions.index", inquiry_id=inquiry.id, _anchor=anchor)


def session_label(round_: Round) -> str:
    label = f"Session {round_.position}: {round_.title}"
    return f"{label} ({uk_date(round_.held_on)})" if round_.held_on else label


def witness_name(membership: Membership | None) -> str:
    """Who a question is for, or whose testimony this is, as others may see it."""
    if membership is None:
        return "Any witness"
    if membership.status != MembershipStatus.ACTIVE:
        return "A witness who has left the inquiry"
    return membership.public_name


def testimony_label(testimony: Testimony) -> str:
    title = testimony.title or "Untitled testimony"
    return f"{title}, from {witness_name(testimony.witness)}"


def testimony_url(inquiry: Inquiry, testimony: Testimony) -> str | None:
    """The testimony's page, once the testimony pages exist."""
    if "testimony.show" not in current_app.view_functions:
        return None
    return url_for("testimony.show", inquiry_id=inquiry.id, testimony_id=testimony.id)


def _visible(inquiry: Inquiry, question: WitnessQuestion) -> bool:
    membership = g.membership
    round_ids: set[int] = set()
    if membership is not None and membership.role == Role.WITNESS:
        round_ids = services.witness_round_ids(db.session, membership)
    return policy.can_see_witness_question(current_user, inquiry, question, round_ids)


# The questions page -----------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/questions", methods=["GET", "POST"])
@requires(policy.can_see_witness_questions)
def index(inquiry: Inquiry):
    can_ask = policy.can_ask_witness_questions(current_user, inquiry)
    if request.method == "POST" and not can_ask:
        abort(403)
    form = None
    rounds = services.sessions_for_questions(db.session, inquiry)
    if can_ask:
        form = QuestionForm()
        form.set_choices(rounds, services.active_witnesses(db.session, inquiry), session_label)
        if request.method == "GET":
            today = utcnow().astimezone(UK).date()
            default = services.next_evidence_hearing(rounds, today)
            form.round_id.data = str(default.id) if default else ""
            form.witness.data = ANY_WITNESS
        elif not rounds:
            flash("Questions can be asked once the researchers have planned the sessions", "error")
            return redirect(_index_url(inquiry))
        elif form.validate_on_submit():
            round_ = round_in(db.session, inquiry, int(form.round_id.data))
            witness = None
            if form.witness.data != ANY_WITNESS:
                witness = db.session.get(Membership, int(form.witness.data))
            if round_ is None:
                abort(404)
            try:
                question = services.ask(
                    db.session,
                    inquiry=inquiry,
                    actor=current_user,
                    text=form.text.data,
                    round_=round_,
                    witness=witness,
                    now=utcnow(),
                )
            except services.QuestionError as error:
                db.session.rollback()
                form.add_field_error("text", error.message)
            else:
                db.session.commit()
                flash(
                    "Your question has been submitted. Other participants can now support it.",
                    "success",
                )
                return redirect(_index_url(inquiry, question))
    membership = g.membership
    is_researcher = policy.can_manage_witness_questions(current_user, inquiry)
    questions = services.visible_questions(db.session, inquiry, membership)
    groups = services.ranked(
        db.session, inquiry, questions, viewer=current_user, show_askers=is_researcher
    )
    return render_template(
        "questions/index.html",
        inquiry=inquiry,
        form=form,
        groups=groups,
        rounds=rounds,
        can_ask=can_ask,
        is_researcher=is_researcher,
        is_witness=membership is not None and membership.role == Role.WITNESS,
        support_form=SupportForm(),
        reopen_form=ConfirmForm(),
        session_label=session_label,
        witness_name=witness_name,
        testimony_label=testimony_label,
        testimony_url=testimony_url,
        open_status=QuestionStatus.OPEN,
    )


@bp.route("/inquiries/<int:inquiry_id>/questions/<int:question_id>/support", methods=["POST"])
@requires(policy.can_ask_witness_questions)
def support(inquiry: Inquiry, question_id: int):
    """Support the question or take support back; the button sends which."""
    question = _load(inquiry, question_id)
    if not policy.can_support_witness_question(current_user, inquiry, question):
        abort(403)
    form = SupportForm()
    if not form.validate_on_submit():
        flash("Your support could not be saved. Try again.", "error")
        return redirect(_index_url(inquiry, question))
    choice = request.form.get("support")
    if choice in ("yes", "no"):
        wanted = choice == "yes"
    else:
        wanted = question.id not in services.supported_by(db.session, current_user, [question.id])
    try:
        changed = services.set_support(
            db.session, question, user=current_user, supported=wanted, now=utcnow()
        )
    except services.QuestionError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_index_url(inquiry, question))
    db.session.commit()
    if changed:
        flash(
            "You support this question" if wanted else "You no longer support this question",
            "success",
        )
    return redirect(_index_url(inquiry, question))


# Researchers: answer and reopen -------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/questions/<int:question_id>/answer", methods=["GET", "POST"])
@requires(policy.can_manage_witness_questions)
def answer(inquiry: Inquiry, question_id: int):
    question = _load(inquiry, question_id)
    choices = services.answer_choices(db.session, question)
    form = AnswerForm()
    form.set_choices(choices, testimony_label)
    if request.method == "GET" and question.status == QuestionStatus.ANSWERED:
        current = services.shown_answer(question)
        form.answer.data = str(current.id) if current else NO_ANSWER
    if form.validate_on_submit():
        testimony = None
        if form.answer.data != NO_ANSWER:
            testimony = next(t for t in choices if str(t.id) == form.answer.data)
        try:
            changed = services.mark_answered(
                db.session,
                question,
                inquiry=inquiry,
                actor=current_user,
                testimony=testimony,
                link=_index_url(inquiry, question),
                now=utcnow(),
            )
        except services.QuestionError as error:
            db.session.rollback()
            form.add_field_error("answer", error.message)
        else:
            db.session.commit()
            if changed and testimony is not None:
                flash("Question marked as answered, with its answer linked", "success")
            elif changed:
                flash("Question marked as answered", "success")
            else:
                flash("Nothing changed: the question was already answered like this", "info")
            return redirect(_index_url(inquiry, question))
    return render_template(
        "questions/answer.html",
        inquiry=inquiry,
        question=question,
        form=form,
        choices=choices,
        session_label=session_label,
        witness_name=witness_name,
    )


@bp.route("/inquiries/<int:inquiry_id>/questions/<int:question_id>/reopen", methods=["POST"])
@requires(policy.can_manage_witness_questions)
def reopen(inquiry: Inquiry, question_id: int):
    question = _load(inquiry, question_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The question could not be reopened. Try again.", "error")
        return redirect(_index_url(inquiry, question))
    if services.reopen(db.session, question, inquiry=inquiry, actor=current_user, now=utcnow()):
        db.session.commit()
        flash("Question reopened: it is no longer marked as answered", "success")
    else:
        flash("This question is already open", "info")
    return redirect(_index_url(inquiry, question))


# Deleting -----------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@requires(policy.can_see_witness_questions)
def delete(inquiry: Inquiry, question_id: int):
    question = _load(inquiry, question_id)
    if not _visible(inquiry, question):
        abort(404)
    if not policy.can_delete_witness_question(current_user, inquiry, question):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_question(db.session, question, inquiry=inquiry, actor=current_user)
        db.session.commit()
        flash("Question deleted", "success")
        return redirect(_index_url(inquiry))
    return render_template(
        "questions/delete.html",
        inquiry=inquiry,
        question=question,
        form=form,
        own=question.asked_by_id == current_user.id,
        session_label=session_label,
        witness_name=witness_name,
    )
