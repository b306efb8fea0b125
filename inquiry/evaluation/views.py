"""The evaluation questionnaire: researchers set it up, open and close it and read the
results; participants (and witnesses, when included) answer it once, anonymously."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..extensions import db
from ..models import (
    Inquiry,
    QuestionKind,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireStatus,
    utcnow,
)
from ..permissions import requires
from . import services
from .defaults import DEFAULT_ITEMS, KIND_LABELS, PREFER_NOT_TO_SAY, SCALE
from .forms import AudienceForm, ConfirmForm, ItemForm, MoveForm, answer_form, field_name_for

bp = Blueprint("evaluation", __name__)


@bp.app_template_global()
def evaluation_status(inquiry: Inquiry) -> dict | None:
    """For the overview partial: what this member should see about the questionnaire."""
    questionnaire = services.questionnaire_for(db.session, inquiry, with_items=False)
    if policy.can_manage_evaluation(current_user, inquiry):
        return {
            "manage": True,
            "questionnaire": questionnaire,
            "responses": services.response_count(db.session, questionnaire)
            if questionnaire is not None
            else 0,
        }
    if questionnaire is None or not policy.can_answer_questionnaire(
        current_user, inquiry, questionnaire
    ):
        return None
    return {
        "manage": False,
        "questionnaire": questionnaire,
        "answered": services.has_answered(db.session, questionnaire, current_user),
    }


def _manage_url(inquiry: Inquiry) -> str:
    return url_for("evaluation.manage", inquiry_id=inquiry.id)


def _load(inquiry: Inquiry) -> Questionnaire:
    questionnaire = services.questionnaire_for(db.session, inquiry)
    if questionnaire is None:
        abort(404)
    return questionnaire


def _load_item(questionnaire: Questionnaire, item_id: int) -> QuestionnaireItem:
    item = services.item_in(db.session, questionnaire, item_id)
    if item is None:
        abort(404)
    return item


def _not_a_draft(inquiry: Inquiry, questionnaire: Questionnaire):
    """A redirect to the questionnaire's page when it can no longer be changed."""
    if questionnaire.status == QuestionnaireStatus.DRAFT:
        return None
    flash(
        "You cannot change the questionnaire once it has been opened: people may already "
        "have answered it",
        "error",
    )
    return redirect(_manage_url(inquiry))


# Researchers ----------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/evaluation")
@requires(policy.can_manage_evaluation)
def manage(inquiry: Inquiry):
    questionnaire = services.questionnaire_for(db.session, inquiry)
    progress = (
        services.progress(db.session, questionnaire)
        if questionnaire is not None and questionnaire.status != QuestionnaireStatus.DRAFT
        else None
    )
    return render_template(
        "evaluation/manage.html",
        inquiry=inquiry,
        questionnaire=questionnaire,
        progress=progress,
        defaults=DEFAULT_ITEMS,
        kind_labels=KIND_LABELS,
        create_form=ConfirmForm(),
        move_form=MoveForm(),
        max_items=services.MAX_ITEMS,
    )


@bp.route("/inquiries/<int:inquiry_id>/evaluation/create", methods=["POST"])
@requires(policy.can_manage_evaluation)
def create(inquiry: Inquiry):
    if services.questionnaire_for(db.session, inquiry) is not None:
        flash("This inquiry already has an evaluation questionnaire", "info")
        return redirect(_manage_url(inquiry))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.create_questionnaire(db.session, inquiry, actor=current_user, now=utcnow())
    try:
        db.session.commit()
    except IntegrityError:
        # Another researcher created it at the same moment.
        db.session.rollback()
        flash("This inquiry already has an evaluation questionnaire", "info")
        return redirect(_manage_url(inquiry))
    flash("Questionnaire created from the recommended questions. Change them below.", "success")
    return redirect(_manage_url(inquiry))


def _item_page(inquiry: Inquiry, form: ItemForm, item: QuestionnaireItem | None):
    return render_template("evaluation/item_form.html", inquiry=inquiry, form=form, item=item)


@bp.route("/inquiries/<int:inquiry_id>/evaluation/questions/new", methods=["GET", "POST"])
@requires(policy.can_manage_evaluation)
def add_item(inquiry: Inquiry):
    questionnaire = _load(inquiry)
    refused = _not_a_draft(inquiry, questionnaire)
    if refused:
        return refused
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = services.add_item(
                db.session,
                questionnaire,
                inquiry=inquiry,
                actor=current_user,
                kind=QuestionKind(form.kind.data),
                text=form.text.data,
            )
        except services.EvaluationError as error:
            db.session.rollback()
            form.add_field_error(error.field or "text", error.message)
            return _item_page(inquiry, form, None)
        db.session.commit()
        flash(f"Question {item.position} added", "success")
        return redirect(_manage_url(inquiry) + f"#question-{item.id}")
    return _item_page(inquiry, form, None)


