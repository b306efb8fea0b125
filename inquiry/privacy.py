"""Protecting people in small cohorts from being recognised in breakdowns."""

from __future__ import annotations

SMALL_GROUP = 3
FEWER_THAN = f"fewer than {SMALL_GROUP}"
# Shown for a group hidden only so that a suppressed group cannot be worked out.
WITHHELD = "not shown"


def suppress_small_groups(
    counts: dict[str, int],
    *,
    reveal: bool,
    minimum: int = SMALL_GROUP,
    total_shown: bool = False,
) -> dict[str, int | str]:
    """Counts as given for researchers (``reveal``); for anyone else, a group of
    one or two people shows as "fewer than 3". Empty groups stay 0.

    When the total is shown beside the breakdown (``total_shown``) and exactly one
    group is suppressed, its size could be worked out by subtraction, so the next
    smallest group is withheld too.
    """
    if reveal:
        return dict(counts)
    shown: dict[str, int | str] = {
        key: (FEWER_THAN if 0 < n < minimum else n) for key, n in counts.items()
    }
    suppressed = [key for key, value in shown.items() if value == FEWER_THAN]
    if total_shown and len(suppressed) == 1:
        others = [key for key, n in counts.items() if n >= minimum]
        if others:
            shown[min(others, key=lambda key: (counts[key], key))] = WITHHELD
    return shown
