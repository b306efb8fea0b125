"""Preparing recommendations for the vote: merging duplicates (supporters, links and
history kept, authors asked to accept), authors' answers, freezing and taking off the
vote, and what the recommendation page shows about merges."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import add_member, counting_queries, error_messages, make_inquiry, make_user
from flask import g, render_template
from recommendation_factories import make_ballot, make_recommendation
from sqlalchemy import select, update

from inquiry import contributions, policy
from inquiry.curation import services as curation_services
from inquiry.extensions import db
from inquiry.models import (
    Amendment,
    AmendmentStatus,
    AuditEvent,
    BallotStatus,
    Excerpt,
    Inquiry,
    InquiryStatus,
    Lens,
    Membership,
    MembershipStatus,
    MergeApproval,
    MergeApprovalStatus,
    Notification,
    Recommendation,
    RecommendationComment,
    RecommendationStatus,
    RecommendationSupport,
    RecommendationVersion,
    Reflection,
    ReflectionStatus,
    Role,
    Round,
    RoundKind,
    RoundPrompt,
    Testimony,
    TestimonyStatus,
    Theme,
    User,
    VersionChange,
    Visibility,
    recommendation_excerpts,
    utcnow,
)

WORDING = {
    "title": "One named person who coordinates care at home",
    "body": "Everyone who receives care at home has one named person who coordinates it.\n\n"
    "That person knows them and their family.",
    "for_individual": "I tell my story once, and someone calls me back.",
    "for_system": "Home care, district nursing and social work share one plan.",
    "who_should_act": "The council and the local NHS trust together",
    "rationale": "Witnesses repeated their story to every new visitor.",
}


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def flashed_error(page) -> str:
    summary = page.select_one(".govuk-error-summary")
    return text_of(summary) if summary else ""


@dataclass
class Cohort:
    inquiry: Inquiry
    people: dict[str, User] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    recs: dict[str, Recommendation] = field(default_factory=dict)

    @property
    def prepare_url(self) -> str:
        return f"/inquiries/{self.inquiry.id}/recommendations/prepare"

    def merge_url(self, *recs: Recommendation, base: Recommendation | None = None) -> str:
        query = "&".join(f"source={r.id}" for r in recs)
        if base is not None:
            query += f"&base={base.id}"
        return f"/inquiries/{self.inquiry.id}/recommendations/merge?{query}"

    def freeze_url(self, *recs: Recommendation) -> str:
        query = "&".join(f"recommendation={r.id}" for r in recs)
        return f"/inquiries/{self.inquiry.id}/recommendations/freeze?{query}"

    def unfreeze_url(self, rec: Recommendation) -> str:
        return f"/inquiries/{self.inquiry.id}/recommendations/{rec.id}/unfreeze"

    def answer_url(self, approval: MergeApproval) -> str:
        return f"/inquiries/{self.inquiry.id}/merges/{approval.id}"


def _member(inquiry: Inquiry, key: str, name: str, role: Role) -> tuple[User, Membership]:
    user = make_user(f"{key}@example.org", name=name)
    return user, add_member(inquiry, user, role)


@pytest.fixture
def cohort(app) -> Cohort:
    """An inquiry in session: four participants, an observer, three proposed
    recommendations with support, and a draft."""
    researcher = make_user("rhiannon.researcher@example.org", name="Rhiannon Price")
    inquiry = make_inquiry(researcher)
    inquiry.status = InquiryStatus.IN_SESSION
    db.session.commit()
    c = Cohort(inquiry=inquiry, people={"researcher": researcher})
    c.members["researcher"] = db.session.scalar(
        select(Membership).where(Membership.user_id == researcher.id)
    )
    for key, name in [
        ("ann", "Annika Sørensen"),
        ("bea", "Beatrice Okafor"),
        ("cal", "Cal Jones"),
        ("dev", "Devinder Gill"),
    ]:
        c.people[key], c.members[key] = _member(inquiry, key, name, Role.PARTICIPANT)
    c.people["obi"], c.members["obi"] = _member(inquiry, "obi", "Obi Observer", Role.OBSERVER)
    c.recs["ann"] = make_recommendation(inquiry, c.members["ann"], title="A named person to call")
    c.recs["bea"] = make_recommendation(
        inquiry,
        c.members["bea"],
        title="One contact for my care",
        body="People getting care at home have a single contact for everything.",
    )
    c.recs["cal"] = make_recommendation(
        inquiry,
        c.members["cal"],
        title="Time to talk at every visit",
        body="Every home care visit leaves ten minutes for conversation.",
    )
    c.recs["draft"] = make_recommendation(
        inquiry,
        c.members["dev"],
        title="Respite for family carers",
        status=RecommendationStatus.DRAFT,
    )
    for rec, supporter in [("ann", "cal"), ("ann", "dev"), ("bea", "dev"), ("bea", "ann")]:
        db.session.add(
            RecommendationSupport(
                recommendation_id=c.recs[rec].id, member_id=c.members[supporter].id
            )
        )
    db.session.commit()
    return c


def sign_in(client_request, c: Cohort, key: str):
    return client_request.login(c.people[key])


def add_amendment(rec: Recommendation, proposer: Membership) -> Amendment:
    amendment = Amendment(
        recommendation_id=rec.id,
        proposer_id=proposer.id,
        base_revision=rec.revision,
        title=rec.title,
        body="Everyone has one named person, chosen with them.",
        reason="People should choose who it is.",
    )
    db.session.add(amendment)
    db.session.commit()
    return amendment


def add_links(c: Cohort) -> dict[str, object]:
    """A theme, an excerpt and a reflection on each of ann's and bea's recommendations,
    one theme shared."""
    _, witness = _member(c.inquiry, "mar", "Margaret Hughes", Role.WITNESS)
    round_ = Round(
        inquiry_id=c.inquiry.id,
        position=1,
        kind=RoundKind.REFLECTION,
        title="What we heard",
        prompts=[RoundPrompt(position=1, text="What surprised you?")],
    )
    db.session.add(round_)
    db.session.flush()
    testimony = Testimony(
        inquiry_id=c.inquiry.id,
        round_id=round_.id,
        witness_id=witness.id,
        title="Coming home after my fall",
        body="Nobody knew who was in charge of my care.",
        status=TestimonyStatus.APPROVED,
    )
    db.session.add(testimony)
    db.session.flush()
    themes = [Theme(inquiry_id=c.inquiry.id, name=name) for name in ("Continuity", "Carers")]
    excerpts = [
        Excerpt(inquiry_id=c.inquiry.id, testimony_id=testimony.id, text=text)
        for text in ("Nobody knew who was in charge", "of my care")
    ]
    reflections = [
        Reflection(
            inquiry_id=c.inquiry.id,
            round_id=round_.id,
            prompt_id=round_.prompts[0].id,
            author_id=c.members[key].id,
            body="How often people are asked the same questions.",
            lens=Lens.PROFESSIONAL,
            visibility=Visibility.COHORT,
            status=ReflectionStatus.SHARED,
        )
        for key in ("ann", "bea")
    ]
    db.session.add_all(themes + excerpts + reflections)
    db.session.flush()
    c.recs["ann"].themes = [themes[0]]
    c.recs["bea"].themes = [themes[0], themes[1]]
    c.recs["ann"].excerpts = [excerpts[0]]
    c.recs["bea"].excerpts = [excerpts[1]]
    c.recs["ann"].reflections = [reflections[0]]
    c.recs["bea"].reflections = [reflections[1]]
    db.session.commit()
    return {"themes": themes, "excerpts": excerpts, "reflections": reflections}


def post_merge(client, c: Cohort, *recs, lead: str = "ann", **changes):
    data = dict(WORDING, lead_author=str(c.members[lead].id), **changes)
    return client.post(c.merge_url(*recs), data=data)


def merged_of(c: Cohort) -> Recommendation:
    return db.session.scalar(
        select(Recommendation).where(
            Recommendation.inquiry_id == c.inquiry.id, Recommendation.title == WORDING["title"]
        )
    )


# The prepare page ------------------------------------------------------------------------


def test_prepare_page_lists_proposed_recommendations_with_support(client_request, cohort):
    c = cohort
    add_amendment(c.recs["ann"], c.members["bea"])
    page = sign_in(client_request, c, "researcher").get(c.prepare_url)
    assert text_of(page.h1) == "Prepare recommendations for the vote"
    labels = [text_of(label) for label in page.select(".govuk-checkboxes__label")]
    assert labels == [
        "A named person to call",
        "One contact for my care",
        "Time to talk at every visit",
    ]
    hints = [text_of(hint) for hint in page.select(".govuk-checkboxes__hint")]
    assert "Proposed by Annika Sørensen" in hints[0]
    assert "2 supporters" in hints[0]
    assert "1 amendment waiting for the author\N{RIGHT SINGLE QUOTATION MARK}s decision" in hints[0]
    assert "0 supporters" in hints[2]
    # The draft is its author's alone.
    assert "Respite for family carers" not in page.get_text()
    assert "No recommendations are going to the vote yet." in page.get_text()


def test_prepare_page_explains_when_the_stage_does_not_allow_it(client_request, cohort):
    c = cohort
    c.inquiry.status = InquiryStatus.RECRUITING
    db.session.commit()
    page = sign_in(client_request, c, "researcher").get(c.prepare_url)
    warning = text_of(page.select_one(".govuk-warning-text"))
    assert "only be merged or frozen while the inquiry is in session or voting" in warning
    assert "“recruiting” stage" in warning
    assert page.select(".govuk-checkboxes__input") == []
    assert "A named person to call" in page.get_text()
    # Sending the form anyway changes nothing and says why.
    page = client_request.post(
        c.prepare_url,
        data={"recommendations": [c.recs["ann"].id, c.recs["bea"].id], "merge": "y"},
    )
    assert any("in session or voting" in m for m in error_messages(page))


def test_prepare_page_explains_an_open_ballot(client_request, cohort):
    c = cohort
    c.inquiry.status = InquiryStatus.VOTING
    frozen = make_recommendation(
        c.inquiry, c.members["cal"], status=RecommendationStatus.FROZEN, number=1
    )
    make_ballot(c.inquiry, [frozen])
    page = sign_in(client_request, c, "researcher").get(c.prepare_url)
    assert "A ballot is open" in text_of(page.select_one(".govuk-warning-text"))
    assert page.select(".govuk-checkboxes__input") == []
    # No way to take it off the vote while the ballot is open.
    assert "Take off the vote" not in page.get_text()


@pytest.mark.parametrize(
    ("chosen", "button", "message"),
    [
        (["ann"], "merge", "Select at least 2 recommendations to merge"),
        ([], "merge", "Select at least 2 recommendations to merge"),
        ([], "freeze", "Select the recommendations going to the vote"),
        (
            ["ann"],
            None,
            "Select recommendations, then choose to merge them or send them to the vote",
        ),
    ],
)
def test_choosing_too_few_is_refused_next_to_the_checkboxes(
    client_request, cohort, chosen, button, message
):
    c = cohort
    data = {"recommendations": [c.recs[key].id for key in chosen]}
    if button:
        data[button] = "y"
    page = sign_in(client_request, c, "researcher").post(c.prepare_url, data=data)
    assert error_messages(page) == [message]
    assert text_of(page.select_one(".govuk-error-message")) == f"Error: {message}"
    assert page.title.get_text().startswith("Error: ")
    # What was chosen stays chosen.
    checked = [box["value"] for box in page.select(".govuk-checkboxes__input[checked]")]
    assert checked == [str(c.recs[key].id) for key in chosen]


def test_choosing_a_recommendation_not_listed_is_refused(client_request, cohort):
    c = cohort
    data = {"recommendations": [c.recs["ann"].id, c.recs["draft"].id], "merge": "y"}
    page = sign_in(client_request, c, "researcher").post(c.prepare_url, data=data)
    assert error_messages(page) == ["Select recommendations from the list"]


def test_choosing_two_goes_on_to_the_merge_form(client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    location = client_request.post_redirect(
        c.prepare_url,
        data={"recommendations": [c.recs["ann"].id, c.recs["bea"].id], "merge": "y"},
    )
    parts = urlsplit(location)
    assert parts.path == f"/inquiries/{c.inquiry.id}/recommendations/merge"
    assert parse_qs(parts.query)["source"] == [str(c.recs["ann"].id), str(c.recs["bea"].id)]
    location = client_request.post_redirect(
        c.prepare_url, data={"recommendations": [c.recs["cal"].id], "freeze": "y"}
    )
    assert urlsplit(location).path == f"/inquiries/{c.inquiry.id}/recommendations/freeze"


# Merging ---------------------------------------------------------------------------------


def test_merge_form_starts_from_one_wording_and_shows_them_all(client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    page = client_request.get(c.merge_url(c.recs["ann"], c.recs["bea"]))
    assert text_of(page.h1) == "Merge 2 recommendations"
    assert page.select_one("#title")["value"] == "A named person to call"
    cards = [text_of(card) for card in page.select(".govuk-summary-card")]
    assert "A named person to call" in cards[0] and "By Annika Sørensen" in cards[0]
    assert "People getting care at home have a single contact" in cards[1]
    leads = {
        radio["value"]: radio.has_attr("checked") for radio in page.select("[name=lead_author]")
    }
    assert leads == {str(c.members["ann"].id): True, str(c.members["bea"].id): False}

    page = client_request.get(c.merge_url(c.recs["ann"], c.recs["bea"], base=c.recs["bea"]))
    assert page.select_one("#title")["value"] == "One contact for my care"
    assert page.select_one("[name=lead_author][checked]")["value"] == str(c.members["bea"].id)


def test_merge_form_refuses_bad_input_and_keeps_what_was_typed(client, client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    page = client_request.post(
        c.merge_url(c.recs["ann"], c.recs["bea"]),
        data={
            "title": "",
            "body": "Keep this wording, please.",
            "for_system": "x" * 5001,
            "lead_author": str(c.members["cal"].id),
        },
    )
    assert error_messages(page) == [
        "Enter a short title",
        "Enter what it would mean for the individual",
        "What it would mean for the system must be 5,000 characters or fewer",
        "Select the lead author",
    ]
    assert page.select_one("#body").get_text() == "Keep this wording, please."
    assert c.recs["ann"].status == RecommendationStatus.PROPOSED
    assert db.session.scalar(select(MergeApproval)) is None
    assert merged_of(c) is None


def test_merge_form_refuses_a_title_on_two_lines(client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    page = client_request.post(
        c.merge_url(c.recs["ann"], c.recs["bea"]),
        data=dict(WORDING, title="One named\nperson", lead_author=str(c.members["ann"].id)),
    )
    assert error_messages(page) == ["Short title must be on one line"]


def test_merge_keeps_supporters_links_and_history(client, client_request, cohort):
    c = cohort
    links = add_links(c)
    db.session.add(
        RecommendationComment(
            recommendation_id=c.recs["bea"].id,
            author_id=c.members["cal"].id,
            body="Could this include weekends?",
        )
    )
    pending = add_amendment(c.recs["ann"], c.members["cal"])
    declined = add_amendment(c.recs["bea"], c.members["cal"])
    declined.status = AmendmentStatus.DECLINED
    db.session.commit()

    sign_in(client_request, c, "researcher")
    response = post_merge(client, c, c.recs["ann"], c.recs["bea"], lead="bea")
    assert response.status_code == 302
    merged = merged_of(c)
    assert merged.status == RecommendationStatus.PROPOSED
    assert merged.author_id == c.members["bea"].id
    assert merged.body == WORDING["body"]
    assert merged.proposed_at is not None

    # A first version that says it came from a merge, by the researcher.
    (version,) = db.session.scalars(
        select(RecommendationVersion).where(RecommendationVersion.recommendation_id == merged.id)
    ).all()
    assert version.change == VersionChange.MERGED
    assert version.revision == 1
    assert version.changed_by_id == c.members["researcher"].id
    assert version.title == WORDING["title"]

    # Sources: merged into it, with their own versions and comments kept.
    for key in ("ann", "bea"):
        source = db.session.get(Recommendation, c.recs[key].id)
        assert source.status == RecommendationStatus.MERGED
        assert source.merged_into_id == merged.id
        assert len(source.versions) == 1
    assert db.session.scalar(
        select(RecommendationComment).where(
            RecommendationComment.recommendation_id == c.recs["bea"].id
        )
    )

    # Supporters: both sources' supporters and both authors, each once.
    supporters = db.session.scalars(
        select(RecommendationSupport.member_id).where(
            RecommendationSupport.recommendation_id == merged.id
        )
    ).all()
    assert sorted(supporters) == sorted(c.members[k].id for k in ("ann", "bea", "cal", "dev"))
    # Those who supported without writing a source are told their support moved.
    for key, told in (("ann", False), ("bea", False), ("cal", True), ("dev", True)):
        notes = db.session.scalars(
            select(Notification).where(
                Notification.user_id == c.people[key].id,
                Notification.message == curation_services.SUPPORT_MOVED_MESSAGE,
            )
        ).all()
        assert [n.link for n in notes] == (
            [f"/inquiries/{c.inquiry.id}/recommendations/{merged.id}"] if told else []
        )

    # Links and themes: the union.
    assert {t.id for t in merged.themes} == {t.id for t in links["themes"]}
    assert {e.id for e in merged.excerpts} == {e.id for e in links["excerpts"]}
    assert {r.id for r in merged.reflections} == {r.id for r in links["reflections"]}
    # The sources keep theirs too.
    assert db.session.scalar(
        select(recommendation_excerpts.c.excerpt_id).where(
            recommendation_excerpts.c.recommendation_id == c.recs["ann"].id
        )
    )

    # Pending amendments lapse; decided ones stay as they were.
    assert db.session.get(Amendment, pending.id).status == AmendmentStatus.LAPSED
    assert db.session.get(Amendment, declined.id).status == AmendmentStatus.DECLINED

    # The recommendation not merged is untouched.
    assert db.session.get(Recommendation, c.recs["cal"].id).status == RecommendationStatus.PROPOSED


def test_merge_asks_each_author_and_tells_them(client, client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    post_merge(client, c, c.recs["ann"], c.recs["bea"], c.recs["cal"])
    merged = merged_of(c)
    approvals = db.session.scalars(select(MergeApproval).order_by(MergeApproval.id)).all()
    assert [(a.source_id, a.member_id) for a in approvals] == [
        (c.recs[k].id, c.members[k].id) for k in ("ann", "bea", "cal")
    ]
    assert all(a.recommendation_id == merged.id for a in approvals)
    assert all(a.status == MergeApprovalStatus.PENDING for a in approvals)
    assert all(a.merged_by_id == c.members["researcher"].id for a in approvals)

    for key, approval in zip(("ann", "bea", "cal"), approvals, strict=True):
        (note,) = db.session.scalars(
            select(Notification).where(Notification.user_id == c.people[key].id)
        ).all()
        assert note.link == c.answer_url(approval)
        assert "a recommendation you wrote" in note.message
        # Never the words of a recommendation.
        assert c.recs[key].title not in note.message
        assert WORDING["title"] not in note.message

    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "recommendations.merged")
    )
    assert event.object_id == merged.id
    assert event.details["source_ids"] == [c.recs[k].id for k in ("ann", "bea", "cal")]
    assert event.actor_id == c.people["researcher"].id
    assert WORDING["title"] not in str(event.details)


def test_merge_of_a_withdrawn_authors_recommendation(client, client_request, cohort):
    c = cohort
    c.members["bea"].status = MembershipStatus.WITHDRAWN
    db.session.commit()
    sign_in(client_request, c, "researcher")
    page = client_request.get(c.merge_url(c.recs["ann"], c.recs["bea"]))
    assert [r["value"] for r in page.select("[name=lead_author]")] == [str(c.members["ann"].id)]
    assert "By A former participant" in page.get_text()
    # Choosing the withdrawn author as lead is refused.
    response = post_merge(client, c, c.recs["ann"], c.recs["bea"], lead="bea")
    assert response.status_code == 200
    assert merged_of(c) is None
    post_merge(client, c, c.recs["ann"], c.recs["bea"], lead="ann")
    approvals = db.session.scalars(select(MergeApproval)).all()
    assert [a.member_id for a in approvals] == [c.members["ann"].id]
    assert (
        db.session.scalar(select(Notification).where(Notification.user_id == c.people["bea"].id))
        is None
    )


def test_merge_when_every_author_has_left(client, client_request, cohort):
    c = cohort
    for key in ("ann", "bea"):
        c.members[key].status = MembershipStatus.WITHDRAWN
    db.session.commit()
    sign_in(client_request, c, "researcher")
    page = client_request.get(c.merge_url(c.recs["ann"], c.recs["bea"]))
    assert not page.select("[name=lead_author]")
    assert "the merged recommendation will have no author" in page.get_text()
    response = client.post(c.merge_url(c.recs["ann"], c.recs["bea"]), data=WORDING)
    assert response.status_code == 302
    merged = merged_of(c)
    assert merged.author_id is None
    assert db.session.scalars(select(MergeApproval)).all() == []


def test_merge_refuses_what_is_no_longer_proposed(client, client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    c.recs["bea"].status = RecommendationStatus.FROZEN
    c.recs["bea"].number = 1
    db.session.commit()
    # Changed while the wording was written: the form again, with what was typed.
    page = client_request.post(
        c.merge_url(c.recs["ann"], c.recs["bea"]),
        data=dict(WORDING, lead_author=str(c.members["ann"].id)),
    )
    assert any("Only proposed recommendations can be merged" in m for m in error_messages(page))
    assert page.select_one("#title")["value"] == WORDING["title"]
    assert merged_of(c) is None
    response = client.get(c.merge_url(c.recs["ann"], c.recs["bea"]))
    assert response.status_code == 302
    page = client_request.get(c.prepare_url)
    assert "Only proposed recommendations can be merged" in flashed_error(page)
    response = client.get(c.merge_url(c.recs["ann"], c.recs["draft"]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(c.prepare_url)


def test_merge_of_another_inquirys_recommendation_is_not_found(client, client_request, cohort):
    c = cohort
    other_inquiry = make_inquiry(c.people["researcher"], title="Another inquiry")
    elsewhere = make_recommendation(other_inquiry, None)
    sign_in(client_request, c, "researcher")
    assert client.get(c.merge_url(c.recs["ann"], elsewhere)).status_code == 404
    assert post_merge(client, c, c.recs["ann"], elsewhere).status_code == 404
    assert client.get(c.merge_url(c.recs["ann"]) + "&source=abc").status_code == 404
    assert merged_of(c) is None


def test_merge_refused_while_a_ballot_is_open_keeps_the_wording(client_request, cohort):
    c = cohort
    c.inquiry.status = InquiryStatus.VOTING
    db.session.commit()
    make_ballot(c.inquiry, [])
    sign_in(client_request, c, "researcher")
    page = client_request.post(
        c.merge_url(c.recs["ann"], c.recs["bea"]),
        data=dict(WORDING, lead_author=str(c.members["ann"].id)),
    )
    assert any("A ballot is open" in m for m in error_messages(page))
    assert page.select_one("#title")["value"] == WORDING["title"]
    assert merged_of(c) is None
    assert db.session.get(Recommendation, c.recs["ann"].id).status == (
        RecommendationStatus.PROPOSED
    )


def test_merge_service_refuses_outside_the_stages(app, cohort):
    from inquiry.curation import services

    c = cohort
    c.inquiry.status = InquiryStatus.REPORTING
    db.session.commit()
    with pytest.raises(services.CurationError, match="in session or voting"):
        services.merge(
            db.session,
            c.inquiry,
            [c.recs["ann"], c.recs["bea"]],
            wording=WORDING,
            lead_author=c.members["ann"],
            actor=c.people["researcher"],
            merged_by=c.members["researcher"],
            now=utcnow(),
            recommendation_link=lambda r: "",
            answer_link=lambda a: "",
        )


def _changed_by_someone_else(rec: Recommendation, status: RecommendationStatus) -> None:
    """Change the row without the session's copy knowing, as another request would."""
    db.session.execute(
        update(Recommendation)
        .where(Recommendation.id == rec.id)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )


