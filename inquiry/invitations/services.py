"""Creating, resending, revoking and accepting invitations."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.services import AccountError, find_user_by_email, normalise_email
from ..audit.service import record
from ..models import (
    Inquiry,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    User,
)
from ..models.profile import profile_for_role
from ..security.links import new_nonce, read_link, sign_link

PURPOSE = "invitation"


class InvitationError(AccountError):
    pass


def link_token(secret_key: str, invitation: Invitation) -> str:
    return sign_link(secret_key, PURPOSE, invitation.id, invitation.nonce)


def find_by_token(session: Session, token: str, *, secret_key: str) -> Invitation | None:
    """The invitation a link points to, whatever its state, or None if the link is not ours."""
    claim = read_link(secret_key, PURPOSE, token)
    if claim is None:
        return None
    invitation = session.get(Invitation, claim.row_id)
    if invitation is None or not claim.matches(invitation.nonce):
        return None
    return invitation


def membership_for(session: Session, inquiry: Inquiry, email: str) -> Membership | None:
    return session.scalar(
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.inquiry_id == inquiry.id, User.email == normalise_email(email))
    )


def create_invitation(
    session: Session,
    *,
    inquiry: Inquiry,
    email: str,
    role: Role,
    invited_by: User,
    now: datetime,
    lifetime: timedelta,
) -> Invitation:
    email = normalise_email(email)
    existing = membership_for(session, inquiry, email)
    if existing is not None and existing.status != MembershipStatus.WITHDRAWN:
        raise InvitationError(
            f"This person is already a member of the inquiry as {existing.role.label.lower()}",
            "email",
        )
    pending = session.scalar(
        select(Invitation).where(
            Invitation.inquiry_id == inquiry.id,
            Invitation.email == email,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > now,
        )
    )
    if pending is not None:
        raise InvitationError(
            "This email address already has a pending invitation: resend or revoke it instead",
            "email",
        )
    invitation = Invitation(
        inquiry_id=inquiry.id,
        email=email,
        role=role,
        nonce=new_nonce(),
        invited_by_id=invited_by.id,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(invitation)
    session.flush()
    record(
        session,
        "invitation.created",
        actor=invited_by,
        inquiry=inquiry,
        object_type="invitation",
        object_id=invitation.id,
        role=role.value,
    )
    return invitation


def mark_sent(session: Session, invitation: Invitation, *, actor: User, now: datetime) -> None:
    invitation.sent_at = now
    record(
        session,
        "invitation.sent",
        actor=actor,
        inquiry=invitation.inquiry,
        object_type="invitation",
        object_id=invitation.id,
    )


def resend(
    session: Session, invitation: Invitation, *, actor: User, now: datetime, lifetime: timedelta
) -> None:
    """Give a pending (or expired) invitation a fresh expiry; the link stays the same.

    Emailing it again is the caller's business: ``mark_sent`` records that it went.
    """
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationError(f"This invitation has been {invitation.status.value}")
    invitation.expires_at = now + lifetime
    record(
        session,
        "invitation.resent",
        actor=actor,
        inquiry=invitation.inquiry,
        object_type="invitation",
        object_id=invitation.id,
    )


def revoke(session: Session, invitation: Invitation, *, actor: User, now: datetime) -> None:
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationError(f"This invitation has already been {invitation.status.value}")
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = now
    record(
        session,
        "invitation.revoked",
        actor=actor,
        inquiry=invitation.inquiry,
        object_type="invitation",
        object_id=invitation.id,
    )


def problem_with(invitation: Invitation, now: datetime) -> str | None:
    """Why this invitation cannot be accepted, or None if it can."""
    if invitation.status == InvitationStatus.REVOKED:
        return "revoked"
    if invitation.status == InvitationStatus.ACCEPTED:
        return "accepted"
    if invitation.is_expired(now):
        return "expired"
    return None


def accept(session: Session, invitation: Invitation, *, user: User, now: datetime) -> Membership:
    """Give the user the invited role; the invitation cannot be used again."""
    problem = problem_with(invitation, now)
    if problem is not None:
        raise InvitationError(f"This invitation has been {problem}")
    if normalise_email(user.email) != invitation.email:
        raise InvitationError("This invitation was sent to a different email address")
    membership = session.scalar(
        select(Membership).where(
            Membership.inquiry_id == invitation.inquiry_id, Membership.user_id == user.id
        )
    )
    if membership is not None and membership.status != MembershipStatus.WITHDRAWN:
        raise InvitationError(
            f"You are already a member of this inquiry as {membership.role.label.lower()}"
        )
    if membership is None:
        membership = Membership(
            inquiry_id=invitation.inquiry_id, user_id=user.id, role=invitation.role
        )
        session.add(membership)
    else:
        membership.role = invitation.role
        membership.status = MembershipStatus.ACTIVE
        membership.withdrawn_at = None
    # What the researcher recorded about the person (for example from a CSV import)
    # starts their profile; they can change it afterwards.
    for field, value in profile_for_role(invitation.role.value, invitation.profile or {}).items():
        setattr(membership, field, value)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    # A co-researcher is a peer: they may also start inquiries of their own.
    granted_researcher = invitation.role == Role.RESEARCHER and not user.is_researcher
    if granted_researcher:
        user.is_researcher = True
    session.flush()
    session.refresh(user, ["memberships"])
    record(
        session,
        "invitation.accepted",
        actor=user,
        inquiry=invitation.inquiry,
        object_type="invitation",
        object_id=invitation.id,
    )
    record(
        session,
        "membership.created",
        actor=user,
        inquiry=invitation.inquiry,
        object_type="membership",
        object_id=membership.id,
        role=invitation.role.value,
    )
    if granted_researcher:
        record(
            session,
            "user.researcher_granted",
            actor=user,
            inquiry=invitation.inquiry,
            object_type="user",
            object_id=user.id,
        )
    return membership


def existing_account(session: Session, invitation: Invitation) -> User | None:
    return find_user_by_email(session, invitation.email)
