"""Never losing a participant's words: an edit from another window, an expired form,
being signed out, rate limits on signing in again, and the registry other features can
use. These tests run with CSRF protection on, as in production."""

from __future__ import annotations

from collections.abc import Iterator

import itsdangerous.timed
import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, check_page, error_messages, make_app, sign_in_as
from flask import Flask
from sqlalchemy import func, select
from test_reflections import (
    Cast,
    make_cast,
    own_reflection,
    reflection_data,
    save_url,
    session_url,
    textarea,
)

from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    InquiryMode,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    RoundStatus,
    TextVersion,
)
from inquiry.reflections.keep_text import EXPIRED_MESSAGE, KEEP_TEXT_ON_EXPIRY
from inquiry.reflections.views import DRAFT_KEPT

WORDS = "Margaret said the worst part was not knowing who would come.\n\nThat stayed with me."


@pytest.fixture
def csrf_app() -> Iterator[Flask]:
    """An app with CSRF protection on, on its own empty database."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def cast(csrf_app) -> Cast:
    return make_cast(InquiryMode.INVERTED)


def soup_of(response) -> BeautifulSoup:
    return check_page(response.get_data(as_text=True))


def token_from(soup: BeautifulSoup) -> str:
    field = soup.find("input", attrs={"name": lambda name: name and name.endswith("csrf_token")})
    assert field is not None, "no CSRF token on the page"
    return field["value"]


def signed_in_client(app: Flask, cast: Cast, user=None):
    client = app.test_client()
    sign_in_as(client, user or cast.priya)
    return client


def fresh_token(client, cast: Cast) -> str:
    return token_from(soup_of(client.get(session_url(cast))))


def form_fields(form) -> dict[str, str]:
    """What a browser would send from a form: inputs (not buttons) and textareas."""
    data = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input")
        if field.get("name") and field.get("type") not in ("radio", "checkbox")
    }
    for area in form.find_all("textarea"):
        data[area["name"]] = area.get_text()
    return data


def h1(soup: BeautifulSoup) -> str:
    return " ".join(soup.h1.get_text().split())


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def sign_out_elsewhere(user) -> None:
    """As when the password is changed in another browser: this one is signed out."""
    user.rotate_session_token()
    db.session.commit()


# Another window saved first --------------------------------------------------------------


def test_a_save_from_an_older_window_shows_both_versions_and_saves_nothing(csrf_app, cast):
    client = signed_in_client(csrf_app, cast)
    token = fresh_token(client, cast)
    prompt = cast.prompt()
    first = reflection_data(prompt, "Written in the first window.", revision=0)
    response = client.post(save_url(cast, prompt), data={**first, "csrf_token": token})
    assert response.status_code == 302
    # The second window was opened before that save, so it still has revision 0.
    second = reflection_data(prompt, "Written in the second window.", revision=0)
    response = client.post(save_url(cast, prompt), data={**second, "csrf_token": token})
    assert response.status_code == 409
    soup = soup_of(response)
    assert error_messages(soup) == ["This reflection was changed in another window"]
    saved = soup.find(id=f"saved-text-{prompt.id}")
    assert saved.has_attr("readonly")
    assert saved.get_text() == "Written in the first window."
    assert textarea(soup, f"p{prompt.id}-body") == "Written in the second window."
    assert soup.find("input", attrs={"name": f"p{prompt.id}-revision"})["value"] == "1"
    reflection = own_reflection(cast, cast.priya)
    assert reflection.body == "Written in the first window."
    assert reflection.revision == 1

    # Merged and saved again from the page they were given: it works.
    merged = reflection_data(prompt, "Both windows, merged.", revision=1)
    response = client.post(save_url(cast, prompt), data={**merged, "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(reflection)
    assert reflection.body == "Both windows, merged."
    assert db.session.scalars(select(TextVersion.body)).all() == ["Written in the first window."]


def test_a_reply_changed_in_another_window(csrf_app, cast):
    reflection = Reflection(
        inquiry_id=cast.inquiry.id,
        round_id=cast.round.id,
        prompt_id=cast.prompt().id,
        author_id=cast.membership(cast.priya).id,
        body="Weekend cover is thin.",
        status=ReflectionStatus.SHARED,
    )
    db.session.add(reflection)
    db.session.flush()
    reply = ReflectionResponse(
        reflection_id=reflection.id, author_id=cast.membership(cast.tom).id, body="Yes."
    )
    db.session.add(reply)
    db.session.commit()
    client = signed_in_client(csrf_app, cast, cast.tom)
    token = fresh_token(client, cast)
    url = f"/inquiries/{cast.inquiry.id}/replies/{reply.id}/edit"
    first = client.post(url, data={"body": "Yes, first.", "revision": "1", "csrf_token": token})
    assert first.status_code == 302
    response = client.post(url, data={"body": "Yes, second.", "revision": "1", "csrf_token": token})
    assert response.status_code == 409
    soup = soup_of(response)
    assert error_messages(soup) == ["This reply was changed in another window"]
    assert soup.find(id="saved-text").get_text() == "Yes, first."
    assert textarea(soup, "body") == "Yes, second."
    db.session.refresh(reply)
    assert reply.body == "Yes, first."


# The form expired --------------------------------------------------------------------------


def test_an_expired_form_comes_back_with_the_words_in_the_right_form(csrf_app, cast, monkeypatch):
    client = signed_in_client(csrf_app, cast)
    token = fresh_token(client, cast)
    prompt = cast.prompt(2)

    real_time = itsdangerous.timed.time.time

    class NineHoursLater:
        @staticmethod
        def time() -> float:
            return real_time() + 9 * 3600

    monkeypatch.setattr(itsdangerous.timed, "time", NineHoursLater)
    data = reflection_data(prompt, WORDS, action="share", lens="personal", visibility="researchers")
    response = client.post(save_url(cast, prompt), data={**data, "csrf_token": token})
    assert response.status_code == 400
    soup = soup_of(response)
    assert h1(soup) == "Session 1: Hearing from people who receive care at home"
    assert EXPIRED_MESSAGE in soup.text
    assert textarea(soup, f"p{prompt.id}-body") == WORDS
    assert textarea(soup, f"p{cast.prompt(1).id}-body") == ""
    checked = soup.find("input", attrs={"name": f"p{prompt.id}-lens", "checked": True})
    assert checked["value"] == "personal"
    checked = soup.find("input", attrs={"name": f"p{prompt.id}-visibility", "checked": True})
    assert checked["value"] == "researchers"
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0

    # The page carries a fresh token: sending it again saves.
    response = client.post(save_url(cast, prompt), data={**data, "csrf_token": token_from(soup)})
    assert response.status_code == 302
    assert own_reflection(cast, cast.priya, prompt).body == WORDS


def test_an_expired_reply_and_reply_change_keep_their_words(csrf_app, cast):
    reflection = Reflection(
        inquiry_id=cast.inquiry.id,
        round_id=cast.round.id,
        prompt_id=cast.prompt().id,
        author_id=cast.membership(cast.priya).id,
        body="Weekend cover is thin.",
        status=ReflectionStatus.SHARED,
    )
    db.session.add(reflection)
    db.session.flush()
    reply = ReflectionResponse(
        reflection_id=reflection.id, author_id=cast.membership(cast.tom).id, body="Yes."
    )
    db.session.add(reply)
    db.session.commit()
    client = signed_in_client(csrf_app, cast, cast.tom)

    response = client.post(
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies",
        data={f"reply-{reflection.id}-body": "And nights.", "csrf_token": "stale"},
    )
    assert response.status_code == 400
    soup = soup_of(response)
    assert EXPIRED_MESSAGE in soup.text
    assert textarea(soup, f"reply-{reflection.id}-body") == "And nights."
    # The reply form is open, not hidden away.
    assert (
        soup.find("textarea", attrs={"name": f"reply-{reflection.id}-body"})
        .find_parent("details")
        .has_attr("open")
    )

    response = client.post(
        f"/inquiries/{cast.inquiry.id}/replies/{reply.id}/edit",
        data={"body": "Yes, and nights.", "revision": "1", "csrf_token": "stale"},
    )
    assert response.status_code == 400
    soup = soup_of(response)
    assert h1(soup) == "Change your reply"
    assert EXPIRED_MESSAGE in soup.text
    assert textarea(soup, "body") == "Yes, and nights."
    db.session.refresh(reply)
    assert reply.body == "Yes."
    assert db.session.scalar(select(func.count()).select_from(ReflectionResponse)) == 1


def test_other_forms_and_empty_forms_still_get_the_generic_expired_page(csrf_app, cast):
    client = signed_in_client(csrf_app, cast)
    response = client.post(save_url(cast, cast.prompt()), data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert h1(soup_of(response)) == "Your form has expired"
    response = client.post("/sign-out", data={"csrf_token": "stale"})
    assert h1(soup_of(response)) == "Your form has expired"
    assert set(KEEP_TEXT_ON_EXPIRY) >= {
        "reflections.save",
        "reflections.reply",
        "reflections.edit_reply",
        "reflections.resume",
    }


def test_an_expired_form_in_a_closed_session_shows_the_words_on_their_own(csrf_app, cast):
    cast.round.status = RoundStatus.CLOSED
    db.session.commit()
    client = signed_in_client(csrf_app, cast)
    response = client.post(
        save_url(cast, cast.prompt()),
        data={**reflection_data(cast.prompt(), WORDS), "csrf_token": "stale"},
    )
    assert response.status_code == 400
    soup = soup_of(response)
    assert h1(soup) == "Your text has not been saved"
    assert "This session has closed" in soup.text
    assert textarea(soup, "unsaved-text") == WORDS


# Signed out -------------------------------------------------------------------------------


def signed_out_page_after_saving(csrf_app, cast, **options):
    client = signed_in_client(csrf_app, cast)
    token = fresh_token(client, cast)
    sign_out_elsewhere(cast.priya)
    data = reflection_data(cast.prompt(), WORDS, **options)
    response = client.post(save_url(cast, cast.prompt()), data={**data, "csrf_token": token})
    assert response.status_code == 200
    return client, soup_of(response)


def test_signed_out_while_writing_shows_the_words_and_a_sign_in_form(csrf_app, cast):
    client, soup = signed_out_page_after_saving(csrf_app, cast, action="share", lens="personal")
    assert h1(soup) == "You have been signed out"
    kept = soup.find("textarea", attrs={"name": "text"})
    assert kept["id"] == "kept-text"
    assert kept.has_attr("readonly")
    assert kept.get_text() == WORDS
    assert soup.find("button", attrs={"data-copy-target": "kept-text"})
    form = kept.find_parent("form")
    assert form["action"] == "/reflections/resume"
    fields = form_fields(form)
    assert fields["kind"] == "reflection"
    assert fields["prompt_id"] == str(cast.prompt().id)
    assert fields["round_id"] == str(cast.round.id)
    assert fields["lens"] == "personal"
    assert {"email", "password", "csrf_token"} <= fields.keys()
    # Nothing about the inquiry is on the page.
    assert cast.inquiry.question not in soup.text
    assert cast.prompt().text not in soup.text
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0

    # Signing in keeps the words as a draft, never shared, even though "Share" was pressed.
    fields.update(email="priya.shah@example.org", password=PASSWORD)
    response = client.post("/reflections/resume", data=fields)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{session_url(cast)}#prompt-{cast.prompt().id}")
    reflection = own_reflection(cast, cast.priya)
    assert reflection.status == ReflectionStatus.DRAFT
    assert reflection.body == WORDS
    assert reflection.lens.value == "personal"
    assert "user.signed_in" in actions()
    assert actions()[-1] == "reflection.draft_saved"
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.details.get("via") == "sign_in"

    soup = soup_of(client.get(response.headers["Location"]))
    assert DRAFT_KEPT in soup.text
    assert textarea(soup, f"p{cast.prompt().id}-body") == WORDS


def test_a_wrong_password_keeps_the_words(csrf_app, cast):
    client, soup = signed_out_page_after_saving(csrf_app, cast)
    fields = form_fields(soup.find("form", action="/reflections/resume"))
    fields.update(email="priya.shah@example.org", password="not my password")
    response = client.post("/reflections/resume", data=fields)
    assert response.status_code == 200
    soup = soup_of(response)
    assert h1(soup) == "You have been signed out"
    assert error_messages(soup) == ["Enter a correct email address and password"]
    assert textarea(soup, "text") == WORDS
    assert soup.find("input", attrs={"name": "email"})["value"] == "priya.shah@example.org"
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0
    assert "user.sign_in_failed" in actions()

    # And then the right one.
    fields = form_fields(soup.find("form", action="/reflections/resume"))
    fields.update(password=PASSWORD)
    assert client.post("/reflections/resume", data=fields).status_code == 302
    assert own_reflection(cast, cast.priya).body == WORDS


def test_a_browser_whose_session_has_gone_gets_the_words_back_too(csrf_app, cast):
    client = signed_in_client(csrf_app, cast)
    token = fresh_token(client, cast)
    # The session cookie has gone altogether (expired or cleared), so the token no
    # longer matches anything: the form has expired and they are signed out.
    elsewhere = csrf_app.test_client()
    data = reflection_data(cast.prompt(), WORDS)
    response = elsewhere.post(save_url(cast, cast.prompt()), data={**data, "csrf_token": token})
    assert response.status_code == 400
    soup = soup_of(response)
    assert h1(soup) == "You have been signed out"
    assert textarea(soup, "text") == WORDS
    fields = form_fields(soup.find("form", action="/reflections/resume"))
    fields.update(email="priya.shah@example.org", password=PASSWORD)
    response = elsewhere.post("/reflections/resume", data=fields)
    assert response.status_code == 302
    assert own_reflection(cast, cast.priya).status == ReflectionStatus.DRAFT


def test_signed_out_with_nothing_typed_goes_to_the_sign_in_page(csrf_app, cast):
    client = signed_in_client(csrf_app, cast)
    token = fresh_token(client, cast)
    sign_out_elsewhere(cast.priya)
    response = client.post(save_url(cast, cast.prompt()), data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_signing_in_as_someone_who_cannot_write_there_shows_the_words(csrf_app, cast):
    client, soup = signed_out_page_after_saving(csrf_app, cast)
    fields = form_fields(soup.find("form", action="/reflections/resume"))
    fields.update(email="owen.evans@example.org", password=PASSWORD)  # an observer
    response = client.post("/reflections/resume", data=fields)
    assert response.status_code == 200
    soup = soup_of(response)
    assert h1(soup) == "Your text has not been saved"
    assert "Only participants can write" in soup.text
    assert textarea(soup, "unsaved-text") == WORDS
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0


def test_signing_in_after_the_session_closed_shows_the_words(csrf_app, cast):
    client, soup = signed_out_page_after_saving(csrf_app, cast)
    cast.round.status = RoundStatus.CLOSED
    db.session.commit()
    fields = form_fields(soup.find("form", action="/reflections/resume"))
    fields.update(email="priya.shah@example.org", password=PASSWORD)
    soup = soup_of(client.post("/reflections/resume", data=fields))
    assert h1(soup) == "Your text has not been saved"
    assert "This session has closed" in soup.text
    assert textarea(soup, "unsaved-text") == WORDS
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0


def test_signing_in_over_a_shared_reflection_asks_them_to_check_first(csrf_app, cast):
    reflection = Reflection(
        inquiry_id=cast.inquiry.id,
        round_id=cast.round.id,
        prompt_id=cast.prompt().id,
        author_id=cast.membership(cast.priya).id,
        body="Shared earlier.",
        status=ReflectionStatus.SHARED,
    )
    db.session.add(reflection)
    db.session.commit()
    client, soup = signed_out_page_after_saving(csrf_app, cast, revision=1)
    fields = form_fields(soup.find("form", action="/reflections/resume"))
    fields.update(email="priya.shah@example.org", password=PASSWORD)
    response = client.post("/reflections/resume", data=fields)
    assert response.status_code == 200
    soup = soup_of(response)
    assert "Your changes are not saved yet" in soup.text
    assert textarea(soup, f"p{cast.prompt().id}-body") == WORDS
    db.session.refresh(reflection)
    assert reflection.body == "Shared earlier."
    assert reflection.status == ReflectionStatus.SHARED


def test_signed_out_while_replying_puts_the_reply_back_unposted(csrf_app, cast):
    reflection = Reflection(
        inquiry_id=cast.inquiry.id,
        round_id=cast.round.id,
        prompt_id=cast.prompt().id,
        author_id=cast.membership(cast.tom).id,
        body="Weekend cover is thin.",
        status=ReflectionStatus.SHARED,
    )
    db.session.add(reflection)
    db.session.commit()
    client = signed_in_client(csrf_app, cast)
    token = fresh_token(client, cast)
    sign_out_elsewhere(cast.priya)
    response = client.post(
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies",
        data={f"reply-{reflection.id}-body": "Nights too.", "csrf_token": token},
    )
    soup = soup_of(response)
    assert h1(soup) == "You have been signed out"
    fields = form_fields(soup.find("form", action="/reflections/resume"))
    assert fields["kind"] == "reply"
    fields.update(email="priya.shah@example.org", password=PASSWORD)
    response = client.post("/reflections/resume", data=fields)
    assert response.status_code == 200
    soup = soup_of(response)
    assert "Your reply is not posted yet" in soup.text
    assert textarea(soup, f"reply-{reflection.id}-body") == "Nights too."
    assert db.session.scalar(select(func.count()).select_from(ReflectionResponse)) == 0


# Rate limits ------------------------------------------------------------------------------


def test_signing_in_again_shares_the_sign_in_limits_and_keeps_the_words(monkeypatch):
    app = make_app(
        WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, SIGN_IN_FAILURES_PER_ACCOUNT="3 per hour"
    )
    with app.app_context():
        db.create_all()
        try:
            cast = make_cast()
            client, soup = signed_out_page_after_saving(app, cast)
            fields = form_fields(soup.find("form", action="/reflections/resume"))
            # Two failures on the sign-in page itself count against the same account.
            sign_in_token = token_from(soup_of(client.get("/sign-in")))
            for _ in range(2):
                response = client.post(
                    "/sign-in",
                    data={
                        "email": "priya.shah@example.org",
                        "password": "wrong",
                        "csrf_token": sign_in_token,
                    },
                )
                assert response.status_code == 200
            fields.update(email="priya.shah@example.org", password="still wrong")
            assert client.post("/reflections/resume", data=fields).status_code == 200
            response = client.post("/reflections/resume", data=fields)
            assert response.status_code == 429
            soup = soup_of(response)
            assert h1(soup) == "You have been signed out"
            assert "tried to sign in too many times" in soup.text
            assert textarea(soup, "text") == WORDS
            # The sign-in page is refused too.
            response = client.post(
                "/sign-in",
                data={
                    "email": "priya.shah@example.org",
                    "password": PASSWORD,
                    "csrf_token": sign_in_token,
                },
            )
            assert response.status_code == 429
        finally:
            db.session.remove()
            db.drop_all()
