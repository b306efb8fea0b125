"""Access rows for ballot results: researchers, participants and observers read the
results of a closed ballot, each recommendation's results on it, and download its
aggregate figures.

``recommendation_id`` is set by the modules that sort earlier (the recommendations
rows win with their proposed recommendation), so the closed ballot made here holds
every recommendation the inquiry has by then, each with a vote: whichever one
``recommendation_id`` names was on the ballot and has results to show.
"""

from __future__ import annotations

from recommendation_factories import add_closed_paper, make_ballot, make_recommendation

from inquiry.extensions import db
from inquiry.models import (
    Agreement,
    BallotStatus,
    Certainty,
    Recommendation,
    RecommendationStatus,
)

READERS = "roles:researcher,participant,observer"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("results.index", "GET"): (READERS, 200, {}),
    ("results.ballot", "GET"): (READERS, 200, {}),
    ("results.recommendation", "GET"): (READERS, 200, {}),
    ("results.download", "GET"): (READERS, 200, {}),
}


def url_values(world) -> dict[str, object]:
    """A closed ballot of the world's inquiry, with one paper counted."""
    adopted = make_recommendation(
        world.inquiry,
        None,
        title="Visits long enough to talk",
        status=RecommendationStatus.ADOPTED,
        number=1,
    )
    others = db.session.scalars(
        db.select(Recommendation)
        .where(Recommendation.inquiry_id == world.inquiry.id, Recommendation.id != adopted.id)
        .order_by(Recommendation.id)
    ).all()
    on_ballot = [adopted, *others]
    ballot = make_ballot(world.inquiry, on_ballot, status=BallotStatus.CLOSED)
    ballot.eligible_count = 1
    ballot.participant_count = 1
    add_closed_paper(ballot, {item: (Agreement.AGREE, Certainty.HIGH) for item in on_ballot})
    return {"ballot_id": ballot.id}
