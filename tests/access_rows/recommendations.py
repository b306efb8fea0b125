"""Access rows for drafting recommendations.

The inquiry is moved to the "in session" stage, where drafting is open. The
recommendation is the participant's own, proposed to the cohort; the amendment to it
was proposed by another participant (the disabled one) and is pending.
"""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import (
    Amendment,
    AmendmentStatus,
    InquiryStatus,
    Membership,
    Recommendation,
    RecommendationStatus,
    RecommendationVersion,
    VersionChange,
    utcnow,
)

READ = "roles:researcher,participant,observer"
WRITE = "roles:participant"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("recommendations.index", "GET"): (READ, 200, {}),
    ("recommendations.new", "GET"): (WRITE, 200, {}),
    # An empty form: the page again with the errors.
    ("recommendations.new", "POST"): (WRITE, 200, {}),
    ("recommendations.show", "GET"): (READ, 200, {}),
    ("recommendations.history", "GET"): (READ, 200, {}),
    ("recommendations.edit", "GET"): (WRITE, 200, {}),
    ("recommendations.edit", "POST"): (WRITE, 200, {}),
    # Only drafts can be deleted: the author is sent back to the recommendation.
    ("recommendations.delete", "GET"): (WRITE, 302, {}),
    ("recommendations.delete", "POST"): (WRITE, 302, {}),
    # Supporting one's own recommendation is refused with a message on its page.
    ("recommendations.support", "POST"): (WRITE, 302, {}),
    ("recommendations.comment", "POST"): (WRITE, 200, {}),
    # Amending one's own recommendation is refused: the author changes the wording.
    ("recommendations.amend", "GET"): (WRITE, 302, {}),
    ("recommendations.amend", "POST"): (WRITE, 302, {}),
    ("recommendations.amendment", "GET"): (READ, 200, {}),
    # The author, without choosing: the amendment page again with the error.
    ("recommendations.decide", "POST"): (WRITE, 200, {}),
    # Only the amendment's proposer (another participant) may withdraw it.
    ("recommendations.withdraw_amendment", "POST"): (WRITE, 403, {}),
}


def _membership(world, actor: str) -> Membership:
    return db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == world.people[actor].id,
            Membership.inquiry_id == world.inquiry.id,
        )
    )


def url_values(world) -> dict[str, object]:
    world.inquiry.status = InquiryStatus.IN_SESSION
    author = _membership(world, "participant")
    proposer = _membership(world, "disabled")
    now = utcnow()
    wording = {
        "title": "A named person to call",
        "body": "Everyone who gets care at home has one named person they can call.",
        "for_individual": "I know who to ring when something changes.",
        "for_system": "Care teams agree who holds each person's plan.",
        "who_should_act": "Home care providers",
        "rationale": "Witnesses repeated their story to every new visitor.",
    }
    recommendation = Recommendation(
        inquiry_id=world.inquiry.id,
        author_id=author.id,
        status=RecommendationStatus.PROPOSED,
        proposed_at=now,
        **wording,
    )
    db.session.add(recommendation)
    db.session.flush()
    db.session.add(
        RecommendationVersion(
            recommendation_id=recommendation.id,
            revision=1,
            change=VersionChange.CREATED,
            changed_by_id=author.id,
            **wording,
        )
    )
    amendment = Amendment(
        recommendation_id=recommendation.id,
        proposer_id=proposer.id,
        base_revision=1,
        reason="A name alone is not enough: people need a number that is answered.",
        status=AmendmentStatus.PENDING,
        **{**wording, "body": "Everyone who gets care at home has one named person and a number."},
    )
    db.session.add(amendment)
    db.session.commit()
    return {"recommendation_id": recommendation.id, "amendment_id": amendment.id}