def test_two_researchers_cannot_merge_the_same_recommendation(app, cohort):
    from inquiry.curation import services

    c = cohort
    sources = [c.recs["ann"], c.recs["bea"]]
    _changed_by_someone_else(c.recs["bea"], RecommendationStatus.MERGED)
    with pytest.raises(services.CurationError, match="merged or sent to the vote since"):
        services.merge(
            db.session,
            c.inquiry,
            sources,
            wording=WORDING,
            lead_author=c.members["ann"],
            actor=c.people["researcher"],
            merged_by=c.members["researcher"],
            now=utcnow(),
            recommendation_link=lambda r: "",
            answer_link=lambda a: "",
        )
    db.session.rollback()
    assert db.session.get(Recommendation, c.recs["ann"].id).status == (
        RecommendationStatus.PROPOSED
    )
    assert merged_of(c) is None


def test_two_researchers_cannot_freeze_the_same_recommendation(app, cohort):
    from inquiry.curation import services

    c = cohort
    _changed_by_someone_else(c.recs["cal"], RecommendationStatus.FROZEN)
    with pytest.raises(services.CurationError, match="merged or sent to the vote since"):
        services.freeze(
            db.session,
            c.inquiry,
            [c.recs["ann"], c.recs["cal"]],
            actor=c.people["researcher"],
            now=utcnow(),
            recommendation_link=lambda r: "",
        )
    db.session.rollback()
    assert db.session.get(Recommendation, c.recs["ann"].id).status == (
        RecommendationStatus.PROPOSED
    )


