"""Access rows for the cohort: its page, targets, CSV import, profiles and withdrawal."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import CohortTarget

PROFILE_ROLES = "roles:participant,witness"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("cohort.index", "GET"): ("manage", 200, {}),
    ("cohort.targets", "GET"): ("manage", 200, {}),
    ("cohort.targets", "POST"): ("manage", 200, {}),
    ("cohort.remove_target", "GET"): ("manage", 200, {}),
    ("cohort.remove_target", "POST"): ("manage", 302, {}),
    ("cohort.import_csv", "GET"): ("manage", 200, {}),
    ("cohort.import_csv", "POST"): ("manage", 200, {}),
    ("cohort.import_template", "GET"): ("manage", 200, {}),
    # Without a signed preview nothing is sent: back to the upload page.
    ("cohort.confirm_import", "POST"): ("manage", 302, {}),
    ("cohort.edit_member", "GET"): ("manage", 200, {}),
    ("cohort.edit_member", "POST"): ("manage", 302, {}),
    ("cohort.withdraw_member", "GET"): ("manage", 200, {}),
    ("cohort.withdraw_member", "POST"): ("manage", 302, {}),
    ("cohort.erase_member", "GET"): ("manage", 200, {}),
    ("cohort.erase_member", "POST"): ("manage", 302, {}),
    ("cohort.profile", "GET"): (PROFILE_ROLES, 200, {}),
    ("cohort.profile", "POST"): (PROFILE_ROLES, 302, {}),
    ("cohort.withdraw_self", "GET"): (PROFILE_ROLES, 200, {}),
    ("cohort.withdraw_self", "POST"): (PROFILE_ROLES, 302, {}),
}


def url_values(world) -> dict[str, object]:
    # ``membership_id`` (the participant's membership) comes from the foundation rows.
    target = CohortTarget(
        inquiry_id=world.inquiry.id, dimension="professional_role", value="nurse", minimum=3
    )
    db.session.add(target)
    db.session.commit()
    return {"target_id": target.id}
