"""Protecting people in small cohorts from being recognised in breakdowns."""

from __future__ import annotations

SMALL_GROUP = 3
FEWER_THAN = f"fewer than {SMALL_GROUP}"


def suppress_small_groups(
    counts: dict[str, int], *, reveal: bool, minimum: int = SMALL_GROUP
) -> dict[str, int | str]:
    """Counts as given for researchers (``reveal``); for anyone else, a group of
    one or two people shows as "fewer than 3". Empty groups stay 0."""
    if reveal:
        return dict(counts)
    return {key: (FEWER_THAN if 0 < n < minimum else n) for key, n in counts.items()}
