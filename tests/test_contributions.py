"""The contributions registry: counts for set-up, and removal when a member withdraws."""

from __future__ import annotations

import pytest
from conftest import sign_in_as

from inquiry import contributions
from inquiry.extensions import db
from inquiry.models import Membership, MembershipStatus, WithdrawalPolicy


@pytest.fixture
def removed():
    calls: list[int] = []
    counter = contributions.register(
        contributions.Counter(
            label="notes",
            for_member=lambda session, membership: 2,
            remove_for_member=lambda session, membership, now: calls.append(membership.id),
        )
    )
    yield calls
    contributions.unregister(counter)


def _participant_membership(world) -> Membership:
    return db.session.scalar(
        db.select(Membership).where(Membership.user_id == world.people["participant"].id)
    )


@pytest.mark.parametrize(
    ("policy", "erased"),
    [(WithdrawalPolicy.REMOVE, True), (WithdrawalPolicy.KEEP_ANONYMISED, False)],
)
def test_withdrawing_removes_contributions_only_when_the_policy_says_so(
    client, world, removed, policy, erased
):
    world.inquiry.withdrawal_policy = policy
    db.session.commit()
    membership = _participant_membership(world)
    sign_in_as(client, world.people["participant"])
    page = client.get(f"/inquiries/{world.inquiry.id}/withdraw").get_data(as_text=True)
    assert "2 notes" in page
    response = client.post(f"/inquiries/{world.inquiry.id}/withdraw", data={})
    assert response.status_code == 302
    assert _participant_membership(world).status == MembershipStatus.WITHDRAWN
    assert removed == ([membership.id] if erased else [])


def test_describe_joins_counts_in_plain_english():
    assert contributions.describe({}) == ""
    assert contributions.describe({"reflections": 3}) == "3 reflections"
    assert (
        contributions.describe({"reflections": 3, "question": 1, "excerpts": 2})
        == "3 reflections, 1 question and 2 excerpts"
    )


def test_counts_use_the_singular_for_one(world):
    counter = contributions.register(
        contributions.Counter(
            label="testimonies", singular="testimony", for_member=lambda session, m: 1
        )
    )
    try:
        membership = _participant_membership(world)
        assert contributions.by_member(db.session, membership) == {"testimony": 1}
    finally:
        contributions.unregister(counter)
