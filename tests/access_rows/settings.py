"""Access rows for an inquiry's settings, stage and researchers."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import Membership, Role

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("settings.edit", "GET"): ("manage", 200, {}),
    # An empty form: the required settings are missing, so the page shows errors.
    ("settings.edit", "POST"): ("manage", 200, {}),
    ("settings.summary", "GET"): ("manage", 200, {}),
    ("settings.stage", "GET"): ("manage", 200, {}),
    # The target is never the next stage of a draft, so the move is always refused.
    ("settings.confirm_stage", "GET"): ("manage", 200, {}),
    ("settings.confirm_stage", "POST"): ("manage", 200, {}),
    ("settings.researchers", "GET"): ("manage", 200, {}),
    # The only researcher cannot be removed: the page says why.
    ("settings.remove_researcher", "GET"): ("manage", 200, {}),
    ("settings.remove_researcher", "POST"): ("manage", 200, {}),
}


def url_values(world) -> dict[str, object]:
    researcher = world.people["researcher"]
    membership = db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == researcher.id,
            Membership.inquiry_id == world.inquiry.id,
            Membership.role == Role.RESEARCHER,
        )
    )
    return {"target": "published", "researcher_membership_id": membership.id}
