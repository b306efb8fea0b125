"""Excerpts of approved testimony: marking them, their themes, consent and the report."""

from __future__ import annotations

import pytest
from conftest import add_member, counting_queries, error_messages, make_user, sign_in_as
from sqlalchemy import select

from inquiry.excerpts import services
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
    utcnow,
)
from inquiry.themes.services import merge_themes

BODY = (
    "When Dad came home from hospital, nobody told us who to ring.\n\n"
    "The carers changed every week, and Dad never knew who would come through the door. "
    "Some of them were wonderful.\n"
    "What made the difference was Joy, the district nurse. She sat down, she asked him "
    "about his garden, and she came back the next week."
)


# Helpers ----------------------------------------------------------------------------


def membership_of(inquiry: Inquiry, user) -> Membership:
    return db.session.scalar(
        select(Membership).where(Membership.inquiry_id == inquiry.id, Membership.user_id == user.id)
    )


def add_testimony(
    inquiry: Inquiry,
    witness: Membership,
    *,
    body: str | None = BODY,
    status: TestimonyStatus = TestimonyStatus.APPROVED,
    use: TestimonyUse = TestimonyUse.QUOTE_ANONYMOUSLY,
    title: str = "Coming home from hospital",
) -> Testimony:
    testimony = Testimony(
        inquiry_id=inquiry.id,
        witness_id=witness.id,
        title=title,
        body=body,
        status=status,
        use=use,
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


def add_theme(inquiry: Inquiry, name: str) -> Theme:
    theme = Theme(inquiry_id=inquiry.id, name=name)
    db.session.add(theme)
    db.session.commit()
    return theme


def add_excerpt(testimony: Testimony, text: str, *, themes=(), by=None) -> Excerpt:
    excerpt = Excerpt(
        inquiry_id=testimony.inquiry_id,
        testimony_id=testimony.id,
        text=text,
        created_by_id=by.id if by is not None else None,
    )
    excerpt.themes = list(themes)
    db.session.add(excerpt)
    db.session.commit()
    return excerpt


def withdraw(testimony: Testimony) -> None:
    """As withdrawing testimony does: its excerpts go and its words are erased."""
    for excerpt in list(testimony.excerpts):
        db.session.delete(excerpt)
    testimony.status = TestimonyStatus.WITHDRAWN
    testimony.body = None
    testimony.withdrawn_at = utcnow()
    db.session.commit()


def new_url(testimony: Testimony) -> str:
    return f"/inquiries/{testimony.inquiry_id}/testimony/{testimony.id}/excerpts/new"


def list_url(testimony: Testimony) -> str:
    return f"/inquiries/{testimony.inquiry_id}/testimony/{testimony.id}/excerpts"


def excerpt_url(excerpt: Excerpt, action: str) -> str:
    return f"/inquiries/{excerpt.inquiry_id}/excerpts/{excerpt.id}/{action}"


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def link_texts(page) -> list[str]:
    return [text_of(a) for a in page.select("main a")]


@pytest.fixture
def inquiry(world):
    return world.inquiry


@pytest.fixture
def researcher(world):
    return world.people["researcher"]


@pytest.fixture
def participant(world):
    return world.people["participant"]


@pytest.fixture
def witness(world, inquiry):
    member = membership_of(inquiry, world.people["witness"])
    member.display_name = "Marian"
    member.lived_experience = "family_or_friend"
    db.session.commit()
    return member


@pytest.fixture
def testimony(inquiry, witness):
    return add_testimony(inquiry, witness)


# Marking an excerpt -----------------------------------------------------------------


def test_the_new_excerpt_page_shows_the_testimony_and_the_themes(
    client_request, researcher, inquiry, testimony
):
    add_theme(inquiry, "Continuity of carers")
    add_theme(inquiry, "Being listened to")
    page = client_request.login(researcher).get(new_url(testimony))

    paragraphs = [text_of(p) for p in page.select(".app-testimony-text p")]
    assert paragraphs[0] == "When Dad came home from hospital, nobody told us who to ring."
    assert len(paragraphs) == 3
    label = page.select_one("label[for=text]")
    assert text_of(label) == "Paste or type the words to quote exactly as they appear"
    boxes = page.select("input[type=checkbox][name=themes]")
    assert [text_of(page.select_one(f"label[for={box['id']}]")) for box in boxes] == [
        "Being listened to",
        "Continuity of carers",
    ]
    assert "May be quoted anonymously" in text_of(page)


def test_marking_an_excerpt_tags_it_and_records_it_without_its_words(
    client_request, researcher, inquiry, testimony
):
    continuity = add_theme(inquiry, "Continuity of carers")
    add_theme(inquiry, "Being listened to")
    client_request.login(researcher)
    location = client_request.post_redirect(
        new_url(testimony),
        {
            # Line breaks and extra spaces need not match the testimony.
            "text": "The carers changed every week,\r\n and Dad  never knew who would come "
            "through the door.",
            "themes": [str(continuity.id)],
        },
    )
    assert location == list_url(testimony)

    excerpt = db.session.scalar(select(Excerpt))
    assert excerpt.text == (
        "The carers changed every week, and Dad never knew who would come through the door."
    )
    assert excerpt.testimony_id == testimony.id
    assert excerpt.created_by_id == researcher.id
    assert [theme.name for theme in excerpt.themes] == ["Continuity of carers"]
    (event_,) = audit("excerpt.created")
    assert event_.object_id == excerpt.id
    assert event_.details == {"testimony_id": testimony.id, "theme_ids": [continuity.id]}
    assert "carers" not in str(event_.details)

    page = client_request.get(location)
    assert "Excerpt marked" in text_of(page)
    assert "Dad never knew who would come through the door" in text_of(page)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the words to quote"),
        ("   \n  ", "Enter the words to quote"),
        ("Joy sat", "The excerpt must be at least 10 characters"),
        # Case matters: these words are in the testimony with a capital T.
        ("the carers changed every week", "These words are not in the testimony"),
        ("The carers were wonderful every week", "These words are not in the testimony"),
        ("x" * 2001, "The excerpt must be 2,000 characters or fewer"),
    ],
)
def test_words_must_be_in_the_testimony_and_of_a_sensible_length(
    client_request, researcher, testimony, text, message
):
    page = client_request.login(researcher).post(new_url(testimony), {"text": text})
    errors = error_messages(page)
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert page.select_one("textarea[name=text]").get_text().strip() == text.strip()
    assert db.session.scalar(select(Excerpt)) is None
    assert audit("excerpt.created") == []


