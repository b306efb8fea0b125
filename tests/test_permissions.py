"""Every route declares who may use it, and each actor gets the stated outcome.

The rows in ``tests/access_rows/`` are the single statement of the expected
outcome for every endpoint and method. A new route without a row fails
``test_table_covers_every_route``.
"""

from __future__ import annotations

import pytest
from access_rows import collect
from conftest import ACTORS, make_app, sign_in_as

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
    if kind.startswith("roles:"):
        # Only members holding one of the listed roles, e.g. "roles:participant,witness".
        return ok if actor in kind.removeprefix("roles:").split(",") else 403
    raise AssertionError(f"unknown kind {kind}")


TABLE, URL_VALUE_MAKERS = collect()


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
    values: dict[str, object] = {"inquiry_id": world.inquiry.id, "token": "not-a-valid-token"}
    for maker in URL_VALUE_MAKERS:
        values.update(maker(world))
    return values


REFUSED = (SIGN_IN, 403, 404)


def _cases() -> list[tuple[str, str, tuple[str, ...]]]:
    """Actors are checked together, on one world, where no request can change what the
    next one sees: every GET, and for other methods every actor who is refused, then at
    most one who is let through, last. Each further actor let through a state-changing
    method gets a world of their own. Setting up the world is most of each case's time."""
    cases = []
    for endpoint, method in sorted(TABLE):
        if method == "GET":
            cases.append((endpoint, method, tuple(ACTORS)))
            continue
        let_through = [a for a in ACTORS if expected(endpoint, method, a) not in REFUSED]
        refused = [a for a in ACTORS if a not in let_through]
        cases.append((endpoint, method, (*refused, *let_through[:1])))
        cases.extend((endpoint, method, (actor,)) for actor in let_through[1:])
    return cases


CASES = _cases()


def test_every_actor_is_checked_for_every_route():
    checked = {(e, m, a) for e, m, actors in CASES for a in actors}
    assert checked == {(e, m, a) for (e, m) in TABLE for a in ACTORS}


@pytest.mark.parametrize(
    ("endpoint", "method", "actors"),
    CASES,
    ids=[f"{e}-{m}-{actors[0] if len(actors) == 1 else 'all'}" for e, m, actors in CASES],
)
def test_access_matrix(app, client, world, endpoint, method, actors):
    values = _url_values(world)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = app.url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})
    for actor in actors:
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
