"""Access rows for taking part in a session: its page, reflections, replies, history,
opening and closing it, and signing in again without losing text.

``round_id`` is the planned session from the rounds rows (those rows come later and
win). The prompt, reflection and reply here are in an open session of their own: the
reflection is the participant's, shared with the cohort, and so is the reply to it.
"""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import (
    Membership,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    Round,
    RoundKind,
    RoundPrompt,
    RoundStatus,
    Visibility,
    utcnow,
)

WRITERS = "roles:participant"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("reflections.session", "GET"): ("member", 200, {}),
    # An empty form: the session page again with the errors.
    ("reflections.save", "POST"): (WRITERS, 200, {}),
    ("reflections.reply", "POST"): (WRITERS, 200, {}),
    ("reflections.edit_reply", "GET"): (WRITERS, 200, {}),
    ("reflections.edit_reply", "POST"): (WRITERS, 200, {}),
    ("reflections.history", "GET"): ("manage", 200, {}),
    ("reflections.open_round", "GET"): ("manage", 200, {}),
    ("reflections.open_round", "POST"): ("manage", 302, {}),
    # The session is planned, not open, so there is nothing to close: back to its page.
    ("reflections.close_round", "GET"): ("manage", 302, {}),
    ("reflections.close_round", "POST"): ("manage", 302, {}),
    ("reflections.round_settings", "POST"): ("manage", 302, {}),
    # Signed out: the sign-in form with errors. Signed in: nothing to keep, so home.
    ("reflections.resume", "POST"): (
        "public",
        200,
        {
            "signed_in": 302,
        },
    ),
}


def _membership(world, actor: str) -> Membership:
    return db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == world.people[actor].id,
            Membership.inquiry_id == world.inquiry.id,
        )
    )


def url_values(world) -> dict[str, object]:
    now = utcnow()
    round_ = Round(
        inquiry_id=world.inquiry.id,
        position=9,
        kind=RoundKind.REFLECTION,
        title="What has stayed with us",
        status=RoundStatus.OPEN,
        opened_at=now,
        prompts=[RoundPrompt(position=1, text="What surprised you in what you heard?")],
    )
    db.session.add(round_)
    db.session.flush()
    author = _membership(world, "participant")
    reflection = Reflection(
        inquiry_id=world.inquiry.id,
        round_id=round_.id,
        prompt_id=round_.prompts[0].id,
        author_id=author.id,
        body="How much the family carers hold together without anyone noticing.",
        visibility=Visibility.COHORT,
        status=ReflectionStatus.SHARED,
        shared_at=now,
    )
    db.session.add(reflection)
    db.session.flush()
    reply = ReflectionResponse(
        reflection_id=reflection.id,
        author_id=author.id,
        body="And how rarely they are asked what would help.",
    )
    db.session.add(reply)
    db.session.commit()
    return {
        "prompt_id": round_.prompts[0].id,
        "reflection_id": reflection.id,
        "reply_id": reply.id,
    }