def test_the_longest_excerpt_allowed_is_2000_characters(researcher, inquiry, witness):
    long_body = "Every morning the same worry. " * 100
    testimony = add_testimony(inquiry, witness, body=long_body)
    words = " ".join(long_body.split())[:2000]
    excerpt = services.create_excerpt(
        db.session,
        inquiry=inquiry,
        testimony=testimony,
        actor=researcher,
        text=words,
        themes=[],
        now=utcnow(),
    )
    assert len(excerpt.text) == 2000


def test_the_same_words_cannot_be_marked_twice(client_request, researcher, testimony):
    add_excerpt(testimony, "Some of them were wonderful.")
    page = client_request.login(researcher).post(
        new_url(testimony), {"text": "Some of them were  wonderful."}
    )
    assert error_messages(page) == [
        "These words have already been marked as an excerpt. Change its themes instead"
    ]


def test_themes_of_another_inquiry_cannot_be_chosen(client_request, world, researcher, testimony):
    elsewhere = add_theme(world.other_inquiry, "Elsewhere")
    page = client_request.login(researcher).post(
        new_url(testimony),
        {"text": "Some of them were wonderful.", "themes": [str(elsewhere.id)]},
    )
    assert error_messages(page) == ["Select themes from the list"]
    assert db.session.scalar(select(Excerpt)) is None


