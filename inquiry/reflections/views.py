"""Taking part in a session: its page, reflections on its prompts, replies, the history
of a reflection for researchers, opening and closing the session, and signing in
again without losing what was written.

Whatever stops a participant's words from being saved (another window saved first,
the form expired, they were signed out, the session closed), the words come back to
them on the page, never an empty form.
"""

from __future__ import annotations

from urllib.parse import urlencode

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
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import policy
from ..accounts.services import authenticate
from ..accounts.views import start_session
from ..consent.services import audience_for, pending_text_id
from ..extensions import db, limiter, login_manager
from ..models import (
    Inquiry,
    Membership,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    Round,
    RoundPrompt,
    RoundStatus,
    Visibility,
    utcnow,
)
from ..permissions import public, requires
from ..rounds.services import round_in
from ..security.rate_limits import config_limit, per_account_signing_in
from ..testimony.services import approved_in_round
from . import services
from .forms import (
    ConfirmForm,
    EditReplyForm,
    ReflectionForm,
    ReplyForm,
    ResumeForm,
    RoundSettingsForm,
    prompt_prefix,
    reply_prefix,
    revision_of,
)
from .keep_text import (
    EXPIRED_MESSAGE,
    KeptText,
    keeps_text_on_expiry,
    not_saved_page,
    signed_out_page,
)

bp = Blueprint("reflections", __name__)

CHANGED_ELSEWHERE = "This reflection was changed in another window"
REPLY_CHANGED_ELSEWHERE = "This reply was changed in another window"
DRAFT_KEPT = "We have saved your text as a draft. Check it and share it when you are ready."


@bp.app_template_filter("reflections_author")
def _author(membership: Membership | None) -> str:
    """The author's name for the cohort, or "A former participant" once they have left."""
    return services.author_name(membership)


# Loading ---------------------------------------------------------------------------


def _round(inquiry: Inquiry, round_id: int) -> Round:
    round_ = round_in(db.session, inquiry, round_id)
    if round_ is None:
        abort(404)
    return round_


def _prompt(inquiry: Inquiry, prompt_id: int) -> RoundPrompt:
    prompt = services.prompt_in(db.session, inquiry, prompt_id)
    if prompt is None:
        abort(404)
    return prompt


def _reflection(inquiry: Inquiry, reflection_id: int) -> Reflection:
    reflection = services.reflection_in(db.session, inquiry, reflection_id)
    if reflection is None:
        abort(404)
    return reflection


def _reply(inquiry: Inquiry, reply_id: int) -> ReflectionResponse:
    reply = services.reply_in(db.session, inquiry, reply_id)
    if reply is None:
        abort(404)
    return reply


def _session_url(
    inquiry: Inquiry,
    round_: Round | int,
    anchor: str | None = None,
    pages: dict[int, int] | None = None,
) -> str:
    """The session page; ``pages`` asks for a page of a prompt's shared reflections."""
    round_id = round_ if isinstance(round_, int) else round_.id
    args = {page_arg(prompt_id): page for prompt_id, page in (pages or {}).items() if page > 1}
    return url_for(
        "reflections.session", inquiry_id=inquiry.id, round_id=round_id, _anchor=anchor, **args
    )


def _url_showing(
    inquiry: Inquiry, reflection: Reflection, anchor: str, membership: Membership | None
) -> str:
    """The session page on the page of shared reflections that holds the reflection."""
    round_ = reflection.prompt.round
    page = services.page_of(db.session, round_, membership, reflection.id)
    return _session_url(inquiry, round_, anchor, pages={reflection.prompt_id: page})


def _consent_pending(inquiry: Inquiry, membership: Membership) -> bool:
    """Whether the member must agree to the consent text before taking part."""
    if not policy.is_asked_to_consent(current_user, inquiry):
        return False
    audience = audience_for(membership.role)
    if audience is None:
        return False
    pending = pending_text_id(
        db.session, inquiry_id=inquiry.id, user_id=current_user.id, audience=audience
    )
    return pending is not None


CONSENT_FIRST = (
    "Please read and agree to the inquiry's information and consent text first. Copy "
    "your text, agree, then come back to the session."
)


