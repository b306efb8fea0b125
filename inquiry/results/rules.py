"""The voting rule and the quorum as plain arithmetic, shared by the ballot (which
settles each recommendation when it closes) and the results pages.

Whole numbers only, so that a recommendation at exactly the threshold (say 4 of 6
for two thirds) passes without any rounding doubt.
"""

from __future__ import annotations

from ..privacy import SMALL_GROUP

# A ballot with fewer voters decides nothing and shows no votes, whatever its quorum:
# its outcome or its figures could tell how one or two people voted.
MINIMUM_VOTERS = SMALL_GROUP


def passes(support: int, counted: int, numerator: int, denominator: int) -> bool:
    """Whether ``support`` votes out of ``counted`` (votes that are not abstentions)
    reach the threshold ``numerator / denominator``. With no counted votes (nobody
    voted, or everybody abstained) nothing passes."""
    if counted <= 0 or denominator <= 0:
        return False
    return support * denominator >= numerator * counted


def quorum_met(participants: int, eligible: int, quorum_percent: int) -> bool:
    """Whether ``participants`` of ``eligible`` people taking part reach the quorum;
    never with fewer than ``MINIMUM_VOTERS``."""
    if eligible <= 0 or participants < MINIMUM_VOTERS:
        return False
    return participants * 100 >= quorum_percent * eligible


def support_share(support: int, counted: int) -> float | None:
    """Support as a share of counted votes (0 to 1), or None when none were counted."""
    return support / counted if counted > 0 else None
