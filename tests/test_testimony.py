"""Testimony: witnesses write and check it, researchers record it, consent, withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from conftest import add_member, error_messages, make_inquiry, make_user
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select

from inquiry import contributions
from inquiry.audit.service import ACTION_LABELS
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    Excerpt,
    Inquiry,
    Membership,
    Notification,
    QuestionStatus,
    Role,
    Round,
    RoundKind,
    Testimony,
    TestimonyAttachment,
    TestimonyFormat,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    User,
    WitnessQuestion,
    excerpt_themes,
    utcnow,
)
from inquiry.rounds import services as rounds_services
from inquiry.testimony import erasure, services
from inquiry.testimony.services import TestimonyConflict, TestimonyError

MARGARET_BODY = (
    "Mum had four different carers in one week.\n\n"
    "Each one had to be told where the tea bags were.\nShe stopped answering the door."
)


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def notifications_for(user: User) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


@dataclass
class Stage:
    """An inquiry with every role, two witnesses and a plan with two evidence hearings."""

    inquiry: Inquiry
    researcher: User
    participant: User
    commissioner: User
    observer: User
    witness: User
    other_witness: User
    witness_membership: Membership
    other_membership: Membership
    introduction: Round
    hearing: Round
    second_hearing: Round

    def url(self, endpoint_path: str = "") -> str:
        return f"/inquiries/{self.inquiry.id}{endpoint_path}"

    def testimony_url(self, testimony: Testimony, suffix: str = "") -> str:
        return self.url(f"/testimony/{testimony.id}{suffix}")


@pytest.fixture
def stage(app) -> Stage:
    return make_stage()


def make_stage() -> Stage:
    """The ``stage`` fixture's people and plan (needs the ``app`` fixture)."""
    researcher = make_user(
        "rhiannon.researcher@example.org", name="Rhiannon Price", researcher=True
    )
    inquiry = make_inquiry(researcher)
    participant = make_user("priya.nurse@example.org", name="Priya Shah")
    add_member(inquiry, participant, Role.PARTICIPANT)
    commissioner = make_user("colin.commissioner@example.org", name="Colin Hughes")
    add_member(inquiry, commissioner, Role.COMMISSIONER)
    observer = make_user("olwen.observer@example.org", name="Olwen Jones")
    add_member(inquiry, observer, Role.OBSERVER)
    witness = make_user("margaret.daughter@example.org", name="Margaret Ellis")
    witness_membership = add_member(inquiry, witness, Role.WITNESS)
    witness_membership.display_name = "Mags"
    witness_membership.lived_experience = "family_or_friend"
    other_witness = make_user("tom.receives.care@example.org", name="Tom Baker")
    other_membership = add_member(inquiry, other_witness, Role.WITNESS)
    other_membership.lived_experience = "receives_care"
    db.session.commit()

    def add_round(title: str, kind: RoundKind, held_on: date | None = None) -> Round:
        return rounds_services.create_round(
            db.session,
            inquiry=inquiry,
            actor=researcher,
            kind=kind,
            title=title,
            held_on=held_on,
            purpose="",
            prompts=[],
            now=utcnow(),
        )

    introduction = add_round("Introductions and personal stories", RoundKind.INTRODUCTION)
    hearing = add_round(
        "Hearing from families arranging care", RoundKind.EVIDENCE_HEARING, date(2026, 10, 8)
    )
    second_hearing = add_round("Hearing from people receiving care", RoundKind.EVIDENCE_HEARING)
    db.session.commit()
    return Stage(
        inquiry=inquiry,
        researcher=researcher,
        participant=participant,
        commissioner=commissioner,
        observer=observer,
        witness=witness,
        other_witness=other_witness,
        witness_membership=witness_membership,
        other_membership=other_membership,
        introduction=introduction,
        hearing=hearing,
        second_hearing=second_hearing,
    )


def review_link(testimony: Testimony) -> str:
    return f"/inquiries/{testimony.inquiry_id}/testimony/{testimony.id}/edit"


def recorded(
    stage: Stage,
    *,
    title: str = "Four carers in one week",
    body: str = MARGARET_BODY,
    witness: Membership | None = None,
    round_: Round | None = None,
) -> Testimony:
    """Testimony a researcher recorded for the witness: awaiting review."""
    testimony = services.record_testimony(
        db.session,
        inquiry=stage.inquiry,
        actor=stage.researcher,
        witness=witness or stage.witness_membership,
        round_=round_ or stage.hearing,
        title=title,
        body=body,
        format=TestimonyFormat.SPOKEN,
        given_on=None,
        now=utcnow(),
        link_for=review_link,
    )
    db.session.commit()
    return testimony


def written(
    stage: Stage,
    *,
    title: str = "What a good morning looks like",
    body: str = "A carer who knows my name.\n\nTime for a cup of tea together.",
    share: bool = True,
    witness: Membership | None = None,
    round_: Round | None = None,
    use: TestimonyUse = TestimonyUse.COHORT_ONLY,
) -> Testimony:
    """Testimony a witness wrote: approved when shared, otherwise a draft."""
    membership = witness or stage.witness_membership
    testimony = services.write_testimony(
        db.session,
        inquiry=stage.inquiry,
        witness=membership,
        actor=membership.user,
        round_=round_ or stage.hearing,
        title=title,
        body=body,
        use=use,
        share=share,
        now=utcnow(),
    )
    db.session.commit()
    return testimony


def witness_form(testimony: Testimony | None = None, **overrides) -> dict:
    data = {
        "title": testimony.title if testimony else "What a good morning looks like",
        "body": (testimony.body or "") if testimony else "A carer who knows my name.",
        "use": testimony.use.value if testimony else "cohort_only",
    }
    if testimony is not None:
        data["revision"] = str(testimony.revision)
    data.update(overrides)
    return data


def record_form(stage: Stage, **overrides) -> dict:
    data = {
        "witness_id": str(stage.witness_membership.id),
        "round_id": str(stage.hearing.id),
        "title": "Four carers in one week",
        "body": MARGARET_BODY,
        "format": "spoken",
        "given_on-day": "",
        "given_on-month": "",
        "given_on-year": "",
    }
    data.update(overrides)
    return data


