"""The audit log: recording events and the researchers' page that lists them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import make_user
from sqlalchemy import delete, func, select

import inquiry
from inquiry.audit.service import ACTION_LABELS, describe, events_for_inquiry, record
from inquiry.audit.views import PER_PAGE
from inquiry.extensions import db
from inquiry.models import AppendOnlyError, AuditEvent, Inquiry, User


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def rows(page: BeautifulSoup) -> list[list[str]]:
    table = page.select_one("table.govuk-table")
    if table is None:
        return []
    return [[text_of(td) for td in tr.find_all("td")] for tr in table.select("tbody tr")]


def caption(page: BeautifulSoup) -> str:
    return text_of(page.select_one("table.govuk-table caption"))


def audit_path(inquiry: Inquiry, query: str = "") -> str:
    return f"/inquiries/{inquiry.id}/audit{query}"


def add_events(inquiry: Inquiry, actor: User, count: int) -> None:
    for number in range(1, count + 1):
        record(
            db.session,
            "invitation.sent",
            actor=actor,
            inquiry=inquiry,
            object_type="invitation",
            object_id=number,
        )
    db.session.commit()


def object_ids(page: BeautifulSoup) -> list[int]:
    return [int(row[3].split()[-1]) for row in rows(page)]


@pytest.fixture
def researcher(world) -> User:
    return world.people["researcher"]


# The page -------------------------------------------------------------------


def test_researcher_sees_plain_english_descriptions(client_request, world, researcher):
    client_request.login(researcher)
    location = client_request.post_redirect(
        "/inquiries/new",
        {"title": "Winter connections", "question": "What helps?", "mode": "standard"},
    )
    inquiry_id = int(location.rsplit("/", 1)[1])
    client_request.post_redirect(
        f"/inquiries/{inquiry_id}/invitations/new",
        {"email": "sam@example.org", "role": "participant"},
    )

    page = client_request.get(f"/inquiries/{inquiry_id}/audit")
    assert text_of(page.h1) == "Audit log"
    assert caption(page) == "4 events"
    whats = [row[2] for row in rows(page)]
    assert whats == [
        "Invitation sent",
        "Invitation created (participant)",
        "Role given (researcher)",
        "Inquiry created",
    ]
    assert {row[1] for row in rows(page)} == {"Rhiannon Researcher"}
    assert rows(page)[-1][3] == f"inquiry {inquiry_id}"
    assert " at " in rows(page)[0][0]
    assert "invitation.created" not in page.text
    assert "sam@example.org" not in page.text


def recorded_actions() -> set[str]:
    """Every action code the application passes to ``record``."""
    pattern = re.compile(r'record\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_]+)"')
    package = Path(inquiry.__file__).parent
    return {
        action
        for source in package.rglob("*.py")
        for action in pattern.findall(source.read_text(encoding="utf-8"))
    }


def test_every_recorded_action_has_a_plain_english_description():
    actions = recorded_actions()
    assert {"inquiry.created", "invitation.created", "membership.created"} <= actions
    for action in actions:
        label = describe(action)
        assert label == ACTION_LABELS.get(action), f"{action} has no description"
        assert "." not in label and "_" not in label
        assert label[0].isupper()


def test_unknown_action_shows_its_code(client_request, world, researcher):
    record(db.session, "nothing.known_here", actor=researcher, inquiry=world.inquiry)
    db.session.commit()
    page = client_request.login(researcher).get(audit_path(world.inquiry))
    assert rows(page)[0][2] == "nothing.known_here"
    assert describe("nothing.known_here") == "nothing.known_here"


def test_event_without_an_actor(client_request, world, researcher):
    record(db.session, "invitation.revoked", inquiry=world.inquiry, object_type="invitation")
    db.session.commit()
    page = client_request.login(researcher).get(audit_path(world.inquiry))
    assert rows(page)[0][1:3] == ["Nobody signed in", "Invitation revoked"]


def test_details_other_than_the_role_are_not_shown(client_request, world, researcher):
    record(
        db.session,
        "membership.created",
        actor=researcher,
        inquiry=world.inquiry,
        object_type="membership",
        object_id=7,
        role="witness",
        reason="Private remark about Mrs Example",
    )
    db.session.commit()
    page = client_request.login(researcher).get(audit_path(world.inquiry))
    assert rows(page)[0][2:] == ["Role given (witness)", "membership 7"]
    assert "Private remark" not in page.text


def test_only_this_inquirys_events_are_listed(client_request, world, researcher):
    record(db.session, "inquiry.created", actor=researcher, inquiry=world.inquiry)
    record(db.session, "user.signed_in", actor=researcher)
    other = world.people["other_member"]
    record(db.session, "invitation.created", actor=other, inquiry=world.other_inquiry)
    db.session.commit()
    page = client_request.login(researcher).get(audit_path(world.inquiry))
    assert [row[2] for row in rows(page)] == ["Inquiry created"]
    assert "Olu Outsider" not in page.text


def test_empty_log(client_request, world, researcher):
    page = client_request.login(researcher).get(audit_path(world.inquiry))
    assert "No events yet." in page.text
    assert rows(page) == []


@pytest.mark.parametrize("actor", ["participant", "witness", "commissioner", "observer"])
def test_members_who_are_not_researchers_get_403(client_request, world, researcher, actor):
    add_events(world.inquiry, researcher, 1)
    page = client_request.login(world.people[actor]).get(
        audit_path(world.inquiry), expected_status=403
    )
    assert "Invitation sent" not in page.text


@pytest.mark.parametrize("actor", ["no_role", "other_member"])
def test_non_members_get_404(client_request, world, researcher, actor):
    add_events(world.inquiry, researcher, 1)
    page = client_request.login(world.people[actor]).get(
        audit_path(world.inquiry), expected_status=404
    )
    assert "Invitation sent" not in page.text


def test_signed_out_visitor_is_sent_to_sign_in(client, world):
    response = client.get(audit_path(world.inquiry))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_researcher_of_another_inquiry_sees_only_their_own(client_request, world):
    other = world.people["other_member"]
    client_request.login(other)
    client_request.get(audit_path(world.other_inquiry))
    client_request.get(audit_path(world.inquiry), expected_status=404)


# Pagination -------------------------------------------------------------------


@pytest.fixture
def long_log(world, researcher) -> Inquiry:
    add_events(world.inquiry, researcher, 2 * PER_PAGE + 20)
    return world.inquiry


def test_first_page_shows_the_newest_events(client_request, researcher, long_log):
    total = 2 * PER_PAGE + 20
    page = client_request.login(researcher).get(audit_path(long_log))
    assert PER_PAGE == 50
    assert caption(page) == f"{total} events, page 1 of 3"
    assert object_ids(page) == list(range(total, total - PER_PAGE, -1))
    older = page.find("a", rel="next")
    assert older["href"] == audit_path(long_log, "?page=2")
    assert page.find("a", rel="prev") is None


def test_second_page(client_request, researcher, long_log):
    total = 2 * PER_PAGE + 20
    page = client_request.login(researcher).get(audit_path(long_log, "?page=2"))
    assert caption(page) == f"{total} events, page 2 of 3"
    assert object_ids(page) == list(range(total - PER_PAGE, total - 2 * PER_PAGE, -1))
    assert page.find("a", rel="prev")["href"] == audit_path(long_log, "?page=1")
    assert page.find("a", rel="next")["href"] == audit_path(long_log, "?page=3")


def test_last_page(client_request, researcher, long_log):
    page = client_request.login(researcher).get(audit_path(long_log, "?page=3"))
    assert object_ids(page) == list(range(20, 0, -1))
    assert page.find("a", rel="next") is None
    assert page.find("a", rel="prev") is not None


@pytest.mark.parametrize("value", ["abc", "-5", "0", "", "1.5", "%00", "9" * 40])
def test_odd_page_numbers_do_not_fail(client_request, researcher, long_log, value):
    page = client_request.login(researcher).get(audit_path(long_log, f"?page={value}"))
    assert len(rows(page)) in (PER_PAGE, 20)


@pytest.mark.parametrize("value", ["abc", "-5", "0"])
def test_unreadable_page_numbers_show_the_first_page(client_request, researcher, long_log, value):
    page = client_request.login(researcher).get(audit_path(long_log, f"?page={value}"))
    assert caption(page).endswith("page 1 of 3")
    assert object_ids(page)[0] == 2 * PER_PAGE + 20


@pytest.mark.parametrize("value", ["4", "500", "9" * 40])
def test_page_past_the_end_shows_the_last_page(client_request, researcher, long_log, value):
    page = client_request.login(researcher).get(audit_path(long_log, f"?page={value}"))
    assert caption(page).endswith("page 3 of 3")
    assert object_ids(page) == list(range(20, 0, -1))
    assert "No events yet." not in page.text


def test_short_log_has_no_pagination(client_request, world, researcher):
    add_events(world.inquiry, researcher, PER_PAGE)
    page = client_request.login(researcher).get(audit_path(world.inquiry))
    assert caption(page) == f"{PER_PAGE} events"
    assert page.select_one(".govuk-pagination") is None
    assert len(rows(page)) == PER_PAGE


# The service --------------------------------------------------------------------


def test_record_writes_an_event(world, researcher):
    event = record(
        db.session,
        "invitation.created",
        actor=researcher,
        inquiry=world.inquiry,
        object_type="invitation",
        object_id=3,
        role="observer",
    )
    assert event.id is not None
    assert event.actor_id == researcher.id
    assert event.inquiry_id == world.inquiry.id
    assert (event.object_type, event.object_id) == ("invitation", 3)
    assert event.details == {"role": "observer"}
    assert event.created_at is not None
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_events_for_inquiry_pages_newest_first(world, researcher):
    add_events(world.inquiry, researcher, 7)
    record(db.session, "inquiry.created", inquiry=world.other_inquiry)
    first, total = events_for_inquiry(db.session, world.inquiry, page=1, per_page=3)
    assert total == 7
    assert [e.object_id for e in first] == [7, 6, 5]
    last, _ = events_for_inquiry(db.session, world.inquiry, page=3, per_page=3)
    assert [e.object_id for e in last] == [1]
    beyond, total = events_for_inquiry(db.session, world.inquiry, page=4, per_page=3)
    assert (beyond, total) == ([], 7)


def test_events_cannot_be_changed_or_deleted(world, researcher):
    event = record(db.session, "inquiry.created", actor=researcher, inquiry=world.inquiry)
    db.session.commit()
    event.action = "inquiry.deleted"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "inquiry.created"


def test_removing_an_actor_keeps_their_events(world):
    person = make_user("leaving@example.org")
    event = record(db.session, "user.signed_in", actor=person, inquiry=world.inquiry)
    db.session.commit()
    event_id = event.id
    db.session.execute(delete(User).where(User.id == person.id))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(AuditEvent, event_id)
    assert kept.action == "user.signed_in"
    assert kept.actor_id is None
