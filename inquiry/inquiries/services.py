"""Creating inquiries and describing them for their members."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import (
    ConsentAudience,
    ConsentText,
    Inquiry,
    InquiryMode,
    InquiryStatus,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    Round,
    User,
)

ROLE_ORDER = [Role.RESEARCHER, Role.PARTICIPANT, Role.WITNESS, Role.COMMISSIONER, Role.OBSERVER]


def create_inquiry(
    session: Session,
    *,
    creator: User,
    title: str,
    question: str,
    mode: InquiryMode = InquiryMode.STANDARD,
) -> Inquiry:
    """A new draft inquiry, with its creator as its first researcher."""
    inquiry = Inquiry(
        title=title.strip(),
        question=question.strip(),
        mode=InquiryMode(mode),
        created_by_id=creator.id,
    )
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
        mode=inquiry.mode.value,
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


@dataclass
class SetupFacts:
    """What an inquiry has so far, counted for many inquiries in a few queries."""

    members: dict[Role, int] = field(default_factory=dict)
    rounds: int = 0
    consent_audiences: set[ConsentAudience] = field(default_factory=set)


def setup_facts(session: Session, inquiry_ids: list[int]) -> dict[int, SetupFacts]:
    facts = {inquiry_id: SetupFacts() for inquiry_id in inquiry_ids}
    if not inquiry_ids:
        return facts
    for inquiry_id, role, count in session.execute(
        select(Membership.inquiry_id, Membership.role, func.count())
        .where(
            Membership.inquiry_id.in_(inquiry_ids),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .group_by(Membership.inquiry_id, Membership.role)
    ):
        facts[inquiry_id].members[role] = count
    for inquiry_id, count in session.execute(
        select(Round.inquiry_id, func.count())
        .where(Round.inquiry_id.in_(inquiry_ids))
        .group_by(Round.inquiry_id)
    ):
        facts[inquiry_id].rounds = count
    for inquiry_id, audience in session.execute(
        select(ConsentText.inquiry_id, ConsentText.audience)
        .where(ConsentText.inquiry_id.in_(inquiry_ids))
        .distinct()
    ):
        facts[inquiry_id].consent_audiences.add(audience)
    return facts


@dataclass(frozen=True)
class SetupStep:
    text: str
    endpoint: str
    done: bool
    url_values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HomeEntry:
    membership: Membership
    step: SetupStep


def setup_steps_for(session: Session, inquiry: Inquiry) -> list[SetupStep]:
    return setup_steps(inquiry, setup_facts(session, [inquiry.id])[inquiry.id])


def setup_steps(inquiry: Inquiry, facts: SetupFacts) -> list[SetupStep]:
    """The researcher's checklist for getting an inquiry ready, in order."""
    settings_done = bool(inquiry.commissioner_organisation and inquiry.starts_on)
    return [
        SetupStep("Check the inquiry's settings and voting rule", "settings.edit", settings_done),
        SetupStep("Plan the sessions", "rounds.index", facts.rounds > 0),
        SetupStep(
            "Write the information and consent texts",
            "consent.texts",
            {ConsentAudience.PARTICIPANT, ConsentAudience.WITNESS} <= facts.consent_audiences,
        ),
        SetupStep(
            "Invite participants",
            "invitations.new",
            facts.members.get(Role.PARTICIPANT, 0) > 0,
            (("role", Role.PARTICIPANT.value),),
        ),
        SetupStep(
            "Invite witnesses",
            "invitations.new",
            facts.members.get(Role.WITNESS, 0) > 0,
            (("role", Role.WITNESS.value),),
        ),
    ]


def next_step(membership: Membership, facts: SetupFacts) -> SetupStep:
    """The next thing this member should do, and where to do it."""
    inquiry = membership.inquiry
    if membership.role == Role.RESEARCHER:
        if inquiry.status in (InquiryStatus.DRAFT, InquiryStatus.RECRUITING):
            for step in setup_steps(inquiry, facts):
                if not step.done:
                    return step
            return SetupStep("Move the inquiry to its next stage", "settings.stage", False)
        return SetupStep("See the cohort", "cohort.index", False)
    if membership.role in (Role.PARTICIPANT, Role.WITNESS):
        return SetupStep("See the sessions and what is expected of you", "rounds.index", False)
    return SetupStep("See what is happening in the inquiry", "inquiries.overview", False)