def set_deadline(stage: Stage, days_from_today: int | None) -> None:
    stage.inquiry.withdrawal_deadline = (
        None
        if days_from_today is None
        else services.uk_today(utcnow()) + timedelta(days=days_from_today)
    )
    db.session.commit()


# Witnesses write their own -------------------------------------------------------------


def test_a_witness_saves_a_draft_only_they_can_see(client_request, stage):
    client_request.login(stage.witness)
    location = client_request.post_redirect(
        stage.url("/testimony/write"),
        {
            "round_id": str(stage.hearing.id),
            "title": "What a good morning looks like",
            "body": "A carer who knows my name.\n\nTime for a cup of tea together.",
            "use": "cohort_only",
            "save": "Save as draft",
        },
    )
    testimony = db.session.scalars(select(Testimony)).one()
    assert location == stage.testimony_url(testimony)
    assert testimony.status == TestimonyStatus.DRAFT
    assert testimony.witness_id == stage.witness_membership.id
    assert testimony.format == TestimonyFormat.WRITTEN
    assert testimony.approved_at is None
    page = client_request.get(location)
    assert "Only you can see it" in text_of(page)
    assert "This is a draft" in text_of(page)

    for user in (stage.researcher, stage.participant, stage.other_witness):
        client_request.login(user).get(stage.testimony_url(testimony), 404)
    [event] = events("testimony.written")
    assert event.details["status"] == "draft"
    assert "A carer" not in str(event.details)


def test_a_witness_shares_testimony_with_the_cohort(client_request, stage):
    client_request.login(stage.witness)
    client_request.post_redirect(
        stage.url("/testimony/write"),
        {
            "round_id": str(stage.hearing.id),
            "title": "What a good morning looks like",
            "body": "A carer who knows my name.",
            "use": "quote_with_name",
            "share": "Share with the cohort",
        },
    )
    testimony = db.session.scalars(select(Testimony)).one()
    assert testimony.status == TestimonyStatus.APPROVED
    assert testimony.use == TestimonyUse.QUOTE_WITH_NAME
    assert testimony.given_on == services.uk_today(utcnow())
    page = client_request.login(stage.participant).get(
        stage.url(f"/sessions/{stage.hearing.id}/testimony")
    )
    assert "A carer who knows my name." in text_of(page)
    assert "Mags" in text_of(page)


def test_the_write_form_offers_evidence_hearings_first_and_names_the_chosen_name(
    client_request, stage
):
    page = client_request.login(stage.witness).get(stage.url("/testimony/write"))
    options = [text_of(o) for o in page.select("#round_id option")]
    assert options == [
        "Choose a session",
        "Session 2: Hearing from families arranging care (evidence hearing)",
        "Session 3: Hearing from people receiving care (evidence hearing)",
        "Session 1: Introductions and personal stories (introduction)",
    ]
    labels = [text_of(label) for label in page.select(".govuk-radios label")]
    assert "Quoted in the report with my chosen name: Mags" in labels
    checked = page.select_one("input[name=use][checked]")
    assert checked["value"] == "cohort_only"


def test_the_write_form_can_start_at_a_session(client_request, stage):
    page = client_request.login(stage.witness).get(
        stage.url(f"/testimony/write?session={stage.second_hearing.id}")
    )
    assert page.select_one("#round_id option[selected]")["value"] == str(stage.second_hearing.id)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({"body": "   "}, "Enter your testimony"),
        ({"body": "x" * 50_001}, "Your testimony must be 50,000 characters or fewer"),
        ({"round_id": ""}, "Select the session"),
        ({"round_id": "999999"}, "Select the session"),
        ({"use": "shout_it_from_the_rooftops"}, "Select how your testimony may be used"),
        ({"body": "Bad \x00 byte"}, "Your testimony must not contain control characters"),
    ],
)
def test_the_write_form_explains_mistakes_and_keeps_what_was_typed(
    client_request, stage, changes, message
):
    data = {
        "round_id": str(stage.hearing.id),
        "title": "What a good morning looks like",
        "body": "A carer who knows my name.",
        "use": "cohort_only",
        "share": "Share with the cohort",
    } | changes
    page = client_request.login(stage.witness).post(stage.url("/testimony/write"), data)
    assert message in error_messages(page)
    assert page.title.get_text().startswith("Error: ")
    assert db.session.scalar(select(func.count()).select_from(Testimony)) == 0
    assert page.select_one("#title").get("value", "") == data["title"]
    if "\x00" not in data["body"]:
        assert page.select_one("textarea[name=body]").get_text().strip() == data["body"].strip()


def test_a_session_of_another_inquiry_is_refused(client_request, stage):
    other = make_inquiry(make_user("owen.other@example.org", researcher=True), "Elsewhere")
    round_ = Round(inquiry_id=other.id, position=1, kind=RoundKind.EVIDENCE_HEARING, title="X")
    db.session.add(round_)
    db.session.commit()
    page = client_request.login(stage.witness).post(
        stage.url("/testimony/write"),
        {"round_id": str(round_.id), "title": "T", "body": "B", "use": "cohort_only"},
    )
    assert error_messages(page) == ["Select the session"]
    with pytest.raises(TestimonyError):
        services.write_testimony(
            db.session,
            inquiry=stage.inquiry,
            witness=stage.witness_membership,
            actor=stage.witness,
            round_=round_,
            title="T",
            body="B",
            use=TestimonyUse.COHORT_ONLY,
            share=False,
            now=utcnow(),
        )


