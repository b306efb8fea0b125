"""Progress after the commissioner's response ("you said, we did"): the progress maths,
posting updates (the service and the form), the progress page every member reads, and
the updates in the person's data download."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from conftest import (
    add_member,
    counting_queries,
    error_messages,
    make_inquiry,
    make_user,
    sign_in_as,
)
from recommendation_factories import make_recommendation
from response_factories import make_challenge, make_response, make_update

from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    ChallengeOutcome,
    ChallengeStatus,
    Decision,
    Inquiry,
    ProgressStatus,
    ProgressUpdate,
    Recommendation,
    RecommendationStatus,
    Role,
    User,
    utcnow,
)
from inquiry.progress import services
from inquiry.responses import summary

TODAY = services.uk_today(utcnow())
LAST_WEEK = TODAY - timedelta(days=7)
NOTE = "Named workers are now in place in three of the five neighbourhoods."
READERS = ("participant", "witness", "commissioner", "observer", "researcher")


@dataclass
class Setting:
    inquiry: Inquiry
    people: dict[str, User]
    r1: Recommendation
    r2: Recommendation
    r3: Recommendation  # not adopted: not one to answer


def adopted(inquiry: Inquiry, number: int, title: str) -> Recommendation:
    return make_recommendation(
        inquiry, None, title=title, status=RecommendationStatus.ADOPTED, number=number
    )


@pytest.fixture
def setting(app) -> Setting:
    researcher = make_user("rosa.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    inquiry.starts_on = TODAY - timedelta(days=200)
    db.session.commit()
    people = {"researcher": researcher}
    for role in (Role.PARTICIPANT, Role.WITNESS, Role.COMMISSIONER, Role.OBSERVER):
        people[role.value] = make_user(f"{role.value}.person@example.org")
        add_member(inquiry, people[role.value], role)
    r1 = adopted(inquiry, 1, "A named person to call")
    r2 = adopted(inquiry, 2, "Visits long enough to talk")
    r3 = make_recommendation(
        inquiry,
        None,
        title="A carers' café in every ward",
        status=RecommendationStatus.NOT_ADOPTED,
        number=3,
    )
    return Setting(inquiry=inquiry, people=people, r1=r1, r2=r2, r3=r3)


def publish(setting: Setting, *, published: bool = True):
    response = make_response(
        setting.inquiry,
        {setting.r1: Decision.ACCEPTED, setting.r2: Decision.NOT_ACCEPTED},
        published=published,
        by=setting.people["commissioner"],
    )
    db.session.commit()
    return response


def post(setting: Setting, recommendation: Recommendation | None = None, **values):
    arguments = {
        "status": ProgressStatus.IN_PROGRESS,
        "percent": 40,
        "note": NOTE,
        "happened_on": LAST_WEEK,
        "actor": setting.people["commissioner"],
        "now": utcnow(),
    }
    arguments.update(values)
    return services.post_update(
        db.session, setting.inquiry, recommendation or setting.r1, **arguments
    )


def updates() -> list[ProgressUpdate]:
    return list(db.session.scalars(db.select(ProgressUpdate).order_by(ProgressUpdate.id)))


def index_url(setting: Setting) -> str:
    return f"/inquiries/{setting.inquiry.id}/progress"


def update_url(setting: Setting, number: int = 1) -> str:
    return f"/inquiries/{setting.inquiry.id}/progress/{number}/update"


def form_data(**values) -> dict[str, str]:
    data = {
        "status": "in_progress",
        "percent": "40",
        "note": NOTE,
        "happened_on-day": str(LAST_WEEK.day),
        "happened_on-month": str(LAST_WEEK.month),
        "happened_on-year": str(LAST_WEEK.year),
    }
    data.update(values)
    return data


def field_error(page, name: str) -> str:
    element = page.select_one(f"#{name}-error")
    assert element is not None, f"no error message next to {name}"
    return " ".join(element.get_text().split()).removeprefix("Error: ")


# The maths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percents", "mean"),
    [
        ([], None),
        ([0], 0),
        ([0, 0, 0], 0),
        ([100, 50], 75),
        ([10, 20, 25], 18),  # 18.33...
        ([0, 1], 1),  # 0.5: half up
        ([33, 34], 34),  # 33.5: half up
        ([1, 2, 2], 2),  # 1.66...
        ([100, 100, 99], 100),  # 99.66...
        ([0, 0, 1], 0),  # 0.33...
    ],
)
def test_the_overall_figure_is_the_mean_rounded_half_up(percents, mean):
    assert summary.mean_percent(percents) == mean


def test_nothing_is_averaged_before_the_response_is_published(setting):
    assert summary.progress_overview(db.session, setting.inquiry).overall_percent is None
    publish(setting, published=False)
    make_update(setting.inquiry, setting.r1, percent=60)
    overview = summary.progress_overview(db.session, setting.inquiry)
    assert not overview.published
    assert overview.overall_percent is None


def test_a_recommendation_without_updates_counts_as_nought(setting):
    publish(setting)
    overview = summary.progress_overview(db.session, setting.inquiry)
    assert overview.overall_percent == 0
    assert [entry.status for entry in overview.entries] == [ProgressStatus.NOT_STARTED] * 2
    make_update(setting.inquiry, setting.r1, percent=45)
    overview = summary.progress_overview(db.session, setting.inquiry)
    assert [entry.percent for entry in overview.entries] == [45, 0]
    assert overview.overall_percent == 23  # 22.5, half up
    assert overview.count(ProgressStatus.IN_PROGRESS) == 1
    assert overview.count(ProgressStatus.NOT_STARTED) == 1


def test_the_latest_update_counts_and_a_dropped_one_keeps_its_percentage(setting):
    publish(setting)
    make_update(setting.inquiry, setting.r1, percent=20, happened_on=LAST_WEEK)
    make_update(setting.inquiry, setting.r1, percent=80, happened_on=TODAY)
    # An update about an earlier day, posted later, is not the latest.
    make_update(setting.inquiry, setting.r1, percent=10, happened_on=LAST_WEEK - timedelta(1))
    make_update(
        setting.inquiry, setting.r2, status=ProgressStatus.DROPPED, percent=30, note="No money."
    )
    overview = summary.progress_overview(db.session, setting.inquiry)
    first, second = overview.entries
    assert [u.percent for u in first.updates] == [80, 20, 10]
    assert first.percent == 80
    assert second.status == ProgressStatus.DROPPED and second.percent == 30
    assert overview.overall_percent == 55
    assert overview.count(ProgressStatus.DROPPED) == 1


# Posting an update: the service -------------------------------------------------------------


def test_an_update_is_added_and_audited_without_its_note(setting):
    publish(setting)
    update = post(setting, status=ProgressStatus.IN_PROGRESS, percent=40)
    db.session.commit()
    assert (update.status, update.percent, update.note) == (ProgressStatus.IN_PROGRESS, 40, NOTE)
    assert update.happened_on == LAST_WEEK
    assert update.author_id == setting.people["commissioner"].id
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "progress.updated"))
    assert event.actor_id == setting.people["commissioner"].id
    assert event.inquiry_id == setting.inquiry.id
    assert event.object_id == update.id
    assert event.details == {"recommendation": "R1", "status": "in_progress", "percent": 40}
    assert "neighbourhoods" not in json.dumps(event.details)


def test_updates_are_added_never_changed(setting):
    publish(setting)
    first = post(setting, percent=40)
    second = post(setting, percent=30, note="We found we had counted one area twice.")
    db.session.commit()
    assert [u.id for u in updates()] == [first.id, second.id]
    assert updates()[0].percent == 40


@pytest.mark.parametrize("published", [None, False])
def test_nothing_is_posted_before_the_response_is_published(setting, published):
    if published is not None:
        publish(setting, published=published)
    with pytest.raises(services.ProgressError) as refused:
        post(setting)
    assert refused.value.message == "Progress can be reported once the response is published"
    assert updates() == []


def test_only_the_recommendations_answered_take_updates(setting):
    publish(setting)
    with pytest.raises(services.ProgressError):
        post(setting, setting.r3)
    other = make_inquiry(make_user("olu.outsider@example.org", researcher=True), "Another")
    theirs = adopted(other, 1, "Someone else's recommendation")
    with pytest.raises(services.ProgressError):
        post(setting, theirs)
    assert updates() == []


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"percent": 101}, "percent", "Enter the progress as a whole number from 0 to 100"),
        ({"percent": -1}, "percent", "Enter the progress as a whole number from 0 to 100"),
        ({"percent": None}, "percent", "Enter the progress as a whole number from 0 to 100"),
        ({"status": ProgressStatus.DONE, "percent": 90}, "percent", services.DONE_MESSAGE),
        (
            {"status": ProgressStatus.NOT_STARTED, "percent": 5},
            "percent",
            services.NOT_STARTED_MESSAGE,
        ),
        ({"note": "  "}, "note", "Enter a short note on what has happened"),
        (
            {"status": ProgressStatus.DROPPED, "note": ""},
            "note",
            "Enter why the recommendation was dropped",
        ),
        ({"note": "x" * 2001}, "note", "The note must be 2,000 characters or fewer"),
        (
            {"happened_on": TODAY + timedelta(days=1)},
            "happened_on",
            "The date of the update must be today or in the past",
        ),
        ({"happened_on": TODAY - timedelta(days=201)}, "happened_on", None),
    ],
)
def test_the_rules_of_an_update(setting, values, field, message):
    publish(setting)
    with pytest.raises(services.ProgressError) as refused:
        post(setting, **values)
    assert refused.value.field == field
    if message is None:
        assert "start date" in refused.value.message
        assert date.strftime(setting.inquiry.starts_on, "%B") in refused.value.message
    else:
        assert refused.value.message == message
    assert updates() == []


@pytest.mark.parametrize(
    "values",
    [
        {"status": ProgressStatus.DONE, "percent": 100, "happened_on": TODAY},
        {"status": ProgressStatus.NOT_STARTED, "percent": 0},
        {"status": ProgressStatus.DROPPED, "percent": 35, "note": "The funding ended."},
        {"status": ProgressStatus.IN_PROGRESS, "percent": 0},
        {"happened_on": TODAY - timedelta(days=200)},  # the inquiry's start date
    ],
)
def test_updates_that_keep_the_rules(setting, values):
    publish(setting)
    post(setting, **values)
    assert len(updates()) == 1


# The progress page -------------------------------------------------------------------------


@pytest.mark.parametrize("person", READERS)
def test_before_publishing_every_member_is_told_when_the_response_is_due(
    client_request, setting, person
):
    setting.inquiry.response_due_on = TODAY + timedelta(days=30)
    db.session.commit()
    page = client_request.login(setting.people[person]).get(index_url(setting))
    assert page.h1.get_text(strip=True) == "You said, we did"
    assert "has not published their response" in page.select_one("#not-published").get_text()
    due = page.select_one("#due-on").get_text()
    assert (TODAY + timedelta(days=30)).strftime("%B %Y") in due
    assert page.select_one("#overdue") is None
    assert page.select_one("#overall-percent") is None


@pytest.mark.parametrize(
    ("person", "sees_overdue"),
    [
        ("researcher", True),
        ("commissioner", True),
        ("participant", False),
        ("witness", False),
        ("observer", False),
    ],
)
def test_only_researchers_and_commissioners_are_told_the_response_is_overdue(
    client_request, setting, person, sees_overdue
):
    setting.inquiry.response_due_on = TODAY - timedelta(days=3)
    db.session.commit()
    publish(setting, published=False)  # a draft does not count
    page = client_request.login(setting.people[person]).get(index_url(setting))
    overdue = page.select_one("#overdue")
    assert (overdue is not None) == sees_overdue
    if sees_overdue:
        assert "overdue by 3 days" in overdue.get_text()
    assert "overdue" not in page.select_one("#due-on").get_text()


def test_no_due_date_is_said_plainly(client_request, setting):
    page = client_request.login(setting.people["participant"]).get(index_url(setting))
    assert "No date has been set" in page.select_one("#due-on").get_text()


@pytest.mark.parametrize("person", READERS)
def test_after_publishing_every_member_reads_each_answer_and_its_timeline(
    client_request, setting, person
):
    publish(setting)
    make_update(setting.inquiry, setting.r1, percent=20, happened_on=LAST_WEEK, note="Started.")
    make_update(setting.inquiry, setting.r1, percent=60, happened_on=TODAY, note="Going well.")
    db.session.commit()
    page = client_request.login(setting.people[person]).get(index_url(setting))
    assert page.select_one("#overall-percent").get_text(strip=True) == "30%"
    assert "average of the latest progress" in page.select_one("#overall-explained").get_text()
    counts = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in page.select("#status-counts tbody tr")
    }
    assert counts == {"Not started": "1", "In progress": "1", "Done": "0", "Dropped": "0"}

    first = page.select_one("#recommendation-1")
    assert first.h2.get_text(strip=True) == "R1: A named person to call"
    text = " ".join(first.get_text().split())
    assert "Accepted" in text and "Head of home care" in text and "30 June 2027" in text
    assert "We agree that people should not repeat their story" in text
    timeline = [" ".join(li.get_text().split()) for li in first.select(".app-timeline > li")]
    assert len(timeline) == 2
    assert timeline[0].startswith(f"{TODAY.day} {TODAY:%B %Y}") and "Going well." in timeline[0]
    assert "60%" in timeline[0] and "20%" in timeline[1] and "Started." in timeline[1]

    second = page.select_one("#recommendation-2")
    assert "Not accepted" in second.get_text()
    assert "No updates yet." in second.get_text()
    # The recommendation the cohort did not adopt is not answered.
    assert page.select_one("#recommendation-3") is None

    links = [a["href"] for a in page.select("a")]
    assert (update_url(setting, 1) in links) == (person == "commissioner")
    start = f"/inquiries/{setting.inquiry.id}/challenges/new/1"
    assert (start in links) == (person in ("commissioner", "researcher"))


def test_a_challenge_shows_its_status_goal_start_and_outcome(client_request, setting):
    publish(setting)
    challenge = make_challenge(
        setting.inquiry, setting.r1, status=ChallengeStatus.CLOSED, starts_on=date(2027, 4, 1)
    )
    challenge.outcome = ChallengeOutcome.PARTLY_MET
    challenge.outcome_summary = "Four in five people knew their named worker within two days."
    db.session.commit()
    page = client_request.login(setting.people["observer"]).get(index_url(setting))
    first = page.select_one("#recommendation-1")
    text = " ".join(first.get_text().split())
    assert "Finished" in text and "1 April 2027" in text
    assert "knows their named worker within two days" in text
    assert "Goal partly met" in text and "Four in five people" in text
    link = f"/inquiries/{setting.inquiry.id}/challenges/{challenge.id}"
    assert link in [a["href"] for a in first.select("a")]
    assert "There is no 100-day challenge for R2" in page.select_one("#recommendation-2").get_text()


def test_what_people_wrote_stays_text(client_request, setting):
    publish(setting)
    make_update(setting.inquiry, setting.r1, note="<script>alert('x')</script>\n\n<b>bold</b>")
    db.session.commit()
    response = client_request.login(setting.people["participant"]).client.get(index_url(setting))
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_the_page_makes_the_same_queries_however_many_recommendations(client, app):
    def counted(number: int) -> int:
        researcher = make_user(f"r{number}@example.org", researcher=True)
        inquiry = make_inquiry(researcher, title=f"Inquiry {number}")
        commissioner = make_user(f"c{number}@example.org")
        add_member(inquiry, commissioner, Role.COMMISSIONER)
        recommendations = [adopted(inquiry, n, f"Recommendation {n}") for n in range(1, number + 1)]
        make_response(inquiry, dict.fromkeys(recommendations, Decision.ACCEPTED), published=True)
        for index, recommendation in enumerate(recommendations):
            make_update(inquiry, recommendation, percent=10)
            make_update(inquiry, recommendation, percent=30, happened_on=TODAY)
            if index % 2:
                make_challenge(inquiry, recommendation, ready=True, reviewed_days=(0,))
        db.session.commit()
        sign_in_as(client, commissioner)
        url = f"/inquiries/{inquiry.id}/progress"
        assert client.get(url).status_code == 200
        with counting_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements)

    assert counted(2) == counted(12)


def test_people_outside_the_inquiry_are_refused(client_request, setting):
    publish(setting)
    outsider = make_user("olu.outsider@example.org", researcher=True)
    make_inquiry(outsider, "Another inquiry")
    client_request.login(outsider)
    assert client_request.client.get(index_url(setting)).status_code == 404
    assert client_request.client.get(update_url(setting)).status_code == 404
    assert client_request.client.post(update_url(setting), data=form_data()).status_code == 404
    assert updates() == []


# Posting an update: the page ------------------------------------------------------------------


@pytest.mark.parametrize("person", ("participant", "witness", "observer", "researcher"))
def test_only_commissioners_post_updates(client_request, setting, person):
    publish(setting)
    client = client_request.login(setting.people[person]).client
    assert client.get(update_url(setting)).status_code == 403
    assert client.post(update_url(setting), data=form_data()).status_code == 403
    assert updates() == []


def test_a_commissioner_posts_an_update(client_request, setting):
    publish(setting)
    client_request.login(setting.people["commissioner"])
    page = client_request.get(update_url(setting))
    assert page.h1.get_text(strip=True) == "Post an update on R1"
    assert "Head of home care" in page.select_one("#answer").get_text()
    assert "There are no updates on R1 yet" in page.select_one("#latest-update").get_text()
    assert page.select_one("input[name=status][checked]") is None

    location = client_request.post_redirect(update_url(setting), form_data(percent="45%"))
    assert location == f"{index_url(setting)}#recommendation-1"
    (update,) = updates()
    assert (update.status, update.percent, update.note) == (ProgressStatus.IN_PROGRESS, 45, NOTE)
    assert update.happened_on == LAST_WEEK
    page = client_request.get(location)
    assert (
        "Your update on R1 is posted." in page.select_one(".govuk-notification-banner").get_text()
    )
    assert page.select_one("#overall-percent").get_text(strip=True) == "23%"
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "progress.updated")
    ).details == {"recommendation": "R1", "status": "in_progress", "percent": 45}


def test_the_form_starts_from_the_latest_status_and_percentage(client_request, setting):
    publish(setting)
    make_update(setting.inquiry, setting.r1, percent=20, happened_on=LAST_WEEK)
    make_update(setting.inquiry, setting.r1, percent=65, happened_on=TODAY, note="Nearly there.")
    db.session.commit()
    page = client_request.login(setting.people["commissioner"]).get(update_url(setting))
    assert page.select_one("input[name=status][checked]")["value"] == "in_progress"
    assert page.select_one("input[name=percent]")["value"] == "65"
    assert page.select_one("input[name=percent]")["inputmode"] == "numeric"
    assert "Nearly there." in page.select_one("#latest-update").get_text()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"percent": "abc"}, "percent", "Enter the progress as a whole number from 0 to 100"),
        ({"percent": "-1"}, "percent", "Enter the progress as a whole number from 0 to 100"),
        ({"percent": "101"}, "percent", "Enter the progress as a whole number from 0 to 100"),
        ({"percent": "50.5"}, "percent", "Enter the progress as a whole number from 0 to 100"),
        ({"percent": ""}, "percent", "Enter the progress as a whole number from 0 to 100"),
        (
            {"status": "done", "percent": "90"},
            "percent",
            "Done means 100%. Enter 100 or choose another status",
        ),
        ({"status": "not_started", "percent": "10"}, "percent", services.NOT_STARTED_MESSAGE),
        ({"status": ""}, "status", "Select the status"),
        ({"status": "finished"}, "status", "Select the status"),
        ({"note": ""}, "note", "Enter a short note on what has happened"),
        ({"status": "dropped", "note": " "}, "note", "Enter why the recommendation was dropped"),
        (
            {
                "happened_on-day": str((TODAY + timedelta(days=1)).day),
                "happened_on-month": str((TODAY + timedelta(days=1)).month),
                "happened_on-year": str((TODAY + timedelta(days=1)).year),
            },
            "happened_on",
            "The date of the update must be today or in the past",
        ),
        (
            {"happened_on-day": "", "happened_on-month": "", "happened_on-year": ""},
            "happened_on",
            "Enter the date of the update",
        ),
        ({"happened_on-month": "13"}, "happened_on", "The date of the update must be a real date"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client_request, setting, values, field, message
):
    publish(setting)
    client_request.login(setting.people["commissioner"])
    data = form_data(**values)
    page = client_request.post(update_url(setting), data)
    assert page.title.get_text().startswith("Error: ")
    assert message in error_messages(page)
    assert field_error(page, field) == message
    assert updates() == []
    # What was typed is kept.
    assert page.select_one("input[name=percent]")["value"] == data["percent"]
    assert page.select_one("textarea[name=note]").get_text().strip() == data["note"].strip()


def test_several_problems_are_shown_together(client_request, setting):
    publish(setting)
    client_request.login(setting.people["commissioner"])
    page = client_request.post(update_url(setting), {"percent": "lots"})
    assert error_messages(page) == [
        "Select the status",
        "Enter the progress as a whole number from 0 to 100",
        "Enter a short note on what has happened",
        "Enter the date of the update",
    ]


def test_before_publishing_the_form_explains_and_a_post_is_refused(client_request, setting):
    publish(setting, published=False)
    client_request.login(setting.people["commissioner"])
    page = client_request.get(update_url(setting))
    assert "once the response is published" in page.select_one("#not-published").get_text()
    assert page.select_one("form textarea") is None
    location = client_request.post_redirect(update_url(setting), form_data())
    assert location == update_url(setting)
    page = client_request.get(location)
    assert "Progress can be reported once the response is published" in page.get_text()
    assert updates() == []


@pytest.mark.parametrize("number", [3, 4, 0])
def test_a_recommendation_that_is_not_answered_is_not_found(client_request, setting, number):
    publish(setting)
    client = client_request.login(setting.people["commissioner"]).client
    assert client.get(update_url(setting, number)).status_code == 404
    assert client.post(update_url(setting, number), data=form_data()).status_code == 404
    assert updates() == []


# The data download ------------------------------------------------------------------------------


def test_the_updates_someone_posted_are_in_their_data_download(client_request, setting):
    publish(setting)
    post(setting, percent=40)
    make_update(setting.inquiry, setting.r2, note="Posted by someone else.")
    db.session.commit()
    client = client_request.login(setting.people["commissioner"]).client
    data = json.loads(client.get("/account/your-data.json").get_data(as_text=True))
    (update,) = data["progress_updates"]
    assert update["note"] == NOTE and update["percent"] == 40 and update["status"] == "in_progress"
    assert update["recommendation_id"] == setting.r1.id
    assert update["happened_on"] == LAST_WEEK.isoformat()
    client = client_request.login(setting.people["participant"]).client
    data = json.loads(client.get("/account/your-data.json").get_data(as_text=True))
    assert data["progress_updates"] == []


@pytest.mark.parametrize(
    ("person", "sees_late"), [("researcher", True), ("commissioner", True), ("observer", False)]
)
def test_a_late_response_is_pointed_out_to_researchers_and_commissioners(
    client_request, setting, person, sees_late
):
    setting.inquiry.response_due_on = TODAY - timedelta(days=10)
    db.session.commit()
    publish(setting)
    page = client_request.login(setting.people[person]).get(index_url(setting))
    assert f"{TODAY.day} {TODAY:%B %Y}" in page.select_one("#published-on").get_text()
    assert (page.select_one("#published-late") is not None) == sees_late


def test_before_publishing_commissioners_are_pointed_to_their_response(client_request, setting):
    response_page = f"/inquiries/{setting.inquiry.id}/response"
    page = client_request.login(setting.people["commissioner"]).get(index_url(setting))
    assert page.select_one("#go-to-response")["href"] == response_page
    page = client_request.login(setting.people["participant"]).get(index_url(setting))
    assert page.select_one("#go-to-response") is None
