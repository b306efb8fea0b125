"""Pages for recommendations: the list, drafting and editing, the detail page with
support, comments and amendments, the author's decision on an amendment, and the
history of every wording.

Long texts are never lost: a form whose token expired, or sent after signing out, comes
back with what was typed.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import policy
from ..extensions import db, login_manager
from ..models import (
    WORDING_FIELDS,
    Amendment,
    AmendmentStatus,
    Inquiry,
    Recommendation,
    RecommendationStatus,
    Theme,
    utcnow,
)
from ..permissions import requires
from ..reflections.keep_text import (
    EXPIRED_MESSAGE,
    KeptText,
    keeps_text_on_expiry,
    not_saved_page,
    signed_out_page,
)
from ..themes.services import themes_for
from . import services
from .forms import (
    LABELS,
    AmendmentForm,
    CommentForm,
    ConfirmForm,
    DecisionForm,
    RecommendationForm,
    SupportForm,
    revision_of,
)

bp = Blueprint("recommendations", __name__)

BASE = "/inquiries/<int:inquiry_id>/recommendations"


@bp.app_template_filter("recommendation_author")
def _author(membership, start: bool = False) -> str:
    """A member's name inside the inquiry, or "a former participant" once they have left
    (capitalised with ``start`` at the beginning of a sentence)."""
    name = services.author_name(membership)
    if name == services.FORMER_PARTICIPANT and not start:
        return name[0].lower() + name[1:]
    return name


# Loading ---------------------------------------------------------------------------


def _recommendation(inquiry: Inquiry, recommendation_id: int) -> Recommendation:
    """The recommendation if the user may read it; 404 otherwise (a draft of someone
    else is not revealed)."""
    recommendation = services.recommendation_in(db.session, inquiry, recommendation_id)
    if recommendation is None or not policy.can_read_recommendation(
        current_user, inquiry, recommendation
    ):
        abort(404)
    return recommendation


def _amendment(recommendation: Recommendation, amendment_id: int) -> Amendment:
    amendment = services.amendment_in(db.session, recommendation, amendment_id)
    if amendment is None:
        abort(404)
    return amendment


def _show_url(inquiry: Inquiry, recommendation: Recommendation, anchor: str | None = None) -> str:
    return url_for(
        "recommendations.show",
        inquiry_id=inquiry.id,
        recommendation_id=recommendation.id,
        _anchor=anchor,
    )


def _amendment_url(inquiry: Inquiry, amendment: Amendment) -> str:
    return url_for(
        "recommendations.amendment",
        inquiry_id=inquiry.id,
        recommendation_id=amendment.recommendation_id,
        amendment_id=amendment.id,
    )


def _refuse(message: str, url: str) -> Response:
    flash(message, "error")
    return redirect(url)


# The list --------------------------------------------------------------------------


# Each status's tag as the tag macro writes it, made once rather than through the macro
# for every recommendation in the list.
_TAG_CLASSES = {
    RecommendationStatus.DRAFT: "govuk-tag--grey",
    RecommendationStatus.PROPOSED: "govuk-tag--blue",
    RecommendationStatus.MERGED: "govuk-tag--purple",
    RecommendationStatus.FROZEN: "govuk-tag--yellow",
    RecommendationStatus.ADOPTED: "govuk-tag--green",
    RecommendationStatus.NOT_ADOPTED: "govuk-tag--red",
}
STATUS_TAGS = {
    status: Markup('<strong class="govuk-tag {}">{}</strong>').format(classes, status.label)
    for status, classes in _TAG_CLASSES.items()
}


def _theme_links(themes: list[Theme], list_url: str):
    """For the list: a function writing a recommendation's themes as links to the list
    on each, with each theme's link made once rather than once per recommendation."""
    links = {
        theme.id: Markup('<a class="govuk-link" href="{}?theme={}">{}</a>').format(
            list_url, theme.id, theme.name
        )
        for theme in themes
    }
    separator = Markup(", ")
    return lambda on: separator.join([links[theme.id] for theme in on])


