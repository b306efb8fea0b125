"""Themes: every member reads them; researchers add, rename and merge them, and decide
whether participants may mark excerpts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..excerpts import services as excerpt_services
from ..extensions import db
from ..models import Inquiry, Theme, utcnow
from ..permissions import requires
from . import services
from .forms import ExcerptMarkingForm, MergeForm, RenameForm, ThemeForm

bp = Blueprint("themes", __name__)


def _load(inquiry: Inquiry, theme_id: int) -> Theme:
    theme = services.theme_in(db.session, inquiry, theme_id)
    if theme is None:
        abort(404)
    return theme


def _index_url(inquiry: Inquiry) -> str:
    return url_for("themes.index", inquiry_id=inquiry.id)


def _render_index(
    inquiry: Inquiry,
    *,
    create_form: ThemeForm | None = None,
    marking_form: ExcerptMarkingForm | None = None,
):
    can_manage = policy.can_manage(current_user, inquiry)
    failed = next(
        (f for f in (create_form, marking_form) if f is not None and f.errors),
        None,
    )
    if can_manage:
        create_form = create_form or ThemeForm(formdata=None)
        if marking_form is None:
            marking_form = ExcerptMarkingForm(formdata=None)
            marking_form.who.data = (
                "participants" if inquiry.participants_mark_excerpts else "researchers"
            )
    excerpt_total, untagged = excerpt_services.excerpt_totals(db.session, inquiry)
    return render_template(
        "themes/index.html",
        inquiry=inquiry,
        themes=services.themes_for(db.session, inquiry),
        counts=services.excerpt_counts(db.session, inquiry),
        excerpt_total=excerpt_total,
        untagged=untagged,
        can_manage=can_manage,
        can_mark=policy.can_mark_excerpts(current_user, inquiry),
        form=failed,
        create_form=create_form,
        marking_form=marking_form,
    )


@bp.route("/inquiries/<int:inquiry_id>/themes")
@requires(policy.is_member)
def index(inquiry: Inquiry):
    return _render_index(inquiry)


@bp.route("/inquiries/<int:inquiry_id>/themes", methods=["POST"])
@requires(policy.can_manage)
def create(inquiry: Inquiry):
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = services.create_theme(
                db.session, inquiry=inquiry, actor=current_user, name=form.name.data, now=utcnow()
            )
        except services.ThemeError as error:
            form.add_field_error("name", error.message)
        else:
            db.session.commit()
            flash(f"Theme added: {theme.name}", "success")
            return redirect(_index_url(inquiry))
    return _render_index(inquiry, create_form=form)


@bp.route("/inquiries/<int:inquiry_id>/themes/excerpt-marking", methods=["POST"])
@requires(policy.can_manage)
def excerpt_marking(inquiry: Inquiry):
    form = ExcerptMarkingForm()
    if not form.validate_on_submit():
        return _render_index(inquiry, marking_form=form)
    allowed = form.who.data == "participants"
    changed = services.set_excerpt_marking(
        db.session, inquiry, actor=current_user, allowed=allowed, now=utcnow()
    )
    db.session.commit()
    if not changed:
        flash("Nothing changed: who can mark excerpts is as it was", "info")
    elif allowed:
        flash("Participants can now mark excerpts", "success")
    else:
        flash("Only researchers can now mark excerpts", "success")
    return redirect(_index_url(inquiry) + "#excerpt-marking")


@bp.route("/inquiries/<int:inquiry_id>/themes/<int:theme_id>")
@requires(policy.is_member)
def show(inquiry: Inquiry, theme_id: int):
    theme = _load(inquiry, theme_id)
    excerpts = excerpt_services.excerpts_for_theme(db.session, inquiry, theme)
    return render_template(
        "themes/show.html",
        inquiry=inquiry,
        theme=theme,
        excerpts=excerpts,
        changeable={
            excerpt.id
            for excerpt in excerpts
            if policy.can_change_excerpt(current_user, inquiry, excerpt)
        },
        can_manage=policy.can_manage(current_user, inquiry),
    )


@bp.route("/inquiries/<int:inquiry_id>/themes/<int:theme_id>/rename", methods=["GET", "POST"])
@requires(policy.can_manage)
def rename(inquiry: Inquiry, theme_id: int):
    theme = _load(inquiry, theme_id)
    form = RenameForm() if request.method == "POST" else RenameForm(obj=theme)
    if form.validate_on_submit():
        old_name = theme.name
        try:
            changed = services.rename_theme(
                db.session,
                theme,
                inquiry=inquiry,
                actor=current_user,
                name=form.name.data,
                now=utcnow(),
            )
        except services.ThemeError as error:
            form.add_field_error("name", error.message)
        else:
            db.session.commit()
            if changed:
                flash(f"Theme renamed from {old_name} to {theme.name}", "success")
            else:
                flash("The name was not changed", "info")
            return redirect(_index_url(inquiry))
    return render_template("themes/rename.html", inquiry=inquiry, theme=theme, form=form)


@bp.route("/inquiries/<int:inquiry_id>/themes/<int:theme_id>/merge", methods=["GET", "POST"])
@requires(policy.can_manage)
def merge(inquiry: Inquiry, theme_id: int):
    """Choose the theme to merge into, confirm, then merge."""
    theme = _load(inquiry, theme_id)
    others = [t for t in services.themes_for(db.session, inquiry) if t.id != theme.id]
    count = services.excerpt_counts(db.session, inquiry).get(theme.id, 0)
    form = MergeForm()
    form.into.choices = [(str(other.id), other.name) for other in others]
    if others and form.validate_on_submit():
        target = next(other for other in others if str(other.id) == form.into.data)
        if form.confirmed.data == "yes":
            moved = services.merge_themes(
                db.session, theme, target, inquiry=inquiry, actor=current_user, now=utcnow()
            )
            db.session.commit()
            flash(
                f"Themes merged: {moved} excerpt{'' if moved == 1 else 's'} moved to {target.name}",
                "success",
            )
            return redirect(url_for("themes.show", inquiry_id=inquiry.id, theme_id=target.id))
        return render_template(
            "themes/merge_confirm.html",
            inquiry=inquiry,
            theme=theme,
            target=target,
            count=count,
            form=form,
        )
    return render_template(
        "themes/merge.html", inquiry=inquiry, theme=theme, others=others, count=count, form=form
    )
