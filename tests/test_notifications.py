"""The notifications page, marking them read, and the unread count for the header."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import counting_queries, make_inquiry, make_user
from flask import render_template_string
from flask_login import login_user
from sqlalchemy import select

from inquiry.extensions import db
from inquiry.models import Notification, utcnow
from inquiry.notifications.services import notify


def text_of(node) -> str:
    return " ".join(node.get_text().split())


@pytest.fixture
def people(app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    ann = make_user("ann@example.org", name="Annika Sørensen")
    bea = make_user("bea@example.org", name="Beatrice Okafor")
    return inquiry, ann, bea


def add(user, message: str, *, inquiry=None, link: str = "", minutes_ago: int = 0):
    notification = notify(
        db.session,
        user,
        message,
        inquiry=inquiry,
        link=link,
        now=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.session.commit()
    return notification


def test_the_list_is_newest_first_with_unread_ones_marked(client_request, people):
    inquiry, ann, bea = people
    older = add(ann, "Your testimony was approved", inquiry=inquiry, minutes_ago=30)
    newer = add(ann, "Your question for witnesses has been answered: see the answer", minutes_ago=5)
    older.read_at = utcnow()
    db.session.commit()
    add(bea, "Beatrice has a notification of her own")

    page = client_request.login(ann).get("/notifications")
    items = page.select(".app-notification-list li")
    assert [li["id"] for li in items] == [f"notification-{newer.id}", f"notification-{older.id}"]
    assert "Unread" in text_of(items[0])
    assert "Unread" not in text_of(items[1])
    assert "Living well at home" in text_of(items[1])
    assert "You have 1 unread notification." in text_of(page)
    # Other people's notifications are never shown.
    assert "Beatrice" not in str(page)


def test_viewing_does_not_mark_them_read_but_the_button_does(client_request, people):
    _, ann, bea = people
    add(ann, "First", minutes_ago=2)
    add(ann, "Second", minutes_ago=1)
    theirs = add(bea, "Not yours")
    client_request.login(ann)
    page = client_request.get("/notifications")
    client_request.get("/notifications")
    assert db.session.scalars(select(Notification.read_at)).all() == [None, None, None]

    form = page.select_one("main form")
    assert form["action"] == "/notifications/read"
    assert text_of(form.button) == "Mark all as read"
    location = client_request.post_redirect("/notifications/read")
    assert location == "/notifications"
    mine = db.session.scalars(select(Notification).where(Notification.user_id == ann.id)).all()
    assert all(n.read_at is not None for n in mine)
    assert db.session.get(Notification, theirs.id).read_at is None

    page = client_request.get("/notifications")
    assert "You have no unread notifications." in text_of(page)
    assert page.select_one("main form") is None
    assert "Unread" not in text_of(page.select_one(".app-notification-list"))


@pytest.mark.parametrize(
    "link",
    [
        "https://elsewhere.example/phish",
        "//elsewhere.example/phish",
        "/\\elsewhere.example",
        "javascript:alert(1)",
        "inquiries/1",
        "/inquiries/1\n/x",
    ],
)
def test_links_that_are_not_same_site_are_not_rendered_as_links(client_request, people, link):
    _, ann, _ = people
    add(ann, "Something changed", link=link)
    page = client_request.login(ann).get("/notifications")
    item = page.select_one(".app-notification-list li")
    assert "Something changed" in text_of(item)
    assert item.find("a") is None


def test_same_site_links_are_rendered(client_request, people):
    inquiry, ann, _ = people
    add(ann, "Your question was answered", link=f"/inquiries/{inquiry.id}/questions#question-3")
    page = client_request.login(ann).get("/notifications")
    link = page.select_one(".app-notification-list li a")
    assert link["href"] == f"/inquiries/{inquiry.id}/questions#question-3"
    assert text_of(link) == "Your question was answered"


def test_messages_are_escaped(client_request, people):
    _, ann, _ = people
    add(ann, "<script>alert(1)</script> changed")
    html = client_request.login(ann).client.get("/notifications").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_an_empty_page_explains_what_will_appear(client_request, people):
    _, ann, _ = people
    page = client_request.login(ann).get("/notifications")
    assert "You have no notifications." in text_of(page)


def test_the_page_needs_sign_in(client, people):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def count_for(app, user) -> tuple[str, int]:
    # A fresh app context each time, as for a real request (``g`` keeps the signed-in user).
    with app.app_context(), app.test_request_context("/"):
        if user is not None:
            login_user(user)
        with counting_queries() as statements:
            text = render_template_string("{{ unread_notifications() }}")
        return text, len(statements)


def test_the_unread_count_for_the_header(app, people):
    _, ann, bea = people
    add(ann, "One")
    add(ann, "Two")
    read = add(ann, "Three")
    read.read_at = utcnow()
    add(bea, "Not for Ann")
    db.session.commit()
    assert count_for(app, ann) == ("2", 1)  # one query
    assert count_for(app, None) == ("0", 0)