def test_without_sessions_a_witness_is_told_to_wait(client_request, app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    witness = make_user("wyn.witness@example.org")
    add_member(inquiry, witness, Role.WITNESS)
    page = client_request.login(witness).get(f"/inquiries/{inquiry.id}/testimony/write")
    assert "have not planned the inquiry\u2019s sessions" in text_of(page)
    assert page.select_one("textarea") is None
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/testimony/record")
    assert "this inquiry has no sessions yet" in text_of(page)
    other = make_inquiry(researcher, "No witnesses yet")
    page = client_request.get(f"/inquiries/{other.id}/testimony/record")
    assert "There are no witnesses in this inquiry yet" in text_of(page)


def test_only_witnesses_write_testimony(client_request, stage):
    for user in (stage.researcher, stage.participant, stage.commissioner, stage.observer):
        client_request.login(user).get(stage.url("/testimony/write"), 403)


def test_a_witness_changes_and_then_shares_their_draft(client_request, stage):
    draft = written(stage, share=False)
    client_request.login(stage.witness)
    page = client_request.get(stage.testimony_url(draft, "/edit"))
    assert page.select_one("#round_id") is not None
    location = client_request.post_redirect(
        stage.testimony_url(draft, "/edit"),
        witness_form(draft, title="A good morning", round_id=str(stage.second_hearing.id))
        | {"save": "y"},
    )
    assert location == stage.testimony_url(draft)
    db.session.refresh(draft)
    assert (draft.title, draft.round_id, draft.status) == (
        "A good morning",
        stage.second_hearing.id,
        TestimonyStatus.DRAFT,
    )
    assert draft.revision == 2
    client_request.post_redirect(
        stage.testimony_url(draft, "/edit"),
        witness_form(draft, round_id=str(draft.round_id)) | {"share": "y"},
    )
    db.session.refresh(draft)
    assert draft.status == TestimonyStatus.APPROVED
    assert [e.details["changed"] for e in events("testimony.updated")] == [["title", "session"]]
    assert len(events("testimony.approved")) == 1


def test_a_witness_cannot_change_another_witnesss_testimony(client_request, stage):
    approved = written(stage, witness=stage.other_membership)
    draft = written(stage, witness=stage.other_membership, share=False, title="Not yet")
    client_request.login(stage.witness)
    client_request.get(stage.testimony_url(approved, "/edit"), 403)
    client_request.get(stage.testimony_url(approved, "/withdraw"), 403)
    client_request.get(stage.testimony_url(approved, "/use"), 403)
    client_request.get(stage.testimony_url(draft, "/edit"), 404)
    client_request.get(stage.testimony_url(draft, "/withdraw"), 404)
    response = client_request.client.post(stage.testimony_url(approved, "/withdraw"), data={})
    assert response.status_code == 403
    db.session.refresh(approved)
    assert approved.status == TestimonyStatus.APPROVED


def test_testimony_of_another_inquiry_is_not_found(client_request, stage):
    testimony = written(stage)
    other = make_inquiry(stage.researcher, "Another inquiry")
    add_member(other, stage.witness, Role.WITNESS)
    client_request.login(stage.witness)
    client_request.get(f"/inquiries/{other.id}/testimony/{testimony.id}", 404)
    client_request.get(f"/inquiries/{other.id}/testimony/{testimony.id}/edit", 404)
    client_request.get(f"/inquiries/{other.id}/sessions/{stage.hearing.id}/testimony", 404)


# Researchers record it for witnesses ---------------------------------------------------


def test_a_researcher_records_testimony_and_the_witness_is_asked_to_check_it(client_request, stage):
    client_request.login(stage.researcher)
    page = client_request.get(stage.url("/testimony/record"))
    assert [text_of(o) for o in page.select("#witness_id option")] == [
        "Choose a witness",
        "Mags",
        "Tom Baker",
    ]
    location = client_request.post_redirect(
        stage.url("/testimony/record"),
        record_form(
            stage, **{"given_on-day": "8", "given_on-month": "10", "given_on-year": "2026"}
        ),
    )
    testimony = db.session.scalars(select(Testimony)).one()
    assert location == stage.testimony_url(testimony)
    assert testimony.status == TestimonyStatus.AWAITING_REVIEW
    assert testimony.recorded_by_id == stage.researcher.id
    assert testimony.given_on == date(2026, 10, 8)
    assert testimony.format == TestimonyFormat.SPOKEN
    assert testimony.use == TestimonyUse.COHORT_ONLY

    [notification] = notifications_for(stage.witness)
    assert notification.message == (
        "A researcher has recorded your testimony for Hearing from families arranging care. "
        "Please check it."
    )
    assert notification.link == stage.testimony_url(testimony, "/edit")
    assert notification.inquiry_id == stage.inquiry.id
    [event] = events("testimony.recorded")
    assert event.details == {
        "witness_membership_id": stage.witness_membership.id,
        "round_id": stage.hearing.id,
        "format": "spoken",
    }
    page = client_request.get(location)
    assert "Waiting for Mags to check and approve" in text_of(page)
    client_request.login(stage.participant).get(location, 404)


def test_recorded_testimony_takes_the_sessions_date_when_none_is_given(stage):
    testimony = recorded(stage)
    assert testimony.given_on == date(2026, 10, 8)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"witness_id": ""}, "Select the witness"),
        ({"witness_id": "nobody"}, "Select the witness"),
        ({"round_id": ""}, "Select the session"),
        ({"title": ""}, "Enter a title"),
        ({"body": ""}, "Enter the transcript or summary"),
        ({"format": "carrier pigeon"}, "Select how the testimony was given"),
        (
            {"given_on-day": "31", "given_on-month": "2", "given_on-year": "2026"},
            "Date given must be a real date",
        ),
    ],
)
def test_the_record_form_explains_mistakes(client_request, stage, changes, message):
    page = client_request.login(stage.researcher).post(
        stage.url("/testimony/record"), record_form(stage, **changes)
    )
    assert message in error_messages(page)
    assert db.session.scalar(select(func.count()).select_from(Testimony)) == 0
    assert page.select_one("textarea[name=body]").get_text().strip() == (
        record_form(stage, **changes)["body"].strip()
    )


def test_a_researcher_cannot_record_for_a_participant(client_request, stage):
    participant_membership = db.session.scalar(
        select(Membership).where(Membership.user_id == stage.participant.id)
    )
    page = client_request.login(stage.researcher).post(
        stage.url("/testimony/record"),
        record_form(stage, witness_id=str(participant_membership.id)),
    )
    assert error_messages(page) == ["Select the witness"]
    with pytest.raises(TestimonyError):
        services.record_testimony(
            db.session,
            inquiry=stage.inquiry,
            actor=stage.researcher,
            witness=participant_membership,
            round_=stage.hearing,
            title="T",
            body="B",
            format=TestimonyFormat.WRITTEN,
            given_on=None,
            now=utcnow(),
            link_for=review_link,
        )


