"""Preparing recommendations for the vote: the researchers' page, merging duplicates,
freezing the wording (and taking a recommendation off the vote), and the page where
the author of a merged draft answers whether they accept the merged wording."""

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
from ..models import (
    WORDING_FIELDS,
    Inquiry,
    MergeApproval,
    MergeApprovalStatus,
    Recommendation,
    utcnow,
)
from ..permissions import requires
from ..recommendations.forms import LABELS
from ..recommendations.services import author_name
from . import services
from .forms import ACCEPT, AnswerForm, ChooseForm, ConfirmForm, MergeForm

bp = Blueprint("curation", __name__)

# The parts of the wording after the title, labelled as on the recommendation page.
WORDING_LABELS = tuple((name, LABELS[name]) for name in WORDING_FIELDS[1:])


# Links --------------------------------------------------------------------------------


def recommendation_url(recommendation: Recommendation) -> str | None:
    """The recommendation's page, once the recommendation pages exist."""
    if "recommendations.show" not in current_app.view_functions:
        return None
    return url_for(
        "recommendations.show",
        inquiry_id=recommendation.inquiry_id,
        recommendation_id=recommendation.id,
    )


def _link(recommendation: Recommendation) -> str:
    return recommendation_url(recommendation) or ""


def _answer_url(approval: MergeApproval, inquiry_id: int | None = None) -> str:
    return url_for(
        "curation.answer",
        inquiry_id=inquiry_id or approval.recommendation.inquiry_id,
        approval_id=approval.id,
    )


def _prepare_url(inquiry: Inquiry, anchor: str | None = None) -> str:
    return url_for("curation.prepare", inquiry_id=inquiry.id, _anchor=anchor)


def _ids(name: str) -> list[int]:
    """Recommendation ids from the query string; anything else is not a page here."""
    values = request.args.getlist(name)
    try:
        return list(dict.fromkeys(int(value) for value in values))
    except ValueError:
        abort(404)


@bp.app_template_global("merge_summary")
def _merge_summary(recommendation: Recommendation) -> services.MergeSummary:
    """For the recommendation page: what it was merged into or from, and the authors'
    answers. A fixed number of queries however many sources it has."""
    return services.merge_summary(db.session, recommendation, g.get("membership"))


@bp.app_template_global("curation_recommendation_url")
def _recommendation_url(recommendation: Recommendation) -> str | None:
    return recommendation_url(recommendation)


@bp.app_template_global("merge_answer_url")
def _merge_answer_url(approval: MergeApproval) -> str:
    return _answer_url(approval)


# The prepare page ---------------------------------------------------------------------


def _render_prepare(inquiry: Inquiry, form: ChooseForm, proposed: list[Recommendation]):
    refusal = services.curation_refusal(db.session, inquiry)
    frozen = services.frozen(db.session, inquiry)
    decided = services.decided_by_quorate_ballot(db.session, [r.id for r in frozen])
    return render_template(
        "curation/prepare.html",
        inquiry=inquiry,
        form=form,
        rows=services.rows_for(db.session, proposed),
        frozen=frozen,
        decided=decided,
        refusal=refusal,
        recommendation_url=recommendation_url,
        author_name=author_name,
    )


@bp.route("/inquiries/<int:inquiry_id>/recommendations/prepare", methods=["GET", "POST"])
@requires(policy.can_curate_recommendations)
def prepare(inquiry: Inquiry):
    proposed = services.proposed(db.session, inquiry)
    form = ChooseForm()
    form.set_choices(proposed)
    if request.method == "POST" and form.validate_on_submit():
        refusal = services.curation_refusal(db.session, inquiry)
        chosen = form.recommendations.data or []
        if refusal:
            form.add_form_error(refusal)
        elif form.merge.data:
            if len(chosen) < 2:
                form.add_field_error(
                    "recommendations", "Select at least 2 recommendations to merge"
                )
            else:
                return redirect(url_for("curation.merge", inquiry_id=inquiry.id, source=chosen))
        elif form.freeze.data:
            if not chosen:
                form.add_field_error(
                    "recommendations", "Select the recommendations going to the vote"
                )
            else:
                return redirect(
                    url_for("curation.freeze", inquiry_id=inquiry.id, recommendation=chosen)
                )
        else:
            form.add_field_error(
                "recommendations",
                "Select recommendations, then choose to merge them or send them to the vote",
            )
    return _render_prepare(inquiry, form, proposed)


