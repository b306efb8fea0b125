"""Public pages, the layout every page shares, and error pages in the service's style."""

from __future__ import annotations

import pytest
from conftest import check_page, make_app, make_user
from flask import abort

from inquiry.extensions import db


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/", "Citizens' inquiry"),
        ("/accessibility", "Accessibility statement"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
        ("/sign-in", "Sign in"),
        ("/reset-password", "Reset your password"),
    ],
)
def test_public_pages(client_request, url, heading):
    page = client_request.get(url)
    assert page.h1.get_text(strip=True) == heading


def test_layout_has_skip_link_phase_banner_and_footer_links(client_request):
    page = client_request.get("/privacy")
    skip = page.select_one("a.govuk-skip-link")
    assert skip["href"] == "#main-content"
    assert page.select_one("main#main-content") is not None
    assert page.select_one(".govuk-phase-banner") is not None
    footer_links = {a.get_text(strip=True): a["href"] for a in page.select("footer a")}
    assert footer_links["Accessibility statement"] == "/accessibility"
    assert footer_links["Privacy notice"] == "/privacy"
    assert footer_links["Cookies"] == "/cookies"


def test_generic_header_without_crown_or_gov_uk_branding(client):
    html = client.get("/").get_data(as_text=True)
    assert "govuk-generic-header" in html
    assert "GOV.UK" not in html
    assert "govuk-logo" not in html
    assert "crown" not in html.lower()
    assert "GDS Transport" not in html


def test_cookies_page_names_the_only_cookie(app, client_request):
    page = client_request.get("/cookies")
    assert app.config["SESSION_COOKIE_NAME"] in page.text


def test_signed_in_header_offers_sign_out_by_post(app, client_request):
    user = make_user("pat.header@example.org")
    page = client_request.login(user).get("/home")
    form = page.find("form", action="/sign-out")
    assert form is not None and form["method"] == "post"
    assert form.find("button").get_text(strip=True) == "Sign out"


def test_not_found_page(client_request):
    page = client_request.get("/no-such-page", expected_status=404)
    assert page.h1.get_text(strip=True) == "Page not found"


def test_method_not_allowed_uses_the_service_style(client_request):
    page = client_request.get("/sign-out", expected_status=405)
    assert "problem" in page.h1.get_text()


def _app_with_failing_routes():
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("a bug")

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    return app


def test_server_error_page():
    app = _app_with_failing_routes()
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = check_page(response.get_data(as_text=True))
    assert page.h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    assert "a bug" not in page.text


def test_forbidden_page():
    app = _app_with_failing_routes()
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/forbidden")
    assert response.status_code == 403
    page = check_page(response.get_data(as_text=True))
    assert page.h1.get_text(strip=True) == "You do not have permission to see this page"


def test_expired_form_page():
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/reset-password", data={"email": "a@example.org"})
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True))
    assert page.h1.get_text(strip=True) == "Your form has expired"


def test_too_many_requests_page():
    app = make_app(RATELIMIT_ENABLED=True, RESET_LIMIT_PER_IP="2 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        statuses = [
            client.post("/reset-password", data={"email": "x@example.org"}).status_code
            for _ in range(3)
        ]
        response = client.post("/reset-password", data={"email": "x@example.org"})
    assert statuses[:2] == [200, 200]
    assert response.status_code == 429
    page = check_page(response.get_data(as_text=True))
    assert page.h1.get_text(strip=True) == "Too many attempts"


def test_uk_date_formats():
    from datetime import UTC, datetime

    from inquiry.formatting import uk_date, uk_datetime

    assert uk_date(datetime(2026, 6, 3, 9, 0, tzinfo=UTC)) == "3 June 2026"
    # 23:30 UTC in summer is already the next day in the UK.
    assert uk_date(datetime(2026, 6, 3, 23, 30, tzinfo=UTC)) == "4 June 2026"
    assert uk_datetime(datetime(2026, 1, 5, 14, 5, tzinfo=UTC)) == "5 January 2026 at 2:05pm"


def test_every_post_form_carries_a_csrf_token_when_csrf_is_on():
    from conftest import make_inquiry, sign_in_as

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        researcher = make_user("cora.csrf@example.org", researcher=True)
        inquiry = make_inquiry(researcher)
        client = app.test_client()
        anonymous_pages = ["/sign-in", "/reset-password"]
        pages = [
            "/home",
            "/account/password",
            "/inquiries/new",
            f"/inquiries/{inquiry.id}/invitations/new",
        ]
        checked = 0
        for url in anonymous_pages:
            html = client.get(url).get_data(as_text=True)
            checked += _assert_tokens(html)
        sign_in_as(client, researcher)
        for url in pages:
            html = client.get(url).get_data(as_text=True)
            checked += _assert_tokens(html)
    assert checked >= len(anonymous_pages) + len(pages)


def _assert_tokens(html: str) -> int:
    page = check_page(html)
    forms = [f for f in page.find_all("form") if f.get("method", "").lower() == "post"]
    for form in forms:
        assert form.find("input", attrs={"name": "csrf_token"}), f"no CSRF token in {form}"
    return len(forms)