def test_a_merged_source_cannot_be_edited_but_the_result_can(cohort, client, client_request):
    c = cohort
    sign_in(client_request, c, "researcher")
    post_merge(client, c, c.recs["ann"], c.recs["bea"], lead="bea")
    merged = merged_of(c)
    source = db.session.get(Recommendation, c.recs["bea"].id)
    bea = db.session.get(User, c.people["bea"].id)
    assert not policy.can_edit_recommendation(bea, c.inquiry, source)
    assert policy.can_edit_recommendation(bea, c.inquiry, merged)
    ann = db.session.get(User, c.people["ann"].id)
    assert not policy.can_edit_recommendation(ann, c.inquiry, merged)


# The author's answer -------------------------------------------------------------------


@pytest.fixture
def merged(client, client_request, cohort) -> Recommendation:
    sign_in(client_request, cohort, "researcher")
    post_merge(client, cohort, cohort.recs["ann"], cohort.recs["bea"], lead="ann")
    return merged_of(cohort)


def approval_for(c: Cohort, key: str) -> MergeApproval:
    return db.session.scalar(
        select(MergeApproval).where(MergeApproval.member_id == c.members[key].id)
    )


def test_answer_page_shows_both_wordings(client_request, cohort, merged):
    c = cohort
    approval = approval_for(c, "bea")
    page = sign_in(client_request, c, "bea").get(c.answer_url(approval))
    assert text_of(page.h1) == "Do you accept the merged wording?"
    columns = [text_of(col) for col in page.select(".govuk-grid-column-one-half")]
    assert "One contact for my care" in columns[0]
    assert "People getting care at home have a single contact" in columns[0]
    assert WORDING["title"] in columns[1]
    assert "That person knows them and their family." in columns[1]
    assert page.select("[name=decision]")