@pytest.mark.parametrize(
    "status",
    [
        TestimonyStatus.DRAFT,
        TestimonyStatus.AWAITING_REVIEW,
        TestimonyStatus.CHANGES_REQUESTED,
    ],
)
def test_only_approved_testimony_can_be_excerpted(client, researcher, inquiry, witness, status):
    testimony = add_testimony(inquiry, witness, status=status)
    sign_in_as(client, researcher)
    assert client.get(new_url(testimony)).status_code == 404
    assert (
        client.post(new_url(testimony), data={"text": "Some of them were wonderful."}).status_code
        == 404
    )
    assert client.get(list_url(testimony)).status_code == 404
    assert db.session.scalar(select(Excerpt)) is None


def test_withdrawn_testimony_is_not_found_and_its_excerpts_are_gone(
    client, researcher, inquiry, testimony
):
    excerpt = add_excerpt(testimony, "Some of them were wonderful.")
    withdraw(testimony)
    sign_in_as(client, researcher)
    assert client.get(new_url(testimony)).status_code == 404
    assert client.get(list_url(testimony)).status_code == 404
    assert client.get(excerpt_url(excerpt, "edit")).status_code == 404
    assert services.all_excerpts(db.session, inquiry) == []


def test_testimony_of_another_inquiry_is_not_found(client, world, researcher, testimony):
    other_witness = add_member(world.other_inquiry, make_user("ade@example.org"), Role.WITNESS)
    elsewhere = add_testimony(world.other_inquiry, other_witness)
    sign_in_as(client, researcher)
    url = f"/inquiries/{world.inquiry.id}/testimony/{elsewhere.id}/excerpts/new"
    assert client.get(url).status_code == 404
    assert client.get(f"/inquiries/{world.inquiry.id}/testimony/99999/excerpts").status_code == 404


def test_the_testimony_is_shown_escaped(client_request, researcher, inquiry, witness):
    testimony = add_testimony(
        inquiry, witness, body="<script>alert('carers')</script>\n<b>Bold</b> & brave words"
    )
    client_request.login(researcher)
    response = client_request.client.get(new_url(testimony))
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;carers&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; brave words" in html

    client_request.post_redirect(new_url(testimony), {"text": "<b>Bold</b> & brave words"})
    excerpt = db.session.scalar(select(Excerpt))
    assert excerpt.text == "<b>Bold</b> & brave words"
    html = client_request.client.get(list_url(testimony)).get_data(as_text=True)
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; brave words" in html


# Who may mark and change excerpts ---------------------------------------------------


def test_participants_mark_excerpts_only_when_the_researchers_allow_it(
    client, client_request, inquiry, participant, testimony
):
    sign_in_as(client, participant)
    assert client.get(new_url(testimony)).status_code == 403
    page = client_request.get(list_url(testimony))
    assert "Mark an excerpt" not in text_of(page)

    inquiry.participants_mark_excerpts = True
    db.session.commit()
    page = client_request.get(list_url(testimony))
    assert "Mark an excerpt" in link_texts(page)
    client_request.post_redirect(new_url(testimony), {"text": "Some of them were wonderful."})
    excerpt = db.session.scalar(select(Excerpt))
    assert excerpt.created_by_id == participant.id


@pytest.mark.parametrize("actor", ["witness", "commissioner", "observer"])
def test_other_members_read_excerpts_but_do_not_mark_them(
    client, client_request, world, inquiry, testimony, actor
):
    inquiry.participants_mark_excerpts = True
    db.session.commit()
    add_excerpt(testimony, "Some of them were wonderful.")
    sign_in_as(client, world.people[actor])
    assert client.get(new_url(testimony)).status_code == 403
    page = client_request.get(list_url(testimony))
    assert "Some of them were wonderful." in text_of(page)
    assert "Mark an excerpt" not in link_texts(page)
    assert not any(text.startswith("Delete") for text in link_texts(page))


