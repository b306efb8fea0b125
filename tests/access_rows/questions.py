"""Access rows for questions for witnesses."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import Round, RoundKind, WitnessQuestion

SEE = "roles:researcher,participant,witness"
ASK = "roles:participant"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("questions.index", "GET"): (SEE, 200, {}),
    # An empty question is refused with a message next to the field.
    ("questions.index", "POST"): (ASK, 200, {}),
    ("questions.support", "POST"): (ASK, 302, {}),
    ("questions.answer", "GET"): ("manage", 200, {}),
    ("questions.answer", "POST"): ("manage", 200, {}),
    ("questions.reopen", "POST"): ("manage", 302, {}),
    # The witness gives no evidence in the question's session, so it is not theirs to see;
    # the participant sees it but did not ask it.
    ("questions.delete", "GET"): ("manage", 200, {"witness": 404}),
    ("questions.delete", "POST"): ("manage", 302, {"witness": 404}),
}


def url_values(world) -> dict[str, object]:
    round_ = Round(
        inquiry_id=world.inquiry.id,
        position=1,
        kind=RoundKind.EVIDENCE_HEARING,
        title="Evidence hearing: help at home after a hospital stay",
    )
    db.session.add(round_)
    db.session.flush()
    question = WitnessQuestion(
        inquiry_id=world.inquiry.id,
        round_id=round_.id,
        asked_by_id=world.people["disabled"].id,
        text="What made the biggest difference in the first week home?",
    )
    db.session.add(question)
    db.session.commit()
    return {"question_id": question.id}
