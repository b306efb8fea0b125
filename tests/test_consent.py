"""Information and consent texts: publishing versions, the consent gate and who agreed."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import add_member, error_messages, make_inquiry, make_user, sign_in_as
from flask_login import login_user
from sqlalchemy import event, select

from inquiry import policy
from inquiry.audit.service import ACTION_LABELS
from inquiry.consent import services
from inquiry.consent.defaults import default_text, participant_text, witness_text
from inquiry.extensions import db
from inquiry.formatting import uk_date
from inquiry.models import (
    AuditEvent,
    ConsentAudience,
    ConsentRecord,
    ConsentText,
    Inquiry,
    InquiryMode,
    Membership,
    MembershipStatus,
    Role,
    User,
    WithdrawalPolicy,
    utcnow,
)
from inquiry.permissions import requires

PARTICIPANT = ConsentAudience.PARTICIPANT
WITNESS = ConsentAudience.WITNESS


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def publish(inquiry: Inquiry, audience: ConsentAudience, body: str) -> ConsentText:
    current = services.current_text(db.session, inquiry, audience)
    text = services.publish_text(
        db.session,
        inquiry=inquiry,
        audience=audience,
        body=body,
        based_on=current.version if current else 0,
        actor=researcher_of(inquiry),
        now=utcnow(),
    )
    db.session.commit()
    assert text is not None
    return text


def researcher_of(inquiry: Inquiry) -> User:
    return db.session.get(User, inquiry.created_by_id)


def records(user: User) -> list[ConsentRecord]:
    return list(
        db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
        )
    )


def events(inquiry: Inquiry, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.inquiry_id == inquiry.id, AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
    )


def consent_url(inquiry: Inquiry) -> str:
    return f"/inquiries/{inquiry.id}/consent"


def agree(client, inquiry: Inquiry, text: ConsentText, next_path: str | None = None):
    url = consent_url(inquiry) + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"agree": "y", "text_id": str(text.id)})


@pytest.fixture
def researcher(app) -> User:
    return make_user("rhiannon.researcher@example.org", name="Rhiannon Reyes", researcher=True)


@pytest.fixture
def inquiry(researcher) -> Inquiry:
    return make_inquiry(researcher)


@pytest.fixture
def participant(inquiry) -> User:
    user = make_user("pat.participant@example.org", name="Pat Parry")
    add_member(inquiry, user, Role.PARTICIPANT)
    return user


@pytest.fixture
def witness(inquiry) -> User:
    user = make_user("wyn.witness@example.org", name="Wyn Williams")
    add_member(inquiry, user, Role.WITNESS)
    return user


# The gate -------------------------------------------------------------------------


def test_participant_is_asked_to_agree_before_seeing_the_overview(
    client, client_request, inquiry, participant
):
    text = publish(inquiry, PARTICIPANT, "## About this inquiry\n\nWe meet on Tuesdays.")
    sign_in_as(client, participant)
    overview = f"/inquiries/{inquiry.id}"

    response = client.get(overview)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == consent_url(inquiry)
    assert parse_qs(location.query) == {"next": [overview]}

    page = client_request.get(response.headers["Location"])
    assert text_of(page.h1) == "Information and consent"
    assert "We meet on Tuesdays." in text_of(page)
    assert "Version 1, published on " + uk_date(text.created_at) in text_of(page)
    assert page.find("input", {"name": "agree"}) is not None
    assert "I have read this and I agree to take part" in text_of(page)

    # Still gated until they agree.
    assert client.get(overview).status_code == 302

    response = agree(client, inquiry, text, next_path=overview)
    assert response.status_code == 302
    assert response.headers["Location"] == overview
    assert client.get(overview).status_code == 200
    [consent] = records(participant)
    assert consent.consent_text_id == text.id
    [given] = events(inquiry, "consent.given")
    assert given.actor_id == participant.id
    assert given.details == {"audience": "participant", "version": 1}


def test_the_gate_keeps_the_query_string_of_the_page_asked_for(client, inquiry, participant):
    publish(inquiry, PARTICIPANT, "Information.")
    sign_in_as(client, participant)
    response = client.get(f"/inquiries/{inquiry.id}/audit?page=2")
    # The rule refuses participants first: nothing of the page is shown either way.
    assert response.status_code == 403
    response = client.get(f"/inquiries/{inquiry.id}?tab=people")
    location = urlsplit(response.headers["Location"])
    assert parse_qs(location.query) == {"next": [f"/inquiries/{inquiry.id}?tab=people"]}


def test_a_post_from_someone_who_has_not_agreed_is_not_carried_out(app, inquiry, participant):
    publish(inquiry, PARTICIPANT, "Information.")
    done: list[int] = []

    @requires(policy.is_member)
    def action(inquiry: Inquiry):
        done.append(inquiry.id)
        return "done"

    # A path that takes GET and POST: come back to it after agreeing.
    page = f"/inquiries/{inquiry.id}/consent-texts/participant/edit"
    with app.test_request_context(page, method="POST"):
        login_user(participant)
        response = action(inquiry_id=inquiry.id)
    assert done == []
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == consent_url(inquiry)
    assert parse_qs(location.query) == {"next": [page]}

    # A path that takes only POST: nowhere to come back to.
    path = f"/inquiries/{inquiry.id}/invitations/1/resend"
    with app.test_request_context(path, method="POST"):
        login_user(participant)
        response = action(inquiry_id=inquiry.id)
    assert done == []
    assert response.status_code == 303
    assert response.headers["Location"].endswith(consent_url(inquiry))


def test_the_consent_page_and_withdrawing_stay_reachable(client, inquiry, participant):
    publish(inquiry, PARTICIPANT, "Information.")
    sign_in_as(client, participant)
    assert client.get(consent_url(inquiry)).status_code == 200
    assert client.get(consent_url(inquiry) + "/decline").status_code == 200
    assert client.get(f"/inquiries/{inquiry.id}/withdraw").status_code == 200
    response = client.post(f"/inquiries/{inquiry.id}/withdraw", data={})
    assert response.status_code == 302
    assert "/consent" not in response.headers["Location"]
    membership = db.session.scalar(select(Membership).where(Membership.user_id == participant.id))
    assert membership.status == MembershipStatus.WITHDRAWN


def test_nobody_is_asked_while_there_is_no_text(client, inquiry, participant, witness):
    publish(inquiry, WITNESS, "For witnesses only.")
    sign_in_as(client, participant)
    assert client.get(f"/inquiries/{inquiry.id}").status_code == 200
    page = client.get(consent_url(inquiry)).get_data(as_text=True)
    assert "There is nothing for you to agree to yet" in page


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.COMMISSIONER, Role.OBSERVER])
def test_researchers_commissioners_and_observers_are_not_asked(
    client_request, inquiry, researcher, role
):
    publish(inquiry, PARTICIPANT, "For participants.")
    publish(inquiry, WITNESS, "For witnesses.")
    if role == Role.RESEARCHER:
        user = researcher
    else:
        user = make_user(f"{role.value}@example.org")
        add_member(inquiry, user, role)
    client_request.login(user)
    client_request.get(f"/inquiries/{inquiry.id}")
    page = client_request.get(consent_url(inquiry))
    assert "you are not asked to agree" in text_of(page)
    assert "For participants." not in text_of(page)


def test_witnesses_read_and_agree_to_the_witness_text(client, client_request, inquiry, witness):
    publish(inquiry, PARTICIPANT, "Participants deliberate and vote.")
    witness_v1 = publish(inquiry, WITNESS, "Witnesses share their experience.")
    client_request.login(witness)
    assert client_request.client.get(f"/inquiries/{inquiry.id}").status_code == 302

    page = client_request.get(consent_url(inquiry))
    assert "Witnesses share their experience." in text_of(page)
    assert "Participants deliberate" not in text_of(page)
    assert "For witnesses" in text_of(page)

    assert agree(client, inquiry, witness_v1).status_code == 302
    assert [r.consent_text_id for r in records(witness)] == [witness_v1.id]
    assert events(inquiry, "consent.given")[0].details == {"audience": "witness", "version": 1}
    assert client.get(f"/inquiries/{inquiry.id}").status_code == 200


def test_a_new_version_asks_again(client, client_request, inquiry, participant):
    first = publish(inquiry, PARTICIPANT, "First version.")
    sign_in_as(client, participant)
    agree(client, inquiry, first)
    assert client.get(f"/inquiries/{inquiry.id}").status_code == 200

    second = publish(inquiry, PARTICIPANT, "Second version, with a new retention date.")
    response = client.get(f"/inquiries/{inquiry.id}")
    assert response.status_code == 302
    page = client_request.get(response.headers["Location"])
    assert "The information has changed since you last agreed" in text_of(page)
    assert "You agreed to version 1" in text_of(page)
    assert "Second version, with a new retention date." in text_of(page)
    assert "Version 2, published" in text_of(page)

    agree(client, inquiry, second)
    assert client.get(f"/inquiries/{inquiry.id}").status_code == 200
    assert [r.consent_text_id for r in records(participant)] == [first.id, second.id]


def test_agreeing_needs_the_box_ticked(client_request, inquiry, participant):
    text = publish(inquiry, PARTICIPANT, "Information.")
    client_request.login(participant)
    page = client_request.post(consent_url(inquiry), {"text_id": str(text.id)})
    assert error_messages(page) == [
        "Select the box to confirm you have read the information and agree to take part"
    ]
    assert records(participant) == []


def test_agreeing_to_a_version_that_was_replaced_while_reading_saves_nothing(
    client_request, inquiry, participant
):
    old = publish(inquiry, PARTICIPANT, "Old information.")
    publish(inquiry, PARTICIPANT, "New information.")
    client_request.login(participant)
    page = client_request.post(consent_url(inquiry), {"agree": "y", "text_id": str(old.id)})
    assert error_messages(page) == [
        "The information changed while you were reading it. Read this version, then say "
        "whether you agree"
    ]
    assert "New information." in text_of(page)
    assert page.find("input", {"name": "agree"}).get("checked") is None
    assert records(participant) == []


@pytest.mark.parametrize(
    "next_path",
    [
        "https://attacker.example/steal",
        "//attacker.example/steal",
        "/\\attacker.example",
        "javascript:alert(1)",
    ],
)
def test_next_cannot_leave_the_site(client, inquiry, participant, next_path):
    text = publish(inquiry, PARTICIPANT, "Information.")
    sign_in_as(client, participant)
    response = client.post(
        consent_url(inquiry),
        query_string={"next": next_path},
        data={"agree": "y", "text_id": str(text.id)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/inquiries/{inquiry.id}"
    page = client.get(consent_url(inquiry), query_string={"next": next_path})
    assert "attacker" not in page.get_data(as_text=True)


def test_html_in_a_text_is_shown_as_typed(client_request, inquiry, participant):
    publish(
        inquiry,
        PARTICIPANT,
        '## <i>Heading</i>\n\n<script>alert("x")</script>\n\n- <b>bold</b>\n\n'
        '<a href="https://attacker.example">click</a>',
    )
    client_request.login(participant)
    page = client_request.get(consent_url(inquiry))
    body = page.select_one(".app-consent-text")
    assert body.find("script") is None
    assert body.find("b") is None
    assert body.find("i") is None
    assert body.find("a") is None
    assert '<script>alert("x")</script>' in body.get_text()
    assert text_of(body.find("h2")) == "<i>Heading</i>"
    assert text_of(body.find("li")) == "<b>bold</b>"


def test_after_agreeing_the_page_shows_what_was_agreed_and_when(
    client, client_request, inquiry, participant
):
    text = publish(inquiry, PARTICIPANT, "What you agreed to.")
    sign_in_as(client, participant)
    agree(client, inquiry, text)
    page = client_request.get(consent_url(inquiry))
    [record] = records(participant)
    assert f"You agreed to this on {uk_date(record.agreed_at)}" in text_of(page)
    assert "What you agreed to." in text_of(page)
    assert page.find("input", {"name": "agree"}) is None
    # Agreeing again changes nothing.
    assert agree(client, inquiry, text).status_code == 302
    assert len(records(participant)) == 1
    assert len(events(inquiry, "consent.given")) == 1


def test_declining_explains_withdrawing_and_who_to_contact(
    client_request, inquiry, participant, researcher
):
    publish(inquiry, PARTICIPANT, "Information.")
    client_request.login(participant)
    page = client_request.get(consent_url(inquiry))
    decline = page.find("a", string="I do not agree")
    assert decline is not None
    page = client_request.get(decline["href"])
    assert text_of(page.h1) == "If you do not agree"
    assert "Rhiannon Reyes" in text_of(page)
    assert page.find("a", href="mailto:rhiannon.researcher@example.org") is not None
    withdraw = page.find("a", string="Withdraw from the inquiry")
    assert withdraw["href"] == f"/inquiries/{inquiry.id}/withdraw"
    assert records(participant) == []


def test_the_gate_costs_one_query(client, inquiry, participant):
    text = publish(inquiry, PARTICIPANT, "Information.")
    sign_in_as(client, participant)
    agree(client, inquiry, text)
    # A commissioner sees the same sessions page as a participant but is never asked to agree.
    commissioner = make_user("cora.commissioner@example.org")
    add_member(inquiry, commissioner, Role.COMMISSIONER)

    def queries_for(user: User) -> int:
        sign_in_as(client, user)
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/inquiries/{inquiry.id}/sessions").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    assert queries_for(participant) == queries_for(commissioner) + 1


# Researchers' pages ------------------------------------------------------------------


def test_new_text_is_prefilled_with_a_suggested_text(client_request, inquiry, researcher):
    inquiry.commissioner_organisation = "Northbrook Health and Care Partnership"
    db.session.commit()
    client_request.login(researcher)
    page = client_request.get(f"/inquiries/{inquiry.id}/consent-texts/witness/edit")
    assert text_of(page.h1) == "Write the text for witnesses"
    body = page.find("textarea", {"name": "body"}).get_text()
    assert "giving evidence to this inquiry: Living well at home." in body
    assert "Northbrook Health and Care Partnership" in body
    assert "Rhiannon Reyes" in body
    assert page.find("input", {"name": "based_on"})["value"] == "0"


def test_publishing_versions(client, client_request, inquiry, researcher):
    client_request.login(researcher)
    url = f"/inquiries/{inquiry.id}/consent-texts/participant/edit"

    location = client_request.post_redirect(url, {"body": "First text.\r\n", "based_on": "0"})
    assert location == f"/inquiries/{inquiry.id}/consent-texts"
    first = services.current_text(db.session, inquiry, PARTICIPANT)
    assert (first.version, first.body, first.created_by_id) == (1, "First text.", researcher.id)

    page = client_request.get(url)
    assert text_of(page.h1) == "Write a new version of the text for participants"
    assert page.find("textarea", {"name": "body"}).get_text().strip() == "First text."

    # Unchanged: nothing new, and the researcher is told.
    client_request.post_redirect(url, {"body": "First text.", "based_on": "1"})
    page = client_request.get(f"/inquiries/{inquiry.id}/consent-texts")
    assert "You did not change the text, so version 1 is still the current version" in text_of(page)
    assert len(services.versions(db.session, inquiry, PARTICIPANT)) == 1

    client_request.post_redirect(url, {"body": "Second text.", "based_on": "1"})
    versions = services.versions(db.session, inquiry, PARTICIPANT)
    assert [(t.version, t.body) for t in versions] == [(2, "Second text."), (1, "First text.")]
    published = events(inquiry, "consent.text_published")
    assert [e.details for e in published] == [
        {"audience": "participant", "version": 1},
        {"audience": "participant", "version": 2},
    ]
    assert ACTION_LABELS["consent.text_published"] == "Consent text published"
    assert ACTION_LABELS["consent.given"] == "Consent given"

    page = client_request.get(f"/inquiries/{inquiry.id}/consent-texts")
    rows = [text_of(row) for row in page.select("tbody tr")]
    assert rows[0].startswith("2 (current)")
    assert rows[1].startswith("1 ")
    old = client_request.get(f"/inquiries/{inquiry.id}/consent-texts/participant/versions/1")
    assert text_of(old.h1) == "Version 1 of the text for participants"
    assert "First text." in text_of(old)
    assert "Replaced by version 2" in text_of(old)
    client_request.get(f"/inquiries/{inquiry.id}/consent-texts/participant/versions/3", 404)
    client_request.get(f"/inquiries/{inquiry.id}/consent-texts/witness/versions/1", 404)
    client_request.get(f"/inquiries/{inquiry.id}/consent-texts/observer/edit", 404)


def test_a_version_of_another_inquiry_is_not_found(client_request, inquiry, researcher):
    other = make_inquiry(researcher, title="Another inquiry")
    publish(other, PARTICIPANT, "Other inquiry's text.")
    client_request.login(researcher)
    client_request.get(f"/inquiries/{inquiry.id}/consent-texts/participant/versions/1", 404)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter the information and consent text"),
        ("  \r\n  ", "Enter the information and consent text"),
        ("x" * 20001, "The text must be 20,000 characters or fewer"),
        ("Bell \x07", "Information and consent text must not contain control characters"),
    ],
)
def test_bad_text_is_refused_and_kept(client_request, inquiry, researcher, body, message):
    client_request.login(researcher)
    page = client_request.post(
        f"/inquiries/{inquiry.id}/consent-texts/participant/edit",
        {"body": body, "based_on": "0"},
    )
    assert error_messages(page) == [message]
    assert services.versions(db.session, inquiry, PARTICIPANT) == []


def test_a_version_published_meanwhile_is_never_overwritten(client_request, inquiry, researcher):
    publish(inquiry, PARTICIPANT, "Published by a colleague.")
    client_request.login(researcher)
    page = client_request.post(
        f"/inquiries/{inquiry.id}/consent-texts/participant/edit",
        {"body": "My draft.", "based_on": "0"},
    )
    assert error_messages(page) == [
        "Someone published version 1 while you were editing. Your text has not been saved: "
        "copy it, then open the page again to see the new version"
    ]
    assert page.find("textarea", {"name": "body"}).get_text().strip() == "My draft."
    assert [t.body for t in services.versions(db.session, inquiry, PARTICIPANT)] == [
        "Published by a colleague."
    ]


def test_researchers_see_who_has_agreed(client, client_request, inquiry, researcher, participant):
    late = make_user("lee.late@example.org", name="Lee Lowe")
    add_member(inquiry, late, Role.PARTICIPANT)
    never = make_user("nia.new@example.org", name="Nia Nash")
    add_member(inquiry, never, Role.PARTICIPANT)
    first = publish(inquiry, PARTICIPANT, "First.")
    sign_in_as(client, late)
    agree(client, inquiry, first)
    second = publish(inquiry, PARTICIPANT, "Second.")
    sign_in_as(client, participant)
    agree(client, inquiry, second)

    client_request.login(researcher)
    page = client_request.get(f"/inquiries/{inquiry.id}/consent-texts/participant/status")
    rows = {
        text_of(row.select("td")[0]): (text_of(row.select("td")[1]), text_of(row.select("td")[2]))
        for row in page.select("tbody tr")
    }
    [record] = [r for r in records(participant) if r.consent_text_id == second.id]
    assert rows == {
        "Lee Lowe": (
            "lee.late@example.org",
            f"Agreed to an older version (version 1 on {uk_date(records(late)[0].agreed_at)})",
        ),
        "Nia Nash": ("nia.new@example.org", "Not yet agreed"),
        "Pat Parry": (
            "pat.participant@example.org",
            f"Agreed to version 2 on {uk_date(record.agreed_at)}",
        ),
    }
    assert "1 of 3 current participants have agreed to version 2" in text_of(page)

    overview = client_request.get(f"/inquiries/{inquiry.id}/consent-texts")
    assert "1 of 3 current participants" in text_of(overview)
    assert "Researchers, commissioners and observers are not asked to agree." in text_of(overview)


def test_status_pages_have_helpful_empty_states(client_request, inquiry, researcher):
    client_request.login(researcher)
    page = client_request.get(f"/inquiries/{inquiry.id}/consent-texts/witness/status")
    assert "There is no text for witnesses yet, so nobody is asked to agree." in text_of(page)
    assert "There are no witnesses in this inquiry yet." in text_of(page)
    page = client_request.get(f"/inquiries/{inquiry.id}/consent-texts")
    assert "There is no text for participants yet" in text_of(page)


def test_overview_partial_shows_what_a_member_agreed_to(app, client, inquiry, participant):
    text = publish(inquiry, PARTICIPANT, "Information.")
    sign_in_as(client, participant)
    agree(client, inquiry, text)
    with app.test_request_context("/"):
        login_user(participant)
        html = app.jinja_env.get_template("consent/_overview.html").render(inquiry=inquiry)
    assert "You agreed to version 1 of the information on" in html
    with app.test_request_context("/"):
        login_user(researcher_of(inquiry))
        html = app.jinja_env.get_template("consent/_overview.html").render(inquiry=inquiry)
    assert f"/inquiries/{inquiry.id}/consent-texts" in html


# Services and default texts ------------------------------------------------------------


def test_withdrawn_agreement_counts_as_not_agreed_and_can_be_given_again(inquiry, participant):
    text = publish(inquiry, PARTICIPANT, "Information.")
    consent = services.give_consent(
        db.session, inquiry=inquiry, text=text, user=participant, now=utcnow()
    )
    db.session.commit()
    pending = {"inquiry_id": inquiry.id, "user_id": participant.id, "audience": PARTICIPANT}
    assert services.pending_text_id(db.session, **pending) is None
    consent.withdrawn_at = utcnow()
    db.session.commit()
    assert services.pending_text_id(db.session, **pending) == text.id
    again = services.give_consent(
        db.session, inquiry=inquiry, text=text, user=participant, now=utcnow()
    )
    db.session.commit()
    assert again.id == consent.id and again.withdrawn_at is None
    assert services.pending_text_id(db.session, **pending) is None


def test_blocks_split_plain_text():
    blocks = services.blocks("## Title\n\nLine one\nline two\n\n- a\n* b\n\n\n##\n\n## \n")
    assert [(b.kind, b.lines) for b in blocks] == [
        ("heading", ["Title"]),
        ("paragraph", ["Line one", "line two"]),
        ("list", ["a", "b"]),
        ("paragraph", ["##"]),
        ("paragraph", ["##"]),
    ]


def _bare_inquiry(**values) -> Inquiry:
    defaults = {
        "title": "Living well at home",
        "question": "What would it take to help people to have a good life at home?",
        "commissioner_organisation": "",
        "withdrawal_deadline": None,
        "retention_date": None,
        "starts_on": None,
        "ends_on": None,
        "safeguarding_contact": "",
        "mode": InquiryMode.STANDARD,
        "withdrawal_policy": WithdrawalPolicy.KEEP_ANONYMISED,
    }
    return Inquiry(**(defaults | values))


@pytest.mark.parametrize("make_text", [participant_text, witness_text])
def test_default_texts_read_well_without_optional_details(make_text):
    text = make_text(_bare_inquiry(), [])
    for unwanted in ("None", "{", "}", "  ", " .", "..", "research team: ."):
        assert unwanted not in text
    assert "UK GDPR" in text
    assert "fewer than 3" in text
    assert "The research team will tell you the date" in text
    assert "contact the research team running the inquiry" in text
    assert "What would it take to help people to have a good life at home?" in text
    assert all(block.lines for block in services.blocks(text))


def test_default_texts_use_the_inquiry_details():
    inquiry = _bare_inquiry(
        commissioner_organisation="Northbrook Health and Care Partnership",
        withdrawal_deadline=date(2026, 11, 30),
        retention_date=date(2028, 6, 3),
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 10, 13),
        safeguarding_contact="Sam Shah, 01632 960 123",
        mode=InquiryMode.INVERTED,
        withdrawal_policy=WithdrawalPolicy.REMOVE,
    )
    participant = default_text(PARTICIPANT, inquiry, ["Rhiannon Reyes", "Ade Ade", "Kim Ko"])
    assert "commissioned by Northbrook Health and Care Partnership" in participant
    assert "until 30 November 2026" in participant
    assert "on 3 June 2028" in participant
    assert "from 1 September 2026 to 13 October 2026" in participant
    assert "This is an inverted inquiry" in participant
    assert "removed from the inquiry and does not appear in the report" in participant
    assert "Nobody, including the research team, can see how you voted" in participant
    assert "the research team: Rhiannon Reyes, Ade Ade or Kim Ko." in participant
    witness = default_text(WITNESS, inquiry, ["Rhiannon Reyes"])
    assert "safeguarding contact is Sam Shah, 01632 960 123." in witness
    assert "removed everywhere in the inquiry, including the report" in witness
    assert "Witnesses do not vote" in witness
    assert witness != participant
