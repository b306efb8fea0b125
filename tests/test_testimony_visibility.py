"""Who sees which testimony, on every page that shows it, and that its text is escaped.

The cohort (participants, commissioners, observers and other witnesses) only ever
sees approved testimony; researchers never see a witness's draft; withdrawn
testimony leaves nothing but a stub for its witness and the researchers.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import check_page, sign_in_as
from test_testimony import (
    Stage,
    make_stage,
    record_form,
    recorded,
    render_overview,
    review_link,
    text_of,
    witness_form,
    written,
)

from inquiry.extensions import db
from inquiry.models import Testimony, TestimonyFormat, utcnow
from inquiry.testimony import services


@pytest.fixture
def stage(app) -> Stage:
    return make_stage()


APPROVED = "Waiting in for the carer"
HIDDEN = {
    "draft": "A draft about Dad's pills",
    "awaiting": "Recorded: the night the hoist broke",
    "changes": "Recorded: moving into the front room",
    "reopened": "Reopened: my sister's respite week",
    "withdrawn": "Withdrawn: the day centre closing",
}
HIDDEN_BODY_WORDS = "unshared-words-from-margaret"


@pytest.fixture
def catalogue(stage: Stage) -> dict[str, Testimony]:
    """Margaret's testimony in every status, and one approved piece."""
    body = f"Only I should read this for now: {HIDDEN_BODY_WORDS}."
    items = {"approved": written(stage, title=APPROVED, body="The carer came at eleven again.")}
    items["draft"] = written(stage, title=HIDDEN["draft"], body=body, share=False)
    items["awaiting"] = recorded(stage, title=HIDDEN["awaiting"], body=body)
    items["changes"] = recorded(stage, title=HIDDEN["changes"], body=body)
    services.request_changes(
        db.session,
        items["changes"],
        inquiry=stage.inquiry,
        actor=stage.witness,
        expected_revision=1,
        note=f"Please change it: {HIDDEN_BODY_WORDS}",
        now=utcnow(),
        link_for=review_link,
    )
    items["reopened"] = written(stage, title=HIDDEN["reopened"], body=body)
    services.update_by_researcher(
        db.session,
        items["reopened"],
        inquiry=stage.inquiry,
        actor=stage.researcher,
        expected_revision=1,
        round_=stage.hearing,
        title=HIDDEN["reopened"],
        body=body + " With a researcher's correction.",
        format=TestimonyFormat.WRITTEN,
        given_on=None,
        now=utcnow(),
        link_for=review_link,
    )
    items["withdrawn"] = written(stage, title=HIDDEN["withdrawn"], body=body)
    services.withdraw(
        db.session, items["withdrawn"], inquiry=stage.inquiry, actor=stage.witness, now=utcnow()
    )
    db.session.commit()
    return items


def cohort_of(stage: Stage) -> dict[str, object]:
    return {
        "participant": stage.participant,
        "commissioner": stage.commissioner,
        "observer": stage.observer,
        "other witness": stage.other_witness,
    }


def listing_pages(stage: Stage) -> list[str]:
    return [
        stage.url("/testimony"),
        stage.url(f"/sessions/{stage.hearing.id}/testimony"),
        stage.url(f"/sessions/{stage.second_hearing.id}/testimony"),
        stage.url(f"/sessions/{stage.introduction.id}/testimony"),
        stage.url(""),
    ]


def assert_nothing_hidden(html: str) -> None:
    for title in HIDDEN.values():
        assert title not in html
    assert HIDDEN_BODY_WORDS not in html
    assert "Withdrawn testimony" not in html


@pytest.mark.parametrize("who", ["participant", "commissioner", "observer", "other witness"])
def test_the_cohort_sees_only_approved_testimony(app, client_request, stage, catalogue, who):
    user = cohort_of(stage)[who]
    client_request.login(user)
    for url in listing_pages(stage):
        page = client_request.get(url)
        assert_nothing_hidden(str(page))
    index = client_request.get(stage.url("/testimony"))
    assert APPROVED in text_of(index)
    hearing = client_request.get(stage.url(f"/sessions/{stage.hearing.id}/testimony"))
    assert "The carer came at eleven again." in text_of(hearing)
    assert [text_of(a.h2) for a in hearing.select("article")] == [APPROVED]

    page = client_request.get(stage.testimony_url(catalogue["approved"]))
    assert "The carer came at eleven again." in text_of(page)
    for status in HIDDEN:
        client_request.get(stage.testimony_url(catalogue[status]), 404)

    partial = render_overview(app, user, stage.inquiry)
    assert_nothing_hidden(str(partial))


def test_the_cohort_cannot_reach_hidden_testimony_through_other_pages(
    client_request,
    stage,
    catalogue,
):
    client_request.login(stage.other_witness)
    for status in HIDDEN:
        for suffix in ("/edit", "/use", "/withdraw", "/request-changes"):
            client_request.get(stage.testimony_url(catalogue[status], suffix), 404)
    client_request.login(stage.participant)
    for status in HIDDEN:
        client_request.get(stage.testimony_url(catalogue[status], "/change"), 403)


def test_researchers_see_everything_but_drafts(app, client_request, stage, catalogue):
    client_request.login(stage.researcher)
    index = client_request.get(stage.url("/testimony"))
    listed = [text_of(row.td) for row in index.select("table tbody tr")]
    assert sorted(listed) == sorted(
        [
            APPROVED,
            HIDDEN["awaiting"],
            HIDDEN["changes"],
            HIDDEN["reopened"],
            "Withdrawn testimony",
        ]
    )
    assert HIDDEN["draft"] not in str(index)
    client_request.get(stage.testimony_url(catalogue["draft"]), 404)
    for status in ("awaiting", "changes", "reopened"):
        page = client_request.get(stage.testimony_url(catalogue[status]))
        assert HIDDEN_BODY_WORDS in text_of(page)
    stub = client_request.get(stage.testimony_url(catalogue["withdrawn"]))
    assert HIDDEN["withdrawn"] not in str(stub)
    assert HIDDEN["draft"] not in str(render_overview(app, stage.researcher, stage.inquiry))


