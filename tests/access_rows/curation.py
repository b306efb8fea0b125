"""Access rows for preparing recommendations for the vote: the researchers' page,
merging, freezing, taking off the vote, and an author's answer to a merge.

The matrix sends no query string, so the merge and freeze pages have nothing chosen and
send the researcher back to the prepare page. None of these outcomes depends on the
inquiry's stage or on a ballot being open (other rows may set either): refusals are
explained on the page or flashed on the way back to the prepare page.

``recommendation_id`` here is a frozen recommendation; the recommendations rows come
later and win with a proposed one, which the unfreeze page explains is not going to the
vote (200) and the unfreeze action sends back to the prepare page (302): the same
outcomes as for a frozen one.
"""

from __future__ import annotations

from recommendation_factories import make_recommendation

from inquiry.extensions import db
from inquiry.models import (
    Membership,
    MergeApproval,
    RecommendationStatus,
    utcnow,
)

CURATE = "manage"
AUTHORS = "roles:participant"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("curation.prepare", "GET"): (CURATE, 200, {}),
    # Nothing chosen: the page again with the message next to the checkboxes.
    ("curation.prepare", "POST"): (CURATE, 200, {}),
    # Fewer than two recommendations chosen: back to the prepare page.
    ("curation.merge", "GET"): (CURATE, 302, {}),
    ("curation.merge", "POST"): (CURATE, 302, {}),
    # Nothing chosen: back to the prepare page.
    ("curation.freeze", "GET"): (CURATE, 302, {}),
    ("curation.freeze", "POST"): (CURATE, 302, {}),
    ("curation.unfreeze", "GET"): (CURATE, 200, {}),
    ("curation.unfreeze", "POST"): (CURATE, 302, {}),
    # The participant wrote a merged draft; an empty answer is refused next to the field.
    ("curation.answer", "GET"): (AUTHORS, 200, {}),
    ("curation.answer", "POST"): (AUTHORS, 200, {}),
}


def _membership(world, actor: str) -> Membership:
    return db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == world.people[actor].id,
            Membership.inquiry_id == world.inquiry.id,
        )
    )


def url_values(world) -> dict[str, object]:
    author = _membership(world, "participant")
    first = make_recommendation(world.inquiry, author, title="A named person to call")
    second = make_recommendation(world.inquiry, author, title="One contact for my care")
    merged = make_recommendation(world.inquiry, author, title="One named person for each of us")
    researcher = _membership(world, "researcher")
    now = utcnow()
    for source in (first, second):
        source.status = RecommendationStatus.MERGED
        source.merged_into_id = merged.id
    approval = MergeApproval(
        recommendation_id=merged.id,
        source_id=first.id,
        member_id=author.id,
        merged_by_id=researcher.id,
        created_at=now,
    )
    db.session.add(approval)
    frozen = make_recommendation(
        world.inquiry,
        author,
        title="Time to talk at every visit",
        status=RecommendationStatus.FROZEN,
        number=1,
    )
    db.session.commit()
    return {"recommendation_id": frozen.id, "approval_id": approval.id}