def test_researchers_never_see_or_change_drafts(client_request, stage):
    draft = written(stage, share=False, title="Private thoughts")
    client_request.login(stage.researcher)
    client_request.get(stage.testimony_url(draft), 404)
    client_request.get(stage.testimony_url(draft, "/change"), 404)
    page = client_request.get(stage.url("/testimony"))
    assert "Private thoughts" not in text_of(page)
    with pytest.raises(TestimonyError):
        services.update_by_researcher(
            db.session,
            draft,
            inquiry=stage.inquiry,
            actor=stage.researcher,
            expected_revision=draft.revision,
            round_=stage.hearing,
            title="Changed",
            body="Changed",
            format=TestimonyFormat.WRITTEN,
            given_on=None,
            now=utcnow(),
            link_for=review_link,
        )


def test_researchers_cannot_withdraw_or_approve_for_a_witness(client_request, stage):
    testimony = recorded(stage)
    client_request.login(stage.researcher)
    for suffix in ("/withdraw", "/edit", "/use", "/request-changes"):
        client_request.get(stage.testimony_url(testimony, suffix), 403)
        assert client_request.client.post(stage.testimony_url(testimony, suffix)).status_code == 403
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.AWAITING_REVIEW


# The witness review, end to end ------------------------------------------------------------


def test_the_witness_review_flow_end_to_end(client_request, stage):
    # A researcher records what Margaret said in the hearing.
    client_request.login(stage.researcher).post_redirect(
        stage.url("/testimony/record"), record_form(stage)
    )
    testimony = db.session.scalars(select(Testimony)).one()
    show = stage.testimony_url(testimony)
    edit = stage.testimony_url(testimony, "/edit")

    # Margaret finds it on the overview partial and on her index, and opens it.
    client_request.login(stage.witness)
    page = client_request.get(stage.url("/testimony"))
    assert "Check" in text_of(page.select_one("table"))
    page = client_request.get(edit)
    assert text_of(page.h1) == "Check your testimony"
    assert "A researcher recorded this testimony for you" in text_of(page)
    assert page.select_one("textarea[name=body]").get_text().strip() == MARGARET_BODY

    # She takes a sentence out: it stays with her, and the cohort still cannot read it.
    redacted = MARGARET_BODY.replace("\nShe stopped answering the door.", "")
    client_request.post_redirect(edit, witness_form(testimony, body=redacted) | {"save": "y"})
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.AWAITING_REVIEW
    assert testimony.body == redacted
    client_request.login(stage.participant).get(show, 404)

    # She asks the researchers to change the title.
    client_request.login(stage.witness)
    page = client_request.get(stage.testimony_url(testimony, "/request-changes"))
    assert text_of(page.h1) == "Ask the researchers to change your testimony"
    client_request.post_redirect(
        stage.testimony_url(testimony, "/request-changes"),
        {"note": "Please call it “Too many faces”.", "revision": str(testimony.revision)},
    )
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.CHANGES_REQUESTED
    assert testimony.change_request == "Please call it “Too many faces”."
    [note] = notifications_for(stage.researcher)
    assert note.message == (
        "Mags has asked for changes to their testimony for Hearing from families arranging care."
    )
    assert note.link == show
    assert "Too many faces" not in str(events("testimony.changes_requested")[0].details)

    # The researchers see it in "Testimony needing changes", with the note.
    client_request.login(stage.researcher)
    page = client_request.get(stage.url("/testimony"))
    needing = page.find("h2", string="Testimony needing changes").find_next("div")
    assert "Please call it “Too many faces”." in text_of(needing)
    page = client_request.get(show)
    assert "Mags asked for changes" in text_of(page)

    # A researcher makes the change; Margaret is told.
    page = client_request.get(stage.testimony_url(testimony, "/change"))
    assert page.select_one("#witness_id") is None
    assert "Please call it “Too many faces”." in text_of(page)
    client_request.post_redirect(
        stage.testimony_url(testimony, "/change"),
        record_form(stage, title="Too many faces", body=redacted, revision=str(testimony.revision))
        | {"witness_id": ""},
    )
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.AWAITING_REVIEW
    assert testimony.title == "Too many faces"
    assert [n.message for n in notifications_for(stage.witness)][-1] == (
        "The researchers have made changes to your testimony for Hearing from families "
        "arranging care, as you asked. Please check it."
    )
    assert notifications_for(stage.witness)[-1].link == edit

    # Margaret approves it, to be quoted with her chosen name.
    client_request.login(stage.witness)
    page = client_request.get(edit)
    assert "What you asked the researchers to change" in text_of(page)
    client_request.post_redirect(
        edit, witness_form(testimony, use="quote_with_name") | {"share": "y"}
    )
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.APPROVED
    assert testimony.use == TestimonyUse.QUOTE_WITH_NAME
    assert testimony.change_request is None
    assert testimony.approved_at is not None
    [use_event] = events("testimony.use_changed")
    assert use_event.details == {"old": "cohort_only", "new": "quote_with_name"}

    # Now the cohort can read it.
    page = client_request.login(stage.participant).get(show)
    assert "Too many faces" in text_of(page)
    assert "Each one had to be told where the tea bags were." in text_of(page)
    assert "She stopped answering the door." not in text_of(page)


def test_a_researchers_change_to_approved_testimony_sends_it_back_to_the_witness(
    client_request, stage
):
    testimony = written(stage, share=True)
    client_request.login(stage.researcher).post_redirect(
        stage.testimony_url(testimony, "/change"),
        record_form(
            stage,
            title=testimony.title,
            body="A carer who knows my name.",
            format="written",
            revision=str(testimony.revision),
        ),
    )
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.AWAITING_REVIEW
    assert testimony.approved_at is None
    [notification] = notifications_for(stage.witness)
    assert notification.message == (
        "A researcher has changed your testimony for Hearing from families arranging care. "
        "The cohort will not see it until you check it and approve it again."
    )
    client_request.login(stage.participant).get(stage.testimony_url(testimony), 404)