def test_the_witness_sees_all_their_own(client_request, stage, catalogue):
    client_request.login(stage.witness)
    index = client_request.get(stage.url("/testimony"))
    own = [text_of(row.td) for row in index.select("table tbody tr")]
    assert sorted(own) == sorted(
        [APPROVED, *(t for k, t in HIDDEN.items() if k != "withdrawn"), "Withdrawn testimony"]
    )
    for status in ("draft", "awaiting", "changes", "reopened"):
        page = client_request.get(stage.testimony_url(catalogue[status]))
        assert HIDDEN_BODY_WORDS in text_of(page)
    # The session page is the cohort's view: only approved testimony, hers included.
    hearing = client_request.get(stage.url(f"/sessions/{stage.hearing.id}/testimony"))
    assert [text_of(a.h2) for a in hearing.select("article")] == [APPROVED]


# Escaping --------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
HOSTILE_TITLE = f"{SCRIPT} <b>Mum</b> & Dad"
HOSTILE_BODY = f"{SCRIPT}\n\n<img src=x onerror=alert(2)> and <a href='javascript:alert(3)'>x</a>"


def assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert "<b>Mum</b>" not in html
    assert "<img src=x" not in html
    assert "<a href='javascript" not in html
    assert ESCAPED_SCRIPT in html


@pytest.fixture
def hostile(stage: Stage) -> dict[str, Testimony]:
    approved = written(stage, title=HOSTILE_TITLE, body=HOSTILE_BODY)
    awaiting = recorded(stage, title=HOSTILE_TITLE, body=HOSTILE_BODY)
    asked = recorded(stage, title=HOSTILE_TITLE, body=HOSTILE_BODY)
    services.request_changes(
        db.session,
        asked,
        inquiry=stage.inquiry,
        actor=stage.witness,
        expected_revision=1,
        note=f"Please remove {SCRIPT}",
        now=utcnow(),
        link_for=review_link,
    )
    db.session.commit()
    return {"approved": approved, "awaiting": awaiting, "asked": asked}


def test_testimony_is_shown_as_text_on_every_page(app, client, stage, hostile):
    def html_of(user, url: str) -> str:
        sign_in_as(client, user)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        check_page(html)
        return html

    approved, awaiting, asked = hostile["approved"], hostile["awaiting"], hostile["asked"]
    pages = [
        (stage.participant, stage.testimony_url(approved)),
        (stage.participant, stage.url("/testimony")),
        (stage.participant, stage.url(f"/sessions/{stage.hearing.id}/testimony")),
        (stage.witness, stage.url("/testimony")),
        (stage.witness, stage.testimony_url(awaiting)),
        (stage.witness, stage.testimony_url(awaiting, "/edit")),
        (stage.witness, stage.testimony_url(awaiting, "/request-changes")),
        (stage.witness, stage.testimony_url(asked)),
        (stage.witness, stage.testimony_url(approved, "/edit")),
        (stage.witness, stage.testimony_url(approved, "/use")),
        (stage.witness, stage.testimony_url(approved, "/withdraw")),
        (stage.researcher, stage.url("/testimony")),
        (stage.researcher, stage.testimony_url(asked)),
        (stage.researcher, stage.testimony_url(asked, "/change")),
    ]
    for user, url in pages:
        assert_escaped(html_of(user, url))

    for user in (stage.witness, stage.researcher, stage.participant):
        partial = str(render_overview(app, user, stage.inquiry))
        assert SCRIPT not in partial and "<b>Mum</b>" not in partial

    # The paragraphs hold the text as typed, with no markup of its own.
    sign_in_as(client, stage.participant)
    page = BeautifulSoup(
        client.get(stage.testimony_url(approved)).get_data(as_text=True), "html.parser"
    )
    paragraphs = [p.get_text() for p in page.select("h2 ~ p.govuk-body")][:2]
    assert paragraphs == [
        SCRIPT,
        "<img src=x onerror=alert(2)> and <a href='javascript:alert(3)'>x</a>",
    ]


def test_the_conflict_panel_escapes_the_other_version(client, stage, hostile):
    awaiting = hostile["awaiting"]
    services.update_by_researcher(
        db.session,
        awaiting,
        inquiry=stage.inquiry,
        actor=stage.researcher,
        expected_revision=1,
        round_=stage.hearing,
        title=HOSTILE_TITLE,
        body=HOSTILE_BODY + "\n\nA newer paragraph.",
        format=TestimonyFormat.SPOKEN,
        given_on=None,
        now=utcnow(),
        link_for=review_link,
    )
    db.session.commit()
    sign_in_as(client, stage.witness)
    response = client.post(
        stage.testimony_url(awaiting, "/edit"),
        data=witness_form(awaiting, body=f"Mine {SCRIPT}", revision="1") | {"share": "y"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A newer paragraph." in html
    assert_escaped(html)

    sign_in_as(client, stage.researcher)
    response = client.post(
        stage.testimony_url(awaiting, "/change"),
        data=record_form(stage, title=HOSTILE_TITLE, body=f"Stale {SCRIPT}", revision="1"),
    )
    assert response.status_code == 200
    assert_escaped(response.get_data(as_text=True))
