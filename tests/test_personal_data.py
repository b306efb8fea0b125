"""A person downloads everything the platform holds about them, and nobody else's."""

from __future__ import annotations

import json

from conftest import make_user, sign_in_as
from recommendation_factories import make_ballot, make_recommendation

from inquiry.ballots.services import close_ballot
from inquiry.extensions import db
from inquiry.models import (
    Agreement,
    AuditEvent,
    BallotPaper,
    BallotParticipation,
    Certainty,
    ConsentAudience,
    ConsentRecord,
    ConsentText,
    Lens,
    Membership,
    RecommendationComment,
    RecommendationStatus,
    Reflection,
    ReflectionStatus,
    Role,
    Round,
    RoundKind,
    RoundPrompt,
    Testimony,
    TestimonyStatus,
    Vote,
    utcnow,
)


def _membership(world, actor: str) -> Membership:
    user = world.people[actor]
    return next(m for m in user.memberships if m.inquiry_id == world.inquiry.id)


def _seed(world) -> None:
    inquiry = world.inquiry
    round_ = Round(
        inquiry_id=inquiry.id, position=1, kind=RoundKind.REFLECTION, title="Coming home"
    )
    round_.prompts = [RoundPrompt(position=1, text="What stayed with you?")]
    db.session.add(round_)
    text = ConsentText(
        inquiry_id=inquiry.id,
        audience=ConsentAudience.PARTICIPANT,
        version=1,
        body="You can stop taking part at any time.",
    )
    db.session.add(text)
    db.session.flush()
    db.session.add(ConsentRecord(consent_text_id=text.id, user_id=world.people["participant"].id))
    db.session.add(
        Reflection(
            inquiry_id=inquiry.id,
            round_id=round_.id,
            prompt_id=round_.prompts[0].id,
            author_id=_membership(world, "participant").id,
            body="The same carer every morning would have changed everything for my aunt.",
            lens=Lens.PERSONAL,
            status=ReflectionStatus.SHARED,
        )
    )
    db.session.add(
        Testimony(
            inquiry_id=inquiry.id,
            witness_id=_membership(world, "witness").id,
            title="After the stroke",
            body="Nobody told us who was coming or when.",
            status=TestimonyStatus.APPROVED,
        )
    )
    db.session.commit()


def _download(client, user) -> dict:
    sign_in_as(client, user)
    response = client.get("/account/your-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


def test_a_participant_downloads_their_own_data(client, world):
    _seed(world)
    data = _download(client, world.people["participant"])
    assert data["account"]["email"] == "participant@example.org"
    assert [m["role"] for m in data["inquiries"]] == ["participant"]
    assert data["inquiries"][0]["inquiry_title"] == world.inquiry.title
    assert data["consent"][0]["text_agreed_to"] == "You can stop taking part at any time."
    (reflection,) = data["reflections"]["reflections"]
    assert reflection["body"].startswith("The same carer every morning")
    assert reflection["prompt"] == "What stayed with you?"
    # Another member's testimony is not theirs.
    assert data["testimony"] == []
    text = json.dumps(data)
    assert "Nobody told us who was coming" not in text
    assert "password_hash" not in text and "session_token" not in text
    assert (
        db.session.scalar(
            db.select(AuditEvent.action).where(
                AuditEvent.actor_id == world.people["participant"].id
            )
        )
        == "user.data_downloaded"
    )


def test_a_witness_gets_their_testimony_and_not_others_reflections(client, world):
    _seed(world)
    data = _download(client, world.people["witness"])
    (testimony,) = data["testimony"]
    assert testimony["body"] == "Nobody told us who was coming or when."
    assert testimony["attachments"] == []
    assert data["reflections"] == {"reflections": [], "replies": []}
    assert "The same carer every morning" not in json.dumps(data)


def test_someone_with_no_inquiry_gets_their_account_only(client, app):
    user = make_user("nora.nobody@example.org")
    data = _download(client, user)
    assert data["account"]["name"] == "Nora Nobody"
    assert data["inquiries"] == []
    assert "password" not in " ".join(data["account"])


def test_the_account_page_explains_the_download_and_what_is_left_out(client_request, world):
    page = client_request.login(world.people["participant"]).get("/account")
    assert page.h1.get_text(strip=True) == "Your account"
    link = page.find("a", string="Download your data")
    assert link["href"] == "/account/your-data.json"
    assert "how you voted" in page.get_text()
    assert page.find("a", string="Change your password")["href"] == "/account/password"
    nav = page.select_one(".govuk-service-navigation__item--active")
    assert nav is not None and "Your account" in nav.get_text()


def test_the_download_needs_sign_in(client, app):
    response = client.get("/account/your-data.json")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_the_role_of_each_membership_is_listed(client, world):
    user = make_user("two.roles@example.org")
    db.session.add(Membership(inquiry_id=world.inquiry.id, user_id=user.id, role=Role.OBSERVER))
    db.session.add(
        Membership(inquiry_id=world.other_inquiry.id, user_id=user.id, role=Role.PARTICIPANT)
    )
    db.session.commit()
    data = _download(client, user)
    assert sorted(m["role"] for m in data["inquiries"]) == ["observer", "participant"]


def test_recommendations_and_open_ballot_votes_are_included_but_closed_votes_cannot_be(
    client, world
):
    participant = _membership(world, "participant")
    written = make_recommendation(world.inquiry, participant, title="A named person to call")
    db.session.add(
        RecommendationComment(
            recommendation_id=written.id,
            author_id=participant.id,
            body="Night-time calls matter most to families.",
        )
    )
    frozen = make_recommendation(
        world.inquiry, None, title="Travel time paid", status=RecommendationStatus.FROZEN, number=1
    )
    ballot = make_ballot(world.inquiry, [frozen])
    paper = BallotPaper(ballot_id=ballot.id, voter_id=participant.id)
    paper.votes = [
        Vote(recommendation_id=frozen.id, agreement=Agreement.AGREE, certainty=Certainty.HIGH)
    ]
    db.session.add(paper)
    db.session.commit()

    data = _download(client, world.people["participant"])
    assert [r["title"] for r in data["recommendations"]["written"]] == ["A named person to call"]
    assert data["recommendations"]["comments"][0]["body"].startswith("Night-time calls")
    (open_paper,) = data["ballots"]["your_votes_on_open_ballots"]
    assert open_paper["votes"] == [
        {
            "recommendation_id": frozen.id,
            "agreement": "agree",
            "certainty": "high",
            "dissent": "",
        }
    ]

    db.session.add(BallotParticipation(ballot_id=ballot.id, member_id=participant.id))
    db.session.commit()
    close_ballot(db.session, ballot, world.people["researcher"], utcnow())
    db.session.commit()
    data = _download(client, world.people["participant"])
    assert data["ballots"]["your_votes_on_open_ballots"] == []
    assert [b["ballot_id"] for b in data["ballots"]["ballots_you_took_part_in"]] == [ballot.id]