def test_saving_without_changes_changes_nothing(client_request, stage):
    testimony = recorded(stage)
    client_request.login(stage.researcher).post_redirect(
        stage.testimony_url(testimony, "/change"),
        record_form(
            stage,
            revision=str(testimony.revision),
            **{"given_on-day": "8", "given_on-month": "10", "given_on-year": "2026"},
        ),
    )
    db.session.refresh(testimony)
    assert testimony.revision == 1
    assert len(notifications_for(stage.witness)) == 1
    assert events("testimony.updated") == []


def test_asking_for_changes_needs_a_note_and_unapproved_testimony(client_request, stage):
    testimony = recorded(stage)
    client_request.login(stage.witness)
    page = client_request.post(
        stage.testimony_url(testimony, "/request-changes"),
        {"note": "", "revision": str(testimony.revision)},
    )
    assert error_messages(page) == ["Enter what you would like changed"]
    approved = written(stage)
    response = client_request.client.get(stage.testimony_url(approved, "/request-changes"))
    assert response.status_code == 302
    assert response.headers["Location"] == stage.testimony_url(approved)


def test_a_witness_correcting_approved_testimony_removes_quotes_no_longer_in_it(
    client_request, stage
):
    testimony = written(stage, body="A carer who knows my name.\n\nMy neighbour Jean helps.")
    kept = Excerpt(inquiry_id=stage.inquiry.id, testimony_id=testimony.id, text="knows my  name")
    gone = Excerpt(inquiry_id=stage.inquiry.id, testimony_id=testimony.id, text="neighbour Jean")
    db.session.add_all([kept, gone])
    db.session.commit()
    client_request.login(stage.witness).post_redirect(
        stage.testimony_url(testimony, "/edit"),
        witness_form(testimony, body="A carer who knows my name.\n\nMy neighbour helps.")
        | {"save": "y"},
    )
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.APPROVED
    assert [e.text for e in db.session.scalars(select(Excerpt))] == ["knows my  name"]
    [event] = events("testimony.updated")
    assert event.details["excerpts_removed"] == 1


# Two people at once -----------------------------------------------------------------------


def test_a_stale_witness_form_is_refused_and_both_versions_are_shown(client_request, stage):
    testimony = recorded(stage)
    client_request.login(stage.witness)
    page = client_request.get(stage.testimony_url(testimony, "/edit"))
    stale_revision = page.select_one("input[name=revision]")["value"]
    assert stale_revision == "1"

    # Meanwhile a researcher changes it.
    services.update_by_researcher(
        db.session,
        testimony,
        inquiry=stage.inquiry,
        actor=stage.researcher,
        expected_revision=1,
        round_=stage.hearing,
        title="Four carers in one week",
        body="The researcher's newer wording.",
        format=TestimonyFormat.SPOKEN,
        given_on=testimony.given_on,
        now=utcnow(),
        link_for=review_link,
    )
    db.session.commit()

    mine = "My own wording, typed while they were editing."
    page = client_request.post(
        stage.testimony_url(testimony, "/edit"),
        witness_form(testimony, body=mine, revision=stale_revision) | {"share": "y"},
    )
    assert error_messages(page)[0].startswith("Someone else changed this testimony")
    latest = page.select_one("#latest-version")
    assert "The researcher's newer wording." in text_of(latest)
    assert page.select_one("textarea[name=body]").get_text().strip() == mine
    assert page.select_one("input[name=revision]")["value"] == "2"
    db.session.refresh(testimony)
    assert testimony.body == "The researcher's newer wording."
    assert testimony.status == TestimonyStatus.AWAITING_REVIEW

    # Having seen their version, she saves hers again on purpose.
    client_request.post_redirect(
        stage.testimony_url(testimony, "/edit"),
        witness_form(testimony, body=mine, revision="2") | {"share": "y"},
    )
    db.session.refresh(testimony)
    assert (testimony.body, testimony.status) == (mine, TestimonyStatus.APPROVED)


def test_a_stale_researcher_form_is_refused(client_request, stage):
    testimony = recorded(stage)
    services.update_by_witness(
        db.session,
        testimony,
        inquiry=stage.inquiry,
        actor=stage.witness,
        expected_revision=1,
        title=testimony.title,
        body="Margaret's correction.",
        use=None,
        now=utcnow(),
    )
    db.session.commit()
    page = client_request.login(stage.researcher).post(
        stage.testimony_url(testimony, "/change"),
        record_form(stage, body="Researcher's stale text.", revision="1"),
    )
    assert error_messages(page)[0].startswith("Someone else changed this testimony")
    assert "Margaret's correction." in text_of(page.select_one("#latest-version"))
    assert "Researcher's stale text." in page.select_one("textarea[name=body]").get_text()
    db.session.refresh(testimony)
    assert testimony.body == "Margaret's correction."


def test_a_form_without_a_revision_is_treated_as_stale(client_request, stage):
    testimony = recorded(stage)
    data = witness_form(testimony, body="New words") | {"share": "y"}
    del data["revision"]
    page = client_request.login(stage.witness).post(stage.testimony_url(testimony, "/edit"), data)
    assert error_messages(page)[0].startswith("Someone else changed this testimony")
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.AWAITING_REVIEW


def test_the_revision_check_is_atomic(stage):
    """Two saves made from the same revision: the second loses, even if it read first."""
    testimony = recorded(stage)
    services.update_by_witness(
        db.session,
        testimony,
        inquiry=stage.inquiry,
        actor=stage.witness,
        expected_revision=1,
        title="First",
        body="First",
        use=None,
        now=utcnow(),
    )
    db.session.commit()
    # The second request still holds revision 1 in memory, as if it had read it earlier.
    from sqlalchemy.orm.attributes import set_committed_value

    set_committed_value(testimony, "revision", 1)
    with pytest.raises(TestimonyConflict):
        services.update_by_witness(
            db.session,
            testimony,
            inquiry=stage.inquiry,
            actor=stage.witness,
            expected_revision=1,
            title="Second",
            body="Second",
            use=None,
            now=utcnow(),
        )
    db.session.rollback()
    db.session.refresh(testimony)
    assert testimony.revision == 2


