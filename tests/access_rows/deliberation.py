"""Access rows for session progress, the researchers' reading of reflections, tagging,
the CSV download, and the theme board.

Progress is counts-only for participants, commissioners and observers; witnesses do
not see it. The reflection is shared, so researchers may tag it.
"""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import (
    Membership,
    Reflection,
    ReflectionStatus,
    Round,
    RoundKind,
    RoundPrompt,
    Visibility,
    utcnow,
)

PROGRESS = "roles:researcher,participant,commissioner,observer"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("deliberation.progress", "GET"): (PROGRESS, 200, {}),
    ("deliberation.reflections", "GET"): ("manage", 200, {}),
    ("deliberation.tag", "GET"): ("manage", 200, {}),
    # No themes ticked is a valid answer: the reflection is left untagged.
    ("deliberation.tag", "POST"): ("manage", 302, {}),
    ("deliberation.export_csv", "GET"): ("manage", 200, {}),
    ("deliberation.board", "GET"): ("member", 200, {}),
}


def url_values(world) -> dict[str, object]:
    participant = db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == world.people["participant"].id,
            Membership.inquiry_id == world.inquiry.id,
        )
    )
    round_ = Round(
        inquiry_id=world.inquiry.id,
        position=1,
        kind=RoundKind.REFLECTION,
        title="What stayed with us",
        prompts=[RoundPrompt(position=1, text="What surprised you in what you heard?")],
    )
    db.session.add(round_)
    db.session.flush()
    reflection = Reflection(
        inquiry_id=world.inquiry.id,
        round_id=round_.id,
        prompt_id=round_.prompts[0].id,
        author_id=participant.id,
        body="How much families hold together behind the scenes.",
        visibility=Visibility.COHORT,
        status=ReflectionStatus.SHARED,
        shared_at=utcnow(),
    )
    db.session.add(reflection)
    db.session.commit()
    return {"round_id": round_.id, "reflection_id": reflection.id}
