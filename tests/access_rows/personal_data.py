"""Access rows for a person's own account page and data download."""

from __future__ import annotations

ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("personal_data.account", "GET"): ("signed_in", 200, {}),
    ("personal_data.download", "GET"): ("signed_in", 200, {}),
}