# How it may be used ---------------------------------------------------------------------------


def test_the_witness_changes_how_testimony_may_be_used_until_the_deadline(client_request, stage):
    testimony = written(stage)
    set_deadline(stage, 0)
    client_request.login(stage.witness)
    page = client_request.get(stage.testimony_url(testimony, "/use"))
    assert "until " + f"{stage.inquiry.withdrawal_deadline.day}" in text_of(page)
    client_request.post_redirect(
        stage.testimony_url(testimony, "/use"), {"use": "quote_anonymously"}
    )
    db.session.refresh(testimony)
    assert testimony.use == TestimonyUse.QUOTE_ANONYMOUSLY
    assert testimony.use_changed_at is not None
    [event] = events("testimony.use_changed")
    assert event.details == {"old": "cohort_only", "new": "quote_anonymously"}


def test_after_the_deadline_the_use_cannot_change(client_request, stage):
    testimony = written(stage)
    set_deadline(stage, -1)
    client_request.login(stage.witness)
    page = client_request.get(stage.testimony_url(testimony, "/use"))
    assert text_of(page.h1) == "You can no longer change how this testimony is used"
    assert "rhiannon.researcher@example.org" in text_of(page)
    assert page.select_one("input[name=use]") is None
    client_request.post(stage.testimony_url(testimony, "/use"), {"use": "quote_with_name"})
    db.session.refresh(testimony)
    assert testimony.use == TestimonyUse.COHORT_ONLY
    # Its edit page explains instead of offering the choice.
    page = client_request.get(stage.testimony_url(testimony, "/edit"))
    assert page.select_one("input[name=use]") is None
    assert "can no longer be changed here" in text_of(page)
    with pytest.raises(TestimonyError):
        services.change_use(
            db.session,
            testimony,
            inquiry=stage.inquiry,
            actor=stage.witness,
            use=TestimonyUse.QUOTE_WITH_NAME,
            now=utcnow(),
        )


def test_after_the_deadline_the_first_choice_is_still_made_when_approving(client_request, stage):
    testimony = recorded(stage)
    set_deadline(stage, -3)
    client_request.login(stage.witness).post_redirect(
        stage.testimony_url(testimony, "/edit"),
        witness_form(testimony, use="quote_anonymously") | {"share": "y"},
    )
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.APPROVED
    assert testimony.use == TestimonyUse.QUOTE_ANONYMOUSLY


def test_the_deadline_is_the_end_of_that_day_in_the_uk(stage):
    stage.inquiry.withdrawal_deadline = date(2026, 6, 3)
    # 11:30pm on 3 June in London (British Summer Time) is 10:30pm UTC.
    assert not services.deadline_passed(stage.inquiry, datetime(2026, 6, 3, 22, 30, tzinfo=UTC))
    # 12:30am on 4 June in London is still 3 June in UTC.
    assert services.deadline_passed(stage.inquiry, datetime(2026, 6, 3, 23, 30, tzinfo=UTC))
    stage.inquiry.withdrawal_deadline = None
    assert not services.deadline_passed(stage.inquiry, datetime(2099, 1, 1, tzinfo=UTC))


# Withdrawal ---------------------------------------------------------------------------------------


@pytest.fixture
def extra_eraser():
    calls: list[tuple[int, str | None]] = []

    def eraser(session, testimony):
        # Runs before the core erasure, while the words are still there.
        calls.append((testimony.id, testimony.body))

    erasure.register_eraser(eraser)
    yield calls
    erasure.unregister_eraser(eraser)


def test_withdrawal_erases_the_testimony_everywhere(client_request, stage, extra_eraser):
    testimony = written(stage, title="Too many faces", body=MARGARET_BODY)
    other = written(stage, witness=stage.other_membership, title="Tom's mornings")
    theme = Theme(inquiry_id=stage.inquiry.id, name="Continuity of care")
    excerpt = Excerpt(
        inquiry_id=stage.inquiry.id,
        testimony_id=testimony.id,
        text="Mum had four different carers in one week.",
        themes=[theme],
    )
    kept_excerpt = Excerpt(inquiry_id=stage.inquiry.id, testimony_id=other.id, text="mornings")
    attachment = TestimonyAttachment(
        testimony_id=testimony.id,
        filename="care-diary.pdf",
        content_type="application/pdf",
        size=10,
        storage_name="a" * 32,
        sha256="0" * 64,
    )
    question = WitnessQuestion(
        inquiry_id=stage.inquiry.id,
        round_id=stage.hearing.id,
        witness_id=stage.witness_membership.id,
        text="What would have helped your mum most?",
        status=QuestionStatus.ANSWERED,
        answer_testimony_id=testimony.id,
        answered_at=utcnow(),
    )
    testimony.change_request = "A note"
    db.session.add_all([theme, excerpt, kept_excerpt, attachment, question])
    db.session.commit()
    set_deadline(stage, 1)

    client_request.login(stage.witness)
    page = client_request.get(stage.testimony_url(testimony, "/withdraw"))
    assert text_of(page.h1) == "Are you sure you want to withdraw this testimony?"
    assert "including from the report" in text_of(page)
    assert "You cannot undo this" in text_of(page)
    location = client_request.post_redirect(stage.testimony_url(testimony, "/withdraw"))
    assert location == stage.url("/testimony")

    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.WITHDRAWN
    assert (testimony.title, testimony.body, testimony.change_request) == ("", None, None)
    assert testimony.withdrawn_at is not None
    assert extra_eraser == [(testimony.id, MARGARET_BODY)]
    assert [e.text for e in db.session.scalars(select(Excerpt))] == ["mornings"]
    assert db.session.scalar(select(func.count()).select_from(excerpt_themes)) == 0
    assert db.session.scalar(select(func.count()).select_from(TestimonyAttachment)) == 0
    db.session.refresh(question)
    assert (question.status, question.answer_testimony_id, question.answered_at) == (
        QuestionStatus.OPEN,
        None,
        None,
    )
    [event] = events("testimony.withdrawn")
    assert event.actor_id == stage.witness.id
    assert event.details == {"round_id": stage.hearing.id}
    for audit in db.session.scalars(select(AuditEvent)):
        assert "Mum" not in str(audit.details) and "Too many faces" not in str(audit.details)

    # A stub for the witness and the researchers; nothing for anyone else.
    for user in (stage.witness, stage.researcher):
        page = client_request.login(user).get(stage.testimony_url(testimony))
        assert text_of(page.h1) == "Withdrawn testimony"
        assert "have been erased everywhere" in text_of(page)
        assert "Mum" not in page.get_text()
    for user in (stage.participant, stage.other_witness, stage.observer):
        client_request.login(user).get(stage.testimony_url(testimony), 404)
    # It cannot be changed or withdrawn again.
    response = client_request.login(stage.witness).client.get(
        stage.testimony_url(testimony, "/edit")
    )
    assert response.status_code == 302
    with pytest.raises(TestimonyError):
        services.withdraw(
            db.session, testimony, inquiry=stage.inquiry, actor=stage.witness, now=utcnow()
        )


