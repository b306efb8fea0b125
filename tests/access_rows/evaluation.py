"""Access rows for the evaluation questionnaire: researchers set it up, open and close it
and read the results; participants and witnesses (here included) answer it."""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import (
    QuestionKind,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireStatus,
    utcnow,
)

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
# The questionnaire is open, so changing it is refused with a redirect to its page.
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("evaluation.manage", "GET"): ("manage", 200, {}),
    # It already exists: back to its page.
    ("evaluation.create", "POST"): ("manage", 302, {}),
    ("evaluation.add_item", "GET"): ("manage", 302, {}),
    ("evaluation.add_item", "POST"): ("manage", 302, {}),
    ("evaluation.edit_item", "GET"): ("manage", 302, {}),
    ("evaluation.edit_item", "POST"): ("manage", 302, {}),
    ("evaluation.remove_item", "GET"): ("manage", 302, {}),
    ("evaluation.remove_item", "POST"): ("manage", 302, {}),
    ("evaluation.move_item", "POST"): ("manage", 302, {}),
    ("evaluation.audience", "GET"): ("manage", 302, {}),
    ("evaluation.audience", "POST"): ("manage", 302, {}),
    # Already open.
    ("evaluation.open_questionnaire", "GET"): ("manage", 302, {}),
    ("evaluation.open_questionnaire", "POST"): ("manage", 302, {}),
    ("evaluation.close_questionnaire", "GET"): ("manage", 200, {}),
    # The empty confirmation closes it.
    ("evaluation.close_questionnaire", "POST"): ("manage", 302, {}),
    ("evaluation.results", "GET"): ("manage", 200, {}),
    ("evaluation.answer", "GET"): ("roles:participant,witness", 200, {}),
    # An empty form: the questions again with their errors.
    ("evaluation.answer", "POST"): ("roles:participant,witness", 200, {}),
}


def url_values(world) -> dict[str, object]:
    questionnaire = Questionnaire(
        inquiry_id=world.inquiry.id,
        status=QuestionnaireStatus.OPEN,
        include_witnesses=True,
        opened_at=utcnow(),
        questions=[
            QuestionnaireItem(
                position=1, kind=QuestionKind.AGREEMENT, text="I was able to say what I thought"
            ),
            QuestionnaireItem(
                position=2, kind=QuestionKind.FREE_TEXT, text="What could we have done better?"
            ),
        ],
    )
    db.session.add(questionnaire)
    db.session.commit()
    return {"item_id": questionnaire.questions[0].id}
