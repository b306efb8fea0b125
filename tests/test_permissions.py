"""Every route declares who may use it, and each actor gets the stated outcome.

The table below is the single statement of the expected outcome for every
endpoint and method. A new route without a row fails ``test_table_covers_every_route``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ACTORS, make_app, sign_in_as

from inquiry.extensions import db
from inquiry.models import Invitation, Membership, Role, utcnow
from inquiry.security.links import new_nonce

SKIPPED_METHODS = {"HEAD", "OPTIONS"}

# What each kind of rule gives each actor; ``ok`` is the status for an allowed actor.
SIGN_IN = "sign-in"


def outcome(kind: str, actor: str, ok: int) -> int | str:
    signed_out = actor in ("anonymous", "disabled")
    if kind == "public":
        return ok
    if signed_out:
        return SIGN_IN
    if kind == "signed_in":
        return ok
    if kind == "create":
        return ok if actor in ("researcher", "other_member") else 403
    if actor in ("no_role", "other_member"):
        return 404
    if kind == "member":
        return ok
    if kind == "manage":
        return ok if actor == "researcher" else 403
    raise AssertionError(f"unknown kind {kind}")


# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
TABLE: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("pages.index", "GET"): ("public", 200, {"signed_in": 302}),
    ("pages.accessibility", "GET"): ("public", 200, {}),
    ("pages.privacy", "GET"): ("public", 200, {}),
    ("pages.cookies", "GET"): ("public", 200, {}),
    ("accounts.sign_in", "GET"): ("public", 200, {"signed_in": 302}),
    ("accounts.sign_in", "POST"): ("public", 200, {"signed_in": 302}),
    ("accounts.sign_out", "POST"): ("signed_in", 302, {}),
    ("accounts.change_password", "GET"): ("signed_in", 200, {}),
    ("accounts.change_password", "POST"): ("signed_in", 200, {}),
    ("accounts.reset_request", "GET"): ("public", 200, {}),
    ("accounts.reset_request", "POST"): ("public", 200, {}),
    ("accounts.reset_password", "GET"): ("public", 400, {}),
    ("accounts.reset_password", "POST"): ("public", 400, {}),
    ("accounts.setup", "GET"): ("public", 400, {}),
    ("accounts.setup", "POST"): ("public", 400, {}),
    ("inquiries.home", "GET"): ("signed_in", 200, {}),
    ("inquiries.new", "GET"): ("create", 200, {}),
    ("inquiries.new", "POST"): ("create", 200, {}),
    ("inquiries.overview", "GET"): ("member", 200, {}),
    ("inquiries.members", "GET"): ("manage", 200, {}),
    ("inquiries.reset_link", "POST"): ("manage", 200, {}),
    ("invitations.new", "GET"): ("manage", 200, {}),
    ("invitations.new", "POST"): ("manage", 200, {}),
    ("invitations.show", "GET"): ("manage", 200, {}),
    ("invitations.resend", "POST"): ("manage", 302, {}),
    ("invitations.revoke", "GET"): ("manage", 200, {}),
    ("invitations.revoke", "POST"): ("manage", 302, {}),
    ("invitations.respond", "GET"): ("public", 400, {}),
    ("invitations.respond", "POST"): ("public", 400, {}),
    ("audit.log", "GET"): ("manage", 200, {}),
}


def expected(endpoint: str, method: str, actor: str) -> int | str:
    kind, ok, overrides = TABLE[(endpoint, method)]
    signed_in = actor not in ("anonymous", "disabled")
    if actor in overrides:
        return overrides[actor]
    if signed_in and "signed_in" in overrides:
        return overrides["signed_in"]
    return outcome(kind, actor, ok)


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - SKIPPED_METHODS
    }


def test_every_view_declares_a_permission():
    app = make_app()
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "permission", None)
    ]
    assert missing == [], f"views without @requires or @public: {missing}"


def test_table_covers_every_route():
    app = make_app()
    routes = _routes(app)
    assert routes - TABLE.keys() == set(), "routes missing from the permission table"
    assert TABLE.keys() - routes == set(), "table rows for routes that no longer exist"


def _url_values(world) -> dict[str, object]:
    participant = world.people["participant"]
    membership = db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == participant.id, Membership.inquiry_id == world.inquiry.id
        )
    )
    invitation = Invitation(
        inquiry_id=world.inquiry.id,
        email="invited.person@example.org",
        role=Role.PARTICIPANT,
        nonce=new_nonce(),
        expires_at=utcnow() + timedelta(days=14),
    )
    db.session.add(invitation)
    db.session.commit()
    return {
        "inquiry_id": world.inquiry.id,
        "invitation_id": invitation.id,
        "membership_id": membership.id,
        "token": "not-a-valid-token",
    }


CASES = [(endpoint, method, actor) for (endpoint, method) in sorted(TABLE) for actor in ACTORS]


@pytest.mark.parametrize(("endpoint", "method", "actor"), CASES)
def test_access_matrix(app, client, world, endpoint, method, actor):
    values = _url_values(world)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = app.url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})
    sign_in_as(client, world.people[actor])
    response = client.open(url, method=method, data={})
    want = expected(endpoint, method, actor)
    if want == SIGN_IN:
        assert response.status_code == 302, f"{method} {url} as {actor}: {response.status_code}"
        assert response.headers["Location"].startswith("/sign-in")
    else:
        assert response.status_code == want, (
            f"{method} {url} as {actor}: got {response.status_code}, expected {want}"
        )
