"""What members have contributed, counted across features.

Each feature that stores contributions (testimony, reflections, recommendations...)
registers a counter here. Set-up uses the counts to refuse deleting a session
that has contributions and to explain what withdrawing a member will affect,
without knowing about every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .models import Membership, Round


@dataclass(frozen=True)
class Counter:
    label: str  # plural noun shown to people, e.g. "reflections"
    for_round: Callable[[Session, Round], int] | None = None
    for_member: Callable[[Session, Membership], int] | None = None


_COUNTERS: list[Counter] = []


def register(counter: Counter) -> Counter:
    _COUNTERS.append(counter)
    return counter


def unregister(counter: Counter) -> None:
    _COUNTERS.remove(counter)


def in_round(session: Session, round_: Round) -> dict[str, int]:
    """Non-zero counts of contributions tied to a session, by kind."""
    counts = {c.label: c.for_round(session, round_) for c in _COUNTERS if c.for_round}
    return {label: n for label, n in counts.items() if n}


def by_member(session: Session, membership: Membership) -> dict[str, int]:
    """Non-zero counts of a member's contributions in their inquiry, by kind."""
    counts = {c.label: c.for_member(session, membership) for c in _COUNTERS if c.for_member}
    return {label: n for label, n in counts.items() if n}


def describe(counts: dict[str, int]) -> str:
    """'3 reflections and 1 testimony' style text."""
    parts = [f"{n} {label}" for label, n in counts.items()]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
