"""Accounts: signing in and out, rate limits, password resets, password changes,
the first-run set-up link, CSRF, cookies and researcher-made reset links."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import itsdangerous.timed
import pytest
from bs4 import BeautifulSoup
from conftest import (
    PASSWORD,
    add_member,
    check_page,
    error_messages,
    make_app,
    make_inquiry,
    make_user,
    sign_in_as,
)
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from inquiry import create_app
from inquiry.accounts import services
from inquiry.extensions import db, limiter
from inquiry.models import AccountToken, AuditEvent, Membership, Role, TokenPurpose, User, utcnow
from inquiry.security.links import sign_link
from inquiry.security.passwords import hash_password, verify_password

NEW_PASSWORD = "a brand new kettle on the hob"
SESSION_COOKIE = "inquiry_session"


@pytest.fixture(autouse=True)
def rate_limits_off_unless_asked() -> Iterator[None]:
    # Flask-Limiter keeps its on/off switch on the shared extension object: any app
    # built with rate limits on (here or elsewhere in the run) switches them on for
    # every app. Tests here start with them off, as the test configuration says.
    limiter.enabled = False
    yield
    limiter.enabled = False


@pytest.fixture
def build_app() -> Iterator:
    """Build an app with configuration overrides, on its own empty database."""
    built: list[Flask] = []

    def build(**overrides) -> Flask:
        app = make_app(**overrides)
        with app.app_context():
            db.drop_all()
            db.create_all()
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.drop_all()


# Helpers ------------------------------------------------------------------------


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, url: str = "/sign-in"):
    return client.post(url, data={"email": email, "password": password})


def page_of(response) -> BeautifulSoup:
    return check_page(response.get_data(as_text=True))


def h1_of(response) -> str:
    return " ".join(page_of(response).h1.get_text().split())


def field_error(page: BeautifulSoup, field_id: str) -> str:
    """The error message shown next to one field."""
    message = page.select_one(f"#{field_id}-error")
    assert message is not None, f"no error message next to {field_id}"
    return " ".join(message.get_text().split()).removeprefix("Error: ")


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def outbox(app: Flask) -> list:
    return app.extensions.setdefault("mail_outbox", [])


def reset_path_from(message) -> str:
    match = re.search(r"http://localhost(/reset-password/\S+)", message.get_content())
    assert match, "no reset link in the email"
    return match.group(1)


def request_reset_link(client: FlaskClient, app: Flask, email: str) -> str:
    before = len(outbox(app))
    response = client.post("/reset-password", data={"email": email})
    assert response.status_code == 200
    assert len(outbox(app)) == before + 1
    return reset_path_from(outbox(app)[-1])


def issue(purpose: TokenPurpose, user: User | None = None) -> str:
    token = services.issue_token(
        db.session,
        purpose,
        secret_key=current_app.secret_key,
        now=utcnow(),
        lifetime=timedelta(hours=24),
        user=user,
    )
    db.session.commit()
    return token


def latest_token_row(purpose: TokenPurpose) -> AccountToken:
    return db.session.scalars(
        select(AccountToken)
        .where(AccountToken.purpose == purpose)
        .order_by(AccountToken.id.desc())
        .limit(1)
    ).one()


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/home")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
    return False


def password_is(user_id: int, password: str) -> bool:
    user = db.session.get(User, user_id)
    db.session.refresh(user)
    return verify_password(user.password_hash, password)


def membership_of(user: User, inquiry) -> Membership:
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.inquiry_id == inquiry.id)
    )


# Signing in ----------------------------------------------------------------------


def test_sign_in_page_shows_the_form(client_request):
    page = client_request.get("/sign-in")
    assert page.h1.get_text(strip=True) == "Sign in"
    form = page.select_one("form[method=post]")
    assert form.find("input", attrs={"name": "email", "type": "email"}) is not None
    assert form.find("input", attrs={"name": "password", "type": "password"}) is not None
    assert page.find("a", href="/reset-password") is not None
    assert error_messages(page) == []


def test_right_password_signs_in_goes_home_and_is_audited(app, client):
    user = make_user("ada.lovelace@example.org")
    response = sign_in(client, "ada.lovelace@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    [event] = events("user.signed_in")
    assert event.actor_id == user.id
    assert event.object_type == "user"
    assert event.object_id == user.id
    assert events("user.sign_in_failed") == []
    assert db.session.get(User, user.id).last_signed_in_at is not None
    assert is_signed_in(client)


def test_email_is_matched_without_regard_to_case_or_spaces(app, client):
    make_user("grace.hopper@example.org")
    response = sign_in(client, "  Grace.Hopper@EXAMPLE.org ")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_signed_in_person_visiting_sign_in_goes_home(app, client):
    user = make_user("ada.lovelace@example.org")
    sign_in_as(client, user)
    response = client.get("/sign-in")
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


@pytest.mark.parametrize("target", ["/inquiries/new", "/home?view=all", "/account/password"])
def test_next_is_followed_for_a_same_site_path(app, client, target):
    make_user("ada.lovelace@example.org", researcher=True)
    response = sign_in(client, "ada.lovelace@example.org", url="/sign-in?next=" + quote(target))
    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/home",
        "https://evil.example",
        "https://evil.example/home",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/home\r\nX-Injected: 1",
        "/home\x00",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_next_is_ignored_unless_it_is_a_same_site_path(app, client, target):
    make_user("ada.lovelace@example.org")
    url = "/sign-in?next=" + quote(target, safe="")
    response = sign_in(client, "ada.lovelace@example.org", url=url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert "X-Injected" not in response.headers


def test_next_is_not_written_into_the_page_unescaped(app, client):
    response = client.get("/sign-in?next=" + quote('/home"><script>alert(1)</script>'))
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    form = page_of(response).select_one("form[method=post]")
    assert parse_qs(urlsplit(form["action"]).query)["next"] == ['/home"><script>alert(1)</script>']


def test_account_without_a_password_cannot_sign_in(app, client):
    user = make_user("no.password@example.org")
    user.password_hash = None
    db.session.commit()
    for guess in ("", "not-a-real-password-for-timing", PASSWORD):
        response = sign_in(client, "no.password@example.org", guess)
        assert response.status_code == 200
    assert not is_signed_in(client)
    assert events("user.signed_in") == []


def test_signed_out_visitor_returns_to_the_page_they_asked_for(app, client, world):
    inquiry_id = world.inquiry.id
    response = client.get(f"/inquiries/{inquiry_id}")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query)["next"] == [f"/inquiries/{inquiry_id}"]

    form_page = client.get(f"{location.path}?{location.query}")
    form = page_of(form_page).select_one("form[method=post]")
    response = sign_in(client, "participant@example.org", url=form["action"])
    assert response.status_code == 302
    assert response.headers["Location"] == f"/inquiries/{inquiry_id}"
    assert client.get(f"/inquiries/{inquiry_id}").status_code == 200


def test_wrong_password_is_refused_with_a_message_and_audited(app, client):
    user = make_user("ada.lovelace@example.org")
    response = sign_in(client, "ada.lovelace@example.org", "not the right password")
    assert response.status_code == 200
    page = page_of(response)
    assert error_messages(page) == ["Enter a correct email address and password"]
    assert field_error(page, "email") == "Enter a correct email address and password"
    assert page.title.get_text().startswith("Error: ")
    assert page.find("input", attrs={"name": "email"})["value"] == "ada.lovelace@example.org"
    assert page.find("input", attrs={"name": "password"}).get("value") in (None, "")
    assert "not the right password" not in response.get_data(as_text=True)
    [event] = events("user.sign_in_failed")
    assert event.actor_id == user.id
    assert event.details == {"reason": "password"}
    assert events("user.signed_in") == []
    assert not is_signed_in(client)


def test_unknown_email_gets_the_same_message(app, client):
    make_user("ada.lovelace@example.org")
    known = page_of(sign_in(client, "ada.lovelace@example.org", "not the right password"))
    response = sign_in(client, "nobody.here@example.org", "not the right password")
    assert response.status_code == 200
    unknown = page_of(response)
    assert error_messages(unknown) == error_messages(known)
    assert field_error(unknown, "email") == field_error(known, "email")
    failures = events("user.sign_in_failed")
    assert failures[-1].actor_id is None
    assert failures[-1].details == {"reason": "unknown"}
    assert not is_signed_in(client)


def test_disabled_account_cannot_sign_in(app, client):
    user = make_user("dee.disabled@example.org")
    user.is_disabled = True
    db.session.commit()
    response = sign_in(client, "dee.disabled@example.org")
    assert response.status_code == 200
    assert error_messages(page_of(response)) == ["Enter a correct email address and password"]
    [event] = events("user.sign_in_failed")
    assert event.details == {"reason": "disabled"}
    assert events("user.signed_in") == []
    assert not is_signed_in(client)


def test_disabled_account_is_signed_out_of_an_existing_session(app, client):
    user = make_user("dee.disabled@example.org")
    sign_in_as(client, user)
    assert is_signed_in(client)
    user.is_disabled = True
    db.session.commit()
    assert not is_signed_in(client)


def test_empty_fields_get_a_message_each(app, client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 200
    page = page_of(response)
    assert error_messages(page) == ["Enter an email address", "Enter your password"]
    assert field_error(page, "email") == "Enter an email address"
    assert field_error(page, "password") == "Enter your password"
    assert events("user.sign_in_failed") == []


def test_badly_formed_email_gets_a_format_message(app, client):
    response = client.post("/sign-in", data={"email": "ada at example", "password": PASSWORD})
    page = page_of(response)
    assert field_error(page, "email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page.find("input", attrs={"name": "email"})["value"] == "ada at example"


def test_sign_in_starts_a_new_session(app, client):
    make_user("ada.lovelace@example.org")
    with client.session_transaction() as session:
        session["planted"] = "set before signing in"
    before = client.get_cookie(SESSION_COOKIE).value

    response = sign_in(client, "ada.lovelace@example.org")
    assert response.status_code == 302
    after = client.get_cookie(SESSION_COOKIE).value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{db.session.scalar(select(User.id))}:")


# Signing out ---------------------------------------------------------------------


def test_sign_out_ends_the_session(app, client):
    user = make_user("ada.lovelace@example.org")
    assert sign_in(client, "ada.lovelace@example.org").status_code == 302
    assert is_signed_in(client)

    response = client.post("/sign-out")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    page = page_of(client.get("/sign-in"))
    assert "You have signed out" in page.get_text()
    assert not is_signed_in(client)
    [event] = events("user.signed_out")
    assert event.actor_id == user.id


def test_sign_out_only_accepts_post(app, client):
    user = make_user("ada.lovelace@example.org")
    sign_in_as(client, user)
    response = client.get("/sign-out")
    assert response.status_code == 405
    page_of(response)
    assert is_signed_in(client)
    assert events("user.signed_out") == []


def test_sign_out_when_not_signed_in_goes_to_sign_in(app, client):
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
    assert events("user.signed_out") == []


# Rate limits ---------------------------------------------------------------------


def limit_count(app: Flask, key: str) -> int:
    return int(app.config[key].split()[0])


def test_repeated_failures_for_one_account_are_limited(build_app):
    app = build_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        make_user("ada.lovelace@example.org")
    allowed = limit_count(app, "SIGN_IN_FAILURES_PER_ACCOUNT")
    client = app.test_client()
    for attempt in range(allowed):
        response = sign_in(client, "ada.lovelace@example.org", f"wrong guess {attempt}")
        assert response.status_code == 200, f"attempt {attempt + 1}"

    response = sign_in(client, "ada.lovelace@example.org", "another wrong guess")
    assert response.status_code == 429
    assert h1_of(response) == "Too many attempts"
    assert "wait a few minutes" in response.get_data(as_text=True)

    # The limit belongs to the account, not to one address.
    elsewhere = app.test_client()
    response = elsewhere.post(
        "/sign-in",
        data={"email": "ADA.Lovelace@example.org", "password": "wrong again"},
        environ_base={"REMOTE_ADDR": "192.0.2.77"},
    )
    assert response.status_code == 429

    # Another account is not affected.
    response = sign_in(client, "someone.else@example.org", "wrong guess")
    assert response.status_code == 200


def test_successful_sign_ins_do_not_count_against_the_account(build_app):
    app = build_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        make_user("ada.lovelace@example.org")
    allowed = limit_count(app, "SIGN_IN_FAILURES_PER_ACCOUNT")
    client = app.test_client()
    for attempt in range(allowed - 1):
        assert sign_in(client, "ada.lovelace@example.org", f"wrong {attempt}").status_code == 200
    for _ in range(3):
        assert sign_in(app.test_client(), "ada.lovelace@example.org").status_code == 302
    # The last allowed failure still gets the form; only the one after it is refused.
    assert sign_in(client, "ada.lovelace@example.org", "wrong last").status_code == 200
    assert sign_in(client, "ada.lovelace@example.org", "wrong again").status_code == 429


def test_sign_in_posts_are_limited_per_address(build_app):
    app = build_app(RATELIMIT_ENABLED=True, SIGN_IN_LIMIT_PER_IP="3 per 10 minutes")
    client = app.test_client()
    for number in range(3):
        response = sign_in(client, f"visitor{number}@example.org", "wrong guess")
        assert response.status_code == 200
    response = sign_in(client, "visitor9@example.org", "wrong guess")
    assert response.status_code == 429
    assert h1_of(response) == "Too many attempts"
    # Reading the form is not limited, and other addresses are not affected.
    assert client.get("/sign-in").status_code == 200
    response = client.post(
        "/sign-in",
        data={"email": "visitor9@example.org", "password": "wrong guess"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert response.status_code == 200


def test_reset_requests_are_limited_per_address(build_app):
    app = build_app(RATELIMIT_ENABLED=True)
    allowed = limit_count(app, "RESET_LIMIT_PER_IP")
    client = app.test_client()
    for number in range(allowed):
        response = client.post("/reset-password", data={"email": f"who{number}@example.org"})
        assert response.status_code == 200
    response = client.post("/reset-password", data={"email": "who@example.org"})
    assert response.status_code == 429
    assert h1_of(response) == "Too many attempts"


# Password reset ------------------------------------------------------------------


def test_reset_request_page_shows_the_form(client_request):
    page = client_request.get("/reset-password")
    assert page.h1.get_text(strip=True) == "Reset your password"
    assert page.find("input", attrs={"name": "email"}) is not None


def test_reset_request_emails_a_link(app, client):
    user = make_user("ada.lovelace@example.org")
    response = client.post("/reset-password", data={"email": "Ada.Lovelace@example.org"})
    assert response.status_code == 200
    assert h1_of(response) == "Check your email"
    [message] = outbox(app)
    assert message["To"] == "ada.lovelace@example.org"
    assert "Reset your password" in message["Subject"]
    assert reset_path_from(message).startswith("/reset-password/")
    [event] = events("user.password_reset_requested")
    assert event.object_id == user.id


@pytest.mark.parametrize("disabled", [False, True])
def test_reset_request_does_not_reveal_whether_an_account_exists(app, client, disabled):
    user = make_user("ada.lovelace@example.org")
    user.is_disabled = disabled
    db.session.commit()
    known = client.post("/reset-password", data={"email": "ada.lovelace@example.org"})
    sent = len(outbox(app))
    unknown = client.post("/reset-password", data={"email": "ada.lovelace@example.net"})
    assert unknown.status_code == known.status_code == 200
    assert len(outbox(app)) == sent
    known_text = " ".join(page_of(known).main.get_text().split())
    unknown_text = " ".join(page_of(unknown).main.get_text().split())
    assert unknown_text == known_text.replace(
        "ada.lovelace@example.org", "ada.lovelace@example.net"
    )
    assert len(events("user.password_reset_requested")) == (0 if disabled else 1)
    assert sent == (0 if disabled else 1)


def test_reset_request_checks_the_email_field(app, client):
    response = client.post("/reset-password", data={"email": ""})
    assert response.status_code == 200
    assert error_messages(page_of(response)) == ["Enter an email address"]
    assert outbox(app) == []


def test_reset_link_sets_a_new_password(app, client):
    user = make_user("ada.lovelace@example.org")
    path = request_reset_link(client, app, "ada.lovelace@example.org")

    form_page = client.get(path)
    assert form_page.status_code == 200
    page = page_of(form_page)
    assert page.h1.get_text(strip=True) == "Set a new password"
    assert "ada.lovelace@example.org" in page.get_text()

    response = client.post(
        path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert is_signed_in(client)
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$")
    [event] = events("user.password_reset")
    assert event.actor_id == user.id

    assert sign_in(app.test_client(), "ada.lovelace@example.org").status_code == 200
    fresh = app.test_client()
    assert sign_in(fresh, "ada.lovelace@example.org", NEW_PASSWORD).status_code == 302
    assert is_signed_in(fresh)


def test_reset_link_works_only_once(app, client):
    user = make_user("ada.lovelace@example.org")
    path = request_reset_link(client, app, "ada.lovelace@example.org")
    data = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    assert client.post(path, data=data).status_code == 302

    other = app.test_client()
    again = other.get(path)
    assert again.status_code == 400
    assert h1_of(again) == "This link cannot be used"
    response = other.post(
        path, data={"new_password": "a third password again", "confirm_password": "x"}
    )
    assert response.status_code == 400
    assert h1_of(response) == "This link cannot be used"
    assert password_is(user.id, NEW_PASSWORD)
    assert len(events("user.password_reset")) == 1


def test_expired_reset_link_is_refused(app, client):
    user = make_user("ada.lovelace@example.org")
    path = request_reset_link(client, app, "ada.lovelace@example.org")
    row = latest_token_row(TokenPurpose.PASSWORD_RESET)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    response = client.get(path)
    assert response.status_code == 400
    assert h1_of(response) == "This link cannot be used"
    response = client.post(
        path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert password_is(user.id, PASSWORD)


def test_reset_link_lasts_the_configured_time(app, client):
    make_user("ada.lovelace@example.org")
    request_reset_link(client, app, "ada.lovelace@example.org")
    row = latest_token_row(TokenPurpose.PASSWORD_RESET)
    lifetime = row.expires_at - row.created_at
    assert lifetime == timedelta(hours=app.config["PASSWORD_RESET_HOURS"])


def tampered(token: str) -> list[str]:
    """Altered copies of a signed link token: payload, signature, length."""
    payload, signature = token.split(".")

    def swap(text: str, index: int) -> str:
        return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]

    return [
        swap(payload, len(payload) // 2) + "." + signature,
        payload + "." + swap(signature, 0),
        payload + "." + signature[:-3],
        payload + signature,
        token + ".x",
        "not-a-token",
        "x" * 600,
    ]


def test_tampered_reset_link_is_refused(app, client):
    user = make_user("ada.lovelace@example.org")
    path = request_reset_link(client, app, "ada.lovelace@example.org")
    token = path.rsplit("/", 1)[1]
    for bad in tampered(token):
        response = client.get(f"/reset-password/{bad}")
        assert response.status_code == 400, bad
        assert h1_of(response) == "This link cannot be used"
        response = client.post(
            f"/reset-password/{bad}",
            data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )
        assert response.status_code == 400
    assert password_is(user.id, PASSWORD)
    assert client.get(path).status_code == 200


def test_reset_link_with_a_nonce_from_another_row_is_refused(app, client):
    ada = make_user("ada.lovelace@example.org")
    grace = make_user("grace.hopper@example.org")
    issue(TokenPurpose.PASSWORD_RESET, ada)
    issue(TokenPurpose.PASSWORD_RESET, grace)
    ada_row, grace_row = db.session.scalars(select(AccountToken).order_by(AccountToken.id)).all()
    forged = sign_link(app.secret_key, "password_reset", ada_row.id, grace_row.nonce)
    assert client.get(f"/reset-password/{forged}").status_code == 400


def test_reset_link_cannot_be_used_as_an_invitation(app, client):
    make_user("ada.lovelace@example.org")
    path = request_reset_link(client, app, "ada.lovelace@example.org")
    token = path.rsplit("/", 1)[1]
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 400
    assert h1_of(response) == "This link cannot be used"


def test_reset_link_cannot_be_used_as_a_setup_link(app, client):
    user = make_user("ada.lovelace@example.org")
    token = issue(TokenPurpose.PASSWORD_RESET, user)
    row = latest_token_row(TokenPurpose.PASSWORD_RESET)
    assert row.is_usable(utcnow())
    found = services.find_token(
        db.session, TokenPurpose.SETUP, token, secret_key=app.secret_key, now=utcnow()
    )
    assert found is None
    found = services.find_token(
        db.session, TokenPurpose.PASSWORD_RESET, token, secret_key=app.secret_key, now=utcnow()
    )
    assert found is not None and found.id == row.id


def test_setup_link_cannot_be_used_as_a_reset_link(app, client):
    token = issue(TokenPurpose.SETUP)
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 400
    assert h1_of(response) == "This link cannot be used"
    assert client.get(f"/setup/{token}").status_code == 200


def test_setup_page_refuses_a_link_signed_for_another_purpose(app, client):
    issue(TokenPurpose.SETUP)
    row = latest_token_row(TokenPurpose.SETUP)
    for purpose in ("password_reset", "invitation"):
        forged = sign_link(app.secret_key, purpose, row.id, row.nonce)
        response = client.get(f"/setup/{forged}")
        assert response.status_code == 400
        assert h1_of(response) == "This link cannot be used"
    genuine = sign_link(app.secret_key, "setup", row.id, row.nonce)
    assert client.get(f"/setup/{genuine}").status_code == 200


def test_reset_page_refuses_a_reset_signature_over_a_setup_row(app, client):
    issue(TokenPurpose.SETUP)
    row = latest_token_row(TokenPurpose.SETUP)
    forged = sign_link(app.secret_key, "password_reset", row.id, row.nonce)
    assert client.get(f"/reset-password/{forged}").status_code == 400


def test_new_reset_link_replaces_the_older_one(app, client):
    make_user("ada.lovelace@example.org")
    first = request_reset_link(client, app, "ada.lovelace@example.org")
    second = request_reset_link(client, app, "ada.lovelace@example.org")
    assert first != second
    response = client.get(first)
    assert response.status_code == 400
    assert h1_of(response) == "This link cannot be used"
    assert client.get(second).status_code == 200


def test_reset_links_for_different_people_are_independent(app, client):
    make_user("ada.lovelace@example.org")
    make_user("grace.hopper@example.org")
    ada = request_reset_link(client, app, "ada.lovelace@example.org")
    grace = request_reset_link(client, app, "grace.hopper@example.org")
    assert client.get(ada).status_code == 200
    assert client.get(grace).status_code == 200


@pytest.mark.parametrize(
    ("new", "confirm", "field", "message"),
    [
        ("eleven char", "eleven char", "new_password", "Password must be at least 12 characters"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "confirm_password", "The passwords do not match"),
        ("", "", "new_password", "Enter a new password"),
        (NEW_PASSWORD, "", "confirm_password", "Confirm your new password"),
        (
            " " + NEW_PASSWORD,
            " " + NEW_PASSWORD,
            "new_password",
            "Password must not start or end with a space",
        ),
        ("x" * 257, "x" * 257, "new_password", "Password must be 256 characters or fewer"),
    ],
)
def test_reset_password_rules(app, client, new, confirm, field, message):
    user = make_user("ada.lovelace@example.org")
    token = issue(TokenPurpose.PASSWORD_RESET, user)
    before = db.session.get(User, user.id).password_hash
    response = client.post(
        f"/reset-password/{token}", data={"new_password": new, "confirm_password": confirm}
    )
    assert response.status_code == 200
    page = page_of(response)
    assert field_error(page, field) == message
    assert message in error_messages(page)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert events("user.password_reset") == []
    assert not is_signed_in(client)
    assert client.get(f"/reset-password/{token}").status_code == 200


def test_reset_signs_out_other_browsers(app, client):
    user = make_user("ada.lovelace@example.org")
    elsewhere = sign_in_as(app.test_client(), user)
    assert is_signed_in(elsewhere)
    token = issue(TokenPurpose.PASSWORD_RESET, user)
    response = client.post(
        f"/reset-password/{token}",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(elsewhere)


def test_reset_link_for_a_disabled_account_is_refused(app, client):
    user = make_user("ada.lovelace@example.org")
    token = issue(TokenPurpose.PASSWORD_RESET, user)
    user.is_disabled = True
    db.session.commit()
    response = client.post(
        f"/reset-password/{token}",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert password_is(user.id, PASSWORD)
    assert not is_signed_in(client)


def test_password_change_cancels_outstanding_reset_links(app, client):
    user = make_user("ada.lovelace@example.org")
    token = issue(TokenPurpose.PASSWORD_RESET, user)
    sign_in_as(client, user)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    stranger = app.test_client()
    assert stranger.get(f"/reset-password/{token}").status_code == 400


# Changing a password -------------------------------------------------------------


def test_change_password_needs_sign_in(app, client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_change_password_page_shows_the_form(app, client_request):
    user = make_user("ada.lovelace@example.org")
    page = client_request.login(user).get("/account/password")
    assert page.h1.get_text(strip=True) == "Change your password"
    for name in ("current_password", "new_password", "confirm_password"):
        assert page.find("input", attrs={"name": name, "type": "password"}) is not None


def test_change_password_with_wrong_current_password(app, client):
    user = make_user("ada.lovelace@example.org")
    sign_in_as(client, user)
    token_before = user.session_token
    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password at all",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    page = page_of(response)
    assert field_error(page, "current_password") == "Your current password is not right"
    assert error_messages(page) == ["Your current password is not right"]
    assert password_is(user.id, PASSWORD)
    assert db.session.get(User, user.id).session_token == token_before
    assert events("user.password_changed") == []
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("new", "confirm", "field", "message"),
    [
        ("short pass", "short pass", "new_password", "Password must be at least 12 characters"),
        (NEW_PASSWORD, "something else entirely", "confirm_password", "The passwords do not match"),
    ],
)
def test_change_password_rules(app, client, new, confirm, field, message):
    user = make_user("ada.lovelace@example.org")
    sign_in_as(client, user)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm_password": confirm},
    )
    assert response.status_code == 200
    assert field_error(page_of(response), field) == message
    assert password_is(user.id, PASSWORD)


def test_change_password_signs_out_other_browsers_only(app, client):
    user = make_user("ada.lovelace@example.org")
    token_before = user.session_token
    here = client
    assert sign_in(here, "ada.lovelace@example.org").status_code == 302
    elsewhere = app.test_client()
    assert sign_in(elsewhere, "ada.lovelace@example.org").status_code == 302
    assert is_signed_in(here) and is_signed_in(elsewhere)

    response = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert db.session.get(User, user.id).session_token != token_before
    home = here.get("/home")
    assert home.status_code == 200
    assert "Other browsers have been signed out" in page_of(home).get_text()
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    [event] = events("user.password_changed")
    assert event.actor_id == user.id

    assert sign_in(app.test_client(), "ada.lovelace@example.org").status_code == 200
    assert sign_in(app.test_client(), "ada.lovelace@example.org", NEW_PASSWORD).status_code == 302


def test_passwords_are_stored_as_argon2id(app, client):
    hashed = hash_password(NEW_PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert hash_password(NEW_PASSWORD) != hashed
    assert verify_password(hashed, NEW_PASSWORD)
    assert not verify_password(hashed, PASSWORD)
    assert not verify_password(None, NEW_PASSWORD)
    assert not verify_password("not a hash", NEW_PASSWORD)

    user = make_user("ada.lovelace@example.org")
    sign_in_as(client, user)
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert NEW_PASSWORD not in stored


# First run -----------------------------------------------------------------------

SETUP_DATA = {
    "name": "Rhiannon Price",
    "email": "Rhiannon.Price@example.org",
    "new_password": NEW_PASSWORD,
    "confirm_password": NEW_PASSWORD,
}


def test_setup_link_creates_the_first_researcher(app, client):
    token = issue(TokenPurpose.SETUP)
    form_page = client.get(f"/setup/{token}")
    assert form_page.status_code == 200
    page = page_of(form_page)
    assert page.h1.get_text(strip=True) == "Create the first researcher account"
    for name in ("name", "email", "new_password", "confirm_password"):
        assert page.find("input", attrs={"name": name}) is not None

    response = client.post(f"/setup/{token}", data=SETUP_DATA)
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    user = db.session.scalar(select(User))
    assert user.email == "rhiannon.price@example.org"
    assert user.name == "Rhiannon Price"
    assert user.is_researcher is True
    assert user.password_hash.startswith("$argon2id$")
    assert is_signed_in(client)
    assert len(events("setup.completed")) == 1
    assert len(events("user.created")) == 1
    assert client.get("/inquiries/new").status_code == 200

    again = app.test_client().get(f"/setup/{token}")
    assert again.status_code == 400
    assert h1_of(again) == "This platform is already set up"
    response = app.test_client().post(
        f"/setup/{token}", data={**SETUP_DATA, "email": "second@example.org"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "second@example.org")) is None


def test_setup_link_stops_working_once_any_user_exists(app, client):
    token = issue(TokenPurpose.SETUP)
    make_user("first.person@example.org")
    response = client.get(f"/setup/{token}")
    assert response.status_code == 400
    assert h1_of(response) == "This platform is already set up"
    response = client.post(f"/setup/{token}", data=SETUP_DATA)
    assert response.status_code == 400
    assert len(db.session.scalars(select(User)).all()) == 1


def test_setup_link_used_once_is_refused_even_without_users(app, client):
    token = issue(TokenPurpose.SETUP)
    row = latest_token_row(TokenPurpose.SETUP)
    row.used_at = utcnow()
    db.session.commit()
    response = client.get(f"/setup/{token}")
    assert response.status_code == 400
    assert h1_of(response) == "This link cannot be used"


def test_expired_or_tampered_setup_link_is_refused(app, client):
    token = issue(TokenPurpose.SETUP)
    for bad in tampered(token):
        response = client.get(f"/setup/{bad}")
        assert response.status_code == 400
        assert h1_of(response) == "This link cannot be used"
    row = latest_token_row(TokenPurpose.SETUP)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(f"/setup/{token}", data=SETUP_DATA)
    assert response.status_code == 400
    assert db.session.scalar(select(User)) is None


def test_newer_setup_link_replaces_the_older_one(app, client):
    first = issue(TokenPurpose.SETUP)
    second = issue(TokenPurpose.SETUP)
    assert client.get(f"/setup/{first}").status_code == 400
    assert client.get(f"/setup/{second}").status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your full name"),
        (
            {"email": "not an email"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"new_password": "too short", "confirm_password": "too short"},
            "new_password",
            "Password must be at least 12 characters",
        ),
        (
            {"confirm_password": "different words here"},
            "confirm_password",
            "The passwords do not match",
        ),
    ],
)
def test_setup_form_checks_its_fields(app, client, change, field, message):
    token = issue(TokenPurpose.SETUP)
    response = client.post(f"/setup/{token}", data={**SETUP_DATA, **change})
    assert response.status_code == 200
    page = page_of(response)
    assert field_error(page, field) == message
    assert message in error_messages(page)
    assert db.session.scalar(select(User)) is None
    assert client.get(f"/setup/{token}").status_code == 200


# CSRF and cookies ----------------------------------------------------------------


def test_sign_in_without_a_csrf_token_is_refused(build_app):
    app = build_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("ada.lovelace@example.org")
    client = app.test_client()
    response = sign_in(client, "ada.lovelace@example.org")
    assert response.status_code == 400
    assert h1_of(response) == "Your form has expired"
    assert "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert events("user.signed_in") == []

    form = page_of(client.get("/sign-in")).find("input", attrs={"name": "csrf_token"})
    response = client.post(
        "/sign-in",
        data={
            "email": "ada.lovelace@example.org",
            "password": PASSWORD,
            "csrf_token": form["value"],
        },
    )
    assert response.status_code == 302


def test_sign_out_without_a_csrf_token_is_refused(build_app):
    app = build_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user("ada.lovelace@example.org")
        sign_in_as(client := app.test_client(), user)
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert h1_of(response) == "Your form has expired"
    assert client.get("/home").status_code == 200


def test_session_cookie_is_http_only_and_same_site(app, client):
    make_user("ada.lovelace@example.org")
    response = sign_in(client, "ada.lovelace@example.org")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(SESSION_COOKIE)]
    assert len(cookies) == 1
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_production_configuration(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-value-for-tests")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["HSTS"] is True
    assert app.config["DEBUG"] is False
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert app.config["RATELIMIT_ENABLED"] is True
    assert app.secret_key == "a-long-random-production-value-for-tests"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


# Researcher-made reset links -----------------------------------------------------


def reset_link_url(inquiry, membership: Membership) -> str:
    return f"/inquiries/{inquiry.id}/members/{membership.id}/reset-link"


def test_researcher_makes_a_reset_link_for_a_participant(app, client_request, world):
    participant = world.people["participant"]
    membership = membership_of(participant, world.inquiry)
    page = client_request.login(world.people["researcher"]).post(
        reset_link_url(world.inquiry, membership)
    )
    assert page.h1.get_text(strip=True) == "Password reset link"
    assert participant.email in page.get_text()
    link = page.select_one("#reset-link").get_text(strip=True)
    assert link.startswith("http://localhost/reset-password/")
    assert outbox(app) == []
    [event] = events("user.password_reset_link_created")
    assert event.actor_id == world.people["researcher"].id
    assert event.inquiry_id == world.inquiry.id
    assert event.object_id == participant.id

    path = link.removeprefix("http://localhost")
    member_browser = app.test_client()
    response = member_browser.post(
        path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert password_is(participant.id, NEW_PASSWORD)
    assert member_browser.get(path).status_code == 400


def test_researcher_may_make_a_link_for_a_member_of_several_of_their_inquiries(
    app, client_request, world
):
    researcher = world.people["researcher"]
    second = make_inquiry(researcher, title="Caring at home")
    witness = world.people["witness"]
    add_member(second, witness, Role.PARTICIPANT)
    page = client_request.login(researcher).post(
        reset_link_url(world.inquiry, membership_of(witness, world.inquiry))
    )
    assert page.h1.get_text(strip=True) == "Password reset link"


def test_no_reset_link_for_a_member_who_is_a_researcher_elsewhere(app, client_request, world):
    colleague = make_user("cara.colleague@example.org", researcher=True)
    membership = add_member(world.inquiry, colleague, Role.PARTICIPANT)
    client_request.login(world.people["researcher"]).post(
        reset_link_url(world.inquiry, membership), expected_status=403
    )
    assert db.session.scalars(select(AccountToken)).all() == []
    assert events("user.password_reset_link_created") == []


def test_no_reset_link_for_a_member_of_an_inquiry_the_researcher_does_not_run(
    app, client_request, world
):
    participant = world.people["participant"]
    add_member(world.other_inquiry, participant, Role.WITNESS)
    client_request.login(world.people["researcher"]).post(
        reset_link_url(world.inquiry, membership_of(participant, world.inquiry)),
        expected_status=403,
    )
    assert db.session.scalars(select(AccountToken)).all() == []


def test_no_reset_link_for_the_researcher_themself_or_a_disabled_member(app, client_request, world):
    researcher = world.people["researcher"]
    client_request.login(researcher)
    client_request.post(
        reset_link_url(world.inquiry, membership_of(researcher, world.inquiry)),
        expected_status=403,
    )
    client_request.post(
        reset_link_url(world.inquiry, membership_of(world.people["disabled"], world.inquiry)),
        expected_status=403,
    )
    assert db.session.scalars(select(AccountToken)).all() == []


@pytest.mark.parametrize("actor", ["participant", "witness", "commissioner", "observer"])
def test_members_who_do_not_run_the_inquiry_cannot_make_reset_links(
    app, client_request, world, actor
):
    target = world.people["participant" if actor != "participant" else "witness"]
    client_request.login(world.people[actor]).post(
        reset_link_url(world.inquiry, membership_of(target, world.inquiry)),
        expected_status=403,
    )
    assert db.session.scalars(select(AccountToken)).all() == []


def test_reset_link_for_a_membership_of_another_inquiry_is_not_found(app, client_request, world):
    outsider_membership = membership_of(world.people["other_member"], world.other_inquiry)
    client_request.login(world.people["researcher"]).post(
        reset_link_url(world.inquiry, outsider_membership), expected_status=404
    )
    client_request.post(
        f"/inquiries/{world.inquiry.id}/members/999999/reset-link", expected_status=404
    )
    assert db.session.scalars(select(AccountToken)).all() == []


def test_reset_link_cannot_be_made_by_getting_the_url(app, client, world):
    sign_in_as(client, world.people["researcher"])
    membership = membership_of(world.people["participant"], world.inquiry)
    response = client.get(reset_link_url(world.inquiry, membership))
    assert response.status_code == 405
    assert db.session.scalars(select(AccountToken)).all() == []


def test_session_ends_after_the_configured_lifetime(app, client, monkeypatch):
    make_user("ada.lovelace@example.org")
    assert sign_in(client, "ada.lovelace@example.org").status_code == 302
    assert is_signed_in(client)

    class Later:
        @staticmethod
        def time() -> float:
            return real_time() + app.permanent_session_lifetime.total_seconds() + 60

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed, "time", Later)
    assert not is_signed_in(client)


# Sending reset emails ----------------------------------------------------------------


class FakeSMTP:
    """Stands in for ``smtplib.SMTP`` and records what the app asked of it."""

    sessions: list[FakeSMTP] = []
    fail_with: Exception | None = None

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.tls_context = None
        self.logged_in_as: tuple[str, str] | None = None
        self.sent: list = []
        FakeSMTP.sessions.append(self)

    def __enter__(self) -> FakeSMTP:
        if FakeSMTP.fail_with is not None:
            raise FakeSMTP.fail_with
        return self

    def __exit__(self, *exc) -> None:
        return None

    def starttls(self, context=None) -> None:
        self.tls_context = context

    def login(self, username: str, password: str) -> None:
        self.logged_in_as = (username, password)

    def send_message(self, message) -> None:
        self.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch) -> type[FakeSMTP]:
    FakeSMTP.sessions = []
    FakeSMTP.fail_with = None
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    for key, value in {
        "MAIL_SERVER": "smtp.example.org",
        "MAIL_PORT": 587,
        "MAIL_USERNAME": "mailer",
        "MAIL_PASSWORD": "mailer-secret",
        "MAIL_USE_TLS": True,
        "MAIL_SENDER": "inquiry@example.org",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return FakeSMTP


def test_reset_email_goes_through_smtp_with_a_verified_tls_connection(app, client, smtp):
    make_user("ada.lovelace@example.org")
    response = client.post("/reset-password", data={"email": "ada.lovelace@example.org"})
    assert response.status_code == 200
    assert outbox(app) == []
    [session] = smtp.sessions
    assert (session.host, session.port) == ("smtp.example.org", 587)
    assert session.tls_context is not None
    assert session.tls_context.verify_mode == ssl.CERT_REQUIRED
    assert session.tls_context.check_hostname is True
    assert session.logged_in_as == ("mailer", "mailer-secret")
    [message] = session.sent
    assert message["From"] == "inquiry@example.org"
    assert message["To"] == "ada.lovelace@example.org"
    path = reset_path_from(message)
    assert client.get(path).status_code == 200


def test_mail_server_failure_still_shows_the_same_page(app, client, smtp):
    smtp.fail_with = OSError("connection refused")
    make_user("ada.lovelace@example.org")
    response = client.post("/reset-password", data={"email": "ada.lovelace@example.org"})
    assert response.status_code == 200
    assert h1_of(response) == "Check your email"
    assert len(events("user.password_reset_requested")) == 1