def test_a_witness_withdraws_a_draft_too(client_request, stage):
    draft = written(stage, share=False)
    client_request.login(stage.witness).post_redirect(stage.testimony_url(draft, "/withdraw"))
    db.session.refresh(draft)
    assert draft.status == TestimonyStatus.WITHDRAWN
    assert draft.body is None


def test_withdrawal_is_refused_after_the_deadline(client_request, stage):
    testimony = written(stage)
    set_deadline(stage, -1)
    client_request.login(stage.witness)
    page = client_request.get(stage.testimony_url(testimony, "/withdraw"))
    assert text_of(page.h1) == "You can no longer withdraw this testimony"
    assert "Rhiannon Price" in text_of(page)
    assert "rhiannon.researcher@example.org" in text_of(page)
    assert page.select_one("main#main-content") is not None
    assert page.select_one("main form") is None
    page = client_request.post(stage.testimony_url(testimony, "/withdraw"))
    assert text_of(page.h1) == "You can no longer withdraw this testimony"
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.APPROVED
    assert testimony.body is not None
    with pytest.raises(TestimonyError):
        services.withdraw(
            db.session, testimony, inquiry=stage.inquiry, actor=stage.witness, now=utcnow()
        )
    # On the day of the deadline it is still possible.
    set_deadline(stage, 0)
    client_request.post_redirect(stage.testimony_url(testimony, "/withdraw"))
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.WITHDRAWN


def test_a_failing_eraser_stops_the_withdrawal(client_request, stage):
    testimony = written(stage)

    def broken(session, testimony):
        raise OSError("disk unavailable")

    erasure.register_eraser(broken)
    try:
        with pytest.raises(OSError):
            services.withdraw(
                db.session, testimony, inquiry=stage.inquiry, actor=stage.witness, now=utcnow()
            )
        db.session.rollback()
    finally:
        erasure.unregister_eraser(broken)
    db.session.refresh(testimony)
    assert testimony.status == TestimonyStatus.APPROVED


# Reading ----------------------------------------------------------------------------------------


def test_the_hearing_page_shows_approved_testimony_with_who_gave_it(client_request, stage):
    first = written(stage, title="What a good morning looks like")
    recorded_one = recorded(stage, witness=stage.other_membership, title="Tom's mornings")
    services.update_by_witness(
        db.session,
        recorded_one,
        inquiry=stage.inquiry,
        actor=stage.other_witness,
        expected_revision=1,
        title=recorded_one.title,
        body="Line one\nline two\n\nSecond paragraph",
        use=None,
        approve=True,
        now=utcnow(),
    )
    db.session.commit()
    page = client_request.login(stage.observer).get(
        stage.url(f"/sessions/{stage.hearing.id}/testimony")
    )
    assert text_of(page.h1) == "Testimony from session 2: Hearing from families arranging care"
    articles = page.select("article")
    assert [text_of(a.h2) for a in articles] == ["Tom's mornings", "What a good morning looks like"]
    tom = text_of(articles[0])
    assert "Tom Baker" in tom and "Receives care at home" in tom
    assert "Spoken in a session, 8 October 2026" in tom
    assert [str(p) for p in articles[0].select("p.govuk-body")] == [
        '<p class="govuk-body">Line one<br/>line two</p>',
        '<p class="govuk-body">Second paragraph</p>',
    ]
    mags = text_of(articles[1])
    assert "Mags" in mags and "Family member or friend arranging care" in mags
    assert articles[1].h2.a["href"] == stage.testimony_url(first)
    empty = client_request.get(stage.url(f"/sessions/{stage.introduction.id}/testimony"))
    assert "No testimony from this session has been shared" in text_of(empty)


def test_the_single_page_shows_the_details(client_request, stage):
    testimony = recorded(stage)
    services.update_by_witness(
        db.session,
        testimony,
        inquiry=stage.inquiry,
        actor=stage.witness,
        expected_revision=1,
        title=testimony.title,
        body=testimony.body,
        use=TestimonyUse.QUOTE_WITH_NAME,
        approve=True,
        now=utcnow(),
    )
    db.session.commit()
    page = client_request.login(stage.commissioner).get(stage.testimony_url(testimony))
    rows = {
        text_of(row.dt): text_of(row.dd)
        for row in page.select(".govuk-summary-list__row")
        if row.dt
    }
    assert rows["Witness"] == "Mags"
    assert rows["Experience of care at home"] == "Family member or friend arranging care"
    assert rows["How it was given"] == "Spoken in a session, 8 October 2026"
    assert "Status" not in rows and "How it may be used" not in rows
    page = client_request.login(stage.witness).get(stage.testimony_url(testimony))
    rows = {
        text_of(row.dt): text_of(row.dd)
        for row in page.select(".govuk-summary-list__row")
        if row.dt
    }
    assert rows["Status"] == "Approved"
    assert rows["How it may be used"] == "Quoted in the report with my chosen name"