@bp.route(
    "/inquiries/<int:inquiry_id>/evaluation/questions/<int:item_id>/edit",
    methods=["GET", "POST"],
)
@requires(policy.can_manage_evaluation)
def edit_item(inquiry: Inquiry, item_id: int):
    questionnaire = _load(inquiry)
    item = _load_item(questionnaire, item_id)
    refused = _not_a_draft(inquiry, questionnaire)
    if refused:
        return refused
    if request.method == "POST":
        form = ItemForm()
    else:
        form = ItemForm(data={"kind": item.kind.value, "text": item.text})
    if form.validate_on_submit():
        try:
            changed = services.update_item(
                db.session,
                questionnaire,
                item,
                inquiry=inquiry,
                actor=current_user,
                kind=QuestionKind(form.kind.data),
                text=form.text.data,
            )
        except services.EvaluationError as error:
            db.session.rollback()
            form.add_field_error(error.field or "text", error.message)
            return _item_page(inquiry, form, item)
        db.session.commit()
        flash(f"Question {item.position} saved" if changed else "Nothing was changed", "success")
        return redirect(_manage_url(inquiry) + f"#question-{item.id}")
    return _item_page(inquiry, form, item)


@bp.route(
    "/inquiries/<int:inquiry_id>/evaluation/questions/<int:item_id>/remove",
    methods=["GET", "POST"],
)
@requires(policy.can_manage_evaluation)
def remove_item(inquiry: Inquiry, item_id: int):
    questionnaire = _load(inquiry)
    item = _load_item(questionnaire, item_id)
    refused = _not_a_draft(inquiry, questionnaire)
    if refused:
        return refused
    form = ConfirmForm()
    if form.validate_on_submit():
        position = item.position
        services.remove_item(db.session, questionnaire, item, inquiry=inquiry, actor=current_user)
        db.session.commit()
        flash(f"Question {position} removed", "success")
        return redirect(_manage_url(inquiry))
    return render_template("evaluation/remove_item.html", inquiry=inquiry, item=item, form=form)


@bp.route("/inquiries/<int:inquiry_id>/evaluation/questions/<int:item_id>/move", methods=["POST"])
@requires(policy.can_manage_evaluation)
def move_item(inquiry: Inquiry, item_id: int):
    questionnaire = _load(inquiry)
    item = _load_item(questionnaire, item_id)
    refused = _not_a_draft(inquiry, questionnaire)
    if refused:
        return refused
    form = MoveForm()
    if not form.validate_on_submit():
        flash("Choose whether to move the question up or down", "error")
        return redirect(_manage_url(inquiry))
    moved = services.move_item(
        db.session,
        questionnaire,
        item,
        inquiry=inquiry,
        actor=current_user,
        direction=form.direction.data,
    )
    db.session.commit()
    if moved:
        flash(
            f"Question moved {form.direction.data}: it is now question {item.position}", "success"
        )
    else:
        where = "first" if form.direction.data == "up" else "last"
        flash(f"That question is already {where}", "info")
    return redirect(_manage_url(inquiry) + f"#question-{item.id}")


@bp.route("/inquiries/<int:inquiry_id>/evaluation/who", methods=["GET", "POST"])
@requires(policy.can_manage_evaluation)
def audience(inquiry: Inquiry):
    questionnaire = _load(inquiry)
    refused = _not_a_draft(inquiry, questionnaire)
    if refused:
        return refused
    if request.method == "POST":
        form = AudienceForm()
    else:
        form = AudienceForm(
            data={"who": "everyone" if questionnaire.include_witnesses else "participants"}
        )
    if form.validate_on_submit():
        services.set_audience(
            db.session,
            questionnaire,
            inquiry=inquiry,
            actor=current_user,
            include_witnesses=form.who.data == "everyone",
        )
        db.session.commit()
        flash(
            "Witnesses will be asked too"
            if questionnaire.include_witnesses
            else "Only participants will be asked",
            "success",
        )
        return redirect(_manage_url(inquiry))
    return render_template("evaluation/audience.html", inquiry=inquiry, form=form)


