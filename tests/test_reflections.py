"""Taking part in a session: opening and closing it, reflections (drafts, sharing,
lenses, visibility, reveal after submitting), replies, edit history, contributions and
what each member may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from conftest import add_member, error_messages, make_inquiry, make_user, sign_in_as
from flask import g, get_template_attribute, render_template
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event, func, select

from inquiry import contributions
from inquiry.cohort import services as cohort_services
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    ConsentAudience,
    ConsentText,
    Inquiry,
    InquiryMode,
    Lens,
    Membership,
    MembershipStatus,
    Notification,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    Role,
    Round,
    RoundKind,
    RoundPrompt,
    RoundStatus,
    Testimony,
    TestimonyStatus,
    TextVersion,
    User,
    Visibility,
    WithdrawalPolicy,
    utcnow,
)
from inquiry.reflections import services
from inquiry.reflections.forms import ReflectionForm, ReplyForm

WHAT_SURPRISED = "What surprised you in what you heard?"
WHAT_CHANGE = "What would you change first, and why?"


# Set-up -----------------------------------------------------------------------------


@dataclass
class Cast:
    inquiry: Inquiry
    researcher: User
    priya: User  # a district nurse
    tom: User  # a home care worker
    witness: User
    observer: User
    commissioner: User
    round: Round

    def prompt(self, number: int = 1) -> RoundPrompt:
        return self.round.prompts[number - 1]

    def membership(self, user: User) -> Membership:
        return db.session.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.inquiry_id == self.inquiry.id
            )
        )


def add_round(
    inquiry: Inquiry,
    *,
    title: str = "Hearing from people who receive care at home",
    status: RoundStatus = RoundStatus.OPEN,
    prompts: tuple[str, ...] = (WHAT_SURPRISED, WHAT_CHANGE),
    reveal: bool = False,
    position: int = 1,
) -> Round:
    round_ = Round(
        inquiry_id=inquiry.id,
        position=position,
        kind=RoundKind.EVIDENCE_HEARING,
        title=title,
        purpose="Listen to Margaret and Dev.\n\nThen write what stayed with you.",
        status=status,
        reveal_after_submitting=reveal,
        opened_at=utcnow() if status != RoundStatus.PLANNED else None,
        prompts=[RoundPrompt(position=i, text=text) for i, text in enumerate(prompts, start=1)],
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def make_cast(mode: InquiryMode = InquiryMode.STANDARD, **round_options) -> Cast:
    researcher = make_user("rhiannon.price@example.org", name="Rhiannon Price", researcher=True)
    inquiry = make_inquiry(researcher)
    inquiry.mode = mode
    db.session.commit()
    people = {}
    for key, email, name, role in (
        ("priya", "priya.shah@example.org", "Priya Shah", Role.PARTICIPANT),
        ("tom", "tom.okafor@example.org", "Tom Okafor", Role.PARTICIPANT),
        ("witness", "margaret.hughes@example.org", "Margaret Hughes", Role.WITNESS),
        ("observer", "owen.evans@example.org", "Owen Evans", Role.OBSERVER),
        ("commissioner", "carys.jones@example.org", "Carys Jones", Role.COMMISSIONER),
    ):
        user = make_user(email, name=name)
        add_member(inquiry, user, role)
        people[key] = user
    return Cast(
        inquiry=inquiry, researcher=researcher, round=add_round(inquiry, **round_options), **people
    )


@pytest.fixture
def cast(app) -> Cast:
    return make_cast()


@pytest.fixture
def inverted(app) -> Cast:
    return make_cast(InquiryMode.INVERTED)


def session_url(cast: Cast) -> str:
    return f"/inquiries/{cast.inquiry.id}/sessions/{cast.round.id}/take-part"


def save_url(cast: Cast, prompt: RoundPrompt) -> str:
    return f"/inquiries/{cast.inquiry.id}/prompts/{prompt.id}/reflection"


def reflection_data(
    prompt: RoundPrompt,
    body: str,
    *,
    action: str = "draft",
    visibility: str = "cohort",
    lens: str | None = None,
    revision: int = 0,
) -> dict[str, str]:
    prefix = f"p{prompt.id}-"
    data = {
        prefix + "body": body,
        prefix + "visibility": visibility,
        prefix + "revision": str(revision),
        prefix + "action": action,
    }
    if lens:
        data[prefix + "lens"] = lens
    return data


def save(client, cast: Cast, body: str, *, prompt: RoundPrompt | None = None, **options):
    prompt = prompt or cast.prompt()
    return client.post(save_url(cast, prompt), data=reflection_data(prompt, body, **options))


def own_reflection(cast: Cast, user: User, prompt: RoundPrompt | None = None) -> Reflection:
    prompt = prompt or cast.prompt()
    return db.session.scalar(
        select(Reflection).where(
            Reflection.prompt_id == prompt.id,
            Reflection.author_id == cast.membership(user).id,
        )
    )


def share_as(client, cast: Cast, user: User, body: str, **options) -> Reflection:
    sign_in_as(client, user)
    response = save(client, cast, body, action="share", **options)
    assert response.status_code == 302, response.get_data(as_text=True)
    return own_reflection(cast, user, options.get("prompt"))


def page(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, f"GET {url}: {response.status_code}"
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def actions(inquiry: Inquiry) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.inquiry_id == inquiry.id)
            .order_by(AuditEvent.id)
        )
    )


def textarea(soup: BeautifulSoup, name: str) -> str:
    found = soup.find("textarea", attrs={"name": name})
    assert found is not None, f"no textarea {name}"
    return found.get_text()


# Opening, closing and reopening -------------------------------------------------------


def test_researcher_opens_a_planned_session_after_confirming(client_request, app):
    cast = make_cast(status=RoundStatus.PLANNED)
    client_request.login(cast.researcher)
    base = f"/inquiries/{cast.inquiry.id}/sessions/{cast.round.id}"
    soup = client_request.get(base + "/take-part")
    assert "This session has not opened yet" in soup.text
    assert "Open this session" in [text_of(a) for a in soup.find_all("a")]

    confirm = client_request.get(base + "/open")
    assert text_of(confirm.h1) == ("Open session 1: Hearing from people who receive care at home?")
    assert cast.round.status == RoundStatus.PLANNED

    assert client_request.post_redirect(base + "/open").endswith(base + "/take-part")
    db.session.refresh(cast.round)
    assert cast.round.status == RoundStatus.OPEN
    assert cast.round.opened_at is not None
    assert actions(cast.inquiry)[-1] == "round.opened"
    told = db.session.scalars(select(Notification.user_id)).all()
    assert sorted(told) == sorted([cast.priya.id, cast.tom.id])
    assert all(
        "Share your reflections" in n.message for n in db.session.scalars(select(Notification))
    )


def test_closing_makes_the_session_read_only_and_reopening_makes_it_editable(client_request, cast):
    client = client_request.client
    share_as(client, cast, cast.priya, "Margaret's carers changed every week.")
    base = f"/inquiries/{cast.inquiry.id}/sessions/{cast.round.id}"

    client_request.login(cast.researcher)
    confirm = client_request.get(base + "/close")
    assert "will no longer be able to write" in confirm.text
    client_request.post_redirect(base + "/close")
    db.session.refresh(cast.round)
    assert cast.round.status == RoundStatus.CLOSED
    assert cast.round.closed_at is not None

    # Read-only: no forms for the participant, and a save is refused with their words.
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert "Everything in it is now read-only" in soup.text
    assert soup.find("textarea") is None
    assert "Margaret's carers changed every week." in soup.text
    refused = client_request.post(
        save_url(cast, cast.prompt()),
        reflection_data(cast.prompt(), "A late thought about weekends.", action="share"),
    )
    assert text_of(refused.h1) == "Your text has not been saved"
    assert "This session has closed" in refused.text
    assert textarea(refused, "unsaved-text") == "A late thought about weekends."
    assert own_reflection(cast, cast.priya).body == "Margaret's carers changed every week."
    # Empty: just the message, on the session page.
    response = client_request.client.post(save_url(cast, cast.prompt()), data={})
    assert response.status_code == 302

    client_request.login(cast.researcher)
    reopen = client_request.get(base + "/open")
    assert text_of(reopen.h1).startswith("Reopen session 1")
    client_request.post_redirect(base + "/open")
    db.session.refresh(cast.round)
    assert cast.round.status == RoundStatus.OPEN
    assert cast.round.closed_at is None
    assert actions(cast.inquiry)[-2:] == ["round.closed", "round.reopened"]

    client_request.login(cast.priya)
    reflection = own_reflection(cast, cast.priya)
    response = save(
        client_request.client,
        cast,
        "Margaret's carers changed every week, and at weekends nobody came.",
        action="share",
        revision=reflection.revision,
    )
    assert response.status_code == 302
    db.session.refresh(reflection)
    assert reflection.body.endswith("nobody came.")


def test_several_sessions_can_be_open_at_once(client_request, cast):
    second = add_round(cast.inquiry, title="Reflection", status=RoundStatus.PLANNED, position=2)
    client_request.login(cast.researcher)
    client_request.post_redirect(f"/inquiries/{cast.inquiry.id}/sessions/{second.id}/open")
    db.session.refresh(cast.round)
    db.session.refresh(second)
    assert cast.round.status == second.status == RoundStatus.OPEN


def test_opening_an_open_session_or_closing_a_planned_one_changes_nothing(client_request, app):
    cast = make_cast(status=RoundStatus.PLANNED)
    client_request.login(cast.researcher)
    base = f"/inquiries/{cast.inquiry.id}/sessions/{cast.round.id}"
    client_request.post_redirect(base + "/close")
    assert cast.round.status == RoundStatus.PLANNED
    client_request.post_redirect(base + "/open")
    client_request.post_redirect(base + "/open")
    assert actions(cast.inquiry).count("round.opened") == 1
    soup = client_request.get(session_url(cast))
    assert "Close this session" in soup.text


def test_reveal_after_submitting_setting(client_request, cast):
    client_request.login(cast.researcher)
    url = f"/inquiries/{cast.inquiry.id}/sessions/{cast.round.id}/settings"
    client_request.post_redirect(url, {"reveal_after_submitting": "y"})
    db.session.refresh(cast.round)
    assert cast.round.reveal_after_submitting is True
    soup = client_request.get(session_url(cast))
    assert soup.find("input", attrs={"name": "reveal_after_submitting"}).has_attr("checked")
    client_request.post_redirect(url, {})
    db.session.refresh(cast.round)
    assert cast.round.reveal_after_submitting is False
    assert actions(cast.inquiry).count("round.settings_changed") == 2


def test_only_researchers_run_sessions(client_request, cast):
    base = f"/inquiries/{cast.inquiry.id}/sessions/{cast.round.id}"
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert "Running this session" not in soup.text
    assert client_request.client.post(base + "/close").status_code == 403
    assert cast.round.status == RoundStatus.OPEN


# Drafts and sharing --------------------------------------------------------------------


def test_a_draft_is_saved_on_the_server_and_seen_by_its_author_only(client_request, cast):
    client = client_request.client
    sign_in_as(client, cast.priya)
    response = save(client, cast, "I had not thought about night-time calls before.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#prompt-{cast.prompt().id}")
    reflection = own_reflection(cast, cast.priya)
    assert reflection.status == ReflectionStatus.DRAFT
    assert reflection.shared_at is None
    assert reflection.revision == 1
    assert actions(cast.inquiry)[-1] == "reflection.draft_saved"

    # Closing the tab loses nothing: a new browser session finds the draft.
    fresh = client_request.client.application.test_client()
    sign_in_as(fresh, cast.priya)
    soup = page(fresh, session_url(cast))
    assert textarea(soup, f"p{cast.prompt().id}-body") == (
        "I had not thought about night-time calls before."
    )
    assert "Draft, saved" in soup.text

    for user in (cast.tom, cast.researcher, cast.observer):
        sign_in_as(client, user)
        assert "night-time calls" not in client.get(session_url(cast)).get_data(as_text=True)


def test_sharing_with_the_cohort(client_request, cast):
    client = client_request.client
    reflection = share_as(client, cast, cast.priya, "Continuity matters more than speed.")
    assert reflection.status == ReflectionStatus.SHARED
    assert reflection.shared_at is not None
    assert reflection.visibility == Visibility.COHORT
    assert reflection.lens is None
    assert "reflection.shared" in actions(cast.inquiry)

    client_request.login(cast.tom)
    soup = client_request.get(session_url(cast))
    item = soup.find(id=f"reflection-{reflection.id}")
    assert "Priya Shah" in item.text
    assert "Continuity matters more than speed." in item.text
    assert item.find("textarea", attrs={"name": f"reply-{reflection.id}-body"})
    # The researcher reads it too, with a link to its history.
    client_request.login(cast.researcher)
    soup = client_request.get(session_url(cast))
    assert "Continuity matters more than speed." in soup.text
    assert soup.find("a", href=f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/history")


def test_sharing_a_draft_later_and_changing_a_shared_reflection(client_request, cast):
    client = client_request.client
    sign_in_as(client, cast.priya)
    save(client, cast, "First thoughts")
    draft = own_reflection(cast, cast.priya)
    save(client, cast, "First thoughts, tidied", action="share", revision=draft.revision)
    db.session.refresh(draft)
    assert draft.status == ReflectionStatus.SHARED
    assert draft.revision == 2
    soup = page(client, session_url(cast))
    form = soup.find("form", action=save_url(cast, cast.prompt()))
    buttons = [text_of(b) for b in form.find_all("button")]
    assert buttons == ["Save changes"]
    # A shared reflection cannot quietly become a draft again.
    response = save(client, cast, "Hidden again?", action="draft", revision=draft.revision)
    assert response.status_code == 200
    db.session.refresh(draft)
    assert draft.status == ReflectionStatus.SHARED
    assert draft.body == "First thoughts, tidied"


def test_researchers_only_reflections_are_never_shown_to_anyone_else(client_request, cast):
    client = client_request.client
    secret = "My own mum refused carers for a year."
    reflection = share_as(client, cast, cast.priya, secret, visibility="researchers")
    sign_in_as(client, cast.tom)
    save(client, cast, "Weekend cover is thin.", action="share")
    tom_reflection = own_reflection(cast, cast.tom)
    reply = ReflectionResponse(
        reflection_id=tom_reflection.id, author_id=cast.membership(cast.priya).id, body="Agreed."
    )
    db.session.add(reply)
    db.session.commit()

    pages = [
        session_url(cast),
        f"/inquiries/{cast.inquiry.id}/sessions",
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/history",
        f"/inquiries/{cast.inquiry.id}/replies/{reply.id}/edit",
    ]
    for user in (cast.tom, cast.witness, cast.observer, cast.commissioner):
        sign_in_as(client, user)
        for url in pages:
            assert secret not in client.get(url).get_data(as_text=True), (user.name, url)
        # Replying to it is refused as if it did not exist.
        response = client.post(
            f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies",
            data={f"reply-{reflection.id}-body": "Tell me more"},
        )
        assert response.status_code in (403, 404)
        assert secret not in response.get_data(as_text=True)

    sign_in_as(client, cast.researcher)
    soup = page(client, session_url(cast))
    item = soup.find(id=f"reflection-{reflection.id}")
    assert secret in item.text
    assert "Seen by researchers only" in item.text
    # Its author sees it, marked as such.
    sign_in_as(client, cast.priya)
    assert secret in client.get(session_url(cast)).get_data(as_text=True)


def test_witnesses_commissioners_and_observers_see_the_session_but_not_reflections(
    client_request, cast
):
    share_as(client_request.client, cast, cast.priya, "Hospital discharge felt rushed.")
    for user in (cast.witness, cast.observer, cast.commissioner):
        client_request.login(user)
        soup = client_request.get(session_url(cast))
        assert WHAT_SURPRISED in soup.text
        assert "Listen to Margaret and Dev." in soup.text
        assert "Hospital discharge felt rushed." not in soup.text
        assert soup.find("textarea") is None
        assert "read by the cohort and the researchers only" in soup.text


def test_participants_need_text_and_a_choice_of_who_reads_it(client_request, cast):
    client_request.login(cast.priya)
    soup = client_request.post(save_url(cast, cast.prompt()), {}, expected_status=200)
    assert error_messages(soup) == ["Enter your reflection", "Select who can read your reflection"]
    assert own_reflection(cast, cast.priya) is None


def test_a_reflection_over_ten_thousand_characters_is_refused_and_kept(client_request, cast):
    client_request.login(cast.priya)
    long_text = "Care at home. " * 800  # 11,200 characters
    soup = client_request.post(
        save_url(cast, cast.prompt()), reflection_data(cast.prompt(), long_text)
    )
    assert error_messages(soup) == ["Your reflection must be 10,000 characters or fewer"]
    assert textarea(soup, f"p{cast.prompt().id}-body") == long_text.strip()
    assert soup.title.text.startswith("Error: ")
    assert own_reflection(cast, cast.priya) is None


def test_prompts_and_reflections_must_belong_to_the_inquiry(client_request, cast):
    other = make_inquiry(cast.researcher, title="Another inquiry")
    add_member(other, cast.priya, Role.PARTICIPANT)
    elsewhere = add_round(other, title="Elsewhere")
    client_request.login(cast.priya)
    response = client_request.client.post(
        f"/inquiries/{cast.inquiry.id}/prompts/{elsewhere.prompts[0].id}/reflection",
        data=reflection_data(elsewhere.prompts[0], "Wrong place"),
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0


# Lenses -------------------------------------------------------------------------------


def test_inverted_inquiry_asks_for_a_lens_when_sharing(client_request, inverted):
    cast = inverted
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert "Writing as a professional and as a person" in soup.text
    assert "Both matter here" in soup.text
    radios = soup.find_all("input", attrs={"name": f"p{cast.prompt().id}-lens"})
    assert [r["value"] for r in radios] == ["professional", "personal"]
    labels = [text_of(soup.find("label", attrs={"for": r["id"]})) for r in radios]
    assert labels == ["As a professional", "As a person"]

    text = "As a daughter, I know the fear of the first night home."
    soup = client_request.post(
        save_url(cast, cast.prompt()), reflection_data(cast.prompt(), text, action="share")
    )
    assert error_messages(soup) == [
        "Select whether you are writing as a professional or as a person"
    ]
    assert textarea(soup, f"p{cast.prompt().id}-body") == text
    assert own_reflection(cast, cast.priya) is None

    # A draft does not need one yet.
    client_request.post_redirect(
        save_url(cast, cast.prompt()), reflection_data(cast.prompt(), text)
    )
    draft = own_reflection(cast, cast.priya)
    client_request.post_redirect(
        save_url(cast, cast.prompt()),
        reflection_data(cast.prompt(), text, action="share", lens="personal", revision=1),
    )
    db.session.refresh(draft)
    assert draft.status == ReflectionStatus.SHARED
    assert draft.lens == Lens.PERSONAL

    client_request.login(cast.tom)
    soup = client_request.get(session_url(cast))
    assert "As a person" in soup.find(id=f"reflection-{draft.id}").text


def test_standard_inquiry_has_no_lens(client_request, cast):
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert soup.find("input", attrs={"name": f"p{cast.prompt().id}-lens"}) is None
    assert "Writing as a professional and as a person" not in soup.text
    client_request.post_redirect(
        save_url(cast, cast.prompt()),
        reflection_data(cast.prompt(), "A thought", action="share", lens="professional"),
    )
    assert own_reflection(cast, cast.priya).lens is None


# Reveal after submitting -----------------------------------------------------------------


def test_reveal_after_submitting_holds_back_others_until_you_share_on_that_prompt(
    client_request, app
):
    cast = make_cast(reveal=True)
    client = client_request.client
    first = share_as(client, cast, cast.priya, "Families do the invisible work.")
    second = share_as(client, cast, cast.priya, "Fund the handover visits.", prompt=cast.prompt(2))

    client_request.login(cast.tom)
    soup = client_request.get(session_url(cast))
    assert "Families do the invisible work." not in soup.text
    assert "Fund the handover visits." not in soup.text
    assert "once you have shared your own reflection on it" in soup.text
    # Replying is refused while it is held back.
    response = client.post(
        f"/inquiries/{cast.inquiry.id}/reflections/{first.id}/replies",
        data={f"reply-{first.id}-body": "Yes"},
    )
    assert response.status_code == 404

    # A draft is not enough.
    save(client, cast, "Still thinking")
    assert "Families do the invisible work." not in client.get(session_url(cast)).get_data(
        as_text=True
    )
    save(client, cast, "Still thinking, but yes: carers.", action="share", revision=1)
    soup = page(client, session_url(cast))
    assert "Families do the invisible work." in soup.find(id=f"prompt-{cast.prompt().id}").text
    # Only for that prompt.
    assert "Fund the handover visits." not in soup.text
    assert second.id

    # Researchers are never held back.
    client_request.login(cast.researcher)
    soup = client_request.get(session_url(cast))
    assert "Fund the handover visits." in soup.text


# Replies --------------------------------------------------------------------------------


def test_replying_to_a_shared_reflection(client_request, cast):
    client = client_request.client
    reflection = share_as(client, cast, cast.priya, "Nobody owns the first week home.")
    client_request.login(cast.tom)
    url = f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies"
    location = client_request.post_redirect(
        url, {f"reply-{reflection.id}-body": "The reablement team could."}
    )
    reply = db.session.scalar(select(ReflectionResponse))
    assert location.endswith(f"#reply-{reply.id}")
    assert reply.author_id == cast.membership(cast.tom).id
    assert "reply.posted" in actions(cast.inquiry)
    note = db.session.scalar(select(Notification).where(Notification.user_id == cast.priya.id))
    assert note.message.startswith("Tom Okafor replied to your reflection")
    assert "reablement" not in note.message

    soup = client_request.get(session_url(cast))
    item = soup.find(id=f"reply-{reply.id}")
    assert "Tom Okafor" in item.text
    assert "The reablement team could." in item.text
    assert [text_of(a) for a in item.find_all("a")] == ["Change your reply to Priya Shah"]

    # The author sees the reply under their own reflection and can answer it.
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert "The reablement team could." in soup.find(id=f"reflection-{reflection.id}").text
    assert soup.find("textarea", attrs={"name": f"reply-{reflection.id}-body"})


def test_reply_needs_text_and_at_most_two_thousand_characters(client_request, cast):
    reflection = share_as(client_request.client, cast, cast.priya, "Trust takes time.")
    client_request.login(cast.tom)
    url = f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies"
    soup = client_request.post(url, {})
    assert error_messages(soup) == ["Enter your reply"]
    long_reply = "Yes, " * 450
    soup = client_request.post(url, {f"reply-{reflection.id}-body": long_reply})
    assert error_messages(soup) == ["Your reply must be 2,000 characters or fewer"]
    assert textarea(soup, f"reply-{reflection.id}-body") == long_reply.strip()
    assert db.session.scalar(select(func.count()).select_from(ReflectionResponse)) == 0


def test_no_replies_to_drafts(client_request, cast):
    sign_in_as(client_request.client, cast.priya)
    save(client_request.client, cast, "Not ready yet")
    draft = own_reflection(cast, cast.priya)
    client_request.login(cast.tom)
    response = client_request.client.post(
        f"/inquiries/{cast.inquiry.id}/reflections/{draft.id}/replies",
        data={f"reply-{draft.id}-body": "Hello"},
    )
    assert response.status_code == 404


def test_editing_a_reply_keeps_the_earlier_wording(client_request, cast):
    reflection = share_as(client_request.client, cast, cast.priya, "Trust takes time.")
    client_request.login(cast.tom)
    client_request.post_redirect(
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies",
        {f"reply-{reflection.id}-body": "It took me years."},
    )
    reply = db.session.scalar(select(ReflectionResponse))
    url = f"/inquiries/{cast.inquiry.id}/replies/{reply.id}/edit"
    soup = client_request.get(url)
    assert textarea(soup, "body") == "It took me years."
    client_request.post_redirect(url, {"body": "It took me months.", "revision": "1"})
    db.session.refresh(reply)
    assert reply.body == "It took me months."
    assert reply.revision == 2
    version = db.session.scalar(select(TextVersion))
    assert (version.object_type, version.object_id, version.revision, version.body) == (
        "response",
        reply.id,
        1,
        "It took me years.",
    )
    assert "reply.updated" in actions(cast.inquiry)

    # Nobody else may change it; the researcher is not a writer at all.
    client_request.login(cast.priya)
    assert client_request.client.post(url, data={"body": "Changed"}).status_code == 403
    client_request.login(cast.researcher)
    assert client_request.client.get(url).status_code == 403

    # Not once the session has closed.
    cast.round.status = RoundStatus.CLOSED
    db.session.commit()
    client_request.login(cast.tom)
    soup = client_request.post(url, {"body": "One more change", "revision": "2"})
    assert text_of(soup.h1) == "Your text has not been saved"
    assert textarea(soup, "unsaved-text") == "One more change"
    db.session.refresh(reply)
    assert reply.body == "It took me months."


# Pages of shared reflections ------------------------------------------------------------


def add_shared_reflections(cast: Cast, prompt: RoundPrompt, count: int) -> list[Reflection]:
    """``count`` more participants' reflections shared on the prompt, oldest first."""
    first = utcnow() - timedelta(days=1)
    reflections = []
    for n in range(count):
        user = make_user(f"person{prompt.id}.{n}@example.org", name=f"Person {prompt.id}.{n}")
        membership = add_member(cast.inquiry, user, Role.PARTICIPANT)
        reflection = Reflection(
            inquiry_id=cast.inquiry.id,
            round_id=cast.round.id,
            prompt_id=prompt.id,
            author_id=membership.id,
            body=f"Thought {n} on prompt {prompt.position}",
            status=ReflectionStatus.SHARED,
            shared_at=first + timedelta(minutes=n),
        )
        db.session.add(reflection)
        reflections.append(reflection)
    db.session.commit()
    return reflections


