"""Access rows for the commissioner's response: commissioners of the inquiry draft and
publish it. In the world of these rows (``accountability_world``) the response is
published already, so a sent form is refused with the reason shown on the page."""

from __future__ import annotations

COMMISSIONERS = "roles:commissioner"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("responses.index", "GET"): (COMMISSIONERS, 200, {}),
    ("responses.answer", "GET"): (COMMISSIONERS, 200, {}),
    # Published already: nothing is saved, and the page says why.
    ("responses.answer", "POST"): (COMMISSIONERS, 200, {}),
    ("responses.publish", "GET"): (COMMISSIONERS, 200, {}),
    # Published already: the page says so.
    ("responses.publish", "POST"): (COMMISSIONERS, 200, {}),
}
