"""Creating an inquiry, the home page, an inquiry's overview and its members page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from conftest import (
    PASSWORD_HASH,
    add_member,
    counting_queries,
    error_messages,
    make_inquiry,
    make_user,
    sign_in_as,
)
from sqlalchemy import select

from benchmarks.seed import SMALL, seed_inquiry
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    ConsentAudience,
    ConsentText,
    Inquiry,
    InquiryStatus,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    Round,
    RoundKind,
    utcnow,
)
from inquiry.security.links import new_nonce

QUESTION = "How can neighbours help older people stay connected through the winter?"


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def field_error(page: BeautifulSoup, field_id: str) -> str | None:
    """The error message shown next to a field, if any."""
    control = page.find(id=field_id)
    assert control is not None, f"no field with id {field_id!r}"
    group = control.find_parent(class_="govuk-form-group")
    message = group.select_one(".govuk-error-message")
    return text_of(message) if message else None


def find_link(node, text: str):
    """The first link in ``node`` whose visible text contains ``text``."""
    for link in node.find_all("a"):
        if text in text_of(link):
            return link
    raise AssertionError(f"no link containing {text!r}")


def summary_hrefs(page: BeautifulSoup) -> list[str]:
    return [a["href"] for a in page.select(".govuk-error-summary a")]


def all_inquiries() -> list[Inquiry]:
    return list(db.session.scalars(select(Inquiry).order_by(Inquiry.id)))


def events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def section(page: BeautifulSoup, heading_start: str):
    """The element that follows the h2 whose text starts with ``heading_start``."""
    for heading in page.find_all("h2"):
        if text_of(heading).startswith(heading_start):
            return heading.find_next_sibling()
    raise AssertionError(f"no section headed {heading_start!r}")


def make_invitation(inquiry: Inquiry, email: str, *, role=Role.PARTICIPANT, age_days: int = 0):
    created = utcnow() - timedelta(days=age_days)
    invitation = Invitation(
        inquiry_id=inquiry.id,
        email=email,
        role=role,
        nonce=new_nonce(),
        created_at=created,
        expires_at=created + timedelta(days=14),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


@pytest.fixture
def researcher(app):
    return make_user("morgan.hale@example.org", name="Morgan Hale", researcher=True)


# Creating an inquiry -----------------------------------------------------------


def test_researcher_sees_the_new_inquiry_form(client_request, researcher):
    page = client_request.login(researcher).get("/inquiries/new")
    assert text_of(page.h1) == "Create an inquiry"
    assert page.find("input", attrs={"name": "title", "id": "title"}) is not None
    assert page.find("textarea", attrs={"name": "question", "id": "question"}) is not None
    assert page.find("button", string=lambda s: s and "Create inquiry" in s) is not None
    assert not page.title.get_text().startswith("Error: ")


@pytest.mark.parametrize("actor", ["no_role", "participant", "witness", "observer"])
def test_people_who_are_not_researchers_cannot_create_an_inquiry(client_request, world, actor):
    before = len(all_inquiries())
    client_request.login(world.people[actor])
    client_request.get("/inquiries/new", expected_status=403)
    client_request.post(
        "/inquiries/new",
        {"title": "Sneaky", "question": QUESTION, "mode": "standard"},
        expected_status=403,
    )
    assert len(all_inquiries()) == before


def test_signed_out_visitor_is_sent_to_sign_in(client, app):
    response = client.get("/inquiries/new")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    response = client.post(
        "/inquiries/new", data={"title": "T", "question": QUESTION, "mode": "standard"}
    )
    assert response.status_code == 302
    assert all_inquiries() == []


def test_missing_title_and_question_show_errors_next_to_fields(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new", {"title": "", "question": "", "mode": "standard"}
    )
    assert page.title.get_text().strip().startswith("Error: ")
    assert error_messages(page) == [
        "Enter a title for the inquiry",
        "Enter the question the inquiry will answer",
    ]
    assert summary_hrefs(page) == ["#title", "#question"]
    assert "Enter a title for the inquiry" in field_error(page, "title")
    assert "Enter the question the inquiry will answer" in field_error(page, "question")
    assert all_inquiries() == []


def test_typed_values_are_kept_when_another_field_is_wrong(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new", {"title": "Winter connections", "question": "", "mode": "standard"}
    )
    assert page.find("input", attrs={"name": "title"})["value"] == "Winter connections"
    assert field_error(page, "title") is None
    assert error_messages(page) == ["Enter the question the inquiry will answer"]

    page = client_request.post(
        "/inquiries/new", {"title": "", "question": QUESTION, "mode": "standard"}
    )
    assert text_of(page.find("textarea", attrs={"name": "question"})) == QUESTION
    assert error_messages(page) == ["Enter a title for the inquiry"]
    assert all_inquiries() == []


def test_blank_title_and_question_count_as_missing(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new", {"title": "   ", "question": " \r\n\t ", "mode": "standard"}
    )
    assert error_messages(page) == [
        "Enter a title for the inquiry",
        "Enter the question the inquiry will answer",
    ]
    assert all_inquiries() == []


def test_too_long_title_is_rejected(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new", {"title": "T" * 201, "question": QUESTION, "mode": "standard"}
    )
    assert error_messages(page) == ["Title must be 200 characters or fewer"]
    assert "Title must be 200 characters or fewer" in field_error(page, "title")
    assert all_inquiries() == []


def test_too_long_question_is_rejected(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new", {"title": "Long question", "question": "Q" * 501, "mode": "standard"}
    )
    assert error_messages(page) == ["The question must be 500 characters or fewer"]
    assert summary_hrefs(page) == ["#question"]
    assert all_inquiries() == []


def test_longest_allowed_values_are_accepted(client_request, researcher):
    client_request.login(researcher).post_redirect(
        "/inquiries/new", {"title": "T" * 200, "question": "Q" * 500, "mode": "standard"}
    )
    (inquiry,) = all_inquiries()
    assert len(inquiry.title) == 200
    assert len(inquiry.question) == 500


def test_a_line_break_in_the_question_counts_as_one_character(client_request, researcher):
    question = "Q" * 249 + "\r\n" + "Q" * 250
    client_request.login(researcher).post_redirect(
        "/inquiries/new", {"title": "Two lines", "question": question, "mode": "standard"}
    )
    (inquiry,) = all_inquiries()
    assert inquiry.question == "Q" * 249 + "\n" + "Q" * 250


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x07", "\x7f"])
def test_control_characters_in_the_title_are_rejected(client_request, researcher, bad):
    page = client_request.login(researcher).post(
        "/inquiries/new",
        {"title": f"Winter{bad}connections", "question": QUESTION, "mode": "standard"},
    )
    assert error_messages(page) == ["Title must not contain control characters"]
    assert all_inquiries() == []


def test_control_characters_in_the_question_are_rejected(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new",
        {"title": "Winter connections", "question": "Why\x00 not?", "mode": "standard"},
    )
    assert error_messages(page) == [
        "The question the inquiry will answer must not contain control characters"
    ]
    assert all_inquiries() == []


def test_a_line_break_in_the_title_is_made_one_line(client_request, researcher):
    """A title goes into email subjects, where a line break is not allowed."""
    client_request.login(researcher)
    client_request.post_redirect(
        "/inquiries/new",
        {"title": "Winter\r\nconnections ", "question": QUESTION, "mode": "standard"},
    )
    (inquiry,) = all_inquiries()
    assert inquiry.title == "Winter connections"
    location = client_request.post_redirect(
        f"/inquiries/{inquiry.id}/invitations/new",
        {"email": "sam.okafor@example.org", "role": "participant"},
    )
    assert "/invitations/" in location


def test_creating_an_inquiry(client_request, app, researcher):
    client_request.login(researcher)
    location = client_request.post_redirect(
        "/inquiries/new",
        {"title": "  Winter connections  ", "question": f"  {QUESTION}  ", "mode": "standard"},
    )
    (inquiry,) = all_inquiries()
    assert location == f"/inquiries/{inquiry.id}"
    assert inquiry.title == "Winter connections"
    assert inquiry.question == QUESTION
    assert inquiry.status == InquiryStatus.DRAFT
    assert inquiry.created_by_id == researcher.id

    (membership,) = db.session.scalars(select(Membership)).all()
    assert (membership.user_id, membership.inquiry_id) == (researcher.id, inquiry.id)
    assert membership.role == Role.RESEARCHER
    assert membership.status == MembershipStatus.ACTIVE

    created, given = events()
    assert created.action == "inquiry.created"
    assert (created.actor_id, created.inquiry_id) == (researcher.id, inquiry.id)
    assert (created.object_type, created.object_id) == ("inquiry", inquiry.id)
    assert given.action == "membership.created"
    assert (given.actor_id, given.inquiry_id) == (researcher.id, inquiry.id)
    assert (given.object_type, given.object_id) == ("membership", membership.id)
    assert given.details == {"role": "researcher"}

    page = client_request.get(location)
    assert text_of(page.h1) == "Winter connections"
    assert "Inquiry created" in text_of(page.select_one(".govuk-notification-banner"))
    assert QUESTION in page.text

    page = client_request.get("/home")
    group = section(page, "As researcher")
    assert "Winter connections" in text_of(group)


def test_two_inquiries_with_the_same_title_are_separate(client_request, researcher):
    client_request.login(researcher)
    first = client_request.post_redirect(
        "/inquiries/new", {"title": "Same", "question": "One?", "mode": "standard"}
    )
    second = client_request.post_redirect(
        "/inquiries/new", {"title": "Same", "question": "Two?", "mode": "standard"}
    )
    assert first != second
    assert [i.question for i in all_inquiries()] == ["One?", "Two?"]


# Home page ------------------------------------------------------------------


def test_home_groups_inquiries_by_role_with_a_next_step(client_request, app):
    person = make_user("ada.lind@example.org", researcher=True)
    lead = make_user("lead@example.org", researcher=True)
    own = make_inquiry(person, title="Own inquiry")
    joined = make_inquiry(lead, title="Joined as participant")
    heard = make_inquiry(lead, title="Joined as witness")
    add_member(joined, person, Role.PARTICIPANT)
    add_member(heard, person, Role.WITNESS)

    page = client_request.login(person).get("/home")
    headings = [text_of(h) for h in page.find_all("h2") if text_of(h).startswith("As ")]
    assert headings == ["As researcher", "As participant", "As witness"]

    researcher_group = section(page, "As researcher")
    assert "Own inquiry" in text_of(researcher_group)
    assert "Joined" not in text_of(researcher_group)
    link = find_link(researcher_group, "Check the inquiry's settings")
    assert link["href"] == f"/inquiries/{own.id}/settings"

    participant_group = section(page, "As participant")
    assert "Joined as participant" in text_of(participant_group)
    step = find_link(participant_group, "See the sessions")
    assert step["href"] == f"/inquiries/{joined.id}/sessions"

    witness_group = section(page, "As witness")
    assert "Joined as witness" in text_of(witness_group)
    assert witness_group.find("a", href=f"/inquiries/{heard.id}") is not None
    assert "Create an inquiry" in page.text


def test_researcher_next_step_follows_set_up(client_request, app):
    person = make_user("lead@example.org", researcher=True)
    inquiry = make_inquiry(person)
    client_request.login(person)

    def next_link():
        item = section(client_request.get("/home"), "As researcher")
        return item.find(string=lambda s: s and "Next:" in s).find_next("a")

    assert text_of(next_link()).startswith("Check the inquiry's settings")

    inquiry.commissioner_organisation = "Northshire Council"
    inquiry.starts_on = date(2026, 9, 1)
    db.session.commit()
    link = next_link()
    assert text_of(link).startswith("Plan the sessions")
    assert link["href"] == f"/inquiries/{inquiry.id}/sessions"

    db.session.add(
        Round(
            inquiry_id=inquiry.id,
            position=1,
            kind=RoundKind.INTRODUCTION,
            title="Welcome",
            purpose="",
        )
    )
    db.session.commit()
    assert text_of(next_link()).startswith("Write the information and consent texts")

    for audience in ConsentAudience:
        db.session.add(
            ConsentText(
                inquiry_id=inquiry.id, audience=audience, version=1, body="About taking part."
            )
        )
    db.session.commit()
    link = next_link()
    assert text_of(link).startswith("Invite participants")
    assert link["href"] == f"/inquiries/{inquiry.id}/invitations/new?role=participant"

    add_member(inquiry, make_user("p@example.org"), Role.PARTICIPANT)
    link = next_link()
    assert text_of(link).startswith("Invite witnesses")
    assert link["href"] == f"/inquiries/{inquiry.id}/invitations/new?role=witness"

    add_member(inquiry, make_user("w@example.org"), Role.WITNESS)
    link = next_link()
    assert text_of(link).startswith("Move the inquiry to its next stage")
    assert link["href"] == f"/inquiries/{inquiry.id}/stage"


def test_participant_next_step_changes_once_the_inquiry_is_in_session(client_request, world):
    world.inquiry.status = InquiryStatus.IN_SESSION
    db.session.commit()
    page = client_request.login(world.people["participant"]).get("/home")
    group = section(page, "As participant")
    assert "See the sessions and what is expected of you" in text_of(group)
    assert "In session" in text_of(group)


def test_withdrawn_membership_is_not_on_the_home_page(client_request, world):
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == world.people["witness"].id)
    )
    membership.status = MembershipStatus.WITHDRAWN
    db.session.commit()
    page = client_request.login(world.people["witness"]).get("/home")
    assert "Living well at home" not in page.text
    assert "You are not part of any inquiry yet." in page.text


def test_home_for_someone_in_no_inquiry(client_request, world):
    page = client_request.login(world.people["no_role"]).get("/home")
    assert text_of(page.h1) == "Your inquiries"
    assert "You are not part of any inquiry yet." in page.text
    assert "When a researcher invites you" in page.text
    assert "Create an inquiry" not in page.text
    assert page.find("a", href="/inquiries/new") is None


def test_home_for_a_researcher_in_no_inquiry(client_request, researcher):
    page = client_request.login(researcher).get("/home")
    assert "You are not part of any inquiry yet." in page.text
    button = page.find("a", href="/inquiries/new")
    assert button is not None
    assert text_of(button) == "Create an inquiry"


def test_participant_does_not_see_create_an_inquiry(client_request, world):
    page = client_request.login(world.people["participant"]).get("/home")
    assert "Living well at home" in page.text
    assert page.find("a", href="/inquiries/new") is None
    assert "Create an inquiry" not in page.text


def test_home_needs_sign_in(client, app):
    response = client.get("/home")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# Overview page ----------------------------------------------------------------


def summary_value(page: BeautifulSoup, key: str) -> str:
    for row in page.select(".govuk-summary-list__row"):
        if text_of(row.select_one(".govuk-summary-list__key")) == key:
            return text_of(row.select_one(".govuk-summary-list__value"))
    raise AssertionError(f"no summary row {key!r}")


@pytest.mark.parametrize(
    "actor,label",
    [
        ("participant", "Participant"),
        ("witness", "Witness"),
        ("commissioner", "Commissioner"),
        ("observer", "Observer"),
    ],
)
def test_overview_shows_the_question_and_the_members_role(client_request, world, actor, label):
    inquiry = world.inquiry
    page = client_request.login(world.people[actor]).get(f"/inquiries/{inquiry.id}")
    assert text_of(page.h1) == "Living well at home"
    assert inquiry.question in text_of(page.select_one(".app-question"))
    assert summary_value(page, "Your role") == label
    assert summary_value(page, "Stage") == "Draft"
    assert summary_value(page, "Researchers") == "Rhiannon Researcher"
    assert page.find("a", href=f"/inquiries/{inquiry.id}/members") is None
    assert page.find("a", href=f"/inquiries/{inquiry.id}/audit") is None
    assert page.find("a", href=f"/inquiries/{inquiry.id}/invitations/new") is None


def test_overview_for_a_researcher_links_to_managing_the_inquiry(client_request, world):
    inquiry = world.inquiry
    page = client_request.login(world.people["researcher"]).get(f"/inquiries/{inquiry.id}")
    assert summary_value(page, "Your role") == "Researcher"
    for path in ("invitations/new", "members", "audit"):
        assert page.find("a", href=f"/inquiries/{inquiry.id}/{path}") is not None, path


@pytest.mark.parametrize("actor", ["no_role", "other_member"])
def test_overview_is_not_found_for_non_members(client_request, world, actor):
    client_request.login(world.people[actor]).get(
        f"/inquiries/{world.inquiry.id}", expected_status=404
    )


def test_overview_of_a_missing_inquiry_is_not_found(client_request, world):
    client_request.login(world.people["researcher"]).get("/inquiries/9999", expected_status=404)


# Everyone's way into an inquiry, so what one request of it costs is kept in check: the
# signed-in user with their memberships, the consent check (participants and witnesses),
# the researchers, the sessions, the cohort's make-up, the unread notifications, and a
# query or two for each section (testimony, report, response, voting, evaluation, consent).
OVERVIEW_QUERIES = {"participant": 13, "witness": 14, "researcher": 15}


@pytest.mark.parametrize("actor", sorted(OVERVIEW_QUERIES))
def test_the_overview_stays_within_its_queries(app, client, actor):
    seeded = seed_inquiry(db.session, SMALL, tag="small", password_hash=PASSWORD_HASH)
    db.session.commit()
    sign_in_as(client, getattr(seeded, actor))
    url = seeded.path("")
    client.get(url)
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert len(statements) <= OVERVIEW_QUERIES[actor], "\n".join(statements)


def test_the_members_memberships_load_once_with_them(app, client):
    """The researcher is also in the list of researchers: loading that list must not
    load their memberships again, nor anyone's."""
    seeded = seed_inquiry(db.session, SMALL, tag="small", password_hash=PASSWORD_HASH)
    db.session.commit()
    sign_in_as(client, seeded.researcher)
    with counting_queries() as statements:
        assert client.get(seeded.path("")).status_code == 200
    flat = [" ".join(statement.split()) for statement in statements]
    with_memberships = [s for s in flat if s.startswith("SELECT users.") and "memberships_1" in s]
    assert len(with_memberships) == 1
    assert not [s for s in flat if "WHERE memberships.user_id IN" in s]