@bp.route(BASE)
@requires(policy.can_read_recommendations)
def index(inquiry: Inquiry):
    themes = themes_for(db.session, inquiry)
    theme = None
    theme_arg = request.args.get("theme", "")
    if theme_arg:
        theme = next((t for t in themes if str(t.id) == theme_arg), None)
    listed = services.listed_recommendations(
        db.session, inquiry, current_user, themes, theme_id=theme.id if theme else None
    )
    is_participant = policy.can_draft_recommendations(current_user, inquiry)
    list_url = url_for("recommendations.index", inquiry_id=inquiry.id)
    return render_template(
        "recommendations/index.html",
        inquiry=inquiry,
        themes=themes,
        theme=theme,
        recommendations=[r for r in listed if r.status != RecommendationStatus.MERGED],
        merged=[r for r in listed if r.status == RecommendationStatus.MERGED],
        drafts=services.own_drafts(db.session, inquiry, g.membership),
        status_tags=STATUS_TAGS,
        list_url=list_url,
        theme_links=_theme_links(themes, list_url),
        # A recommendation's page is the list's address followed by its id (see
        # ``show``): building it once rather than through url_for for every row.
        show_url=list_url + "/",
        is_participant=is_participant,
        drafting_open=services.drafting_open(inquiry),
        closed_reason=services.drafting_closed_reason(inquiry),
        page_title="Recommendations",
    )


# Writing and editing ---------------------------------------------------------------


def _evidence_choices(inquiry: Inquiry):
    themes = themes_for(db.session, inquiry)
    excerpts = services.evidence_excerpts(db.session, inquiry)
    reflections = services.evidence_reflections(db.session, inquiry, current_user)
    return themes, excerpts, reflections


def _group_excerpts(excerpts):
    """Excerpts by the testimony they come from, in reading order."""
    groups: dict[int, tuple] = {}
    for excerpt in excerpts:
        groups.setdefault(excerpt.testimony_id, (excerpt.testimony, []))[1].append(excerpt)
    return list(groups.values())


def _group_reflections(reflections):
    """Reflections by session, in session order."""
    groups: dict[int, tuple] = {}
    for reflection in reflections:
        round_ = reflection.prompt.round
        groups.setdefault(round_.id, (round_, []))[1].append(reflection)
    return list(groups.values())