# Merging ------------------------------------------------------------------------------


def _sources(inquiry: Inquiry) -> list[Recommendation]:
    sources = services.recommendations_in(db.session, inquiry, _ids("source"))
    if sources is None:
        abort(404)
    return sources


@bp.route("/inquiries/<int:inquiry_id>/recommendations/merge", methods=["GET", "POST"])
@requires(policy.can_curate_recommendations)
def merge(inquiry: Inquiry):
    sources = _sources(inquiry)
    problem = None
    try:
        services.check_mergeable(sources)
    except services.CurationError as error:
        if request.method == "GET" or len(sources) < 2:
            flash(error.message, "error")
            return redirect(_prepare_url(inquiry))
        # Something changed while the wording was being written: keep what was typed.
        problem = error.message
    refusal = services.curation_refusal(db.session, inquiry)
    if refusal and request.method == "GET":
        flash(refusal, "error")
        return redirect(_prepare_url(inquiry))

    base_id = request.args.get("base", type=int)
    base = next((s for s in sources if s.id == base_id), sources[0])
    authors = services.lead_author_choices(sources)
    if request.method == "GET":
        data = {name: getattr(base, name) for name in WORDING_FIELDS}
        lead = base.author if base.author in authors else (authors[0] if authors else None)
        data["lead_author"] = str(lead.id) if lead else None
        form = MergeForm(formdata=None, data=data)
    else:
        form = MergeForm()
    form.set_authors(authors, author_name)

    if problem:
        form.validate()
        form.add_form_error(problem)
    elif request.method == "POST" and form.validate_on_submit():
        lead_author = None
        if authors:
            lead_author = next(m for m in authors if str(m.id) == form.lead_author.data)
        try:
            merged = services.merge(
                db.session,
                inquiry,
                sources,
                wording={name: getattr(form, name).data or "" for name in WORDING_FIELDS},
                lead_author=lead_author,
                actor=current_user,
                merged_by=g.membership,
                now=utcnow(),
                recommendation_link=_link,
                answer_link=lambda approval: _answer_url(approval, inquiry.id),
            )
        except services.CurationError as error:
            db.session.rollback()
            form.add_form_error(error.message)
        else:
            db.session.commit()
            flash(
                f"{len(sources)} recommendations merged into one. Their authors have been "
                "asked whether they accept the merged wording.",
                "success",
            )
            return redirect(recommendation_url(merged) or _prepare_url(inquiry))

    return render_template(
        "curation/merge.html",
        inquiry=inquiry,
        form=form,
        sources=sources,
        base=base,
        action=url_for(
            "curation.merge", inquiry_id=inquiry.id, source=[s.id for s in sources], base=base.id
        ),
        start_from_url=lambda source: url_for(
            "curation.merge",
            inquiry_id=inquiry.id,
            source=[s.id for s in sources],
            base=source.id,
        ),
        wording_labels=WORDING_LABELS,
        recommendation_url=recommendation_url,
        author_name=author_name,
    )