def test_researchers_filter_testimony_by_status_and_session(client_request, stage):
    written(stage, title="Approved in hearing one")
    recorded(stage, title="Awaiting in hearing two", round_=stage.second_hearing)
    written(stage, title="A draft nobody else sees", share=False)
    client_request.login(stage.researcher)

    def titles(query: str = "") -> list[str]:
        page = client_request.get(stage.url("/testimony" + query))
        table = page.select_one("table")
        return sorted(text_of(row.td) for row in table.select("tbody tr")) if table else []

    assert titles() == ["Approved in hearing one", "Awaiting in hearing two"]
    assert titles("?status=approved") == ["Approved in hearing one"]
    assert titles("?status=awaiting_review") == ["Awaiting in hearing two"]
    assert titles(f"?session={stage.second_hearing.id}") == ["Awaiting in hearing two"]
    assert titles(f"?status=approved&session={stage.second_hearing.id}") == []
    assert titles("?status=draft") == ["Approved in hearing one", "Awaiting in hearing two"]
    assert titles("?session=nonsense") == ["Approved in hearing one", "Awaiting in hearing two"]
    page = client_request.get(stage.url("/testimony?status=withdrawn"))
    assert "No testimony matches these filters" in text_of(page)


def test_a_witness_sees_all_of_their_own_testimony_with_actions(client_request, stage):
    written(stage, title="My shared one")
    written(stage, title="My draft", share=False)
    recorded(stage, title="Recorded for me")
    written(stage, witness=stage.other_membership, title="Tom's draft", share=False)
    page = client_request.login(stage.witness).get(stage.url("/testimony"))
    assert text_of(page.h1) == "Your testimony"
    rows = {text_of(row.td): text_of(row) for row in page.select("table tbody tr")}
    assert set(rows) == {"My shared one", "My draft", "Recorded for me"}
    assert "Awaiting witness review" in rows["Recorded for me"]
    assert "Check" in rows["Recorded for me"]
    assert "Change or share" in rows["My draft"]
    assert "Tom's draft" not in text_of(page)


# Counting, notifications, audit ------------------------------------------------------------------


def test_testimony_is_counted_per_session_and_per_witness(client_request, stage):
    written(stage)
    draft = written(stage, share=False)
    gone = written(stage)
    services.withdraw(db.session, gone, inquiry=stage.inquiry, actor=stage.witness, now=utcnow())
    db.session.commit()
    assert contributions.in_round(db.session, stage.hearing)["pieces of testimony"] == 2
    assert contributions.by_member(db.session, stage.witness_membership) == {
        "pieces of testimony": 2
    }
    assert "pieces of testimony" not in contributions.in_round(db.session, stage.introduction)
    assert rounds_services.deletion_blocker(db.session, stage.hearing)
    assert draft.round_id == stage.hearing.id


def test_notifications_and_audit_events_never_hold_the_words(stage):
    testimony = recorded(stage, title="Secret title words", body="Secret body words")
    services.request_changes(
        db.session,
        testimony,
        inquiry=stage.inquiry,
        actor=stage.witness,
        expected_revision=testimony.revision,
        note="Secret note words",
        now=utcnow(),
        link_for=review_link,
    )
    services.update_by_researcher(
        db.session,
        testimony,
        inquiry=stage.inquiry,
        actor=stage.researcher,
        expected_revision=testimony.revision,
        round_=stage.hearing,
        title="Secret title words two",
        body="Secret body words two",
        format=TestimonyFormat.SPOKEN,
        given_on=None,
        now=utcnow(),
        link_for=review_link,
    )
    db.session.commit()
    messages = [n.message for n in db.session.scalars(select(Notification))]
    assert len(messages) == 3
    details = [str(e.details) for e in db.session.scalars(select(AuditEvent))]
    for text in messages + details:
        assert "Secret" not in text


def test_every_testimony_action_has_a_label():
    for action in (
        "testimony.written",
        "testimony.recorded",
        "testimony.updated",
        "testimony.approved",
        "testimony.changes_requested",
        "testimony.use_changed",
        "testimony.withdrawn",
    ):
        assert action in ACTION_LABELS


# The overview partial -----------------------------------------------------------------------------


def render_overview(app, user, inquiry) -> BeautifulSoup:
    with app.test_request_context():
        login_user(user)
        html = render_template("testimony/_overview.html", inquiry=inquiry)
    return BeautifulSoup(html, "html.parser")


def test_the_overview_partial_for_each_role(app, stage):
    waiting = recorded(stage, title="Four carers in one week")
    written(stage, witness=stage.other_membership, title="Tom's mornings")
    asked = recorded(stage, witness=stage.other_membership, title="Tom's evenings")
    services.request_changes(
        db.session,
        asked,
        inquiry=stage.inquiry,
        actor=stage.other_witness,
        expected_revision=1,
        note="Please change the date.",
        now=utcnow(),
        link_for=review_link,
    )
    db.session.commit()

    written(stage, title="Still thinking", share=False)
    witness = render_overview(app, stage.witness, stage.inquiry)
    assert "recorded 1 piece of testimony for you to check" in text_of(witness)
    assert "You have 1 draft that only you can see" in text_of(witness)
    link = witness.find("a", string=lambda s: s and "Four carers" in s)
    assert link["href"] == stage.testimony_url(waiting, "/edit")

    researcher = render_overview(app, stage.researcher, stage.inquiry)
    counts = {text_of(row.th): text_of(row.td) for row in researcher.select("tbody tr")}
    assert counts == {
        "Awaiting witness review": "1",
        "Changes requested": "1",
        "Approved": "1",
        "Withdrawn": "0",
    }
    assert "asked for changes to 1 piece of testimony" in text_of(researcher)

    participant = render_overview(app, stage.participant, stage.inquiry)
    assert "Witnesses have shared 1 piece of testimony from 1 session" in text_of(participant)
    assert "Four carers" not in text_of(participant)
