"""The decorators every view uses to declare who may use it.

``@requires(rule)`` names a rule from ``inquiry.policy``. For routes with an
``inquiry_id`` the inquiry is loaded and passed to the view as ``inquiry``:
nobody signed in is sent to sign in; a signed-in user who is not a member gets
404 (the inquiry's existence is not revealed); a member whose role does not
allow the action gets 403. ``@public`` marks the few pages anyone may see.

Consent gate: once the rule allows the request, a participant or witness who
has not agreed to the current version of their audience's information and
consent text is redirected to the consent page (with ``next`` set to the page
they asked for, when it can be fetched) before anything else of the inquiry is
shown; a request other than GET is never carried out. Researchers,
commissioners and observers are not asked, nor is anyone while no text has been
published. Views that must stay reachable without agreeing (the consent pages
themselves, and leaving the inquiry, which is always possible) pass
``consent_exempt=True``.

Views where people write at length pass ``keep_text_when_signed_out``: a function
called, instead of sending them to sign in, when someone who is no longer signed in
sends the form (any method but GET), so that what they wrote is shown to them again
rather than lost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from . import policy
from .consent.services import audience_for, pending_text_id
from .extensions import db, login_manager
from .models import Inquiry, Membership

PUBLIC = "public"


def public(view: Callable) -> Callable:
    view.permission = PUBLIC  # type: ignore[attr-defined]
    return view


def _consent_gate(inquiry: Inquiry, membership: Membership | None) -> Response | None:
    """A redirect to the consent page if the member must agree first, else None."""
    if membership is None or not policy.is_asked_to_consent(current_user, inquiry):
        return None
    audience = audience_for(membership.role)
    if audience is None:
        return None
    pending = pending_text_id(
        db.session, inquiry_id=inquiry.id, user_id=current_user.id, audience=audience
    )
    if pending is None:
        return None
    values: dict[str, Any] = {"inquiry_id": inquiry.id}
    if request.method in ("GET", "HEAD"):
        query = request.query_string.decode("utf-8", "replace")
        values["next"] = request.path + (f"?{query}" if query else "")
        return redirect(url_for("consent.give", **values))
    # The action is not carried out; come back to the page if it can be fetched.
    if request.url_rule is not None and "GET" in request.url_rule.methods:
        values["next"] = request.path
    return redirect(url_for("consent.give", **values), code=303)


def requires(
    rule: Callable[..., bool],
    *,
    consent_exempt: bool = False,
    keep_text_when_signed_out: Callable[[], Response] | None = None,
) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if keep_text_when_signed_out is not None and request.method not in (
                    "GET",
                    "HEAD",
                    "OPTIONS",
                ):
                    return keep_text_when_signed_out()
                return login_manager.unauthorized()
            if "inquiry_id" in kwargs:
                inquiry = db.session.get(Inquiry, kwargs.pop("inquiry_id"))
                if inquiry is None or not policy.is_member(current_user, inquiry):
                    abort(404)
                if not rule(current_user, inquiry):
                    abort(403)
                g.inquiry = inquiry
                g.membership = policy.membership_of(current_user, inquiry)
                if not consent_exempt:
                    gate = _consent_gate(inquiry, g.membership)
                    if gate is not None:
                        return gate
                kwargs["inquiry"] = inquiry
            elif not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = rule.__name__  # type: ignore[attr-defined]
        wrapped.consent_exempt = consent_exempt  # type: ignore[attr-defined]
        return wrapped

    return decorator