def shared_on(soup: BeautifulSoup, prompt: RoundPrompt) -> list[str]:
    section = soup.find(id=f"prompt-{prompt.id}")
    return [
        text_of(item.find("p", class_="govuk-body")) for item in section.select(".app-reflection")
    ]


def pages_of(soup: BeautifulSoup, prompt: RoundPrompt) -> dict[str, str] | None:
    nav = soup.find(id=f"prompt-{prompt.id}").find("nav", class_="govuk-pagination")
    if nav is None:
        return None
    return {a.get("aria-label") or text_of(a): a["href"] for a in nav.find_all("a")}


def test_shared_reflections_come_twenty_at_a_time_newest_first(client_request, cast):
    first, second = cast.prompt(1), cast.prompt(2)
    own = share_as(client_request.client, cast, cast.priya, "My own view, always shown.")
    add_shared_reflections(cast, first, 45)
    add_shared_reflections(cast, second, 25)
    client_request.login(cast.priya)
    base = session_url(cast)
    arg_1, arg_2 = f"prompt-{first.id}-page", f"prompt-{second.id}-page"

    soup = client_request.get(base)
    assert shared_on(soup, first) == [f"Thought {n} on prompt 1" for n in range(44, 24, -1)]
    section = soup.find(id=f"prompt-{first.id}")
    assert "Page 1 of 3: 1 to 20 of 45 reflections, the most recently shared first." in text_of(
        section
    )
    nav = section.find("nav", class_="govuk-pagination")
    assert nav["aria-label"] == "Pages of the reflections shared on prompt 1"
    assert nav.find("a", attrs={"aria-current": "page"})["aria-label"] == "Page 1"
    assert pages_of(soup, first) == {
        "Page 1": f"{base}#prompt-{first.id}-shared",
        "Page 2": f"{base}?{arg_1}=2#prompt-{first.id}-shared",
        "Page 3": f"{base}?{arg_1}=3#prompt-{first.id}-shared",
        "Next page": f"{base}?{arg_1}=2#prompt-{first.id}-shared",
    }
    # Their own reflection is in its form on every page, never in the list.
    assert textarea(soup, f"p{first.id}-body") == "My own view, always shown."
    assert soup.find(id=f"reflection-{own.id}") is not None

    # Each prompt has its own pages, and a link keeps the page shown for the others.
    soup = client_request.get(f"{base}?{arg_1}=3&{arg_2}=2")
    assert shared_on(soup, first) == [f"Thought {n} on prompt 1" for n in range(4, -1, -1)]
    assert shared_on(soup, second) == [f"Thought {n} on prompt 2" for n in range(4, -1, -1)]
    assert "Page 3 of 3: 41 to 45 of 45 reflections" in text_of(soup.find(id=f"prompt-{first.id}"))
    assert pages_of(soup, first)["Previous page"] == (
        f"{base}?{arg_1}=2&{arg_2}=2#prompt-{first.id}-shared"
    )
    assert "Next page" not in pages_of(soup, first)
    assert pages_of(soup, second)["Page 1"] == f"{base}?{arg_1}=3#prompt-{second.id}-shared"
    assert textarea(soup, f"p{first.id}-body") == "My own view, always shown."

    # A page past the end shows the last page; anything else, the first.
    assert shared_on(client_request.get(f"{base}?{arg_1}=99"), first)[0] == "Thought 4 on prompt 1"
    for value in ("0", "two", "-1", "²", "9" * 30):
        soup = client_request.get(f"{base}?{arg_1}={value}")
        assert shared_on(soup, first)[0] == "Thought 44 on prompt 1", value

    # Researchers read every shared reflection the same way.
    client_request.login(cast.researcher)
    soup = client_request.get(base)
    assert len(shared_on(soup, first)) == 20
    assert "1 to 20 of 46 reflections" in text_of(soup.find(id=f"prompt-{first.id}"))


