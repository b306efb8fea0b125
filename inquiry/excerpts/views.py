"""Excerpts of approved testimony: marking them, their themes, and deleting them.

Every member reads excerpts (approved testimony is open to the whole inquiry).
Researchers mark them, and participants too when the researchers allow it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..models import Excerpt, Inquiry, Testimony, utcnow
from ..permissions import requires
from ..text import lines as text_lines
from ..themes.services import themes_for
from . import services
from .forms import ConfirmForm, ExcerptForm, ExcerptThemesForm

bp = Blueprint("excerpts", __name__)


@bp.app_template_global()
def excerpt_consent(excerpt_or_testimony) -> str:
    """For templates: "May be quoted anonymously" and the like."""
    return services.consent_label(excerpt_or_testimony)


@bp.app_template_global()
def excerpt_may_quote(excerpt_or_testimony) -> bool:
    return services.may_quote(excerpt_or_testimony)


@bp.app_template_global()
def excerpt_lived_experience(membership) -> str:
    return services.lived_experience_label(membership)


def _testimony(inquiry: Inquiry, testimony_id: int) -> Testimony:
    """Approved testimony of this inquiry; anything else (draft, withdrawn) is not found."""
    testimony = services.approved_testimony_in(db.session, inquiry, testimony_id)
    if testimony is None:
        abort(404)
    return testimony


def _excerpt(inquiry: Inquiry, excerpt_id: int) -> Excerpt:
    excerpt = services.excerpt_in(db.session, inquiry, excerpt_id)
    if excerpt is None:
        abort(404)
    return excerpt


def _changeable(inquiry: Inquiry, excerpt_id: int) -> Excerpt:
    excerpt = _excerpt(inquiry, excerpt_id)
    if not policy.can_change_excerpt(current_user, inquiry, excerpt):
        abort(403)
    return excerpt


def _testimony_url(testimony: Testimony) -> str:
    return url_for(
        "excerpts.for_testimony", inquiry_id=testimony.inquiry_id, testimony_id=testimony.id
    )


def _changeable_ids(inquiry: Inquiry, excerpts: list[Excerpt]) -> set[int]:
    return {e.id for e in excerpts if policy.can_change_excerpt(current_user, inquiry, e)}


@bp.route("/inquiries/<int:inquiry_id>/excerpts")
@requires(policy.is_member)
def index(inquiry: Inquiry):
    excerpts = services.all_excerpts(db.session, inquiry)
    return render_template(
        "excerpts/index.html",
        inquiry=inquiry,
        excerpts=excerpts,
        untagged=[excerpt for excerpt in excerpts if not excerpt.themes],
        changeable=_changeable_ids(inquiry, excerpts),
        can_mark=policy.can_mark_excerpts(current_user, inquiry),
    )


@bp.route("/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/excerpts")
@requires(policy.is_member)
def for_testimony(inquiry: Inquiry, testimony_id: int):
    testimony = _testimony(inquiry, testimony_id)
    excerpts = services.excerpts_for_testimony(db.session, testimony)
    return render_template(
        "excerpts/for_testimony.html",
        inquiry=inquiry,
        testimony=testimony,
        excerpts=excerpts,
        changeable=_changeable_ids(inquiry, excerpts),
        can_mark=policy.can_mark_excerpts(current_user, inquiry),
    )


@bp.route(
    "/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/excerpts/new",
    methods=["GET", "POST"],
)
@requires(policy.can_mark_excerpts)
def new(inquiry: Inquiry, testimony_id: int):
    testimony = _testimony(inquiry, testimony_id)
    themes = themes_for(db.session, inquiry)
    form = ExcerptForm()
    form.set_themes(themes)
    if form.validate_on_submit():
        try:
            services.create_excerpt(
                db.session,
                inquiry=inquiry,
                testimony=testimony,
                actor=current_user,
                text=form.text.data,
                themes=services.themes_by_id(db.session, inquiry, form.themes.data or []),
                now=utcnow(),
            )
        except services.ExcerptError as error:
            form.add_field_error("text", error.message)
        else:
            db.session.commit()
            flash("Excerpt marked", "success")
            return redirect(_testimony_url(testimony))
    return render_template(
        "excerpts/new.html",
        inquiry=inquiry,
        testimony=testimony,
        paragraphs=text_lines(testimony.body),
        themes=themes,
        form=form,
        can_manage=policy.can_manage(current_user, inquiry),
    )


@bp.route("/inquiries/<int:inquiry_id>/excerpts/<int:excerpt_id>/edit", methods=["GET", "POST"])
@requires(policy.can_mark_excerpts)
def edit(inquiry: Inquiry, excerpt_id: int):
    excerpt = _changeable(inquiry, excerpt_id)
    themes = themes_for(db.session, inquiry)
    form = ExcerptThemesForm()
    form.set_themes(themes)
    if not form.is_submitted():
        form.themes.data = [theme.id for theme in excerpt.themes]
    if form.validate_on_submit():
        changed = services.update_excerpt_themes(
            db.session,
            excerpt,
            inquiry=inquiry,
            actor=current_user,
            themes=services.themes_by_id(db.session, inquiry, form.themes.data or []),
            now=utcnow(),
        )
        db.session.commit()
        if changed:
            flash("Themes saved", "success")
        else:
            flash("The themes were not changed", "info")
        return redirect(_testimony_url(excerpt.testimony))
    return render_template(
        "excerpts/edit.html",
        inquiry=inquiry,
        excerpt=excerpt,
        themes=themes,
        form=form,
        can_manage=policy.can_manage(current_user, inquiry),
    )


@bp.route("/inquiries/<int:inquiry_id>/excerpts/<int:excerpt_id>/delete", methods=["GET", "POST"])
@requires(policy.can_mark_excerpts)
def delete(inquiry: Inquiry, excerpt_id: int):
    excerpt = _changeable(inquiry, excerpt_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        testimony = excerpt.testimony
        services.delete_excerpt(
            db.session, excerpt, inquiry=inquiry, actor=current_user, now=utcnow()
        )
        db.session.commit()
        flash("Excerpt deleted", "success")
        return redirect(_testimony_url(testimony))
    return render_template("excerpts/delete.html", inquiry=inquiry, excerpt=excerpt, form=form)