def _render_form(
    inquiry: Inquiry,
    form: RecommendationForm,
    *,
    recommendation: Recommendation | None = None,
    choices=None,
    conflict: Recommendation | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    themes, excerpts, reflections = choices or _evidence_choices(inquiry)
    if recommendation is not None:
        # Evidence cited earlier that is not offered any more stays cited; say so.
        offered = {e.id for e in excerpts}
        hidden_excerpts = [e for e in recommendation.excerpts if e.id not in offered]
        offered_reflections = {r.id for r in reflections}
        hidden_reflections = [
            r for r in recommendation.reflections if r.id not in offered_reflections
        ]
    else:
        hidden_excerpts = hidden_reflections = []
    chosen_excerpts = set(form.excerpts.data or [])
    chosen_reflections = set(form.reflections.data or [])
    page = render_template(
        "recommendations/form.html",
        inquiry=inquiry,
        form=form,
        recommendation=recommendation,
        themes=themes,
        excerpt_groups=_group_excerpts(excerpts),
        reflection_groups=_group_reflections(reflections),
        chosen_excerpts=chosen_excerpts,
        chosen_reflections=chosen_reflections,
        hidden_evidence=len(hidden_excerpts) + len(hidden_reflections),
        conflict=conflict,
        notice=notice,
        labels=LABELS,
        wording_fields=WORDING_FIELDS,
        page_title=(
            "Write a recommendation" if recommendation is None else "Change your recommendation"
        ),
    )
    return Response(page, status=status, mimetype="text/html")


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@requires(policy.can_draft_recommendations, keep_text_when_signed_out=lambda: _signed_out())
def new(inquiry: Inquiry):
    if not services.drafting_open(inquiry):
        if request.method == "POST" and _typed_text():
            return not_saved_page(
                _typed_text(),
                services.drafting_closed_reason(inquiry),
                back_url=url_for("recommendations.index", inquiry_id=inquiry.id),
                back_text="Go back to the recommendations",
                inquiry=inquiry,
            )
        return _refuse(
            services.drafting_closed_reason(inquiry),
            url_for("recommendations.index", inquiry_id=inquiry.id),
        )
    choices = _evidence_choices(inquiry)
    form = RecommendationForm() if request.method == "POST" else RecommendationForm(formdata=None)
    form.set_choices(*choices)
    if request.method == "POST":
        valid = form.validate_on_submit()
        if form.proposing:
            valid = form.check_complete() and valid
        if valid:
            try:
                recommendation = services.create_recommendation(
                    db.session,
                    inquiry=inquiry,
                    author=g.membership,
                    actor=current_user,
                    wording=form.wording,
                    themes=[t for t in choices[0] if t.id in set(form.themes.data or [])],
                    excerpt_ids=form.excerpts.data or [],
                    reflection_ids=form.reflections.data or [],
                    propose=form.proposing,
                    now=utcnow(),
                )
            except services.RecommendationError as error:
                db.session.rollback()
                _form_error(form, error)
            else:
                db.session.commit()
                flash(
                    "Your recommendation is proposed to the cohort"
                    if form.proposing
                    else "Your draft is saved. Only you can see it until you propose it.",
                    "success",
                )
                return redirect(_show_url(inquiry, recommendation))
    return _render_form(inquiry, form, choices=choices)


def _form_error(form, error: services.RecommendationError) -> None:
    if error.field and hasattr(form, error.field):
        form.add_field_error(error.field, error.message)
    else:
        form.add_form_error(error.message)


def _edit_refusal(inquiry: Inquiry, recommendation: Recommendation) -> str | None:
    """Why the author cannot change the recommendation now, or None if they can.
    Someone other than its author is refused outright (403)."""
    if not policy.is_recommendation_author(current_user, inquiry, recommendation):
        abort(403)
    if not services.drafting_open(inquiry):
        return services.drafting_closed_reason(inquiry)
    if not recommendation.is_editable:
        return (
            f"This recommendation is {recommendation.status.label.lower()}, so it can no "
            "longer be changed."
        )
    return None


def _edit_form(recommendation: Recommendation) -> RecommendationForm:
    return RecommendationForm(
        formdata=None,
        data={
            **services.wording_of(recommendation),
            "themes": [t.id for t in recommendation.themes],
            "excerpts": [e.id for e in recommendation.excerpts],
            "reflections": [r.id for r in recommendation.reflections],
            "revision": str(recommendation.revision),
        },
    )


@bp.route(
    f"{BASE}/<int:recommendation_id>/edit",
    methods=["GET", "POST"],
)
@requires(policy.can_draft_recommendations, keep_text_when_signed_out=lambda: _signed_out())
def edit(inquiry: Inquiry, recommendation_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    refusal = _edit_refusal(inquiry, recommendation)
    if refusal:
        if request.method == "POST" and _typed_text():
            # Keep their words even though they can no longer be saved here.
            return not_saved_page(
                _typed_text(),
                refusal,
                back_url=_show_url(inquiry, recommendation),
                back_text="Go back to the recommendation",
                inquiry=inquiry,
            )
        return _refuse(refusal, _show_url(inquiry, recommendation))
    choices = _evidence_choices(inquiry)
    if request.method == "GET":
        form = _edit_form(recommendation)
        form.set_choices(*choices)
        return _render_form(inquiry, form, recommendation=recommendation, choices=choices)
    form = RecommendationForm()
    form.set_choices(*choices)
    valid = form.validate_on_submit()
    if form.proposing or recommendation.status == RecommendationStatus.PROPOSED:
        valid = form.check_complete() and valid
    if valid:
        try:
            saved = services.update_recommendation(
                db.session,
                recommendation,
                inquiry=inquiry,
                author=g.membership,
                actor=current_user,
                wording=form.wording,
                themes=[t for t in choices[0] if t.id in set(form.themes.data or [])],
                excerpt_ids=form.excerpts.data or [],
                reflection_ids=form.reflections.data or [],
                propose=form.proposing,
                expected_revision=revision_of(form.revision),
                now=utcnow(),
            )
        except (services.ChangedElsewhere, IntegrityError):
            db.session.rollback()
            current = services.recommendation_in(db.session, inquiry, recommendation_id)
            if current is None:
                abort(404)
            form.revision.data = str(current.revision)
            form.add_form_error(services.ChangedElsewhere(current).message)
            return _render_form(
                inquiry,
                form,
                recommendation=current,
                conflict=current,
                status=409,
            )
        except services.RecommendationError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            if saved.proposed:
                message = "Your recommendation is proposed to the cohort"
            elif saved.anything_changed:
                message = "Your changes are saved"
            else:
                message = "You did not change anything"
            flash(message, "success" if saved.anything_changed else "info")
            return redirect(_show_url(inquiry, recommendation))
    return _render_form(inquiry, form, recommendation=recommendation, choices=choices)


@bp.route(f"{BASE}/<int:recommendation_id>/delete", methods=["GET", "POST"])
@requires(policy.can_draft_recommendations)
def delete(inquiry: Inquiry, recommendation_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    if not policy.is_recommendation_author(current_user, inquiry, recommendation):
        abort(403)
    if recommendation.status != RecommendationStatus.DRAFT:
        return _refuse(
            "Only drafts can be deleted. Once a recommendation is proposed it belongs to "
            "the cohort's discussion.",
            _show_url(inquiry, recommendation),
        )
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.delete_draft(
                db.session,
                recommendation,
                inquiry=inquiry,
                author=g.membership,
                actor=current_user,
                now=utcnow(),
            )
        except services.RecommendationError as error:
            db.session.rollback()
            return _refuse(error.message, _show_url(inquiry, recommendation))
        db.session.commit()
        flash("Your draft is deleted", "success")
        return redirect(url_for("recommendations.index", inquiry_id=inquiry.id))
    return render_template(
        "recommendations/delete.html",
        inquiry=inquiry,
        recommendation=recommendation,
        form=form,
        page_title="Are you sure you want to delete this draft?",
    )


# The detail page, support and comments ------------------------------------------------


def _render_show(
    inquiry: Inquiry,
    recommendation: Recommendation,
    *,
    comment_form: CommentForm | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    membership = g.membership
    is_author = policy.is_recommendation_author(current_user, inquiry, recommendation)
    open_ = services.drafting_open(inquiry)
    responds = open_ and policy.can_respond_to_recommendation(current_user, inquiry, recommendation)
    amendments = services.amendments_for(db.session, recommendation)
    page = render_template(
        "recommendations/show.html",
        inquiry=inquiry,
        recommendation=recommendation,
        is_author=is_author,
        can_edit=open_ and policy.can_edit_recommendation(current_user, inquiry, recommendation),
        responds=responds,
        drafting_open=open_,
        closed_reason=services.drafting_closed_reason(inquiry),
        supports=services.support_counts(db.session, [recommendation.id])[recommendation.id],
        supported=recommendation.id
        in services.supported_by(db.session, membership, [recommendation.id]),
        comments=services.comments_for(db.session, recommendation),
        comment_form=comment_form or CommentForm(formdata=None),
        form=comment_form,
        support_form=SupportForm(formdata=None),
        withdraw_form=ConfirmForm(formdata=None),
        pending=[a for a in amendments if a.status == AmendmentStatus.PENDING],
        decided=[a for a in amendments if a.status != AmendmentStatus.PENDING],
        membership=membership,
        excerpts=services.cited_excerpts(db.session, inquiry, recommendation),
        cited=services.cited_reflections(db.session, inquiry, recommendation, current_user),
        labels=LABELS,
        notice=notice,
        page_title=recommendation.title,
    )
    return Response(page, status=status, mimetype="text/html")


@bp.route(f"{BASE}/<int:recommendation_id>")
@requires(policy.can_read_recommendations)
def show(inquiry: Inquiry, recommendation_id: int):
    return _render_show(inquiry, _recommendation(inquiry, recommendation_id))


@bp.route(f"{BASE}/<int:recommendation_id>/support", methods=["POST"])
@requires(policy.can_draft_recommendations)
def support(inquiry: Inquiry, recommendation_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    form = SupportForm()
    back = _show_url(inquiry, recommendation, "support")
    if not form.validate_on_submit():
        return _refuse("Your form had expired. Try again.", back)
    wants = form.support.data != "no"
    try:
        changed = services.set_support(
            db.session,
            recommendation,
            inquiry=inquiry,
            member=g.membership,
            actor=current_user,
            support=wants,
            now=utcnow(),
        )
    except services.RecommendationError as error:
        db.session.rollback()
        return _refuse(error.message, back)
    db.session.commit()
    if changed:
        flash(
            "You support this recommendation" if wants else "You no longer support it",
            "success",
        )
    return redirect(back)


@bp.route(f"{BASE}/<int:recommendation_id>/comments", methods=["POST"])
@requires(policy.can_draft_recommendations, keep_text_when_signed_out=lambda: _signed_out())
def comment(inquiry: Inquiry, recommendation_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    form = CommentForm()
    refusal = None
    if not services.drafting_open(inquiry):
        refusal = services.drafting_closed_reason(inquiry)
    elif recommendation.status != RecommendationStatus.PROPOSED:
        refusal = (
            "You can only comment on a recommendation that has been proposed to the cohort "
            "and is not yet going to the vote."
        )
    if refusal:
        if (form.body.data or "").strip():
            return not_saved_page(
                form.body.data,
                refusal,
                back_url=_show_url(inquiry, recommendation),
                back_text="Go back to the recommendation",
                inquiry=inquiry,
            )
        return _refuse(refusal, _show_url(inquiry, recommendation))
    if form.validate_on_submit():
        try:
            posted = services.add_comment(
                db.session,
                recommendation,
                inquiry=inquiry,
                author=g.membership,
                actor=current_user,
                body=form.body.data or "",
                link=_show_url(inquiry, recommendation, "comments"),
                now=utcnow(),
            )
        except services.RecommendationError as error:
            db.session.rollback()
            if error.field:
                form.add_field_error(error.field, error.message)
            else:
                return not_saved_page(
                    form.body.data or "",
                    error.message,
                    back_url=_show_url(inquiry, recommendation),
                    back_text="Go back to the recommendation",
                    inquiry=inquiry,
                )
        else:
            db.session.commit()
            flash("Your comment is posted", "success")
            return redirect(_show_url(inquiry, recommendation, f"comment-{posted.id}"))
    return _render_show(inquiry, recommendation, comment_form=form)


# Amendments ---------------------------------------------------------------------------


def _render_amend(
    inquiry: Inquiry,
    recommendation: Recommendation,
    form: AmendmentForm,
    *,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    page = render_template(
        "recommendations/amend.html",
        inquiry=inquiry,
        recommendation=recommendation,
        form=form,
        notice=notice,
        page_title="Propose an amendment",
    )
    return Response(page, status=status, mimetype="text/html")


@bp.route(f"{BASE}/<int:recommendation_id>/amendments/new", methods=["GET", "POST"])
@requires(policy.can_draft_recommendations, keep_text_when_signed_out=lambda: _signed_out())
def amend(inquiry: Inquiry, recommendation_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    back = _show_url(inquiry, recommendation)
    refusal = None
    if policy.is_recommendation_author(current_user, inquiry, recommendation):
        refusal = "This is your own recommendation: change its wording instead of amending it."
    elif not services.drafting_open(inquiry):
        refusal = services.drafting_closed_reason(inquiry)
    elif recommendation.status != RecommendationStatus.PROPOSED:
        refusal = (
            "You can only propose an amendment to a recommendation that has been proposed "
            "to the cohort and is not yet going to the vote."
        )
    if refusal:
        if request.method == "POST" and _typed_text():
            return not_saved_page(
                _typed_text(),
                refusal,
                back_url=back,
                back_text="Go back to the recommendation",
                inquiry=inquiry,
            )
        return _refuse(refusal, back)
    if request.method == "GET":
        form = AmendmentForm(
            formdata=None,
            data={
                **services.wording_of(recommendation),
                "base_revision": str(recommendation.revision),
            },
        )
        return _render_amend(inquiry, recommendation, form)
    form = AmendmentForm()
    valid = form.validate_on_submit()
    valid = form.check_complete() and valid
    if valid:
        try:
            amendment = services.propose_amendment(
                db.session,
                recommendation,
                inquiry=inquiry,
                proposer=g.membership,
                actor=current_user,
                wording=form.wording,
                reason=form.reason.data or "",
                base_revision=revision_of(form.base_revision),
                link=_show_url(inquiry, recommendation, "amendments"),
                now=utcnow(),
            )
        except services.RecommendationError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash("Your amendment is proposed. The author will accept or decline it.", "success")
            return redirect(_amendment_url(inquiry, amendment))
    return _render_amend(inquiry, recommendation, form)


def _comparison(before: dict[str, str], amendment: Amendment) -> list[dict]:
    """Field by field: the wording before, the amendment's and whether it changes."""
    proposed = services.wording_of(amendment)
    return [
        {
            "name": name,
            "label": LABELS[name],
            "current": before[name],
            "proposed": proposed[name],
            "changed": before[name] != proposed[name],
        }
        for name in WORDING_FIELDS
    ]


def _render_amendment(
    inquiry: Inquiry,
    amendment: Amendment,
    *,
    form: DecisionForm | None = None,
    status: int = 200,
) -> Response:
    recommendation = amendment.recommendation
    decides = services.drafting_open(inquiry) and policy.can_decide_amendment(
        current_user, inquiry, amendment
    )
    if decides and form is None:
        form = DecisionForm(formdata=None, data={"revision": str(recommendation.revision)})
    pending = amendment.status == AmendmentStatus.PENDING
    # A pending amendment is compared with the wording it would replace; a decided one
    # with the wording it was written for, when that is kept.
    before = None if pending else services.base_wording(db.session, amendment)
    page = render_template(
        "recommendations/amendment.html",
        inquiry=inquiry,
        recommendation=recommendation,
        amendment=amendment,
        comparison=_comparison(before or services.wording_of(recommendation), amendment),
        compared_with_base=before is not None,
        outdated=pending and amendment.base_revision != recommendation.revision,
        decides=decides,
        withdraws=policy.can_withdraw_amendment(current_user, inquiry, amendment),
        form=form,
        withdraw_form=ConfirmForm(formdata=None),
        page_title="Amendment to a recommendation",
    )
    return Response(page, status=status, mimetype="text/html")


@bp.route(f"{BASE}/<int:recommendation_id>/amendments/<int:amendment_id>")
@requires(policy.can_read_recommendations)
def amendment(inquiry: Inquiry, recommendation_id: int, amendment_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    return _render_amendment(inquiry, _amendment(recommendation, amendment_id))


@bp.route(f"{BASE}/<int:recommendation_id>/amendments/<int:amendment_id>/decide", methods=["POST"])
@requires(policy.can_draft_recommendations, keep_text_when_signed_out=lambda: _signed_out())
def decide(inquiry: Inquiry, recommendation_id: int, amendment_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    amendment = _amendment(recommendation, amendment_id)
    if not policy.is_recommendation_author(current_user, inquiry, recommendation):
        abort(403)
    back = _amendment_url(inquiry, amendment)
    if not services.drafting_open(inquiry):
        return _refuse(services.drafting_closed_reason(inquiry), back)
    if not policy.can_decide_amendment(current_user, inquiry, amendment):
        if amendment.status != AmendmentStatus.PENDING:
            return _refuse(
                f"This amendment has already been {amendment.status.label.lower()}", back
            )
        return _refuse(
            f"This recommendation is {recommendation.status.label.lower()}, so it can no "
            "longer be changed.",
            back,
        )
    form = DecisionForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        try:
            services.decide_amendment(
                db.session,
                amendment,
                inquiry=inquiry,
                author=g.membership,
                actor=current_user,
                accept=accept,
                note=form.note.data or "",
                expected_revision=revision_of(form.revision),
                link=back,
                now=utcnow(),
            )
        except (services.ChangedElsewhere, IntegrityError):
            db.session.rollback()
            amendment = _amendment(_recommendation(inquiry, recommendation_id), amendment_id)
            form.revision.data = str(amendment.recommendation.revision)
            form.add_form_error(
                "The recommendation's wording changed after you opened this page, so "
                "nothing has been saved. Check the comparison below, which shows its "
                "wording now, and decide again."
            )
            return _render_amendment(inquiry, amendment, form=form, status=409)
        except services.RecommendationError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(
                "You accepted the amendment. The recommendation now has its wording."
                if accept
                else "You declined the amendment. The wording has not changed.",
                "success",
            )
            return redirect(_show_url(inquiry, recommendation, "amendments"))
    return _render_amendment(inquiry, amendment, form=form)


@bp.route(
    f"{BASE}/<int:recommendation_id>/amendments/<int:amendment_id>/withdraw", methods=["POST"]
)
@requires(policy.can_draft_recommendations)
def withdraw_amendment(inquiry: Inquiry, recommendation_id: int, amendment_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    amendment = _amendment(recommendation, amendment_id)
    if amendment.proposer_id != g.membership.id:
        abort(403)
    back = _show_url(inquiry, recommendation, "amendments")
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _refuse("Your form had expired. Try again.", _amendment_url(inquiry, amendment))
    try:
        services.withdraw_amendment(
            db.session,
            amendment,
            inquiry=inquiry,
            proposer=g.membership,
            actor=current_user,
            now=utcnow(),
        )
    except services.RecommendationError as error:
        db.session.rollback()
        return _refuse(error.message, back)
    db.session.commit()
    flash("Your amendment is withdrawn", "success")
    return redirect(back)


# History -----------------------------------------------------------------------------


@bp.route(f"{BASE}/<int:recommendation_id>/history")
@requires(policy.can_read_recommendations)
def history(inquiry: Inquiry, recommendation_id: int):
    recommendation = _recommendation(inquiry, recommendation_id)
    is_author = policy.is_recommendation_author(current_user, inquiry, recommendation)
    return render_template(
        "recommendations/history.html",
        inquiry=inquiry,
        recommendation=recommendation,
        versions=services.history(db.session, recommendation, viewer_is_author=is_author),
        labels=LABELS,
        wording_fields=WORDING_FIELDS,
        page_title=f"History of the recommendation: {recommendation.title}",
    )


# Keeping text when the form has expired or they have been signed out ------------------

# The text fields each form may hold, in the order they are shown.
_TEXT_FIELDS = {
    "new": WORDING_FIELDS,
    "edit": WORDING_FIELDS,
    "amend": (*WORDING_FIELDS, "reason"),
    "comment": ("body",),
    "decide": ("note",),
}
_TEXT_LABELS = {**LABELS, "reason": "Why you suggest this change", "note": "Your note"}


def _typed_text() -> str:
    """What was typed into the form being refused, as one text with a heading per part."""
    kind = (request.endpoint or "").rsplit(".", 1)[-1]
    names = _TEXT_FIELDS.get(kind, ())
    parts = []
    for name in names:
        value = request.form.get(name, "")
        if isinstance(value, str) and value.strip():
            parts.append(f"{_TEXT_LABELS[name]}:\n{value.strip()}" if len(names) > 1 else value)
    return "\n\n".join(parts)


def _signed_out() -> Response:
    """For ``requires``: their words and a sign-in form instead of the sign-in page."""
    text = _typed_text()
    if not text:
        return login_manager.unauthorized()
    return signed_out_page(KeptText(kind="recommendation", text=text))


def _on_expiry() -> Response | None:
    """The expired-form page for recommendation forms: the same form with their words
    back in it, or, when that cannot be shown, their words on a page of their own."""
    text = _typed_text()
    if not text:
        return None
    if not current_user.is_authenticated:
        return signed_out_page(KeptText(kind="recommendation", text=text), status=400)
    args = request.view_args or {}
    inquiry = db.session.get(Inquiry, args.get("inquiry_id") or 0)
    membership = policy.membership_of(current_user, inquiry) if inquiry else None
    if inquiry is None or membership is None:
        return not_saved_page(text, "We could not find where this text belongs.", status=400)
    g.inquiry, g.membership = inquiry, membership
    kind = (request.endpoint or "").rsplit(".", 1)[-1]
    recommendation = None
    if args.get("recommendation_id"):
        recommendation = services.recommendation_in(db.session, inquiry, args["recommendation_id"])
        if recommendation is not None and not policy.can_read_recommendation(
            current_user, inquiry, recommendation
        ):
            recommendation = None
    writes = policy.can_draft_recommendations(current_user, inquiry) and services.drafting_open(
        inquiry
    )
    if writes and kind == "new":
        choices = _evidence_choices(inquiry)
        form = RecommendationForm(request.form)
        form.set_choices(*choices)
        return _render_form(inquiry, form, choices=choices, notice=EXPIRED_MESSAGE, status=400)
    if (
        writes
        and kind == "edit"
        and recommendation is not None
        and (policy.can_edit_recommendation(current_user, inquiry, recommendation))
    ):
        choices = _evidence_choices(inquiry)
        form = RecommendationForm(request.form)
        form.set_choices(*choices)
        return _render_form(
            inquiry,
            form,
            recommendation=recommendation,
            choices=choices,
            notice=EXPIRED_MESSAGE,
            status=400,
        )
    if (
        writes
        and kind == "amend"
        and recommendation is not None
        and (recommendation.status == RecommendationStatus.PROPOSED)
    ):
        return _render_amend(
            inquiry, recommendation, AmendmentForm(request.form), notice=EXPIRED_MESSAGE, status=400
        )
    if (
        writes
        and kind == "comment"
        and recommendation is not None
        and (recommendation.status == RecommendationStatus.PROPOSED)
    ):
        return _render_show(
            inquiry,
            recommendation,
            comment_form=CommentForm(request.form),
            notice=EXPIRED_MESSAGE,
            status=400,
        )
    back_url = (
        _show_url(inquiry, recommendation)
        if recommendation is not None
        else url_for("recommendations.index", inquiry_id=inquiry.id)
    )
    return not_saved_page(
        text,
        EXPIRED_MESSAGE,
        back_url=back_url,
        back_text="Go back to the recommendation"
        if recommendation is not None
        else "Go back to the recommendations",
        inquiry=inquiry,
        status=400,
    )


keeps_text_on_expiry(
    "recommendations.new",
    "recommendations.edit",
    "recommendations.amend",
    "recommendations.comment",
    "recommendations.decide",
)(_on_expiry)
