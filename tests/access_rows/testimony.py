"""Access rows for testimony: reading it, witnesses writing and checking their own,
researchers recording it for witnesses.

The testimony in the URLs is the world's witness's and is approved, so every member
may read it; only that witness may change, withdraw or choose how it is used, and
only researchers may change it as recorded testimony.
"""

from __future__ import annotations

from datetime import date

from inquiry.extensions import db
from inquiry.models import (
    Membership,
    Round,
    RoundKind,
    Testimony,
    TestimonyFormat,
    TestimonyStatus,
    TestimonyUse,
)

WITNESS = "roles:witness"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("testimony.index", "GET"): ("member", 200, {}),
    ("testimony.hearing", "GET"): ("member", 200, {}),
    ("testimony.show", "GET"): ("member", 200, {}),
    ("testimony.write", "GET"): (WITNESS, 200, {}),
    # An empty form: the page again with the errors.
    ("testimony.write", "POST"): (WITNESS, 200, {}),
    ("testimony.edit", "GET"): (WITNESS, 200, {}),
    ("testimony.edit", "POST"): (WITNESS, 200, {}),
    # The testimony is already approved: there is nothing to ask the researchers to
    # change, so the witness is sent back to it.
    ("testimony.request_changes", "GET"): (WITNESS, 302, {}),
    ("testimony.request_changes", "POST"): (WITNESS, 302, {}),
    ("testimony.use", "GET"): (WITNESS, 200, {}),
    # No choice sent: the page again with "Select how your testimony may be used".
    ("testimony.use", "POST"): (WITNESS, 200, {}),
    ("testimony.withdraw", "GET"): (WITNESS, 200, {}),
    # No deadline is set, so the witness's confirmation withdraws it.
    ("testimony.withdraw", "POST"): (WITNESS, 302, {}),
    ("testimony.record", "GET"): ("manage", 200, {}),
    ("testimony.record", "POST"): ("manage", 200, {}),
    ("testimony.edit_record", "GET"): ("manage", 200, {}),
    ("testimony.edit_record", "POST"): ("manage", 200, {}),
}


def url_values(world) -> dict[str, object]:
    """An approved testimony of the world's witness, in a session of its own.

    ``round_id`` is left to the session plan's rows: a session with testimony in it
    cannot be deleted. Other rows modules give a ``testimony_id`` too; this module is
    collected last, so its testimony is the newest and must stay the witness's and
    approved (the attachment rows rely on that).
    """
    witness = db.session.scalar(
        db.select(Membership).where(
            Membership.inquiry_id == world.inquiry.id,
            Membership.user_id == world.people["witness"].id,
        )
    )
    hearing = Round(
        inquiry_id=world.inquiry.id,
        position=99,
        kind=RoundKind.EVIDENCE_HEARING,
        title="Hearing from people who receive care at home",
        held_on=date(2026, 10, 8),
    )
    db.session.add(hearing)
    db.session.flush()
    testimony = Testimony(
        inquiry_id=world.inquiry.id,
        round_id=hearing.id,
        witness_id=witness.id,
        recorded_by_id=world.people["researcher"].id,
        title="Waiting for the morning call",
        body="Some mornings the carer came at seven, some at eleven.\n\nI stopped making plans.",
        format=TestimonyFormat.SPOKEN,
        given_on=date(2026, 10, 8),
        status=TestimonyStatus.APPROVED,
        use=TestimonyUse.QUOTE_ANONYMOUSLY,
    )
    db.session.add(testimony)
    db.session.commit()
    return {"testimony_id": testimony.id}
