"""The make-up of a cohort: counts by profile category, against the researchers' targets.

Researchers see exact counts and their targets. Anyone else sees the same groups
with any group of one or two people shown as "fewer than 3", and no targets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from ..models import CohortTarget, Inquiry, Membership, MembershipStatus, Role
from ..models.profile import DIMENSIONS, label_for
from ..privacy import suppress_small_groups

# Whose profile each dimension describes.
DIMENSION_ROLES: dict[str, Role] = {
    "professional_role": Role.PARTICIPANT,
    "sector": Role.PARTICIPANT,
    "locality": Role.PARTICIPANT,
    "lived_experience": Role.WITNESS,
}
NOT_GIVEN = ""


@dataclass
class Group:
    value: str
    label: str
    count: int | str  # "fewer than 3" when suppressed, "not shown" when it would reveal one
    target: int | None = None

    @property
    def short(self) -> int:
        """How many people the group lacks to meet its target (0 when met or no target)."""
        if self.target is None or not isinstance(self.count, int):
            return 0
        return max(self.target - self.count, 0)


@dataclass
class Breakdown:
    dimension: str
    label: str
    role: Role
    groups: list[Group] = field(default_factory=list)

    @property
    def gaps(self) -> list[Group]:
        return [group for group in self.groups if group.short]


@dataclass
class Composition:
    reveal: bool
    participants: int | str
    witnesses: int | str
    breakdowns: list[Breakdown]

    @property
    def is_empty(self) -> bool:
        return self.participants == 0 and self.witnesses == 0

    @property
    def gaps(self) -> list[tuple[Breakdown, Group]]:
        return [(b, g) for b in self.breakdowns for g in b.gaps]

    def for_role(self, role: Role) -> list[Breakdown]:
        return [b for b in self.breakdowns if b.role == role]


def locality_key(value: str) -> str:
    """Localities are typed freely: "Northtown " and "northtown" are the same place."""
    return " ".join(value.split()).casefold()


def active_members(
    session: Session, inquiry: Inquiry, role: Role, *, with_people: bool = True
) -> list[Membership]:
    """The active members in a role; ``with_people=False`` skips loading their accounts,
    for counting by profile (much faster for a large cohort)."""
    query = select(Membership).where(
        Membership.inquiry_id == inquiry.id,
        Membership.role == role,
        Membership.status == MembershipStatus.ACTIVE,
    )
    if not with_people:
        query = query.options(lazyload(Membership.user), lazyload(Membership.inquiry))
    return list(session.scalars(query))


def targets_of(session: Session, inquiry: Inquiry) -> list[CohortTarget]:
    return list(
        session.scalars(
            select(CohortTarget)
            .where(CohortTarget.inquiry_id == inquiry.id)
            .order_by(CohortTarget.dimension, CohortTarget.value)
        )
    )


def _counts(members: Sequence[Any], dimension: str) -> tuple[dict[str, int], dict[str, str]]:
    """Counts by value, and for localities the spelling to show for each."""
    counts: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for member in members:
        raw = getattr(member, dimension) or NOT_GIVEN
        value = locality_key(raw) if dimension == "locality" else raw
        counts[value] = counts.get(value, 0) + 1
        if dimension == "locality" and value:
            seen = spellings.setdefault(value, {})
            spelling = " ".join(raw.split())
            seen[spelling] = seen.get(spelling, 0) + 1
    labels = {value: max(seen, key=lambda s: (seen[s], s)) for value, seen in spellings.items()}
    return counts, labels


def _breakdown(
    dimension: str,
    members: Sequence[Any],
    targets: dict[str, tuple[int, str]],
    *,
    reveal: bool,
) -> Breakdown:
    label, categories = DIMENSIONS[dimension]
    counts, spellings = _counts(members, dimension)
    if categories is not None:
        order = [value for value in categories if counts.get(value) or value in targets]
    else:
        order = sorted(
            {value for value in counts if value} | set(targets),
            key=lambda value: (-counts.get(value, 0), value),
        )
    if counts.get(NOT_GIVEN):
        order.append(NOT_GIVEN)
    # The total is shown with every breakdown, so a lone small group is protected too.
    shown = suppress_small_groups(
        {value: counts.get(value, 0) for value in order}, reveal=reveal, total_shown=True
    )
    groups = []
    for value in order:
        if not reveal and not counts.get(value):
            continue  # a group kept only for a target means nothing to others
        if categories is not None or value == NOT_GIVEN:
            text = label_for(dimension, value)
        else:
            text = spellings.get(value) or targets[value][1]
        groups.append(
            Group(
                value=value,
                label=text,
                count=shown[value],
                target=targets[value][0] if reveal and value in targets else None,
            )
        )
    return Breakdown(
        dimension=dimension, label=label, role=DIMENSION_ROLES[dimension], groups=groups
    )


# What counting by profile reads of each member.
PROFILE_COLUMNS = (
    Membership.role,
    Membership.professional_role,
    Membership.sector,
    Membership.locality,
    Membership.lived_experience,
)


def active_profiles(session: Session, inquiry: Inquiry) -> dict[Role, list[Any]]:
    """The profile answers of the active participants and witnesses, by role: rows of
    ``PROFILE_COLUMNS`` rather than members, as counting needs nothing else."""
    members: dict[Role, list[Any]] = {Role.PARTICIPANT: [], Role.WITNESS: []}
    rows = session.execute(
        select(*PROFILE_COLUMNS).where(
            Membership.inquiry_id == inquiry.id,
            Membership.role.in_(tuple(members)),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    for row in rows:
        members[row.role].append(row)
    return members


def build(session: Session, inquiry: Inquiry, *, reveal: bool) -> Composition:
    """The composition of the active cohort; exact, with targets, only when ``reveal``."""
    return build_from(
        active_profiles(session, inquiry), targets_of(session, inquiry), reveal=reveal
    )


def build_from(
    members: dict[Role, Sequence[Any]], targets: Iterable[CohortTarget], *, reveal: bool
) -> Composition:
    """``build`` from what is already loaded: for each role, its active members (or rows
    with the profile columns), and the inquiry's targets."""
    minimums: dict[str, dict[str, tuple[int, str]]] = {}
    for target in targets:
        value = locality_key(target.value) if target.dimension == "locality" else target.value
        minimums.setdefault(target.dimension, {})[value] = (target.minimum, target.value)
    breakdowns = [
        _breakdown(dimension, members[role], minimums.get(dimension, {}), reveal=reveal)
        for dimension, role in DIMENSION_ROLES.items()
    ]
    totals = suppress_small_groups(
        {"participants": len(members[Role.PARTICIPANT]), "witnesses": len(members[Role.WITNESS])},
        reveal=reveal,
    )
    return Composition(
        reveal=reveal,
        participants=totals["participants"],
        witnesses=totals["witnesses"],
        breakdowns=breakdowns,
    )


def profile_value(membership: Membership, dimension: str) -> str:
    """A profile answer as people read it: the label, or the member's own words for "other"."""
    value = getattr(membership, dimension) or ""
    if dimension == "locality":
        return value or "Not given"
    text = label_for(dimension, value)
    other = getattr(membership, f"{dimension}_other", "")
    if value == "other" and other:
        return f"Other: {other}"
    return text
