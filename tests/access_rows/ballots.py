"""Access rows for the secret ballot.

No ballot is open in the world's inquiry (it is at the draft stage), so voting and
opening send people back to the ballot page with a message, and the closing page says
there is nothing to close. These outcomes are the same at any stage.
"""

from __future__ import annotations

READERS = "roles:researcher,participant,observer"
VOTERS = "roles:participant"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("ballots.index", "GET"): (READERS, 200, {}),
    # No open ballot (or a paper that names no ballot): back to the ballot page.
    ("ballots.vote", "POST"): (VOTERS, 302, {}),
    # The page says why a ballot cannot be opened; trying anyway goes back with the reason.
    ("ballots.open_ballot", "GET"): ("manage", 200, {}),
    ("ballots.open_ballot", "POST"): ("manage", 302, {}),
    ("ballots.close_ballot", "GET"): ("manage", 200, {}),
    ("ballots.close_ballot", "POST"): ("manage", 302, {}),
}