def test_declining_needs_a_note(client_request, cohort, merged):
    c = cohort
    approval = approval_for(c, "bea")
    sign_in(client_request, c, "bea")
    page = client_request.post(c.answer_url(approval), data={"decision": "decline", "note": " "})
    assert error_messages(page) == ["Enter why you do not accept the merged wording"]
    page = client_request.post(c.answer_url(approval), data={})
    assert error_messages(page) == ["Select whether you accept the merged wording"]
    assert db.session.get(MergeApproval, approval.id).status == MergeApprovalStatus.PENDING


def test_declining_with_a_note_is_shown_and_researchers_told(
    client, client_request, cohort, merged
):
    c = cohort
    approval = approval_for(c, "bea")
    sign_in(client_request, c, "bea")
    note = "Mine was about a single contact.\nA coordinator is not the same thing."
    response = client.post(c.answer_url(approval), data={"decision": "decline", "note": note})
    assert response.status_code == 302
    approval = db.session.get(MergeApproval, approval.id)
    assert approval.status == MergeApprovalStatus.DECLINED
    assert approval.note == note
    assert approval.decided_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge.declined"))
    assert event.actor_id == c.people["bea"].id
    assert "single contact" not in str(event.details)
    (told,) = db.session.scalars(
        select(Notification).where(Notification.user_id == c.people["researcher"].id)
    ).all()
    assert told.link == c.prepare_url
    assert "single contact" not in told.message

    # Answered: the page shows the answer, and a second answer is refused.
    page = client_request.get(c.answer_url(approval))
    assert text_of(page.h1) == "Your answer about a merged recommendation"
    assert "A coordinator is not the same thing." in page.get_text()
    assert not page.select("[name=decision]")
    response = client.post(c.answer_url(approval), data={"decision": "accept"})
    assert response.status_code == 302
    assert db.session.get(MergeApproval, approval.id).status == MergeApprovalStatus.DECLINED

    # Researchers see the decline on the prepare page.
    page = sign_in(client_request, c, "researcher").get(c.prepare_url)
    assert "Authors who did not accept a merge" in page.get_text()
    assert "A coordinator is not the same thing." in page.get_text()
    assert "1 accepted" not in page.get_text()
    assert "0 accepted, 1 not answered yet, 1 declined" in page.get_text()