def _consent_first(inquiry: Inquiry, round_: Round, text: str | None) -> Response | None:
    """The consent gate for the writing views, which keeps their words.

    They are declared ``consent_exempt`` so that ``requires`` does not send a
    participant who must agree to a new consent text off to the consent page and
    drop what they typed: nothing is saved, their words are shown with a link to
    the consent page, and nothing else of the inquiry is shown.
    """
    membership = g.get("membership")
    if membership is None or not _consent_pending(inquiry, membership):
        return None
    consent_url = url_for("consent.give", inquiry_id=inquiry.id, next=_session_url(inquiry, round_))
    if text and text.strip():
        return not_saved_page(
            text,
            CONSENT_FIRST,
            back_url=consent_url,
            back_text="Read the information and consent text",
        )
    if request.method == "GET":
        return redirect(url_for("consent.give", inquiry_id=inquiry.id, next=request.path))
    return redirect(consent_url, code=303)


def _not_open_reason(round_: Round) -> str:
    if round_.status == RoundStatus.CLOSED:
        return (
            "This session has closed, so reflections and replies in it can no longer be "
            "written or changed."
        )
    return "This session has not opened yet, so nothing can be written in it."


def _refuse(
    inquiry: Inquiry,
    round_: Round | None,
    text: str | None,
    reason: str,
    *,
    status: int = 200,
) -> Response:
    """Refuse a write without losing it: their words on a page of their own, or, when
    nothing was typed, the message on the session page."""
    back = _session_url(inquiry, round_) if round_ is not None else None
    if text and text.strip():
        return not_saved_page(text, reason, back_url=back, inquiry=inquiry, status=status)
    if status in (403, 404):
        abort(status)
    flash(reason, "error")
    return redirect(back or url_for("rounds.index", inquiry_id=inquiry.id))


# The session page ------------------------------------------------------------------


def _reflection_form(prompt: RoundPrompt, own: services.ReflectionItem | None) -> ReflectionForm:
    return ReflectionForm(
        formdata=None,
        prefix=prompt_prefix(prompt.id),
        data={
            "body": own.body if own else "",
            "lens": own.lens.value if own and own.lens else None,
            "visibility": own.visibility.value if own else Visibility.COHORT.value,
            "revision": str(own.revision if own else 0),
        },
    )


def page_arg(prompt_id: int) -> str:
    """The query argument for a page of one prompt's shared reflections."""
    return f"prompt-{prompt_id}-page"


def _requested_pages(prompts: list[RoundPrompt]) -> dict[int, int]:
    pages = {}
    for prompt in prompts:
        value = request.args.get(page_arg(prompt.id), "")
        if value.isascii() and value.isdigit() and len(value) < 7:
            pages[prompt.id] = int(value)
    return pages