@bp.route("/inquiries/<int:inquiry_id>/evaluation/open", methods=["GET", "POST"])
@requires(policy.can_manage_evaluation)
def open_questionnaire(inquiry: Inquiry):
    questionnaire = _load(inquiry)
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        flash("The questionnaire has already been opened", "info")
        return redirect(_manage_url(inquiry))
    form = ConfirmForm()
    asked = services.members_asked(db.session, questionnaire)
    if questionnaire.questions and form.validate_on_submit():
        told = services.open_questionnaire(
            db.session,
            questionnaire,
            inquiry=inquiry,
            actor=current_user,
            now=utcnow(),
            answer_link=url_for("evaluation.answer", inquiry_id=inquiry.id),
        )
        db.session.commit()
        flash(
            f"Questionnaire opened. {told} {'person has' if told == 1 else 'people have'} been "
            "asked to answer it.",
            "success",
        )
        return redirect(_manage_url(inquiry))
    return render_template(
        "evaluation/open.html",
        inquiry=inquiry,
        questionnaire=questionnaire,
        asked=len(asked),
        form=form,
    )


@bp.route("/inquiries/<int:inquiry_id>/evaluation/close", methods=["GET", "POST"])
@requires(policy.can_manage_evaluation)
def close_questionnaire(inquiry: Inquiry):
    questionnaire = _load(inquiry)
    if questionnaire.status != QuestionnaireStatus.OPEN:
        flash(
            "The questionnaire is not open yet"
            if questionnaire.status == QuestionnaireStatus.DRAFT
            else "The questionnaire is already closed",
            "info",
        )
        return redirect(_manage_url(inquiry))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.close_questionnaire(
            db.session, questionnaire, inquiry=inquiry, actor=current_user, now=utcnow()
        )
        db.session.commit()
        flash("Questionnaire closed. The results are below.", "success")
        return redirect(url_for("evaluation.results", inquiry_id=inquiry.id))
    return render_template(
        "evaluation/close.html",
        inquiry=inquiry,
        progress=services.progress(db.session, questionnaire),
        form=form,
    )


@bp.route("/inquiries/<int:inquiry_id>/evaluation/results")
@requires(policy.can_see_evaluation_results)
def results(inquiry: Inquiry):
    questionnaire = _load(inquiry)
    closed = questionnaire.status == QuestionnaireStatus.CLOSED
    return render_template(
        "evaluation/results.html",
        inquiry=inquiry,
        questionnaire=questionnaire,
        results=services.results(db.session, questionnaire) if closed else None,
        responses=services.response_count(db.session, questionnaire),
        scale=[label for _, label in SCALE] + [PREFER_NOT_TO_SAY],
        groups=services.GROUPS,
    )


# Participants and witnesses -------------------------------------------------------------


def _answer_page(inquiry: Inquiry, questionnaire: Questionnaire, form=None, *, status: int = 200):
    answered = services.has_answered(db.session, questionnaire, current_user)
    if answered or questionnaire.status != QuestionnaireStatus.OPEN:
        form = None
    return (
        render_template(
            "evaluation/answer.html",
            inquiry=inquiry,
            questionnaire=questionnaire,
            answered=answered,
            form=form,
            field_name_for=field_name_for,
        ),
        status,
    )


@bp.route("/inquiries/<int:inquiry_id>/evaluation/answer", methods=["GET", "POST"])
@requires(policy.can_answer_evaluation)
def answer(inquiry: Inquiry):
    questionnaire = services.questionnaire_for(db.session, inquiry)
    if questionnaire is None or not policy.can_answer_questionnaire(
        current_user, inquiry, questionnaire
    ):
        abort(404)
    form = answer_form(list(questionnaire.questions))
    if request.method != "POST":
        return _answer_page(inquiry, questionnaire, form)
    if questionnaire.status != QuestionnaireStatus.OPEN:
        flash("The questionnaire has closed, so your answers were not saved", "error")
        return redirect(url_for("evaluation.answer", inquiry_id=inquiry.id))
    if services.has_answered(db.session, questionnaire, current_user):
        flash("You have already answered the questionnaire", "info")
        return redirect(url_for("evaluation.answer", inquiry_id=inquiry.id))
    if not form.validate_on_submit():
        return _answer_page(inquiry, questionnaire, form)
    try:
        services.submit(
            db.session,
            questionnaire,
            inquiry=inquiry,
            user=current_user,
            role=g.membership.role,
            answers=form.answers(),
        )
        db.session.commit()
    except IntegrityError:
        # The same person answered in another tab at the same moment.
        db.session.rollback()
        flash("You have already answered the questionnaire", "info")
        return redirect(url_for("evaluation.answer", inquiry_id=inquiry.id))
    except services.EvaluationError as error:
        db.session.rollback()
        if error.field and hasattr(form, error.field):
            form.add_field_error(error.field, error.message)
            return _answer_page(inquiry, questionnaire, form)
        flash(error.message, "error")
        return redirect(url_for("evaluation.answer", inquiry_id=inquiry.id))
    # The page itself now thanks them and says what happens to their answers.
    return redirect(url_for("evaluation.answer", inquiry_id=inquiry.id))