def home_entries(session: Session, user: User) -> dict[Role, list[HomeEntry]]:
    """The user's active memberships grouped by role, each with its next step."""
    memberships = [m for m in user.memberships if m.status == MembershipStatus.ACTIVE]
    facts = setup_facts(session, [m.inquiry_id for m in memberships if m.role == Role.RESEARCHER])
    grouped: dict[Role, list[HomeEntry]] = {}
    for membership in sorted(memberships, key=lambda m: m.inquiry.created_at, reverse=True):
        step = next_step(membership, facts.get(membership.inquiry_id, SetupFacts()))
        grouped.setdefault(membership.role, []).append(HomeEntry(membership, step))
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


# Settings ---------------------------------------------------------------------------

# The settings a researcher edits, as stored on the inquiry.
SETTINGS_FIELDS = (
    "title",
    "question",
    "scope",
    "mode",
    "commissioner_organisation",
    "starts_on",
    "ends_on",
    "withdrawal_deadline",
    "retention_date",
    "agreement_scale",
    "pass_threshold_numerator",
    "pass_threshold_denominator",
    "quorum_percent",
    "safeguarding_contact",
    "withdrawal_policy",
    "response_due_on",
)
# Names the audit log uses: the threshold's two columns are one setting.
_AUDIT_NAMES = {
    "pass_threshold_numerator": "pass_threshold",
    "pass_threshold_denominator": "pass_threshold",
}


def update_settings(
    session: Session, inquiry: Inquiry, *, actor: User, now: datetime, **values: object
) -> list[str]:
    """Save the settings given in ``values``; return the names of those that changed.

    The audit log records which settings changed, never their values. Changing the
    question once the inquiry has left draft is recorded on its own as well, as the
    question should be fixed at the start.
    """
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not inquiry settings: {sorted(unknown)}")
    changed: list[str] = []
    for name in SETTINGS_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if getattr(inquiry, name) != value:
            setattr(inquiry, name, value)
            audit_name = _AUDIT_NAMES.get(name, name)
            if audit_name not in changed:
                changed.append(audit_name)
    if not changed:
        return changed
    session.flush()
    if "question" in changed and inquiry.status != InquiryStatus.DRAFT:
        record(
            session,
            "inquiry.question_changed",
            actor=actor,
            inquiry=inquiry,
            object_type="inquiry",
            object_id=inquiry.id,
            stage=InquiryStatus(inquiry.status).value,
        )
    record(
        session,
        "inquiry.settings_changed",
        actor=actor,
        inquiry=inquiry,
        object_type="inquiry",
        object_id=inquiry.id,
        fields=changed,
    )
    return changed


# Researchers ------------------------------------------------------------------------


class MembershipError(Exception):
    """A change to someone's membership that is not allowed; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def active_researchers(session: Session, inquiry: Inquiry) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role == Role.RESEARCHER,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .order_by(User.name, Membership.id)
        )
    )


def researcher_removal_problem(
    session: Session, inquiry: Inquiry, membership: Membership
) -> str | None:
    """Why this researcher cannot be removed, or None if they can."""
    if membership.inquiry_id != inquiry.id or membership.role != Role.RESEARCHER:
        return "This person is not a researcher of this inquiry"
    if membership.status != MembershipStatus.ACTIVE:
        return f"{membership.user.name} has already been removed"
    others = [m for m in active_researchers(session, inquiry) if m.id != membership.id]
    if not others:
        return (
            f"{membership.user.name} is the only researcher. Invite another researcher "
            "before removing them: an inquiry always needs someone to run it."
        )
    return None


def remove_researcher(
    session: Session, inquiry: Inquiry, membership: Membership, *, actor: User, now: datetime
) -> None:
    """Withdraw a researcher from the inquiry; the last one cannot be removed."""
    # Lock the inquiry so two researchers removing each other cannot leave none.
    session.execute(select(Inquiry.id).where(Inquiry.id == inquiry.id).with_for_update())
    problem = researcher_removal_problem(session, inquiry, membership)
    if problem:
        raise MembershipError(problem)
    membership.status = MembershipStatus.WITHDRAWN
    membership.withdrawn_at = now
    session.flush()
    session.refresh(membership.user, ["memberships"])
    record(
        session,
        "membership.removed",
        actor=actor,
        inquiry=inquiry,
        object_type="membership",
        object_id=membership.id,
        role=Role.RESEARCHER.value,
        removed_themselves=membership.user_id == actor.id,
    )
