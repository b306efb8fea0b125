"""Themes: the list with counts, adding, renaming, merging, and who marks excerpts."""

from __future__ import annotations

import pytest
from conftest import add_member, error_messages, make_user, sign_in_as
from sqlalchemy import select

from inquiry.audit.service import ACTION_LABELS
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    Excerpt,
    Inquiry,
    Membership,
    Role,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    excerpt_themes,
    utcnow,
)
from inquiry.themes import services

BODY = (
    "I have had eleven different carers since March. I tell my story again every time.\n"
    "The one thing I would change is being asked what I want, not told what I am getting."
)


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def link_texts(page) -> list[str]:
    return [text_of(a) for a in page.select("main a")]


def themes_url(inquiry: Inquiry, suffix: str = "") -> str:
    return f"/inquiries/{inquiry.id}/themes{suffix}"


def add_theme(inquiry: Inquiry, name: str) -> Theme:
    theme = Theme(inquiry_id=inquiry.id, name=name)
    db.session.add(theme)
    db.session.commit()
    return theme


def names(inquiry: Inquiry) -> list[str]:
    return [theme.name for theme in services.themes_for(db.session, inquiry)]


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def witness_membership(world) -> Membership:
    member = db.session.scalar(
        select(Membership).where(
            Membership.inquiry_id == world.inquiry.id,
            Membership.user_id == world.people["witness"].id,
        )
    )
    member.display_name = "Gwen"
    member.lived_experience = "receives_care"
    db.session.commit()
    return member


def add_testimony(
    inquiry: Inquiry,
    witness: Membership,
    *,
    status: TestimonyStatus = TestimonyStatus.APPROVED,
    use: TestimonyUse = TestimonyUse.QUOTE_WITH_NAME,
    body: str = BODY,
) -> Testimony:
    testimony = Testimony(
        inquiry_id=inquiry.id,
        witness_id=witness.id,
        title="Eleven carers since March",
        body=body,
        status=status,
        use=use,
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


def add_excerpt(testimony: Testimony, text: str, themes=()) -> Excerpt:
    excerpt = Excerpt(inquiry_id=testimony.inquiry_id, testimony_id=testimony.id, text=text)
    excerpt.themes = list(themes)
    db.session.add(excerpt)
    db.session.commit()
    return excerpt


@pytest.fixture
def inquiry(world):
    return world.inquiry


@pytest.fixture
def researcher(world):
    return world.people["researcher"]


@pytest.fixture
def as_researcher(client_request, researcher):
    return client_request.login(researcher)


def test_every_new_action_has_a_label():
    for action in (
        "theme.created",
        "theme.renamed",
        "theme.merged",
        "inquiry.excerpt_marking_changed",
        "excerpt.created",
        "excerpt.updated",
        "excerpt.deleted",
    ):
        assert ACTION_LABELS[action]


# The list -----------------------------------------------------------------------------


def test_the_list_counts_excerpts_of_approved_testimony(as_researcher, world, inquiry):
    witness = witness_membership(world)
    continuity = add_theme(inquiry, "Continuity of carers")
    add_theme(inquiry, "being asked")
    approved = add_testimony(inquiry, witness)
    sent_back = add_testimony(inquiry, witness, status=TestimonyStatus.CHANGES_REQUESTED)
    add_excerpt(approved, "I have had eleven different carers since March.", [continuity])
    add_excerpt(approved, "I tell my story again every time.", [continuity])
    add_excerpt(sent_back, "I tell my story again every time.", [continuity])
    add_excerpt(approved, "Nobody reads the care plan.")
    add_excerpt(sent_back, "Nobody asked me first.")

    page = as_researcher.get(themes_url(inquiry))
    rows = [[text_of(cell) for cell in row.select("td")] for row in page.select("tbody tr")]
    assert [row[:2] for row in rows] == [["being asked", "0"], ["Continuity of carers", "2"]]
    assert "Rename being asked" in link_texts(page)
    assert "Merge Continuity of carers into another" in link_texts(page)
    assert page.select_one("form input[name=name]") is not None
    assert "See all 3 excerpts" in link_texts(page)
    assert "including 1 not tagged with a theme yet" in text_of(page.select_one("main"))


@pytest.mark.parametrize("actor", ["participant", "witness", "commissioner", "observer"])
def test_other_members_read_the_list_without_changing_it(client_request, world, inquiry, actor):
    add_theme(inquiry, "Continuity of carers")
    page = client_request.login(world.people[actor]).get(themes_url(inquiry))
    assert "Continuity of carers" in link_texts(page)
    assert not any(text.startswith(("Rename", "Merge")) for text in link_texts(page))
    assert page.select("main form") == []


def test_an_empty_list_explains_what_themes_are_for(client_request, world, inquiry, researcher):
    page = client_request.login(researcher).get(themes_url(inquiry))
    assert "There are no themes yet. Add one for each idea" in text_of(page)
    page = client_request.login(world.people["observer"]).get(themes_url(inquiry))
    assert "There are no themes yet. When the researchers add them" in text_of(page)


# Adding -------------------------------------------------------------------------------


def test_adding_a_theme(as_researcher, inquiry):
    location = as_researcher.post_redirect(
        themes_url(inquiry), {"name": "  Continuity   of carers "}
    )
    assert location == themes_url(inquiry)
    assert names(inquiry) == ["Continuity of carers"]
    (event,) = audit("theme.created")
    theme = db.session.scalar(select(Theme))
    assert (event.object_type, event.object_id, event.details) == ("theme", theme.id, {})
    page = as_researcher.get(location)
    assert "Theme added: Continuity of carers" in text_of(page)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the theme"),
        ("   ", "Enter a name for the theme"),
        ("x" * 101, "Theme name must be 100 characters or fewer"),
        ("continuity OF carers", "There is already a theme called Continuity of carers"),
    ],
)
def test_a_theme_needs_a_new_name_of_up_to_100_characters(as_researcher, inquiry, name, message):
    add_theme(inquiry, "Continuity of carers")
    page = as_researcher.post(themes_url(inquiry), {"name": name})
    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one("input[name=name]")["value"] == name.strip() or not name.strip()
    assert names(inquiry) == ["Continuity of carers"]
    assert audit("theme.created") == []


