"""Erasing personal data: a researcher erases one member; the retention command erases a
closed inquiry after its retention date and keeps its published reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from conftest import add_member, make_inquiry, make_user, sign_in_as
from recommendation_factories import make_recommendation
from sqlalchemy import func, select

from inquiry import contributions
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    BuildKind,
    Excerpt,
    Inquiry,
    InquiryStatus,
    Invitation,
    Membership,
    MembershipStatus,
    Notification,
    ReportBuild,
    Role,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
    User,
    WithdrawalPolicy,
    utcnow,
)
from inquiry.personal_data import erasure
from inquiry.reports import storage
from inquiry.reports.content import build_content
from inquiry.reports.document import render_document

TESTIMONY = "My carer Maureen comes at seven and we have a cup of tea before she goes."


@dataclass
class Cast:
    inquiry: Inquiry
    researcher: User
    participant: Membership
    witness: Membership
    testimony: Testimony


@pytest.fixture
def cast(app) -> Cast:
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    participant = add_member(
        inquiry, make_user("pat.nurse@example.org", name="Pat Okafor"), Role.PARTICIPANT
    )
    participant.professional_role = "nurse"
    participant.organisation = "Northshire Community Trust"
    participant.locality = "Eastfield"
    witness = add_member(
        inquiry, make_user("win.witness@example.org", name="Winifred Hale"), Role.WITNESS
    )
    witness.display_name = "Win"
    witness.lived_experience = "older_person"
    witness.support_contact = "My daughter, 07700 900123"
    testimony = Testimony(
        inquiry_id=inquiry.id,
        witness_id=witness.id,
        title="Mornings",
        body=TESTIMONY,
        status=TestimonyStatus.APPROVED,
        use=TestimonyUse.QUOTE_WITH_NAME,
    )
    db.session.add(testimony)
    db.session.flush()
    db.session.add(
        Excerpt(
            inquiry_id=inquiry.id,
            testimony_id=testimony.id,
            text="we have a cup of tea before she goes",
        )
    )
    for member in (participant, witness):
        db.session.add(
            Invitation(
                inquiry_id=inquiry.id,
                email=member.user.email,
                role=member.role,
                nonce="n" * 20 + str(member.id),
                accepted_by_id=member.user_id,
                expires_at=utcnow() + timedelta(days=7),
                profile={"name": member.user.name},
            )
        )
        db.session.add(
            Notification(user_id=member.user_id, inquiry_id=inquiry.id, message="Welcome")
        )
    db.session.commit()
    return Cast(inquiry, researcher, participant, witness, testimony)


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def erase_url(cast: Cast, membership: Membership) -> str:
    return f"/inquiries/{cast.inquiry.id}/cohort/members/{membership.id}/erase"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# A researcher erases one member -----------------------------------------------------------


def test_the_confirmation_page_says_what_is_erased_and_kept(client_request, cast):
    page = client_request.login(cast.researcher).get(erase_url(cast, cast.witness))
    assert text_of(page.h1) == "Erase the personal data of Winifred Hale?"
    body = text_of(page.select_one("main"))
    assert "Their testimony: its words" in body
    assert "keeps the contributions of people who leave, without their name" in body
    assert "Report versions already published are not changed" in body
    # Nothing happens on reading the page.
    db.session.refresh(cast.witness)
    assert cast.witness.erased_at is None


def test_erasing_a_witness_removes_their_personal_data_and_testimony(client_request, cast):
    location = client_request.login(cast.researcher).post_redirect(erase_url(cast, cast.witness))
    assert location.endswith(f"/inquiries/{cast.inquiry.id}/cohort")
    db.session.expire_all()
    witness = db.session.get(Membership, cast.witness.id)
    assert witness.erased_at is not None
    assert witness.status == MembershipStatus.WITHDRAWN
    assert (witness.display_name, witness.lived_experience, witness.support_contact) == ("", "", "")
    testimony = db.session.get(Testimony, cast.testimony.id)
    assert testimony.status == TestimonyStatus.WITHDRAWN
    assert testimony.body is None and testimony.title == ""
    assert count(Excerpt, Excerpt.testimony_id == testimony.id) == 0
    # The account belonged to this inquiry only: it is anonymised and cannot sign in.
    user = witness.user
    assert user.name == erasure.ERASED_NAME
    assert user.email == f"erased-{user.id}@erased.invalid"
    assert user.password_hash is None and user.is_disabled
    assert count(Notification, Notification.user_id == user.id) == 0
    assert count(Invitation, Invitation.email == "win.witness@example.org") == 0
    # The audit event says what was done, never who the person was or what they said.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.erased"))
    assert event.actor_id == cast.researcher.id and event.object_id == witness.id
    assert event.details["testimony"] == 1 and event.details["account_erased"] is True
    assert "Winifred" not in str(event.details) and "Maureen" not in str(event.details)
    # The cohort page no longer names them.
    page = client_request.get(f"/inquiries/{cast.inquiry.id}/cohort")
    assert "Winifred" not in text_of(page) and "Erased member (witness" in text_of(page)


def test_contributions_are_kept_without_a_name_under_the_keep_policy(client_request, cast):
    recommendation = make_recommendation(cast.inquiry, cast.participant)
    db.session.commit()
    assert cast.inquiry.withdrawal_policy == WithdrawalPolicy.KEEP_ANONYMISED
    client_request.login(cast.researcher).post_redirect(erase_url(cast, cast.participant))
    db.session.expire_all()
    participant = db.session.get(Membership, cast.participant.id)
    assert (participant.professional_role, participant.organisation, participant.locality) == (
        "",
        "",
        "",
    )
    assert db.session.get(type(recommendation), recommendation.id) is not None
    assert contributions.by_member(db.session, participant) == {"recommendation": 1}


def test_contributions_are_removed_under_the_remove_policy(client_request, cast):
    cast.inquiry.withdrawal_policy = WithdrawalPolicy.REMOVE
    make_recommendation(cast.inquiry, cast.participant)
    db.session.commit()
    client_request.login(cast.researcher).post_redirect(erase_url(cast, cast.participant))
    db.session.expire_all()
    participant = db.session.get(Membership, cast.participant.id)
    assert contributions.by_member(db.session, participant) == {}


def test_an_account_used_by_another_inquiry_is_kept(client_request, cast):
    other = make_inquiry(cast.researcher, title="Coming home from hospital")
    add_member(other, cast.participant.user, Role.PARTICIPANT)
    client_request.login(cast.researcher).post_redirect(erase_url(cast, cast.participant))
    db.session.expire_all()
    user = db.session.get(User, cast.participant.user_id)
    assert user.name == "Pat Okafor" and not user.is_disabled
    assert db.session.get(Membership, cast.participant.id).erased_at is not None


def test_researchers_and_erased_members_cannot_be_erased(client_request, cast):
    researcher_membership = db.session.scalar(
        select(Membership).where(
            Membership.inquiry_id == cast.inquiry.id, Membership.user_id == cast.researcher.id
        )
    )
    client = client_request.login(cast.researcher)
    page = client.post(erase_url(cast, researcher_membership))
    assert "cannot be erased here" in text_of(page.h1)
    assert db.session.get(Membership, researcher_membership.id).erased_at is None

    client.post_redirect(erase_url(cast, cast.participant))
    page = client.post(erase_url(cast, cast.participant))
    assert "was erased on" in text_of(page.select_one("main"))
    assert count(AuditEvent, AuditEvent.action == "membership.erased") == 1
    with pytest.raises(erasure.ErasureError):
        erasure.erase_member(
            db.session,
            db.session.get(Membership, cast.participant.id),
            actor=cast.researcher,
            now=utcnow(),
        )


def test_another_inquirys_member_is_not_found(client, cast):
    outsider = make_user("olu.outsider@example.org", researcher=True)
    make_inquiry(outsider, title="Another inquiry")
    sign_in_as(client, outsider)
    other_inquiry = db.session.scalar(select(Inquiry).where(Inquiry.title == "Another inquiry"))
    url = f"/inquiries/{other_inquiry.id}/cohort/members/{cast.participant.id}/erase"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert db.session.get(Membership, cast.participant.id).erased_at is None


def test_the_report_still_builds_after_erasure(app, cast):
    erasure.erase_member(db.session, cast.witness, actor=cast.researcher, now=utcnow())
    erasure.erase_member(db.session, cast.participant, actor=cast.researcher, now=utcnow())
    db.session.commit()
    content = build_content(db.session, cast.inquiry, now=utcnow())
    html = render_document(content, draft=True, asset_base="/static/report/")
    assert "Maureen" not in html and "Winifred" not in html and "Pat Okafor" not in html


# The retention date -----------------------------------------------------------------------


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def close_past_retention(inquiry: Inquiry) -> None:
    inquiry.status = InquiryStatus.CLOSED
    inquiry.retention_date = date.today() - timedelta(days=2)
    db.session.commit()


def test_dry_run_prints_what_would_be_erased_and_changes_nothing(runner, cast):
    close_past_retention(cast.inquiry)
    result = runner.invoke(args=["inquiry", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Living well at home" in result.output
    assert "would erase the personal data of 2 member(s), 1 piece(s) of testimony" in result.output
    assert "Dry run: nothing was changed." in result.output
    db.session.expire_all()
    assert db.session.get(Testimony, cast.testimony.id).body == TESTIMONY
    assert db.session.get(Inquiry, cast.inquiry.id).personal_data_erased_at is None


def test_retention_erases_once_and_keeps_published_reports(runner, cast):
    from access_rows.reports import stored_build

    close_past_retention(cast.inquiry)
    published = stored_build(cast.inquiry, kind=BuildKind.PUBLISHED, version=1)
    draft = stored_build(cast.inquiry)
    draft_files = [draft.pdf_name, draft.html_name]
    db.session.commit()

    result = runner.invoke(args=["inquiry", "retention"])
    assert result.exit_code == 0, result.output
    assert "erased the personal data of 2 member(s)" in result.output
    assert "kept 1 published report version(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Inquiry, cast.inquiry.id).personal_data_erased_at is not None
    assert db.session.get(Testimony, cast.testimony.id).body is None
    assert all(
        m.erased_at is not None
        for m in db.session.scalars(
            select(Membership).where(
                Membership.inquiry_id == cast.inquiry.id, Membership.role != Role.RESEARCHER
            )
        )
    )
    # Researchers keep their accounts; the published version and its files stay.
    assert not db.session.get(User, cast.researcher.id).is_disabled
    kept = db.session.get(ReportBuild, published.id)
    assert storage.path_of(kept.pdf_name).exists()
    assert db.session.get(ReportBuild, draft.id) is None
    assert not any(storage.path_of(name).exists() for name in draft_files)

    again = runner.invoke(args=["inquiry", "retention"])
    assert "nothing to erase" in again.output
    assert count(AuditEvent, AuditEvent.action == "inquiry.retention_erased") == 1


@pytest.mark.parametrize(
    ("status", "days_after"),
    [(InquiryStatus.PUBLISHED, -2), (InquiryStatus.CLOSED, 0), (InquiryStatus.CLOSED, 5)],
)
def test_retention_waits_for_a_closed_inquiry_past_its_date(runner, cast, status, days_after):
    cast.inquiry.status = status
    cast.inquiry.retention_date = date.today() + timedelta(days=days_after)
    db.session.commit()
    result = runner.invoke(args=["inquiry", "retention"])
    assert "nothing to erase" in result.output
    db.session.expire_all()
    assert db.session.get(Testimony, cast.testimony.id).body == TESTIMONY