def test_a_few_shared_reflections_need_no_pages(client_request, cast):
    add_shared_reflections(cast, cast.prompt(), 20)
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert len(shared_on(soup, cast.prompt())) == 20
    assert soup.find("nav", class_="govuk-pagination") is None
    assert "Page 1 of" not in soup.text


def test_replies_on_a_later_page_come_back_to_that_page(client_request, cast):
    prompt = cast.prompt()
    oldest, *_ = add_shared_reflections(cast, prompt, 25)
    client_request.login(cast.priya)
    url = f"/inquiries/{cast.inquiry.id}/reflections/{oldest.id}/replies"
    field = f"reply-{oldest.id}-body"
    on_page_2 = f"{session_url(cast)}?prompt-{prompt.id}-page=2"

    # Nothing typed: the page that holds the reflection, with the error on its form.
    soup = client_request.post(url, {})
    assert error_messages(soup) == ["Enter your reply"]
    assert "Page 2 of 2" in text_of(soup.find(id=f"prompt-{prompt.id}"))
    assert soup.find(id=f"reflection-{oldest.id}").find("details").has_attr("open")
    assert pages_of(soup, prompt)["Page 1"] == f"{session_url(cast)}#prompt-{prompt.id}-shared"

    location = client_request.post_redirect(url, {field: "Same here."})
    reply = db.session.scalar(select(ReflectionResponse))
    assert location.endswith(f"{on_page_2}#reply-{reply.id}")
    assert "Same here." in text_of(client_request.get(on_page_2).find(id=f"reply-{reply.id}"))

    edit = f"/inquiries/{cast.inquiry.id}/replies/{reply.id}/edit"
    location = client_request.post_redirect(edit, {"body": "Same here, mostly.", "revision": "1"})
    assert location.endswith(f"{on_page_2}#reply-{reply.id}")


