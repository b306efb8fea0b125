"""Creating inquiries and describing them for their members."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import (
    Inquiry,
    InquiryStatus,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    User,
)

ROLE_ORDER = [Role.RESEARCHER, Role.PARTICIPANT, Role.WITNESS, Role.COMMISSIONER, Role.OBSERVER]


def create_inquiry(session: Session, *, creator: User, title: str, question: str) -> Inquiry:
    """A new draft inquiry, with its creator as its first researcher."""
    inquiry = Inquiry(title=title.strip(), question=question.strip(), created_by_id=creator.id)
    session.add(inquiry)
    session.flush()
    membership = Membership(inquiry_id=inquiry.id, user_id=creator.id, role=Role.RESEARCHER)
    session.add(membership)
    session.flush()
    session.refresh(creator, ["memberships"])
    record(
        session,
        "inquiry.created",
        actor=creator,
        inquiry=inquiry,
        object_type="inquiry",
        object_id=inquiry.id,
    )
    record(
        session,
        "membership.created",
        actor=creator,
        inquiry=inquiry,
        object_type="membership",
        object_id=membership.id,
        role=Role.RESEARCHER.value,
    )
    return inquiry


@dataclass(frozen=True)
class HomeEntry:
    membership: Membership
    next_step: str
    next_url_endpoint: str


def next_step(membership: Membership, counts: dict[int, dict[Role, int]]) -> tuple[str, str]:
    """The next thing this member should do, and the endpoint that does it."""
    inquiry = membership.inquiry
    if membership.role == Role.RESEARCHER:
        members = counts.get(inquiry.id, {})
        if not members.get(Role.PARTICIPANT):
            return "Invite your cohort of participants", "invitations.new"
        if not members.get(Role.WITNESS) and inquiry.status in (
            InquiryStatus.DRAFT,
            InquiryStatus.RECRUITING,
        ):
            return "Invite witnesses to give evidence", "invitations.new"
        return "Check who has joined", "inquiries.members"
    if inquiry.status in (InquiryStatus.DRAFT, InquiryStatus.RECRUITING):
        return "Read about the inquiry before the first session", "inquiries.overview"
    return "See what is happening in the inquiry", "inquiries.overview"


def home_entries(session: Session, user: User) -> dict[Role, list[HomeEntry]]:
    """The user's active memberships grouped by role, each with its next step."""
    memberships = [m for m in user.memberships if m.status == MembershipStatus.ACTIVE]
    inquiry_ids = [m.inquiry_id for m in memberships if m.role == Role.RESEARCHER]
    counts: dict[int, dict[Role, int]] = {}
    if inquiry_ids:
        rows = session.execute(
            select(Membership.inquiry_id, Membership.role, func.count())
            .where(
                Membership.inquiry_id.in_(inquiry_ids),
                Membership.status == MembershipStatus.ACTIVE,
            )
            .group_by(Membership.inquiry_id, Membership.role)
        )
        for inquiry_id, role, count in rows:
            counts.setdefault(inquiry_id, {})[role] = count
    grouped: dict[Role, list[HomeEntry]] = {}
    for membership in sorted(memberships, key=lambda m: m.inquiry.created_at, reverse=True):
        text, endpoint = next_step(membership, counts)
        grouped.setdefault(membership.role, []).append(HomeEntry(membership, text, endpoint))
    return {role: grouped[role] for role in ROLE_ORDER if role in grouped}


def members_by_role(session: Session, inquiry: Inquiry) -> dict[Role, list[Membership]]:
    memberships = session.scalars(
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.inquiry_id == inquiry.id)
        .order_by(User.name)
    ).all()
    grouped: dict[Role, list[Membership]] = {role: [] for role in ROLE_ORDER}
    for membership in memberships:
        grouped[membership.role].append(membership)
    return grouped


def pending_invitations(session: Session, inquiry: Inquiry) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .where(
                Invitation.inquiry_id == inquiry.id,
                Invitation.status == InvitationStatus.PENDING,
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def researchers_of(session: Session, inquiry: Inquiry) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role == Role.RESEARCHER,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .order_by(User.name)
        )
    )
