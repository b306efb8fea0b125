"""Access rows for excerpts of approved testimony.

Participants may mark excerpts in this inquiry, and the excerpt was marked by the
participant, so they may change it too.
"""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import Excerpt, Membership, Testimony, TestimonyStatus, TestimonyUse

MARKERS = "roles:researcher,participant"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("excerpts.index", "GET"): ("member", 200, {}),
    ("excerpts.for_testimony", "GET"): ("member", 200, {}),
    ("excerpts.new", "GET"): (MARKERS, 200, {}),
    # An empty form: the page again with the errors.
    ("excerpts.new", "POST"): (MARKERS, 200, {}),
    ("excerpts.edit", "GET"): (MARKERS, 200, {}),
    # No themes ticked is a valid answer: the excerpt is left untagged.
    ("excerpts.edit", "POST"): (MARKERS, 302, {}),
    ("excerpts.delete", "GET"): (MARKERS, 200, {}),
    ("excerpts.delete", "POST"): (MARKERS, 302, {}),
}


def _membership(world, actor: str) -> Membership:
    return db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == world.people[actor].id,
            Membership.inquiry_id == world.inquiry.id,
        )
    )


def url_values(world) -> dict[str, object]:
    world.inquiry.participants_mark_excerpts = True
    testimony = Testimony(
        inquiry_id=world.inquiry.id,
        witness_id=_membership(world, "witness").id,
        title="Thirty years of caring for Mum",
        body="The carers changed every week. Mum never knew who would come through the door.",
        status=TestimonyStatus.APPROVED,
        use=TestimonyUse.QUOTE_ANONYMOUSLY,
    )
    db.session.add(testimony)
    db.session.flush()
    excerpt = Excerpt(
        inquiry_id=world.inquiry.id,
        testimony_id=testimony.id,
        text="The carers changed every week.",
        created_by_id=world.people["participant"].id,
    )
    db.session.add(excerpt)
    db.session.commit()
    return {"testimony_id": testimony.id, "excerpt_id": excerpt.id}
