"""Invitations: creating, sending, accepting, resending and revoking them."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, error_messages, make_inquiry, make_user, sign_in_as
from flask import Flask
from sqlalchemy import func, select

from inquiry.extensions import db
from inquiry.invitations import services
from inquiry.models import (
    AuditEvent,
    Inquiry,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    TokenPurpose,
    User,
    utcnow,
)
from inquiry.security.links import sign_link
from inquiry.security.passwords import verify_password

SECRET = "test-secret-key"
LIFETIME = timedelta(days=14)


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def field_error(page: BeautifulSoup, field_id: str) -> str | None:
    control = page.find(id=field_id)
    assert control is not None, f"no field with id {field_id!r}"
    group = control.find_parent(class_="govuk-form-group")
    message = group.select_one(".govuk-error-message")
    return text_of(message) if message else None


def outbox(app: Flask) -> list[EmailMessage]:
    return app.extensions.get("mail_outbox", [])


def invitations() -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).order_by(Invitation.id)))


def actions(inquiry: Inquiry | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if inquiry is not None:
        query = query.where(AuditEvent.inquiry_id == inquiry.id)
    return list(db.session.scalars(query))


def membership(inquiry: Inquiry, user: User) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.inquiry_id == inquiry.id, Membership.user_id == user.id)
    )


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def invite_path(inquiry: Inquiry) -> str:
    return f"/inquiries/{inquiry.id}/invitations/new"


def link_path(invitation: Invitation) -> str:
    return f"/invitations/{services.link_token(SECRET, invitation)}"


def new_invitation(
    inquiry: Inquiry,
    email: str,
    *,
    role: Role = Role.PARTICIPANT,
    invited_by: User,
    now=None,
) -> Invitation:
    invitation = services.create_invitation(
        db.session,
        inquiry=inquiry,
        email=email,
        role=role,
        invited_by=invited_by,
        now=now or utcnow(),
        lifetime=LIFETIME,
    )
    db.session.commit()
    return invitation


@pytest.fixture
def researcher(world) -> User:
    return world.people["researcher"]


@pytest.fixture
def invitation(world, researcher) -> Invitation:
    """A pending invitation for someone with no account yet."""
    return new_invitation(world.inquiry, "sam.okafor@example.org", invited_by=researcher)


# Creating an invitation -------------------------------------------------------


def test_invitation_form_offers_every_role_with_a_hint(client_request, world, researcher):
    page = client_request.login(researcher).get(invite_path(world.inquiry))
    assert text_of(page.h1) == "Invite someone"
    assert page.find("input", attrs={"name": "email", "type": "email"}) is not None
    radios = page.find_all("input", attrs={"name": "role", "type": "radio"})
    assert [r["value"] for r in radios] == [
        "participant",
        "witness",
        "commissioner",
        "observer",
        "researcher",
    ]
    assert not any(r.has_attr("checked") for r in radios)
    assert "Gives testimony to the cohort" in page.text
    assert "expires after 14 days" in page.text
    assert "We will email it; you can also copy it." in page.text


def test_role_in_the_address_is_chosen_in_the_form(client_request, world, researcher):
    page = client_request.login(researcher).get(invite_path(world.inquiry) + "?role=observer")
    checked = [
        r["value"] for r in page.find_all("input", attrs={"name": "role"}) if r.has_attr("checked")
    ]
    assert checked == ["observer"]
    page = client_request.get(invite_path(world.inquiry) + "?role=admin")
    assert not any(r.has_attr("checked") for r in page.find_all("input", attrs={"name": "role"}))


def test_creating_an_invitation(client_request, app, world, researcher):
    client_request.login(researcher)
    before = utcnow()
    location = client_request.post_redirect(
        invite_path(world.inquiry), {"email": "sam.okafor@example.org", "role": "witness"}
    )
    (invitation,) = invitations()
    assert location == f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"
    assert invitation.email == "sam.okafor@example.org"
    assert invitation.role == Role.WITNESS
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.invited_by_id == researcher.id
    assert invitation.sent_at is not None
    assert before + LIFETIME <= invitation.expires_at <= utcnow() + LIFETIME
    assert actions(world.inquiry) == ["invitation.created", "invitation.sent"]

    page = client_request.get(location)
    assert text_of(page.h1) == "Invitation to sam.okafor@example.org"
    link = text_of(page.select_one("#invitation-link"))
    assert link == "http://localhost" + link_path(invitation)
    assert "Pending" in page.text
    assert "Witness" in page.text

    (message,) = outbox(app)
    assert message["To"] == "sam.okafor@example.org"
    assert message["Subject"] == "You are invited to Living well at home"
    body = message.get_content()
    assert link in body
    assert "Rhiannon Researcher has invited you" in body
    assert "as witness" in body
    assert world.inquiry.question in body


def test_email_address_is_normalised(client_request, world, researcher):
    client_request.login(researcher).post_redirect(
        invite_path(world.inquiry), {"email": "  Sam.Okafor@Example.ORG ", "role": "participant"}
    )
    (invitation,) = invitations()
    assert invitation.email == "sam.okafor@example.org"


@pytest.mark.parametrize(
    "data,message,href",
    [
        ({"email": "", "role": "participant"}, "Enter an email address", "#email"),
        (
            {"email": "not-an-email", "role": "participant"},
            "Enter an email address in the correct format, like name@example.com",
            "#email",
        ),
        (
            {"email": "sam@example.org\x00", "role": "participant"},
            "Enter an email address in the correct format, like name@example.com",
            "#email",
        ),
        ({"email": "sam@example.org"}, "Select the role this person will have", "#role"),
        (
            {"email": "sam@example.org", "role": "superuser"},
            "Select the role this person will have",
            "#role",
        ),
    ],
)
def test_invitation_form_validation(client_request, app, world, researcher, data, message, href):
    page = client_request.login(researcher).post(invite_path(world.inquiry), data)
    assert page.title.get_text().strip().startswith("Error: ")
    assert error_messages(page) == [message]
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == [href]
    assert message in field_error(page, href[1:])
    assert invitations() == []
    assert outbox(app) == []


def test_typed_email_is_kept_when_the_role_is_missing(client_request, world, researcher):
    page = client_request.login(researcher).post(
        invite_path(world.inquiry), {"email": "sam@example.org"}
    )
    assert page.find("input", attrs={"name": "email"})["value"] == "sam@example.org"


@pytest.mark.parametrize(
    "email,role_label",
    [
        ("participant@example.org", "participant"),
        ("WITNESS@Example.org", "witness"),
        ("rhiannon.researcher@example.org", "researcher"),
    ],
)
def test_cannot_invite_an_existing_member(
    client_request, app, world, researcher, email, role_label
):
    page = client_request.login(researcher).post(
        invite_path(world.inquiry), {"email": email, "role": "observer"}
    )
    assert error_messages(page) == [
        f"This person is already a member of the inquiry as {role_label}"
    ]
    assert "already a member" in field_error(page, "email")
    assert invitations() == []
    assert outbox(app) == []


def test_member_of_another_inquiry_can_be_invited(client_request, world, researcher):
    client_request.login(researcher).post_redirect(
        invite_path(world.inquiry), {"email": "olu.outsider@example.org", "role": "observer"}
    )
    (invitation,) = invitations()
    assert invitation.email == "olu.outsider@example.org"


def test_cannot_invite_an_address_with_a_pending_invitation(
    client_request, app, world, researcher, invitation
):
    page = client_request.login(researcher).post(
        invite_path(world.inquiry), {"email": "SAM.OKAFOR@example.org", "role": "witness"}
    )
    assert error_messages(page) == [
        "This email address already has a pending invitation: resend or revoke it instead"
    ]
    assert invitations() == [invitation]
    assert outbox(app) == []


def test_an_address_can_be_invited_again_after_revoking(client_request, world, researcher):
    client_request.login(researcher)
    data = {"email": "sam.okafor@example.org", "role": "participant"}
    client_request.post_redirect(invite_path(world.inquiry), data)
    (first,) = invitations()
    client_request.post_redirect(f"/inquiries/{world.inquiry.id}/invitations/{first.id}/revoke", {})
    client_request.post_redirect(invite_path(world.inquiry), data)
    first_again, second = invitations()
    assert first_again.status == InvitationStatus.REVOKED
    assert second.status == InvitationStatus.PENDING
    assert services.link_token(SECRET, first) != services.link_token(SECRET, second)


def test_same_address_can_be_invited_to_two_inquiries(client_request, world, researcher):
    client_request.login(researcher).post_redirect(
        invite_path(world.inquiry), {"email": "sam@example.org", "role": "participant"}
    )
    new_invitation(world.other_inquiry, "sam@example.org", invited_by=world.people["other_member"])
    assert [i.inquiry_id for i in invitations()] == [world.inquiry.id, world.other_inquiry.id]


@pytest.mark.parametrize("actor", ["participant", "witness", "commissioner", "observer"])
def test_only_researchers_can_invite(client_request, app, world, actor):
    client_request.login(world.people[actor])
    client_request.get(invite_path(world.inquiry), expected_status=403)
    client_request.post(
        invite_path(world.inquiry),
        {"email": "sam@example.org", "role": "researcher"},
        expected_status=403,
    )
    assert invitations() == []
    assert outbox(app) == []


def test_signed_out_visitor_cannot_invite(client, world):
    response = client.post(
        invite_path(world.inquiry), data={"email": "sam@example.org", "role": "researcher"}
    )
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert invitations() == []


# Accepting as a new person ----------------------------------------------------


def test_link_offers_a_new_person_an_account(client_request, world, invitation):
    page = client_request.get(link_path(invitation))
    assert text_of(page.h1) == "Join Living well at home"
    assert "Create your account" in page.text
    assert "sam.okafor@example.org" in page.text
    assert "participant" in page.text
    assert "Rhiannon Researcher" in page.text
    assert world.inquiry.question in page.text
    for name in ("name", "new_password", "confirm_password"):
        assert page.find("input", attrs={"name": name}) is not None, name


def test_new_person_accepts_and_joins(client_request, world, invitation):
    location = client_request.post_redirect(
        link_path(invitation),
        {"name": " Sam Okafor ", "new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert location == f"/inquiries/{world.inquiry.id}"

    user = db.session.scalar(select(User).where(User.email == "sam.okafor@example.org"))
    assert user.name == "Sam Okafor"
    assert not user.is_researcher
    assert verify_password(user.password_hash, PASSWORD)
    joined = membership(world.inquiry, user)
    assert joined.role == Role.PARTICIPANT
    assert joined.status == MembershipStatus.ACTIVE

    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by_id == user.id
    assert invitation.accepted_at is not None
    assert actions(world.inquiry)[-2:] == ["invitation.accepted", "membership.created"]

    page = client_request.get(location)
    assert "Your account is ready and you have joined Living well at home" in page.text
    assert "Participant" in text_of(page.select_one(".govuk-summary-list"))

    page = client_request.get("/home")
    headings = [text_of(h) for h in page.find_all("h2")]
    assert "As participant" in headings
    assert page.find("a", href=f"/inquiries/{world.inquiry.id}") is not None


def test_new_person_joins_in_the_invited_role(client_request, world, researcher):
    invitation = new_invitation(
        world.inquiry, "grace.ito@example.org", role=Role.RESEARCHER, invited_by=researcher
    )
    client_request.post_redirect(
        link_path(invitation),
        {"name": "Grace Ito", "new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    user = db.session.scalar(select(User).where(User.email == "grace.ito@example.org"))
    assert membership(world.inquiry, user).role == Role.RESEARCHER
    client_request.get(f"/inquiries/{world.inquiry.id}/members")


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"name": "", "new_password": PASSWORD, "confirm_password": PASSWORD},
            "Enter your full name",
        ),
        (
            {"name": "Sam Okafor", "new_password": PASSWORD, "confirm_password": PASSWORD + "x"},
            "The passwords do not match",
        ),
        (
            {"name": "Sam Okafor", "new_password": "short", "confirm_password": "short"},
            "Password must be at least 12 characters",
        ),
        (
            {"name": "Sam\x00Okafor", "new_password": PASSWORD, "confirm_password": PASSWORD},
            "Full name must not contain control characters",
        ),
    ],
)
def test_new_account_form_validation(client_request, world, invitation, data, message):
    users = user_count()
    page = client_request.post(link_path(invitation), data)
    assert page.title.get_text().strip().startswith("Error: ")
    assert message in error_messages(page)
    assert user_count() == users
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.PENDING


def test_typed_name_is_kept_but_passwords_are_not(client_request, invitation):
    page = client_request.post(
        link_path(invitation),
        {"name": "Sam Okafor", "new_password": PASSWORD, "confirm_password": "different"},
    )
    assert page.find("input", attrs={"name": "name"})["value"] == "Sam Okafor"
    assert PASSWORD not in str(page)


# Accepting with an existing account --------------------------------------------


@pytest.fixture
def account() -> User:
    return make_user("kai.brennan@example.org", name="Kai Brennan")


@pytest.fixture
def invitation_for_account(world, researcher, account) -> Invitation:
    return new_invitation(
        world.inquiry, "Kai.Brennan@example.org", role=Role.OBSERVER, invited_by=researcher
    )


def test_existing_account_is_asked_to_sign_in(client_request, invitation_for_account):
    path = link_path(invitation_for_account)
    page = client_request.get(path)
    assert "Sign in to accept" in page.text
    assert "Create your account" not in page.text
    assert page.find("input", attrs={"name": "new_password"}) is None
    button = page.find("a", string=lambda s: s and "Sign in to accept" in s)
    assert urlsplit(button["href"]).path == "/sign-in"
    assert path in button["href"].replace("%2F", "/")


def test_signed_out_post_does_not_take_over_an_existing_account(
    client_request, world, account, invitation_for_account
):
    page = client_request.post(
        link_path(invitation_for_account),
        {"name": "Mallory", "new_password": "another password here", "confirm_password": ""},
    )
    assert "Sign in to accept" in page.text
    db.session.refresh(account)
    assert account.name == "Kai Brennan"
    assert verify_password(account.password_hash, PASSWORD)
    assert membership(world.inquiry, account) is None


def test_existing_account_signs_in_and_accepts(client, client_request, world, account, app):
    invitation = new_invitation(
        world.inquiry, account.email, role=Role.WITNESS, invited_by=world.people["researcher"]
    )
    path = link_path(invitation)
    response = client.post(
        f"/sign-in?next={path}", data={"email": account.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == path

    page = client_request.get(path)
    assert text_of(page.h1) == "Join Living well at home"
    assert page.find("button", string=lambda s: s and "Accept invitation" in s) is not None
    assert membership(world.inquiry, account) is None

    location = client_request.post_redirect(path, {})
    assert location == f"/inquiries/{world.inquiry.id}"
    joined = membership(world.inquiry, account)
    assert joined.role == Role.WITNESS
    assert joined.status == MembershipStatus.ACTIVE
    page = client_request.get(location)
    assert "You have joined Living well at home" in page.text


def test_signed_in_account_accepts(client_request, world, account, invitation_for_account):
    client_request.login(account)
    client_request.post_redirect(link_path(invitation_for_account), {})
    assert membership(world.inquiry, account).role == Role.OBSERVER
    db.session.refresh(invitation_for_account)
    assert invitation_for_account.status == InvitationStatus.ACCEPTED
    assert invitation_for_account.accepted_by_id == account.id


def test_member_of_another_inquiry_keeps_their_other_role(client_request, world, researcher):
    outsider = world.people["other_member"]
    invitation = new_invitation(
        world.inquiry, outsider.email, role=Role.PARTICIPANT, invited_by=researcher
    )
    client_request.login(outsider).post_redirect(link_path(invitation), {})
    page = client_request.get("/home")
    headings = [text_of(h) for h in page.find_all("h2") if text_of(h).startswith("As ")]
    assert headings == ["As researcher", "As participant"]
    assert membership(world.other_inquiry, outsider).role == Role.RESEARCHER


@pytest.mark.parametrize("actor", ["no_role", "participant", "researcher"])
def test_someone_else_signed_in_gets_403(
    client_request, world, account, invitation_for_account, actor
):
    path = link_path(invitation_for_account)
    client_request.login(world.people[actor])
    page = client_request.get(path, expected_status=403)
    assert text_of(page.h1) == "This invitation is for someone else"
    assert world.people[actor].email in page.text
    assert "kai.brennan@example.org" not in page.text
    page = client_request.post(path, {}, expected_status=403)
    db.session.refresh(invitation_for_account)
    assert invitation_for_account.status == InvitationStatus.PENDING
    assert membership(world.inquiry, account) is None
    if actor == "no_role":
        assert membership(world.inquiry, world.people[actor]) is None


def test_signed_in_person_cannot_use_a_new_person_link(client_request, world, invitation):
    client_request.login(world.people["participant"])
    client_request.post(
        link_path(invitation),
        {"name": "Sam", "new_password": PASSWORD, "confirm_password": PASSWORD},
        expected_status=403,
    )
    assert db.session.scalar(select(User).where(User.email == invitation.email)) is None


# Links that cannot be used ----------------------------------------------------


def accept_as_new_person(client_request, invitation: Invitation) -> None:
    client_request.post_redirect(
        link_path(invitation),
        {"name": "Sam Okafor", "new_password": PASSWORD, "confirm_password": PASSWORD},
    )


def test_used_link_cannot_be_used_again(client, client_request, world, invitation):
    accept_as_new_person(client_request, invitation)
    path = link_path(invitation)
    page = client_request.get(path, expected_status=400)
    assert text_of(page.h1) == "This invitation has already been used"

    sign_in_as(client, None)
    users = user_count()
    page = client_request.get(path, expected_status=400)
    assert text_of(page.h1) == "This invitation has already been used"
    page = client_request.post(
        path,
        {"name": "Second Person", "new_password": PASSWORD, "confirm_password": PASSWORD},
        expected_status=400,
    )
    assert user_count() == users


def test_expired_link_cannot_be_used(client_request, world, invitation):
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    path = link_path(invitation)
    page = client_request.get(path, expected_status=400)
    assert text_of(page.h1) == "This invitation has expired"
    assert "Invitations expire after 14 days" in page.text
    users = user_count()
    client_request.post(
        path,
        {"name": "Sam", "new_password": PASSWORD, "confirm_password": PASSWORD},
        expected_status=400,
    )
    assert user_count() == users


def test_expiry_follows_the_configured_lifetime(
    client_request, app, world, researcher, monkeypatch
):
    monkeypatch.setitem(app.config, "INVITATION_DAYS", 3)
    client_request.login(researcher).post_redirect(
        invite_path(world.inquiry), {"email": "sam@example.org", "role": "participant"}
    )
    (invitation,) = invitations()
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)

    invitation.created_at -= timedelta(days=3)
    invitation.expires_at -= timedelta(days=3)
    db.session.commit()
    client_request.login(None)
    page = client_request.get(link_path(invitation), expected_status=400)
    assert text_of(page.h1) == "This invitation has expired"
    assert "Invitations expire after 3 days" in page.text


def test_signed_in_invitee_sees_expiry_too(client_request, account, invitation_for_account):
    invitation_for_account.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client_request.login(account)
    page = client_request.post(link_path(invitation_for_account), {}, expected_status=400)
    assert text_of(page.h1) == "This invitation has expired"


def test_revoking_an_invitation(client_request, app, world, researcher, invitation):
    base = f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"
    client_request.login(researcher)
    page = client_request.get(base + "/revoke")
    assert text_of(page.h1) == "Revoke the invitation to sam.okafor@example.org?"
    form = page.find("form", attrs={"method": "post", "action": base + "/revoke"})
    assert form is not None
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.PENDING

    response = client_request.client.post(base + "/revoke")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/inquiries/{world.inquiry.id}/members"
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.REVOKED
    assert invitation.revoked_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.revoked"))
    assert (event.actor_id, event.inquiry_id) == (researcher.id, world.inquiry.id)
    assert (event.object_type, event.object_id) == ("invitation", invitation.id)

    page = client_request.get(response.headers["Location"])
    assert "Invitation to sam.okafor@example.org revoked" in page.text
    assert "There are no pending invitations." in page.text

    page = client_request.get(base)
    assert page.select_one("#invitation-link") is None
    assert page.find("form", attrs={"action": base + "/resend"}) is None
    assert "Revoked" in page.text

    client_request.login(None)
    page = client_request.get(link_path(invitation), expected_status=400)
    assert text_of(page.h1) == "This invitation has been withdrawn"


def test_revoking_twice_says_so(client_request, world, researcher, invitation):
    base = f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"
    client_request.login(researcher)
    client_request.post_redirect(base + "/revoke", {})
    page = client_request.get(base + "/revoke")
    assert "This invitation has already been revoked." in page.text
    assert page.find("form", attrs={"action": base + "/revoke"}) is None
    client_request.post_redirect(base + "/revoke", {})
    page = client_request.get(f"/inquiries/{world.inquiry.id}/members")
    assert "This invitation has already been revoked" in text_of(
        page.select_one(".govuk-error-summary")
    )
    assert actions(world.inquiry).count("invitation.revoked") == 1


def test_accepted_invitation_cannot_be_revoked(client_request, world, researcher, invitation):
    accept_as_new_person(client_request, invitation)
    base = f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"
    client_request.login(researcher).post_redirect(base + "/revoke", {})
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.ACCEPTED
    user = db.session.scalar(select(User).where(User.email == invitation.email))
    assert membership(world.inquiry, user).status == MembershipStatus.ACTIVE


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "x" * 600,
        "WzEsIm5vbmNlIl0.invalidsignature",
    ],
)
def test_garbage_token_is_refused(client_request, invitation, token):
    page = client_request.get(f"/invitations/{token}", expected_status=400)
    assert text_of(page.h1) == "This link cannot be used"
    assert "Ask the researcher who invited you" in page.text


def test_tampered_token_is_refused(client_request, invitation):
    payload, signature = services.link_token(SECRET, invitation).rsplit(".", 1)
    changed = ("B" if signature[0] == "A" else "A") + signature[1:]
    page = client_request.get(f"/invitations/{payload}.{changed}", expected_status=400)
    assert text_of(page.h1) == "This link cannot be used"
    changed = ("B" if payload[3] == "A" else "A").join((payload[:3], payload[4:]))
    client_request.get(f"/invitations/{changed}.{signature}", expected_status=400)


@pytest.mark.parametrize(
    "token_for",
    [
        lambda inv: sign_link("another-secret-key", "invitation", inv.id, inv.nonce),
        lambda inv: sign_link(SECRET, TokenPurpose.PASSWORD_RESET.value, inv.id, inv.nonce),
        lambda inv: sign_link(SECRET, "invitation", inv.id, "guessed-nonce"),
        lambda inv: sign_link(SECRET, "invitation", inv.id + 100, inv.nonce),
    ],
    ids=["other-secret", "other-purpose", "wrong-nonce", "missing-row"],
)
def test_forged_tokens_are_refused(client_request, invitation, token_for):
    users = user_count()
    client_request.get(f"/invitations/{token_for(invitation)}", expected_status=400)
    client_request.post(
        f"/invitations/{token_for(invitation)}",
        {"name": "Sam", "new_password": PASSWORD, "confirm_password": PASSWORD},
        expected_status=400,
    )
    assert user_count() == users


# Resending --------------------------------------------------------------------


def test_resend_extends_the_expiry_and_sends_again(client_request, app, world, researcher):
    client_request.login(researcher).post_redirect(
        invite_path(world.inquiry), {"email": "sam@example.org", "role": "participant"}
    )
    (invitation,) = invitations()
    link = link_path(invitation)
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    base = f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"

    page = client_request.get(base)
    assert "Expired" in page.text
    assert page.select_one("#invitation-link") is None
    assert "Renew invitation" in page.text

    before = utcnow()
    response = client_request.client.post(base + "/resend")
    assert response.status_code == 302
    assert response.headers["Location"] == base
    db.session.refresh(invitation)
    assert invitation.expires_at >= before + LIFETIME
    assert invitation.sent_at >= before
    assert link_path(invitation) == link

    _, second = outbox(app)
    assert second["To"] == "sam@example.org"
    assert "http://localhost" + link in second.get_content()
    assert actions(world.inquiry)[-2:] == ["invitation.resent", "invitation.sent"]

    page = client_request.get(base)
    assert "Invitation sent again to sam@example.org" in page.text
    assert text_of(page.select_one("#invitation-link")) == "http://localhost" + link

    client_request.login(None)
    page = client_request.get(link)
    assert "Create your account" in page.text


def test_resend_of_a_revoked_invitation_is_refused(
    client_request, app, world, researcher, invitation
):
    base = f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"
    client_request.login(researcher).post_redirect(base + "/revoke", {})
    db.session.refresh(invitation)
    expires = invitation.expires_at
    sent = len(outbox(app))

    assert client_request.post_redirect(base + "/resend", {}) == base
    page = client_request.get(base)
    assert "This invitation has been revoked" in text_of(page.select_one(".govuk-error-summary"))
    db.session.refresh(invitation)
    assert invitation.expires_at == expires
    assert invitation.status == InvitationStatus.REVOKED
    assert len(outbox(app)) == sent
    assert "invitation.resent" not in actions(world.inquiry)


def test_resend_of_an_accepted_invitation_is_refused(client_request, app, world, invitation):
    accept_as_new_person(client_request, invitation)
    base = f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"
    client_request.login(world.people["researcher"]).post_redirect(base + "/resend", {})
    page = client_request.get(base)
    assert "This invitation has been accepted" in page.text
    assert outbox(app) == []


# Other inquiries' invitations ---------------------------------------------------


@pytest.fixture
def other_invitation(world) -> Invitation:
    return new_invitation(
        world.other_inquiry, "lena.virtanen@example.org", invited_by=world.people["other_member"]
    )


@pytest.mark.parametrize("suffix", ["", "/revoke"])
def test_researcher_cannot_see_another_inquirys_invitation(
    client_request, world, researcher, other_invitation, suffix
):
    client_request.login(researcher)
    for inquiry in (world.inquiry, world.other_inquiry):
        path = f"/inquiries/{inquiry.id}/invitations/{other_invitation.id}{suffix}"
        page = client_request.get(path, expected_status=404)
        assert "lena.virtanen@example.org" not in page.text


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_researcher_cannot_change_another_inquirys_invitation(
    client_request, app, world, researcher, other_invitation, action
):
    expires = other_invitation.expires_at
    client_request.login(researcher)
    for inquiry in (world.inquiry, world.other_inquiry):
        path = f"/inquiries/{inquiry.id}/invitations/{other_invitation.id}/{action}"
        client_request.post(path, {}, expected_status=404)
    db.session.refresh(other_invitation)
    assert other_invitation.status == InvitationStatus.PENDING
    assert other_invitation.expires_at == expires
    assert outbox(app) == []


def test_researcher_cannot_invite_to_another_inquiry(client_request, app, world, researcher):
    path = invite_path(world.other_inquiry)
    client_request.login(researcher)
    client_request.get(path, expected_status=404)
    client_request.post(path, {"email": "sam@example.org", "role": "researcher"}, 404)
    assert invitations() == []
    assert outbox(app) == []


def test_missing_invitation_is_not_found(client_request, world, researcher):
    client_request.login(researcher).get(
        f"/inquiries/{world.inquiry.id}/invitations/4040", expected_status=404
    )


@pytest.mark.parametrize("actor", ["participant", "observer"])
def test_members_who_are_not_researchers_cannot_manage_invitations(
    client_request, world, invitation, actor
):
    base = f"/inquiries/{world.inquiry.id}/invitations/{invitation.id}"
    client_request.login(world.people[actor])
    client_request.get(base, expected_status=403)
    client_request.get(base + "/revoke", expected_status=403)
    client_request.post(base + "/revoke", {}, expected_status=403)
    client_request.post(base + "/resend", {}, expected_status=403)
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.PENDING


# Services ---------------------------------------------------------------------


def test_create_invitation_service(world, researcher):
    now = utcnow()
    invitation = services.create_invitation(
        db.session,
        inquiry=world.inquiry,
        email=" Lee.Chen@Example.org ",
        role=Role.COMMISSIONER,
        invited_by=researcher,
        now=now,
        lifetime=timedelta(days=5),
    )
    assert invitation.id is not None
    assert invitation.email == "lee.chen@example.org"
    assert invitation.role == Role.COMMISSIONER
    assert invitation.created_at == now
    assert invitation.expires_at == now + timedelta(days=5)
    assert invitation.sent_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.created"))
    assert event.details == {"role": "commissioner"}
    assert event.object_id == invitation.id

    db.session.rollback()
    assert invitations() == []


def test_create_invitation_refuses_members_and_pending_addresses(world, researcher):
    with pytest.raises(services.InvitationError) as error:
        new_invitation(world.inquiry, "Observer@example.org", invited_by=researcher)
    assert error.value.field == "email"
    assert "already a member of the inquiry as observer" in error.value.message
    db.session.rollback()

    new_invitation(world.inquiry, "lee@example.org", invited_by=researcher)
    with pytest.raises(services.InvitationError, match="pending invitation"):
        new_invitation(world.inquiry, "LEE@example.org", invited_by=researcher)


def test_create_invitation_allows_an_address_whose_invitation_expired(world, researcher):
    past = utcnow() - timedelta(days=30)
    old = new_invitation(world.inquiry, "lee@example.org", invited_by=researcher, now=past)
    new = new_invitation(world.inquiry, "lee@example.org", invited_by=researcher)
    assert services.problem_with(old, utcnow()) == "expired"
    assert services.problem_with(new, utcnow()) is None


def test_create_invitation_allows_a_withdrawn_member(world, researcher):
    witness = world.people["witness"]
    membership(world.inquiry, witness).status = MembershipStatus.WITHDRAWN
    db.session.commit()
    invitation = new_invitation(
        world.inquiry, witness.email, role=Role.PARTICIPANT, invited_by=researcher
    )
    joined = services.accept(db.session, invitation, user=witness, now=utcnow())
    db.session.commit()
    assert joined.id == membership(world.inquiry, witness).id
    assert joined.role == Role.PARTICIPANT
    assert joined.status == MembershipStatus.ACTIVE


def test_problem_with(world, researcher, invitation):
    now = utcnow()
    assert services.problem_with(invitation, now) is None
    assert services.problem_with(invitation, invitation.expires_at - timedelta(seconds=1)) is None
    assert services.problem_with(invitation, invitation.expires_at) == "expired"
    services.revoke(db.session, invitation, actor=researcher, now=now)
    assert services.problem_with(invitation, now) == "revoked"
    assert services.problem_with(invitation, now + timedelta(days=100)) == "revoked"
    invitation.status = InvitationStatus.ACCEPTED
    assert services.problem_with(invitation, now) == "accepted"


def test_accept_service(world, invitation):
    now = utcnow()
    user = make_user("sam.okafor@example.org")
    joined = services.accept(db.session, invitation, user=user, now=now)
    assert joined.inquiry_id == world.inquiry.id
    assert joined.user_id == user.id
    assert joined.role == Role.PARTICIPANT
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_at == now
    assert invitation.accepted_by_id == user.id
    assert any(m.inquiry_id == world.inquiry.id for m in user.memberships)
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.created"))
    assert (created.actor_id, created.object_id) == (user.id, joined.id)
    assert created.details == {"role": "participant"}

    with pytest.raises(services.InvitationError, match="has been accepted"):
        services.accept(db.session, invitation, user=user, now=now)


def test_accept_refuses_a_different_email(world, invitation):
    other = make_user("someone.else@example.org")
    with pytest.raises(services.InvitationError, match="different email address"):
        services.accept(db.session, invitation, user=other, now=utcnow())
    assert invitation.status == InvitationStatus.PENDING
    assert membership(world.inquiry, other) is None


def test_accept_refuses_expired_and_revoked(world, researcher, invitation):
    user = make_user("sam.okafor@example.org")
    with pytest.raises(services.InvitationError, match="has been expired"):
        services.accept(db.session, invitation, user=user, now=invitation.expires_at)
    services.revoke(db.session, invitation, actor=researcher, now=utcnow())
    with pytest.raises(services.InvitationError, match="has been revoked"):
        services.accept(db.session, invitation, user=user, now=utcnow())
    assert membership(world.inquiry, user) is None


def test_accept_refuses_an_active_member(world, researcher):
    participant = world.people["participant"]
    invitation = Invitation(
        inquiry_id=world.inquiry.id,
        email=participant.email,
        role=Role.RESEARCHER,
        nonce="n",
        expires_at=utcnow() + LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    with pytest.raises(services.InvitationError, match="already a member of this inquiry"):
        services.accept(db.session, invitation, user=participant, now=utcnow())
    assert membership(world.inquiry, participant).role == Role.PARTICIPANT


def test_revoke_service(world, researcher, invitation):
    now = utcnow()
    services.revoke(db.session, invitation, actor=researcher, now=now)
    assert invitation.status == InvitationStatus.REVOKED
    assert invitation.revoked_at == now
    with pytest.raises(services.InvitationError, match="already been revoked"):
        services.revoke(db.session, invitation, actor=researcher, now=now)


def test_resend_service(world, researcher, invitation):
    token = services.link_token(SECRET, invitation)
    later = utcnow() + timedelta(days=20)
    services.resend(db.session, invitation, actor=researcher, now=later, lifetime=LIFETIME)
    assert invitation.expires_at == later + LIFETIME
    assert services.problem_with(invitation, later) is None
    assert services.link_token(SECRET, invitation) == token
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.resent"))
    assert (event.actor_id, event.object_id) == (researcher.id, invitation.id)

    services.revoke(db.session, invitation, actor=researcher, now=later)
    with pytest.raises(services.InvitationError, match="has been revoked"):
        services.resend(db.session, invitation, actor=researcher, now=later, lifetime=LIFETIME)


def test_find_by_token(world, researcher, invitation):
    token = services.link_token(SECRET, invitation)
    assert services.find_by_token(db.session, token, secret_key=SECRET) == invitation
    assert services.find_by_token(db.session, token, secret_key="another key") is None
    assert services.find_by_token(db.session, "", secret_key=SECRET) is None
    services.revoke(db.session, invitation, actor=researcher, now=utcnow())
    assert services.find_by_token(db.session, token, secret_key=SECRET) == invitation


def test_each_invitation_has_its_own_link(world, researcher):
    first = new_invitation(world.inquiry, "a@example.org", invited_by=researcher)
    second = new_invitation(world.inquiry, "b@example.org", invited_by=researcher)
    assert services.link_token(SECRET, first) != services.link_token(SECRET, second)
    assert first.nonce != second.nonce


def test_existing_account(world, invitation):
    assert services.existing_account(db.session, invitation) is None
    user = make_user("sam.okafor@example.org")
    assert services.existing_account(db.session, invitation) == user


def test_researcher_in_another_inquiry_accepts_as_participant(world):
    lead = make_user("lead@example.org", researcher=True)
    own = make_inquiry(lead, title="Lead's own")
    invitation = new_invitation(world.inquiry, lead.email, invited_by=world.people["researcher"])
    services.accept(db.session, invitation, user=lead, now=utcnow())
    db.session.commit()
    assert membership(own, lead).role == Role.RESEARCHER
    assert membership(world.inquiry, lead).role == Role.PARTICIPANT


def test_without_a_mail_server_the_researcher_copies_the_link(
    client_request, app, world, researcher, monkeypatch
):
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    client_request.login(researcher)
    page = client_request.get(invite_path(world.inquiry))
    assert "This service does not send email" in page.text

    location = client_request.post_redirect(
        invite_path(world.inquiry), {"email": "sam@example.org", "role": "participant"}
    )
    (invitation,) = invitations()
    assert invitation.sent_at is None
    assert actions(world.inquiry) == ["invitation.created"]
    page = client_request.get(location)
    assert "Not emailed" in page.text
    assert text_of(page.select_one("#invitation-link")).endswith(link_path(invitation))
    assert "Renew for 14 days" in page.text

    client_request.post_redirect(location + "/resend", {})
    page = client_request.get(location)
    assert "Invitation renewed for another 14 days: copy the link and send it" in page.text
    assert "Not emailed" in page.text
    db.session.refresh(invitation)
    assert invitation.sent_at is None
    assert actions(world.inquiry) == ["invitation.created", "invitation.resent"]
    assert outbox(app) == []


def test_accepting_a_researcher_invitation_lets_them_create_inquiries(client, world):
    invitation = services.create_invitation(
        db.session,
        inquiry=world.inquiry,
        email="co.researcher@example.org",
        role=Role.RESEARCHER,
        invited_by=world.people["researcher"],
        now=utcnow(),
        lifetime=timedelta(days=14),
    )
    db.session.commit()
    token = services.link_token(client.application.secret_key, invitation)
    response = client.post(
        f"/invitations/{token}",
        data={"name": "Cai Jones", "new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "co.researcher@example.org"))
    assert user.is_researcher is True
    assert user.last_signed_in_at is not None
    assert client.get("/inquiries/new").status_code == 200
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == user.id)
    ).all()
    assert "user.researcher_granted" in actions


def test_a_name_from_the_import_is_suggested_on_the_new_account_form(client_request, world):
    invitation = services.create_invitation(
        db.session,
        inquiry=world.inquiry,
        email="imported.person@example.org",
        role=Role.PARTICIPANT,
        invited_by=world.people["researcher"],
        now=utcnow(),
        lifetime=timedelta(days=14),
    )
    invitation.profile = {"name": "Imani Okafor"}
    db.session.commit()
    token = services.link_token(client_request.client.application.secret_key, invitation)
    page = client_request.get(f"/invitations/{token}")
    assert page.find("input", attrs={"name": "name"})["value"] == "Imani Okafor"


def test_hostile_text_in_an_invitation_email_stays_plain_text(
    app, client_request, world, researcher
):
    """Emails are plain text only: an inquiry title or a name full of markup arrives as
    the characters typed, with no HTML part for a mail reader to run, and a line break
    cannot add a header."""
    world.inquiry.title = '<img src=x onerror="alert(1)"> Living well'
    world.inquiry.question = "<script>alert(1)</script> What would help?"
    researcher.name = "<b>Rhiannon</b>\r\nBcc: someone@example.org"
    db.session.commit()
    client_request.login(researcher).post_redirect(
        invite_path(world.inquiry), {"email": "sam.okafor@example.org", "role": "participant"}
    )
    (message,) = outbox(app)
    assert [part.get_content_type() for part in message.walk()] == ["text/plain"]
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    body = message.get_content()
    assert "<script>alert(1)</script> What would help?" in body
    assert "&lt;" not in body