def test_accepting(client, client_request, cohort, merged):
    c = cohort
    approval = approval_for(c, "ann")
    sign_in(client_request, c, "ann")
    response = client.post(
        c.answer_url(approval), data={"decision": "accept", "note": "ignored when accepting"}
    )
    assert response.status_code == 302
    approval = db.session.get(MergeApproval, approval.id)
    assert approval.status == MergeApprovalStatus.ACCEPTED
    assert approval.note == ""
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge.accepted"))
    page = client_request.get(c.answer_url(approval))
    assert "You accepted the merged wording" in page.get_text()


def test_only_the_author_answers(client, client_request, cohort, merged):
    c = cohort
    approval = approval_for(c, "bea")
    for key in ("ann", "cal"):
        sign_in(client_request, c, key)
        assert client.get(c.answer_url(approval)).status_code == 403
        assert client.post(c.answer_url(approval), data={"decision": "accept"}).status_code == 403
    sign_in(client_request, c, "researcher")
    assert client.get(c.answer_url(approval)).status_code == 403
    # A withdrawn author can no longer answer.
    c.members["bea"].status = MembershipStatus.WITHDRAWN
    db.session.commit()
    sign_in(client_request, c, "bea")
    assert client.get(c.answer_url(approval)).status_code == 404
    assert db.session.get(MergeApproval, approval.id).status == MergeApprovalStatus.PENDING