def _tidy(html: str) -> str:
    """Markup without the whitespace between and inside tags that no reader sees."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html).strip()


def test_reply_forms_written_in_the_page_match_the_reply_form(app):
    """Blank reply forms are written straight into the session page: they must stay
    exactly what ReplyForm renders, CSRF token included."""
    replies = get_template_attribute("reflections/_macros.html", "replies")
    item = services.ReflectionItem(
        id=7,
        prompt_id=1,
        author_id=2,
        author="Priya <Shah>",
        body="",
        body_html=Markup(""),
        lens=None,
        visibility=Visibility.COHORT,
        status=ReflectionStatus.SHARED,
        revision=1,
        shared_at=utcnow(),
        updated_at=utcnow(),
    )
    inquiry = Inquiry(id=3)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_request_context("/"):
            token = generate_csrf()
            form = ReplyForm(formdata=None, prefix="reply-7")
            written = replies(inquiry, item, None, True, None, token)
            rendered = replies(inquiry, item, None, True, form, token)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert 'name="reply-7-csrf_token"' in written
    assert "Priya &lt;Shah&gt;" in written
    assert _tidy(written) == _tidy(rendered)


@pytest.mark.parametrize(
    ("data", "lens_hint"),
    [
        ({}, None),
        ({"body": "Line <one> & two\n\nThree", "visibility": "researchers"}, None),
        ({"body": "Mine", "lens": "personal", "visibility": "cohort"}, "Choose one."),
        ({"lens": "professional", "visibility": "researchers"}, "Choose one."),
    ],
)
def test_reflection_fields_written_in_the_page_match_the_widgets(app, data, lens_hint):
    fields = get_template_attribute("reflections/_macros.html", "reflection_fields")
    hint = "Write as much or as little as you like."
    with app.test_request_context("/"):
        form = ReflectionForm(formdata=None, prefix="p4", data=data)
        written = str(fields(form, hint, lens_hint))
        rendered = str(
            form.body(
                params={
                    "label": {"text": "Your reflection", "classes": "govuk-label--s"},
                    "rows": 8,
                    "hint": {"text": hint},
                }
            )
        )
        if lens_hint:
            rendered += str(form.lens(params={"hint": {"text": lens_hint}}))
        rendered += str(form.visibility())
    assert _tidy(written) == _tidy(rendered)
    # The text as typed, line breaks and all.
    texts = [BeautifulSoup(html, "html.parser").textarea.get_text() for html in (written, rendered)]
    assert texts[0] == texts[1] == data.get("body", "")


def test_pages_of_shared_reflections_match_the_pagination_component(app):
    ours = get_template_attribute("reflections/_macros.html", "pagination_nav")
    theirs = get_template_attribute(
        "govuk_frontend_jinja/components/pagination/macro.html", "govukPagination"
    )
    with app.test_request_context("/"):
        for page, pages in ((1, 2), (2, 3), (5, 9), (9, 9)):
            items = []
            for number in range(1, pages + 1):
                if number in (1, pages) or abs(number - page) <= 1:
                    items.append(
                        {"number": number, "href": f"?p={number}", "current": number == page}
                    )
                elif not items[-1].get("ellipsis"):
                    items.append({"ellipsis": True})
            params = {
                "landmarkLabel": "Pages of the reflections shared on prompt 1",
                "previous": {"href": f"?p={page - 1}"} if page > 1 else None,
                "next": {"href": f"?p={page + 1}"} if page < pages else None,
                "items": items,
            }
            assert _tidy(ours(params)) == _tidy(theirs(params)), (page, pages)


# History ---------------------------------------------------------------------------------


def test_edits_keep_earlier_versions_for_researchers_only(client_request, cast):
    client = client_request.client
    reflection = share_as(client, cast, cast.priya, "Version one.")
    save(client, cast, "Version two.", action="share", revision=1)
    save(client, cast, "Version two.", action="share", revision=2, visibility="researchers")
    save(client, cast, "Version three.", action="share", revision=3, visibility="researchers")
    db.session.refresh(reflection)
    assert reflection.revision == 4
    versions = db.session.scalars(
        select(TextVersion).where(TextVersion.object_type == "reflection").order_by(TextVersion.id)
    ).all()
    # A save that only changed who can read it kept no text version.
    assert [(v.revision, v.body) for v in versions] == [(1, "Version one."), (3, "Version two.")]

    url = f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/history"
    client_request.login(cast.researcher)
    soup = client_request.get(url)
    assert text_of(soup.h1) == "Earlier versions of a reflection"
    items = soup.select("#main-content ol.app-versions > li")
    assert [text_of(li.h3) for li in items] == [
        "Version 3 (current)",
        "Version 2",
        "Version 1",
    ]
    assert "Version three." in items[0].text
    assert "Version one." in items[2].text
    assert " at " in items[1].text and "replaced" in items[1].text

    for user in (cast.priya, cast.tom, cast.observer):
        sign_in_as(client, user)
        assert client.get(url).status_code == 403
    # Drafts have no history page even for researchers.
    sign_in_as(client, cast.tom)
    save(client, cast, "Tom's private draft")
    draft = own_reflection(cast, cast.tom)
    sign_in_as(client, cast.researcher)
    assert client.get(
        f"/inquiries/{cast.inquiry.id}/reflections/{draft.id}/history"
    ).status_code == (404)


# Escaping -------------------------------------------------------------------------------


def test_html_in_reflections_and_replies_is_shown_as_text(client_request, cast):
    nasty = '<script>alert("hi")</script><b>bold</b>'
    reflection = share_as(client_request.client, cast, cast.priya, nasty)
    client_request.login(cast.tom)
    client_request.post_redirect(
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies",
        {f"reply-{reflection.id}-body": "<img src=x onerror=alert(1)>"},
    )
    save(client_request.client, cast, nasty + " too", action="share")
    for user, url in (
        (cast.tom, session_url(cast)),
        (cast.researcher, session_url(cast)),
        (cast.researcher, f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/history"),
    ):
        client_request.login(user)
        html = client_request.client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<b>bold</b>" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in html


# The session page ---------------------------------------------------------------------------


def test_the_session_page_shows_purpose_prompts_and_approved_testimony(client_request, cast):
    witness = cast.membership(cast.witness)
    witness.display_name = "Margaret H"
    db.session.add_all(
        [
            Testimony(
                inquiry_id=cast.inquiry.id,
                round_id=cast.round.id,
                witness_id=witness.id,
                title="Forty visits a month",
                body="The carers were kind.\n\nBut I never knew <who> was coming.",
                status=TestimonyStatus.APPROVED,
            ),
            Testimony(
                inquiry_id=cast.inquiry.id,
                round_id=cast.round.id,
                witness_id=witness.id,
                title="Still with the witness",
                body="Not approved yet",
                status=TestimonyStatus.AWAITING_REVIEW,
            ),
        ]
    )
    db.session.commit()
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert text_of(soup.h1) == "Session 1: Hearing from people who receive care at home"
    assert "Listen to Margaret and Dev." in soup.text
    headings = [text_of(h) for h in soup.select("section.app-prompt h2")]
    assert headings == [f"Prompt 1: {WHAT_SURPRISED}", f"Prompt 2: {WHAT_CHANGE}"]
    testimony = soup.select_one(".app-testimony")
    assert "Forty visits a month" in testimony.text
    assert "From Margaret H" in testimony.text
    paragraphs = [text_of(p) for p in testimony.select("p.govuk-body")]
    assert paragraphs == ["The carers were kind.", "But I never knew <who> was coming."]
    assert "Still with the witness" not in soup.text
    assert "Nobody else has shared a reflection on this prompt yet." in soup.text
    # One form per prompt, with both buttons.
    for prompt in cast.round.prompts:
        form = soup.find("form", action=save_url(cast, prompt))
        assert [text_of(b) for b in form.find_all("button")] == ["Share", "Save draft"]


def test_session_page_empty_states(client_request, app):
    cast = make_cast(prompts=())
    client_request.login(cast.priya)
    soup = client_request.get(session_url(cast))
    assert "No testimony has been shared for this session yet." in soup.text
    assert "This session has no prompts" in soup.text


def test_session_link_partial(app, cast):
    def link_for(user: User, status: RoundStatus) -> str:
        cast.round.status = status
        with app.test_request_context():
            login_user(user)
            g.membership = cast.membership(user)
            html = render_template(
                "reflections/_session_link.html", inquiry=cast.inquiry, round=cast.round
            )
        soup = BeautifulSoup(html, "html.parser")
        assert soup.a["href"] == session_url(cast)
        return text_of(soup)

    assert link_for(cast.priya, RoundStatus.OPEN).startswith("Status: Open Take part")
    assert "Read the reflections" in link_for(cast.priya, RoundStatus.CLOSED)
    assert "Read the reflections" in link_for(cast.researcher, RoundStatus.OPEN)
    assert "See the session" in link_for(cast.observer, RoundStatus.OPEN)
    assert "See the session" in link_for(cast.priya, RoundStatus.PLANNED)


# Contributions and withdrawal -------------------------------------------------------------


def test_contributions_are_counted_per_session_and_member(client_request, cast):
    client = client_request.client
    reflection = share_as(client, cast, cast.priya, "One")
    share_as(client, cast, cast.priya, "Two", prompt=cast.prompt(2))
    sign_in_as(client, cast.tom)
    client.post(
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies",
        data={f"reply-{reflection.id}-body": "Reply"},
    )
    assert contributions.in_round(db.session, cast.round) == {"reflections": 2, "reply": 1}
    assert contributions.by_member(db.session, cast.membership(cast.priya)) == {"reflections": 2}
    assert contributions.by_member(db.session, cast.membership(cast.tom)) == {"reply": 1}
    # A session with reflections cannot be deleted.
    client_request.login(cast.researcher)
    soup = client_request.get(f"/inquiries/{cast.inquiry.id}/sessions/{cast.round.id}/delete")
    assert "2 reflections and 1 reply" in soup.text


def test_withdrawal_with_remove_erases_reflections_replies_and_versions(client_request, cast):
    cast.inquiry.withdrawal_policy = WithdrawalPolicy.REMOVE
    db.session.commit()
    client = client_request.client
    priya = share_as(client, cast, cast.priya, "Mine")
    save(client, cast, "Mine, changed", action="share", revision=1)
    tom = share_as(client, cast, cast.tom, "Tom's")
    for author, target in ((cast.tom, priya), (cast.priya, tom)):
        sign_in_as(client, author)
        client.post(
            f"/inquiries/{cast.inquiry.id}/reflections/{target.id}/replies",
            data={f"reply-{target.id}-body": f"Reply from {author.name}"},
        )
    reply_by_priya = db.session.scalar(
        select(ReflectionResponse).where(ReflectionResponse.reflection_id == tom.id)
    )
    client.post(
        f"/inquiries/{cast.inquiry.id}/replies/{reply_by_priya.id}/edit",
        data={"body": "Reply from Priya, changed", "revision": "1"},
    )
    assert db.session.scalar(select(func.count()).select_from(TextVersion)) == 2

    membership = cast.membership(cast.priya)
    cohort_services.withdraw(db.session, membership, actor=cast.priya, now=utcnow())
    db.session.commit()
    assert db.session.scalars(select(Reflection.body)).all() == ["Tom's"]
    assert db.session.scalar(select(func.count()).select_from(ReflectionResponse)) == 0
    assert db.session.scalar(select(func.count()).select_from(TextVersion)) == 0


def test_withdrawn_authors_are_shown_as_a_former_participant(client_request, cast):
    assert cast.inquiry.withdrawal_policy == WithdrawalPolicy.KEEP_ANONYMISED
    reflection = share_as(client_request.client, cast, cast.priya, "Keep me, not my name.")
    membership = cast.membership(cast.priya)
    cohort_services.withdraw(db.session, membership, actor=cast.priya, now=utcnow())
    db.session.commit()
    assert membership.status == MembershipStatus.WITHDRAWN
    for user in (cast.tom, cast.researcher):
        client_request.login(user)
        item = client_request.get(session_url(cast)).find(id=f"reflection-{reflection.id}")
        assert "A former participant" in item.text
        assert "Priya" not in item.text
    assert services.author_name(membership) == "A former participant"


# Services ---------------------------------------------------------------------------------


def test_two_saves_from_the_same_revision_cannot_both_succeed(app, cast):
    membership = cast.membership(cast.priya)

    def attempt(body: str, revision: int) -> services.Saved:
        return services.save_reflection(
            db.session,
            inquiry=cast.inquiry,
            prompt=cast.prompt(),
            author=membership,
            actor=cast.priya,
            body=body,
            lens=None,
            visibility=Visibility.COHORT,
            share=False,
            expected_revision=revision,
            now=utcnow(),
        )

    assert attempt("First", 0).outcome == "draft"
    db.session.commit()
    assert attempt("Second", 1).reflection.revision == 2
    db.session.commit()
    with pytest.raises(services.ChangedElsewhere) as caught:
        attempt("Third, from an old window", 1)
    db.session.rollback()
    assert caught.value.current.body == "Second"
    assert attempt("Second", 1).outcome == "unchanged"


def test_paragraphs():
    assert services.paragraphs("One\ntwo\n\n\nThree\r\n") == [["One", "two"], ["Three"]]
    assert services.paragraphs("") == []
    assert services.paragraphs(None) == []


def test_the_session_page_uses_a_fixed_number_of_queries(client_request, cast):
    def queries_for(user: User) -> int:
        sign_in_as(client_request.client, user)
        client_request.client.get(session_url(cast))
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client_request.client.get(session_url(cast)).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add_participant_with_reflection(number: int) -> None:
        user = make_user(f"participant{number}@example.org", name=f"Participant {number}")
        membership = add_member(cast.inquiry, user, Role.PARTICIPANT)
        for prompt in cast.round.prompts:
            reflection = Reflection(
                inquiry_id=cast.inquiry.id,
                round_id=cast.round.id,
                prompt_id=prompt.id,
                author_id=membership.id,
                body=f"Thoughts from participant {number}",
                status=ReflectionStatus.SHARED,
                shared_at=utcnow(),
            )
            db.session.add(reflection)
            db.session.flush()
            db.session.add(
                ReflectionResponse(
                    reflection_id=reflection.id,
                    author_id=cast.membership(cast.tom).id,
                    body="A reply",
                )
            )
        db.session.commit()

    add_participant_with_reflection(1)
    small = {user.id: queries_for(user) for user in (cast.priya, cast.researcher)}
    for number in range(2, 8):
        add_participant_with_reflection(number)
    large = {user.id: queries_for(user) for user in (cast.priya, cast.researcher)}
    assert small == large


def test_a_participant_asked_to_agree_first_keeps_their_words(client_request, cast):
    reflection = share_as(client_request.client, cast, cast.tom, "Weekend cover is thin.")
    db.session.add(
        ConsentText(
            inquiry_id=cast.inquiry.id,
            audience=ConsentAudience.PARTICIPANT,
            version=1,
            body="What taking part involves.",
            created_by_id=cast.researcher.id,
        )
    )
    db.session.commit()
    client_request.login(cast.priya)
    soup = client_request.post(
        save_url(cast, cast.prompt()), reflection_data(cast.prompt(), "Words typed before.")
    )
    assert text_of(soup.h1) == "Your text has not been saved"
    assert "agree to the inquiry's information and consent text first" in soup.text
    assert textarea(soup, "unsaved-text") == "Words typed before."
    assert soup.find("a", href=lambda href: href and "/consent" in href)
    assert cast.inquiry.question not in soup.text
    assert own_reflection(cast, cast.priya) is None

    # Nothing typed: off to the consent page, as everywhere else.
    response = client_request.client.post(
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies", data={}
    )
    assert response.status_code == 303
    assert "/consent" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(ReflectionResponse)) == 0


def test_a_reflection_made_private_later_is_hidden_from_those_who_replied(client_request, cast):
    client = client_request.client
    reflection = share_as(client, cast, cast.priya, "My neighbour's story, shared.")
    sign_in_as(client, cast.tom)
    client.post(
        f"/inquiries/{cast.inquiry.id}/reflections/{reflection.id}/replies",
        data={f"reply-{reflection.id}-body": "Thank you for this."},
    )
    reply = db.session.scalar(select(ReflectionResponse))
    share_as(
        client,
        cast,
        cast.priya,
        "My neighbour's story, for the researchers only.",
        visibility="researchers",
        revision=1,
    )
    sign_in_as(client, cast.tom)
    url = f"/inquiries/{cast.inquiry.id}/replies/{reply.id}/edit"
    response = client.get(url)
    assert response.status_code == 404
    assert "neighbour" not in response.get_data(as_text=True)
    assert "neighbour" not in client.get(session_url(cast)).get_data(as_text=True)
    # What they type is not lost, but nothing is saved.
    response = client.post(url, data={"body": "Thank you, truly.", "revision": "1"})
    assert response.status_code == 404
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert textarea(soup, "unsaved-text") == "Thank you, truly."
    assert "neighbour" not in soup.text
    db.session.refresh(reply)
    assert reply.body == "Thank you for this."
