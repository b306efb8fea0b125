"""Who may do what: the one place that decides.

Every rule is a plain function. Rules about the whole site take the user;
rules about an inquiry take the user and the inquiry. Views name a rule through
``inquiry.permissions.requires``; nothing else in the code makes access decisions.
"""

from __future__ import annotations

from .models import Inquiry, Membership, MembershipStatus, Role, User


def membership_of(user: User, inquiry: Inquiry) -> Membership | None:
    """The user's active membership of the inquiry, if any."""
    if not getattr(user, "is_authenticated", False) or user.is_disabled:
        return None
    for membership in user.memberships:
        if membership.inquiry_id == inquiry.id and membership.status == MembershipStatus.ACTIVE:
            return membership
    return None


def role_in(user: User, inquiry: Inquiry) -> Role | None:
    membership = membership_of(user, inquiry)
    return membership.role if membership else None


# Rules about the whole site -------------------------------------------------


def signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not user.is_disabled


def can_create_inquiry(user: User) -> bool:
    return signed_in(user) and user.is_researcher


# Rules about one inquiry ------------------------------------------------------


def is_member(user: User, inquiry: Inquiry) -> bool:
    """Any active member: researchers, participants, witnesses, commissioners, observers."""
    return membership_of(user, inquiry) is not None


def can_manage(user: User, inquiry: Inquiry) -> bool:
    """Configure the inquiry, manage its cohort and invitations, read its audit log."""
    return role_in(user, inquiry) == Role.RESEARCHER


def can_view_audit_log(user: User, inquiry: Inquiry) -> bool:
    return can_manage(user, inquiry)


def can_invite(user: User, inquiry: Inquiry) -> bool:
    return can_manage(user, inquiry)


def can_issue_reset_link(actor: User, target: User, inquiry: Inquiry) -> bool:
    """A researcher may hand a reset link to a member who has no email.

    Only for members whose every inquiry this researcher also runs, and never
    for researchers' accounts: otherwise a link could take over an account with
    access the researcher does not have.
    """
    if not can_manage(actor, inquiry) or target.id == actor.id or target.is_researcher:
        return False
    if target.is_disabled:
        return False
    target_inquiries = [
        m.inquiry for m in target.memberships if m.status == MembershipStatus.ACTIVE
    ]
    if not any(i.id == inquiry.id for i in target_inquiries):
        return False
    return all(can_manage(actor, other) for other in target_inquiries)


def is_asked_to_consent(user: User, inquiry: Inquiry) -> bool:
    """Participants and witnesses agree to their information and consent text first.

    Researchers, commissioners and observers are not asked.
    """
    return role_in(user, inquiry) in (Role.PARTICIPANT, Role.WITNESS)


def can_edit_own_profile(user: User, inquiry: Inquiry) -> bool:
    """Participants and witnesses keep their own profile in the inquiry."""
    return role_in(user, inquiry) in (Role.PARTICIPANT, Role.WITNESS)


def can_withdraw_self(user: User, inquiry: Inquiry) -> bool:
    """Participants and witnesses may leave the inquiry themselves."""
    return role_in(user, inquiry) in (Role.PARTICIPANT, Role.WITNESS)