def test_another_inquirys_merge_is_not_found(client, client_request, cohort, merged):
    c = cohort
    other = make_inquiry(c.people["researcher"], title="Another inquiry")
    add_member(other, c.people["bea"], Role.PARTICIPANT)
    approval = approval_for(c, "bea")
    sign_in(client_request, c, "bea")
    response = client.get(f"/inquiries/{other.id}/merges/{approval.id}")
    assert response.status_code == 404


# What the recommendation page shows ----------------------------------------------------


def render_status(app, c: Cohort, recommendation: Recommendation, viewer: str, queries=None):
    """The partial as the recommendation page includes it, counting its queries into
    ``queries`` when given (the page has already loaded the recommendation and the
    viewer's membership)."""
    from bs4 import BeautifulSoup

    recommendation = db.session.get(Recommendation, recommendation.id)
    membership = db.session.get(Membership, c.members[viewer].id)
    with app.test_request_context():
        g.membership = membership
        with counting_queries() as statements:
            html = render_template(
                "curation/_recommendation_status.html",
                recommendation=recommendation,
                inquiry=c.inquiry,
            )
    if queries is not None:
        queries.extend(statements)
    return BeautifulSoup(html, "html.parser")


def test_status_on_a_merged_source(app, cohort, merged):
    c = cohort
    part = render_status(app, c, c.recs["ann"], "cal")
    text = text_of(part)
    assert f"Merged into {WORDING['title']} on " in text
    assert "by the researchers" in text
    assert "Say whether you accept" not in text
    # Its author is asked to answer.
    part = render_status(app, c, c.recs["ann"], "ann")
    link = part.find("a", string="Say whether you accept the merged wording")
    assert link["href"] == c.answer_url(approval_for(c, "ann"))


def test_status_on_a_merge_result_shows_each_answer(client, app, cohort, merged):
    c = cohort
    approval = approval_for(c, "bea")
    approval.status = MergeApprovalStatus.DECLINED
    approval.note = "A coordinator is not <b>the same</b> thing."
    db.session.commit()
    part = render_status(app, c, merged, "obi")
    items = [text_of(li) for li in part.select("li")]
    assert items[0].startswith("A named person to call, by Annika Sørensen")
    assert "Not answered yet" in items[0]
    assert items[1].startswith("One contact for my care, by Beatrice Okafor")
    assert "Declined" in items[1] and "A coordinator is not <b>the same</b> thing." in items[1]
    # Escaped, never markup.
    assert part.find("b") is None


def test_the_recommendation_pages_show_the_merge(client_request, cohort, merged):
    c = cohort
    base = f"/inquiries/{c.inquiry.id}/recommendations"
    page = sign_in(client_request, c, "obi").get(f"{base}/{merged.id}")
    status = text_of(page.select(".app-merge-status")[-1])
    assert "Merged from" in status
    assert "A named person to call, by Annika Sørensen Not answered yet" in status
    assert page.find("a", string="A named person to call")["href"] == (f"{base}/{c.recs['ann'].id}")
    assert page.find("a", string="Say whether you accept the merged wording") is None

    page = sign_in(client_request, c, "bea").get(f"{base}/{c.recs['bea'].id}")
    assert f"Merged into {WORDING['title']}" in text_of(page.select_one(".app-merge-status"))
    link = page.find("a", string="Say whether you accept the merged wording")
    assert link["href"] == c.answer_url(approval_for(c, "bea"))


def test_status_when_an_author_left_without_answering(app, cohort, merged):
    c = cohort
    c.members["bea"].status = MembershipStatus.WITHDRAWN
    db.session.commit()
    part = render_status(app, c, merged, "obi")
    items = [text_of(li) for li in part.select("li")]
    assert items[1] == (
        "One contact for my care, by A former participant "
        "Its author left the inquiry without answering."
    )


def test_removing_a_lead_authors_contributions_proposes_the_sources_again(app, cohort, merged):
    c = cohort
    contributions.remove_member_contributions(db.session, c.members["ann"], utcnow())
    db.session.commit()
    # The merged recommendation was the lead author's, and went with their contributions;
    # the other author's recommendation is proposed again, with its support.
    assert db.session.get(Recommendation, merged.id) is None
    bea = db.session.get(Recommendation, c.recs["bea"].id)
    assert bea.status == RecommendationStatus.PROPOSED
    assert bea.merged_into_id is None
    assert db.session.scalar(
        select(RecommendationSupport).where(RecommendationSupport.recommendation_id == bea.id)
    )
    assert db.session.scalars(select(MergeApproval)).all() == []


