"""Access rows for themes: the list, a theme's page, adding, renaming, merging, and who
may mark excerpts."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import Theme

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("themes.index", "GET"): ("member", 200, {}),
    # Empty forms: the page again with the errors.
    ("themes.create", "POST"): ("manage", 200, {}),
    ("themes.excerpt_marking", "POST"): ("manage", 200, {}),
    ("themes.show", "GET"): ("member", 200, {}),
    ("themes.rename", "GET"): ("manage", 200, {}),
    ("themes.rename", "POST"): ("manage", 200, {}),
    ("themes.merge", "GET"): ("manage", 200, {}),
    ("themes.merge", "POST"): ("manage", 200, {}),
}


def url_values(world) -> dict[str, object]:
    theme = Theme(inquiry_id=world.inquiry.id, name="Continuity of carers")
    other = Theme(inquiry_id=world.inquiry.id, name="Being listened to")
    db.session.add_all([theme, other])
    db.session.commit()
    return {"theme_id": theme.id}
