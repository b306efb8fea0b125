"""The world the commissioner's response, progress and challenge rows are checked in.

It runs after every other module's ``url_values`` (``LATE``), because it builds on what
they made: the closed ballot of the results rows, whose adopted recommendation R1 is the
one the commissioner answers, and the published report version of the report rows.
The response is published and R1 has a progress update and a challenge being designed,
so every page has something to show. The rows themselves are in ``responses``,
``progress`` and ``challenges``.
"""

from __future__ import annotations

from response_factories import make_challenge, make_response, make_update

from inquiry.extensions import db
from inquiry.models import Decision, Recommendation, RecommendationStatus

LATE = True

ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {}


def url_values(world) -> dict[str, object]:
    answered = db.session.scalar(
        db.select(Recommendation).where(
            Recommendation.inquiry_id == world.inquiry.id,
            Recommendation.status == RecommendationStatus.ADOPTED,
        )
    )
    assert answered is not None, "the results rows make an adopted recommendation"
    commissioner = world.people["commissioner"]
    make_response(world.inquiry, {answered: Decision.ACCEPTED}, published=True, by=commissioner)
    make_update(world.inquiry, answered, by=commissioner)
    challenge = make_challenge(world.inquiry, answered, by=commissioner)
    db.session.commit()
    return {"number": answered.number, "challenge_id": challenge.id, "day": 0}
