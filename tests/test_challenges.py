"""100-day challenges: started from a recommendation, designed, checked for readiness
against the eight conditions, launched, reviewed on day 0, 50 and 100 and finished with
an outcome; through the pages and through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from conftest import (
    add_member,
    check_page,
    error_messages,
    make_inquiry,
    make_user,
    sign_in_as,
)
from recommendation_factories import add_closed_paper, make_ballot, make_recommendation
from response_factories import make_challenge

from inquiry.challenges import services
from inquiry.challenges.services import ChallengeError
from inquiry.extensions import db
from inquiry.models import (
    Agreement,
    AuditEvent,
    BallotStatus,
    Certainty,
    Challenge,
    ChallengeOutcome,
    ChallengeReadiness,
    ChallengeReview,
    ChallengeStatus,
    Inquiry,
    InquiryStatus,
    ReadinessCondition,
    ReadinessRating,
    Recommendation,
    RecommendationStatus,
    Role,
    User,
    utcnow,
)
from inquiry.personal_data.export import collect

GOAL = "Everyone who starts care at home in Northfield knows their named worker within two days."
TEAM = "Northfield home care team\nTwo district nurses\nA carer from the carers' forum"


@dataclass
class Cast:
    inquiry: Inquiry
    researcher: User
    commissioner: User
    participant: User
    witness: User
    observer: User
    r1: Recommendation
    r2: Recommendation
    not_adopted: Recommendation


@pytest.fixture
def cast(app) -> Cast:
    researcher = make_user("rosa.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    people = {}
    for role in (Role.COMMISSIONER, Role.PARTICIPANT, Role.WITNESS, Role.OBSERVER):
        people[role.value] = make_user(f"{role.value}.person@example.org")
        add_member(inquiry, people[role.value], role)
    adopted = RecommendationStatus.ADOPTED
    r1 = make_recommendation(inquiry, None, status=adopted, number=1)
    r2 = make_recommendation(
        inquiry, None, title="Visits long enough to talk", status=adopted, number=2
    )
    not_adopted = make_recommendation(
        inquiry,
        None,
        title="A new app",
        status=RecommendationStatus.NOT_ADOPTED,
        number=3,
    )
    return Cast(
        inquiry=inquiry,
        researcher=researcher,
        r1=r1,
        r2=r2,
        not_adopted=not_adopted,
        **people,
    )


def today() -> date:
    return services.uk_today(utcnow())


def url(inquiry: Inquiry, suffix: str = "") -> str:
    return f"/inquiries/{inquiry.id}/challenges{suffix}"


def challenge_url(challenge: Challenge, suffix: str = "") -> str:
    return f"/inquiries/{challenge.inquiry_id}/challenges/{challenge.id}{suffix}"


def date_fields(name: str, value: date) -> dict[str, str]:
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def design_form(starts_on: date, **changes: str) -> dict[str, str]:
    data = {"goal": GOAL, "sponsor": "Director of Adult Social Care", "team": TEAM}
    data.update(date_fields("starts_on", starts_on))
    data.update(changes)
    return data


def readiness_form(**overrides: tuple[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for condition in ReadinessCondition:
        rating, note = overrides.get(condition.value, ("in_place", ""))
        data[f"{condition.value}_rating"] = rating
        data[f"{condition.value}_note"] = note
    return data


def actions(inquiry: Inquiry) -> list[tuple[str, dict]]:
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.inquiry_id == inquiry.id, AuditEvent.action.like("challenge.%"))
        .order_by(AuditEvent.id)
    )
    return [(event.action, event.details) for event in events]


def flashed_error(page) -> str:
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None, "no error summary"
    return " ".join(summary.get_text().split())


def ready_ratings(**overrides) -> dict:
    ratings = {condition: (ReadinessRating.IN_PLACE, "") for condition in ReadinessCondition}
    ratings.update(overrides)
    return ratings


# The whole lifecycle through the pages ---------------------------------------------------


@pytest.mark.parametrize("runner", ["commissioner", "researcher"])
def test_a_challenge_from_start_to_finish(client, client_request, cast, runner):
    inquiry, person = cast.inquiry, getattr(cast, runner)
    client_request.login(person)
    starts_on = today() - timedelta(days=60)

    page = client_request.get(url(inquiry, "/new/1"))
    assert page.h1.get_text(strip=True) == "Start a 100-day challenge for R1"
    assert cast.r1.body in page.select_one("#the-recommendation").get_text()
    assert (
        page.select_one("#goal-hint")
        .get_text(strip=True)
        .startswith("Ambitious and specific: what will be different in 100 days")
    )

    location = client_request.post_redirect(url(inquiry, "/new/1"), design_form(starts_on))
    challenge = db.session.scalar(db.select(Challenge))
    assert location == challenge_url(challenge)
    assert (challenge.status, challenge.goal, challenge.starts_on) == (
        ChallengeStatus.DESIGN,
        GOAL,
        starts_on,
    )
    assert challenge.created_by_id == person.id

    page = client_request.get(location)
    assert "The 100-day challenge for R1 is started" in page.text
    assert page.h1.get_text(strip=True) == "100-day challenge for R1"
    assert page.select_one("#challenge-status").get_text(strip=True) == "Being designed"
    assert page.select_one("#readiness-not-checked") is not None
    assert page.select_one("#launch") is None
    assert page.select_one("#launch-needs-readiness") is not None
    # The team keeps its line breaks, each line escaped.
    team = page.select_one("#challenge-summary").get_text("|")
    assert "Two district nurses" in team

    page = client_request.get(challenge_url(challenge, "/readiness"))
    legends = [" ".join(x.get_text().split()) for x in page.select("legend")]
    assert legends == [condition.label for condition in ReadinessCondition]
    assert ReadinessCondition.DATA.question in page.text
    location = client_request.post_redirect(
        challenge_url(challenge, "/readiness"),
        readiness_form(data=("not_in_place", "No weekly figures for first visits yet.")),
    )
    assert location == challenge_url(challenge)
    page = client_request.get(location)
    rows = [
        [" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
        for row in page.select("#readiness-table tbody tr")
    ]
    assert rows[1][0].startswith("Data")
    assert rows[1][1:] == ["Not in place", "No weekly figures for first visits yet."]
    assert "Not in place: Data." in page.select_one(".govuk-warning-text").get_text()

    location = client_request.post_redirect(challenge_url(challenge, "/launch"))
    page = client_request.get(location)
    assert f"Its day 0 review is due on {starts_on.day}" in page.text
    assert page.select_one("#challenge-status").get_text(strip=True) == "Live"
    assert page.select_one("#where-it-is").get_text(strip=True) == "Day 60 of 100."
    links = [a["href"] for a in page.select(".govuk-task-list a")]
    assert challenge_url(challenge, "/reviews/0") in links
    assert challenge_url(challenge, "/finish") in links

    for day in (0, 50):
        page = client_request.get(challenge_url(challenge, f"/reviews/{day}"))
        assert page.h1.get_text(strip=True) == f"Day {day} review"
        client_request.post_redirect(
            challenge_url(challenge, f"/reviews/{day}"),
            {
                **date_fields("held_on", starts_on + timedelta(days=day)),
                "note": f"Day {day}: the team tried a welcome call on the first visit.",
            },
        )
    page = client_request.get(challenge_url(challenge))
    cells = [c.get_text(strip=True) for c in page.select("#review-day-50 td")]
    assert cells[2] == "Day 50: the team tried a welcome call on the first visit."
    assert page.select_one("#review-day-100 td:nth-of-type(2)").get_text(strip=True) == "Not yet"

    page = client_request.get(challenge_url(challenge, "/finish"))
    assert page.select_one("#day-100-missing") is not None
    location = client_request.post_redirect(
        challenge_url(challenge, "/finish"),
        {"outcome": "partly_met", "summary": "Four in five people knew their worker by day two."},
    )
    page = client_request.get(location)
    assert "The challenge is finished: goal partly met." in page.text
    assert page.select_one("#challenge-status").get_text(strip=True) == "Finished"
    outcome = page.select_one("#outcome").get_text(" ", strip=True)
    assert "Goal partly met" in outcome
    assert "Four in five people knew their worker by day two." in outcome
    assert page.select_one(".govuk-task-list") is None
    assert page.select_one("#finished-note") is not None

    assert [action for action, _ in actions(inquiry)] == [
        "challenge.started",
        "challenge.readiness_rated",
        "challenge.launched",
        "challenge.reviewed",
        "challenge.reviewed",
        "challenge.closed",
    ]
    details = dict(actions(inquiry))
    assert details["challenge.started"] == {"recommendation": "R1"}
    assert details["challenge.readiness_rated"]["ratings"]["data"] == "not_in_place"
    assert details["challenge.closed"] == {"outcome": "partly_met"}
    # Never the text people wrote.
    written = str(actions(inquiry))
    assert "Northfield" not in written and "weekly figures" not in written


# Who can do what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["participant", "witness", "observer"])
def test_members_and_observers_read_a_challenge_but_cannot_change_it(
    client, client_request, cast, role
):
    challenge = make_challenge(cast.inquiry, cast.r1, ready=True)
    db.session.commit()
    page = client_request.login(getattr(cast, role)).get(challenge_url(challenge))
    assert page.h1.get_text(strip=True) == "100-day challenge for R1"
    assert "Director of Adult Social Care" in page.text
    assert page.select_one(".govuk-task-list") is None
    assert page.select_one("#launch") is None
    for method, suffix in [
        ("get", url(cast.inquiry, "/new/2")),
        ("post", url(cast.inquiry, "/new/2")),
        ("get", challenge_url(challenge, "/edit")),
        ("post", challenge_url(challenge, "/readiness")),
        ("post", challenge_url(challenge, "/launch")),
        ("get", challenge_url(challenge, "/finish")),
    ]:
        assert getattr(client, method)(suffix).status_code == 403, suffix
    assert db.session.get(Challenge, challenge.id).status == ChallengeStatus.DESIGN
    assert db.session.scalar(db.select(db.func.count()).select_from(Challenge)) == 1


def test_another_inquiry_s_challenge_and_unknown_numbers_and_days_are_not_found(client, cast):
    other_researcher = make_user("owen.other@example.org", researcher=True)
    other_inquiry = make_inquiry(other_researcher, title="Another inquiry")
    theirs = make_recommendation(other_inquiry, None, status=RecommendationStatus.ADOPTED, number=1)
    their_challenge = make_challenge(other_inquiry, theirs, status=ChallengeStatus.LIVE)
    ours = make_challenge(cast.inquiry, cast.r1, status=ChallengeStatus.LIVE)
    db.session.commit()
    sign_in_as(client, cast.commissioner)
    base = url(cast.inquiry)
    for suffix in ("", "/edit", "/readiness", "/reviews/0", "/finish"):
        assert client.get(f"{base}/{their_challenge.id}{suffix}").status_code == 404, suffix
    assert client.post(f"{base}/{their_challenge.id}/launch").status_code == 404
    # R3 was not adopted, so it is not one to answer; R9 does not exist.
    assert client.get(url(cast.inquiry, "/new/3")).status_code == 404
    assert client.get(url(cast.inquiry, "/new/9")).status_code == 404
    for day in (1, 7, 99, 101):
        assert client.get(challenge_url(ours, f"/reviews/{day}")).status_code == 404
    assert client.get(challenge_url(ours, "/reviews/100")).status_code == 200


# Refusals ---------------------------------------------------------------------------------


def test_a_recommendation_has_one_challenge_at_most(client_request, cast):
    existing = make_challenge(cast.inquiry, cast.r1)
    db.session.commit()
    client_request.login(cast.commissioner)
    page = client_request.get(url(cast.inquiry, "/new/1"))
    assert page.select_one("#refusal").get_text(strip=True) == (
        "R1 already has a 100-day challenge."
    )
    assert page.select_one("#existing-challenge")["href"] == challenge_url(existing)
    assert page.select_one("main form") is None
    page = client_request.post(url(cast.inquiry, "/new/1"), design_form(today()))
    assert db.session.scalar(db.select(db.func.count()).select_from(Challenge)) == 1
    with pytest.raises(ChallengeError, match="R1 already has a 100-day challenge"):
        services.start_challenge(
            db.session,
            cast.inquiry,
            cast.r1,
            goal=GOAL,
            sponsor="A sponsor",
            team=TEAM,
            starts_on=today(),
            actor=cast.commissioner,
            now=utcnow(),
        )


def test_no_new_challenge_once_the_inquiry_is_closed(client_request, cast):
    cast.inquiry.status = InquiryStatus.CLOSED
    db.session.commit()
    client_request.login(cast.researcher)
    page = client_request.get(url(cast.inquiry, "/new/2"))
    assert "The inquiry is closed" in page.select_one("#refusal").get_text()
    client_request.post(url(cast.inquiry, "/new/2"), design_form(today()))
    assert db.session.scalar(db.select(Challenge)) is None


def test_only_recommendations_to_answer_can_have_a_challenge(cast):
    with pytest.raises(ChallengeError, match="not one of the recommendations"):
        services.start_challenge(
            db.session,
            cast.inquiry,
            cast.not_adopted,
            goal=GOAL,
            sponsor="A sponsor",
            team=TEAM,
            starts_on=today(),
            actor=cast.commissioner,
            now=utcnow(),
        )


def test_launch_waits_for_all_eight_conditions(client, client_request, cast):
    challenge = make_challenge(cast.inquiry, cast.r1)
    db.session.commit()
    client_request.login(cast.commissioner)
    response = client.post(challenge_url(challenge, "/launch"), follow_redirects=True)
    assert response.status_code == 200
    page = check_page(response.get_data(as_text=True))
    assert "Check readiness against all eight conditions before you launch" in flashed_error(page)
    assert db.session.get(Challenge, challenge.id).status == ChallengeStatus.DESIGN
    assert actions(cast.inquiry) == []

    # Seven of eight is not enough either.
    challenge.readiness.append(
        ChallengeReadiness(condition=ReadinessCondition.GOALS, rating=ReadinessRating.IN_PLACE)
    )
    db.session.flush()
    with pytest.raises(ChallengeError, match="all eight"):
        services.launch(db.session, challenge, actor=cast.commissioner, now=utcnow())


def test_launching_twice_is_refused_with_a_message(client, cast):
    challenge = make_challenge(cast.inquiry, cast.r1, status=ChallengeStatus.LIVE, ready=True)
    db.session.commit()
    sign_in_as(client, cast.researcher)
    response = client.post(challenge_url(challenge, "/launch"), follow_redirects=True)
    assert "This challenge is already live." in response.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["/reviews/0", "/reviews/50", "/finish"])
def test_reviews_and_finishing_wait_until_the_challenge_is_live(client, cast, suffix):
    challenge = make_challenge(cast.inquiry, cast.r1, ready=True)
    db.session.commit()
    sign_in_as(client, cast.commissioner)
    for method in ("get", "post"):
        response = getattr(client, method)(challenge_url(challenge, suffix))
        assert response.status_code == 302
        assert response.headers["Location"] == challenge_url(challenge)
    page = check_page(client.get(challenge_url(challenge)).get_data(as_text=True))
    message = "Launch the challenge before you"
    assert message in flashed_error(page)
    assert db.session.scalar(db.select(ChallengeReview)) is None
    with pytest.raises(ChallengeError, match="Launch the challenge before you record"):
        services.record_review(
            db.session,
            challenge,
            0,
            held_on=today(),
            note="Met.",
            actor=cast.commissioner,
            now=utcnow(),
        )


def test_a_finished_challenge_cannot_change(client, cast):
    challenge = make_challenge(
        cast.inquiry, cast.r1, status=ChallengeStatus.CLOSED, ready=True, reviewed_days=(0,)
    )
    challenge.outcome = ChallengeOutcome.MET
    challenge.outcome_summary = "Done."
    db.session.commit()
    sign_in_as(client, cast.commissioner)
    for suffix in ("/edit", "/readiness", "/reviews/0", "/reviews/100", "/finish"):
        for method in ("get", "post"):
            response = getattr(client, method)(challenge_url(challenge, suffix))
            assert response.status_code == 302, (method, suffix)
    response = client.post(challenge_url(challenge, "/launch"))
    assert response.status_code == 302
    page = check_page(client.get(challenge_url(challenge)).get_data(as_text=True))
    assert page.select_one("#finished-note") is not None

    now = utcnow()
    actor = cast.commissioner
    calls = [
        lambda: services.change_challenge(
            db.session,
            challenge,
            goal=GOAL,
            sponsor="Someone else",
            team=TEAM,
            starts_on=challenge.starts_on,
            actor=actor,
            now=now,
        ),
        lambda: services.rate_readiness(
            db.session, challenge, ratings=ready_ratings(), actor=actor, now=now
        ),
        lambda: services.record_review(
            db.session,
            challenge,
            100,
            held_on=today(),
            note="Late.",
            actor=actor,
            now=now,
        ),
        lambda: services.launch(db.session, challenge, actor=actor, now=now),
        lambda: services.close(
            db.session,
            challenge,
            outcome=ChallengeOutcome.NOT_MET,
            summary="Again.",
            actor=actor,
            now=now,
        ),
    ]
    for call in calls:
        with pytest.raises(ChallengeError, match="finished"):
            call()
    db.session.refresh(challenge)
    assert challenge.outcome == ChallengeOutcome.MET
    assert challenge.sponsor == "Director of Adult Social Care"
    assert actions(cast.inquiry) == []


# Bad input keeps the form -------------------------------------------------------------------


def test_starting_with_missing_or_wrong_answers(client_request, cast):
    client_request.login(cast.commissioner)
    page = client_request.post(
        url(cast.inquiry, "/new/2"),
        {
            "goal": "  <b>Half</b> the visits longer  ",
            "sponsor": "",
            "team": "",
            "starts_on-day": "31",
            "starts_on-month": "2",
            "starts_on-year": "2027",
        },
    )
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [
        "Enter the sponsor",
        "Enter who is in the team",
        "Start date must be a real date",
    ]
    assert page.select_one("#sponsor-error") is not None
    assert page.select_one("#goal").get_text() == "<b>Half</b> the visits longer"
    assert page.select_one("#starts_on-day")["value"] == "31"
    for link in page.select(".govuk-error-summary a"):
        assert page.select_one(link["href"]) is not None, link["href"]
    assert db.session.scalar(db.select(Challenge)) is None

    page = client_request.post(url(cast.inquiry, "/new/2"), {})
    assert error_messages(page) == [
        "Enter the goal",
        "Enter the sponsor",
        "Enter who is in the team",
        "Enter the start date",
    ]


def test_readiness_needs_every_rating_and_says_what_is_missing(client_request, cast):
    challenge = make_challenge(cast.inquiry, cast.r1)
    db.session.commit()
    client_request.login(cast.researcher)
    data = readiness_form(data=("not_in_place", ""), urgency=("partly_in_place", "Some."))
    del data["coaching_rating"]
    data["goals_note"] = "Agreed by the team on <Monday>."
    page = client_request.post(challenge_url(challenge, "/readiness"), data)
    assert error_messages(page) == [
        "Say what is missing for Data",
        "Select a rating for Coaching mindsets and behaviours",
    ]
    for link in page.select(".govuk-error-summary a"):
        assert page.select_one(link["href"]) is not None, link["href"]
    assert page.select_one("#data_note-error") is not None
    # What was chosen and typed is kept.
    assert page.select_one("input[name=urgency_rating][value=partly_in_place]").has_attr("checked")
    assert page.select_one("#goals_note").get_text() == "Agreed by the team on <Monday>."
    assert db.session.scalar(db.select(ChallengeReadiness)) is None
    assert actions(cast.inquiry) == []

    with pytest.raises(ChallengeError, match="Say what is missing for Data"):
        services.rate_readiness(
            db.session,
            challenge,
            ratings=ready_ratings(
                **{ReadinessCondition.DATA: (ReadinessRating.NOT_IN_PLACE, "  ")}
            ),
            actor=cast.researcher,
            now=utcnow(),
        )
    ratings = ready_ratings()
    del ratings[ReadinessCondition.TEAMS]
    with pytest.raises(ChallengeError, match="Select a rating for Diverse place-based teams"):
        services.rate_readiness(
            db.session, challenge, ratings=ratings, actor=cast.researcher, now=utcnow()
        )


def test_readiness_can_be_checked_again_and_the_form_shows_the_last_check(client_request, cast):
    challenge = make_challenge(cast.inquiry, cast.r1, status=ChallengeStatus.LIVE, ready=True)
    db.session.commit()
    client_request.login(cast.commissioner)
    page = client_request.get(challenge_url(challenge, "/readiness"))
    checked = page.select_one("input[name=data_rating][checked]")
    assert checked["value"] == "in_place"
    assert page.select_one("#data_note").get_text() == "Agreed at the planning meeting."
    client_request.post_redirect(
        challenge_url(challenge, "/readiness"),
        readiness_form(permission=("partly_in_place", "Rotas still fixed by the agency.")),
    )
    rows = {row.condition: row for row in db.session.get(Challenge, challenge.id).readiness}
    assert len(rows) == 8
    assert rows[ReadinessCondition.PERMISSION].rating == ReadinessRating.PARTLY_IN_PLACE
    assert rows[ReadinessCondition.PERMISSION].note == "Rotas still fixed by the agency."


def test_review_dates_and_notes_are_checked(client_request, cast):
    starts_on = today() - timedelta(days=10)
    challenge = make_challenge(
        cast.inquiry, cast.r1, status=ChallengeStatus.LIVE, ready=True, starts_on=starts_on
    )
    db.session.commit()
    client_request.login(cast.commissioner)
    review_url = challenge_url(challenge, "/reviews/0")

    page = client_request.post(review_url, {})
    assert error_messages(page) == [
        "Enter the date the review was held",
        "Enter what the review found",
    ]
    tomorrow = today() + timedelta(days=1)
    page = client_request.post(
        review_url, {**date_fields("held_on", tomorrow), "note": "We met & agreed."}
    )
    assert error_messages(page) == ["Date held must be today or in the past"]
    assert page.select_one("#held_on-error") is not None
    assert page.select_one("#note").get_text() == "We met & agreed."
    before = starts_on - timedelta(days=1)
    page = client_request.post(
        review_url, {**date_fields("held_on", before), "note": "We met & agreed."}
    )
    assert error_messages(page) == [
        f"Date held must be on or after the start date, {starts_on.day} "
        f"{starts_on:%B} {starts_on.year}"
    ]
    assert db.session.scalar(db.select(ChallengeReview)) is None
    assert actions(cast.inquiry) == []

    # Today and the start date itself are fine.
    client_request.post_redirect(
        review_url, {**date_fields("held_on", starts_on), "note": "First note."}
    )
    client_request.post_redirect(
        review_url, {**date_fields("held_on", today()), "note": "Second note."}
    )
    reviews = db.session.scalars(db.select(ChallengeReview)).all()
    assert [(r.day, r.held_on, r.note) for r in reviews] == [(0, today(), "Second note.")]
    assert [d for a, d in actions(cast.inquiry)] == [
        {"day": 0, "replaced": False},
        {"day": 0, "replaced": True},
    ]
    page = client_request.get(review_url)
    assert page.select_one("#replacing") is not None
    assert page.select_one("#note").get_text() == "Second note."


def test_finishing_needs_an_outcome_and_a_summary(client_request, cast):
    challenge = make_challenge(
        cast.inquiry, cast.r1, status=ChallengeStatus.LIVE, ready=True, reviewed_days=(0, 50, 100)
    )
    db.session.commit()
    client_request.login(cast.researcher)
    page = client_request.get(challenge_url(challenge, "/finish"))
    assert page.select_one("#day-100-missing") is None
    page = client_request.post(challenge_url(challenge, "/finish"), {"summary": "Kept."})
    assert error_messages(page) == ["Select whether the goal was met"]
    assert page.select_one("#summary").get_text() == "Kept."
    page = client_request.post(challenge_url(challenge, "/finish"), {"outcome": "met"})
    assert error_messages(page) == ["Enter a summary of what happened"]
    page = client_request.post(
        challenge_url(challenge, "/finish"), {"outcome": "nearly", "summary": "Kept."}
    )
    assert error_messages(page) == ["Select whether the goal was met"]
    assert db.session.get(Challenge, challenge.id).status == ChallengeStatus.LIVE
    assert actions(cast.inquiry) == []


# Changing the design ---------------------------------------------------------------------------


def test_everything_changes_while_designing(client_request, cast):
    challenge = make_challenge(cast.inquiry, cast.r1)
    db.session.commit()
    client_request.login(cast.commissioner)
    page = client_request.get(challenge_url(challenge, "/edit"))
    assert page.h1.get_text(strip=True) == "Change the challenge"
    assert page.select_one("#goal").get_text() == challenge.goal
    assert page.select_one("#starts_on-year")["value"] == "2027"
    new_start = date(2027, 5, 4)
    client_request.post_redirect(
        challenge_url(challenge, "/edit"),
        design_form(new_start, sponsor="Chief Nurse, Northfield"),
    )
    changed = db.session.get(Challenge, challenge.id)
    assert (changed.goal, changed.sponsor, changed.starts_on) == (
        GOAL,
        "Chief Nurse, Northfield",
        new_start,
    )
    assert actions(cast.inquiry) == [
        ("challenge.changed", {"fields": ["goal", "sponsor", "team", "starts_on"]})
    ]
    # Saving the same again changes nothing and records nothing.
    location = client_request.post_redirect(
        challenge_url(challenge, "/edit"),
        design_form(new_start, sponsor="Chief Nurse, Northfield"),
    )
    assert "Nothing was changed." in client_request.get(location).text
    assert len(actions(cast.inquiry)) == 1


def test_a_live_challenge_keeps_its_goal_and_start_date(client_request, cast):
    challenge = make_challenge(cast.inquiry, cast.r1, status=ChallengeStatus.LIVE, ready=True)
    db.session.commit()
    client_request.login(cast.researcher)
    page = client_request.get(challenge_url(challenge, "/edit"))
    assert page.h1.get_text(strip=True) == "Change the sponsor or team"
    assert page.select_one("textarea#goal") is None
    assert page.select_one("#starts_on-day") is None
    assert page.select_one("#live-note") is not None
    # A goal sent anyway is ignored: only the sponsor and team are read.
    client_request.post_redirect(
        challenge_url(challenge, "/edit"),
        {"goal": "Something easier", "sponsor": "Deputy Director", "team": TEAM},
    )
    changed = db.session.get(Challenge, challenge.id)
    assert changed.goal.startswith("Every person who starts care at home in Eastfield")
    assert (changed.sponsor, changed.team) == ("Deputy Director", TEAM)
    assert actions(cast.inquiry) == [("challenge.changed", {"fields": ["sponsor", "team"]})]
    with pytest.raises(ChallengeError, match="The goal cannot change once the challenge is live"):
        services.change_challenge(
            db.session,
            changed,
            goal="Something easier",
            sponsor="Deputy Director",
            team=TEAM,
            starts_on=changed.starts_on,
            actor=cast.researcher,
            now=utcnow(),
        )
    with pytest.raises(ChallengeError, match="The start date cannot change"):
        services.change_challenge(
            db.session,
            changed,
            goal=changed.goal,
            sponsor="Deputy Director",
            team=TEAM,
            starts_on=changed.starts_on + timedelta(days=7),
            actor=cast.researcher,
            now=utcnow(),
        )


# Reading ------------------------------------------------------------------------------------


def test_what_people_wrote_is_escaped(client_request, cast):
    challenge = make_challenge(cast.inquiry, cast.r1, status=ChallengeStatus.LIVE, ready=True)
    challenge.goal = "<script>alert('goal')</script>"
    challenge.sponsor = "<i>Director</i>"
    challenge.readiness[0].note = "<b>bold</b> note"
    db.session.add(
        ChallengeReview(
            challenge_id=challenge.id,
            day=0,
            held_on=challenge.starts_on,
            note="<img src=x onerror=alert(1)>",
        )
    )
    db.session.commit()
    page = client_request.login(cast.observer).get(challenge_url(challenge))
    assert page.select_one("main script") is None
    assert page.select_one("main img") is None
    assert page.select_one("#challenge-summary i") is None
    assert "<script>alert('goal')</script>" in page.select_one("#challenge-summary").get_text()
    assert "<b>bold</b> note" in page.select_one("#readiness-table").get_text()


def test_the_review_schedule_counts_from_the_start_date(cast):
    challenge = make_challenge(
        cast.inquiry, cast.r1, starts_on=date(2027, 4, 1), reviewed_days=(0,)
    )
    schedule = services.review_schedule(challenge)
    assert [(item.day, item.due_on) for item in schedule] == [
        (0, date(2027, 4, 1)),
        (50, date(2027, 5, 21)),
        (100, date(2027, 7, 10)),
    ]
    assert schedule[0].review is not None and schedule[1].review is None
    assert services.ends_on(challenge) == date(2027, 7, 10)
    progress = services.progress_of(challenge, today=date(2027, 3, 30))
    assert (progress.day, progress.started, progress.next_review.day) == (-2, False, 50)


def test_a_challenge_can_launch_before_its_start_date(client_request, cast):
    starts_on = today() + timedelta(days=14)
    challenge = make_challenge(cast.inquiry, cast.r1, ready=True, starts_on=starts_on)
    db.session.commit()
    client_request.login(cast.commissioner)
    location = client_request.post_redirect(challenge_url(challenge, "/launch"))
    page = client_request.get(location)
    assert "The 100 days start on" in page.select_one("#where-it-is").get_text()
    # Nothing can have been held yet: a review needs a date on or after the start.
    page = client_request.post(
        challenge_url(challenge, "/reviews/0"),
        {**date_fields("held_on", today()), "note": "Too early."},
    )
    assert error_messages(page)[0].startswith("Date held must be on or after the start date")


def test_the_matrix_suggests_a_challenge_for_the_complex_zone(client_request, cast):
    ballot = make_ballot(cast.inquiry, [cast.r1, cast.r2], status=BallotStatus.CLOSED)
    for _ in range(3):
        add_closed_paper(
            ballot,
            {
                cast.r1: (Agreement.STRONGLY_AGREE, Certainty.HIGH),
                cast.r2: (Agreement.STRONGLY_AGREE, Certainty.LOW),
            },
        )
    ballot.eligible_count = ballot.participant_count = 3
    db.session.commit()
    client_request.login(cast.researcher)
    page = client_request.get(url(cast.inquiry, "/new/2"))
    assert "puts R2 in the complex zone" in page.select_one("#matrix-suggests").get_text()
    page = client_request.get(url(cast.inquiry, "/new/1"))
    assert page.select_one("#matrix-suggests") is None

    # A later ballot over another recommendation leaves R2 decided by the first.
    r4 = make_recommendation(
        cast.inquiry, None, title="A key safe", status=RecommendationStatus.ADOPTED, number=4
    )
    later = make_ballot(cast.inquiry, [r4], status=BallotStatus.CLOSED)
    for _ in range(3):
        add_closed_paper(later, {r4: (Agreement.STRONGLY_AGREE, Certainty.HIGH)})
    later.eligible_count = later.participant_count = 3
    db.session.commit()
    page = client_request.get(url(cast.inquiry, "/new/2"))
    assert "puts R2 in the complex zone" in page.select_one("#matrix-suggests").get_text()


def test_the_data_download_holds_the_challenges_a_person_started(cast):
    now = utcnow()
    challenge = services.start_challenge(
        db.session,
        cast.inquiry,
        cast.r2,
        goal=GOAL,
        sponsor="Director of Adult Social Care",
        team=TEAM,
        starts_on=today(),
        actor=cast.commissioner,
        now=now,
    )
    services.rate_readiness(
        db.session, challenge, ratings=ready_ratings(), actor=cast.commissioner, now=now
    )
    services.launch(db.session, challenge, actor=cast.commissioner, now=now)
    services.record_review(
        db.session,
        challenge,
        0,
        held_on=today(),
        note="We met.",
        actor=cast.researcher,
        now=now,
    )
    db.session.commit()
    mine = collect(db.session, cast.commissioner, now=now)["challenges"]
    assert [c["goal"] for c in mine["challenges_you_started"]] == [GOAL]
    assert len(mine["challenges_you_started"][0]["readiness"]) == 8
    assert mine["reviews_you_recorded"] == []
    theirs = collect(db.session, cast.researcher, now=now)["challenges"]
    assert [r["note"] for r in theirs["reviews_you_recorded"]] == ["We met."]
    assert collect(db.session, cast.participant, now=now)["challenges"] == {}
