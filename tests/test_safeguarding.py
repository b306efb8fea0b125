"""Safeguarding concerns: raising, listing, following up and reopening; researchers only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from conftest import add_member, error_messages, make_inquiry, make_user
from flask import g, render_template_string, url_for
from flask_login import login_user
from sqlalchemy import select

from inquiry import policy
from inquiry.audit.service import ACTION_LABELS
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    FlagStatus,
    Inquiry,
    Membership,
    Role,
    SafeguardingFlag,
    Testimony,
    TestimonyStatus,
    User,
    utcnow,
)
from inquiry.safeguarding import services

NOTE = "Peggy said she has been sleeping in her chair because nobody can help her upstairs."
FOLLOW_UP = "Spoke to Peggy on the phone; her social worker is arranging a stairlift assessment."


def text_of(node) -> str:
    return " ".join(node.get_text().split())


@dataclass
class Setup:
    inquiry: Inquiry
    other_inquiry: Inquiry
    researcher: User
    participant: User
    witness: Membership
    testimony: Testimony
    other_testimony: Testimony

    @property
    def url(self) -> str:
        return f"/inquiries/{self.inquiry.id}/safeguarding"

    def new_url(self, object_id: int | None = None, object_type: str = "testimony") -> str:
        object_id = self.testimony.id if object_id is None else object_id
        return f"{self.url}/new?object_type={object_type}&object_id={object_id}"


def add_testimony(inquiry: Inquiry, witness: Membership, title: str) -> Testimony:
    testimony = Testimony(
        inquiry_id=inquiry.id,
        witness_id=witness.id,
        title=title,
        body="Most days the carer has fifteen minutes, and that is not enough to get me up.",
        status=TestimonyStatus.APPROVED,
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


@pytest.fixture
def setup(app) -> Setup:
    researcher = make_user("rhiannon.researcher@example.org", name="Rhiannon Price")
    inquiry = make_inquiry(researcher)
    participant = make_user("ann@example.org", name="Annika Sørensen")
    add_member(inquiry, participant, Role.PARTICIPANT)
    witness = add_member(inquiry, make_user("peggy@example.org"), Role.WITNESS)
    witness.display_name = "Peggy"
    other_inquiry = make_inquiry(researcher, title="Another inquiry")
    other_witness = add_member(other_inquiry, make_user("tom@example.org"), Role.WITNESS)
    return Setup(
        inquiry=inquiry,
        other_inquiry=other_inquiry,
        researcher=researcher,
        participant=participant,
        witness=witness,
        testimony=add_testimony(inquiry, witness, "Coming home after my fall"),
        other_testimony=add_testimony(other_inquiry, other_witness, "Caring for my dad"),
    )


def raise_flag(s: Setup, note: str = NOTE, object_id: int | None = None, now=None):
    flag = services.raise_flag(
        db.session,
        inquiry=s.inquiry,
        actor=s.researcher,
        object_type="testimony",
        object_id=s.testimony.id if object_id is None else object_id,
        note=note,
        now=now or utcnow(),
    )
    db.session.commit()
    return flag


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_labels_exist_for_every_safeguarding_action():
    for action in (
        "safeguarding.flag_raised",
        "safeguarding.flag_followed_up",
        "safeguarding.flag_reopened",
    ):
        assert action in ACTION_LABELS


def test_a_researcher_raises_a_concern_about_testimony(client_request, setup):
    client_request.login(setup.researcher)
    page = client_request.get(setup.new_url())
    assert text_of(page.h1) == "Raise a safeguarding concern"
    assert "Testimony: Coming home after my fall, from Peggy" in text_of(page)
    form = page.select_one("main form")
    assert form["action"] == setup.new_url()

    location = client_request.post_redirect(setup.new_url(), {"note": f"  {NOTE}  "})
    flag = db.session.scalar(select(SafeguardingFlag))
    assert flag.object_type == "testimony"
    assert flag.object_id == setup.testimony.id
    assert flag.note == NOTE
    assert flag.status == FlagStatus.OPEN
    assert flag.raised_by_id == setup.researcher.id
    # Back to the testimony's page (or the list, where testimony has no page).
    with client_request.client.application.test_request_context():
        back = services.object_url(setup.inquiry, "testimony", setup.testimony.id)
    assert location == (back or setup.url)

    (event,) = events("safeguarding.flag_raised")
    assert event.object_type == "safeguarding_flag"
    assert event.object_id == flag.id
    assert event.details == {"about_type": "testimony", "about_id": setup.testimony.id}
    assert "chair" not in str(event.details)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("   ", "Enter what concerns you"),
        ("x" * 2001, "Your note must be 2,000 characters or fewer"),
    ],
)
def test_a_concern_needs_a_note(client_request, setup, note, message):
    page = client_request.login(setup.researcher).post(setup.new_url(), {"note": note})
    assert error_messages(page) == [message]
    assert db.session.scalar(select(SafeguardingFlag)) is None


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?object_type=testimony",
        "?object_type=testimony&object_id=abc",
        "?object_type=testimony&object_id=99999",
        "?object_type=recipe&object_id=1",
    ],
)
def test_nothing_to_flag_is_not_found(client_request, setup, query):
    client_request.login(setup.researcher)
    assert client_request.client.get(f"{setup.url}/new{query}").status_code == 404


def test_testimony_of_another_inquiry_cannot_be_flagged(client_request, setup):
    client_request.login(setup.researcher)  # a researcher of both inquiries
    url = setup.new_url(setup.other_testimony.id)
    assert client_request.client.get(url).status_code == 404
    assert client_request.client.post(url, data={"note": NOTE}).status_code == 404
    assert db.session.scalar(select(SafeguardingFlag)) is None
    with pytest.raises(services.SafeguardingError):
        raise_flag(setup, object_id=setup.other_testimony.id)


@pytest.mark.parametrize("who", ["participant", "witness"])
def test_only_researchers_see_concerns(client_request, setup, who):
    flag = raise_flag(setup)
    person = setup.participant if who == "participant" else setup.witness.user
    client_request.login(person)
    for url in (setup.url, setup.new_url(), f"{setup.url}/{flag.id}"):
        assert client_request.client.get(url).status_code == 403, url
    response = client_request.client.post(f"{setup.url}/{flag.id}", data={"note": FOLLOW_UP})
    assert response.status_code == 403
    response = client_request.client.post(f"{setup.url}/{flag.id}/reopen")
    assert response.status_code == 403
    assert db.session.get(SafeguardingFlag, flag.id).status == FlagStatus.OPEN


def test_people_outside_the_inquiry_are_told_nothing_exists(client_request, setup):
    flag = raise_flag(setup)
    stranger = make_user("sid@example.org")
    client_request.login(stranger)
    for url in (setup.url, f"{setup.url}/{flag.id}"):
        assert client_request.client.get(url).status_code == 404


def test_a_flag_of_another_inquiry_is_not_found(client_request, setup):
    flag = SafeguardingFlag(
        inquiry_id=setup.other_inquiry.id,
        object_type="testimony",
        object_id=setup.other_testimony.id,
        note="Elsewhere",
    )
    db.session.add(flag)
    db.session.commit()
    client_request.login(setup.researcher)
    assert client_request.client.get(f"{setup.url}/{flag.id}").status_code == 404
    assert client_request.client.post(f"{setup.url}/{flag.id}/reopen").status_code == 404


def test_the_list_shows_open_concerns_first_newest_first(client_request, setup):
    now = utcnow()
    oldest = raise_flag(setup, "First concern", now=now - timedelta(days=3))
    followed = raise_flag(setup, "Second concern", now=now - timedelta(days=2))
    newest = raise_flag(setup, "Third concern", now=now - timedelta(days=1))
    services.follow_up(
        db.session, followed, inquiry=setup.inquiry, actor=setup.researcher, note="Done", now=now
    )
    db.session.commit()
    assert services.flags_for(db.session, setup.inquiry) == [newest, oldest, followed]

    page = client_request.login(setup.researcher).get(setup.url)
    rows = page.select("tbody tr")
    assert [row["id"] for row in rows] == [
        f"concern-{newest.id}",
        f"concern-{oldest.id}",
        f"concern-{followed.id}",
    ]
    first = text_of(rows[0])
    assert "Coming home after my fall, from Peggy" in first
    assert "Rhiannon Price" in first
    assert "Open" in first
    assert "Followed up" in text_of(rows[2])
    assert "2 open, 1 followed up." in text_of(page)
    # Notes stay on each concern's own page.
    assert "Third concern" not in text_of(page)


def test_an_empty_list_says_so(client_request, setup):
    page = client_request.login(setup.researcher).get(setup.url)
    assert "No safeguarding concerns have been raised" in text_of(page)


def test_follow_up_and_reopen(client_request, setup):
    flag = raise_flag(setup)
    url = f"{setup.url}/{flag.id}"
    client_request.login(setup.researcher)
    page = client_request.get(url)
    assert NOTE in text_of(page)
    assert page.select_one("#note").get_text() == ""

    page = client_request.post(url, {"note": "  "})
    assert error_messages(page) == ["Enter what was done to follow up the concern"]
    assert db.session.get(SafeguardingFlag, flag.id).status == FlagStatus.OPEN

    client_request.post_redirect(url, {"note": FOLLOW_UP})
    flag = db.session.get(SafeguardingFlag, flag.id)
    assert flag.status == FlagStatus.FOLLOWED_UP
    assert flag.follow_up_note == FOLLOW_UP
    assert flag.followed_up_at is not None
    page = client_request.get(url)
    assert FOLLOW_UP in text_of(page)
    assert "Recorded by Rhiannon Price" in text_of(page)
    assert page.select_one("#note") is None

    # Following up again is refused until it is reopened.
    client_request.post_redirect(url, {"note": "Something else"})
    assert db.session.get(SafeguardingFlag, flag.id).follow_up_note == FOLLOW_UP

    client_request.post_redirect(f"{url}/reopen")
    flag = db.session.get(SafeguardingFlag, flag.id)
    assert flag.status == FlagStatus.OPEN
    assert flag.followed_up_at is None
    # The last follow-up is kept, ready to add to.
    page = client_request.get(url)
    assert page.select_one("#note").get_text() == FOLLOW_UP
    client_request.post_redirect(f"{url}/reopen")  # already open: nothing happens

    assert len(events("safeguarding.flag_followed_up")) == 1
    assert len(events("safeguarding.flag_reopened")) == 1
    for event in db.session.scalars(select(AuditEvent)).all():
        assert "stairlift" not in str(event.details)
        assert "chair" not in str(event.details)


def render_link(app, user: User, s: Setup) -> str:
    with app.test_request_context(f"/inquiries/{s.inquiry.id}/testimony/{s.testimony.id}"):
        login_user(user)
        g.membership = policy.membership_of(user, s.inquiry)
        return render_template_string(
            '{% include "safeguarding/_flag_link.html" %}',
            inquiry=s.inquiry,
            object_type="testimony",
            object_id=s.testimony.id,
        )


def test_the_flag_link_is_for_researchers_only(app, setup):
    html = render_link(app, setup.researcher, setup)
    assert "Raise a safeguarding concern" in html
    assert f"object_type=testimony&amp;object_id={setup.testimony.id}" in html
    assert "open safeguarding concern" not in html
    raise_flag(setup)
    html = render_link(app, setup.researcher, setup)
    assert "1 open safeguarding concern" in " ".join(html.split())
    assert render_link(app, setup.participant, setup).strip() == ""
    assert render_link(app, setup.witness.user, setup).strip() == ""


def test_other_features_register_what_can_be_flagged(client_request, setup):
    known = {setup.testimony.id}
    services.register(
        "note",
        label="Note",
        exists=lambda session, inquiry, object_id: object_id in known,
        url=lambda inquiry, object_id: None,
    )
    try:
        client_request.login(setup.researcher)
        url = setup.new_url(object_type="note")
        client_request.post_redirect(url, {"note": NOTE})
        flag = db.session.scalar(select(SafeguardingFlag))
        assert flag.object_type == "note"
        page = client_request.get(setup.url)
        cell = page.select_one("tbody tr td")
        assert text_of(cell) == "Note"
        assert cell.find("a") is None  # no page to link to
        assert client_request.client.get(setup.new_url(999, "note")).status_code == 404
    finally:
        services.unregister("note")
    assert services.target_for("note") is None


def test_testimony_links_to_its_page_when_there_is_one(app, setup, monkeypatch):
    with app.test_request_context():
        if "testimony.show" in app.view_functions:
            assert services.object_url(setup.inquiry, "testimony", setup.testimony.id) == url_for(
                "testimony.show", inquiry_id=setup.inquiry.id, testimony_id=setup.testimony.id
            )
        monkeypatch.delitem(app.view_functions, "testimony.show", raising=False)
        assert services.object_url(setup.inquiry, "testimony", setup.testimony.id) is None


def test_withdrawn_testimony_is_described_without_its_words(setup):
    setup.testimony.status = TestimonyStatus.WITHDRAWN
    setup.testimony.title = ""
    setup.testimony.body = None
    db.session.commit()
    description = services.object_description(
        db.session, setup.inquiry, "testimony", setup.testimony.id
    )
    assert description == "Withdrawn by the witness"


def test_a_researcher_can_raise_a_concern_about_a_shared_reflection(client_request, world):
    from inquiry.models import Reflection, ReflectionStatus, Round, RoundKind, RoundPrompt

    round_ = Round(
        inquiry_id=world.inquiry.id, position=1, kind=RoundKind.REFLECTION, title="Reflecting"
    )
    round_.prompts = [RoundPrompt(position=1, text="What stayed with you?")]
    db.session.add(round_)
    db.session.flush()
    participant = db.session.scalar(
        select(Membership).where(Membership.user_id == world.people["participant"].id)
    )
    reflection = Reflection(
        inquiry_id=world.inquiry.id,
        round_id=round_.id,
        prompt_id=round_.prompts[0].id,
        author_id=participant.id,
        body="Something that worries me.",
        status=ReflectionStatus.SHARED,
    )
    db.session.add(reflection)
    db.session.commit()
    client_request.login(world.people["researcher"])
    reading = client_request.get(f"/inquiries/{world.inquiry.id}/sessions/{round_.id}/reflections")
    link = reading.find("a", href=lambda h: h and "object_type=reflection" in h)
    assert link is not None
    client_request.post_redirect(link["href"], {"note": "Check in with them after the session."})
    flag = db.session.scalar(select(SafeguardingFlag))
    assert (flag.object_type, flag.object_id) == ("reflection", reflection.id)
    page = client_request.get(f"/inquiries/{world.inquiry.id}/safeguarding")
    assert "A reflection from" in page.text