def test_the_same_name_may_be_used_in_another_inquiry(as_researcher, world, inquiry):
    add_theme(world.other_inquiry, "Continuity of carers")
    as_researcher.post_redirect(themes_url(inquiry), {"name": "Continuity of carers"})
    assert names(inquiry) == ["Continuity of carers"]


def test_names_are_compared_in_any_case_beyond_ascii(researcher, inquiry):
    services.create_theme(
        db.session, inquiry=inquiry, actor=researcher, name="Ärzte und Pflege", now=utcnow()
    )
    with pytest.raises(services.ThemeError, match="There is already a theme called Ärzte"):
        services.create_theme(
            db.session, inquiry=inquiry, actor=researcher, name="ÄRZTE UND PFLEGE", now=utcnow()
        )


def test_participants_cannot_add_themes(client, world, inquiry):
    sign_in_as(client, world.people["participant"])
    assert client.post(themes_url(inquiry), data={"name": "Housing"}).status_code == 403
    assert names(inquiry) == []


# Renaming -----------------------------------------------------------------------------


def test_renaming_a_theme(as_researcher, inquiry):
    theme = add_theme(inquiry, "Continuity")
    url = themes_url(inquiry, f"/{theme.id}/rename")
    page = as_researcher.get(url)
    assert page.select_one("input[name=name]")["value"] == "Continuity"
    as_researcher.post_redirect(url, {"name": "Continuity of carers"})
    assert names(inquiry) == ["Continuity of carers"]
    (event,) = audit("theme.renamed")
    assert (event.object_id, event.details) == (theme.id, {})

    # A change of case of its own name is allowed.
    as_researcher.post_redirect(url, {"name": "continuity of carers"})
    assert names(inquiry) == ["continuity of carers"]
    # The same name again changes nothing and records nothing.
    as_researcher.post_redirect(url, {"name": "continuity of carers"})
    assert len(audit("theme.renamed")) == 2


def test_renaming_to_another_themes_name_is_refused(as_researcher, inquiry):
    add_theme(inquiry, "Housing")
    theme = add_theme(inquiry, "Homes")
    page = as_researcher.post(themes_url(inquiry, f"/{theme.id}/rename"), {"name": "HOUSING"})
    assert error_messages(page) == ["There is already a theme called Housing"]
    assert page.select_one("input[name=name]")["value"] == "HOUSING"
    assert names(inquiry) == ["Homes", "Housing"]


def test_themes_of_another_inquiry_are_not_found(client, world, researcher, inquiry):
    elsewhere = add_theme(world.other_inquiry, "Elsewhere")
    sign_in_as(client, researcher)
    for suffix in ("", "/rename", "/merge"):
        assert client.get(themes_url(inquiry, f"/{elsewhere.id}{suffix}")).status_code == 404
    assert client.get(themes_url(inquiry, "/99999")).status_code == 404


