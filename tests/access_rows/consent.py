"""Access rows for the information and consent texts and the consent page."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import ConsentAudience, ConsentRecord, ConsentText

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("consent.texts", "GET"): ("manage", 200, {}),
    ("consent.edit_text", "GET"): ("manage", 200, {}),
    ("consent.edit_text", "POST"): ("manage", 200, {}),
    ("consent.view_version", "GET"): ("manage", 200, {}),
    ("consent.status", "GET"): ("manage", 200, {}),
    ("consent.give", "GET"): ("member", 200, {}),
    ("consent.give", "POST"): ("member", 302, {}),
    ("consent.decline", "GET"): ("member", 200, {}),
}


def url_values(world) -> dict[str, object]:
    """A witness text the world's witness has agreed to, so nobody is gated.

    There is no participant text, so participants are not asked to agree either.
    """
    text = ConsentText(
        inquiry_id=world.inquiry.id,
        audience=ConsentAudience.WITNESS,
        version=1,
        body="What taking part involves.",
        created_by_id=world.people["researcher"].id,
    )
    db.session.add(text)
    db.session.flush()
    db.session.add(ConsentRecord(consent_text_id=text.id, user_id=world.people["witness"].id))
    db.session.commit()
    return {"audience": ConsentAudience.WITNESS.value, "version": text.version}
