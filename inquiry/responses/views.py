"""Pages for the commissioner's response: the list of recommendations to answer with the
due date, the answer to each one (saved as a draft), and checking and publishing the
whole response. Commissioners of the inquiry only; the inquiry's overview shows
researchers and commissioners whether the response is on time (``_overview.html``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..inquiries.lifecycle import today as uk_today
from ..models import Inquiry, Recommendation, utcnow
from ..permissions import requires
from ..reports import jobs
from ..reports.services import published_versions
from . import services
from .forms import AnswerForm, PublishForm
from .summary import deadline, recommendations_to_answer, response_of

bp = Blueprint("responses", __name__)


def _index_url(inquiry: Inquiry) -> str:
    return url_for("responses.index", inquiry_id=inquiry.id)


def _recommendation(inquiry: Inquiry, number: int) -> Recommendation:
    recommendation = services.recommendation_by_number(db.session, inquiry, number)
    if recommendation is None:
        abort(404)
    return recommendation


def _latest_version(inquiry: Inquiry):
    versions = published_versions(db.session, inquiry)
    return versions[0] if versions else None


@bp.route("/inquiries/<int:inquiry_id>/response")
@requires(policy.can_respond)
def index(inquiry: Inquiry):
    response = response_of(db.session, inquiry)
    recommendations = recommendations_to_answer(db.session, inquiry)
    answers = services.answers_by_recommendation(response)
    return render_template(
        "responses/index.html",
        inquiry=inquiry,
        response=response,
        published=response is not None and response.is_published,
        deadline=deadline(inquiry, response, today=uk_today()),
        not_ready=services.can_start(db.session, inquiry),
        recommendations=recommendations,
        answers=answers,
        answered=sum(1 for r in recommendations if r.id in answers),
        latest_version=_latest_version(inquiry),
    )


@bp.route("/inquiries/<int:inquiry_id>/response/<int:number>", methods=["GET", "POST"])
@requires(policy.can_respond)
def answer(inquiry: Inquiry, number: int):
    recommendation = _recommendation(inquiry, number)
    response = response_of(db.session, inquiry)
    saved = services.answers_by_recommendation(response).get(recommendation.id)
    published = response is not None and response.is_published
    refused = services.PUBLISHED_MESSAGE if published else services.can_start(db.session, inquiry)
    if request.method == "GET":
        form = AnswerForm(formdata=None, data=AnswerForm.initial(saved))
        return _answer_page(inquiry, recommendation, form, saved, refused=refused)
    form = AnswerForm()
    if refused is not None:
        # Nothing is saved; what was written is shown back so that it is not lost.
        form.add_form_error(refused)
        return _answer_page(inquiry, recommendation, form, saved, refused=refused, kept=True)
    if not form.validate_on_submit():
        return _answer_page(inquiry, recommendation, form, saved)
    try:
        services.save_answer(
            db.session,
            inquiry,
            recommendation,
            **form.values(),
            actor=current_user,
            now=utcnow(),
        )
    except services.ResponseError as error:
        db.session.rollback()
        form.add_form_error(error.message)
        return _answer_page(inquiry, recommendation, form, saved, refused=error.message, kept=True)
    db.session.commit()
    flash(f"Answer to {recommendation.reference} saved as a draft", "success")
    return redirect(_index_url(inquiry) + f"#{recommendation.reference}")


def _answer_page(
    inquiry: Inquiry,
    recommendation: Recommendation,
    form: AnswerForm,
    saved,
    *,
    refused: str | None = None,
    kept: bool = False,
):
    return render_template(
        "responses/answer.html",
        inquiry=inquiry,
        recommendation=recommendation,
        form=form,
        saved=saved,
        refused=refused,
        kept_reasons=(form.reasons.data or "") if kept else "",
    )


@bp.route("/inquiries/<int:inquiry_id>/response/publish", methods=["GET", "POST"])
@requires(policy.can_respond)
def publish(inquiry: Inquiry):
    form = PublishForm()
    missing: list[Recommendation] = []
    if form.validate_on_submit():
        try:
            _, build = services.publish(
                db.session,
                inquiry,
                actor=current_user,
                now=utcnow(),
                link=url_for("progress.index", inquiry_id=inquiry.id),
            )
        except services.ResponseError as error:
            db.session.rollback()
            form.add_form_error(error.message)
            if isinstance(error, services.MissingAnswers):
                missing = error.missing
        else:
            db.session.commit()
            if jobs.start(db.session, build, now=utcnow()):
                flash(
                    "Your response is published. Participants and witnesses have been told, "
                    "and a new version of the report with your response is being made.",
                    "success",
                )
            else:
                flash(
                    "Your response is published and participants and witnesses have been "
                    "told, but the new version of the report could not be started. The "
                    "researchers can try again from the report page.",
                    "error",
                )
            return redirect(_index_url(inquiry))
    response = response_of(db.session, inquiry)
    recommendations = recommendations_to_answer(db.session, inquiry)
    answers = services.answers_by_recommendation(response)
    if not missing:
        missing = [r for r in recommendations if r.id not in answers]
    return render_template(
        "responses/publish.html",
        inquiry=inquiry,
        form=form,
        response=response,
        published=response is not None and response.is_published,
        not_ready=services.can_start(db.session, inquiry),
        recommendations=recommendations,
        answers=answers,
        missing=missing,
    )


@bp.app_template_global("response_overview")
def response_overview(inquiry: Inquiry) -> services.ResponseState | None:
    """For the inquiry's overview page: whether the response is due, overdue or
    published, for researchers and commissioners; None for everyone else."""
    if not policy.can_see_response_deadline(current_user, inquiry):
        return None
    return services.overview_state(db.session, inquiry, today=uk_today())
