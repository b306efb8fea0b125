"""Drafting recommendations: the list, writing and proposing, versions and their
history, support, comments, amendments, evidence, withdrawal and the theme board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from conftest import (
    add_member,
    check_page,
    counting_queries,
    error_messages,
    make_app,
    make_inquiry,
    make_user,
    sign_in_as,
)
from recommendation_factories import make_recommendation
from sqlalchemy import func, select

from inquiry import contributions
from inquiry.cohort.services import withdraw
from inquiry.deliberation import services as deliberation_services
from inquiry.extensions import db
from inquiry.models import (
    Amendment,
    AmendmentStatus,
    AuditEvent,
    Excerpt,
    Inquiry,
    InquiryStatus,
    Membership,
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
    TestimonyUse,
    Theme,
    User,
    VersionChange,
    Visibility,
    WithdrawalPolicy,
    utcnow,
)
from inquiry.recommendations import services
from inquiry.testimony import services as testimony_services

WORDING = {
    "title": "Time to talk at every visit",
    "body": "Home care visits include ten minutes to talk, not only tasks.",
    "for_individual": "Someone asks how I am and has time to hear the answer.",
    "for_system": "Rotas and contracts pay for the ten minutes.",
    "who_should_act": "The council's commissioners and home care providers",
    "rationale": "Witnesses said visits felt rushed and lonely.",
}


@dataclass
class Cast:
    inquiry: Inquiry
    other_inquiry: Inquiry
    researcher: User
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/inquiries/{self.inquiry.id}/recommendations"

    def url(self, recommendation: Recommendation, page: str = "") -> str:
        return f"{self.base}/{recommendation.id}" + (f"/{page}" if page else "")


def _member(inquiry: Inquiry, email: str, name: str, role: Role) -> tuple[User, Membership]:
    user = make_user(email, name=name)
    membership = add_member(inquiry, user, role)
    return user, membership


@pytest.fixture
def cast(app) -> Cast:
    researcher = make_user(
        "rhiannon.researcher@example.org", name="Rhiannon Jones", researcher=True
    )
    inquiry = make_inquiry(researcher)
    inquiry.status = InquiryStatus.IN_SESSION
    other = make_inquiry(make_user("olu.outsider@example.org", researcher=True), "Another")
    db.session.commit()
    cast = Cast(inquiry=inquiry, other_inquiry=other, researcher=researcher)
    for key, name, role in (
        ("aisha", "Aisha Khan", Role.PARTICIPANT),
        ("ben", "Ben Okafor", Role.PARTICIPANT),
        ("cara", "Cara Lewis", Role.PARTICIPANT),
        ("olive", "Olive Observer", Role.OBSERVER),
        ("wendy", "Wendy Witness", Role.WITNESS),
        ("colin", "Colin Commissioner", Role.COMMISSIONER),
    ):
        user, membership = _member(inquiry, f"{key}@example.org", name, role)
        cast.users[key] = user
        cast.members[key] = membership
    for key, name in (("time", "Time to care"), ("continuity", "Continuity of care")):
        theme = Theme(inquiry_id=inquiry.id, name=name)
        db.session.add(theme)
        cast.themes[key] = theme
    db.session.commit()
    return cast


def as_(client, user: User | None):
    sign_in_as(client, user)
    return client


def page_of(client_request, user, url, status=200):
    client_request.login(user)
    return client_request.get(url, expected_status=status)


def find_text(page, tag: str, text: str):
    """The first element of this tag whose text, with spaces tidied, is exactly this."""
    return page.find(tag, string=lambda s: s is not None and " ".join(s.split()) == text)


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def add_testimony(cast: Cast, body: str, use=TestimonyUse.QUOTE_ANONYMOUSLY) -> Testimony:
    testimony = Testimony(
        inquiry_id=cast.inquiry.id,
        witness_id=cast.members["wendy"].id,
        title="Looking after Dad",
        body=body,
        status=TestimonyStatus.APPROVED,
        use=use,
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


def add_excerpt(testimony: Testimony, text: str, *themes: Theme) -> Excerpt:
    excerpt = Excerpt(inquiry_id=testimony.inquiry_id, testimony_id=testimony.id, text=text)
    excerpt.themes = list(themes)
    db.session.add(excerpt)
    db.session.commit()
    return excerpt


def add_reflection(
    cast: Cast, author: str, body: str, *, visibility=Visibility.COHORT, shared=True
) -> Reflection:
    round_ = db.session.scalar(select(Round).where(Round.inquiry_id == cast.inquiry.id))
    if round_ is None:
        round_ = Round(
            inquiry_id=cast.inquiry.id,
            position=1,
            kind=RoundKind.REFLECTION,
            title="What stayed with us",
            prompts=[RoundPrompt(position=1, text="What surprised you today?")],
        )
        db.session.add(round_)
        db.session.commit()
    reflection = Reflection(
        inquiry_id=cast.inquiry.id,
        round_id=round_.id,
        prompt_id=round_.prompts[0].id,
        author_id=cast.members[author].id,
        body=body,
        visibility=visibility,
        status=ReflectionStatus.SHARED if shared else ReflectionStatus.DRAFT,
        shared_at=utcnow() if shared else None,
    )
    db.session.add(reflection)
    db.session.commit()
    return reflection


def create(cast: Cast, author: str = "aisha", *, propose=True, **changes) -> Recommendation:
    recommendation = services.create_recommendation(
        db.session,
        inquiry=cast.inquiry,
        author=cast.members[author],
        actor=cast.users[author],
        wording={**WORDING, **changes},
        themes=[],
        propose=propose,
        now=utcnow(),
    )
    db.session.commit()
    return recommendation


# The list --------------------------------------------------------------------------------


def test_the_list_explains_itself_when_empty(client_request, cast):
    page = page_of(client_request, cast.users["aisha"], cast.base)
    text = text_of(page)
    assert "No recommendations have been proposed yet." in text
    assert "You have no drafts." in text
    assert find_text(page, "a", "Write a recommendation") is not None
    page = page_of(client_request, cast.users["olive"], cast.base)
    assert find_text(page, "a", "Write a recommendation") is None
    assert "Your drafts" not in text_of(page)


def test_the_list_says_why_drafting_is_closed(client_request, cast):
    cast.inquiry.status = InquiryStatus.REPORTING
    db.session.commit()
    page = page_of(client_request, cast.users["aisha"], cast.base)
    assert find_text(page, "a", "Write a recommendation") is None
    assert "can no longer be written or changed" in text_of(page)
    response = as_(client_request.client, cast.users["aisha"]).get(f"{cast.base}/new")
    assert response.status_code == 302


def test_the_list_shows_proposed_ones_drafts_to_their_author_and_merged_ones(client_request, cast):
    proposed = create(cast, "ben", title="A named person to call")
    proposed.themes = [cast.themes["continuity"]]
    draft = create(cast, "aisha", propose=False, title="Aisha's private draft")
    target = create(cast, "cara", title="One team for each street")
    merged = create(cast, "cara", title="Neighbourhood teams")
    merged.status = RecommendationStatus.MERGED
    merged.merged_into_id = target.id
    db.session.add(
        RecommendationSupport(recommendation_id=proposed.id, member_id=cast.members["cara"].id)
    )
    db.session.commit()

    page = page_of(client_request, cast.users["aisha"], cast.base)
    card = page.select_one(f"#recommendation-{proposed.id}")
    assert "A named person to call" in text_of(card)
    assert "Proposed" in text_of(card)
    assert "1 supporter, 0 comments" in text_of(card)
    assert "By Ben Okafor" in text_of(card)
    assert "Continuity of care" in text_of(card)
    drafts = text_of(page.select_one("#drafts").find_next("ul"))
    assert "Aisha's private draft" in drafts
    merged_section = page.select_one("#merged").find_next("ul")
    assert "Neighbourhood teams" in text_of(merged_section)
    assert merged_section.find("a", href=cast.url(target)) is not None

    # Nobody else sees the draft.
    for who in ("ben", "olive"):
        assert "Aisha's private draft" not in text_of(
            page_of(client_request, cast.users[who], cast.base)
        )
    client_request.login(cast.researcher)
    assert "Aisha's private draft" not in text_of(client_request.get(cast.base))
    client_request.login(cast.users["ben"])
    client_request.get(cast.url(draft), expected_status=404)


def test_the_list_filters_by_theme(client_request, cast):
    on_time = create(cast, "ben", title="Longer visits")
    on_time.themes = [cast.themes["time"]]
    create(cast, "cara", title="The same carers each week")
    db.session.commit()
    url = f"{cast.base}?theme={cast.themes['time'].id}"
    text = text_of(page_of(client_request, cast.users["aisha"], url))
    assert "Longer visits" in text
    assert "The same carers each week" not in text
    assert "Recommendations on Time to care" in text
    # A theme of nothing here shows everything.
    text = text_of(page_of(client_request, cast.users["aisha"], f"{cast.base}?theme=999999"))
    assert "The same carers each week" in text


def test_each_listed_recommendation_shows_what_its_page_does(client_request, cast):
    frozen = create(cast, "ben", title="Longer visits")
    frozen.status = RecommendationStatus.FROZEN
    frozen.number = 2
    frozen.themes = [cast.themes["time"], cast.themes["continuity"]]
    merged = create(cast, "cara", title="Visits <b>long</b> enough")
    merged.status = RecommendationStatus.MERGED
    merged.merged_into_id = frozen.id
    unnamed = make_recommendation(cast.inquiry, None, title="From the researchers")
    for who in ("aisha", "cara"):
        db.session.add(
            RecommendationSupport(recommendation_id=frozen.id, member_id=cast.members[who].id)
        )
    db.session.add(
        RecommendationComment(
            recommendation_id=frozen.id, author_id=cast.members["aisha"].id, body="Yes"
        )
    )
    db.session.commit()
    withdraw(db.session, cast.members["ben"], actor=cast.users["ben"], now=utcnow())
    db.session.commit()

    page = page_of(client_request, cast.users["olive"], cast.base)
    card = page.select_one(f"#recommendation-{frozen.id}")
    link = card.select_one("h3 a")
    assert link["href"] == cast.url(frozen)
    assert text_of(link) == "R2: Longer visits"
    tag = card.select_one("strong.govuk-tag")
    assert tag["class"] == ["govuk-tag", "govuk-tag--yellow"]
    assert text_of(tag) == "Going to the vote"
    assert "By a former participant. 2 supporters, 1 comment." in text_of(card)
    assert "Ben" not in text_of(card)
    # Themes in the order of the filter, each a link to the list on it.
    themes = card.select("p a")
    assert [text_of(a) for a in themes] == ["Continuity of care", "Time to care"]
    assert themes[1]["href"] == f"{cast.base}?theme={cast.themes['time'].id}"
    assert "No named author. 0 supporters, 0 comments." in text_of(
        page.select_one(f"#recommendation-{unnamed.id}")
    )
    assert page.select_one(f"#recommendation-{merged.id}") is None
    item = page.select_one("#merged").find_next("ul").li
    assert item.a["href"] == cast.url(merged)
    assert text_of(item.a) == "Visits <b>long</b> enough"
    assert item.select_one("strong.govuk-tag--purple") is not None
    assert text_of(item.select_one("span a")) == "R2: Longer visits"
    assert item.select_one("span a")["href"] == cast.url(frozen)

    # A researcher's page lists the same, and the titles are escaped.
    client_request.login(cast.researcher)
    html = client_request.client.get(cast.base).get_data(as_text=True)
    assert "Visits &lt;b&gt;long&lt;/b&gt; enough" in html


@pytest.mark.parametrize("who", ["wendy", "colin"])
def test_witnesses_and_commissioners_do_not_read_recommendations(client, cast, who):
    recommendation = create(cast)
    as_(client, cast.users[who])
    assert client.get(cast.base).status_code == 403
    assert client.get(cast.url(recommendation)).status_code == 403


def test_recommendations_of_another_inquiry_are_not_found(client, cast):
    outsider = make_user("nia.elsewhere@example.org")
    membership = add_member(cast.other_inquiry, outsider, Role.PARTICIPANT)
    cast.other_inquiry.status = InquiryStatus.IN_SESSION
    db.session.commit()
    theirs = make_recommendation(cast.other_inquiry, membership)
    as_(client, cast.users["aisha"])
    for page in ("", "history", "edit", "amendments/new"):
        assert client.get(cast.url(theirs, page)).status_code == 404, page
    assert client.post(cast.url(theirs, "support")).status_code == 404
    assert client.post(cast.url(theirs, "comments"), data={"body": "Hello"}).status_code == 404
    amendment = Amendment(
        recommendation_id=theirs.id,
        proposer_id=membership.id,
        base_revision=1,
        title="x",
        body="y",
    )
    db.session.add(amendment)
    db.session.commit()
    mine = create(cast)
    # An amendment of another recommendation is not found under this one.
    assert client.get(cast.url(mine, f"amendments/{amendment.id}")).status_code == 404


# Writing ---------------------------------------------------------------------------------


def form_data(**changes) -> dict:
    return {**WORDING, "revision": "0", **changes}


def test_a_participant_saves_a_draft_then_proposes_it(client_request, cast):
    client = as_(client_request.client, cast.users["aisha"])
    page = client_request.get(f"{cast.base}/new")
    labels = [text_of(label) for label in page.select("label.govuk-label")]
    # The individual comes before the system on the form.
    assert labels.index("What it would mean for the individual") < labels.index(
        "What it would mean for the system"
    )
    response = client.post(
        f"{cast.base}/new",
        data={"title": "Time to talk", "body": "Visits include time to talk.", "save": "y"},
    )
    assert response.status_code == 302
    draft = db.session.scalar(select(Recommendation))
    assert draft.status == RecommendationStatus.DRAFT
    assert draft.author_id == cast.members["aisha"].id
    assert [v.change for v in draft.versions] == [VersionChange.CREATED]
    assert "Only you can see this draft" in text_of(
        client_request.get(response.headers["Location"])
    )

    # Proposing needs what it would mean for the individual and the system.
    page = client_request.post(
        cast.url(draft, "edit"),
        data={
            "title": "Time to talk",
            "body": "Visits include time to talk.",
            "revision": "1",
            "propose": "y",
        },
    )
    assert error_messages(page) == [
        "Enter what it would mean for the individual",
        "Enter what it would mean for the system",
    ]
    assert page.select_one("#for_individual-error") is not None
    db.session.refresh(draft)
    assert draft.status == RecommendationStatus.DRAFT

    response = client.post(cast.url(draft, "edit"), data=form_data(revision="1", propose="y"))
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.status == RecommendationStatus.PROPOSED
    assert draft.proposed_at is not None
    assert draft.revision == 2
    assert [v.change for v in draft.versions] == [VersionChange.CREATED, VersionChange.EDITED]
    assert "recommendation.drafted" in actions()
    assert actions()[-1] == "recommendation.edited"
    assert "recommendation.proposed" in actions()
    assert "Ben" not in " ".join(actions())


def test_bad_input_is_refused_next_to_the_field_and_kept(client_request, cast):
    client_request.login(cast.users["aisha"])
    long_title = "A" * 151
    page = client_request.post(
        f"{cast.base}/new",
        data={"title": long_title, "body": "", "for_individual": "Kept words", "save": "y"},
    )
    assert error_messages(page) == [
        "The short title must be 150 characters or fewer",
        "Enter the recommendation",
    ]
    assert page.select_one("#title")["value"] == long_title
    assert page.select_one("#for_individual").get_text() == "Kept words"
    assert page.title.get_text().startswith("Error: ")
    page = client_request.post(
        f"{cast.base}/new", data={"title": "Two\nlines", "body": "Words", "save": "y"}
    )
    assert error_messages(page) == ["Short title must be on one line"]
    assert count(Recommendation) == 0


def test_themes_and_evidence_are_chosen_from_what_the_participant_may_see(client_request, cast):
    testimony = add_testimony(cast, "Nobody had time to sit with Dad. He felt like a job.")
    excerpt = add_excerpt(testimony, "Nobody had time to sit with Dad", cast.themes["time"])
    shared = add_reflection(cast, "ben", "Ten minutes would change his whole day.")
    private = add_reflection(
        cast, "cara", "Only for the researchers.", visibility=Visibility.RESEARCHERS
    )
    draft = add_reflection(cast, "aisha", "Not shared yet.", shared=False)
    client_request.login(cast.users["aisha"])
    page = client_request.get(f"{cast.base}/new")
    assert page.select_one(f"#excerpts-{excerpt.id}") is not None
    assert "Looking after Dad (1 excerpt)" in text_of(page)
    assert page.select_one(f"#reflections-{shared.id}") is not None
    assert page.select_one(f"#reflections-{private.id}") is None
    assert page.select_one(f"#reflections-{draft.id}") is None
    assert "Session 1: What stayed with us (1 reflection)" in text_of(page)

    # A reflection they cannot read is refused.
    page = client_request.post(
        f"{cast.base}/new", data=form_data(propose="y", reflections=[str(private.id)])
    )
    assert error_messages(page) == ["Select reflections from the list"]
    assert count(Recommendation) == 0

    response = client_request.client.post(
        f"{cast.base}/new",
        data=form_data(
            propose="y",
            themes=[str(cast.themes["time"].id)],
            excerpts=[str(excerpt.id)],
            reflections=[str(shared.id)],
        ),
    )
    assert response.status_code == 302
    recommendation = db.session.scalar(select(Recommendation))
    assert [t.name for t in recommendation.themes] == ["Time to care"]
    page = client_request.get(response.headers["Location"])
    evidence = text_of(page.select_one("#evidence").find_parent())
    assert "Nobody had time to sit with Dad" in evidence
    assert "Wendy Witness" in evidence
    assert "May be quoted anonymously" in evidence
    assert "Ten minutes would change his whole day." in evidence
    # Observers read recommendations but not reflections.
    client_request.login(cast.users["olive"])
    evidence = text_of(client_request.get(cast.url(recommendation)))
    assert "Ten minutes would change his whole day." not in evidence
    assert "It also cites 1 reflection shared with the cohort, which you cannot read." in evidence
    assert "Nobody had time to sit with Dad" in evidence


def test_withdrawn_testimony_no_longer_shows_as_evidence(client_request, cast):
    testimony = add_testimony(cast, "The carers changed every week and nobody knew Dad.")
    excerpt = add_excerpt(testimony, "nobody knew Dad", cast.themes["continuity"])
    recommendation = create(cast)
    recommendation.excerpts = [excerpt]
    db.session.commit()
    client_request.login(cast.users["ben"])
    assert "nobody knew Dad" in text_of(client_request.get(cast.url(recommendation)))

    testimony_services.withdraw(
        db.session, testimony, inquiry=cast.inquiry, actor=cast.users["wendy"], now=utcnow()
    )
    db.session.commit()
    db.session.expire_all()
    page = client_request.get(cast.url(recommendation))
    assert "nobody knew Dad" not in text_of(page)
    assert "No evidence is linked yet." in text_of(page)
    assert db.session.get(Recommendation, recommendation.id).excerpts == []


def test_html_in_recommendations_is_escaped(client, cast):
    recommendation = create(cast, title="<script>alert(1)</script>", body="<b>bold</b>\n\nNext")
    as_(client, cast.users["ben"])
    html = client.get(cast.url(recommendation)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


# Editing and versions ----------------------------------------------------------------------


def test_editing_keeps_a_version_for_every_change_of_wording(client_request, cast):
    recommendation = create(cast)
    client = as_(client_request.client, cast.users["aisha"])
    page = client_request.get(cast.url(recommendation, "edit"))
    assert page.select_one("#title")["value"] == WORDING["title"]
    assert page.select_one("input[name=revision]")["value"] == "1"
    response = client.post(
        cast.url(recommendation, "edit"),
        data=form_data(revision="1", body="Visits include fifteen minutes to talk.", save="y"),
    )
    assert response.status_code == 302
    # Saving without a change keeps no new version.
    client.post(
        cast.url(recommendation, "edit"),
        data=form_data(revision="2", body="Visits include fifteen minutes to talk.", save="y"),
    )
    db.session.refresh(recommendation)
    assert recommendation.revision == 2
    versions = recommendation.versions
    assert [(v.revision, v.change) for v in versions] == [
        (1, VersionChange.CREATED),
        (2, VersionChange.EDITED),
    ]
    assert versions[0].body == WORDING["body"]
    assert versions[1].body == "Visits include fifteen minutes to talk."

    page = page_of(client_request, cast.users["olive"], cast.url(recommendation, "history"))
    headings = [text_of(h) for h in page.select("h2")]
    assert headings[:2] == [
        "Version 2: Edited by the author (current)",
        "Version 1: First wording",
    ]
    assert "By Aisha Khan" in text_of(page)


def test_a_save_from_an_older_page_is_refused_keeping_both_wordings(client_request, cast):
    recommendation = create(cast)
    client = as_(client_request.client, cast.users["aisha"])
    client.post(
        cast.url(recommendation, "edit"),
        data=form_data(revision="1", body="The wording saved in the other window.", save="y"),
    )
    response = client.post(
        cast.url(recommendation, "edit"),
        data=form_data(revision="1", body="The words typed in this window.", save="y"),
    )
    assert response.status_code == 409
    page = check_page(response.get_data(as_text=True))
    assert "changed after you opened this page" in error_messages(page)[0]
    assert "The wording saved in the other window." in text_of(page.select_one("#saved-wording"))
    assert page.select_one("#body").get_text() == "The words typed in this window."
    assert page.select_one("input[name=revision]")["value"] == "2"
    db.session.refresh(recommendation)
    assert recommendation.body == "The wording saved in the other window."
    assert recommendation.revision == 2


def test_only_the_author_edits_and_only_while_it_is_editable(client, cast):
    recommendation = create(cast)
    as_(client, cast.users["ben"])
    assert client.get(cast.url(recommendation, "edit")).status_code == 403
    assert client.post(cast.url(recommendation, "edit"), data=form_data()).status_code == 403
    recommendation.status = RecommendationStatus.FROZEN
    db.session.commit()
    as_(client, cast.users["aisha"])
    response = client.get(cast.url(recommendation, "edit"))
    assert response.status_code == 302
    # Typed words are not lost even though they cannot be saved.
    response = client.post(cast.url(recommendation, "edit"), data=form_data(revision="1"))
    assert response.status_code == 200
    page = check_page(response.get_data(as_text=True))
    assert "Your text has not been saved" in text_of(page)
    assert WORDING["body"] in page.get_text()
    assert "going to the vote, so it can no longer be changed" in text_of(page)
    db.session.refresh(recommendation)
    assert recommendation.revision == 1


def test_authors_delete_drafts_after_confirming(client_request, cast):
    draft = create(cast, propose=False)
    client_request.login(cast.users["aisha"])
    page = client_request.get(cast.url(draft, "delete"))
    assert "Are you sure you want to delete this draft?" in text_of(page)
    assert client_request.post_redirect(cast.url(draft, "delete")) == cast.base
    assert count(Recommendation) == 0
    assert count(RecommendationVersion) == 0
    assert actions()[-1] == "recommendation.deleted"
    proposed = create(cast)
    assert client_request.client.post(cast.url(proposed, "delete")).status_code == 302
    assert db.session.get(Recommendation, proposed.id) is not None


# Support and comments -----------------------------------------------------------------------


def test_support_and_withdraw_support_but_not_ones_own(client_request, cast):
    recommendation = create(cast)
    client = as_(client_request.client, cast.users["ben"])
    page = client_request.get(cast.url(recommendation))
    assert find_text(page, "button", "Support this recommendation") is not None
    client.post(cast.url(recommendation, "support"), data={"support": "yes"})
    assert services.support_counts(db.session, [recommendation.id]) == {recommendation.id: 1}
    page = client_request.get(cast.url(recommendation))
    assert "1 participant supports this recommendation." in text_of(page)
    client.post(cast.url(recommendation, "support"), data={"support": "no"})
    assert services.support_counts(db.session, [recommendation.id]) == {recommendation.id: 0}
    assert actions()[-2:] == ["recommendation.supported", "recommendation.support_withdrawn"]

    as_(client, cast.users["aisha"])
    page = client_request.get(cast.url(recommendation))
    assert find_text(page, "button", "Support this recommendation") is None
    response = client.post(cast.url(recommendation, "support"), data={"support": "yes"})
    assert response.status_code == 302
    assert count(RecommendationSupport) == 0


def test_comments_are_listed_and_the_author_is_told_without_the_words(client_request, cast):
    recommendation = create(cast)
    client_request.login(cast.users["ben"])
    page = client_request.post(cast.url(recommendation, "comments"), data={"body": "  "})
    assert error_messages(page) == ["Enter your comment"]
    location = client_request.post_redirect(
        cast.url(recommendation, "comments"),
        data={"body": "Could this include the evening visits too?"},
    )
    assert location.startswith(cast.url(recommendation))
    page = client_request.get(cast.url(recommendation))
    comments = text_of(page.select_one("#comments").find_parent())
    assert "Ben Okafor" in comments
    assert "Could this include the evening visits too?" in comments
    notification = db.session.scalar(select(Notification))
    assert notification.user_id == cast.users["aisha"].id
    assert "evening" not in notification.message
    assert WORDING["title"] not in notification.message
    assert "a recommendation you wrote" in notification.message
    assert notification.link.startswith(cast.url(recommendation))


def test_nothing_can_be_added_to_a_frozen_recommendation(client, cast):
    recommendation = create(cast)
    recommendation.status = RecommendationStatus.FROZEN
    db.session.commit()
    as_(client, cast.users["ben"])
    html = client.get(cast.url(recommendation)).get_data(as_text=True)
    assert "Support this recommendation" not in html
    assert "Propose an amendment" not in html
    assert 'name="body"' not in html
    client.post(cast.url(recommendation, "support"), data={"support": "yes"})
    response = client.post(cast.url(recommendation, "comments"), data={"body": "Late thought"})
    assert "Late thought" in response.get_data(as_text=True)
    assert count(RecommendationSupport) == 0
    assert count(RecommendationComment) == 0
    assert client.get(cast.url(recommendation, "amendments/new")).status_code == 302


# Amendments ---------------------------------------------------------------------------------


def propose_amendment(client, cast, recommendation, **changes):
    data = {
        **WORDING,
        "base_revision": str(recommendation.revision),
        "reason": "Evening visits are the loneliest.",
        **changes,
    }
    return client.post(cast.url(recommendation, "amendments/new"), data=data)


def test_an_amendment_is_proposed_from_the_current_wording(client_request, cast):
    recommendation = create(cast)
    client = as_(client_request.client, cast.users["ben"])
    page = client_request.get(cast.url(recommendation, "amendments/new"))
    assert page.select_one("#title")["value"] == WORDING["title"]
    assert page.select_one("input[name=base_revision]")["value"] == "1"

    response = propose_amendment(client, cast, recommendation, reason="")
    assert response.status_code == 200
    assert error_messages(check_page(response.get_data(as_text=True))) == [
        "Enter why you suggest this change"
    ]
    response = propose_amendment(client, cast, recommendation)
    page = check_page(response.get_data(as_text=True))
    assert error_messages(page) == [
        "Your amendment is the same as the current wording. Change at least one part."
    ]
    assert count(Amendment) == 0

    response = propose_amendment(
        client, cast, recommendation, body="Every visit, evenings too, includes time to talk."
    )
    assert response.status_code == 302
    amendment = db.session.scalar(select(Amendment))
    assert amendment.status == AmendmentStatus.PENDING
    assert amendment.proposer_id == cast.members["ben"].id
    assert amendment.base_revision == 1
    notification = db.session.scalar(select(Notification))
    assert notification.user_id == cast.users["aisha"].id
    assert "proposed an amendment to a recommendation you wrote" in notification.message

    # The author cannot amend their own.
    as_(client, cast.users["aisha"])
    assert client.get(cast.url(recommendation, "amendments/new")).status_code == 302


def test_accepting_an_amendment_changes_the_wording_as_the_proposer(client_request, cast):
    recommendation = create(cast)
    client = as_(client_request.client, cast.users["ben"])
    propose_amendment(client, cast, recommendation, body="Every visit includes time to talk.")
    as_(client, cast.users["cara"])
    propose_amendment(client, cast, recommendation, title="Time to talk, every time")
    first, second = db.session.scalars(select(Amendment).order_by(Amendment.id)).all()

    client_request.login(cast.users["aisha"])
    page = client_request.get(cast.url(recommendation, f"amendments/{first.id}"))
    assert "Changed" in text_of(page.select_one("#compare-body"))
    assert "no change" in text_of(page.select_one("#compare-title"))
    assert page.select_one(".govuk-warning-text") is None
    page = client_request.post(
        cast.url(recommendation, f"amendments/{first.id}/decide"), data={"revision": "1"}
    )
    assert error_messages(page) == ["Select whether you accept or decline the amendment"]

    location = client_request.post_redirect(
        cast.url(recommendation, f"amendments/{first.id}/decide"),
        data={"decision": "accept", "revision": "1", "note": "Thank you"},
    )
    assert location.startswith(cast.url(recommendation))
    db.session.expire_all()
    recommendation = db.session.get(Recommendation, recommendation.id)
    assert recommendation.body == "Every visit includes time to talk."
    assert recommendation.revision == 2
    latest = recommendation.versions[-1]
    assert latest.change == VersionChange.AMENDMENT_ACCEPTED
    assert latest.changed_by_id == cast.members["ben"].id
    assert latest.amendment_id == first.id
    assert db.session.get(Amendment, first.id).status == AmendmentStatus.ACCEPTED
    # The other stays pending, with a warning that it was written for an older wording.
    assert db.session.get(Amendment, second.id).status == AmendmentStatus.PENDING
    page = client_request.get(cast.url(recommendation, f"amendments/{second.id}"))
    assert "written for an earlier wording (version 1)" in text_of(page)
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == cast.users["ben"].id)
    ).all()
    assert [n.message for n in told] == [
        "Your amendment to a recommendation was accepted by its author."
    ]
    # Once decided, the amendment is compared with the wording it was written for.
    page = client_request.get(cast.url(recommendation, f"amendments/{first.id}"))
    body = text_of(page.select_one("#compare-body"))
    assert "Changed" in body
    assert f"Before {WORDING['body']}" in body
    assert "Thank you" in text_of(page)
    assert page.select_one("form[action$=decide]") is None
    history = text_of(client_request.get(cast.url(recommendation, "history")))
    assert "Version 2: Amendment accepted (current)" in history
    assert "By Ben Okafor" in history


def test_declining_and_withdrawing_amendments(client_request, cast):
    recommendation = create(cast)
    client = as_(client_request.client, cast.users["ben"])
    propose_amendment(client, cast, recommendation, body="Only on weekdays.")
    propose_amendment(client, cast, recommendation, body="Only at weekends.")
    first, second = db.session.scalars(select(Amendment).order_by(Amendment.id)).all()

    # Only the author decides; only the proposer withdraws.
    assert (
        client.post(
            cast.url(recommendation, f"amendments/{first.id}/decide"), data={"decision": "accept"}
        ).status_code
        == 403
    )
    as_(client, cast.users["cara"])
    assert (
        client.post(cast.url(recommendation, f"amendments/{first.id}/withdraw")).status_code == 403
    )

    as_(client, cast.users["aisha"])
    client.post(
        cast.url(recommendation, f"amendments/{first.id}/decide"),
        data={"decision": "decline", "revision": "1", "note": "Every day matters."},
    )
    db.session.expire_all()
    declined = db.session.get(Amendment, first.id)
    assert declined.status == AmendmentStatus.DECLINED
    assert declined.decision_note == "Every day matters."
    assert db.session.get(Recommendation, recommendation.id).revision == 1

    as_(client, cast.users["ben"])
    assert (
        client.post(cast.url(recommendation, f"amendments/{second.id}/withdraw")).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Amendment, second.id).status == AmendmentStatus.WITHDRAWN
    page = page_of(client_request, cast.users["olive"], cast.url(recommendation))
    decided = text_of(page.select_one("#amendments").find_parent())
    assert "Declined" in decided and "Withdrawn" in decided
    assert actions()[-2:] == ["amendment.declined", "amendment.withdrawn"]


def test_an_accept_from_an_older_page_is_refused(client_request, cast):
    recommendation = create(cast)
    client = as_(client_request.client, cast.users["ben"])
    propose_amendment(client, cast, recommendation, body="Every visit includes time to talk.")
    amendment = db.session.scalar(select(Amendment))
    as_(client, cast.users["aisha"])
    client.post(cast.url(recommendation, "edit"), data=form_data(revision="1", rationale="New."))
    response = client.post(
        cast.url(recommendation, f"amendments/{amendment.id}/decide"),
        data={"decision": "accept", "revision": "1"},
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Amendment, amendment.id).status == AmendmentStatus.PENDING
    assert db.session.get(Recommendation, recommendation.id).body == WORDING["body"]


# History visibility --------------------------------------------------------------------------


def test_wordings_replaced_while_a_draft_are_the_authors_alone(client_request, cast):
    draft = create(cast, propose=False, body="A rough first try.")
    now = utcnow()
    services.update_recommendation(
        db.session,
        draft,
        inquiry=cast.inquiry,
        author=cast.members["aisha"],
        actor=cast.users["aisha"],
        wording=WORDING,
        themes=[],
        propose=True,
        expected_revision=1,
        now=now + timedelta(seconds=1),
    )
    db.session.commit()
    history = text_of(page_of(client_request, cast.users["ben"], cast.url(draft, "history")))
    assert "A rough first try." not in history
    assert "Version 2" in history
    history = text_of(page_of(client_request, cast.users["aisha"], cast.url(draft, "history")))
    assert "A rough first try." in history


# Services used by other parts -------------------------------------------------------------------


def test_record_version_keeps_the_current_wording(app, cast):
    recommendation = create(cast)
    recommendation.revision += 1
    recommendation.body = "Merged wording about time to talk."
    version = services.record_version(
        db.session, recommendation, VersionChange.MERGED, cast.members["aisha"], utcnow()
    )
    db.session.commit()
    assert version.revision == 2
    assert version.change == VersionChange.MERGED
    assert version.body == "Merged wording about time to talk."
    assert version.title == WORDING["title"]


def test_drafting_is_open_in_session_and_while_voting_only(app, cast):
    for status in InquiryStatus:
        cast.inquiry.status = status
        assert services.drafting_open(cast.inquiry) == (
            status in (InquiryStatus.IN_SESSION, InquiryStatus.VOTING)
        )
    cast.inquiry.status = InquiryStatus.REPORTING
    with pytest.raises(services.RecommendationError):
        create(cast)


def test_listed_recommendations_follow_who_may_read(app, cast):
    proposed = create(cast, "ben")
    create(cast, "aisha", propose=False)
    make_recommendation(cast.other_inquiry, None, title="Elsewhere")
    themes = list(cast.themes.values())

    def listed(who: str) -> list[int]:
        return [
            r.id
            for r in services.listed_recommendations(
                db.session, cast.inquiry, cast.users[who], themes
            )
        ]

    assert listed("aisha") == [proposed.id]
    assert listed("wendy") == []


# Withdrawal ------------------------------------------------------------------------------------


def test_withdrawal_under_remove_keeps_only_what_belongs_to_the_vote(app, cast):
    cast.inquiry.withdrawal_policy = WithdrawalPolicy.REMOVE
    draft = create(cast, "aisha", propose=False)
    proposed = create(cast, "aisha", title="Proposed by Aisha")
    frozen = create(cast, "aisha", title="Going to the vote")
    frozen.status = RecommendationStatus.FROZEN
    bens = create(cast, "ben", title="Ben's recommendation")
    services.add_comment(
        db.session,
        bens,
        inquiry=cast.inquiry,
        author=cast.members["aisha"],
        actor=cast.users["aisha"],
        body="A comment from Aisha",
        link="",
        now=utcnow(),
    )
    services.set_support(
        db.session,
        bens,
        inquiry=cast.inquiry,
        member=cast.members["aisha"],
        actor=cast.users["aisha"],
        support=True,
        now=utcnow(),
    )
    services.propose_amendment(
        db.session,
        bens,
        inquiry=cast.inquiry,
        proposer=cast.members["aisha"],
        actor=cast.users["aisha"],
        wording={**WORDING, "body": "Aisha's wording"},
        reason="Because",
        base_revision=1,
        link="",
        now=utcnow(),
    )
    db.session.commit()
    assert contributions.by_member(db.session, cast.members["aisha"]) == {"recommendations": 2}
    draft_id, proposed_id = draft.id, proposed.id

    withdraw(db.session, cast.members["aisha"], actor=cast.users["aisha"], now=utcnow())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Recommendation, draft_id) is None
    assert db.session.get(Recommendation, proposed_id) is None
    kept = db.session.get(Recommendation, frozen.id)
    assert kept is not None and kept.author_id is None
    assert kept.versions[0].changed_by_id is None
    assert count(RecommendationComment) == 0
    assert count(RecommendationSupport) == 0
    assert count(Amendment) == 0
    assert db.session.get(Recommendation, bens.id) is not None


def test_withdrawal_keeping_contributions_hides_the_name(client_request, cast):
    recommendation = create(cast)
    withdraw(db.session, cast.members["aisha"], actor=cast.users["aisha"], now=utcnow())
    db.session.commit()
    text = text_of(page_of(client_request, cast.users["ben"], cast.url(recommendation)))
    assert "By a former participant" in text
    assert "Aisha" not in text


# The theme board -------------------------------------------------------------------------------


def test_the_theme_board_lists_readable_recommendations_in_few_queries(client_request, cast):
    board_url = f"/inquiries/{cast.inquiry.id}/themes/board"
    for n in range(3):
        recommendation = create(cast, "ben", title=f"Longer visits {n}")
        recommendation.themes = [cast.themes["time"], cast.themes["continuity"]]
    draft = create(cast, "ben", propose=False, title="A private draft")
    draft.themes = [cast.themes["time"]]
    merged = create(cast, "ben", title="A merged one")
    merged.status = RecommendationStatus.MERGED
    merged.themes = [cast.themes["time"]]
    db.session.commit()

    page = page_of(client_request, cast.users["aisha"], board_url)
    section = text_of(page.select_one(f"#theme-{cast.themes['time'].id}-recommendations"))
    assert "Recommendations (3)" in section
    assert "Longer visits 2" in section
    assert "A private draft" not in section
    assert "A merged one" not in section

    def board_queries():
        with counting_queries() as statements:
            deliberation_services.theme_board(db.session, cast.inquiry, cast.users["aisha"])
        return len(statements)

    few = board_queries()
    for n in range(5):
        more = create(cast, "cara", title=f"More {n}")
        more.themes = [cast.themes["time"]]
    db.session.commit()
    db.session.expire_all()
    assert board_queries() == few

    # Witnesses do not read recommendations: the board shows them none.
    page = page_of(client_request, cast.users["wendy"], board_url)
    assert page.select_one(f"#theme-{cast.themes['time'].id}-recommendations") is None


# Keeping text when the form has expired ----------------------------------------------------------


@pytest.fixture
def csrf_app():
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


def test_an_expired_form_comes_back_with_the_words(csrf_app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    inquiry.status = InquiryStatus.IN_SESSION
    user = make_user("aisha@example.org", name="Aisha Khan")
    add_member(inquiry, user, Role.PARTICIPANT)
    client = csrf_app.test_client()
    sign_in_as(client, user)
    url = f"/inquiries/{inquiry.id}/recommendations/new"
    response = client.post(url, data={**WORDING, "save": "y", "csrf_token": "expired"})
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True))
    assert "Your page had been open a long time" in text_of(page)
    assert page.select_one("#title")["value"] == WORDING["title"]
    assert page.select_one("#for_system").get_text() == WORDING["for_system"]
    assert db.session.scalar(select(func.count()).select_from(Recommendation)) == 0
    token = page.select_one("input[name=csrf_token]")["value"]
    response = client.post(url, data={**WORDING, "save": "y", "csrf_token": token})
    assert response.status_code == 302

    # Signed out: the words are shown with a way to sign in.
    sign_in_as(client, None)
    response = client.post(url, data={**WORDING, "save": "y", "csrf_token": token})
    assert response.status_code in (200, 400)
    assert WORDING["for_individual"] in response.get_data(as_text=True)


def test_an_expired_comment_comes_back_with_the_words(csrf_app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    inquiry.status = InquiryStatus.IN_SESSION
    author = add_member(inquiry, make_user("aisha@example.org"), Role.PARTICIPANT)
    user = make_user("ben@example.org", name="Ben Okafor")
    add_member(inquiry, user, Role.PARTICIPANT)
    recommendation = make_recommendation(inquiry, author)
    client = csrf_app.test_client()
    sign_in_as(client, user)
    url = f"/inquiries/{inquiry.id}/recommendations/{recommendation.id}/comments"
    words = "Could the ten minutes include a cup of tea together?"
    response = client.post(url, data={"body": words, "csrf_token": "expired"})
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True))
    assert page.select_one("textarea#body").get_text() == words
    assert "Your page had been open a long time" in text_of(page)
    assert db.session.scalar(select(func.count()).select_from(RecommendationComment)) == 0
