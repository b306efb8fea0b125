"""Session progress, the researchers' reading of reflections, tagging them with themes,
and the theme board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from conftest import (
    ClientRequest,
    add_member,
    counting_queries,
    error_messages,
    make_inquiry,
    make_user,
    sign_in_as,
)
from flask import render_template
from sqlalchemy import select

from inquiry.deliberation import services
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    Excerpt,
    Inquiry,
    InquiryMode,
    Lens,
    Membership,
    MembershipStatus,
    Reflection,
    ReflectionResponse,
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
    Visibility,
    utcnow,
)
from inquiry.themes.services import merge_themes

PROMPTS = (
    "What surprised you in what you heard today?",
    "As a person who may one day need care: what would matter most to you?",
)
SHARED_AT = datetime(2026, 9, 8, 13, 5, tzinfo=UTC)


# Helpers (the export tests use them too) ---------------------------------------------


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def add_round(
    inquiry: Inquiry,
    *,
    position: int = 1,
    title: str = "What stayed with us",
    prompts: tuple[str, ...] = PROMPTS,
    reveal_after_submitting: bool = False,
) -> Round:
    round_ = Round(
        inquiry_id=inquiry.id,
        position=position,
        kind=RoundKind.REFLECTION,
        title=title,
        reveal_after_submitting=reveal_after_submitting,
        prompts=[RoundPrompt(position=n, text=text) for n, text in enumerate(prompts, 1)],
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def add_reflection(
    author: Membership,
    prompt: RoundPrompt,
    body: str,
    *,
    shared: bool = True,
    visibility: Visibility = Visibility.COHORT,
    lens: Lens | None = None,
    themes: tuple[Theme, ...] = (),
    shared_at: datetime = SHARED_AT,
) -> Reflection:
    reflection = Reflection(
        inquiry_id=author.inquiry_id,
        round_id=prompt.round_id,
        prompt_id=prompt.id,
        author_id=author.id,
        body=body,
        lens=lens,
        visibility=visibility,
        status=ReflectionStatus.SHARED if shared else ReflectionStatus.DRAFT,
        shared_at=shared_at if shared else None,
        updated_at=shared_at,
    )
    reflection.themes = list(themes)
    db.session.add(reflection)
    db.session.commit()
    return reflection


def add_theme(inquiry: Inquiry, name: str) -> Theme:
    theme = Theme(inquiry_id=inquiry.id, name=name)
    db.session.add(theme)
    db.session.commit()
    return theme


@dataclass
class Cohort:
    inquiry: Inquiry
    other_inquiry: Inquiry
    round: Round
    researcher: User
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    reflections: dict[str, Reflection] = field(default_factory=dict)

    @property
    def prompts(self) -> list[RoundPrompt]:
        return list(self.round.prompts)

    def url(self, page: str) -> str:
        return f"/inquiries/{self.inquiry.id}/sessions/{self.round.id}/{page}"

    def tag_url(self, reflection: Reflection) -> str:
        return f"/inquiries/{self.inquiry.id}/reflections/{reflection.id}/themes"

    @property
    def board_url(self) -> str:
        return f"/inquiries/{self.inquiry.id}/themes/board"


def build_cohort() -> Cohort:
    """An inverted inquiry: four participants at different stages of one session."""
    researcher = make_user(
        "rhiannon.researcher@example.org", name="Rhiannon Price", researcher=True
    )
    inquiry = make_inquiry(researcher)
    inquiry.mode = InquiryMode.INVERTED
    db.session.commit()
    other_researcher = make_user("olu.outsider@example.org", researcher=True)
    other_inquiry = make_inquiry(other_researcher, title="Carers' breaks in Northshire")
    round_ = add_round(inquiry)
    cohort = Cohort(
        inquiry=inquiry, other_inquiry=other_inquiry, round=round_, researcher=researcher
    )
    people = {
        "aisha": ("aisha.khan@example.org", "Aisha Khan", Role.PARTICIPANT),
        "ben": ("ben.okafor@example.org", "Ben Okafor", Role.PARTICIPANT),
        "chloe": ("chloe.evans@example.org", "Chloe Evans", Role.PARTICIPANT),
        "dev": ("dev.patel@example.org", "Dev Patel", Role.PARTICIPANT),
        "wendy": ("wendy.witness@example.org", "Wendy Hughes", Role.WITNESS),
        "colin": ("colin.commissioner@example.org", "Colin Ward", Role.COMMISSIONER),
        "olive": ("olive.observer@example.org", "Olive Grant", Role.OBSERVER),
    }
    for key, (email, name, role) in people.items():
        user = make_user(email, name=name)
        cohort.users[key] = user
        cohort.members[key] = add_member(inquiry, user, role)
    cohort.themes["continuity"] = add_theme(inquiry, "Continuity of carers")
    cohort.themes["listened"] = add_theme(inquiry, "Being listened to")
    cohort.themes["foreign"] = add_theme(other_inquiry, "Respite")
    first, second = cohort.prompts
    m = cohort.members
    cohort.reflections["aisha_shared"] = add_reflection(
        m["aisha"],
        first,
        "How often the carers changed. Mrs Ahmed met eleven in a fortnight.",
        lens=Lens.PROFESSIONAL,
        themes=(cohort.themes["continuity"],),
    )
    cohort.reflections["aisha_draft"] = add_reflection(
        m["aisha"], second, "Half-formed thought about my own nan", shared=False
    )
    cohort.reflections["ben_draft"] = add_reflection(
        m["ben"], first, "Something about the district nurse", shared=False
    )
    cohort.reflections["dev_private"] = add_reflection(
        m["dev"],
        second,
        "I cared for my dad and nobody asked how I was coping.",
        visibility=Visibility.RESEARCHERS,
        lens=Lens.PERSONAL,
        themes=(cohort.themes["listened"],),
        shared_at=SHARED_AT + timedelta(hours=1),
    )
    db.session.add(
        ReflectionResponse(
            reflection_id=cohort.reflections["aisha_shared"].id,
            author_id=m["ben"].id,
            body="Eleven! That matches what the district nurses told us.",
        )
    )
    db.session.commit()
    return cohort


@pytest.fixture
def cohort(app) -> Cohort:
    return build_cohort()


def as_(client_request: ClientRequest, user: User) -> ClientRequest:
    return client_request.login(user)


def actions(inquiry: Inquiry) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.inquiry_id == inquiry.id).order_by(AuditEvent.id)
        )
    )


# Session progress ------------------------------------------------------------------


def test_researchers_see_who_has_shared_drafted_or_not_started(client_request, cohort):
    page = as_(client_request, cohort.researcher).get(cohort.url("progress"))
    rows = {
        text_of(row.select("td")[0]): text_of(row.select("td")[1])
        for row in page.select("tbody tr")
    }
    assert rows == {
        "Aisha Khan": "Shared",
        "Dev Patel": "Shared",
        "Ben Okafor": "Draft only",
        "Chloe Evans": "Not started",
    }
    # Shared first, then drafts, then not started.
    names = [text_of(row.select("td")[0]) for row in page.select("tbody tr")]
    assert names == ["Aisha Khan", "Dev Patel", "Ben Okafor", "Chloe Evans"]
    assert "2 have shared, 1 has a draft and 1 has not started" in text_of(page)
    # A draft's words are private even here.
    assert "district nurse" not in text_of(page)
    # Witnesses, commissioners and observers are not listed as participants.
    assert "Wendy Hughes" not in text_of(page)


def test_withdrawn_participants_and_empty_drafts_do_not_count_as_progress(client_request, cohort):
    chloe = cohort.members["chloe"]
    add_reflection(chloe, cohort.prompts[0], "   \n  ", shared=False)
    ben = cohort.members["ben"]
    ben.status = MembershipStatus.WITHDRAWN
    db.session.commit()
    people = services.session_progress(db.session, cohort.round)
    states = {p.membership.user.name: p.state for p in people}
    assert states == {
        "Aisha Khan": services.SHARED,
        "Dev Patel": services.SHARED,
        "Chloe Evans": services.NOT_STARTED,
    }
    counts = services.count_progress(people)
    assert (counts.shared, counts.draft, counts.not_started, counts.total) == (2, 0, 1, 3)


@pytest.mark.parametrize("who", ["aisha", "colin", "olive"])
def test_other_members_see_counts_without_names(client_request, cohort, who):
    page = as_(client_request, cohort.users[who]).get(cohort.url("progress"))
    text = text_of(page)
    assert "Of 4 participants, 2 have shared, 1 has a draft and 1 has not started." in text
    for name in ("Aisha Khan", "Ben Okafor", "Chloe Evans", "Dev Patel"):
        assert name not in text.replace(cohort.users[who].name, "")
    assert page.select("table") == []
    assert "See who has shared" not in text


def test_witnesses_do_not_see_session_progress(client, cohort):
    sign_in_as(client, cohort.users["wendy"])
    assert client.get(cohort.url("progress")).status_code == 403


def test_progress_of_a_session_of_another_inquiry_is_not_found(client, cohort):
    other_round = add_round(cohort.other_inquiry)
    sign_in_as(client, cohort.researcher)
    url = f"/inquiries/{cohort.inquiry.id}/sessions/{other_round.id}/progress"
    assert client.get(url).status_code == 404


def test_progress_counts_partial_for_the_session_page(app, cohort):
    counts = services.progress_counts(db.session, cohort.round)
    assert counts.describe() == "2 have shared, 1 has a draft and 1 has not started"
    assert services.ProgressCounts(shared=1, draft=1, not_started=1).describe() == (
        "1 has shared, 1 has a draft and 1 has not started"
    )
    with app.test_request_context():
        html = render_template(
            "deliberation/_progress_counts.html",
            inquiry=cohort.inquiry,
            round=cohort.round,
            counts=counts,
        )
    assert "Of 4 participants, 2 have shared, 1 has a draft and 1 has not started." in html
    # Signed out in this request: no links to names.
    assert "See who has shared" not in html


# Reading a session's reflections ----------------------------------------------------


def reflection_blocks(page) -> dict[str, str]:
    return {
        text_of(block.select_one("h3")): text_of(block) for block in page.select(".app-reflection")
    }


def test_researchers_read_every_shared_reflection_grouped_by_prompt(client_request, cohort):
    page = as_(client_request, cohort.researcher).get(cohort.url("reflections"))
    sections = page.select("section[id^=prompt-]")
    assert [text_of(s.select_one("h2")) for s in sections] == [
        f"Prompt 1 {PROMPTS[0]}",
        f"Prompt 2 {PROMPTS[1]}",
    ]
    first = reflection_blocks(sections[0])
    second = reflection_blocks(sections[1])
    assert list(first) == ["Aisha Khan"]
    assert list(second) == ["Dev Patel"]
    assert "Mrs Ahmed met eleven in a fortnight" in first["Aisha Khan"]
    assert "As a professional" in first["Aisha Khan"]
    assert "Shared with the cohort" in first["Aisha Khan"]
    assert "Continuity of carers" in first["Aisha Khan"]
    assert "Replies 1" in first["Aisha Khan"]
    assert "8 September 2026 at 2:05pm" in first["Aisha Khan"]
    assert "Seen by researchers only" in second["Dev Patel"]
    assert "As a person" in second["Dev Patel"]
    assert "Replies 0" in second["Dev Patel"]
    # Drafts are private to their authors.
    text = text_of(page)
    assert "Half-formed thought" not in text
    assert "district nurse" not in text
    assert "2 shared reflections" in text
    assert page.select_one(f"a[href='{cohort.url('reflections.csv')}']") is not None


@pytest.mark.parametrize("who", ["aisha", "wendy", "colin", "olive"])
def test_only_researchers_read_all_reflections(client, cohort, who):
    sign_in_as(client, cohort.users[who])
    assert client.get(cohort.url("reflections")).status_code == 403


def test_an_empty_session_says_nobody_has_shared(client_request, cohort):
    empty = add_round(cohort.inquiry, position=2, title="Hearing from families")
    page = as_(client_request, cohort.researcher).get(
        f"/inquiries/{cohort.inquiry.id}/sessions/{empty.id}/reflections"
    )
    assert "Nobody has shared a reflection in this session yet." in text_of(page)


def test_filter_by_prompt(client_request, cohort):
    second = cohort.prompts[1]
    page = as_(client_request, cohort.researcher).get(cohort.url(f"reflections?prompt={second.id}"))
    assert list(reflection_blocks(page)) == ["Dev Patel"]
    assert "Showing 1 of 2 shared reflections" in text_of(page)
    checked = page.select_one(f"input[name=prompt][value='{second.id}']")
    assert checked.has_attr("checked")


def test_filter_by_lens(client_request, cohort):
    page = as_(client_request, cohort.researcher).get(cohort.url("reflections?lens=personal"))
    assert list(reflection_blocks(page)) == ["Dev Patel"]
    page = as_(client_request, cohort.researcher).get(
        cohort.url("reflections?lens=personal&lens=professional")
    )
    assert sorted(reflection_blocks(page)) == ["Aisha Khan", "Dev Patel"]


def test_filter_by_theme_and_untagged(client_request, cohort):
    listened = cohort.themes["listened"]
    continuity = cohort.themes["continuity"]
    add_reflection(cohort.members["chloe"], cohort.prompts[0], "The equipment came too late.")
    client_request.login(cohort.researcher)
    page = client_request.get(cohort.url(f"reflections?theme={listened.id}"))
    assert list(reflection_blocks(page)) == ["Dev Patel"]
    page = client_request.get(cohort.url(f"reflections?theme={continuity.id}&theme={listened.id}"))
    assert sorted(reflection_blocks(page)) == ["Aisha Khan", "Dev Patel"]
    page = client_request.get(cohort.url("reflections?theme=none"))
    assert list(reflection_blocks(page)) == ["Chloe Evans"]


def test_filters_combine(client_request, cohort):
    first = cohort.prompts[0]
    page = as_(client_request, cohort.researcher).get(
        cohort.url(f"reflections?prompt={first.id}&lens=personal")
    )
    assert reflection_blocks(page) == {}
    assert "No reflections match these filters." in text_of(page)


def test_filter_values_that_name_nothing_here_are_ignored(client_request, cohort):
    foreign = cohort.themes["foreign"]
    page = as_(client_request, cohort.researcher).get(
        cohort.url(f"reflections?prompt=abc&prompt=99999&lens=sideways&theme={foreign.id}&theme=-1")
    )
    assert sorted(reflection_blocks(page)) == ["Aisha Khan", "Dev Patel"]
    assert "Showing" not in text_of(page)


def test_the_lens_filter_is_offered_only_when_lenses_are_used(client_request, cohort):
    client_request.login(cohort.researcher)
    page = client_request.get(cohort.url("reflections"))
    assert page.select("input[name=lens]")
    cohort.inquiry.mode = InquiryMode.STANDARD
    for reflection in cohort.reflections.values():
        reflection.lens = None
    db.session.commit()
    page = client_request.get(cohort.url("reflections"))
    assert page.select("input[name=lens]") == []
    assert "As a professional" not in text_of(page.select_one("main"))


def test_reflections_of_withdrawn_participants_are_kept_without_their_name(client_request, cohort):
    cohort.members["dev"].status = MembershipStatus.WITHDRAWN
    db.session.commit()
    page = as_(client_request, cohort.researcher).get(cohort.url("reflections"))
    assert services.FORMER_PARTICIPANT in reflection_blocks(page)
    assert "Dev Patel" not in text_of(page)


def test_html_in_reflections_is_escaped(client, cohort):
    add_reflection(
        cohort.members["chloe"],
        cohort.prompts[0],
        '<script>alert("hi")</script>\n<b>bold</b> & more',
        themes=(cohort.themes["continuity"],),
    )
    for url in (cohort.url("reflections"), cohort.board_url):
        sign_in_as(client, cohort.researcher)
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in html
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html


def test_history_link_only_when_the_history_page_exists(client_request, cohort, app):
    page = as_(client_request, cohort.researcher).get(cohort.url("reflections"))
    has_history = "reflections.history" in app.view_functions
    assert bool(page.find(string=lambda s: s and "See earlier wordings" in s)) == has_history


def test_history_link_when_a_history_page_is_registered(app, client):
    cohort = build_cohort()
    sign_in_as(client, cohort.researcher)
    html = client.get(cohort.url("reflections")).get_data(as_text=True)
    assert html.count("See earlier wordings") == 2


# Tagging ---------------------------------------------------------------------------


def test_researchers_tag_a_reflection_with_themes(client, cohort):
    reflection = cohort.reflections["aisha_shared"]
    continuity, listened = cohort.themes["continuity"], cohort.themes["listened"]
    sign_in_as(client, cohort.researcher)
    response = client.post(
        cohort.tag_url(reflection) + f"?prompt={cohort.prompts[0].id}",
        data={"themes": [str(continuity.id), str(listened.id)]},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == (
        cohort.url(f"reflections?prompt={cohort.prompts[0].id}") + f"#reflection-{reflection.id}"
    )
    db.session.refresh(reflection)
    assert {t.id for t in reflection.themes} == {continuity.id, listened.id}
    event_ = actions(cohort.inquiry)[-1]
    assert event_.action == "reflection.tagged"
    assert event_.object_type == "reflection" and event_.object_id == reflection.id
    assert event_.details == {
        "round_id": cohort.round.id,
        "theme_ids": sorted([continuity.id, listened.id]),
    }
    assert "Mrs Ahmed" not in str(event_.details)


def test_unticking_every_theme_removes_them(client, cohort):
    reflection = cohort.reflections["aisha_shared"]
    sign_in_as(client, cohort.researcher)
    assert client.post(cohort.tag_url(reflection), data={}).status_code == 302
    db.session.refresh(reflection)
    assert reflection.themes == []


def test_saving_the_same_themes_records_nothing(client, cohort):
    reflection = cohort.reflections["aisha_shared"]
    before = len(actions(cohort.inquiry))
    sign_in_as(client, cohort.researcher)
    data = {"themes": [str(cohort.themes["continuity"].id)]}
    assert client.post(cohort.tag_url(reflection), data=data).status_code == 302
    assert len(actions(cohort.inquiry)) == before


def test_a_theme_of_another_inquiry_is_refused(client_request, cohort):
    reflection = cohort.reflections["aisha_shared"]
    foreign = cohort.themes["foreign"]
    page = as_(client_request, cohort.researcher).post(
        cohort.tag_url(reflection),
        data={"themes": [str(cohort.themes["listened"].id), str(foreign.id)]},
    )
    assert error_messages(page) == ["Select themes of this inquiry"]
    assert page.title.get_text().startswith("Error: ")
    # What was typed is kept.
    assert page.select_one(f"input[name=themes][value='{cohort.themes['listened'].id}']").has_attr(
        "checked"
    )
    db.session.refresh(reflection)
    assert [t.name for t in reflection.themes] == ["Continuity of carers"]


def test_a_theme_that_is_not_a_number_is_refused(client_request, cohort):
    reflection = cohort.reflections["aisha_shared"]
    page = as_(client_request, cohort.researcher).post(
        cohort.tag_url(reflection), data={"themes": ["housing"]}
    )
    assert error_messages(page) == ["Select themes of this inquiry"]
    db.session.refresh(reflection)
    assert [t.name for t in reflection.themes] == ["Continuity of carers"]


def test_the_tagging_service_refuses_foreign_themes_and_drafts(app, cohort):
    with pytest.raises(services.TaggingError, match="Choose themes of this inquiry"):
        services.tag_reflection(
            db.session,
            cohort.reflections["aisha_shared"],
            inquiry=cohort.inquiry,
            actor=cohort.researcher,
            themes=[cohort.themes["foreign"]],
            now=utcnow(),
        )
    with pytest.raises(services.TaggingError, match="Only shared reflections"):
        services.tag_reflection(
            db.session,
            cohort.reflections["ben_draft"],
            inquiry=cohort.inquiry,
            actor=cohort.researcher,
            themes=[cohort.themes["continuity"]],
            now=utcnow(),
        )


def test_drafts_and_other_inquiries_reflections_cannot_be_tagged(client, cohort):
    sign_in_as(client, cohort.researcher)
    draft = cohort.reflections["ben_draft"]
    assert client.get(cohort.tag_url(draft)).status_code == 404
    assert client.post(cohort.tag_url(draft), data={}).status_code == 404
    outsider = make_user("owen.other@example.org")
    membership = add_member(cohort.other_inquiry, outsider, Role.PARTICIPANT)
    other_round = add_round(cohort.other_inquiry)
    elsewhere = add_reflection(membership, other_round.prompts[0], "About respite care.")
    assert client.get(cohort.tag_url(elsewhere)).status_code == 404


def test_only_researchers_tag(client, cohort):
    reflection = cohort.reflections["aisha_shared"]
    sign_in_as(client, cohort.users["aisha"])
    assert client.post(cohort.tag_url(reflection), data={}).status_code == 403


def test_the_tagging_page_shows_the_reflection_and_its_themes(client_request, cohort):
    reflection = cohort.reflections["aisha_shared"]
    page = as_(client_request, cohort.researcher).get(cohort.tag_url(reflection))
    assert "Mrs Ahmed met eleven" in text_of(page)
    boxes = {box["value"]: box.has_attr("checked") for box in page.select("input[name=themes]")}
    assert boxes == {
        str(cohort.themes["continuity"].id): True,
        str(cohort.themes["listened"].id): False,
    }


def test_merging_themes_moves_reflection_tags(app, cohort):
    continuity, listened = cohort.themes["continuity"], cohort.themes["listened"]
    aisha = cohort.reflections["aisha_shared"]
    aisha.themes = [continuity, listened]
    db.session.commit()
    merge_themes(
        db.session,
        continuity,
        listened,
        inquiry=cohort.inquiry,
        actor=cohort.researcher,
        now=utcnow(),
    )
    db.session.commit()
    db.session.expire_all()
    assert [t.name for t in cohort.reflections["aisha_shared"].themes] == ["Being listened to"]
    assert [t.name for t in cohort.reflections["dev_private"].themes] == ["Being listened to"]


# The theme board -------------------------------------------------------------------


def add_testimony(cohort: Cohort, body: str, status: TestimonyStatus) -> Testimony:
    testimony = Testimony(
        inquiry_id=cohort.inquiry.id,
        witness_id=cohort.members["wendy"].id,
        title="Looking after Mum",
        body=body,
        status=status,
        use=TestimonyUse.COHORT_ONLY,
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


def add_excerpt(testimony: Testimony, text: str, theme: Theme) -> Excerpt:
    excerpt = Excerpt(inquiry_id=testimony.inquiry_id, testimony_id=testimony.id, text=text)
    excerpt.themes = [theme]
    db.session.add(excerpt)
    db.session.commit()
    return excerpt


def board_section(page, theme: Theme):
    return page.select_one(f"#theme-{theme.id}")


def test_participants_see_cohort_reflections_and_their_own_on_the_board(client_request, cohort):
    continuity, listened = cohort.themes["continuity"], cohort.themes["listened"]
    page = as_(client_request, cohort.users["ben"]).get(cohort.board_url)
    assert "Mrs Ahmed met eleven" in text_of(board_section(page, continuity))
    # Dev's reflection is for researchers only.
    assert "nobody asked how I was coping" not in text_of(page)
    assert "Reflections (0)" in text_of(board_section(page, listened))
    # Dev sees his own.
    page = as_(client_request, cohort.users["dev"]).get(cohort.board_url)
    assert "nobody asked how I was coping" in text_of(board_section(page, listened))


def test_researchers_see_every_shared_reflection_on_the_board(client_request, cohort):
    draft = cohort.reflections["ben_draft"]
    draft.themes = [cohort.themes["continuity"]]
    db.session.commit()
    page = as_(client_request, cohort.researcher).get(cohort.board_url)
    listened = board_section(page, cohort.themes["listened"])
    assert "nobody asked how I was coping" in text_of(listened)
    assert "Seen by researchers only" in text_of(listened)
    assert "district nurse" not in text_of(page)


def test_sessions_revealed_after_sharing_stay_hidden_on_the_board(client_request, cohort):
    cohort.round.reveal_after_submitting = True
    db.session.commit()
    client_request.login(cohort.users["ben"])
    assert "Mrs Ahmed met eleven" not in text_of(client_request.get(cohort.board_url))
    # Sharing on another prompt does not reveal this one, as on the session page.
    add_reflection(cohort.members["ben"], cohort.prompts[1], "My own reflection.")
    assert "Mrs Ahmed met eleven" not in text_of(client_request.get(cohort.board_url))
    draft = cohort.reflections["ben_draft"]
    draft.status = ReflectionStatus.SHARED
    draft.shared_at = SHARED_AT
    db.session.commit()
    assert "Mrs Ahmed met eleven" in text_of(client_request.get(cohort.board_url))


@pytest.mark.parametrize("who", ["wendy", "colin", "olive"])
def test_other_members_see_excerpts_but_no_reflections_on_the_board(client_request, cohort, who):
    testimony = add_testimony(
        cohort, "We had eleven different carers in two weeks.", TestimonyStatus.APPROVED
    )
    add_excerpt(testimony, "We had eleven different carers", cohort.themes["continuity"])
    page = as_(client_request, cohort.users[who]).get(cohort.board_url)
    text = text_of(page)
    assert "We had eleven different carers" in text
    assert "Mrs Ahmed met eleven" not in text
    assert "Reflections (" not in text


def test_only_excerpts_of_approved_testimony_are_on_the_board(client_request, cohort):
    approved = add_testimony(cohort, "The same two faces every morning.", TestimonyStatus.APPROVED)
    waiting = add_testimony(
        cohort, "A draft about the night-time calls.", TestimonyStatus.AWAITING_REVIEW
    )
    add_excerpt(approved, "The same two faces every morning", cohort.themes["continuity"])
    add_excerpt(waiting, "the night-time calls", cohort.themes["continuity"])
    page = as_(client_request, cohort.users["aisha"]).get(cohort.board_url)
    section = text_of(board_section(page, cohort.themes["continuity"]))
    assert "The same two faces every morning" in section
    assert "night-time calls" not in section
    assert "What witnesses said (1)" in section
    # The cohort sees excerpts whatever the witness chose for the report.
    assert "Cohort only" in section


def test_the_board_has_a_place_for_recommendations(client_request, cohort):
    def provider(session, inquiry, viewer, themes):
        return {cohort.themes["listened"].id: ["Give every carer time to listen"]}

    services.register_recommendations_provider(provider)
    try:
        page = as_(client_request, cohort.users["aisha"]).get(cohort.board_url)
    finally:
        services.unregister_recommendations_provider(provider)
    listened = board_section(page, cohort.themes["listened"])
    assert "Give every carer time to listen" in text_of(listened)
    continuity = board_section(page, cohort.themes["continuity"])
    assert "Recommendations on this theme will appear here" in text_of(continuity)


def test_a_board_without_themes_explains_itself(client_request, app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    page = as_(client_request, researcher).get(f"/inquiries/{inquiry.id}/themes/board")
    assert "There are no themes yet." in text_of(page)


# Queries do not grow with the board -------------------------------------------------


def seed_board(tag: str, *, participants: int, rounds: int, testimonies: int) -> dict[str, User]:
    researcher = make_user(f"researcher.{tag}@example.org", researcher=True)
    inquiry = make_inquiry(researcher, title=f"Living well at home ({tag})")
    themes = [
        add_theme(inquiry, name)
        for name in ("Continuity of carers", "Equipment", "Carers' wellbeing", "Dignity")
    ]
    members = []
    for n in range(participants):
        user = make_user(f"p{n}.{tag}@example.org", name=f"Participant {n} {tag}")
        members.append(add_member(inquiry, user, Role.PARTICIPANT))
    witness = add_member(inquiry, make_user(f"w.{tag}@example.org"), Role.WITNESS)
    for n in range(testimonies):
        testimony = Testimony(
            inquiry_id=inquiry.id,
            witness_id=witness.id,
            title=f"Testimony {n}",
            body="The equipment arrived after three weeks.",
            status=TestimonyStatus.APPROVED,
            use=TestimonyUse.QUOTE_ANONYMOUSLY,
        )
        db.session.add(testimony)
        db.session.flush()
        excerpt = Excerpt(
            inquiry_id=inquiry.id, testimony_id=testimony.id, text="The equipment arrived"
        )
        excerpt.themes = [themes[n % len(themes)]]
        db.session.add(excerpt)
    for r in range(rounds):
        round_ = add_round(inquiry, position=r + 1, reveal_after_submitting=r % 2 == 1)
        for n, member in enumerate(members):
            for prompt in round_.prompts:
                reflection = Reflection(
                    inquiry_id=inquiry.id,
                    round_id=round_.id,
                    prompt_id=prompt.id,
                    author_id=member.id,
                    body=f"Reflection {n} in session {r}",
                    visibility=Visibility.COHORT if n % 3 else Visibility.RESEARCHERS,
                    status=ReflectionStatus.SHARED if n % 4 else ReflectionStatus.DRAFT,
                    shared_at=SHARED_AT,
                )
                tagged = {themes[n % len(themes)], themes[(n + r + 1) % len(themes)]}
                reflection.themes = sorted(tagged, key=lambda theme: theme.id)
                db.session.add(reflection)
                db.session.add(
                    ReflectionResponse(reflection=reflection, author_id=members[0].id, body="Yes")
                )
    db.session.commit()
    return {"researcher": researcher, "participant": members[1].user, "inquiry": inquiry}


def queries_for(client, seeded, actor: str, path: str) -> int:
    sign_in_as(client, seeded[actor])
    url = f"/inquiries/{seeded['inquiry'].id}{path}"
    client.get(url)
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("actor", ["researcher", "participant"])
def test_board_queries_do_not_grow_with_the_board(app, client, actor):
    small = seed_board("small", participants=3, rounds=1, testimonies=2)
    large = seed_board("large", participants=12, rounds=3, testimonies=12)
    path = "/themes/board"
    assert queries_for(client, small, actor, path) == queries_for(client, large, actor, path)


def test_reading_and_progress_queries_do_not_grow_with_the_session(app, client):
    small = seed_board("small", participants=3, rounds=1, testimonies=1)
    large = seed_board("large", participants=12, rounds=1, testimonies=1)
    for page in ("reflections", "progress", "reflections.csv"):
        counts = []
        for seeded in (small, large):
            round_id = db.session.scalar(
                select(Round.id).where(Round.inquiry_id == seeded["inquiry"].id)
            )
            counts.append(queries_for(client, seeded, "researcher", f"/sessions/{round_id}/{page}"))
        assert counts[0] == counts[1], page