def _pagination(base: str, view: services.PromptView, pages: dict[int, int]) -> dict | None:
    """Links to the other pages of a prompt's shared reflections, keeping the page
    shown for every other prompt. ``base`` is the session page's address (``_session_url``
    without pages): the links add their query to it, as url_for would, rather than
    building each one through url_for."""
    if view.pages < 2:
        return None
    prompt_id = view.prompt.id
    anchor = f"prompt-{prompt_id}-shared"

    def href(number: int) -> str:
        args = {
            page_arg(other): page
            for other, page in {**pages, prompt_id: number}.items()
            if page > 1
        }
        return f"{base}?{urlencode(args)}#{anchor}" if args else f"{base}#{anchor}"

    items = []
    for number in range(1, view.pages + 1):
        if number in (1, view.pages) or abs(number - view.page) <= 1:
            items.append({"number": number, "href": href(number), "current": number == view.page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    return {
        "landmarkLabel": f"Pages of the reflections shared on prompt {view.position}",
        "previous": {"href": href(view.page - 1)} if view.page > 1 else None,
        "next": {"href": href(view.page + 1)} if view.page < view.pages else None,
        "items": items,
    }


def _csrf_token() -> str | None:
    """The token for the reply forms written straight into the page (one per request,
    as every form of the page would get)."""
    return generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else None


def render_session(
    inquiry: Inquiry,
    round_: Round,
    *,
    reflection_forms: dict[int, ReflectionForm] | None = None,
    reply_forms: dict[int, ReplyForm] | None = None,
    conflicts: dict[int, Reflection] | None = None,
    error_form=None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    """The session page; forms given here (with what was typed) replace the usual ones.

    A reply form given here is shown on the page of shared reflections that holds its
    reflection; every other reply form is written by the template without a form object.
    """
    membership = g.get("membership")
    prompts = list(round_.prompts)
    pages = _requested_pages(prompts)
    views = services.session_page(
        db.session, inquiry, round_, membership, pages=pages, showing=list(reply_forms or ())
    )
    is_open = round_.status == RoundStatus.OPEN
    writes = is_open and policy.can_write_reflections(current_user, inquiry)
    forms: dict[int, ReflectionForm] = {}
    if writes:
        for view in views:
            forms[view.prompt.id] = (reflection_forms or {}).get(
                view.prompt.id
            ) or _reflection_form(view.prompt, view.own)
    shown = {view.prompt.id: view.page for view in views}
    base = _session_url(inquiry, round_)
    can_manage = policy.can_manage(current_user, inquiry)
    page = render_template(
        "reflections/session.html",
        inquiry=inquiry,
        round=round_,
        views=views,
        paginations={view.prompt.id: _pagination(base, view, shown) for view in views},
        forms=forms,
        reply_forms=(reply_forms or {}) if writes else {},
        reply_csrf_token=_csrf_token() if writes else None,
        conflicts=conflicts or {},
        form=error_form,
        notice=notice,
        is_open=is_open,
        writes=writes,
        is_participant=policy.can_write_reflections(current_user, inquiry),
        reads_reflections=policy.can_read_cohort_reflections(current_user, inquiry),
        can_manage=can_manage,
        inverted=services.is_inverted(inquiry),
        testimonies=approved_in_round(db.session, round_),
        settings_form=(
            RoundSettingsForm(
                formdata=None, data={"reveal_after_submitting": round_.reveal_after_submitting}
            )
            if can_manage
            else None
        ),
        membership=membership,
        page_title=f"Session {round_.position}: {round_.title}",
    )
    return Response(page, status=status, mimetype="text/html")


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/take-part")
@requires(policy.is_member)
def session(inquiry: Inquiry, round_id: int):
    return render_session(inquiry, _round(inquiry, round_id))


# Keeping text when the form has expired or they have been signed out ----------------


def _form_value(name: str) -> str:
    value = request.form.get(name, "")
    return value if isinstance(value, str) else ""


def _kept_from_request(kind: str) -> KeptText:
    """The words and their place from the request being refused."""
    args = request.view_args or {}
    if kind == "reflection":
        prompt_id = args.get("prompt_id")
        prefix = prompt_prefix(prompt_id)
        prompt = db.session.get(RoundPrompt, prompt_id) if prompt_id else None
        return KeptText(
            kind=kind,
            text=_form_value(f"{prefix}-body"),
            round_id=str(prompt.round_id) if prompt else "",
            prompt_id=str(prompt_id or ""),
            revision=_form_value(f"{prefix}-revision"),
            lens=_form_value(f"{prefix}-lens"),
            visibility=_form_value(f"{prefix}-visibility"),
        )
    if kind == "reply":
        reflection_id = args.get("reflection_id")
        return KeptText(
            kind=kind,
            text=_form_value(f"{reply_prefix(reflection_id)}-body"),
            reflection_id=str(reflection_id or ""),
        )
    return KeptText(
        kind=kind,
        text=_form_value("body"),
        reply_id=str(args.get("reply_id") or ""),
        revision=_form_value("revision"),
    )


def _restore(kept: KeptText, notice: str, *, status: int) -> Response:
    """For someone signed in: the page they were writing on with their words back in the
    right form, or, if they can no longer write there, their words on a page of their own."""
    prompt = reflection = reply = None
    if kept.kind == "reflection" and kept.number("prompt_id"):
        prompt = db.session.get(RoundPrompt, kept.number("prompt_id"))
        round_ = prompt.round if prompt else None
    elif kept.kind == "reply" and kept.number("reflection_id"):
        reflection = db.session.get(Reflection, kept.number("reflection_id"))
        round_ = reflection.prompt.round if reflection else None
    elif kept.kind == "edit_reply" and kept.number("reply_id"):
        reply = db.session.get(ReflectionResponse, kept.number("reply_id"))
        reflection = reply.reflection if reply else None
        round_ = reflection.prompt.round if reflection else None
    else:
        round_ = None
    inquiry = db.session.get(Inquiry, round_.inquiry_id) if round_ is not None else None
    membership = policy.membership_of(current_user, inquiry) if inquiry is not None else None
    if inquiry is None or membership is None:
        return not_saved_page(
            kept.text, "We could not find where this text belongs.", status=status
        )
    g.inquiry, g.membership = inquiry, membership
    if not policy.can_write_reflections(current_user, inquiry):
        return not_saved_page(
            kept.text,
            "Only participants can write reflections and replies in this inquiry.",
            back_url=_session_url(inquiry, round_),
            inquiry=inquiry,
            status=status,
        )
    if _consent_pending(inquiry, membership):
        return not_saved_page(
            kept.text,
            CONSENT_FIRST,
            back_url=url_for(
                "consent.give", inquiry_id=inquiry.id, next=_session_url(inquiry, round_)
            ),
            back_text="Read the information and consent text",
            status=status,
        )
    if round_.status != RoundStatus.OPEN:
        return not_saved_page(
            kept.text,
            _not_open_reason(round_),
            back_url=_session_url(inquiry, round_),
            inquiry=inquiry,
            status=status,
        )
    if kept.kind == "reflection":
        form = ReflectionForm(
            formdata=None,
            prefix=prompt_prefix(prompt.id),
            data={
                "body": kept.text,
                "lens": kept.lens or None,
                "visibility": kept.visibility or Visibility.COHORT.value,
                "revision": kept.revision or "0",
            },
        )
        return render_session(
            inquiry, round_, reflection_forms={prompt.id: form}, notice=notice, status=status
        )
    shared = services.shared_prompt_ids(db.session, round_, membership)
    if kept.kind == "reply":
        if not policy.can_reply_to_reflection(current_user, inquiry, reflection, shared):
            return not_saved_page(
                kept.text,
                "The reflection you were replying to is no longer shared with the cohort.",
                back_url=_session_url(inquiry, round_),
                inquiry=inquiry,
                status=status,
            )
        form = ReplyForm(
            formdata=None, prefix=reply_prefix(reflection.id), data={"body": kept.text}
        )
        return render_session(
            inquiry, round_, reply_forms={reflection.id: form}, notice=notice, status=status
        )
    if not policy.can_edit_reply(current_user, inquiry, reply):
        return not_saved_page(
            kept.text,
            "You can only change your own replies.",
            back_url=_session_url(inquiry, round_),
            inquiry=inquiry,
            status=status,
        )
    form = EditReplyForm(formdata=None, data={"body": kept.text, "revision": kept.revision or "0"})
    return _render_edit_reply(inquiry, reply, form, notice=notice, status=status)


def _on_expiry(kind: str):
    """The CSRF failure page for one kind of text: their words back, never lost."""

    def keep() -> Response | None:
        kept = _kept_from_request(kind)
        if kept.is_empty:
            return None
        if not current_user.is_authenticated:
            return signed_out_page(kept, status=400)
        return _restore(kept, EXPIRED_MESSAGE, status=400)

    return keep


def _when_signed_out(kind: str):
    """For ``requires``: their words and a sign-in form instead of the sign-in page."""

    def keep() -> Response:
        kept = _kept_from_request(kind)
        if kept.is_empty:
            return login_manager.unauthorized()
        return signed_out_page(kept)

    return keep


keeps_text_on_expiry("reflections.save")(_on_expiry("reflection"))
keeps_text_on_expiry("reflections.reply")(_on_expiry("reply"))
keeps_text_on_expiry("reflections.edit_reply")(_on_expiry("edit_reply"))


# Reflections -----------------------------------------------------------------------


def _saved_message(saved: services.Saved) -> tuple[str, str]:
    reflection = saved.reflection
    if saved.outcome == "unchanged":
        return "You did not change anything", "info"
    if saved.outcome == "draft":
        return "Your draft is saved. Only you can see it until you share it.", "success"
    if saved.outcome == "shared":
        if reflection.visibility == Visibility.COHORT:
            return "Your reflection is shared with the cohort", "success"
        return "Your reflection is shared with the researchers", "success"
    return "Your changes are saved", "success"


def _show_conflict(
    inquiry: Inquiry, prompt: RoundPrompt, form: ReflectionForm, membership: Membership
) -> Response:
    """Nothing saved: what is saved now, read-only, and their text still in the form."""
    current = services.reflection_for(db.session, prompt, membership)
    form.revision.data = str(current.revision if current else 0)
    form.add_form_error(CHANGED_ELSEWHERE)
    return render_session(
        inquiry,
        prompt.round,
        reflection_forms={prompt.id: form},
        conflicts={prompt.id: current} if current else {},
        error_form=form,
        status=409,
    )


@bp.route("/inquiries/<int:inquiry_id>/prompts/<int:prompt_id>/reflection", methods=["POST"])
@requires(
    policy.can_write_reflections,
    consent_exempt=True,  # checked by _consent_first, keeping their words
    keep_text_when_signed_out=_when_signed_out("reflection"),
)
def save(inquiry: Inquiry, prompt_id: int):
    prompt = _prompt(inquiry, prompt_id)
    round_ = prompt.round
    form = ReflectionForm(prefix=prompt_prefix(prompt.id))
    gate = _consent_first(inquiry, round_, form.body.data)
    if gate is not None:
        return gate
    if round_.status != RoundStatus.OPEN:
        return _refuse(inquiry, round_, form.body.data, _not_open_reason(round_))
    membership = g.membership
    if form.validate_on_submit():
        try:
            saved = services.save_reflection(
                db.session,
                inquiry=inquiry,
                prompt=prompt,
                author=membership,
                actor=current_user,
                body=form.body.data or "",
                lens=form.chosen_lens,
                visibility=form.chosen_visibility,
                share=form.share,
                expected_revision=revision_of(form),
                now=utcnow(),
            )
        except (services.ChangedElsewhere, IntegrityError):
            db.session.rollback()
            return _show_conflict(inquiry, prompt, form, membership)
        except services.SessionNotOpen as error:
            db.session.rollback()
            return _refuse(inquiry, round_, form.body.data, error.message)
        except services.AlreadyShared as error:
            db.session.rollback()
            form.add_form_error(error.message)
        except services.ReflectionError as error:
            db.session.rollback()
            form.add_field_error(error.field or "body", error.message)
        else:
            db.session.commit()
            flash(*_saved_message(saved))
            return redirect(_session_url(inquiry, round_, f"prompt-{prompt.id}"))
    return render_session(inquiry, round_, reflection_forms={prompt.id: form}, error_form=form)


# Replies ---------------------------------------------------------------------------


def _visible_reflection(inquiry: Inquiry, reflection: Reflection, text: str | None):
    """404 (keeping any words) unless the participant can read the reflection."""
    round_ = reflection.prompt.round
    shared = services.shared_prompt_ids(db.session, round_, g.membership)
    if not policy.can_read_reflection(current_user, inquiry, reflection, shared):
        return shared, _refuse(
            inquiry,
            round_,
            text,
            "The reflection you were replying to is no longer shared with you.",
            status=404,
        )
    return shared, None


@bp.route("/inquiries/<int:inquiry_id>/reflections/<int:reflection_id>/replies", methods=["POST"])
@requires(
    policy.can_write_reflections,
    consent_exempt=True,  # checked by _consent_first, keeping their words
    keep_text_when_signed_out=_when_signed_out("reply"),
)
def reply(inquiry: Inquiry, reflection_id: int):
    reflection = _reflection(inquiry, reflection_id)
    round_ = reflection.prompt.round
    form = ReplyForm(prefix=reply_prefix(reflection.id))
    gate = _consent_first(inquiry, round_, form.body.data)
    if gate is not None:
        return gate
    shared, refused = _visible_reflection(inquiry, reflection, form.body.data)
    if refused is not None:
        return refused
    if not policy.can_reply_to_reflection(current_user, inquiry, reflection, shared):
        return _refuse(
            inquiry,
            round_,
            form.body.data,
            "You can only reply to a reflection shared with the cohort.",
            status=403,
        )
    if round_.status != RoundStatus.OPEN:
        return _refuse(inquiry, round_, form.body.data, _not_open_reason(round_))
    if form.validate_on_submit():
        now = utcnow()
        try:
            # The reply's id is not known yet: the link goes to the reflection.
            posted = services.post_reply(
                db.session,
                inquiry=inquiry,
                reflection=reflection,
                author=g.membership,
                actor=current_user,
                body=form.body.data or "",
                link=_session_url(inquiry, round_, f"reflection-{reflection.id}"),
                now=now,
            )
        except services.SessionNotOpen as error:
            db.session.rollback()
            return _refuse(inquiry, round_, form.body.data, error.message)
        except services.ReflectionError as error:
            db.session.rollback()
            form.add_field_error("body", error.message)
        else:
            db.session.commit()
            flash("Your reply is posted", "success")
            return redirect(_url_showing(inquiry, reflection, f"reply-{posted.id}", g.membership))
    return render_session(inquiry, round_, reply_forms={reflection.id: form}, error_form=form)


def _render_edit_reply(
    inquiry: Inquiry,
    reply: ReflectionResponse,
    form: EditReplyForm,
    *,
    conflict: ReflectionResponse | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    round_ = reply.reflection.prompt.round
    page = render_template(
        "reflections/edit_reply.html",
        inquiry=inquiry,
        round=round_,
        reply=reply,
        reflection=reply.reflection,
        form=form,
        conflict=conflict,
        notice=notice,
        page_title="Change your reply",
    )
    return Response(page, status=status, mimetype="text/html")


@bp.route("/inquiries/<int:inquiry_id>/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@requires(
    policy.can_write_reflections,
    consent_exempt=True,  # checked by _consent_first, keeping their words
    keep_text_when_signed_out=_when_signed_out("edit_reply"),
)
def edit_reply(inquiry: Inquiry, reply_id: int):
    reply = _reply(inquiry, reply_id)
    reflection = reply.reflection
    round_ = reflection.prompt.round
    posting = request.method == "POST"
    form = (
        EditReplyForm()
        if posting
        else EditReplyForm(
            formdata=None, data={"body": reply.body, "revision": str(reply.revision)}
        )
    )
    typed = form.body.data if posting else None
    gate = _consent_first(inquiry, round_, typed)
    if gate is not None:
        return gate
    # Even their own reply: the page shows the reflection, which may since have been
    # made visible to the researchers only.
    _, refused = _visible_reflection(inquiry, reflection, typed)
    if refused is not None:
        return refused
    if not policy.can_edit_reply(current_user, inquiry, reply):
        return _refuse(inquiry, round_, typed, "You can only change your own replies.", status=403)
    if round_.status != RoundStatus.OPEN:
        return _refuse(inquiry, round_, typed, _not_open_reason(round_))
    if posting and form.validate_on_submit():
        try:
            changed = services.edit_reply(
                db.session,
                inquiry=inquiry,
                reply=reply,
                actor=current_user,
                body=form.body.data or "",
                expected_revision=revision_of(form),
                now=utcnow(),
            )
        except services.ChangedElsewhere:
            db.session.rollback()
            current = services.reply_in(db.session, inquiry, reply_id)
            form.revision.data = str(current.revision)
            form.add_form_error(REPLY_CHANGED_ELSEWHERE)
            return _render_edit_reply(inquiry, current, form, conflict=current, status=409)
        except services.SessionNotOpen as error:
            db.session.rollback()
            return _refuse(inquiry, round_, form.body.data, error.message)
        except services.ReflectionError as error:
            db.session.rollback()
            form.add_field_error("body", error.message)
        else:
            db.session.commit()
            if changed:
                flash("Your reply is saved", "success")
            else:
                flash("You did not change anything", "info")
            return redirect(_url_showing(inquiry, reflection, f"reply-{reply.id}", g.membership))
    return _render_edit_reply(inquiry, reply, form)


# History ---------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/reflections/<int:reflection_id>/history")
@requires(policy.can_manage)
def history(inquiry: Inquiry, reflection_id: int):
    reflection = _reflection(inquiry, reflection_id)
    if not policy.can_see_reflection_history(current_user, inquiry, reflection):
        abort(404)
    round_ = reflection.prompt.round
    return render_template(
        "reflections/history.html",
        inquiry=inquiry,
        round=round_,
        history=services.history(db.session, reflection),
        page_title="Earlier versions of a reflection",
    )


# Opening and closing sessions ------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/open", methods=["GET", "POST"])
@requires(policy.can_manage)
def open_round(inquiry: Inquiry, round_id: int):
    round_ = _round(inquiry, round_id)
    if round_.status == RoundStatus.OPEN:
        flash("This session is already open", "info")
        return redirect(_session_url(inquiry, round_))
    reopening = round_.status == RoundStatus.CLOSED
    form = ConfirmForm()
    if form.validate_on_submit():
        services.open_round(
            db.session,
            round_,
            inquiry=inquiry,
            actor=current_user,
            link=_session_url(inquiry, round_),
            now=utcnow(),
        )
        db.session.commit()
        if reopening:
            flash(
                f"Session {round_.position} is open again. Participants can change their "
                "reflections and replies.",
                "success",
            )
        else:
            flash(
                f"Session {round_.position} is open. Participants can now write their reflections.",
                "success",
            )
        return redirect(_session_url(inquiry, round_))
    return render_template(
        "reflections/confirm_round.html",
        inquiry=inquiry,
        round=round_,
        form=form,
        action="reopen" if reopening else "open",
        page_title=(
            f"Reopen session {round_.position}: {round_.title}?"
            if reopening
            else f"Open session {round_.position}: {round_.title}?"
        ),
    )


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/close", methods=["GET", "POST"])
@requires(policy.can_manage)
def close_round(inquiry: Inquiry, round_id: int):
    round_ = _round(inquiry, round_id)
    if round_.status != RoundStatus.OPEN:
        flash("Only an open session can be closed", "info")
        return redirect(_session_url(inquiry, round_))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.close_round(db.session, round_, inquiry=inquiry, actor=current_user, now=utcnow())
        db.session.commit()
        flash(
            f"Session {round_.position} is closed. Its reflections and replies are now read-only.",
            "success",
        )
        return redirect(_session_url(inquiry, round_))
    return render_template(
        "reflections/confirm_round.html",
        inquiry=inquiry,
        round=round_,
        form=form,
        action="close",
        page_title=f"Close session {round_.position}: {round_.title}?",
    )


@bp.route("/inquiries/<int:inquiry_id>/sessions/<int:round_id>/settings", methods=["POST"])
@requires(policy.can_manage)
def round_settings(inquiry: Inquiry, round_id: int):
    round_ = _round(inquiry, round_id)
    form = RoundSettingsForm()
    if form.validate_on_submit():
        value = bool(form.reveal_after_submitting.data)
        changed = services.set_reveal_after_submitting(
            db.session, round_, value, inquiry=inquiry, actor=current_user, now=utcnow()
        )
        db.session.commit()
        if not changed:
            flash("You did not change the setting", "info")
        elif value:
            flash(
                "Participants will see what others have shared on a prompt once they have "
                "shared their own",
                "success",
            )
        else:
            flash("Participants can see what others have shared straight away", "success")
    return redirect(_session_url(inquiry, round_, "session-settings"))


# Signing in again without losing the text -------------------------------------------


def _sign_in_failed(response: Response) -> bool:
    return bool(g.get("resume_sign_in_failed"))


def _too_many_attempts(limit) -> Response:
    """Rate limited: the sign-in form again with the words still on it."""
    form = ResumeForm()
    form.add_field_error(
        "email", "You have tried to sign in too many times. Wait a few minutes, then try again."
    )
    return signed_out_page(KeptText.from_resume_form(form), form, status=429)


@keeps_text_on_expiry("reflections.resume")
def _resume_expired() -> Response | None:
    form = ResumeForm()
    kept = KeptText.from_resume_form(form)
    if kept.is_empty:
        return None
    if current_user.is_authenticated:
        return _restore(kept, EXPIRED_MESSAGE, status=400)
    fresh = kept.resume_form()
    fresh.email.data = form.email.data
    fresh.add_form_error("Your page had been open a long time. Sign in again to keep your text.")
    return signed_out_page(kept, fresh, status=400)


def _save_kept_reflection(kept: KeptText) -> Response:
    """Signed in again: keep a reflection's text as a draft (never shared), if it can be."""
    prompt_id = kept.number("prompt_id")
    prompt = db.session.get(RoundPrompt, prompt_id) if prompt_id else None
    round_ = prompt.round if prompt else None
    inquiry = db.session.get(Inquiry, round_.inquiry_id) if round_ is not None else None
    membership = policy.membership_of(current_user, inquiry) if inquiry is not None else None
    if (
        inquiry is None
        or membership is None
        or not policy.can_write_reflections(current_user, inquiry)
        or _consent_pending(inquiry, membership)
        or round_.status != RoundStatus.OPEN
    ):
        db.session.commit()
        return _restore(kept, "", status=200)
    g.inquiry, g.membership = inquiry, membership
    own = services.reflection_for(db.session, prompt, membership)
    if own is not None and own.status == ReflectionStatus.SHARED:
        # Saving would change what the cohort reads: they check it first.
        db.session.commit()
        return _restore(
            kept,
            "You are signed in again. Your changes are not saved yet: your reflection is "
            "already shared, so check them and save them.",
            status=200,
        )
    lens = kept.lens if kept.lens in ("professional", "personal") else None
    visibility = kept.visibility if kept.visibility in ("cohort", "researchers") else "cohort"
    form = ReflectionForm(
        formdata=None,
        prefix=prompt_prefix(prompt.id),
        data={
            "body": kept.text,
            "lens": lens,
            "visibility": visibility,
            "revision": kept.revision or "0",
        },
    )
    try:
        services.save_reflection(
            db.session,
            inquiry=inquiry,
            prompt=prompt,
            author=membership,
            actor=current_user,
            body=kept.text.replace("\r\n", "\n").replace("\r", "\n").strip(),
            lens=form.chosen_lens,
            visibility=form.chosen_visibility,
            share=False,
            expected_revision=kept.number("revision") or 0,
            now=utcnow(),
            via="sign_in",
        )
    except (services.ChangedElsewhere, IntegrityError):
        db.session.rollback()
        return _show_conflict(inquiry, prompt, form, membership)
    except services.ReflectionError as error:
        db.session.rollback()
        form.add_field_error(error.field or "body", error.message)
        return render_session(inquiry, round_, reflection_forms={prompt.id: form}, error_form=form)
    db.session.commit()
    flash(DRAFT_KEPT, "success")
    return redirect(_session_url(inquiry, round_, f"prompt-{prompt.id}"))


@bp.route("/reflections/resume", methods=["POST"])
@public
@limiter.shared_limit(
    config_limit("SIGN_IN_LIMIT_PER_IP"),
    scope="accounts.sign_in",
    methods=["POST"],
    on_breach=_too_many_attempts,
)
@limiter.shared_limit(
    config_limit("SIGN_IN_FAILURES_PER_ACCOUNT"),
    scope="accounts.sign_in",
    key_func=per_account_signing_in,
    methods=["POST"],
    deduct_when=_sign_in_failed,
    on_breach=_too_many_attempts,
)
def resume():
    """Sign in from the "You have been signed out" page and carry on with the words.

    Shares the sign-in page's rate limits (the same counters). A reflection is kept
    as a draft; a reply comes back in its form for them to post.
    """
    form = ResumeForm()
    kept = KeptText.from_resume_form(form)
    if not current_user.is_authenticated:
        if not form.validate_on_submit():
            return signed_out_page(kept, form)
        user = authenticate(db.session, form.email.data, form.password.data, utcnow())
        if user is None:
            db.session.commit()
            g.resume_sign_in_failed = True
            form.add_field_error("email", "Enter a correct email address and password")
            return signed_out_page(kept, form)
        start_session(user)
    if kept.is_empty:
        db.session.commit()
        flash("You are signed in. There was no text to keep.", "info")
        return redirect(url_for("inquiries.home"))
    if kept.kind == "reflection":
        return _save_kept_reflection(kept)
    db.session.commit()
    return _restore(
        kept,
        "You are signed in again. Your reply is not posted yet: check it and post it."
        if kept.kind == "reply"
        else "You are signed in again. Your change is not saved yet: check it and save it.",
        status=200,
    )
