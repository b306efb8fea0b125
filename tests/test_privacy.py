"""Small groups are hidden from everyone but researchers, and cannot be worked out."""

from __future__ import annotations

from inquiry.privacy import FEWER_THAN, WITHHELD, suppress_small_groups


def test_researchers_see_exact_counts():
    counts = {"nurse": 1, "care_worker": 7}
    assert suppress_small_groups(counts, reveal=True) == counts


def test_groups_of_one_or_two_are_fewer_than_three_and_empty_groups_stay_empty():
    counts = {"nurse": 1, "social_worker": 2, "care_worker": 3, "manager": 0}
    assert suppress_small_groups(counts, reveal=False) == {
        "nurse": FEWER_THAN,
        "social_worker": FEWER_THAN,
        "care_worker": 3,
        "manager": 0,
    }


def test_a_lone_small_group_is_not_given_away_by_the_total():
    counts = {"nurse": 2, "care_worker": 8, "social_worker": 4}
    shown = suppress_small_groups(counts, reveal=False, total_shown=True)
    # With a total of 14 shown, 14 - 8 - 4 would reveal the nurses: hide the next smallest.
    assert shown == {"nurse": FEWER_THAN, "care_worker": 8, "social_worker": WITHHELD}


def test_two_small_groups_protect_each_other():
    counts = {"nurse": 1, "social_worker": 2, "care_worker": 9}
    shown = suppress_small_groups(counts, reveal=False, total_shown=True)
    assert shown == {"nurse": FEWER_THAN, "social_worker": FEWER_THAN, "care_worker": 9}
