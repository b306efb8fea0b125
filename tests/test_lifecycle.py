"""An inquiry's stages: the guards, the service and the researchers' stage pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import add_member, make_inquiry, make_user, sign_in_as
from recommendation_factories import make_ballot, make_recommendation
from sqlalchemy import select

from inquiry.extensions import db
from inquiry.inquiries import lifecycle
from inquiry.models import (
    AuditEvent,
    BallotStatus,
    BuildKind,
    BuildStatus,
    ConsentAudience,
    ConsentText,
    InquiryStatus,
    MembershipStatus,
    RecommendationStatus,
    ReportBuild,
    Role,
    Round,
    RoundKind,
    utcnow,
)
from inquiry.reports.services import has_published_version

S = InquiryStatus


def text_of(node) -> str:
    return " ".join(node.get_text().split())


@pytest.fixture(autouse=True)
def _guards_restored():
    """Tests that register guards leave the registry as they found it."""
    saved = {key: list(guards) for key, guards in lifecycle.GUARDS.items()}
    yield
    lifecycle.GUARDS.clear()
    lifecycle.GUARDS.update(saved)


@pytest.fixture
def researcher(app):
    return make_user("morgan.hale@example.org", name="Morgan Hale", researcher=True)


@pytest.fixture
def inquiry(researcher):
    return make_inquiry(researcher)


def set_stage(inquiry, stage: InquiryStatus) -> None:
    inquiry.status = stage
    db.session.commit()


def add_round(inquiry, *, held_on: date | None = None, position: int = 1) -> Round:
    round_ = Round(
        inquiry_id=inquiry.id,
        position=position,
        kind=RoundKind.EVIDENCE_HEARING,
        title=f"Session {position}",
        held_on=held_on,
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def add_consent_text(inquiry, audience=ConsentAudience.PARTICIPANT) -> ConsentText:
    text = ConsentText(
        inquiry_id=inquiry.id, audience=audience, version=1, body="What taking part involves."
    )
    db.session.add(text)
    db.session.commit()
    return text


def add_participant(inquiry, email="priya.shah@example.org", status=MembershipStatus.ACTIVE):
    membership = add_member(inquiry, make_user(email), Role.PARTICIPANT)
    membership.status = status
    db.session.commit()
    return membership


def stage_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "inquiry.stage_changed")
            .order_by(AuditEvent.id)
        )
    )


# Stages ------------------------------------------------------------------------------


def test_stages_run_from_draft_to_closed():
    order = [lifecycle.STAGES[0]]
    while (following := lifecycle.next_stage(order[-1])) is not None:
        order.append(following)
    assert order == [
        S.DRAFT,
        S.RECRUITING,
        S.IN_SESSION,
        S.VOTING,
        S.REPORTING,
        S.PUBLISHED,
        S.CLOSED,
    ]
    assert all(lifecycle.STAGE_DESCRIPTIONS[stage] for stage in order)


@pytest.mark.parametrize(
    ("text", "stage"),
    [("in-session", S.IN_SESSION), ("in_session", S.IN_SESSION), ("closed", S.CLOSED)],
)
def test_stage_names_in_addresses(text, stage):
    assert lifecycle.parse_stage(text) == stage
    assert lifecycle.parse_stage(lifecycle.url_name(stage)) == stage


def test_unknown_stage_names_are_not_stages():
    assert lifecycle.parse_stage("finished") is None
    assert lifecycle.parse_stage("") is None


# Guards ------------------------------------------------------------------------------


def test_recruiting_needs_a_session_plan_and_a_participant_consent_text(inquiry):
    assert lifecycle.blockers(db.session, inquiry, S.RECRUITING) == [
        "There are no sessions in the plan yet",
        "There is no information and consent text for participants yet",
    ]
    add_round(inquiry)
    add_consent_text(inquiry, ConsentAudience.WITNESS)
    assert lifecycle.blockers(db.session, inquiry, S.RECRUITING) == [
        "There is no information and consent text for participants yet"
    ]
    add_consent_text(inquiry)
    assert lifecycle.blockers(db.session, inquiry, S.RECRUITING) == []


def test_another_inquirys_plan_and_texts_do_not_count(inquiry, researcher):
    other = make_inquiry(researcher, title="Another inquiry")
    add_round(other)
    add_consent_text(other)
    assert len(lifecycle.blockers(db.session, inquiry, S.RECRUITING)) == 2


def test_sessions_start_once_a_participant_has_joined(inquiry):
    set_stage(inquiry, S.RECRUITING)
    add_member(inquiry, make_user("sam.witness@example.org"), Role.WITNESS)
    add_participant(inquiry, "left@example.org", MembershipStatus.WITHDRAWN)
    add_participant(inquiry, "invited@example.org", MembershipStatus.INVITED)
    assert lifecycle.blockers(db.session, inquiry, S.IN_SESSION) == [
        "No participant has joined yet"
    ]
    add_participant(inquiry)
    assert lifecycle.blockers(db.session, inquiry, S.IN_SESSION) == []


def going_to_the_vote(inquiry):
    return make_recommendation(inquiry, None, status=RecommendationStatus.FROZEN, number=1)


def test_voting_needs_a_session_held_on_or_before_today(inquiry):
    set_stage(inquiry, S.IN_SESSION)
    going_to_the_vote(inquiry)
    add_round(inquiry, held_on=None, position=1)
    add_round(inquiry, held_on=lifecycle.today() + timedelta(days=1), position=2)
    assert lifecycle.blockers(db.session, inquiry, S.VOTING) == ["No session has been held yet"]
    add_round(inquiry, held_on=lifecycle.today(), position=3)
    assert lifecycle.blockers(db.session, inquiry, S.VOTING) == []


def test_voting_needs_a_recommendation_going_to_the_vote(inquiry):
    set_stage(inquiry, S.IN_SESSION)
    add_round(inquiry, held_on=lifecycle.today())
    make_recommendation(inquiry, None, status=RecommendationStatus.PROPOSED)
    assert lifecycle.blockers(db.session, inquiry, S.VOTING) == [
        "No recommendation is going to the vote yet"
    ]
    going_to_the_vote(inquiry)
    assert lifecycle.blockers(db.session, inquiry, S.VOTING) == []


def test_reporting_needs_a_closed_ballot_and_none_open(inquiry):
    set_stage(inquiry, S.VOTING)
    recommendation = going_to_the_vote(inquiry)
    assert lifecycle.blockers(db.session, inquiry, S.REPORTING) == ["No ballot has closed yet"]
    make_ballot(inquiry, [recommendation], status=BallotStatus.CLOSED)
    assert lifecycle.blockers(db.session, inquiry, S.REPORTING) == []
    make_ballot(inquiry, [recommendation], status=BallotStatus.OPEN)
    assert lifecycle.blockers(db.session, inquiry, S.REPORTING) == ["A ballot is still open"]


def published_version(inquiry) -> ReportBuild:
    build = ReportBuild(
        inquiry_id=inquiry.id,
        kind=BuildKind.PUBLISHED,
        status=BuildStatus.DONE,
        version=1,
        published_at=utcnow(),
    )
    db.session.add(build)
    db.session.commit()
    return build


def test_publishing_is_refused_until_there_is_a_published_report(inquiry):
    set_stage(inquiry, S.REPORTING)
    assert lifecycle.blockers(db.session, inquiry, S.PUBLISHED) == [
        "There is no published report yet"
    ]
    db.session.add(
        ReportBuild(inquiry_id=inquiry.id, kind=BuildKind.DRAFT, status=BuildStatus.DONE)
    )
    db.session.commit()
    assert lifecycle.blockers(db.session, inquiry, S.PUBLISHED) == [
        "There is no published report yet"
    ]
    published_version(inquiry)
    assert lifecycle.blockers(db.session, inquiry, S.PUBLISHED) == []


def test_a_published_inquiry_can_be_closed(inquiry):
    set_stage(inquiry, S.PUBLISHED)
    assert lifecycle.blockers(db.session, inquiry, S.CLOSED) == []


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        (S.DRAFT, S.DRAFT, "The inquiry is already at the draft stage"),
        (S.DRAFT, S.IN_SESSION, "Stages move one at a time: the next stage is recruiting"),
        (S.VOTING, S.CLOSED, "Stages move one at a time: the next stage is reporting"),
        (
            S.VOTING,
            S.RECRUITING,
            "The inquiry has moved past the recruiting stage and stages only move forward",
        ),
        (
            S.CLOSED,
            S.DRAFT,
            "The inquiry has moved past the draft stage and stages only move forward",
        ),
    ],
)
def test_stages_move_forward_one_at_a_time(inquiry, current, target, reason):
    set_stage(inquiry, current)
    assert lifecycle.blockers(db.session, inquiry, target) == [reason]


# The registry --------------------------------------------------------------------------


def test_a_feature_can_add_its_own_guard(inquiry):
    set_stage(inquiry, S.VOTING)
    make_ballot(inquiry, [going_to_the_vote(inquiry)], status=BallotStatus.CLOSED)

    @lifecycle.register_guard(S.VOTING, S.REPORTING)
    def ballot_closed(session, checked):
        assert checked is inquiry
        return "The ballot is still open"

    assert lifecycle.blockers(db.session, inquiry, S.REPORTING) == ["The ballot is still open"]
    # Registering the same check again does not ask twice.
    lifecycle.register_guard(S.VOTING, S.REPORTING, ballot_closed)
    assert lifecycle.blockers(db.session, inquiry, S.REPORTING) == ["The ballot is still open"]
    lifecycle.unregister_guard(S.VOTING, S.REPORTING, ballot_closed)
    assert lifecycle.blockers(db.session, inquiry, S.REPORTING) == []


def test_a_feature_can_replace_the_report_guard(inquiry):
    set_stage(inquiry, S.REPORTING)

    def report_published(session, checked):
        return None

    lifecycle.register_guard(
        "reporting", "published", report_published, replaces=has_published_version
    )
    assert lifecycle.GUARDS[(S.REPORTING, S.PUBLISHED)] == [report_published]
    assert lifecycle.blockers(db.session, inquiry, S.PUBLISHED) == []


def test_guards_only_join_neighbouring_stages():
    with pytest.raises(ValueError, match="not a move between stages"):
        lifecycle.register_guard(S.DRAFT, S.VOTING, lambda session, inquiry: None)
    with pytest.raises(ValueError):
        lifecycle.register_guard("finished", S.CLOSED, lambda session, inquiry: None)


# The service --------------------------------------------------------------------------------


def test_changing_stage_records_who_moved_it_from_where_to_where(inquiry, researcher):
    add_round(inquiry)
    add_consent_text(inquiry)
    now = utcnow()
    previous = lifecycle.change_stage(db.session, inquiry, S.RECRUITING, actor=researcher, now=now)
    db.session.commit()
    assert previous == S.DRAFT
    assert inquiry.status == S.RECRUITING
    (event,) = stage_events()
    assert (event.actor_id, event.inquiry_id) == (researcher.id, inquiry.id)
    assert (event.object_type, event.object_id) == ("inquiry", inquiry.id)
    assert event.details == {"from": "draft", "to": "recruiting"}
    assert lifecycle.stage_changed_at(db.session, inquiry) == event.created_at


def test_a_draft_has_never_changed_stage(inquiry):
    assert lifecycle.stage_changed_at(db.session, inquiry) is None


def test_a_refused_change_raises_with_the_reasons_and_changes_nothing(inquiry, researcher):
    with pytest.raises(lifecycle.StageError) as refused:
        lifecycle.change_stage(db.session, inquiry, S.RECRUITING, actor=researcher, now=utcnow())
    assert refused.value.reasons == [
        "There are no sessions in the plan yet",
        "There is no information and consent text for participants yet",
    ]
    db.session.rollback()
    assert inquiry.status == S.DRAFT
    assert stage_events() == []


def test_the_whole_journey(inquiry, researcher):
    add_round(inquiry, held_on=lifecycle.today() - timedelta(days=7))
    add_consent_text(inquiry)
    add_participant(inquiry)
    # Voting needs a recommendation going to the vote; reporting, a closed ballot.
    make_ballot(inquiry, [going_to_the_vote(inquiry)], status=BallotStatus.CLOSED)
    published_version(inquiry)
    for target in lifecycle.STAGES[1:]:
        lifecycle.change_stage(db.session, inquiry, target, actor=researcher, now=utcnow())
    db.session.commit()
    assert inquiry.status == S.CLOSED
    assert [(e.details["from"], e.details["to"]) for e in stage_events()] == [
        (a.value, b.value) for a, b in zip(lifecycle.STAGES, lifecycle.STAGES[1:], strict=False)
    ]
    assert lifecycle.next_stage(inquiry.status) is None


# The pages --------------------------------------------------------------------------------


def test_stage_page_shows_the_stages_and_why_the_next_is_not_possible(
    client_request, inquiry, researcher
):
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/stage")
    assert text_of(page.h1) == "Stage of the inquiry"
    assert "The inquiry is at the draft stage" in text_of(page.select_one("#current-stage"))
    assert [text_of(li) for li in page.select("#stage-blockers li")] == [
        "There are no sessions in the plan yet",
        "There is no information and consent text for participants yet",
    ]
    assert page.find("a", string=lambda s: s and "Move to" in s) is None
    rows = [text_of(row.th) for row in page.select("tbody tr")]
    assert rows == [
        "Draft",
        "Recruiting",
        "In session",
        "Voting",
        "Reporting",
        "Published",
        "Closed",
    ]
    current = page.select_one('tr[aria-current="step"]')
    assert "Current stage" in text_of(current)


def test_stage_page_offers_the_next_stage_when_it_is_allowed(client_request, inquiry, researcher):
    add_round(inquiry)
    add_consent_text(inquiry)
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/stage")
    button = page.find("a", string=lambda s: s and "Move to recruiting" in s)
    assert button["href"] == f"/inquiries/{inquiry.id}/stage/recruiting"
    assert page.select("#stage-blockers") == []


def test_moving_on_after_confirming(client_request, inquiry, researcher):
    add_round(inquiry)
    add_consent_text(inquiry)
    client_request.login(researcher)
    url = f"/inquiries/{inquiry.id}/stage/recruiting"
    page = client_request.get(url)
    assert text_of(page.h1) == "Move the inquiry to the recruiting stage?"
    assert lifecycle.STAGE_DESCRIPTIONS[S.RECRUITING] in text_of(page)
    assert "cannot move the inquiry back to the draft stage" in text_of(page)
    form = page.select_one("main form")
    assert form["action"] == url
    assert inquiry.status == S.DRAFT  # looking is not doing

    location = client_request.post_redirect(url)
    assert location == f"/inquiries/{inquiry.id}/stage"
    db.session.refresh(inquiry)
    assert inquiry.status == S.RECRUITING
    (event,) = stage_events()
    assert event.details == {"from": "draft", "to": "recruiting"}
    page = client_request.get(location)
    banner = text_of(page.select_one(".govuk-notification-banner"))
    assert "moved from draft to recruiting" in banner
    current = text_of(page.select_one("#current-stage"))
    assert current.startswith("The inquiry is at the recruiting stage, since ")


def test_a_refused_move_shows_why_and_changes_nothing(client_request, inquiry, researcher):
    set_stage(inquiry, S.REPORTING)
    client_request.login(researcher)
    url = f"/inquiries/{inquiry.id}/stage/published"
    page = client_request.get(url)
    assert [text_of(li) for li in page.select("#stage-blockers li")] == [
        "There is no published report yet"
    ]
    assert page.select("main form") == []
    page = client_request.post(url)
    assert [text_of(li) for li in page.select("#stage-blockers li")] == [
        "There is no published report yet"
    ]
    db.session.refresh(inquiry)
    assert inquiry.status == S.REPORTING
    assert stage_events() == []


def test_skipping_a_stage_through_the_address_is_refused(client_request, inquiry, researcher):
    add_round(inquiry)
    add_consent_text(inquiry)
    client_request.login(researcher)
    page = client_request.post(f"/inquiries/{inquiry.id}/stage/in-session")
    assert [text_of(li) for li in page.select("#stage-blockers li")] == [
        "Stages move one at a time: the next stage is recruiting"
    ]
    db.session.refresh(inquiry)
    assert inquiry.status == S.DRAFT


def test_going_back_is_refused(client_request, inquiry, researcher):
    set_stage(inquiry, S.VOTING)
    client_request.login(researcher)
    page = client_request.post(f"/inquiries/{inquiry.id}/stage/draft")
    assert "only move forward" in text_of(page.select_one("#stage-blockers"))
    db.session.refresh(inquiry)
    assert inquiry.status == S.VOTING


def test_an_unknown_stage_is_not_found(client, inquiry, researcher):
    sign_in_as(client, researcher)
    assert client.get(f"/inquiries/{inquiry.id}/stage/finished").status_code == 404
    assert client.post(f"/inquiries/{inquiry.id}/stage/finished").status_code == 404


def test_a_closed_inquiry_has_no_next_stage(client_request, inquiry, researcher):
    set_stage(inquiry, S.CLOSED)
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/stage")
    assert "There is no next stage" in text_of(page)


@pytest.mark.parametrize("actor", ["participant", "witness", "commissioner", "observer"])
def test_only_researchers_move_the_inquiry(client, world, actor):
    add_round(world.inquiry)
    add_consent_text(world.inquiry)
    sign_in_as(client, world.people[actor])
    response = client.post(f"/inquiries/{world.inquiry.id}/stage/recruiting")
    assert response.status_code == 403
    db.session.refresh(world.inquiry)
    assert world.inquiry.status == S.DRAFT
    assert stage_events() == []
