"""Profiles, targets, bulk invitations and withdrawal: the cohort's state changes.

Services take the session and the time explicitly, flush rather than commit, and
record an audit event for every change (never the profile's contents).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import contributions
from ..accounts.services import AccountError
from ..audit.service import record
from ..invitations.services import create_invitation
from ..models import (
    CohortTarget,
    Inquiry,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    User,
    WithdrawalPolicy,
)
from ..models.profile import DIMENSIONS, PROFILE_FIELDS, profile_for_role
from . import composition, csv_import

IMPORT_SALT = "cohort-import"
IMPORT_MAX_AGE = 3600  # seconds a preview stays valid before the file must be uploaded again
# Larger tokens would not fit in a form field: such a file must be split.
IMPORT_TOKEN_LIMIT = 400_000
PROFILE_ROLES = (Role.PARTICIPANT, Role.WITNESS)


class CohortError(AccountError):
    pass


# Profiles ---------------------------------------------------------------------


def has_profile(membership: Membership) -> bool:
    return membership.role in PROFILE_ROLES


def update_profile(
    session: Session,
    membership: Membership,
    *,
    data: dict[str, Any],
    named_in_report: bool | None = None,
    access_needs: str | None = None,
    support_contact: str | None = None,
    actor: User,
) -> list[str]:
    """Save a participant's or witness's profile; returns the names of fields changed.

    ``data`` holds the profile fields of the member's role; a field left empty is
    cleared. "Other" descriptions are kept only with the "other" category.
    """
    if not has_profile(membership):
        raise CohortError("Only participants and witnesses have a profile")
    fields = PROFILE_FIELDS[membership.role.value]
    clean = profile_for_role(membership.role.value, data)
    if clean.get("professional_role") != "other":
        clean.pop("professional_role_other", None)
    if clean.get("lived_experience") != "other":
        clean.pop("lived_experience_other", None)
    values: dict[str, Any] = {name: clean.get(name, "") for name in fields}
    if membership.role == Role.PARTICIPANT and named_in_report is not None:
        values["named_in_report"] = bool(named_in_report)
    if membership.role == Role.WITNESS:
        if access_needs is not None:
            values["access_needs"] = access_needs.strip()
        if support_contact is not None:
            values["support_contact"] = support_contact.strip()
    changed = [name for name, value in values.items() if getattr(membership, name) != value]
    for name in changed:
        setattr(membership, name, values[name])
    if changed:
        session.flush()
        record(
            session,
            "membership.profile_updated",
            actor=actor,
            inquiry=membership.inquiry,
            object_type="membership",
            object_id=membership.id,
            fields=changed,
            by_member=actor.id == membership.user_id,
        )
    return changed


# Withdrawal -------------------------------------------------------------------


@dataclass(frozen=True)
class WithdrawalEffect:
    policy: WithdrawalPolicy
    counts: dict[str, int]

    @property
    def description(self) -> str:
        return contributions.describe(self.counts)

    @property
    def removes(self) -> bool:
        return self.policy == WithdrawalPolicy.REMOVE


def withdrawal_effect(session: Session, membership: Membership) -> WithdrawalEffect:
    """What withdrawing would do to the member's contributions, under the inquiry's policy."""
    return WithdrawalEffect(
        policy=membership.inquiry.withdrawal_policy,
        counts=contributions.by_member(session, membership),
    )


def can_be_withdrawn(membership: Membership) -> bool:
    """Researchers leave through the co-researchers' page, not here."""
    return membership.role != Role.RESEARCHER and membership.status != MembershipStatus.WITHDRAWN


