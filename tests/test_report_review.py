"""The members' review of the draft report: researchers open and close it; while it is
open participants read the latest draft and comment section by section; researchers read
every comment with names, each participant their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from access_rows.reports import stored_build
from conftest import add_member, error_messages, make_user, sign_in_as
from flask import Flask

from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    MembershipStatus,
    Notification,
    ReportComment,
    ReviewStatus,
    Role,
)
from inquiry.reports import jobs, services
from inquiry.reports.document import REVIEW_SECTIONS


@pytest.fixture(autouse=True)
def _own_report_folder(
    shared_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    monkeypatch.setitem(shared_app.config, "REPORT_FOLDER", str(tmp_path / "reports"))
    jobs.local_worker(shared_app).clear()
    yield


def url(inquiry, path: str = "") -> str:
    return f"/inquiries/{inquiry.id}/report{path}"


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def open_review(client_request, world):
    """A finished draft and the review opened by the researcher."""
    stored_build(world.inquiry)
    client_request.login(world.people["researcher"])
    client_request.post_redirect(url(world.inquiry, "/review/open"))
    return world


def comment(client_request, inquiry, section: str, body: str):
    return client_request.client.post(
        url(inquiry, "/review"), data={"section": section, "body": body}
    )


def test_the_review_needs_a_draft_first(client_request, world):
    client_request.login(world.people["researcher"])
    page = client_request.get(url(world.inquiry, "/review"))
    assert page.select_one("#needs-draft")
    assert page.select_one("#open-review") is None
    client_request.post_redirect(url(world.inquiry, "/review/open"))
    page = client_request.get(url(world.inquiry, "/review"))
    assert "Build a draft of the report before opening the review." in page.get_text()
    assert not services.review_is_open(db.session, world.inquiry)


def test_opening_the_review_tells_the_participants(client_request, open_review):
    world = open_review
    report = services.report_of(db.session, world.inquiry)
    assert report.review_status == ReviewStatus.OPEN
    assert report.review_opened_at is not None
    told = [n.user_id for n in db.session.scalars(db.select(Notification))]
    # The active participant; not the disabled one, nor other roles.
    assert told == [world.people["participant"].id]
    (notice,) = db.session.scalars(db.select(Notification))
    assert notice.link == url(world.inquiry, "/review")
    assert len(audit("report.review_opened")) == 1
    page = client_request.get(url(world.inquiry, "/review"))
    assert page.select_one("#close-review")


def test_participants_read_the_draft_and_comment_on_a_section(client_request, open_review):
    world = open_review
    inquiry = world.inquiry
    client_request.login(world.people["participant"])
    page = client_request.get(url(inquiry, "/review"))
    assert page.h1.get_text(strip=True) == "Review of the draft report"
    draft = services.latest_draft(db.session, inquiry)
    links = [a["href"] for a in page.select("#draft ~ ul a")]
    assert links == [
        url(inquiry, f"/drafts/{draft.id}.html"),
        url(inquiry, f"/drafts/{draft.id}.pdf"),
    ]
    choices = [radio["value"] for radio in page.select("input[name=section]")]
    assert choices == [key for key, _ in REVIEW_SECTIONS]
    # "How views changed", which researchers write inside a generated chapter, has its own.
    assert choices.index("views-changed") == choices.index("deliberation") + 1

    response = comment(client_request, inquiry, "recommendations", "Say who pays.\r\nAnd when.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/review#your-comments")
    (saved,) = db.session.scalars(db.select(ReportComment))
    assert (saved.section, saved.body, saved.build_id) == (
        "recommendations",
        "Say who pays.\nAnd when.",
        draft.id,
    )
    (event,) = audit("report.commented")
    assert event.details == {"section": "recommendations"}
    page = client_request.get(url(inquiry, "/review"))
    mine = page.select_one("#your-comments").find_next("section")
    assert "Say who pays." in mine.get_text()
    assert "The recommendations" in mine.get_text()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"section": "", "body": "Good"}, "Select the section your comment is about"),
        ({"section": "nowhere", "body": "Good"}, "Select the section your comment is about"),
        ({"section": "foreword", "body": "  "}, "Enter your comment"),
        (
            {"section": "foreword", "body": "x" * (services.MAX_COMMENT_LENGTH + 1)},
            "Your comment must be 5,000 characters or fewer",
        ),
    ],
)
def test_a_comment_needs_a_section_and_some_words(client_request, open_review, data, message):
    client_request.login(open_review.people["participant"])
    page = client_request.post(url(open_review.inquiry, "/review"), data)
    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert db.session.scalars(db.select(ReportComment)).all() == []
    # The error is next to its field, and what was typed and chosen is kept.
    field = "section" if "section" in message else "body"
    assert page.select_one(f"#{field}-error") is not None
    assert page.select_one("textarea[name=body]").get_text() == data["body"].strip()
    checked = [radio["value"] for radio in page.select("input[name=section][checked]")]
    assert checked == ([data["section"]] if data["section"] == "foreword" else [])


def test_how_views_changed_can_be_commented_on_by_itself(client_request, open_review):
    inquiry = open_review.inquiry
    client_request.login(open_review.people["participant"])
    response = comment(client_request, inquiry, "views-changed", "Say what changed for carers.")
    assert response.status_code == 302
    (saved,) = db.session.scalars(db.select(ReportComment))
    assert saved.section == "views-changed"
    client_request.login(open_review.people["researcher"])
    page = client_request.get(url(inquiry, "/review"))
    assert "How views changed" in page.get_text()
    assert "Say what changed for carers." in page.get_text()


def test_researchers_read_every_comment_by_section_with_names(client_request, open_review):
    world = open_review
    inquiry = world.inquiry
    second = make_user("sam.second@example.org", name="Sam Second")
    add_member(inquiry, second, Role.PARTICIPANT)
    client_request.login(world.people["participant"])
    comment(client_request, inquiry, "recommendations", "More about carers.")
    client_request.login(second)
    comment(client_request, inquiry, "foreword", "Shorter, please.")
    comment(client_request, inquiry, "recommendations", "R2 is unclear.")

    # Each participant sees only their own.
    page = client_request.get(url(inquiry, "/review"))
    assert "More about carers." not in page.get_text()
    assert "R2 is unclear." in page.get_text()

    page = client_request.login(world.people["researcher"]).get(url(inquiry, "/review"))
    groups = page.select("section.app-comment-group")
    assert [group.h3.get_text(" ", strip=True) for group in groups] == [
        "Foreword (1)",
        "The recommendations (2)",
    ]
    text = groups[1].get_text(" ", strip=True)
    assert text.index("More about carers.") < text.index("R2 is unclear.")
    assert world.people["participant"].name in text and "Sam Second" in text
    overview = client_request.get(url(inquiry))
    assert "Read the 3 comments" in overview.get_text()


def test_closing_the_review_stops_comments(client_request, open_review):
    world = open_review
    inquiry = world.inquiry
    client_request.post_redirect(url(inquiry, "/review/close"))
    report = services.report_of(db.session, inquiry)
    assert report.review_status == ReviewStatus.CLOSED
    assert len(audit("report.review_closed")) == 1

    client_request.login(world.people["participant"])
    page = client_request.get(url(inquiry, "/review"))
    assert page.select_one("#review-closed")
    assert page.select("input[name=section]") == []
    assert page.select_one("#draft") is None
    response = comment(client_request, inquiry, "foreword", "Too late?")
    assert response.status_code == 302
    assert db.session.scalars(db.select(ReportComment)).all() == []
    draft = services.latest_draft(db.session, inquiry)
    assert client_request.client.get(url(inquiry, f"/drafts/{draft.id}.pdf")).status_code == 404

    # Closing twice, or opening twice, says so.
    client_request.login(world.people["researcher"])
    client_request.post_redirect(url(inquiry, "/review/close"))
    page = client_request.get(url(inquiry, "/review"))
    assert "The review is not open." in page.get_text()
    client_request.post_redirect(url(inquiry, "/review/open"))
    client_request.post_redirect(url(inquiry, "/review/open"))
    page = client_request.get(url(inquiry, "/review"))
    assert "The review is already open." in page.get_text()


def test_only_participants_and_researchers_take_part_in_the_review(client, open_review):
    world = open_review
    for person in ("witness", "commissioner", "observer"):
        sign_in_as(client, world.people[person])
        assert client.get(url(world.inquiry, "/review")).status_code == 403
        response = client.post(
            url(world.inquiry, "/review"), data={"section": "foreword", "body": "Hi"}
        )
        assert response.status_code == 403
        assert client.post(url(world.inquiry, "/review/close")).status_code == 403
    sign_in_as(client, world.people["other_member"])
    assert client.get(url(world.inquiry, "/review")).status_code == 404
    assert db.session.scalars(db.select(ReportComment)).all() == []


def test_a_withdrawn_participant_cannot_comment(client_request, open_review):
    world = open_review
    membership = world.people["participant"].memberships[0]
    membership.status = MembershipStatus.WITHDRAWN
    db.session.commit()
    client_request.login(world.people["participant"])
    response = comment(client_request, world.inquiry, "foreword", "Still here")
    # No longer a member: the inquiry is not shown at all.
    assert response.status_code == 404
    assert db.session.scalars(db.select(ReportComment)).all() == []
