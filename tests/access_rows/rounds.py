"""Access rows for the session plan (rounds)."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import Round, RoundKind, RoundPrompt

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("rounds.index", "GET"): ("member", 200, {}),
    ("rounds.new", "GET"): ("manage", 200, {}),
    ("rounds.new", "POST"): ("manage", 200, {}),
    ("rounds.edit", "GET"): ("manage", 200, {}),
    ("rounds.edit", "POST"): ("manage", 200, {}),
    ("rounds.delete", "GET"): ("manage", 200, {}),
    ("rounds.delete", "POST"): ("manage", 302, {}),
    ("rounds.move", "POST"): ("manage", 302, {}),
    # The plan already has a session, so starting it again is refused with a redirect.
    ("rounds.apply_plan", "POST"): ("manage", 302, {}),
}


def url_values(world) -> dict[str, object]:
    round_ = Round(
        inquiry_id=world.inquiry.id,
        position=1,
        kind=RoundKind.INTRODUCTION,
        title="Introductions and personal stories",
        purpose="Meet the cohort.",
        prompts=[RoundPrompt(position=1, text="What would matter most to you?")],
    )
    db.session.add(round_)
    db.session.commit()
    return {"round_id": round_.id}
