"""Access rows for progress ("you said, we did"): every member and observer reads the
progress page; commissioners post updates. The world (``accountability_world``) has a
published response answering R1, with one update."""

from __future__ import annotations

MEMBER = "member"
COMMISSIONERS = "roles:commissioner"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("progress.index", "GET"): (MEMBER, 200, {}),
    ("progress.update", "GET"): (COMMISSIONERS, 200, {}),
    # An empty form: shown again with its errors.
    ("progress.update", "POST"): (COMMISSIONERS, 200, {}),
}
