"""What members have contributed, counted across features.

Each feature that stores contributions (testimony, reflections, recommendations...)
registers a counter here. Set-up uses the counts to refuse deleting a session
that has contributions and to explain what withdrawing a member will affect, and
withdrawal uses the removers when the inquiry's policy is to remove a withdrawn
member's contributions, without knowing about every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from .models import Membership, Round
from .text import and_list


@dataclass(frozen=True)
class Counter:
    label: str  # plural noun shown to people, e.g. "reflections"
    singular: str = ""  # e.g. "reflection"; the plural is used when empty
    for_round: Callable[[Session, Round], int] | None = None
    for_member: Callable[[Session, Membership], int] | None = None
    # Called when a member withdraws and the inquiry's policy is to remove their
    # contributions: erase this kind of contribution of theirs.
    remove_for_member: Callable[[Session, Membership, datetime], None] | None = None


_COUNTERS: list[Counter] = []


def register(counter: Counter) -> Counter:
    _COUNTERS.append(counter)
    return counter


def unregister(counter: Counter) -> None:
    _COUNTERS.remove(counter)


def _named(counts: list[tuple[Counter, int]]) -> dict[str, int]:
    return {
        (counter.singular or counter.label) if n == 1 else counter.label: n
        for counter, n in counts
        if n
    }


def in_round(session: Session, round_: Round) -> dict[str, int]:
    """Non-zero counts of contributions tied to a session, by kind."""
    return _named([(c, c.for_round(session, round_)) for c in _COUNTERS if c.for_round])


def by_member(session: Session, membership: Membership) -> dict[str, int]:
    """Non-zero counts of a member's contributions in their inquiry, by kind."""
    return _named([(c, c.for_member(session, membership)) for c in _COUNTERS if c.for_member])


def remove_member_contributions(session: Session, membership: Membership, now: datetime) -> None:
    """Erase everything the member contributed, kind by kind (withdrawal with REMOVE)."""
    for counter in _COUNTERS:
        if counter.remove_for_member:
            counter.remove_for_member(session, membership, now)


def describe(counts: dict[str, int]) -> str:
    """'3 reflections and 1 testimony' style text."""
    return and_list([f"{n} {label}" for label, n in counts.items()])