# Freezing -----------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/recommendations/freeze", methods=["GET", "POST"])
@requires(policy.can_curate_recommendations)
def freeze(inquiry: Inquiry):
    chosen = services.recommendations_in(db.session, inquiry, _ids("recommendation"))
    if chosen is None:
        abort(404)
    try:
        services.check_freezable(chosen)
    except services.CurationError as error:
        flash(error.message, "error")
        return redirect(_prepare_url(inquiry))
    refusal = services.curation_refusal(db.session, inquiry)
    if refusal:
        flash(refusal, "error")
        return redirect(_prepare_url(inquiry))

    first_number = services.next_number(db.session, inquiry)
    form = ConfirmForm()
    if form.validate_on_submit():
        if request.form.get("first_number") != str(first_number):
            # Someone else sent recommendations to the vote since the page was shown.
            form.add_form_error(
                "The numbers on the ballot have changed since this page was shown. Check "
                "them again before confirming."
            )
        else:
            try:
                done = services.freeze(
                    db.session,
                    inquiry,
                    chosen,
                    actor=current_user,
                    now=utcnow(),
                    recommendation_link=_link,
                )
            except services.CurationError as error:
                db.session.rollback()
                flash(error.message, "error")
                return redirect(_prepare_url(inquiry))
            db.session.commit()
            if len(done) == 1:
                message = f"{done[0].reference} is going to the vote. Its wording is now fixed."
            else:
                message = (
                    f"{len(done)} recommendations are going to the vote, numbered "
                    f"{done[0].reference} to {done[-1].reference}. Their wording is now fixed."
                )
            flash(message, "success")
            return redirect(_prepare_url(inquiry, "going-to-the-vote"))
    rows = services.rows_for(db.session, chosen)
    return render_template(
        "curation/freeze.html",
        inquiry=inquiry,
        form=form,
        rows=rows,
        merge_warning=any(r.merge and (r.merge.pending or r.merge.declined) for r in rows),
        first_number=first_number,
        action=url_for(
            "curation.freeze", inquiry_id=inquiry.id, recommendation=[r.id for r in chosen]
        ),
        recommendation_url=recommendation_url,
        author_name=author_name,
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/recommendations/<int:recommendation_id>/unfreeze",
    methods=["GET", "POST"],
)
@requires(policy.can_curate_recommendations)
def unfreeze(inquiry: Inquiry, recommendation_id: int):
    recommendation = services.recommendation_in(db.session, inquiry, recommendation_id)
    if recommendation is None or not policy.can_read_recommendation(
        current_user, inquiry, recommendation
    ):
        abort(404)
    refusal = services.unfreeze_refusal(db.session, inquiry, recommendation)
    form = ConfirmForm()
    if request.method == "POST":
        if refusal:
            flash(refusal, "error")
            return redirect(_prepare_url(inquiry))
        if form.validate_on_submit():
            reference = recommendation.reference
            try:
                services.unfreeze(
                    db.session,
                    inquiry,
                    recommendation,
                    actor=current_user,
                    now=utcnow(),
                    recommendation_link=_link,
                )
            except services.CurationError as error:
                db.session.rollback()
                flash(error.message, "error")
                return redirect(_prepare_url(inquiry))
            db.session.commit()
            flash(
                f"{reference} is no longer going to the vote. It is a proposed recommendation "
                "again, and its author can change its wording.",
                "success",
            )
            return redirect(_prepare_url(inquiry))
    return render_template(
        "curation/unfreeze.html",
        inquiry=inquiry,
        form=form,
        recommendation=recommendation,
        refusal=refusal,
        recommendation_url=recommendation_url,
        author_name=author_name,
    )


# The author's answer ------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/merges/<int:approval_id>", methods=["GET", "POST"])
@requires(policy.can_draft_recommendations)
def answer(inquiry: Inquiry, approval_id: int):
    approval = services.approval_in(db.session, inquiry, approval_id)
    if approval is None:
        abort(404)
    if not policy.can_see_merge_answer(current_user, inquiry, approval):
        abort(403)
    merged = approval.recommendation
    source = approval.source
    can_answer = policy.can_answer_merge(current_user, inquiry, approval)
    form = AnswerForm()
    if request.method == "POST":
        if not can_answer:
            flash("You have already answered about this merge", "error")
            return redirect(_answer_url(approval, inquiry.id))
        if form.validate_on_submit():
            accept = form.decision.data == ACCEPT
            try:
                services.answer_merge(
                    db.session,
                    approval,
                    accept=accept,
                    note=form.note.data or "",
                    actor=current_user,
                    inquiry=inquiry,
                    now=utcnow(),
                    prepare_link=_prepare_url(inquiry),
                )
            except services.CurationError as error:
                db.session.rollback()
                form.add_field_error("note" if not accept else "decision", error.message)
            else:
                db.session.commit()
                if accept:
                    flash("Thank you. You accepted the merged wording.", "success")
                else:
                    flash(
                        "Thank you. Your answer and your reasons are shown with the merged "
                        "recommendation.",
                        "success",
                    )
                return redirect(recommendation_url(merged) or _answer_url(approval, inquiry.id))
    return render_template(
        "curation/answer.html",
        inquiry=inquiry,
        form=form,
        approval=approval,
        merged=merged,
        source=source,
        can_answer=can_answer,
        accepted=approval.status == MergeApprovalStatus.ACCEPTED,
        wording_labels=WORDING_LABELS,
        recommendation_url=recommendation_url,
    )