def test_participants_change_only_their_own_excerpts_and_only_while_allowed(
    client, inquiry, participant, researcher, testimony
):
    inquiry.participants_mark_excerpts = True
    db.session.commit()
    own = add_excerpt(testimony, "Some of them were wonderful.", by=participant)
    theirs = add_excerpt(testimony, "nobody told us who to ring", by=researcher)
    sign_in_as(client, participant)
    assert client.get(excerpt_url(own, "edit")).status_code == 200
    assert client.get(excerpt_url(own, "delete")).status_code == 200
    assert client.get(excerpt_url(theirs, "edit")).status_code == 403
    assert client.post(excerpt_url(theirs, "delete")).status_code == 403

    inquiry.participants_mark_excerpts = False
    db.session.commit()
    assert client.get(excerpt_url(own, "edit")).status_code == 403
    assert client.post(excerpt_url(own, "delete")).status_code == 403
    assert db.session.get(Excerpt, own.id) is not None


def test_researchers_change_anyones_excerpts(client, researcher, participant, testimony):
    excerpt = add_excerpt(testimony, "Some of them were wonderful.", by=participant)
    sign_in_as(client, researcher)
    assert client.get(excerpt_url(excerpt, "edit")).status_code == 200


def test_an_excerpt_of_another_inquiry_is_not_found(client, world, researcher):
    other_witness = add_member(world.other_inquiry, make_user("ade@example.org"), Role.WITNESS)
    elsewhere = add_excerpt(
        add_testimony(world.other_inquiry, other_witness), "Some of them were wonderful."
    )
    sign_in_as(client, researcher)
    url = f"/inquiries/{world.inquiry.id}/excerpts/{elsewhere.id}/edit"
    assert client.get(url).status_code == 404
    assert (
        client.post(f"/inquiries/{world.inquiry.id}/excerpts/{elsewhere.id}/delete").status_code
        == 404
    )
    assert db.session.get(Excerpt, elsewhere.id) is not None


# Changing and deleting --------------------------------------------------------------


def test_changing_an_excerpts_themes(client_request, researcher, inquiry, testimony):
    continuity = add_theme(inquiry, "Continuity of carers")
    listened = add_theme(inquiry, "Being listened to")
    excerpt = add_excerpt(testimony, "Some of them were wonderful.", themes=[continuity])
    client_request.login(researcher)

    page = client_request.get(excerpt_url(excerpt, "edit"))
    checked = [box["value"] for box in page.select("input[name=themes][checked]")]
    assert checked == [str(continuity.id)]

    client_request.post_redirect(
        excerpt_url(excerpt, "edit"), {"themes": [str(listened.id), str(continuity.id)]}
    )
    db.session.refresh(excerpt)
    assert [t.name for t in excerpt.themes] == ["Being listened to", "Continuity of carers"]
    (event_,) = audit("excerpt.updated")
    assert event_.details == {
        "testimony_id": testimony.id,
        "theme_ids": sorted([listened.id, continuity.id]),
    }

    # Saving the same themes records nothing.
    client_request.post_redirect(
        excerpt_url(excerpt, "edit"), {"themes": [str(listened.id), str(continuity.id)]}
    )
    assert len(audit("excerpt.updated")) == 1


def test_deleting_an_excerpt_asks_first_and_keeps_the_testimony(
    client_request, researcher, inquiry, testimony
):
    theme = add_theme(inquiry, "Continuity of carers")
    excerpt = add_excerpt(testimony, "Some of them were wonderful.", themes=[theme])
    excerpt_id = excerpt.id
    client_request.login(researcher)
    page = client_request.get(excerpt_url(excerpt, "delete"))
    assert text_of(page.h1) == "Delete this excerpt?"
    assert "The words stay in Marian\u2019s testimony" in text_of(page)

    location = client_request.post_redirect(excerpt_url(excerpt, "delete"))
    assert location == list_url(testimony)
    assert db.session.scalar(select(Excerpt)) is None
    assert db.session.get(Testimony, testimony.id).body == BODY
    assert db.session.get(Theme, theme.id) is not None
    (event_,) = audit("excerpt.deleted")
    assert event_.object_id == excerpt_id
    assert event_.details == {"testimony_id": testimony.id}


