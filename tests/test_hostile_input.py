"""Hostile and random values posted to every form: never a 500, what people typed comes
back escaped, and a refused form changes nothing in the database.

Every POST route in the access table is tried as an actor allowed to use it, with the
field names its page shows (or a common set when it has no page), filled with values
drawn by Hypothesis: very long strings, control characters, NUL bytes, right-to-left
marks, emoji, numbers where text is expected and text where numbers are, and XSS
payloads.
"""

from __future__ import annotations

import pytest
from access_rows import collect
from bs4 import BeautifulSoup
from conftest import sign_in_as
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from inquiry.extensions import db

TABLE, URL_VALUE_MAKERS = collect()

XSS = [
    "<script>xss()</script>",
    '"><img src=x onerror=xss()>',
    "<svg onload=xss()>",
    "javascript:xss()",
    "<a href='javascript:xss()'>link</a>",
]
# Markers that appear in a page only if a payload was not escaped.
UNESCAPED = ["<script>xss()", "<img src=x onerror", "<svg onload", "<a href='javascript"]

HOSTILE = [
    "",
    " ",
    "\x00",
    "caf\x00e",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\u200b",
    "😀🏠👵🏽",
    '=HYPERLINK("http://example.com")',
    "+44 7700 900000",
    "-1",
    "0",
    "99999999999999999999",
    "3.5",
    "2026-02-30",
    "' OR '1'='1",
    "../../etc/passwd",
    "\r\n\r\n",
    "y",
    "on",
    "a" * 100_000,
    *XSS,
]

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=200),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=2000),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)

COMMON_FIELDS = ["confirm", "submit", "body", "text", "reason", "note", "value", "theme_ids"]


def _actor_for(kind: str) -> str:
    if kind == "public":
        return "anonymous"
    if kind in ("manage", "create", "signed_in"):
        return "researcher"
    if kind == "member":
        return "participant"
    return kind.removeprefix("roles:").split(",")[0]


POST_ROUTES = sorted(
    (endpoint, _actor_for(kind))
    for (endpoint, method), (kind, _ok, _overrides) in TABLE.items()
    if method == "POST"
)


def _row_counts() -> dict[str, int]:
    """Rows per table, in one query. Audit events are left out: a refused sign-in is
    rightly recorded."""
    tables = [t for t in db.metadata.sorted_tables if t.name != "audit_events"]
    counts = db.session.execute(
        select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    ).one()
    return dict(zip((t.name for t in tables), counts, strict=True))


def _fields(client, url: str, methods: set[str]) -> dict[str, list[str]]:
    """The form fields the page shows, each with the values it offers (radios,
    checkboxes, selects), so that some posts are accepted and reach the services."""
    fields: dict[str, list[str]] = {}
    if "GET" in methods:
        page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
        for tag in page.select("form input[name], form textarea[name], form select[name]"):
            offered = fields.setdefault(tag["name"], [])
            if tag.name == "select":
                offered += [option.get("value", "") for option in tag.find_all("option")]
            elif tag.get("type") in ("radio", "checkbox") and tag.get("value") is not None:
                offered.append(tag["value"])
        fields.pop("csrf_token", None)
    return fields or {name: [] for name in COMMON_FIELDS}


@pytest.mark.parametrize(("endpoint", "actor"), POST_ROUTES)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(data=st.data())
def test_hostile_values_never_break_a_form(app, client, world, endpoint, actor, data):
    url_values: dict[str, object] = {"inquiry_id": world.inquiry.id, "token": "not-a-token"}
    if not getattr(world, "_made", None):
        for maker in URL_VALUE_MAKERS:
            url_values.update(maker(world))
        world._made = url_values  # type: ignore[attr-defined]
    url_values = world._made  # type: ignore[attr-defined]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = app.url_for(endpoint, **{arg: url_values[arg] for arg in rule.arguments})
    sign_in_as(client, world.people[actor])
    # Read once: the page may change after an accepted post, and the drawing must not.
    if not getattr(world, "_fields", None):
        world._fields = _fields(client, url, rule.methods)  # type: ignore[attr-defined]
    form = {
        name: data.draw(st.one_of(st.sampled_from(offered), values) if offered else values)
        for name, offered in world._fields.items()  # type: ignore[attr-defined]
    }
    before = _row_counts()

    response = client.post(url, data=form)

    assert response.status_code < 500, f"POST {url} as {actor} with {form!r}"
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        for marker in UNESCAPED:
            assert marker not in body, f"unescaped {marker!r} in POST {url}"
    refused = response.status_code >= 400 or (
        response.status_code == 200 and "govuk-error-summary" in body
    )
    if refused:
        assert _row_counts() == before, f"POST {url} was refused but changed the database"