def test_status_is_empty_for_a_recommendation_never_merged(app, cohort):
    part = render_status(app, cohort, cohort.recs["cal"], "cal")
    assert text_of(part) == ""


def test_status_takes_the_same_queries_however_many_sources(client, client_request, app, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    post_merge(client, c, c.recs["ann"], c.recs["bea"])
    two = merged_of(c)
    extra = [
        make_recommendation(c.inquiry, c.members[k], title=f"Another idea from {k}")
        for k in ("cal", "dev", "ann", "bea")
    ]
    post_merge(client, c, *extra, title="Four ideas in one", lead="cal")
    four = db.session.scalar(
        select(Recommendation).where(Recommendation.title == "Four ideas in one")
    )
    counts = []
    for rec in (two, four):
        db.session.expire_all()
        statements: list[str] = []
        render_status(app, c, rec, "obi", queries=statements)
        counts.append(len(statements))
    assert counts == [2, 2]
    # On a source: also what it was merged into.
    statements = []
    render_status(app, c, extra[0], "obi", queries=statements)
    assert len(statements) == 3


# Freezing ------------------------------------------------------------------------------


def test_freeze_confirmation_shows_numbers_and_warnings(client, client_request, cohort, merged):
    c = cohort
    add_amendment(c.recs["cal"], c.members["dev"])
    make_recommendation(c.inquiry, c.members["dev"], status=RecommendationStatus.FROZEN, number=2)
    page = sign_in(client_request, c, "researcher").get(c.freeze_url(merged, c.recs["cal"]))
    assert text_of(page.h1) == "Send 2 recommendations to the vote?"
    rows = [text_of(tr) for tr in page.select("tbody tr")]
    # In the order shown on the prepare page, after the numbers already used.
    assert rows[0].startswith("R3 Time to talk at every visit")
    assert "1 amendment waiting for a decision will lapse" in rows[0]
    assert rows[1].startswith(f"R4 {WORDING['title']}")
    assert "2 authors have not answered about the merge yet" in rows[1]
    assert "Some authors have not accepted a merged wording" in page.get_text()
    assert page.select_one("[name=first_number]")["value"] == "3"


def test_freezing(client, client_request, cohort):
    c = cohort
    pending = add_amendment(c.recs["ann"], c.members["dev"])
    sign_in(client_request, c, "researcher")
    response = client.post(c.freeze_url(c.recs["cal"], c.recs["ann"]), data={"first_number": "1"})
    assert response.status_code == 302
    ann = db.session.get(Recommendation, c.recs["ann"].id)
    cal = db.session.get(Recommendation, c.recs["cal"].id)
    assert (ann.status, ann.number, ann.reference) == (RecommendationStatus.FROZEN, 1, "R1")
    assert (cal.status, cal.number) == (RecommendationStatus.FROZEN, 2)
    assert ann.frozen_at is not None
    assert db.session.get(Amendment, pending.id).status == AmendmentStatus.LAPSED
    assert db.session.get(Recommendation, c.recs["bea"].id).status == RecommendationStatus.PROPOSED

    messages = {n.user_id: n.message for n in db.session.scalars(select(Notification)).all()}
    assert messages[c.people["ann"].id] == "A recommendation you wrote is going to the vote as R1"
    assert messages[c.people["cal"].id] == "A recommendation you wrote is going to the vote as R2"
    assert "can no longer be decided" in messages[c.people["dev"].id]
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "recommendation.frozen")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.object_id, e.details["number"]) for e in events] == [(ann.id, 1), (cal.id, 2)]

    page = client_request.get(c.prepare_url)
    assert "2 recommendations are going to the vote, numbered R1 to R2" in page.get_text()
    rows = [text_of(tr) for tr in page.select("#going-to-the-vote + table tbody tr")]
    assert rows[0].startswith("R1 A named person to call")
    assert rows[1].startswith("R2 Time to talk at every visit")

    # The next ones continue the numbering.
    client.post(c.freeze_url(c.recs["bea"]), data={"first_number": "3"})
    assert db.session.get(Recommendation, c.recs["bea"].id).number == 3

    # Frozen recommendations cannot be edited, and cannot be frozen or merged again.
    ann_user = db.session.get(User, c.people["ann"].id)
    assert not policy.can_edit_recommendation(ann_user, c.inquiry, ann)
    assert not policy.can_respond_to_recommendation(
        db.session.get(User, c.people["cal"].id), c.inquiry, ann
    )
    response = client.get(c.freeze_url(ann))
    assert response.status_code == 302
    assert client.get(c.merge_url(ann, cal)).status_code == 302


