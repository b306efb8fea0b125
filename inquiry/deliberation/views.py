"""Researchers' view of a session's reflections, session progress, and the theme board.

On screen these are "sessions"; in code they are rounds.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from .. import policy
from ..exports import csv_response
from ..extensions import db
from ..models import Inquiry, Reflection, Round, utcnow
from ..permissions import requires
from ..rounds.services import round_in
from ..themes.services import themes_for
from . import export, services
from .forms import FilterForm, ReflectionThemesForm

bp = Blueprint("deliberation", __name__)

HISTORY_ENDPOINT = "reflections.history"


@bp.app_template_global()
def deliberation_author(membership) -> str:
    """For templates: the author's name, or a neutral label once they have left."""
    return services.author_label(membership)


def _round(inquiry: Inquiry, round_id: int) -> Round:
    round_ = round_in(db.session, inquiry, round_id)
    if round_ is None:
        abort(404)
    return round_


def _reflection(inquiry: Inquiry, reflection_id: int) -> Reflection:
    reflection = services.shared_reflection_in(db.session, inquiry, reflection_id)
    if reflection is None:
        abort(404)
    return reflection


def _history_url(inquiry: Inquiry, reflection: Reflection) -> str | None:
    """A link to the reflection's earlier wordings, when that page exists."""
    for extra in ({}, {"round_id": reflection.round_id}):
        try:
            return url_for(
                HISTORY_ENDPOINT, inquiry_id=inquiry.id, reflection_id=reflection.id, **extra
            )
        except BuildError:
            continue
    return None


def _filters(round_: Round, themes) -> services.ReflectionFilters:
    return services.ReflectionFilters.from_args(request.args, prompts=round_.prompts, themes=themes)


def _reading_url(inquiry: Inquiry, round_: Round, filters=None, anchor=None) -> str:
    args = filters.as_args() if filters is not None else {}
    return url_for(
        "deliberation.reflections",
        inquiry_id=inquiry.id,
        round_id=round_.id,
        _anchor=anchor,
        **args,
    )


# Session progress -------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/progress")
@requires(policy.can_see_session_progress)
def progress(inquiry: Inquiry, round_id: int):
    round_ = _round(inquiry, round_id)
    people = services.session_progress(db.session, round_)
    show_names = policy.can_see_who_has_shared(current_user, inquiry)
    return render_template(
        "deliberation/progress.html",
        inquiry=inquiry,
        round=round_,
        counts=services.count_progress(people),
        people=people if show_names else None,
        can_review=policy.can_review_reflections(current_user, inquiry),
    )


# Reading, tagging and downloading a session's reflections -----------------------------


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/reflections")
@requires(policy.can_review_reflections)
def reflections(inquiry: Inquiry, round_id: int):
    round_ = _round(inquiry, round_id)
    themes = themes_for(db.session, inquiry)
    filters = _filters(round_, themes)
    shown = services.shared_reflections(db.session, round_, filters)
    has_history = HISTORY_ENDPOINT in current_app.view_functions
    tag_form = ReflectionThemesForm(formdata=None)
    tag_form.set_themes(themes)
    return render_template(
        "deliberation/reflections.html",
        inquiry=inquiry,
        round=round_,
        groups=services.by_prompt(round_, shown),
        shown=len(shown),
        total=services.shared_count(db.session, round_),
        replies=services.reply_counts(db.session, (r.id for r in shown)),
        filters=filters,
        filter_form=FilterForm.showing(filters, prompts=list(round_.prompts), themes=themes),
        show_lens=inquiry.mode.value == "inverted" or any(r.lens for r in shown),
        themes=themes,
        tag_form=tag_form,
        tag_query=filters.as_args(),
        has_history=has_history,
        history_urls={r.id: _history_url(inquiry, r) for r in shown} if has_history else {},
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/reflections/<int:reflection_id>/themes", methods=["GET", "POST"]
)
@requires(policy.can_review_reflections)
def tag(inquiry: Inquiry, reflection_id: int):
    reflection = _reflection(inquiry, reflection_id)
    round_ = reflection.prompt.round
    themes = themes_for(db.session, inquiry)
    filters = _filters(round_, themes)
    form = ReflectionThemesForm()
    form.set_themes(themes)
    if not form.is_submitted():
        form.themes.data = [theme.id for theme in reflection.themes]
    if form.validate_on_submit():
        chosen = set(form.themes.data or [])
        try:
            changed = services.tag_reflection(
                db.session,
                reflection,
                inquiry=inquiry,
                actor=current_user,
                themes=[theme for theme in themes if theme.id in chosen],
                now=utcnow(),
            )
        except services.TaggingError as error:
            db.session.rollback()
            form.add_field_error("themes", error.message)
        else:
            db.session.commit()
            author = services.author_label(reflection.author)
            if changed:
                flash(f"Themes saved for the reflection from {author}", "success")
            else:
                flash(f"The themes of the reflection from {author} were not changed", "info")
            return redirect(_reading_url(inquiry, round_, filters, f"reflection-{reflection.id}"))
    return render_template(
        "deliberation/tag.html",
        inquiry=inquiry,
        round=round_,
        reflection=reflection,
        themes=themes,
        form=form,
        back_url=_reading_url(inquiry, round_, filters, f"reflection-{reflection.id}"),
        tag_query=filters.as_args(),
    )


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/reflections.csv")
@requires(policy.can_review_reflections)
def export_csv(inquiry: Inquiry, round_id: int):
    round_ = _round(inquiry, round_id)
    rows = export.reflection_rows(db.session, round_)
    export.record_export(
        db.session, inquiry=inquiry, round_=round_, actor=current_user, rows=len(rows), now=utcnow()
    )
    db.session.commit()
    return csv_response(export.filename_for(inquiry, round_), export.HEADER, rows)


# The theme board ----------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/themes/board")
@requires(policy.is_member)
def board(inquiry: Inquiry):
    return render_template(
        "deliberation/board.html",
        inquiry=inquiry,
        board=services.theme_board(db.session, inquiry, current_user),
        reads_reflections=policy.can_read_cohort_reflections(current_user, inquiry),
        sees_all=policy.can_review_reflections(current_user, inquiry),
    )
