"""The decorators every view uses to declare who may use it.

``@requires(rule)`` names a rule from ``inquiry.policy``. For routes with an
``inquiry_id`` the inquiry is loaded and passed to the view as ``inquiry``:
nobody signed in is sent to sign in; a signed-in user who is not a member gets
404 (the inquiry's existence is not revealed); a member whose role does not
allow the action gets 403. ``@public`` marks the few pages anyone may see.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g
from flask_login import current_user

from . import policy
from .extensions import db, login_manager
from .models import Inquiry

PUBLIC = "public"


def public(view: Callable) -> Callable:
    view.permission = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(rule: Callable[..., bool]) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if "inquiry_id" in kwargs:
                inquiry = db.session.get(Inquiry, kwargs.pop("inquiry_id"))
                if inquiry is None or not policy.is_member(current_user, inquiry):
                    abort(404)
                if not rule(current_user, inquiry):
                    abort(403)
                g.inquiry = inquiry
                g.membership = policy.membership_of(current_user, inquiry)
                kwargs["inquiry"] = inquiry
            elif not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = rule.__name__  # type: ignore[attr-defined]
        return wrapped

    return decorator
