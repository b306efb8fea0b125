"""Your account: change your password and download what the platform holds about you."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template
from flask_login import current_user

from .. import policy
from ..audit.service import record
from ..extensions import db
from ..models import utcnow
from ..permissions import requires
from .export import collect

bp = Blueprint("personal_data", __name__)


@bp.route("/account")
@requires(policy.signed_in)
def account():
    return render_template("personal_data/account.html")


@bp.route("/account/your-data.json")
@requires(policy.signed_in)
def download():
    now = utcnow()
    user = current_user._get_current_object()
    data = collect(db.session, user, now=now)
    record(db.session, "user.data_downloaded", actor=user)
    db.session.commit()
    body = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
    response = Response(body.encode("utf-8"), mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="your-data-{now:%Y-%m-%d}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
