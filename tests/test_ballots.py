"""The secret ballot: opening, voting and changing votes, closing and counting, and
the promise that nothing in the database ties a person to how they voted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pytest
from conftest import add_member, error_messages, make_inquiry, make_user, sign_in_as
from recommendation_factories import make_recommendation
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inquiry import contributions
from inquiry.ballots import services
from inquiry.cohort.services import withdraw
from inquiry.extensions import db
from inquiry.inquiries import lifecycle
from inquiry.models import (
    Agreement,
    AgreementScale,
    AuditEvent,
    Ballot,
    BallotItem,
    BallotPaper,
    BallotParticipation,
    BallotStatus,
    Certainty,
    Inquiry,
    InquiryStatus,
    Membership,
    Notification,
    Recommendation,
    RecommendationStatus,
    Role,
    Round,
    RoundKind,
    RoundStatus,
    User,
    Vote,
    WithdrawalPolicy,
    utcnow,
)
from inquiry.models.ballots import AGREEMENT_LABELS
from inquiry.results import services as results_services

A = Agreement
C = Certainty
VOTE_VALUES = {answer.value for answer in Agreement}
DISSENT = "Families who arrange care were not asked what a named person should do at night."


def text_of(node) -> str:
    return " ".join(node.get_text().split())


@dataclass
class Setup:
    inquiry: Inquiry
    people: dict[str, User] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/inquiries/{self.inquiry.id}/ballot"

    def member(self, name: str) -> Membership:
        return self.members[name]


PARTICIPANTS = {
    "ann": "care_worker",
    "bea": "nurse",
    "cal": "social_worker",
    "dev": "care_worker",
}


def _add(setup: Setup, name: str, role: Role, **profile: str) -> Membership:
    user = make_user(f"{name}@example.org", name=name.capitalize())
    membership = add_member(setup.inquiry, user, role)
    for key, value in profile.items():
        setattr(membership, key, value)
    db.session.commit()
    setup.people[name] = user
    setup.members[name] = membership
    return membership


@pytest.fixture
def setup(app) -> Setup:
    researcher = make_user("rhiannon@example.org", name="Rhiannon", researcher=True)
    inquiry = make_inquiry(researcher)
    inquiry.status = InquiryStatus.VOTING
    db.session.commit()
    result = Setup(inquiry=inquiry, people={"rhiannon": researcher})
    result.members["rhiannon"] = db.session.scalar(
        select(Membership).where(Membership.user_id == researcher.id)
    )
    for name, role in PARTICIPANTS.items():
        _add(result, name, Role.PARTICIPANT, professional_role=role, sector="nhs")
    _add(result, "olga", Role.OBSERVER)
    _add(result, "wren", Role.WITNESS)
    # Frozen for the vote, numbered out of creation order: the ballot follows the numbers.
    second = make_recommendation(
        inquiry,
        result.members["bea"],
        title="Carers paid for travel time",
        body="Home care workers are paid for the time they spend travelling between visits.",
        status=RecommendationStatus.FROZEN,
        number=2,
    )
    first = make_recommendation(
        inquiry,
        result.members["ann"],
        status=RecommendationStatus.FROZEN,
        number=1,
    )
    make_recommendation(inquiry, result.members["cal"], title="Still being discussed")
    result.recommendations = [first, second]
    return result


def open_now(setup: Setup) -> Ballot:
    ballot = services.open_ballot(
        db.session, setup.inquiry, actor=setup.people["rhiannon"], now=utcnow(), link="/x"
    )
    db.session.commit()
    return ballot


def paper_data(ballot: Ballot, answers: dict[int, tuple]) -> dict[str, str]:
    """Form data for a paper: ``answers`` by recommendation id, as (agreement,
    certainty, dissent); a missing part is left out of the form."""
    data = {"ballot_id": str(ballot.id)}
    for item in ballot.items:
        answer = answers.get(item.recommendation_id, ())
        agreement, certainty, dissent = (*answer, None, None, None)[:3]
        if agreement is not None:
            data[f"item_{item.id}_agreement"] = agreement.value
        if certainty is not None:
            data[f"item_{item.id}_certainty"] = certainty.value
        if dissent is not None:
            data[f"item_{item.id}_dissent"] = dissent
    return data


def vote(setup: Setup, name: str, answers: dict[int, tuple]) -> None:
    """Save a paper through the service, as the form would."""
    ballot = services.open_ballot_of(db.session, setup.inquiry)
    services.save_paper(
        db.session,
        ballot,
        setup.member(name),
        {
            rid: services.Answer(agreement=a[0], certainty=a[1] if len(a) > 1 else None, dissent="")
            for rid, a in answers.items()
        },
    )
    db.session.commit()


def both(setup: Setup, agreement: Agreement, certainty: Certainty | None = C.HIGH):
    return {r.id: (agreement, certainty) for r in setup.recommendations}


def events_and_notes() -> tuple[list[str], int]:
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    return actions, len(db.session.scalars(select(Notification)).all())


def close_now(setup: Setup):
    ballot = services.open_ballot_of(db.session, setup.inquiry)
    result = services.close_ballot(db.session, ballot, setup.people["rhiannon"], utcnow())
    db.session.commit()
    return ballot, result


# Opening ------------------------------------------------------------------------------


def test_researchers_see_what_would_go_on_the_ballot_and_open_it(client_request, setup):
    client_request.login(setup.people["rhiannon"])
    page = client_request.get(setup.url)
    assert text_of(page.h1) == "Ballot"
    assert [text_of(li) for li in page.select("#frozen li")] == [
        "R1: A named person to call",
        "R2: Carers paid for travel time",
    ]
    open_url = f"{setup.url}/open"
    assert page.find("a", string=lambda s: s and "Open the ballot" in s)["href"] == open_url

    page = client_request.get(open_url)
    assert text_of(page.h1) == "Open the ballot?"
    assert "A recommendation passes when at least two thirds" in text_of(page)
    assert db.session.scalar(select(Ballot)) is None  # looking is not doing

    assert client_request.post_redirect(open_url) == setup.url
    ballot = db.session.scalar(select(Ballot))
    assert ballot.status == BallotStatus.OPEN
    assert (ballot.pass_threshold_numerator, ballot.pass_threshold_denominator) == (2, 3)
    assert ballot.quorum_percent == 50
    assert ballot.agreement_scale == "five_point"
    assert [item.recommendation.title for item in ballot.items] == [
        "A named person to call",
        "Carers paid for travel time",
    ]
    assert [item.position for item in ballot.items] == [1, 2]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ballot.opened"))
    assert event.object_id == ballot.id
    assert event.details == {"items": 2}
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert told == {setup.people[name].id for name in PARTICIPANTS}
    (note,) = db.session.scalars(
        select(Notification).where(Notification.user_id == setup.people["ann"].id)
    )
    assert note.message.startswith("A ballot is open")
    assert note.link == setup.url

    page = client_request.get(setup.url)
    assert "The ballot is open" in text_of(page.select_one(".govuk-notification-banner"))
    assert "0 of 4 participants have voted" in text_of(page.select_one("#turnout"))
    assert page.find("a", string=lambda s: s and "Close the ballot" in s)


def test_the_ballot_belongs_to_the_first_ballot_session_not_yet_closed(setup):
    for position, status in ((1, RoundStatus.CLOSED), (2, RoundStatus.PLANNED)):
        db.session.add(
            Round(
                inquiry_id=setup.inquiry.id,
                position=position,
                kind=RoundKind.BALLOT,
                title=f"Vote {position}",
                status=status,
            )
        )
    db.session.commit()
    ballot = open_now(setup)
    assert db.session.get(Round, ballot.round_id).title == "Vote 2"


def test_a_ballot_opens_only_at_the_voting_stage(client_request, setup):
    setup.inquiry.status = InquiryStatus.IN_SESSION
    db.session.commit()
    client_request.login(setup.people["rhiannon"])
    page = client_request.get(setup.url)
    blockers = page.select("#ballot-blockers li")
    assert [text_of(li) for li in blockers] == [
        "Move the inquiry to the voting stage first: go to the stage of the inquiry"
    ]
    assert blockers[0].a["href"] == f"/inquiries/{setup.inquiry.id}/stage"
    assert page.find("a", string=lambda s: s and "Open the ballot" in s) is None
    page = client_request.get(f"{setup.url}/open")
    assert text_of(page.h1) == "You cannot open a ballot yet"
    assert page.select("main form") == []

    assert client_request.post_redirect(f"{setup.url}/open") == setup.url
    page = client_request.get(setup.url)
    assert "Move the inquiry to the voting stage first" in text_of(
        page.select_one(".govuk-error-summary")
    )
    assert db.session.scalar(select(Ballot)) is None


def test_a_ballot_needs_a_recommendation_going_to_the_vote(client_request, setup):
    for recommendation in setup.recommendations:
        recommendation.status = RecommendationStatus.PROPOSED
    db.session.commit()
    client_request.login(setup.people["rhiannon"])
    page = client_request.get(setup.url)
    assert "No recommendation is going to the vote yet" in text_of(
        page.select_one("#ballot-blockers")
    )
    with pytest.raises(services.BallotError, match="No recommendation is going to the vote"):
        open_now(setup)


def test_one_open_ballot_at_a_time(client_request, setup):
    open_now(setup)
    with pytest.raises(services.BallotError, match="A ballot is already open"):
        open_now(setup)
    db.session.rollback()
    client_request.login(setup.people["rhiannon"])
    assert client_request.post_redirect(f"{setup.url}/open") == setup.url
    assert len(db.session.scalars(select(Ballot)).all()) == 1


def test_the_ballot_keeps_the_rule_it_opened_with(setup):
    setup.inquiry.agreement_scale = AgreementScale.THREE_POINT
    setup.inquiry.quorum_percent = 75
    db.session.commit()
    ballot = open_now(setup)
    setup.inquiry.agreement_scale = AgreementScale.FIVE_POINT
    setup.inquiry.quorum_percent = 10
    db.session.commit()
    db.session.refresh(ballot)
    assert (ballot.agreement_scale, ballot.quorum_percent) == ("three_point", 75)


# Voting -------------------------------------------------------------------------------


def test_a_participant_votes_and_changes_their_votes(client_request, setup):
    ballot = open_now(setup)
    first, second = setup.recommendations
    item_one, item_two = ballot.items
    client_request.login(setup.people["ann"])
    page = client_request.get(setup.url)
    assert page.select_one("#you-voted") is None
    titles = [text_of(h2) for h2 in page.select(".app-ballot-item h2")]
    assert titles == ["R1: A named person to call", "R2: Carers paid for travel time"]
    assert "Who should act" in text_of(page.select_one(f"#item-{item_one.id}"))
    radios = page.select(f'input[name="item_{item_one.id}_agreement"]')
    assert [r["value"] for r in radios] == [
        "strongly_agree",
        "agree",
        "neither",
        "disagree",
        "strongly_disagree",
        "abstain",
    ]
    assert radios[0]["id"] == f"item_{item_one.id}_agreement"
    assert not any(r.has_attr("checked") for r in radios)

    data = paper_data(
        ballot,
        {first.id: (A.AGREE, C.MEDIUM, DISSENT), second.id: (A.ABSTAIN, None, "")},
    )
    before = events_and_notes()
    assert client_request.post_redirect(f"{setup.url}/vote", data) == setup.url
    paper = db.session.scalar(select(BallotPaper))
    assert paper.voter_id == setup.member("ann").id
    votes = {v.recommendation_id: v for v in paper.votes}
    assert (votes[first.id].agreement, votes[first.id].certainty) == (A.AGREE, C.MEDIUM)
    assert votes[first.id].dissent == DISSENT
    assert (votes[second.id].agreement, votes[second.id].certainty) == (A.ABSTAIN, None)
    (took_part,) = db.session.scalars(select(BallotParticipation))
    assert took_part.member_id == setup.member("ann").id
    # No audit event and no notification per vote.
    assert events_and_notes() == before
    page = client_request.get(setup.url)
    assert "Your votes have been saved" in text_of(page.select_one(".govuk-notification-banner"))
    assert text_of(page.select_one("#you-voted")) == (
        "You voted. You can change your votes until the ballot closes."
    )
    checked = page.select(f'input[name="item_{item_one.id}_agreement"][checked]')
    assert [r["value"] for r in checked] == ["agree"]
    checked = page.select(f'input[name="item_{item_one.id}_certainty"][checked]')
    assert [r["value"] for r in checked] == ["medium"]
    assert text_of(page.select_one(f"#item_{item_one.id}_dissent")) == DISSENT
    checked = page.select(f'input[name="item_{item_two.id}_agreement"][checked]')
    assert [r["value"] for r in checked] == ["abstain"]

    data = paper_data(
        ballot, {first.id: (A.DISAGREE, C.LOW, ""), second.id: (A.STRONGLY_AGREE, C.HIGH, "")}
    )
    client_request.post_redirect(f"{setup.url}/vote", data)
    page = client_request.get(setup.url)
    assert "Your votes have been changed" in text_of(page.select_one(".govuk-notification-banner"))
    assert len(db.session.scalars(select(BallotPaper)).all()) == 1
    assert len(db.session.scalars(select(BallotParticipation)).all()) == 1
    db.session.refresh(paper)
    votes = {v.recommendation_id: v for v in paper.votes}
    assert (votes[first.id].agreement, votes[first.id].dissent) == (A.DISAGREE, "")
    assert (votes[second.id].agreement, votes[second.id].certainty) == (A.STRONGLY_AGREE, C.HIGH)


def test_nobody_else_sees_a_participants_votes_or_any_count_of_answers(client_request, setup):
    ballot = open_now(setup)
    vote(setup, "ann", both(setup, A.STRONGLY_AGREE))
    vote(setup, "bea", both(setup, A.DISAGREE, C.LOW))

    client_request.login(setup.people["cal"])
    page = client_request.get(setup.url)
    assert page.select_one("#you-voted") is None
    assert page.select("input[checked]") == []

    client_request.login(setup.people["rhiannon"])
    page = client_request.get(setup.url)
    text = text_of(page.select_one("main"))
    assert "2 of 4 participants have voted" in text
    assert [text_of(li) for li in page.select("#voted li")] == ["Ann", "Bea"]
    assert [text_of(li) for li in page.select("#not-voted li")] == ["Cal", "Dev"]
    for label in AGREEMENT_LABELS.values():
        assert label not in text
    assert "Adopted" not in text

    client_request.login(setup.people["olga"])
    page = client_request.get(setup.url)
    text = text_of(page.select_one("main"))
    assert "2 of 4 participants have voted" in text
    assert "Ann" not in text and "Bea" not in text
    assert page.select("main form") == []
    for label in AGREEMENT_LABELS.values():
        assert label not in text
    assert ballot.status == BallotStatus.OPEN


def test_an_answer_is_needed_for_every_recommendation(client_request, setup):
    ballot = open_now(setup)
    first, second = setup.recommendations
    item_one, item_two = ballot.items
    client_request.login(setup.people["ann"])
    data = paper_data(ballot, {first.id: (None, C.HIGH, DISSENT), second.id: (A.AGREE, None)})
    page = client_request.post(f"{setup.url}/vote", data)
    assert error_messages(page) == [
        "Select how much you agree with R1",
        "Select how certain you are that R2 would work, or abstain on it",
    ]
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == [f"#item_{item_one.id}_agreement", f"#item_{item_two.id}_certainty"]
    assert page.select_one(f"#item_{item_one.id}_agreement") is not None
    assert page.select_one(f"#item_{item_two.id}_certainty") is not None
    assert page.title.get_text().startswith("Error: Ballot")
    message = page.select_one(f"#item_{item_one.id}_agreement-error")
    assert "Select how much you agree with R1" in text_of(message)
    # What was typed and chosen is kept.
    assert text_of(page.select_one(f"#item_{item_one.id}_dissent")) == DISSENT
    checked = page.select(f'input[name="item_{item_one.id}_certainty"][checked]')
    assert [r["value"] for r in checked] == ["high"]
    checked = page.select(f'input[name="item_{item_two.id}_agreement"][checked]')
    assert [r["value"] for r in checked] == ["agree"]
    assert db.session.scalars(select(BallotPaper)).all() == []
    assert db.session.scalars(select(BallotParticipation)).all() == []


def test_abstaining_needs_no_certainty_and_stores_none(client_request, setup):
    ballot = open_now(setup)
    first, second = setup.recommendations
    client_request.login(setup.people["ann"])
    data = paper_data(ballot, {first.id: (A.ABSTAIN, C.HIGH), second.id: (A.ABSTAIN,)})
    client_request.post_redirect(f"{setup.url}/vote", data)
    votes = db.session.scalars(select(Vote)).all()
    assert {(v.agreement, v.certainty) for v in votes} == {(A.ABSTAIN, None)}


@pytest.mark.parametrize(
    ("dissent", "message"),
    [
        ("x" * 1001, "Dissent or minority view on R1 must be 1,000 characters or fewer"),
        (
            "A list\x00of things",
            "Dissent or minority view on R1 must not contain control characters",
        ),
    ],
)
def test_a_dissent_is_checked(client_request, setup, dissent, message):
    ballot = open_now(setup)
    first, second = setup.recommendations
    client_request.login(setup.people["ann"])
    data = paper_data(ballot, {first.id: (A.AGREE, C.LOW, dissent), second.id: (A.AGREE, C.LOW)})
    page = client_request.post(f"{setup.url}/vote", data)
    assert error_messages(page) == [message]
    assert db.session.scalars(select(Vote)).all() == []


def test_a_dissent_of_exactly_the_limit_is_kept(client_request, setup):
    ballot = open_now(setup)
    first, second = setup.recommendations
    client_request.login(setup.people["ann"])
    data = paper_data(ballot, {first.id: (A.AGREE, C.LOW, "y" * 1000), second.id: (A.AGREE, C.LOW)})
    client_request.post_redirect(f"{setup.url}/vote", data)
    assert {len(v.dissent) for v in db.session.scalars(select(Vote))} == {0, 1000}


@pytest.mark.parametrize("bad", ["maybe", "strongly agree", ""])
def test_an_answer_off_the_scale_is_refused(client_request, setup, bad):
    ballot = open_now(setup)
    first, second = setup.recommendations
    item_one = ballot.items[0]
    client_request.login(setup.people["ann"])
    data = paper_data(ballot, {first.id: (A.AGREE, C.LOW), second.id: (A.AGREE, C.LOW)})
    data[f"item_{item_one.id}_agreement"] = bad
    page = client_request.post(f"{setup.url}/vote", data)
    assert error_messages(page) == ["Select how much you agree with R1"]
    data = paper_data(ballot, {first.id: (A.AGREE, C.LOW), second.id: (A.AGREE, C.LOW)})
    data[f"item_{item_one.id}_certainty"] = "certain"
    page = client_request.post(f"{setup.url}/vote", data)
    assert error_messages(page) == ["Select how certain you are that R1 would work"]
    assert db.session.scalars(select(Vote)).all() == []


def test_the_three_point_scale(client_request, setup):
    setup.inquiry.agreement_scale = AgreementScale.THREE_POINT
    db.session.commit()
    ballot = open_now(setup)
    first, second = setup.recommendations
    item_one = ballot.items[0]
    client_request.login(setup.people["ann"])
    page = client_request.get(setup.url)
    radios = page.select(f'input[name="item_{item_one.id}_agreement"]')
    assert [r["value"] for r in radios] == ["agree", "neither", "disagree", "abstain"]
    assert "passes when at least two thirds of the votes that are not abstentions are agree." in (
        text_of(page)
    )
    data = paper_data(ballot, {first.id: (A.STRONGLY_AGREE, C.LOW), second.id: (A.DISAGREE, C.LOW)})
    page = client_request.post(f"{setup.url}/vote", data)
    assert error_messages(page) == ["Select how much you agree with R1"]
    data = paper_data(ballot, {first.id: (A.AGREE, C.LOW), second.id: (A.DISAGREE, C.LOW)})
    client_request.post_redirect(f"{setup.url}/vote", data)
    assert len(db.session.scalars(select(Vote)).all()) == 2
    # The service refuses the same off-scale answer on its own.
    with pytest.raises(services.BallotError, match="agreement scale"):
        vote(setup, "bea", both(setup, A.STRONGLY_AGREE))


def test_tampered_items_are_refused_not_a_crash(client_request, setup):
    ballot = open_now(setup)
    first, second = setup.recommendations
    client_request.login(setup.people["ann"])
    data = paper_data(ballot, {first.id: (A.AGREE, C.LOW), second.id: (A.AGREE, C.LOW)})
    data["item_999999_agreement"] = "agree"
    data["item_999999_certainty"] = "low"
    page = client_request.post(f"{setup.url}/vote", data)
    assert error_messages(page) == [
        "Your ballot paper does not match the recommendations on the ballot. "
        "Reload the page and vote again."
    ]
    link = page.select_one(".govuk-error-summary a")["href"]
    assert link == f"#item_{ballot.items[0].id}_agreement"
    assert db.session.scalars(select(Vote)).all() == []

    # A recommendation of the inquiry that is not on the ballot, through the service.
    other = make_recommendation(
        setup.inquiry, None, title="Not on the ballot", status=RecommendationStatus.FROZEN
    )
    answers = {r.id: services.Answer(A.AGREE, C.LOW) for r in [*setup.recommendations, other]}
    with pytest.raises(services.BallotError, match="does not match"):
        services.save_paper(db.session, ballot, setup.member("ann"), answers)


def test_a_paper_for_another_ballot_is_not_saved(client, setup):
    ballot = open_now(setup)
    first, second = setup.recommendations
    sign_in_as(client, setup.people["ann"])
    data = paper_data(ballot, {first.id: (A.AGREE, C.LOW), second.id: (A.AGREE, C.LOW)})
    data["ballot_id"] = str(ballot.id + 1)
    response = client.post(f"{setup.url}/vote", data=data)
    assert response.status_code == 302
    assert db.session.scalars(select(Vote)).all() == []
    close_now(setup)
    data["ballot_id"] = str(ballot.id)
    response = client.post(f"{setup.url}/vote", data=data)
    assert response.status_code == 302
    page = client.get(setup.url).get_data(as_text=True)
    assert "The ballot has closed, so your votes were not saved" in page
    assert db.session.scalars(select(Vote)).all() == []


def test_only_participants_vote(client, setup):
    ballot = open_now(setup)
    data = paper_data(ballot, both(setup, A.AGREE, C.LOW))
    for name in ("rhiannon", "olga"):
        sign_in_as(client, setup.people[name])
        assert client.post(f"{setup.url}/vote", data=data).status_code == 403
    sign_in_as(client, setup.people["wren"])
    assert client.get(setup.url).status_code == 403
    assert client.post(f"{setup.url}/vote", data=data).status_code == 403
    # Someone from another inquiry does not learn this one exists.
    outsider = make_user("omar@example.org", researcher=True)
    make_inquiry(outsider, title="Another inquiry")
    sign_in_as(client, outsider)
    assert client.get(setup.url).status_code == 404
    assert client.post(f"{setup.url}/vote", data=data).status_code == 404
    # A withdrawn participant is no longer a member.
    setup.member("dev").status = "withdrawn"
    db.session.commit()
    sign_in_as(client, setup.people["dev"])
    assert client.post(f"{setup.url}/vote", data=data).status_code == 404
    assert db.session.scalars(select(Vote)).all() == []


def test_a_participant_who_joined_after_the_ballot_opened_may_vote(setup):
    open_now(setup)
    _add(setup, "eli", Role.PARTICIPANT, professional_role="housing", sector="housing")
    vote(setup, "eli", both(setup, A.AGREE))
    assert db.session.scalar(select(BallotPaper)).voter_id == setup.member("eli").id


def test_two_saves_at_once_by_one_person_make_one_paper(setup, monkeypatch):
    ballot = open_now(setup)
    vote(setup, "ann", both(setup, A.AGREE))
    # The second save does not see the first paper until it tries to write its own,
    # as when two windows save at the same moment.
    real = services.paper_of
    calls = {"n": 0}

    def late(session, ballot_, membership):
        calls["n"] += 1
        return None if calls["n"] <= 2 else real(session, ballot_, membership)

    monkeypatch.setattr(services, "paper_of", late)
    _paper, had_voted = services.save_paper(
        db.session,
        ballot,
        setup.member("ann"),
        {r.id: services.Answer(A.DISAGREE, C.LOW) for r in setup.recommendations},
    )
    db.session.commit()
    assert had_voted
    papers = db.session.scalars(select(BallotPaper)).all()
    assert len(papers) == 1
    assert {v.agreement for v in papers[0].votes} == {A.DISAGREE}
    assert len(db.session.scalars(select(BallotParticipation)).all()) == 1


def test_the_database_refuses_a_second_paper_for_one_voter(setup):
    ballot = open_now(setup)
    for _ in range(2):
        db.session.add(BallotPaper(ballot_id=ballot.id, voter_id=setup.member("ann").id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# Closing ------------------------------------------------------------------------------


def test_closing_through_the_pages(client_request, setup):
    ballot = open_now(setup)
    vote(setup, "ann", both(setup, A.AGREE))
    vote(setup, "bea", both(setup, A.STRONGLY_AGREE))
    vote(setup, "cal", both(setup, A.STRONGLY_AGREE))
    client_request.login(setup.people["rhiannon"])
    close_url = f"{setup.url}/close"
    page = client_request.get(close_url)
    assert text_of(page.h1) == "Close the ballot?"
    text = text_of(page)
    assert "3 of 4 participants have voted. That is enough for the ballot to count." in text
    assert "link between each voter and their votes is removed" in text
    form = page.select_one("main form")
    assert form["action"] == close_url
    assert form.select_one('input[name="ballot_id"]')["value"] == str(ballot.id)
    db.session.refresh(ballot)
    assert ballot.status == BallotStatus.OPEN  # looking is not doing

    assert client_request.post_redirect(close_url, {"ballot_id": str(ballot.id)}) == setup.url
    db.session.refresh(ballot)
    assert ballot.status == BallotStatus.CLOSED
    assert ballot.closed_at is not None
    assert (ballot.eligible_count, ballot.participant_count) == (4, 3)
    assert {r.status for r in setup.recommendations} == {RecommendationStatus.ADOPTED}
    page = client_request.get(setup.url)
    assert "closed and counted" in text_of(page.select_one(".govuk-notification-banner"))
    assert "There is no ballot open" in text_of(page.select_one("#ballot-state"))
    rows = [text_of(tr) for tr in page.select("#closed-ballots tbody tr")]
    assert rows == [f"{date.today().day} {date.today():%B %Y} 3 of 4 participants Reached"]

    # Participants and observers see the closed ballot, and no votes.
    client_request.login(setup.people["ann"])
    page = client_request.get(setup.url)
    assert page.select("main form") == []
    assert "The last ballot has closed" in text_of(page)
    client_request.login(setup.people["olga"])
    page = client_request.get(setup.url)
    assert len(page.select("#closed-ballots tbody tr")) == 1

    # Nothing to close any more.
    client_request.login(setup.people["rhiannon"])
    page = client_request.get(close_url)
    assert text_of(page.h1) == "There is no open ballot to close"
    assert client_request.post_redirect(close_url, {"ballot_id": str(ballot.id)}) == setup.url


def test_a_stale_close_page_does_not_close_a_newer_ballot(client_request, setup):
    ballot = open_now(setup)
    client_request.login(setup.people["rhiannon"])
    client_request.post_redirect(f"{setup.url}/close", {"ballot_id": str(ballot.id + 1)})
    client_request.post_redirect(f"{setup.url}/close", {})
    db.session.refresh(ballot)
    assert ballot.status == BallotStatus.OPEN


def test_after_closing_nothing_ties_a_voter_to_a_vote(setup):
    ballot = open_now(setup)
    first, second = setup.recommendations
    services.save_paper(
        db.session,
        ballot,
        setup.member("ann"),
        {
            first.id: services.Answer(A.STRONGLY_AGREE, C.HIGH, DISSENT),
            second.id: services.Answer(A.ABSTAIN),
        },
    )
    vote(setup, "bea", both(setup, A.DISAGREE, C.LOW))
    vote(setup, "cal", both(setup, A.AGREE, C.MEDIUM))
    voters = {setup.member(n).id for n in ("ann", "bea", "cal")}
    keys_before = set(db.session.scalars(select(BallotPaper.id))) | set(
        db.session.scalars(select(Vote.id))
    )
    participation_keys = set(db.session.scalars(select(BallotParticipation.id)))
    assert {p.voter_id for p in db.session.scalars(select(BallotPaper))} == voters

    close_now(setup)
    db.session.expire_all()

    papers = db.session.scalars(select(BallotPaper).where(BallotPaper.ballot_id == ballot.id))
    papers = papers.all()
    assert len(papers) == 3
    assert {p.voter_id for p in papers} == {None}
    keys_after = {p.id for p in papers} | set(db.session.scalars(select(Vote.id)))
    assert len(keys_after) == 3 + 6
    assert keys_after.isdisjoint(keys_before)
    # Only the professional role stays, for the breakdown, and not these: each was held
    # by one voter only, so the paper holding it would be that voter's.
    assert [p.professional_role for p in papers] == ["", "", ""]
    assert "sector" not in BallotPaper.__table__.columns
    # Who took part stays known, under new keys.
    participations = db.session.scalars(select(BallotParticipation)).all()
    assert {p.member_id for p in participations} == voters
    assert {p.id for p in participations}.isdisjoint(participation_keys)
    # The votes, dissent included, are all there.
    votes = db.session.scalars(select(Vote)).all()
    assert sorted(v.agreement.value for v in votes) == sorted(
        ["strongly_agree", "abstain", "disagree", "disagree", "agree", "agree"]
    )
    assert [v.dissent for v in votes if v.dissent] == [DISSENT]

    # Every row of every table: a row holding a vote value holds no member or user id.
    person_tables = {"memberships", "users"}
    rows_with_votes = 0
    for table in db.metadata.sorted_tables:
        person_columns = [
            column.name
            for column in table.columns
            if any(fk.column.table.name in person_tables for fk in column.foreign_keys)
        ]
        if table.name in person_tables:
            person_columns.append("id")
        for row in db.session.execute(table.select()).mappings():
            values = {value for value in row.values() if isinstance(value, str)}
            if not values & VOTE_VALUES:
                continue
            rows_with_votes += 1
            assert table.name == "votes", f"a vote value in {table.name}"
            held = {name: row[name] for name in person_columns if row[name] is not None}
            assert held == {}, f"{table.name} row ties a person to a vote: {held}"
            # Nor through the paper it points at.
            paper = db.session.get(BallotPaper, row["paper_id"])
            assert paper.voter_id is None
    assert rows_with_votes == 6

    # Audit events and notifications hold counts, never votes.
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ballot.closed"))
    assert event.details == {
        "items": 2,
        "eligible": 4,
        "took_part": 3,
        "quorum_met": True,
        "adopted": event.details["adopted"],
        "not_adopted": event.details["not_adopted"],
    }
    texts = [str(e.details) for e in db.session.scalars(select(AuditEvent))]
    texts += [n.message for n in db.session.scalars(select(Notification))]
    for text in texts:
        for value in [*VOTE_VALUES, *AGREEMENT_LABELS.values(), "Families who arrange care"]:
            assert value not in text, f"{value!r} in {text!r}"


def test_closing_stores_the_counts_the_results_pages_read(setup):
    open_now(setup)
    first, second = setup.recommendations
    vote(setup, "ann", {first.id: (A.STRONGLY_AGREE, C.HIGH), second.id: (A.ABSTAIN,)})
    vote(setup, "bea", both(setup, A.DISAGREE, C.LOW))
    ballot, _ = close_now(setup)
    db.session.expire_all()
    stored = db.session.get(Ballot, ballot.id).vote_counts
    assert stored == results_services.count_votes(db.session, ballot)
    stored = json.loads(stored)
    assert stored[str(first.id)]["agreement"]["strongly_agree"] == 1
    assert stored[str(first.id)]["agreement"]["disagree"] == 1
    assert stored[str(second.id)]["agreement"]["abstain"] == 1
    assert stored[str(second.id)]["certainty"] == {"low": 1, "medium": 0, "high": 0}
    assert sum(agree for agree, _, _ in stored[str(first.id)]["support"].values()) == 1
    assert sum(votes for _, _, votes in stored[str(first.id)]["support"].values()) == 2


def test_closing_tells_participants_observers_and_researchers(setup):
    open_now(setup)
    for name in ("ann", "bea", "cal"):
        vote(setup, name, both(setup, A.AGREE))
    before = {n.id for n in db.session.scalars(select(Notification))}
    ballot = services.open_ballot_of(db.session, setup.inquiry)
    services.close_ballot(
        db.session, ballot, setup.people["rhiannon"], utcnow(), link="/results-page"
    )
    db.session.commit()
    new = [n for n in db.session.scalars(select(Notification)) if n.id not in before]
    told = {n.user_id for n in new}
    assert told == {setup.people[n].id for n in [*PARTICIPANTS, "olga", "rhiannon"]}
    assert {n.message for n in new} == {services.RESULTS_MESSAGE}
    assert {n.link for n in new} == {"/results-page"}


def test_papers_of_people_who_are_no_longer_participants_are_discarded(setup):
    ballot = open_now(setup)
    vote(setup, "ann", both(setup, A.AGREE))
    vote(setup, "bea", both(setup, A.DISAGREE, C.LOW))
    vote(setup, "cal", both(setup, A.DISAGREE, C.LOW))
    # Bea withdraws with her contributions kept: her paper stays until the ballot closes.
    withdraw(db.session, setup.member("bea"), actor=setup.people["bea"], now=utcnow())
    db.session.commit()
    assert len(db.session.scalars(select(BallotPaper)).all()) == 3
    _, result = close_now(setup)
    assert (result.eligible_count, result.participant_count) == (3, 2)
    papers = db.session.scalars(select(BallotPaper)).all()
    # Ann's and Cal's roles were each one voter's: neither is kept.
    assert sorted(p.professional_role for p in papers) == ["", ""]
    took_part = {p.member_id for p in db.session.scalars(select(BallotParticipation))}
    assert took_part == {setup.member("ann").id, setup.member("cal").id}
    assert ballot.participant_count == 2


def test_withdrawing_under_the_remove_policy_removes_the_open_paper(setup):
    setup.inquiry.withdrawal_policy = WithdrawalPolicy.REMOVE
    db.session.commit()
    open_now(setup)
    vote(setup, "ann", both(setup, A.AGREE))
    vote(setup, "bea", both(setup, A.AGREE))
    withdraw(db.session, setup.member("bea"), actor=setup.people["bea"], now=utcnow())
    db.session.commit()
    papers = db.session.scalars(select(BallotPaper)).all()
    assert [p.voter_id for p in papers] == [setup.member("ann").id]
    took_part = [p.member_id for p in db.session.scalars(select(BallotParticipation))]
    assert took_part == [setup.member("ann").id]
    assert len(db.session.scalars(select(Vote)).all()) == 2
    assert services.PAPERS_COUNTER in contributions._COUNTERS


# Counting: quorum and pass rule --------------------------------------------------------


def _cohort_of(setup: Setup, size: int) -> list[str]:
    """Make the inquiry have exactly ``size`` active participants; their names."""
    names = list(PARTICIPANTS)
    for extra in range(len(names), size):
        name = f"extra{extra}"
        _add(setup, name, Role.PARTICIPANT, professional_role="nurse")
        names.append(name)
    return names[:size]


def test_exactly_at_the_quorum_counts(setup):
    # 50% of 6 is 3 participants.
    names = _cohort_of(setup, 6)
    open_now(setup)
    for name in names[:3]:
        vote(setup, name, both(setup, A.AGREE))
    ballot, result = close_now(setup)
    assert result.quorum_met
    assert services.reached_quorum(ballot)
    assert {r.status for r in setup.recommendations} == {RecommendationStatus.ADOPTED}


def test_fewer_than_three_voters_never_count_whatever_the_quorum(client_request, setup):
    # 2 of 4 reaches 50%, but two votes would show how each of them voted.
    open_now(setup)
    vote(setup, "ann", both(setup, A.AGREE))
    vote(setup, "bea", both(setup, A.AGREE))
    page = client_request.login(setup.people["rhiannon"]).get(f"{setup.url}/close")
    assert "2 of 4 participants have voted. That is not enough for the ballot to count" in (
        text_of(page)
    )
    assert "nobody, you included, will see how anyone voted in this ballot" in text_of(page)
    ballot, result = close_now(setup)
    assert (result.participant_count, result.quorum_met) == (2, False)
    assert not services.reached_quorum(ballot)
    assert {r.status for r in setup.recommendations} == {RecommendationStatus.FROZEN}


def test_one_under_the_quorum_passes_nothing_and_the_recommendations_wait(client_request, setup):
    open_now(setup)
    vote(setup, "ann", both(setup, A.STRONGLY_AGREE))
    ballot, result = close_now(setup)
    assert not result.quorum_met
    assert (ballot.eligible_count, ballot.participant_count) == (4, 1)
    assert {r.status for r in setup.recommendations} == {RecommendationStatus.FROZEN}
    notes = db.session.scalars(
        select(Notification).where(Notification.message == services.INQUORATE_MESSAGE)
    )
    assert len(notes.all()) == 6
    client_request.login(setup.people["olga"])
    page = client_request.get(setup.url)
    assert "Not reached" in text_of(page.select_one("#closed-ballots"))
    # A new ballot can be opened over the same recommendations.
    second = open_now(setup)
    assert [i.recommendation_id for i in second.items] == [r.id for r in setup.recommendations]


def test_nobody_voting_is_inquorate(setup):
    open_now(setup)
    _ballot, result = close_now(setup)
    assert (result.participant_count, result.quorum_met) == (0, False)
    assert db.session.scalars(select(BallotPaper)).all() == []
    assert {r.status for r in setup.recommendations} == {RecommendationStatus.FROZEN}


def test_exactly_two_thirds_passes(setup):
    names = _cohort_of(setup, 6)
    first, second = setup.recommendations
    open_now(setup)
    # R1: 4 of 6 support (exactly two thirds); R2: 3 of 6 (one under).
    for index, name in enumerate(names):
        vote(
            setup,
            name,
            {
                first.id: (A.AGREE if index < 4 else A.DISAGREE, C.MEDIUM),
                second.id: (A.STRONGLY_AGREE if index < 3 else A.NEITHER, C.MEDIUM),
            },
        )
    _, result = close_now(setup)
    assert [(i.support, i.counted) for i in result.items] == [(4, 6), (3, 6)]
    assert first.status == RecommendationStatus.ADOPTED
    assert second.status == RecommendationStatus.NOT_ADOPTED


def test_abstentions_count_neither_for_nor_against(setup):
    first, second = setup.recommendations
    open_now(setup)
    vote(setup, "ann", {first.id: (A.AGREE, C.HIGH), second.id: (A.ABSTAIN,)})
    vote(setup, "bea", {first.id: (A.AGREE, C.HIGH), second.id: (A.ABSTAIN,)})
    vote(setup, "cal", {first.id: (A.DISAGREE, C.LOW), second.id: (A.ABSTAIN,)})
    vote(setup, "dev", {first.id: (A.ABSTAIN,), second.id: (A.ABSTAIN,)})
    _, result = close_now(setup)
    assert [(i.support, i.counted, i.abstentions) for i in result.items] == [
        (2, 3, 1),
        (0, 0, 4),
    ]
    assert first.status == RecommendationStatus.ADOPTED
    # Everyone abstaining: nothing counted, so it does not pass.
    assert second.status == RecommendationStatus.NOT_ADOPTED


def test_the_ballots_own_rule_decides(setup):
    setup.inquiry.pass_threshold_numerator = 3
    setup.inquiry.pass_threshold_denominator = 4
    setup.inquiry.quorum_percent = 100
    db.session.commit()
    open_now(setup)
    setup.inquiry.pass_threshold_numerator = 1
    setup.inquiry.pass_threshold_denominator = 2
    setup.inquiry.quorum_percent = 10
    db.session.commit()
    for name in ("ann", "bea", "cal"):
        vote(setup, name, both(setup, A.AGREE))
    _, result = close_now(setup)
    assert not result.quorum_met  # 3 of 4 is under the ballot's 100%


def test_a_closed_ballot_cannot_be_closed_again_or_voted_in(setup):
    ballot = open_now(setup)
    close_now(setup)
    with pytest.raises(services.BallotError, match="already closed"):
        services.close_ballot(db.session, ballot, setup.people["rhiannon"], utcnow())
    db.session.rollback()
    answers = {r.id: services.Answer(A.AGREE, C.LOW) for r in setup.recommendations}
    with pytest.raises(services.BallotError, match="closed"):
        services.save_paper(db.session, ballot, setup.member("ann"), answers)


# Stages ------------------------------------------------------------------------------


def test_voting_needs_a_recommendation_going_to_the_vote(setup):
    setup.inquiry.status = InquiryStatus.IN_SESSION
    db.session.commit()
    assert services.has_frozen_recommendation(db.session, setup.inquiry) is None
    for recommendation in setup.recommendations:
        recommendation.status = RecommendationStatus.PROPOSED
    db.session.commit()
    reasons = lifecycle.blockers(db.session, setup.inquiry, InquiryStatus.VOTING)
    assert "No recommendation is going to the vote yet" in reasons


def test_reporting_needs_a_closed_ballot_and_none_open(setup):
    reasons = lifecycle.blockers(db.session, setup.inquiry, InquiryStatus.REPORTING)
    assert reasons == ["No ballot has closed yet"]
    open_now(setup)
    reasons = lifecycle.blockers(db.session, setup.inquiry, InquiryStatus.REPORTING)
    assert reasons == ["A ballot is still open", "No ballot has closed yet"]
    close_now(setup)
    assert lifecycle.blockers(db.session, setup.inquiry, InquiryStatus.REPORTING) == []


def test_the_ballot_page_only_lists_this_inquirys_ballots(client_request, setup):
    other = make_inquiry(setup.people["rhiannon"], title="Another inquiry")
    rec = make_recommendation(other, None, status=RecommendationStatus.FROZEN, number=1)
    db.session.add(
        Ballot(
            inquiry_id=other.id,
            status=BallotStatus.OPEN,
            opened_at=utcnow(),
            pass_threshold_numerator=2,
            pass_threshold_denominator=3,
            quorum_percent=50,
            agreement_scale="five_point",
        )
    )
    db.session.commit()
    db.session.add(
        BallotItem(
            ballot_id=db.session.scalar(select(Ballot.id)), recommendation_id=rec.id, position=1
        )
    )
    db.session.commit()
    assert services.open_ballot_of(db.session, setup.inquiry) is None
    client_request.login(setup.people["ann"])
    page = client_request.get(setup.url)
    assert page.select("main form") == []
    assert "There is no ballot open" in text_of(page.select_one("#ballot-state"))
