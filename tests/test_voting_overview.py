"""The overview page tells each member where recommendations and voting stand."""

from __future__ import annotations

from conftest import add_member, make_inquiry, make_user
from recommendation_factories import make_ballot, make_recommendation

from inquiry.extensions import db
from inquiry.models import (
    BallotPaper,
    BallotStatus,
    InquiryStatus,
    RecommendationStatus,
    Role,
)


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def _cast(app):
    researcher = make_user("ros.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    inquiry.status = InquiryStatus.IN_SESSION
    db.session.commit()
    people = {"researcher": researcher}
    members = {}
    for role in (Role.PARTICIPANT, Role.OBSERVER, Role.WITNESS, Role.COMMISSIONER):
        user = make_user(f"{role.value}@example.org")
        members[role.value] = add_member(inquiry, user, role)
        people[role.value] = user
    return inquiry, people, members


def _section(page):
    return page.find("h2", string="Recommendations and voting")


def test_nothing_yet_invites_participants_to_write(client_request, app):
    inquiry, people, _members = _cast(app)
    page = client_request.login(people["participant"]).get(f"/inquiries/{inquiry.id}")
    assert _section(page) is not None
    assert page.find("a", string="Write a recommendation")["href"] == (
        f"/inquiries/{inquiry.id}/recommendations"
    )


def test_counts_and_own_drafts(client_request, app):
    inquiry, people, members = _cast(app)
    participant = members["participant"]
    make_recommendation(inquiry, participant, status=RecommendationStatus.DRAFT)
    make_recommendation(inquiry, participant, title="Carers paid for travel time")
    make_recommendation(inquiry, None, status=RecommendationStatus.FROZEN, number=1)

    page = client_request.login(people["participant"]).get(f"/inquiries/{inquiry.id}")
    items = [text_of(li) for li in page.select("#overview-recommendations li")]
    assert items == [
        "1 proposed to the cohort",
        "1 going to the vote",
        "1 draft of yours that only you can see",
    ]
    # A researcher does not see the participant's draft counted.
    page = client_request.login(people["researcher"]).get(f"/inquiries/{inquiry.id}")
    items = [text_of(li) for li in page.select("#overview-recommendations li")]
    assert items == ["1 proposed to the cohort", "1 going to the vote"]
    assert page.find("a", string="prepare them for the vote") is not None


def test_an_open_ballot_asks_participants_to_vote_and_then_says_they_have(client_request, app):
    inquiry, people, members = _cast(app)
    recommendation = make_recommendation(
        inquiry, None, status=RecommendationStatus.FROZEN, number=1
    )
    ballot = make_ballot(inquiry, [recommendation])
    page = client_request.login(people["participant"]).get(f"/inquiries/{inquiry.id}")
    assert "A ballot is open." in text_of(page.select_one("#overview-ballot"))
    hrefs = [a["href"] for a in page.select("#overview-ballot a")]
    assert f"/inquiries/{inquiry.id}/ballot" in hrefs

    db.session.add(BallotPaper(ballot_id=ballot.id, voter_id=members["participant"].id))
    db.session.commit()
    page = client_request.login(people["participant"]).get(f"/inquiries/{inquiry.id}")
    assert text_of(page.select_one("#overview-ballot")).startswith("You have voted.")

    page = client_request.login(people["observer"]).get(f"/inquiries/{inquiry.id}")
    assert "A ballot is open on 1 recommendation." in text_of(page.select_one("#overview-ballot"))


def test_a_closed_ballot_links_to_the_results(client_request, app):
    inquiry, people, _members = _cast(app)
    recommendation = make_recommendation(
        inquiry, None, status=RecommendationStatus.ADOPTED, number=1
    )
    make_ballot(inquiry, [recommendation], status=BallotStatus.CLOSED)
    page = client_request.login(people["observer"]).get(f"/inquiries/{inquiry.id}")
    ballot = page.select_one("#overview-ballot")
    assert "1 recommendation was adopted" in text_of(ballot)
    assert ballot.find("a")["href"] == f"/inquiries/{inquiry.id}/results"


def test_witnesses_and_commissioners_do_not_see_the_section(client_request, app):
    inquiry, people, members = _cast(app)
    make_recommendation(inquiry, members["participant"])
    for actor in ("witness", "commissioner"):
        page = client_request.login(people[actor]).get(f"/inquiries/{inquiry.id}")
        assert _section(page) is None, actor


def test_the_inquiry_menu_leads_to_the_ballot_and_results_for_those_who_use_them(
    client_request, app
):
    inquiry, people, _members = _cast(app)
    menu = {
        actor: {
            text_of(a): a["href"]
            for a in client_request.login(people[actor])
            .get(f"/inquiries/{inquiry.id}")
            .select('nav[aria-label="Inquiry sections"] a')
        }
        for actor in people
    }
    for actor in ("researcher", "participant", "observer"):
        assert menu[actor]["Recommendations"] == f"/inquiries/{inquiry.id}/recommendations"
        assert menu[actor]["Ballot"] == f"/inquiries/{inquiry.id}/ballot"
        assert menu[actor]["Results"] == f"/inquiries/{inquiry.id}/results"
    for actor in ("witness", "commissioner"):
        assert not {"Recommendations", "Ballot", "Results"} & menu[actor].keys(), actor