def withdraw(session: Session, membership: Membership, *, actor: User, now: datetime) -> None:
    """The member leaves the inquiry: they no longer see it and are never named in it."""
    if membership.role == Role.RESEARCHER:
        raise CohortError("Researchers cannot be withdrawn from the cohort page")
    if membership.status == MembershipStatus.WITHDRAWN:
        raise CohortError("This person has already withdrawn")
    membership.status = MembershipStatus.WITHDRAWN
    membership.withdrawn_at = now
    membership.named_in_report = False
    if membership.inquiry.withdrawal_policy == WithdrawalPolicy.REMOVE:
        contributions.remove_member_contributions(session, membership, now)
    session.flush()
    record(
        session,
        "membership.withdrawn",
        actor=actor,
        inquiry=membership.inquiry,
        object_type="membership",
        object_id=membership.id,
        role=membership.role.value,
        by_member=actor.id == membership.user_id,
        policy=membership.inquiry.withdrawal_policy.value,
    )


# Targets ----------------------------------------------------------------------


def target_choices() -> list[tuple[str, str]]:
    """Options for a target: "dimension:value" for every category, and any locality."""
    choices: list[tuple[str, str]] = []
    for dimension, (label, categories) in DIMENSIONS.items():
        if categories is None:
            choices.append((f"{dimension}:", f"{label}: a place you name"))
            continue
        for value, text in categories.items():
            choices.append((f"{dimension}:{value}", f"{label}: {text}"))
    return choices


def set_target(
    session: Session,
    inquiry: Inquiry,
    *,
    dimension: str,
    value: str,
    minimum: int,
    actor: User,
) -> CohortTarget:
    """Add a target, or change the minimum of the target for the same group."""
    if dimension not in DIMENSIONS:
        raise CohortError("Choose a group for the target", "group")
    categories = DIMENSIONS[dimension][1]
    value = " ".join(value.split())
    if categories is not None and value not in categories:
        raise CohortError("Choose a group for the target", "group")
    if not value:
        raise CohortError("Enter the locality", "locality")
    key = composition.locality_key(value) if categories is None else value
    target = next(
        (
            t
            for t in composition.targets_of(session, inquiry)
            if t.dimension == dimension
            and (composition.locality_key(t.value) if categories is None else t.value) == key
        ),
        None,
    )
    if target is None:
        target = CohortTarget(inquiry_id=inquiry.id, dimension=dimension, value=value)
        session.add(target)
    target.minimum = minimum
    session.flush()
    record(
        session,
        "cohort.target_set",
        actor=actor,
        inquiry=inquiry,
        object_type="cohort_target",
        object_id=target.id,
        dimension=dimension,
        minimum=minimum,
    )
    return target


def remove_target(session: Session, target: CohortTarget, *, actor: User, inquiry: Inquiry) -> None:
    target_id = target.id
    session.delete(target)
    session.flush()
    record(
        session,
        "cohort.target_removed",
        actor=actor,
        inquiry=inquiry,
        object_type="cohort_target",
        object_id=target_id,
    )


def target_label(target: CohortTarget) -> str:
    label, categories = DIMENSIONS.get(target.dimension, (target.dimension, None))
    value = categories.get(target.value, target.value) if categories else target.value
    return f"{label}: {value}"


# The cohort page ----------------------------------------------------------------


def who_is_taking_part(
    session: Session, inquiry: Inquiry, *, reveal: bool
) -> composition.Composition:
    """The cohort's make-up for the overview page: exact only for researchers (``reveal``).

    Call it with ``reveal=policy.can_manage(current_user, inquiry)`` and pass the
    result to ``templates/cohort/_who_is_taking_part.html`` as ``taking_part``.
    """
    return composition.build(session, inquiry, reveal=reveal)


def members(session: Session, inquiry: Inquiry, role: Role) -> list[Membership]:
    """Active members in a role, by name."""
    people = composition.active_members(session, inquiry, role)
    return sorted(people, key=lambda m: m.user.name.casefold())


def withdrawn_members(session: Session, inquiry: Inquiry) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.status == MembershipStatus.WITHDRAWN,
            )
            .order_by(Membership.withdrawn_at.desc())
        )
    )


