"""Access rows for safeguarding concerns: researchers only."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import Membership, Role, SafeguardingFlag, Testimony, TestimonyStatus

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("safeguarding.index", "GET"): ("manage", 200, {}),
    # Without ?object_type=...&object_id=... there is nothing to flag.
    ("safeguarding.new", "GET"): ("manage", 404, {}),
    ("safeguarding.new", "POST"): ("manage", 404, {}),
    ("safeguarding.show", "GET"): ("manage", 200, {}),
    # The concern is open and the follow-up note is missing: the form says so.
    ("safeguarding.show", "POST"): ("manage", 200, {}),
    ("safeguarding.reopen", "POST"): ("manage", 302, {}),
}


def url_values(world) -> dict[str, object]:
    witness = db.session.scalar(
        db.select(Membership).where(
            Membership.inquiry_id == world.inquiry.id, Membership.role == Role.WITNESS
        )
    )
    testimony = Testimony(
        inquiry_id=world.inquiry.id,
        witness_id=witness.id,
        title="Coming home from hospital",
        body="The carers changed every day, and nobody knew where the key safe was.",
        status=TestimonyStatus.APPROVED,
    )
    db.session.add(testimony)
    db.session.flush()
    flag = SafeguardingFlag(
        inquiry_id=world.inquiry.id,
        object_type="testimony",
        object_id=testimony.id,
        note="Mentions being left alone overnight; check the witness has support.",
        raised_by_id=world.people["researcher"].id,
    )
    db.session.add(flag)
    db.session.commit()
    return {"flag_id": flag.id}