# Consent ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("use", "label"),
    [
        (TestimonyUse.QUOTE_ANONYMOUSLY, "May be quoted anonymously"),
        (TestimonyUse.QUOTE_WITH_NAME, "May be quoted with the name Marian"),
        (TestimonyUse.COHORT_ONLY, "Cohort only: not for the report"),
    ],
)
def test_each_excerpt_shows_how_it_may_be_used(client_request, world, inquiry, witness, use, label):
    testimony = add_testimony(inquiry, witness, use=use)
    excerpt = add_excerpt(testimony, "Some of them were wonderful.")
    assert services.consent_label(excerpt) == label
    page = client_request.login(world.people["observer"]).get(list_url(testimony))
    tags = [text_of(tag) for tag in page.select("main .govuk-tag")]
    assert tags == [label, label]  # the testimony's and the excerpt's


def test_quotable_excerpts_never_offer_cohort_only_or_withdrawn_testimony(world, inquiry, witness):
    second = add_member(inquiry, make_user("bev@example.org"), Role.WITNESS)
    anonymous = add_testimony(inquiry, witness, use=TestimonyUse.QUOTE_ANONYMOUSLY)
    named = add_testimony(inquiry, second, use=TestimonyUse.QUOTE_WITH_NAME)
    private = add_testimony(inquiry, witness, use=TestimonyUse.COHORT_ONLY)
    later_withdrawn = add_testimony(inquiry, second, use=TestimonyUse.QUOTE_WITH_NAME)
    sent_back = add_testimony(inquiry, witness, use=TestimonyUse.QUOTE_ANONYMOUSLY)
    kept = [
        add_excerpt(anonymous, "Some of them were wonderful."),
        add_excerpt(named, "nobody told us who to ring"),
    ]
    add_excerpt(private, "What made the difference was Joy")
    add_excerpt(later_withdrawn, "she came back the next week")
    add_excerpt(sent_back, "she asked him about his garden")
    other_witness = add_member(world.other_inquiry, make_user("ade@example.org"), Role.WITNESS)
    add_excerpt(add_testimony(world.other_inquiry, other_witness), "Some of them were wonderful.")

    withdraw(later_withdrawn)
    sent_back.status = TestimonyStatus.CHANGES_REQUESTED
    db.session.commit()

    quotable = services.quotable_excerpts(db.session, inquiry)
    assert {e.id for e in quotable} == {e.id for e in kept}
    assert all(services.may_quote(e) for e in quotable)
    assert len(services.all_excerpts(db.session, inquiry)) == 3  # the cohort-only one too

    # A witness who changes their mind takes effect at once.
    named.use = TestimonyUse.COHORT_ONLY
    db.session.commit()
    assert [e.id for e in services.quotable_excerpts(db.session, inquiry)] == [kept[0].id]


def test_excerpts_by_theme_leaves_out_what_may_not_be_quoted(inquiry, witness):
    continuity = add_theme(inquiry, "Continuity of carers")
    listened = add_theme(inquiry, "being listened to")
    add_theme(inquiry, "Housing")
    quotable = add_testimony(inquiry, witness, use=TestimonyUse.QUOTE_WITH_NAME)
    private = add_testimony(inquiry, witness, use=TestimonyUse.COHORT_ONLY)
    a = add_excerpt(quotable, "Some of them were wonderful.", themes=[continuity, listened])
    b = add_excerpt(private, "nobody told us who to ring", themes=[continuity])
    add_excerpt(quotable, "she came back the next week")  # no theme

    everything = services.excerpts_by_theme(db.session, inquiry, quotable_only=False)
    assert [(t.name, [e.id for e in es]) for t, es in everything] == [
        ("being listened to", [a.id]),
        ("Continuity of carers", [a.id, b.id]),
        ("Housing", []),
    ]
    for_report = services.excerpts_by_theme(db.session, inquiry, quotable_only=True)
    assert [(t.name, [e.id for e in es]) for t, es in for_report] == [
        ("being listened to", [a.id]),
        ("Continuity of carers", [a.id]),
        ("Housing", []),
    ]


