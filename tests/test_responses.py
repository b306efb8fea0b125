"""The commissioner's response: answering each recommendation as a draft, checking and
publishing the whole response (a new report version, notifications), the due date and
whether the response is overdue, and who may do each of these."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from access_rows.reports import stored_build
from conftest import add_member, error_messages, make_user
from flask import Flask, g, render_template
from flask_login import login_user
from recommendation_factories import make_recommendation
from response_factories import make_response

from inquiry.extensions import db
from inquiry.inquiries.lifecycle import today as uk_today
from inquiry.models import (
    AuditEvent,
    BuildKind,
    BuildStatus,
    CommissionerResponse,
    Decision,
    InquiryStatus,
    MembershipStatus,
    Notification,
    RecommendationAnswer,
    RecommendationStatus,
    ReportBuild,
    ResponseStatus,
    Role,
    utcnow,
)
from inquiry.personal_data.export import collect
from inquiry.reports import jobs
from inquiry.responses import services
from inquiry.responses.views import response_overview

REASONS = (
    "We agree. Every person who starts care at home will be given one named worker, and "
    "their phone number, in the first week."
)
GOOD = {
    "decision": "accepted",
    "reasons": REASONS,
    "lead": "Head of home care, Eastfield",
    "target_on-day": "30",
    "target_on-month": "6",
    "target_on-year": "2027",
}


@pytest.fixture(autouse=True)
def _own_report_folder(
    shared_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """Builds are queued but never run here: the in-process worker is held."""
    monkeypatch.setitem(shared_app.config, "REDIS_URL", "")
    monkeypatch.setitem(shared_app.config, "REPORT_FOLDER", str(tmp_path / "reports"))
    worker = jobs.local_worker(shared_app)
    worker.clear()
    worker.hold()
    yield
    worker.clear()


@pytest.fixture
def adopted(world):
    """Three adopted recommendations (R1 to R3), one not adopted (R4), and version 1 of
    the report published."""
    inquiry = world.inquiry
    titles = ["A named person to call", "Care plans people can read", "Time to talk"]
    recommendations = [
        make_recommendation(
            inquiry, None, title=title, status=RecommendationStatus.ADOPTED, number=number
        )
        for number, title in enumerate(titles, start=1)
    ]
    make_recommendation(
        inquiry,
        None,
        title="A new app for carers",
        status=RecommendationStatus.NOT_ADOPTED,
        number=4,
    )
    stored_build(inquiry, kind=BuildKind.PUBLISHED, version=1)
    return recommendations


def url(inquiry, path: str = "") -> str:
    return f"/inquiries/{inquiry.id}/response{path}"


def answers() -> list[RecommendationAnswer]:
    return list(db.session.scalars(db.select(RecommendationAnswer)))


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def queued_build() -> ReportBuild | None:
    return db.session.scalar(db.select(ReportBuild).where(ReportBuild.status == BuildStatus.QUEUED))


def answer_all(world, recommendations, decision: Decision = Decision.ACCEPTED) -> None:
    for recommendation in recommendations:
        services.save_answer(
            db.session,
            world.inquiry,
            recommendation,
            decision=decision,
            reasons=REASONS,
            lead="Head of home care",
            target_on=date(2027, 6, 30),
            actor=world.people["commissioner"],
            now=utcnow(),
        )
    db.session.commit()


def field_error(page, field_id: str) -> str:
    """The error message shown next to a field (by the id of its wrapper or input)."""
    element = page.select_one(f"#{field_id}-error")
    return " ".join(element.get_text().split()).removeprefix("Error: ") if element else ""


# Who may respond ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["participant", "witness", "observer", "researcher"])
def test_only_commissioners_can_respond(client_request, world, adopted, person):
    client = client_request.login(world.people[person]).client
    assert client.get(url(world.inquiry)).status_code == 403
    assert client.get(url(world.inquiry, "/1")).status_code == 403
    assert client.post(url(world.inquiry, "/1"), data=GOOD).status_code == 403
    assert client.post(url(world.inquiry, "/publish")).status_code == 403
    assert answers() == []


def test_a_commissioner_of_another_inquiry_cannot_respond_to_this_one(client_request, world):
    outsider = make_user("cara.commissioner@example.org")
    add_member(world.other_inquiry, outsider, Role.COMMISSIONER)
    client = client_request.login(outsider).client
    assert client.get(url(world.inquiry)).status_code == 404
    assert client.post(url(world.inquiry, "/1"), data=GOOD).status_code == 404


def test_a_number_that_is_not_a_recommendation_to_answer_is_not_found(
    client_request, world, adopted
):
    make_recommendation(
        world.other_inquiry, None, title="Elsewhere", status=RecommendationStatus.ADOPTED, number=7
    )
    client = client_request.login(world.people["commissioner"]).client
    # R4 was not adopted, R7 is another inquiry's, R9 does not exist.
    for number in (4, 7, 9):
        assert client.get(url(world.inquiry, f"/{number}")).status_code == 404
        assert client.post(url(world.inquiry, f"/{number}"), data=GOOD).status_code == 404
    assert answers() == []


# Before the report is published ---------------------------------------------------------------


def test_before_the_report_is_published_the_pages_say_why_and_nothing_is_saved(
    client_request, world
):
    make_recommendation(
        world.inquiry, None, status=RecommendationStatus.ADOPTED, number=1
    )  # but no published report
    request = client_request.login(world.people["commissioner"])
    page = request.get(url(world.inquiry))
    assert "once the researchers publish it" in page.select_one("#not-ready").get_text()
    assert page.select_one("#recommendations") is None
    page = request.get(url(world.inquiry, "/1"))
    assert "once the researchers publish it" in page.select_one("#refused").get_text()
    assert page.select_one("#main-content form") is None
    page = request.post(url(world.inquiry, "/1"), data=GOOD)
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [services.NOT_YET_MESSAGE]
    # What was written is shown back, so it is not lost.
    assert REASONS in page.select_one("#kept-reasons").get_text()
    assert answers() == []
    assert db.session.scalar(db.select(CommissionerResponse)) is None


def test_a_closed_inquiry_cannot_be_responded_to(world, adopted):
    world.inquiry.status = InquiryStatus.CLOSED
    db.session.commit()
    assert services.can_start(db.session, world.inquiry) == services.CLOSED_MESSAGE
    with pytest.raises(services.ResponseError, match="closed"):
        answer_all(world, adopted[:1])


# Drafting answers -----------------------------------------------------------------------------


def test_the_response_page_lists_the_recommendations_to_answer(client_request, world, adopted):
    world.inquiry.response_due_on = uk_today() + timedelta(days=10)
    db.session.commit()
    page = client_request.login(world.people["commissioner"]).get(url(world.inquiry))
    assert page.h1.get_text() == "The commissioner\u2019s response"
    assert page.select_one("#answered-count").get_text() == "0 of 3 answered"
    rows = page.select("#recommendations .govuk-summary-list__row")
    assert [row["id"] for row in rows] == ["R1", "R2", "R3"]
    assert " ".join(rows[0].dt.get_text().split()) == "R1: A named person to call"
    assert "Not answered yet" in rows[0].get_text()
    link = rows[1].select_one("a")
    assert link["href"] == url(world.inquiry, "/2")
    assert " ".join(link.get_text().split()) == "Answer R2"
    due = (uk_today() + timedelta(days=10)).strftime("%-d %B %Y")
    assert page.select_one("#due-date").get_text().strip() == f"Due by {due}"
    assert page.select_one("#overdue") is None
    assert page.select_one("#check-and-publish")["href"] == url(world.inquiry, "/publish")
    assert page.select_one("#report-link a")["href"] == (
        f"/inquiries/{world.inquiry.id}/report/versions/1.pdf"
    )


def test_the_answer_page_shows_the_recommendation_as_the_report_states_it(
    client_request, world, adopted
):
    page = client_request.login(world.people["commissioner"]).get(url(world.inquiry, "/2"))
    assert page.h1.get_text() == "Your answer to R2: Care plans people can read"
    summary = page.select_one("#recommendation").get_text()
    assert "Everyone who gets care at home has one named person they can call." in summary
    assert "I know who to ring when something changes" in summary
    assert "Care teams agree who holds each person's plan." in summary
    assert "The council's adult social care team" in summary
    assert page.select_one("#outcome").get_text() == "Adopted"
    hints = [" ".join(h.get_text().split()) for h in page.select(".govuk-radios__hint")]
    assert len(hints) == 4
    assert page.select_one("#reasons-hint").get_text().strip() == (
        "In plain English: the cohort and witnesses will read this"
    )


def test_an_answer_is_saved_as_a_draft_and_the_form_is_filled_from_it(
    client_request, world, adopted
):
    request = client_request.login(world.people["commissioner"])
    location = request.post_redirect(url(world.inquiry, "/2"), data=GOOD)
    assert location == url(world.inquiry) + "#R2"
    page = request.get(location)
    assert "Answer to R2 saved as a draft" in page.select_one(".govuk-notification-banner").text
    assert page.select_one("#answered-count").get_text() == "1 of 3 answered"
    assert "Accepted" in page.select_one("#R2").get_text()
    assert " ".join(page.select_one("#R2 a").get_text().split()) == "Change R2"

    [saved] = answers()
    assert saved.recommendation_id == adopted[1].id
    assert saved.decision == Decision.ACCEPTED
    assert saved.reasons == REASONS
    assert saved.lead == "Head of home care, Eastfield"
    assert saved.target_on == date(2027, 6, 30)
    assert saved.updated_by_id == world.people["commissioner"].id
    response = db.session.scalar(db.select(CommissionerResponse))
    assert response.status == ResponseStatus.DRAFT

    page = request.get(url(world.inquiry, "/2"))
    assert page.select_one("input[name=decision][value=accepted]").has_attr("checked")
    assert page.select_one("textarea[name=reasons]").get_text().strip() == REASONS
    assert page.select_one("input[name=lead]")["value"] == "Head of home care, Eastfield"
    assert page.select_one("input[name=target_on-year]")["value"] == "2027"


def test_saving_again_replaces_the_answer_and_each_save_is_audited_without_the_text(
    client_request, world, adopted
):
    request = client_request.login(world.people["commissioner"])
    request.post_redirect(url(world.inquiry, "/1"), data=GOOD)
    changed = {
        **GOOD,
        "decision": "further_work",
        "reasons": "We need to cost this first with the home care providers.",
    }
    request.post_redirect(url(world.inquiry, "/1"), data=changed)
    [saved] = answers()
    assert saved.decision == Decision.FURTHER_WORK
    assert saved.reasons.startswith("We need to cost this")
    saves = events("response.answer_saved")
    assert [e.details["decision"] for e in saves] == ["accepted", "further_work"]
    assert [e.details["replaced"] for e in saves] == [False, True]
    assert all(e.details["recommendation"] == "R1" for e in saves)
    assert all(e.actor_id == world.people["commissioner"].id for e in saves)
    for event in saves:
        text = str(event.details)
        assert "home care" not in text
        assert "Eastfield" not in text
        assert "cost this" not in text


def test_the_reasons_a_lead_and_a_target_date_are_needed(client_request, world, adopted):
    request = client_request.login(world.people["commissioner"])
    typed = {"decision": "accepted_in_part", "reasons": "  ", "lead": "", "target_on-day": "4"}
    page = request.post(url(world.inquiry, "/1"), data=typed)
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [
        "Enter the reasons for your decision",
        "Enter who will lead the work",
        "Target date must include a month and year",
    ]
    assert field_error(page, "reasons") == "Enter the reasons for your decision"
    assert field_error(page, "lead") == "Enter who will lead the work"
    assert field_error(page, "target_on") == "Target date must include a month and year"
    # What was typed is kept.
    assert page.select_one("input[name=decision][value=accepted_in_part]").has_attr("checked")
    assert page.select_one("input[name=target_on-day]")["value"] == "4"
    no_date = {k: v for k, v in GOOD.items() if not k.startswith("target_on")}
    page = request.post(url(world.inquiry, "/1"), data=no_date)
    assert error_messages(page) == ["Enter a target date"]
    assert field_error(page, "target_on") == "Enter a target date"
    assert page.select_one("textarea[name=reasons]").get_text().strip() == REASONS
    assert answers() == []
    assert events("response.answer_saved") == []


def test_without_a_decision_the_form_asks_for_one(client_request, world, adopted):
    request = client_request.login(world.people["commissioner"])
    for decision in ("", "maybe"):
        page = request.post(url(world.inquiry, "/1"), data={**GOOD, "decision": decision})
        assert error_messages(page) == ["Select a decision"]
        assert field_error(page, "decision") == "Select a decision"
    assert answers() == []


def test_not_accepted_needs_only_the_reasons(client_request, world, adopted):
    request = client_request.login(world.people["commissioner"])
    data = {
        "decision": "not_accepted",
        "reasons": "The council cannot fund a new service this year.",
    }
    request.post_redirect(url(world.inquiry, "/3"), data=data)
    [saved] = answers()
    assert saved.decision == Decision.NOT_ACCEPTED
    assert saved.lead == ""
    assert saved.target_on is None


def test_a_target_date_in_the_past_is_allowed(client_request, world, adopted):
    """Work may have started, or been promised, before the response was written."""
    request = client_request.login(world.people["commissioner"])
    past = uk_today() - timedelta(days=30)
    request.post_redirect(
        url(world.inquiry, "/1"),
        data={
            **GOOD,
            "target_on-day": str(past.day),
            "target_on-month": str(past.month),
            "target_on-year": str(past.year),
        },
    )
    assert answers()[0].target_on == past


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reasons": "x" * 5001}, "reasons", "The reasons must be 5,000 characters or fewer"),
        ({"lead": "x" * 201}, "lead", "Who will lead the work must be 200 characters or fewer"),
        (
            {"lead": "Head of\x00 care"},
            "lead",
            "Who will lead the work must not contain control characters",
        ),
        (
            {"target_on-day": "31", "target_on-month": "2"},
            "target_on",
            "Target date must be a real date",
        ),
        ({"target_on-year": "27"}, "target_on", "Year must include 4 numbers"),
    ],
)
def test_bad_input_is_refused_with_the_message_next_to_the_field(
    client_request, world, adopted, changes, field, message
):
    page = client_request.login(world.people["commissioner"]).post(
        url(world.inquiry, "/1"), data={**GOOD, **changes}
    )
    assert error_messages(page) == [message]
    assert field_error(page, field) == message
    assert answers() == []


def test_the_reasons_are_shown_as_text(client_request, world, adopted):
    request = client_request.login(world.people["commissioner"])
    request.post_redirect(
        url(world.inquiry, "/1"), data={**GOOD, "reasons": "<script>alert(1)</script>\nLine two"}
    )
    page = request.get(url(world.inquiry, "/publish"))
    assert page.select_one("script:-soup-contains('alert(1)')") is None
    assert "<script>alert(1)</script>" in page.select_one("#main-content").get_text()


# Checking and publishing -----------------------------------------------------------------------


def test_the_check_page_shows_every_answer_with_change_links(client_request, world, adopted):
    answer_all(world, adopted[:2])
    page = client_request.login(world.people["commissioner"]).get(url(world.inquiry, "/publish"))
    assert page.h1.get_text() == "Check your response before publishing it"
    assert [h.get_text() for h in page.select("h2[id^=R]")] == [
        "R1: A named person to call",
        "R2: Care plans people can read",
        "R3: Time to talk",
    ]
    change_links = {a["href"] for a in page.select(".govuk-summary-list__actions a")}
    assert change_links == {url(world.inquiry, "/1"), url(world.inquiry, "/2")}
    assert "2 of 3 recommendations answered. Answer every recommendation" in " ".join(
        page.select_one("#missing").get_text().split()
    )
    text = " ".join(page.get_text().split())
    assert (
        "Participants and witnesses are told, and a new version of the report with your "
        "response is made." in text
    )
    assert "Answers cannot be changed after publishing." in text


def test_publishing_is_refused_while_a_recommendation_has_no_answer(client_request, world, adopted):
    answer_all(world, adopted[:1])
    page = client_request.login(world.people["commissioner"]).post(url(world.inquiry, "/publish"))
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == ["Answer R2 and R3 before publishing"]
    assert page.select_one(".govuk-error-summary a")["href"] == "#R2"
    response = db.session.scalar(db.select(CommissionerResponse))
    assert response.status == ResponseStatus.DRAFT
    assert queued_build() is None
    assert db.session.scalars(db.select(Notification)).all() == []
    assert events("response.published") == []


def test_publishing_with_nothing_answered_names_every_recommendation(world, adopted):
    with pytest.raises(services.MissingAnswers) as refused:
        services.publish(
            db.session, world.inquiry, actor=world.people["commissioner"], now=utcnow(), link="/"
        )
    assert refused.value.message == "Answer R1, R2 and R3 before publishing"
    assert services.missing_answers(db.session, world.inquiry) == adopted


def test_publishing_makes_a_report_version_and_tells_participants_and_witnesses(
    client_request, world, adopted
):
    inquiry = world.inquiry
    withdrawn = make_user("wyn.withdrawn@example.org")
    add_member(inquiry, withdrawn, Role.WITNESS).status = MembershipStatus.WITHDRAWN
    second_participant = make_user("pat.participant@example.org")
    add_member(inquiry, second_participant, Role.PARTICIPANT)
    db.session.commit()
    answer_all(world, adopted)
    commissioner = world.people["commissioner"]

    request = client_request.login(commissioner)
    location = request.post_redirect(url(inquiry, "/publish"))
    assert location == url(inquiry)
    page = request.get(location)
    assert "Your response is published" in page.select_one(".govuk-notification-banner").text

    response = db.session.scalar(db.select(CommissionerResponse))
    assert response.status == ResponseStatus.PUBLISHED
    assert response.published_at is not None
    assert response.published_by_id == commissioner.id

    build = queued_build()
    assert build.kind == BuildKind.PUBLISHED
    assert build.label == "with the commissioner's response"
    assert build.requested_by_id == commissioner.id
    # The earlier version stays.
    assert db.session.scalar(db.select(ReportBuild).where(ReportBuild.version == 1)) is not None

    notifications = db.session.scalars(db.select(Notification)).all()
    told = {n.user_id for n in notifications}
    assert told == {
        world.people["participant"].id,
        world.people["witness"].id,
        second_participant.id,
    }
    assert {n.link for n in notifications} == {f"/inquiries/{inquiry.id}/progress"}
    assert all(n.inquiry_id == inquiry.id for n in notifications)

    [published] = events("response.published")
    assert published.actor_id == commissioner.id
    assert published.details["answers"] == 3
    assert published.details["decisions"] == {"accepted": 3}
    assert REASONS[:20] not in str(published.details)


def test_publishing_is_refused_with_nothing_saved_while_the_report_is_being_built(
    client_request, world, adopted
):
    answer_all(world, adopted)
    now = utcnow()
    db.session.add(
        ReportBuild(
            inquiry_id=world.inquiry.id,
            kind=BuildKind.DRAFT,
            status=BuildStatus.RUNNING,
            created_at=now,
            started_at=now,
            heartbeat_at=now,
            attempts=1,
        )
    )
    db.session.commit()
    page = client_request.login(world.people["commissioner"]).post(url(world.inquiry, "/publish"))
    assert error_messages(page) == [services.BUILDING_MESSAGE]
    response = db.session.scalar(db.select(CommissionerResponse))
    assert response.status == ResponseStatus.DRAFT
    assert response.published_at is None
    assert queued_build() is None
    assert db.session.scalars(db.select(Notification)).all() == []
    assert events("response.published") == []


# After publishing ------------------------------------------------------------------------------


def test_after_publishing_the_answers_are_read_only(client_request, world, adopted):
    answer_all(world, adopted)
    services.publish(
        db.session, world.inquiry, actor=world.people["commissioner"], now=utcnow(), link="/"
    )
    db.session.commit()
    request = client_request.login(world.people["commissioner"])

    page = request.get(url(world.inquiry))
    assert page.select_one("#recommendations") is None
    assert page.select_one("#check-and-publish") is None
    published = page.select_one("#published-answers")
    assert [h.get_text() for h in published.select("h3")] == [
        "R1: A named person to call",
        "R2: Care plans people can read",
        "R3: Time to talk",
    ]
    assert published.select("a") == []
    assert REASONS in published.get_text()
    assert page.select_one("#progress-link")["href"] == f"/inquiries/{world.inquiry.id}/progress"
    assert page.select_one("#published-on").get_text().startswith("Published on ")

    page = request.get(url(world.inquiry, "/1"))
    assert services.PUBLISHED_MESSAGE in page.select_one("#refused").get_text()
    assert page.select_one("#main-content form") is None
    assert REASONS in page.select_one("#saved-answer").get_text()

    page = request.post(url(world.inquiry, "/1"), data={**GOOD, "reasons": "Changed my mind."})
    assert error_messages(page) == [services.PUBLISHED_MESSAGE]
    assert "Changed my mind." in page.select_one("#kept-reasons").get_text()
    assert {a.reasons for a in answers()} == {REASONS}

    page = request.post(url(world.inquiry, "/publish"))
    assert error_messages(page) == [services.ALREADY_PUBLISHED_MESSAGE]
    assert len(events("response.published")) == 1

    with pytest.raises(services.ResponseError) as refused:
        answer_all(world, adopted[:1], Decision.NOT_ACCEPTED)
    assert refused.value.message == (
        "The response has been published, so answers cannot be changed. "
        "Post a progress update instead."
    )


def test_a_recommendation_that_is_not_one_to_answer_is_refused_by_the_service(world, adopted):
    proposed = make_recommendation(world.inquiry, None, title="Still a proposal")
    with pytest.raises(services.ResponseError, match="not one the response answers"):
        answer_all(world, [proposed])
    elsewhere = make_recommendation(
        world.other_inquiry, None, status=RecommendationStatus.ADOPTED, number=1
    )
    with pytest.raises(services.ResponseError, match="not one the response answers"):
        answer_all(world, [elsewhere])


# The due date ----------------------------------------------------------------------------------


def _overview(app, world, person, inquiry=None):
    """The overview partial as the person sees it."""
    inquiry = inquiry or world.inquiry
    user = world.people[person]
    with app.test_request_context():
        login_user(user)
        from inquiry import policy

        g.membership = policy.membership_of(user, inquiry)
        state = response_overview(inquiry)
        html = render_template("responses/_overview.html", inquiry=inquiry)
    return state, " ".join(html.split())


def test_a_response_due_yesterday_is_overdue_for_researchers_and_commissioners(
    app, client_request, world, adopted
):
    world.inquiry.response_due_on = uk_today() - timedelta(days=1)
    db.session.commit()
    due = (uk_today() - timedelta(days=1)).strftime("%-d %B %Y")

    page = client_request.login(world.people["commissioner"]).get(url(world.inquiry))
    assert "Overdue by 1 day" in page.select_one("#response-status .govuk-tag--red").get_text()
    assert f"It was due by {due}." in page.select_one("#overdue").get_text()

    for person in ("researcher", "commissioner"):
        state, html = _overview(app, world, person)
        assert state.deadline.overdue and state.deadline.days_overdue == 1
        assert f"The response is overdue by 1 day. It was due by {due}." in html
    _, commissioner = _overview(app, world, "commissioner")
    assert f'href="{url(world.inquiry)}"' in commissioner
    assert "0 of 3 recommendations answered" in commissioner
    _, researcher = _overview(app, world, "researcher")
    assert f'href="{url(world.inquiry)}"' not in researcher
    assert "recommendations answered" not in researcher

    for person in ("participant", "witness", "observer"):
        state, html = _overview(app, world, person)
        assert state is None
        assert html == ""


def test_a_response_published_on_time_is_not_overdue(app, client_request, world, adopted):
    world.inquiry.response_due_on = uk_today() - timedelta(days=1)
    make_response(
        world.inquiry,
        dict.fromkeys(adopted, Decision.ACCEPTED),
        published=True,
        by=world.people["commissioner"],
    )
    # Published the day before it was due.
    response = db.session.scalar(db.select(CommissionerResponse))
    response.published_at = utcnow() - timedelta(days=2)
    db.session.commit()
    page = client_request.login(world.people["commissioner"]).get(url(world.inquiry))
    assert page.select_one("#overdue") is None
    assert page.select_one("#response-status .govuk-tag--red") is None
    assert "after the due date" not in page.select_one("#published-on").get_text()
    state, html = _overview(app, world, "researcher")
    assert state.published and not state.deadline.overdue
    assert "The response was published on" in html
    assert "overdue" not in html


def test_the_deadline_on_given_days(world, adopted):
    inquiry = world.inquiry
    inquiry.response_due_on = date(2027, 6, 3)
    db.session.commit()
    on_the_day = services.overview_state(db.session, inquiry, today=date(2027, 6, 3))
    assert not on_the_day.deadline.overdue
    later = services.overview_state(db.session, inquiry, today=date(2027, 6, 13))
    assert later.deadline.overdue and later.deadline.days_overdue == 10
    assert (later.answered, later.total, later.published, later.ready) == (0, 3, False, True)
    answer_all(world, adopted[:2])
    assert services.overview_state(db.session, inquiry, today=date(2027, 6, 13)).answered == 2


def test_without_a_due_date_or_a_published_report_the_overview_says_nothing(app, world):
    state, html = _overview(app, world, "commissioner")
    assert not state.worth_showing
    assert html == ""


# The person's data -----------------------------------------------------------------------------


def test_the_data_download_holds_the_answers_the_commissioner_saved(world, adopted):
    answer_all(world, adopted[:1])
    data = collect(db.session, world.people["commissioner"], now=utcnow())
    assert data["commissioner_response"] == [
        {
            "inquiry_id": world.inquiry.id,
            "recommendation": "R1",
            "decision": "accepted",
            "reasons": REASONS,
            "lead": "Head of home care",
            "target_on": "2027-06-30",
            "saved_at": answers()[0].updated_at.isoformat(),
            "response_status": "draft",
        }
    ]
    assert (
        collect(db.session, world.people["researcher"], now=utcnow())["commissioner_response"] == []
    )