# Members page ---------------------------------------------------------------


def people_in(page: BeautifulSoup, heading_start: str) -> list[list[str]]:
    table = section(page, heading_start)
    assert table.name == "table", f"{heading_start}: expected a table"
    return [[text_of(cell) for cell in row.find_all("td")[:2]] for row in table.select("tbody tr")]


def test_members_page_lists_members_by_role(client_request, world):
    page = client_request.login(world.people["researcher"]).get(
        f"/inquiries/{world.inquiry.id}/members"
    )
    assert text_of(page.h1) == "Members and invitations"
    headings = [text_of(h) for h in page.find_all("h2")]
    assert "Researchers (1)" in headings
    assert "Participants (2)" in headings
    assert "Witnesses (1)" in headings
    assert people_in(page, "Researchers") == [
        ["Rhiannon Researcher", "rhiannon.researcher@example.org"]
    ]
    assert people_in(page, "Participants") == [
        ["Dee Disabled", "dee.disabled@example.org"],
        ["Participant", "participant@example.org"],
    ]
    assert people_in(page, "Witnesses") == [["Witness", "witness@example.org"]]
    assert people_in(page, "Commissioners") == [["Commissioner", "commissioner@example.org"]]
    assert people_in(page, "Observers") == [["Observer", "observer@example.org"]]
    assert "olu.outsider@example.org" not in page.text
    assert "There are no pending invitations." in page.text