def test_excerpts_are_listed_in_the_order_they_were_said(inquiry, testimony):
    late = add_excerpt(testimony, "she came back the next week")
    early = add_excerpt(testimony, "nobody told us who to ring")
    middle = add_excerpt(testimony, "Some of them were wonderful.")
    listed = services.excerpts_for_testimony(db.session, testimony)
    assert [e.id for e in listed] == [early.id, middle.id, late.id]


def test_stale_excerpts_are_those_no_longer_in_the_testimony(testimony):
    kept = add_excerpt(testimony, "Some of them were wonderful.")
    gone = add_excerpt(testimony, "nobody told us who to ring")
    testimony.body = BODY.replace("nobody told us", "the ward told us")
    db.session.commit()
    assert services.stale_excerpts(db.session, testimony) == [gone]
    assert kept not in services.stale_excerpts(db.session, testimony)


# Queries do not grow with the number of excerpts --------------------------------------


def _fill(inquiry: Inquiry, witnesses: int) -> None:
    prefix = f"inquiry{inquiry.id}"
    themes = [add_theme(inquiry, f"Theme {n}") for n in range(3)]
    for n in range(witnesses):
        member = add_member(inquiry, make_user(f"{prefix}.witness{n}@example.org"), Role.WITNESS)
        testimony = add_testimony(inquiry, member, use=TestimonyUse.QUOTE_WITH_NAME)
        add_excerpt(testimony, "Some of them were wonderful.", themes=themes[: n % 3 + 1])
        add_excerpt(testimony, "nobody told us who to ring", themes=themes[:1])


def _queries_for(call, inquiry_id: int) -> int:
    db.session.expunge_all()
    inquiry = db.session.get(Inquiry, inquiry_id)
    with counting_queries() as statements:
        call(inquiry)
    return len(statements)


@pytest.mark.parametrize(
    "call",
    [
        lambda inquiry: services.quotable_excerpts(db.session, inquiry),
        lambda inquiry: services.excerpts_by_theme(db.session, inquiry, quotable_only=True),
        lambda inquiry: services.all_excerpts(db.session, inquiry),
    ],
)
def test_the_report_services_use_a_fixed_number_of_queries(world, call):
    small, large = world.inquiry.id, world.other_inquiry.id
    _fill(world.inquiry, 1)
    _fill(world.other_inquiry, 6)
    assert _queries_for(call, small) == _queries_for(call, large)


def test_the_theme_page_uses_a_fixed_number_of_queries(client, world):
    small, large = world.inquiry, world.other_inquiry
    _fill(small, 1)
    _fill(large, 6)
    counts = []
    for inquiry, user in (
        (small, world.people["researcher"]),
        (large, world.people["other_member"]),
    ):
        theme = db.session.scalar(
            select(Theme).where(Theme.inquiry_id == inquiry.id, Theme.name == "Theme 0")
        )
        sign_in_as(client, user)
        with counting_queries() as statements:
            response = client.get(f"/inquiries/{inquiry.id}/themes/{theme.id}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_merging_themes_keeps_an_excerpt_tagged_with_both_once(researcher, inquiry, testimony):
    continuity = add_theme(inquiry, "Continuity of carers")
    same_faces = add_theme(inquiry, "Same faces")
    both = add_excerpt(testimony, "Some of them were wonderful.", themes=[continuity, same_faces])
    merge_themes(
        db.session, same_faces, continuity, inquiry=inquiry, actor=researcher, now=utcnow()
    )
    db.session.commit()
    assert [t.name for t in db.session.get(Excerpt, both.id).themes] == ["Continuity of carers"]
