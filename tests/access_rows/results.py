"""Access rows for ballot results: researchers, participants and observers read the
results of a closed ballot and download its aggregate figures."""

from __future__ import annotations

from recommendation_factories import add_closed_paper, make_ballot, make_recommendation

from inquiry.models import Agreement, BallotStatus, Certainty, RecommendationStatus

READERS = "roles:researcher,participant,observer"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("results.index", "GET"): (READERS, 200, {}),
    ("results.ballot", "GET"): (READERS, 200, {}),
    ("results.download", "GET"): (READERS, 200, {}),
}


def url_values(world) -> dict[str, object]:
    """A closed ballot of the world's inquiry, with one paper counted."""
    recommendation = make_recommendation(
        world.inquiry,
        None,
        title="Visits long enough to talk",
        status=RecommendationStatus.ADOPTED,
        number=1,
    )
    ballot = make_ballot(world.inquiry, [recommendation], status=BallotStatus.CLOSED)
    ballot.eligible_count = 1
    ballot.participant_count = 1
    add_closed_paper(ballot, {recommendation: (Agreement.AGREE, Certainty.HIGH)})
    return {"ballot_id": ballot.id}
