"""The demo: two fictional inquiries built through the platform's services, the accounts
printed for them, and the command that refuses a database already in use.

Building the demo makes three reports, so it is built once, by the command, in the
test that checks what it made.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import make_user
from flask import Flask
from sqlalchemy import func, select

from inquiry.audit.service import record
from inquiry.consent.services import audience_for, pending_text_id
from inquiry.demo import command as demo_command
from inquiry.demo.command import DEFAULT_PASSWORD, demo
from inquiry.extensions import db, limiter
from inquiry.models import (
    REVIEW_DAYS,
    Amendment,
    AmendmentStatus,
    AuditEvent,
    Ballot,
    BallotPaper,
    BallotStatus,
    BuildKind,
    BuildStatus,
    Challenge,
    ChallengeStatus,
    Excerpt,
    Inquiry,
    InquiryStatus,
    Lens,
    Membership,
    MembershipStatus,
    MergeApproval,
    MergeApprovalStatus,
    Notification,
    ProgressUpdate,
    Recommendation,
    RecommendationStatus,
    RecommendationVersion,
    Reflection,
    ReflectionStatus,
    ReportBuild,
    Role,
    Round,
    RoundStatus,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    User,
    VersionChange,
    Vote,
    utcnow,
)
from inquiry.reports import jobs, storage
from inquiry.responses.summary import published_response, recommendations_to_answer

DEMO_PASSWORD = "a long demo password for tests"


@pytest.fixture(autouse=True)
def rate_limits_off() -> Iterator[None]:
    limiter.enabled = False
    yield
    limiter.enabled = False


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def inquiry_titled(title: str) -> Inquiry:
    return db.session.scalar(select(Inquiry).where(Inquiry.title == title))


def active(inquiry: Inquiry, role: Role) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).where(
                Membership.inquiry_id == inquiry.id,
                Membership.role == role,
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
    )


# The whole demo ----------------------------------------------------------------------------


def test_the_demo_command_builds_both_inquiries_and_prints_accounts_that_work(app, runner):
    started = utcnow()
    result = runner.invoke(demo, env={"DEMO_PASSWORD": DEMO_PASSWORD})
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    finished = inquiry_titled("Living well at home")
    in_session = inquiry_titled("Caring for someone with dementia at home")
    check_finished_inquiry(finished)
    check_inquiry_in_session(in_session)
    check_response_progress_and_challenge(finished)
    check_the_story_is_in_the_past(started)
    check_the_clock_is_back(started)

    # The accounts printed: one for every role at least, each signing in with the password
    # given and seeing its inquiry's overview.
    assert f"Password for every account: {DEMO_PASSWORD}" in result.output
    printed = [line for line in result.output.splitlines() if "@example." in line]
    roles = set()
    for line in printed:
        label = line.split()[0]
        email = next(word for word in line.split() if "@example." in word)
        [inquiry] = [i for i in (finished, in_session) if line.rstrip().endswith(i.title)]
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, line
        [membership] = [m for m in user.memberships if m.inquiry_id == inquiry.id]
        assert membership.role.label == label
        roles.add(membership.role)
        check_signs_in(app, email, DEMO_PASSWORD)
    assert roles == set(Role)
    assert {line.rstrip().endswith(in_session.title) for line in printed} == {True, False}


def check_signs_in(app: Flask, email: str, password: str) -> None:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, f"{email} could not sign in"
    user = db.session.scalar(select(User).where(User.email == email))
    for membership in user.memberships:
        page = client.get(f"/inquiries/{membership.inquiry_id}")
        assert page.status_code == 200, f"{email}: overview of inquiry {membership.inquiry_id}"
    home = client.get("/home")
    assert home.status_code == 200


def check_finished_inquiry(inquiry: Inquiry) -> None:
    assert inquiry.status == InquiryStatus.PUBLISHED
    assert inquiry.question == (
        "What would it take to help people to have a good life at home for as long as they choose?"
    )
    assert inquiry.commissioner_organisation == "Northshire Health and Care Partnership"

    participants = active(inquiry, Role.PARTICIPANT)
    assert 15 <= len(participants) <= 20
    assert len({p.professional_role for p in participants}) >= 8
    assert all(p.sector and p.organisation and p.locality for p in participants)
    witnesses = active(inquiry, Role.WITNESS)
    assert len(witnesses) == 8
    assert {w.lived_experience for w in witnesses} == {
        "receives_care",
        "family_or_friend",
        "works_closely",
        "other",
    }
    assert any(w.display_name for w in witnesses)
    for role in (Role.RESEARCHER, Role.COMMISSIONER, Role.OBSERVER):
        assert active(inquiry, role)
    # Every member with an information and consent text agreed to its current version.
    assert all(_agreed_to_current(m) for m in participants + witnesses)

    # Testimony: approved, every way of being used chosen by someone, excerpts and themes.
    testimony = list(
        db.session.scalars(select(Testimony).where(Testimony.inquiry_id == inquiry.id))
    )
    assert len(testimony) == 8
    assert {t.status for t in testimony} == {TestimonyStatus.APPROVED}
    assert {t.use for t in testimony} == set(TestimonyUse)
    assert count(Excerpt, Excerpt.inquiry_id == inquiry.id) >= 20
    assert count(Theme, Theme.inquiry_id == inquiry.id) >= 6

    # Six sessions, all held and closed, with reflections in both lenses.
    sessions = list(db.session.scalars(select(Round).where(Round.inquiry_id == inquiry.id)))
    assert len(sessions) == 6
    assert {s.status for s in sessions} == {RoundStatus.CLOSED}
    for lens in Lens:
        assert (
            count(
                Reflection,
                Reflection.inquiry_id == inquiry.id,
                Reflection.status == ReflectionStatus.SHARED,
                Reflection.lens == lens,
            )
            >= 10
        )

    # Recommendations: an amendment accepted and one declined, a merge accepted by its
    # authors, and a closed ballot whose papers carry no voter.
    recommendations = inquiry_recommendations(inquiry)
    amendments = list(
        db.session.scalars(
            select(Amendment).where(
                Amendment.recommendation_id.in_([r.id for r in recommendations])
            )
        )
    )
    assert {a.status for a in amendments} >= {AmendmentStatus.ACCEPTED, AmendmentStatus.DECLINED}
    assert count(
        RecommendationVersion,
        RecommendationVersion.change == VersionChange.AMENDMENT_ACCEPTED,
    )
    merged = [r for r in recommendations if r.status == RecommendationStatus.MERGED]
    assert len(merged) == 2
    assert len({r.merged_into_id for r in merged}) == 1
    approvals = list(
        db.session.scalars(
            select(MergeApproval).where(MergeApproval.recommendation_id == merged[0].merged_into_id)
        )
    )
    assert [a.status for a in approvals] == [MergeApprovalStatus.ACCEPTED] * 2

    [ballot] = db.session.scalars(select(Ballot).where(Ballot.inquiry_id == inquiry.id))
    assert ballot.status == BallotStatus.CLOSED
    assert ballot.eligible_count == len(participants)
    assert ballot.participant_count == count(BallotPaper, BallotPaper.ballot_id == ballot.id)
    assert ballot.participant_count >= len(participants) * 0.8
    assert count(BallotPaper, BallotPaper.voter_id.is_not(None)) == 0
    assert count(Vote) == ballot.participant_count * len(ballot.items)
    statuses = [r.status for r in recommendations if r.number]
    assert statuses.count(RecommendationStatus.ADOPTED) >= 5
    assert RecommendationStatus.NOT_ADOPTED in statuses

    # The report: two published versions with their files, the second with the response.
    builds = list(
        db.session.scalars(
            select(ReportBuild).where(ReportBuild.inquiry_id == inquiry.id).order_by(ReportBuild.id)
        )
    )
    assert {b.status for b in builds} == {BuildStatus.DONE}
    published = [b for b in builds if b.kind == BuildKind.PUBLISHED]
    assert [b.version for b in published] == [1, 2]
    assert published[1].label == "with the commissioner's response"
    for build in builds:
        assert storage.path_of(build.pdf_name).stat().st_size > 10_000
        assert storage.path_of(build.html_name).exists()


def _agreed_to_current(membership: Membership) -> bool:
    audience = audience_for(membership.role)
    return (
        pending_text_id(
            db.session,
            inquiry_id=membership.inquiry_id,
            user_id=membership.user_id,
            audience=audience,
        )
        is None
    )


def inquiry_recommendations(inquiry: Inquiry) -> list[Recommendation]:
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.inquiry_id == inquiry.id)
            .order_by(Recommendation.id)
        )
    )


def check_response_progress_and_challenge(inquiry: Inquiry) -> None:
    response = published_response(db.session, inquiry)
    assert response is not None
    adopted = {
        r.id for r in inquiry_recommendations(inquiry) if r.status == RecommendationStatus.ADOPTED
    }
    assert {r.id for r in recommendations_to_answer(db.session, inquiry)} == adopted
    assert {a.recommendation_id for a in response.answers} == adopted
    assert all(a.reasons for a in response.answers)
    assert len({a.decision for a in response.answers}) >= 3
    # Published on time, and the new version of the report came after it.
    assert response.published_at.date() <= inquiry.response_due_on
    second = db.session.scalar(
        select(ReportBuild).where(ReportBuild.inquiry_id == inquiry.id, ReportBuild.version == 2)
    )
    assert second.published_at >= response.published_at

    updates = list(
        db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.inquiry_id == inquiry.id))
    )
    assert len(updates) >= 5
    assert {u.recommendation_id for u in updates} <= adopted
    assert all(u.happened_on >= response.published_at.date() for u in updates)

    [challenge] = db.session.scalars(select(Challenge).where(Challenge.inquiry_id == inquiry.id))
    assert challenge.status == ChallengeStatus.LIVE
    assert challenge.recommendation_id in adopted
    assert len(challenge.readiness) == 8
    assert [review.day for review in challenge.reviews] == [REVIEW_DAYS[0]]


def check_inquiry_in_session(inquiry: Inquiry) -> None:
    assert inquiry.status == InquiryStatus.IN_SESSION
    sessions = list(
        db.session.scalars(
            select(Round).where(Round.inquiry_id == inquiry.id).order_by(Round.position)
        )
    )
    statuses = [s.status for s in sessions]
    assert statuses.count(RoundStatus.CLOSED) == 2
    assert statuses.count(RoundStatus.OPEN) == 1
    assert RoundStatus.PLANNED in statuses
    open_session = sessions[statuses.index(RoundStatus.OPEN)]
    assert count(
        Reflection,
        Reflection.round_id == open_session.id,
        Reflection.status == ReflectionStatus.SHARED,
    )
    assert count(Reflection, Reflection.inquiry_id == inquiry.id) >= 15
    assert active(inquiry, Role.PARTICIPANT)
    assert active(inquiry, Role.WITNESS)
    # Testimony given yesterday waits for its witness to check it.
    assert count(
        Testimony,
        Testimony.inquiry_id == inquiry.id,
        Testimony.status == TestimonyStatus.AWAITING_REVIEW,
    )


def check_the_story_is_in_the_past(started) -> None:
    """Everything is dated before the demo was built, and older notifications are read."""
    assert db.session.scalar(select(func.max(AuditEvent.created_at))) < started
    earliest = db.session.scalar(select(func.min(AuditEvent.created_at)))
    assert (started - earliest).days > 150
    assert count(Notification, Notification.read_at.is_(None)) < count(Notification)


def check_the_clock_is_back(started) -> None:
    """Once built, rows and report builds are dated by the real clock again."""
    assert jobs.utcnow is utcnow
    event = record(db.session, "demo.checked")
    assert event.created_at >= started
    db.session.rollback()


# The command's refusals and password ----------------------------------------------------------


def test_the_command_refuses_a_database_that_already_has_accounts(app, runner):
    make_user("someone@example.org")
    result = runner.invoke(demo)
    assert result.exit_code != 0
    assert "already has accounts" in result.output
    assert count(User) == 1
    assert count(Inquiry) == 0


def test_the_command_refuses_a_demo_password_the_rules_do_not_allow(app, runner):
    result = runner.invoke(demo, env={"DEMO_PASSWORD": "short"})
    assert result.exit_code != 0
    assert "DEMO_PASSWORD" in result.output
    assert count(User) == 0


def test_without_demo_password_the_default_passphrase_is_used(app, runner, monkeypatch):
    seen = {}

    def pretend_build(session, *, password, now):
        seen["password"] = password
        return []

    monkeypatch.setattr(demo_command, "build_demo", pretend_build)
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    result = runner.invoke(demo)
    assert result.exit_code == 0, result.output
    assert seen["password"] == DEFAULT_PASSWORD
    assert len(DEFAULT_PASSWORD) >= app.config["PASSWORD_MIN_LENGTH"]
    assert f"Password for every account: {DEFAULT_PASSWORD}" in result.output
