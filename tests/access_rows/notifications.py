"""Access rows for the notifications page."""

from __future__ import annotations

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("notifications.index", "GET"): ("signed_in", 200, {}),
    ("notifications.mark_all_read", "POST"): ("signed_in", 302, {}),
}