# Merging ------------------------------------------------------------------------------


def test_merging_moves_the_excerpts_without_duplicates_and_deletes_the_theme(
    as_researcher, world, inquiry
):
    witness = witness_membership(world)
    testimony = add_testimony(inquiry, witness)
    same_faces = add_theme(inquiry, "Same faces")
    continuity = add_theme(inquiry, "Continuity of carers")
    add_theme(inquiry, "Being asked")
    only_source = add_excerpt(
        testimony, "I have had eleven different carers since March.", [same_faces]
    )
    both = add_excerpt(testimony, "I tell my story again every time.", [same_faces, continuity])
    only_target = add_excerpt(
        testimony, "being asked what I want, not told what I am getting", [continuity]
    )
    same_faces_id = same_faces.id
    url = themes_url(inquiry, f"/{same_faces_id}/merge")

    page = as_researcher.get(url)
    options = [text_of(label) for label in page.select(".govuk-radios__label")]
    assert options == ["Being asked", "Continuity of carers"]
    assert "The 2 excerpts tagged with Same faces will be tagged" in text_of(page)

    page = as_researcher.post(url, {"into": str(continuity.id)})
    assert text_of(page.h1) == "Merge Same faces into Continuity of carers?"
    assert "the theme Same faces will be deleted" in text_of(page)
    assert db.session.get(Theme, same_faces_id) is not None  # nothing changed yet

    location = as_researcher.post_redirect(url, {"into": str(continuity.id), "confirmed": "yes"})
    assert location == themes_url(inquiry, f"/{continuity.id}")
    assert db.session.get(Theme, same_faces_id) is None
    pairs = db.session.execute(select(excerpt_themes)).all()
    assert sorted(pairs) == sorted(
        [(only_source.id, continuity.id), (both.id, continuity.id), (only_target.id, continuity.id)]
    )
    (event,) = audit("theme.merged")
    assert event.object_id == same_faces_id
    assert event.details == {"into_theme_id": continuity.id, "excerpts": 2}

    page = as_researcher.get(location)
    assert "Themes merged: 2 excerpts moved to Continuity of carers" in text_of(page)
    assert "What witnesses said (3)" in text_of(page)


def test_merging_needs_a_theme_to_merge_into(as_researcher, inquiry):
    theme = add_theme(inquiry, "Same faces")
    other = add_theme(inquiry, "Continuity of carers")
    url = themes_url(inquiry, f"/{theme.id}/merge")
    page = as_researcher.post(url, {})
    assert error_messages(page) == ["Select the theme to merge it into"]
    page = as_researcher.post(url, {"into": str(theme.id), "confirmed": "yes"})
    assert error_messages(page) == ["Select the theme to merge it into"]
    assert names(inquiry) == ["Continuity of carers", "Same faces"]

    db.session.delete(db.session.get(Theme, other.id))
    db.session.commit()
    page = as_researcher.get(url)
    assert "There is no other theme to merge it into" in text_of(page)
    as_researcher.post(url, {"into": str(other.id), "confirmed": "yes"})
    assert names(inquiry) == ["Same faces"]


def test_merge_hooks_let_other_features_move_their_tags(researcher, inquiry):
    source, target = add_theme(inquiry, "Same faces"), add_theme(inquiry, "Continuity")
    calls = []

    def hook(session, from_theme, into_theme):
        calls.append((from_theme.id, into_theme.id))
        return 0

    services.register_merge_hook(hook)
    try:
        services.merge_themes(
            db.session, source, target, inquiry=inquiry, actor=researcher, now=utcnow()
        )
    finally:
        services.unregister_merge_hook(hook)
    assert calls == [(source.id, target.id)]


def test_a_theme_cannot_be_merged_into_itself_or_another_inquirys(researcher, world, inquiry):
    theme = add_theme(inquiry, "Same faces")
    elsewhere = add_theme(world.other_inquiry, "Elsewhere")
    for target in (theme, elsewhere):
        with pytest.raises(services.ThemeError):
            services.merge_themes(
                db.session, theme, target, inquiry=inquiry, actor=researcher, now=utcnow()
            )
    assert db.session.get(Theme, theme.id) is not None


# A theme's page -----------------------------------------------------------------------