def test_members_page_marks_withdrawn_members(client_request, world):
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == world.people["witness"].id)
    )
    membership.status = MembershipStatus.WITHDRAWN
    db.session.commit()
    page = client_request.login(world.people["researcher"]).get(
        f"/inquiries/{world.inquiry.id}/members"
    )
    assert people_in(page, "Witnesses") == [["Witness (withdrawn)", "witness@example.org"]]


def test_members_page_lists_pending_invitations_with_their_age(client_request, world):
    inquiry = world.inquiry
    make_invitation(inquiry, "fresh@example.org")
    make_invitation(inquiry, "older@example.org", role=Role.WITNESS, age_days=3)
    make_invitation(inquiry, "oldest@example.org", age_days=20)
    accepted = make_invitation(inquiry, "accepted@example.org")
    accepted.status = InvitationStatus.ACCEPTED
    revoked = make_invitation(inquiry, "revoked@example.org")
    revoked.status = InvitationStatus.REVOKED
    make_invitation(world.other_inquiry, "elsewhere@example.org")
    db.session.commit()

    page = client_request.login(world.people["researcher"]).get(f"/inquiries/{inquiry.id}/members")
    table = section(page, "Pending invitations")
    rows = {
        text_of(row.find("td")): [text_of(td) for td in row.find_all("td")]
        for row in table.select("tbody tr")
    }
    assert set(rows) == {"fresh@example.org", "older@example.org", "oldest@example.org"}
    assert rows["fresh@example.org"][1] == "Participant"
    assert rows["fresh@example.org"][2].endswith("(today)")
    assert rows["fresh@example.org"][3] == "Pending"
    assert rows["older@example.org"][1] == "Witness"
    assert rows["older@example.org"][2].endswith("(3 days ago)")
    assert rows["oldest@example.org"][2].endswith("(20 days ago)")
    assert rows["oldest@example.org"][3] == "Expired"
    manage = find_link(table, "Manage")
    assert manage["href"].startswith(f"/inquiries/{inquiry.id}/invitations/")


def test_members_page_offers_to_invite_missing_roles(client_request, app):
    lead = make_user("lead@example.org", researcher=True)
    inquiry = make_inquiry(lead)
    client_request.login(lead)
    page = client_request.get(f"/inquiries/{inquiry.id}/members")
    assert "Witnesses (0)" in [text_of(h) for h in page.find_all("h2")]
    link = page.find("a", string="Invite witnesses")
    assert link["href"] == f"/inquiries/{inquiry.id}/invitations/new?role=witness"
    form = client_request.get(link["href"])
    assert form.find("input", attrs={"name": "role", "value": "witness"}).has_attr("checked")
    assert not form.find("input", attrs={"name": "role", "value": "participant"}).has_attr(
        "checked"
    )


@pytest.mark.parametrize(
    "actor,status",
    [
        ("participant", 403),
        ("witness", 403),
        ("commissioner", 403),
        ("observer", 403),
        ("no_role", 404),
        ("other_member", 404),
    ],
)
def test_members_page_is_for_researchers_only(client_request, world, actor, status):
    client_request.login(world.people[actor]).get(
        f"/inquiries/{world.inquiry.id}/members", expected_status=status
    )