def test_the_author_cannot_reword_a_frozen_recommendation(client, client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    client.post(c.freeze_url(c.recs["cal"]), data={"first_number": "1"})
    sign_in(client_request, c, "cal")
    edit_url = f"/inquiries/{c.inquiry.id}/recommendations/{c.recs['cal'].id}/edit"
    response = client.post(edit_url, data=dict(WORDING, revision="1"))
    assert response.status_code == 200
    assert "so it can no longer be changed" in response.get_data(as_text=True)
    rec = db.session.get(Recommendation, c.recs["cal"].id)
    assert rec.title == "Time to talk at every visit"
    assert rec.revision == 1
    assert rec.status == RecommendationStatus.FROZEN


def test_freezing_with_stale_numbers_asks_to_check_again(client, client_request, cohort):
    c = cohort
    sign_in(client_request, c, "researcher")
    page = client_request.post(c.freeze_url(c.recs["cal"]), data={"first_number": "4"})
    assert error_messages(page) == [
        "The numbers on the ballot have changed since this page was shown. Check them "
        "again before confirming."
    ]
    assert db.session.get(Recommendation, c.recs["cal"].id).status == RecommendationStatus.PROPOSED
    assert page.select_one("[name=first_number]")["value"] == "1"


def test_freezing_refused_while_a_ballot_is_open(client, client_request, cohort):
    c = cohort
    c.inquiry.status = InquiryStatus.VOTING
    db.session.commit()
    make_ballot(c.inquiry, [])
    sign_in(client_request, c, "researcher")
    response = client.post(c.freeze_url(c.recs["cal"]), data={"first_number": "1"})
    assert response.status_code == 302
    assert db.session.get(Recommendation, c.recs["cal"].id).status == RecommendationStatus.PROPOSED
    page = client_request.get(c.prepare_url)
    assert "A ballot is open" in flashed_error(page)


@pytest.mark.parametrize("stage", [InquiryStatus.DRAFT, InquiryStatus.REPORTING])
def test_freezing_refused_outside_the_stages(client, client_request, cohort, stage):
    c = cohort
    c.inquiry.status = stage
    db.session.commit()
    sign_in(client_request, c, "researcher")
    response = client.post(c.freeze_url(c.recs["cal"]), data={"first_number": "1"})
    assert response.status_code == 302
    assert db.session.get(Recommendation, c.recs["cal"].id).status == RecommendationStatus.PROPOSED


def test_freezing_at_the_voting_stage(client, client_request, cohort):
    c = cohort
    c.inquiry.status = InquiryStatus.VOTING
    db.session.commit()
    sign_in(client_request, c, "researcher")
    client.post(c.freeze_url(c.recs["cal"]), data={"first_number": "1"})
    assert db.session.get(Recommendation, c.recs["cal"].id).status == RecommendationStatus.FROZEN


def test_freezing_another_inquirys_recommendation_is_not_found(client, client_request, cohort):
    c = cohort
    other = make_inquiry(c.people["researcher"], title="Another inquiry")
    elsewhere = make_recommendation(other, None)
    sign_in(client_request, c, "researcher")
    assert client.get(c.freeze_url(elsewhere)).status_code == 404
    response = client.post(c.freeze_url(c.recs["cal"], elsewhere), data={"first_number": "1"})
    assert response.status_code == 404
    assert db.session.get(Recommendation, elsewhere.id).status == RecommendationStatus.PROPOSED


# Taking off the vote ---------------------------------------------------------------------


@pytest.fixture
def frozen(cohort) -> Recommendation:
    rec = cohort.recs["cal"]
    rec.status = RecommendationStatus.FROZEN
    rec.number = 1
    rec.frozen_at = utcnow()
    db.session.commit()
    return rec


def test_unfreezing(client, client_request, cohort, frozen):
    c = cohort
    page = sign_in(client_request, c, "researcher").get(c.unfreeze_url(frozen))
    assert text_of(page.h1) == "Take R1 off the vote?"
    response = client.post(c.unfreeze_url(frozen))
    assert response.status_code == 302
    rec = db.session.get(Recommendation, frozen.id)
    assert (rec.status, rec.number, rec.frozen_at) == (RecommendationStatus.PROPOSED, None, None)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "recommendation.unfrozen")
    )
    assert event.object_id == rec.id and event.details["number"] == 1
    note = db.session.scalar(select(Notification).where(Notification.user_id == c.people["cal"].id))
    assert note.message == "A recommendation you wrote is no longer going to the vote"
    cal = db.session.get(User, c.people["cal"].id)
    assert policy.can_edit_recommendation(cal, c.inquiry, rec)
    page = client_request.get(c.prepare_url)
    assert "R1 is no longer going to the vote" in page.get_text()


def test_unfreezing_refused_while_a_ballot_is_open(client, client_request, cohort, frozen):
    c = cohort
    c.inquiry.status = InquiryStatus.VOTING
    db.session.commit()
    make_ballot(c.inquiry, [frozen])
    page = sign_in(client_request, c, "researcher").get(c.unfreeze_url(frozen))
    assert "A ballot is open" in page.get_text()
    assert not page.select("form[action$=unfreeze]")
    client.post(c.unfreeze_url(frozen))
    assert db.session.get(Recommendation, frozen.id).status == RecommendationStatus.FROZEN


def _closed_ballot(c: Cohort, rec: Recommendation, participants: int, eligible: int):
    ballot = make_ballot(c.inquiry, [rec], status=BallotStatus.CLOSED)
    ballot.participant_count = participants
    ballot.eligible_count = eligible
    db.session.commit()
    return ballot


def test_unfreezing_refused_after_a_ballot_that_reached_quorum(
    client, client_request, cohort, frozen
):
    c = cohort
    _closed_ballot(c, frozen, participants=3, eligible=4)
    page = sign_in(client_request, c, "researcher").get(c.prepare_url)
    assert "Take off the vote" not in page.get_text()
    page = client_request.get(c.unfreeze_url(frozen))
    assert "voted on in a ballot that reached its quorum" in page.get_text()
    client.post(c.unfreeze_url(frozen))
    assert db.session.get(Recommendation, frozen.id).status == RecommendationStatus.FROZEN


def test_unfreezing_allowed_after_an_inquorate_ballot(client, client_request, cohort, frozen):
    c = cohort
    _closed_ballot(c, frozen, participants=1, eligible=4)
    sign_in(client_request, c, "researcher")
    client.post(c.unfreeze_url(frozen))
    assert db.session.get(Recommendation, frozen.id).status == RecommendationStatus.PROPOSED


def test_unfreezing_what_is_not_frozen(client, client_request, cohort):
    c = cohort
    page = sign_in(client_request, c, "researcher").get(c.unfreeze_url(c.recs["ann"]))
    assert text_of(page.h1) == "This recommendation cannot be taken off the vote"
    response = client.post(c.unfreeze_url(c.recs["ann"]))
    assert response.status_code == 302
    # A draft is not the researcher's to see.
    assert client.get(c.unfreeze_url(c.recs["draft"])).status_code == 404
    other = make_inquiry(c.people["researcher"], title="Another inquiry")
    elsewhere = make_recommendation(other, None, status=RecommendationStatus.FROZEN, number=1)
    assert client.get(c.unfreeze_url(elsewhere)).status_code == 404
    assert client.post(c.unfreeze_url(elsewhere)).status_code == 404