def test_a_themes_page_shows_who_said_what_and_how_it_may_be_used(client_request, world, inquiry):
    witness = witness_membership(world)
    other = add_member(inquiry, make_user("hari@example.org", name="Hari Patel"), Role.WITNESS)
    other.lived_experience = "family_or_friend"
    db.session.commit()
    theme = add_theme(inquiry, "Being asked")
    named = add_testimony(inquiry, witness, use=TestimonyUse.QUOTE_WITH_NAME)
    private = add_testimony(
        inquiry,
        other,
        use=TestimonyUse.COHORT_ONLY,
        body="<i>Nobody</i> asked Mum what she wanted.",
    )
    draft = add_testimony(inquiry, witness, status=TestimonyStatus.AWAITING_REVIEW)
    add_excerpt(named, "I tell my story again every time.", [theme])
    add_excerpt(private, "<i>Nobody</i> asked Mum what she wanted.", [theme])
    add_excerpt(draft, "I have had eleven different carers since March.", [theme])

    response = client_request.login(world.people["observer"]).client.get(
        themes_url(inquiry, f"/{theme.id}")
    )
    html = response.get_data(as_text=True)
    assert "<i>Nobody</i>" not in html
    assert "&lt;i&gt;Nobody&lt;/i&gt; asked Mum" in html

    page = client_request.get(themes_url(inquiry, f"/{theme.id}"))
    assert text_of(page.h1) == "Being asked"
    items = page.select(".app-excerpt")
    assert len(items) == 2
    first, second = (text_of(item) for item in items)
    assert "I tell my story again every time." in first
    assert "Gwen" in first and "Receives care at home" in first
    assert "May be quoted with the name Gwen" in first
    assert "Hari Patel" in second and "Family member or friend arranging care" in second
    assert "Cohort only: not for the report" in second
    assert "eleven different carers" not in text_of(page)
    assert not any(text.startswith(("Change themes", "Delete")) for text in link_texts(page))


def test_an_empty_theme_says_so(client_request, world, inquiry):
    theme = add_theme(inquiry, "Housing")
    page = client_request.login(world.people["witness"]).get(themes_url(inquiry, f"/{theme.id}"))
    assert "No excerpts are tagged with this theme yet" in text_of(page)


# Who marks excerpts -------------------------------------------------------------------


def test_researchers_let_participants_mark_excerpts_and_stop_them(
    as_researcher, client_request, world, inquiry
):
    url = themes_url(inquiry, "/excerpt-marking")
    page = as_researcher.get(themes_url(inquiry))
    checked = page.select_one("input[name=who][checked]")
    assert checked["value"] == "researchers"

    as_researcher.post_redirect(url, {"who": "participants"})
    db.session.refresh(inquiry)
    assert inquiry.participants_mark_excerpts is True
    (event,) = audit("inquiry.excerpt_marking_changed")
    assert event.details == {"participants_may_mark": True}

    as_researcher.post_redirect(url, {"who": "participants"})
    assert len(audit("inquiry.excerpt_marking_changed")) == 1

    page = client_request.login(world.people["participant"]).get(themes_url(inquiry))
    assert "You can mark excerpts of approved testimony" in text_of(page)

    client_request.login(world.people["researcher"]).post_redirect(url, {"who": "researchers"})
    db.session.refresh(inquiry)
    assert inquiry.participants_mark_excerpts is False
    assert len(audit("inquiry.excerpt_marking_changed")) == 2


def test_the_marking_choice_must_be_made(as_researcher, inquiry):
    page = as_researcher.post(themes_url(inquiry, "/excerpt-marking"), {"who": "everyone"})
    assert error_messages(page) == ["Select who can mark excerpts"]
    assert page.title.get_text().startswith("Error: ")
    db.session.refresh(inquiry)
    assert inquiry.participants_mark_excerpts is False


def test_a_theme_added_at_the_same_moment_is_refused_cleanly(researcher, inquiry, monkeypatch):
    add_theme(inquiry, "Housing")
    # As if the other request's theme was not there when the names were compared.
    monkeypatch.setattr(services, "same_name", lambda *args, **kwargs: None)
    with pytest.raises(services.ThemeError, match="There is already a theme called Housing"):
        services.create_theme(
            db.session, inquiry=inquiry, actor=researcher, name="Housing", now=utcnow()
        )
    theme = add_theme(inquiry, "Homes")
    with pytest.raises(services.ThemeError, match="There is already a theme called Housing"):
        services.rename_theme(
            db.session, theme, inquiry=inquiry, actor=researcher, name="Housing", now=utcnow()
        )
    db.session.commit()
    assert names(inquiry) == ["Homes", "Housing"]
    assert audit("theme.created") == [] and audit("theme.renamed") == []