def pending_invitations(session: Session, inquiry: Inquiry, now: datetime) -> list[Invitation]:
    """Invitations still waiting for an answer and not expired, oldest first."""
    return list(
        session.scalars(
            select(Invitation)
            .where(
                Invitation.inquiry_id == inquiry.id,
                Invitation.status == InvitationStatus.PENDING,
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


def not_signed_in(session: Session, inquiry: Inquiry) -> list[Membership]:
    """Active members who have never signed in."""
    return list(
        session.scalars(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.status == MembershipStatus.ACTIVE,
                User.last_signed_in_at.is_(None),
            )
            .order_by(User.name)
        )
    )


# Importing invitations from a file ------------------------------------------------


def people_already_invited(
    session: Session, inquiry: Inquiry, now: datetime
) -> tuple[dict[str, str], set[str]]:
    """Email addresses of current members (with their role) and of pending invitations."""
    current = session.execute(
        select(User.email, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.inquiry_id == inquiry.id,
            Membership.status != MembershipStatus.WITHDRAWN,
        )
    ).all()
    pending = {invitation.email for invitation in pending_invitations(session, inquiry, now)}
    return {email: role.label for email, role in current}, pending


def check_file(
    session: Session, inquiry: Inquiry, parsed: csv_import.ParsedFile, *, now: datetime
) -> csv_import.ParsedFile:
    members_by_email, pending = people_already_invited(session, inquiry, now)
    csv_import.check_rows(parsed, members=members_by_email, pending=pending)
    return parsed


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=IMPORT_SALT)


def sign_rows(secret_key: str, inquiry: Inquiry, user: User, rows: list[csv_import.Row]) -> str:
    """The checked rows as a signed token, for the confirmation form to send back."""
    data = {"inquiry": inquiry.id, "user": user.id, "rows": [row.to_data() for row in rows]}
    return _serializer(secret_key).dumps(data)


def read_rows(
    secret_key: str, inquiry: Inquiry, user: User, token: str
) -> list[csv_import.Row] | None:
    """The rows in a token we signed for this inquiry and user within the hour, or None."""
    if not token or len(token) > IMPORT_TOKEN_LIMIT:
        return None
    try:
        data = _serializer(secret_key).loads(token, max_age=IMPORT_MAX_AGE)
    except BadSignature:  # also covers an expired token
        return None
    if (
        not isinstance(data, dict)
        or data.get("inquiry") != inquiry.id
        or data.get("user") != user.id
        or not isinstance(data.get("rows"), list)
    ):
        return None
    rows = []
    for item in data["rows"]:
        if not isinstance(item, dict) or item.get("role") not in csv_import.ROLES:
            return None
        profile = item.get("profile") if isinstance(item.get("profile"), dict) else {}
        rows.append(
            csv_import.Row(
                number=int(item.get("number", 0)),
                cells={},
                email=str(item.get("email", "")),
                role=str(item["role"]),
                name=str(item.get("name", "")),
                profile=profile_for_role(str(item["role"]), profile),
            )
        )
    return rows


def import_invitations(
    session: Session,
    inquiry: Inquiry,
    rows: list[csv_import.Row],
    *,
    invited_by: User,
    now: datetime,
    lifetime: timedelta,
) -> list[Invitation]:
    """Create one invitation per row, all or none (the caller rolls back on an error).

    Each invitation keeps the row's name and profile, which become the member's
    profile when they accept.
    """
    invitations = []
    for row in rows:
        invitation = create_invitation(
            session,
            inquiry=inquiry,
            email=row.email,
            role=Role(row.role),
            invited_by=invited_by,
            now=now,
            lifetime=lifetime,
        )
        profile: dict[str, str] = dict(row.profile)
        if row.name:
            profile["name"] = row.name
        invitation.profile = profile
        invitations.append(invitation)
    session.flush()
    record(
        session,
        "cohort.imported",
        actor=invited_by,
        inquiry=inquiry,
        count=len(invitations),
    )
    return invitations
