"""The arithmetic of results: distribution, the pass rule, certainty, group-aware
consensus, small-group suppression, matrix zones and the matrix chart. No database."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
import weasyprint

from inquiry.models import Agreement, Certainty
from inquiry.privacy import FEWER_THAN
from inquiry.results import tally
from inquiry.results.matrix import MatrixPoint, Zone, distance, matrix_svg, zone_for

SA, A, N, D, SD, AB = (
    Agreement.STRONGLY_AGREE,
    Agreement.AGREE,
    Agreement.NEITHER,
    Agreement.DISAGREE,
    Agreement.STRONGLY_DISAGREE,
    Agreement.ABSTAIN,
)
TWO_THIRDS = {"scale": "five_point", "numerator": 2, "denominator": 3}
SVG = "{http://www.w3.org/2000/svg}"


# Distribution and the pass rule -----------------------------------------------------


def test_distribution_follows_the_five_point_scale_with_abstentions_apart():
    result = tally.tally({D: 1, SA: 2, A: 3, AB: 4}, **TWO_THIRDS)
    assert [(a.label, a.count) for a in result.answers] == [
        ("Strongly agree", 2),
        ("Agree", 3),
        ("Neither agree nor disagree", 0),
        ("Disagree", 1),
        ("Strongly disagree", 0),
    ]
    # Percentages are of the 6 votes that are not abstentions: 2/6 = 33.3%, 3/6 = 50%,
    # 1/6 = 16.7%.
    assert [a.percent for a in result.answers] == [33, 50, 0, 17, 0]
    assert (result.counted, result.abstentions, result.votes) == (6, 4, 10)
    assert result.support == 5
    assert result.share == Fraction(5, 6)
    assert result.support_percent == 83
    assert result.passed


def test_the_three_point_scale_shows_only_its_own_answers():
    result = tally.tally({A: 2, N: 1, D: 1}, scale="three_point", numerator=1, denominator=2)
    assert [a.label for a in result.answers] == [
        "Agree",
        "Neither agree nor disagree",
        "Disagree",
    ]
    # 2 of 4 is exactly half: passes a simple-majority-of-half rule.
    assert result.share == Fraction(1, 2)
    assert result.passed


def test_exactly_two_thirds_passes():
    # 4 agree of 6 counted votes (the 3 abstentions count for nothing): 4/6 = 2/3.
    result = tally.tally({SA: 1, A: 3, D: 1, SD: 1, AB: 3}, **TWO_THIRDS)
    assert result.share == Fraction(2, 3)
    assert result.passed
    # Ten of fifteen is also exactly two thirds.
    assert tally.tally({A: 10, N: 5}, **TWO_THIRDS).passed


def test_just_under_two_thirds_fails():
    # 13 of 20 = 65%, under 66.7%.
    assert not tally.tally({A: 13, D: 7}, **TWO_THIRDS).passed
    # 9 of 14 = 64.3%: one vote short of 10 of 15.
    assert not tally.tally({A: 9, N: 5}, **TWO_THIRDS).passed


def test_all_abstaining_passes_nothing_and_has_no_percentages():
    result = tally.tally({AB: 5}, {}, **TWO_THIRDS)
    assert (result.counted, result.abstentions, result.support) == (0, 5, 0)
    assert result.share is None and result.support_percent is None
    assert not result.passed
    assert all(a.percent is None for a in result.answers)
    assert result.certainty_score is None and result.certainty_percent is None


def test_no_votes_at_all():
    result = tally.tally({}, **TWO_THIRDS)
    assert (result.votes, result.counted, result.share, result.passed) == (0, 0, None, False)


def test_percentages_round_halves_up():
    assert tally.percent(1, 8) == 13  # 12.5%
    assert tally.percent(1, 3) == 33
    assert tally.percent(2, 3) == 67
    assert tally.percent(0, 0) is None
    assert tally.percent_of(Fraction(5, 8)) == 63  # 62.5%
    assert tally.percent_of(Fraction(1, 200)) == 1  # 0.5%
    assert tally.percent_of(Fraction(0)) == 0
    assert tally.percent_of(0.625) == 63  # a float share as well as a fraction


def test_certainty_is_the_mean_score_of_the_ratings():
    # One low (0), one medium (0.5), two high (1 each): (0 + 0.5 + 2) / 4 = 0.625.
    result = tally.tally(
        {A: 4}, {Certainty.LOW: 1, Certainty.MEDIUM: 1, Certainty.HIGH: 2}, **TWO_THIRDS
    )
    assert result.certainty_score == Fraction(5, 8)
    assert result.certainty_percent == 63
    assert [(c.label, c.count, c.percent) for c in result.certainty] == [
        ("Low", 1, 25),
        ("Medium", 1, 25),
        ("High", 2, 50),
    ]


# Group-aware consensus -------------------------------------------------------------


def test_consensus_of_two_groups_worked_by_hand():
    # Nurses: 3 of 4 agree, P = (3 + 0.5) / (4 + 1) = 3.5 / 5 = 0.7.
    # Care workers: 1 of 2 agree, P = (1 + 0.5) / (2 + 1) = 1.5 / 3 = 0.5.
    # Consensus = sqrt(0.7 * 0.5) = sqrt(0.35) = 0.59161.
    result = tally.consensus({"nurse": (3, 4), "care_worker": (1, 2)})
    assert result.groups == {"nurse": pytest.approx(0.7), "care_worker": pytest.approx(0.5)}
    assert result.value == pytest.approx(0.591608, abs=1e-6)
    assert result.percent == 59


def test_support_carried_by_one_group_shows_low_consensus():
    # Six social workers all agree: P = 6.5 / 7 = 0.928571.
    # Three care workers all disagree: P = 0.5 / 4 = 0.125.
    # Overall support is 6 of 9 (two thirds, it passes), but consensus is
    # sqrt(0.928571 * 0.125) = sqrt(0.116071) = 0.340693.
    result = tally.consensus({"social_worker": (6, 6), "care_worker": (0, 3)})
    assert result.value == pytest.approx(0.340693, abs=1e-6)
    assert result.percent == 34


def test_three_groups_use_the_geometric_mean():
    # P = 2.5/3 = 0.833333, 1.5/2 = 0.75, 0.5/2 = 0.25.
    # Product 0.15625; cube root = 0.538609.
    result = tally.consensus({"a": (2, 2), "b": (1, 1), "c": (0, 1)})
    assert result.value == pytest.approx(0.15625 ** (1 / 3))
    assert result.value == pytest.approx(0.538609, abs=1e-6)


def test_consensus_does_not_depend_on_the_order_of_the_groups():
    # The database returns the groups in no set order, and the summary and a
    # recommendation's own page count them in different queries: both must show
    # exactly the same figure. Added up in these two orders, these groups' logarithms
    # differ in the last digit unless the sum is exact.
    groups = {"a": (1, 6), "b": (3, 4), "c": (0, 5), "d": (1, 7), "e": (2, 3), "f": (2, 2)}
    backwards = dict(reversed(groups.items()))
    assert tally.consensus(groups).value == tally.consensus(backwards).value


def test_groups_with_only_abstentions_are_left_out_of_consensus():
    # The "Not given" group abstained throughout: only nurses count, P = 2.5 / 3.
    result = tally.consensus({"nurse": (2, 2), "": (0, 0)})
    assert result.groups == {"nurse": pytest.approx(2.5 / 3)}
    assert result.value == pytest.approx(0.833333, abs=1e-6)


def test_no_counted_votes_means_no_consensus():
    assert tally.consensus({}).value is None
    assert tally.consensus({"nurse": (0, 0)}).percent is None


def test_support_counts_come_from_answers():
    counts = {"nurse": {SA: 1, A: 2, D: 1, AB: 2}, "": {AB: 1}}
    assert tally.support_counts(counts) == {"nurse": (3, 4), "": (0, 0)}


# Small groups ------------------------------------------------------------------------


def test_others_see_groups_of_one_or_two_as_fewer_than_three_and_a_lone_one_protected():
    # One small group: the next smallest is withheld, or the small one could be
    # worked out from the overall result.
    hidden = tally.hidden_groups(
        {"nurse": 5, "care_worker": 2, "social_worker": 4}, small_groups=False
    )
    assert hidden == {"care_worker": FEWER_THAN, "social_worker": tally.WITHHELD_NOTE}


def test_others_see_two_small_groups_protect_each_other():
    hidden = tally.hidden_groups({"nurse": 5, "care_worker": 2, "doctor": 1}, small_groups=False)
    assert hidden == {"care_worker": FEWER_THAN, "doctor": FEWER_THAN}


def test_researchers_see_groups_of_two_but_never_one_vote():
    hidden = tally.hidden_groups({"nurse": 5, "care_worker": 2, "doctor": 1}, small_groups=True)
    # The doctor's single vote is hidden, and so is the next smallest group, which
    # would otherwise give it away by subtraction from the total.
    assert hidden == {"doctor": tally.ONE_VOTE, "care_worker": tally.WITHHELD_NOTE}
    assert tally.hidden_groups({"nurse": 5, "care_worker": 2}, small_groups=True) == {}


def test_two_single_votes_hide_each_other_for_researchers():
    hidden = tally.hidden_groups({"nurse": 1, "doctor": 1, "other": 4}, small_groups=True)
    assert hidden == {"nurse": tally.ONE_VOTE, "doctor": tally.ONE_VOTE}


def test_breakdown_gives_nothing_of_a_hidden_group():
    groups = {
        "nurse": {A: 2, SA: 1},
        "care_worker": {D: 1, AB: 1},
        "": {A: 2, N: 1, SD: 1, AB: 1},
    }
    rows = tally.breakdown(
        groups,
        labels=tally.role_labels(),
        small_groups=False,
        estimates={"nurse": 0.9},
        **TWO_THIRDS,
    )
    # In the order of the role list, "Other or not given" last.
    assert [(row.label, row.shown) for row in rows] == [
        ("Care worker or personal assistant", False),
        ("Nurse", False),
        ("Other or not given", True),
    ]
    care, nurse, not_given = rows
    assert care.note == FEWER_THAN and care.tally is None and care.estimate is None
    # Nurses (3 votes) are the next smallest group of 3 or more: withheld.
    assert nurse.note == tally.WITHHELD_NOTE and nurse.tally is None and nurse.estimate is None
    assert not_given.tally.votes == 5 and not_given.tally.support == 2
    assert not_given.tally.abstentions == 1 and not_given.tally.support_percent == 50


def test_breakdown_for_researchers_shows_groups_of_two():
    groups = {"nurse": {A: 3, SA: 1}, "care_worker": {D: 1, AB: 1}, "doctor": {A: 2, D: 1}}
    rows = tally.breakdown(groups, labels=tally.role_labels(), small_groups=True, **TWO_THIRDS)
    assert all(row.shown for row in rows)
    care = next(row for row in rows if row.key == "care_worker")
    assert (care.tally.votes, care.tally.abstentions, care.tally.support_percent) == (2, 1, 0)


def test_unknown_group_values_are_not_given():
    labels = tally.role_labels()
    assert tally.group_key("nurse", labels) == "nurse"
    assert tally.group_key("", labels) == ""
    assert tally.group_key("martian", labels) == ""


# Consensus as everyone sees it ---------------------------------------------------------


def test_hidden_groups_count_together_in_the_consensus():
    # Nurses 5 (shown), care workers 3 (withheld, since the doctor's lone group is
    # hidden) and one doctor. Counted apart, the doctor's vote would move the figure.
    sizes = {"nurse": 5, "care_worker": 3, "doctor": 1}
    agreed = tally.shown_consensus(
        {"nurse": (5, 5), "care_worker": (1, 3), "doctor": (1, 1)}, sizes
    )
    disagreed = tally.shown_consensus(
        {"nurse": (5, 5), "care_worker": (2, 3), "doctor": (0, 1)}, sizes
    )
    # Both are the same 2 of 4 agreeing among the hidden groups together:
    # nurses (5.5 / 6) and the rest (2.5 / 5), geometric mean sqrt(0.91667 * 0.5) = 0.677.
    assert agreed == disagreed
    assert agreed.percent == 68
    assert set(agreed.groups) == {"nurse", tally.HIDDEN_TOGETHER}
    # Apart, they differ: that is what counting them together prevents.
    apart = tally.consensus({"nurse": (5, 5), "care_worker": (1, 3), "doctor": (1, 1)})
    other = tally.consensus({"nurse": (5, 5), "care_worker": (2, 3), "doctor": (0, 1)})
    assert apart.percent != other.percent


def test_with_no_hidden_group_the_consensus_is_the_groups_own():
    groups = {"nurse": (4, 5), "care_worker": (1, 4)}
    assert tally.shown_consensus(groups, {"nurse": 5, "care_worker": 4}) == tally.consensus(groups)


# Roles stored when a ballot closes -------------------------------------------------------


def test_a_role_only_one_voter_held_is_stored_as_none():
    assert tally.pooled_groups({"nurse": 4, "doctor": 1, "care_worker": 1}) == {
        "doctor",
        "care_worker",
    }
    # With people who gave no role, the one doctor joins them.
    assert tally.pooled_groups({"nurse": 4, "doctor": 1, "": 2}) == {"doctor"}


def test_a_lone_voter_without_a_group_takes_the_next_smallest_group_with_them():
    # The doctor alone would be the only paper without a role: the care workers join.
    assert tally.pooled_groups({"nurse": 4, "care_worker": 2, "doctor": 1}) == {
        "doctor",
        "care_worker",
    }
    # Likewise one person who gave no role.
    assert tally.pooled_groups({"nurse": 4, "care_worker": 3, "": 1}) == {"care_worker"}
    assert tally.pooled_groups({"nurse": 4, "care_worker": 3}) == set()
    assert tally.pooled_groups({}) == set()


# Zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agreement", "certainty", "zone"),
    [
        (Fraction(1), Fraction(1), Zone.SIMPLE),
        # d = ((1 - 0.76) + (1 - 0.75)) / 2 = 0.245: just inside simple.
        (Fraction(76, 100), Fraction(3, 4), Zone.SIMPLE),
        # d = 0.25 exactly: complicated.
        (Fraction(3, 4), Fraction(3, 4), Zone.COMPLICATED),
        # Two thirds agreement and 5/6 certainty: d = (1/3 + 1/6) / 2 = 1/4 exactly.
        (Fraction(2, 3), Fraction(5, 6), Zone.COMPLICATED),
        # d = 0.5 exactly: complex.
        (Fraction(1, 2), Fraction(1, 2), Zone.COMPLEX),
        (Fraction(1), Fraction(0), Zone.COMPLEX),
        (Fraction(51, 100), Fraction(1, 2), Zone.COMPLICATED),
        # d = 0.75 exactly: chaotic.
        (Fraction(1, 4), Fraction(1, 4), Zone.CHAOTIC),
        (Fraction(26, 100), Fraction(1, 4), Zone.COMPLEX),
        (Fraction(0), Fraction(0), Zone.CHAOTIC),
    ],
)
def test_zones_at_their_boundaries(agreement, certainty, zone):
    assert zone_for(agreement, certainty) is zone


def test_no_zone_without_counted_votes():
    assert zone_for(None, Fraction(1)) is None
    assert zone_for(Fraction(1), None) is None


def test_distance_from_the_agreed_and_certain_corner():
    assert distance(Fraction(1), Fraction(1)) == 0
    assert distance(Fraction(0), Fraction(0)) == 1
    assert distance(Fraction(3, 4), Fraction(1, 2)) == Fraction(3, 8)
    assert distance(Fraction(2, 3), Fraction(5, 6)) == Fraction(1, 4)
    assert distance(0.75, 0.5) == 0.375  # plain numbers too


def test_each_zone_has_its_next_step():
    assert [(z.label, z.next_step) for z in Zone] == [
        ("Simple", "Implement"),
        ("Complicated", "Plan with experts"),
        ("Complex", "Test quickly as a 100-day challenge"),
        ("Chaotic", "Stabilise first"),
    ]


# The chart ---------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    """The chart as XML: it must be well formed to be used in the PDF report."""
    return ET.fromstring(svg)  # noqa: S314 - our own markup, under test


def _points():
    return [
        MatrixPoint("R1", Fraction(1), Fraction(1)),
        MatrixPoint("R2", Fraction(2, 3), Fraction(1, 2)),
        MatrixPoint("R3", Fraction(1, 3), Fraction(1, 2)),
        MatrixPoint("R4", Fraction(0), Fraction(1, 6)),
        MatrixPoint("R5", Fraction(1), Fraction(1)),
    ]


def test_the_chart_is_well_formed_svg_with_a_title_and_description():
    svg = str(matrix_svg(_points(), id_prefix="m1"))
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m1-title m1-desc"
    assert root.find(f"{SVG}title").text == "Agreement and certainty matrix"
    description = root.find(f"{SVG}desc").text
    assert "Simple (implement): R1, R5." in description
    assert "Complicated (plan with experts): R2." in description
    assert "Complex (test quickly as a 100-day challenge): R3." in description
    assert "Chaotic (stabilise first): R4." in description


def test_the_chart_writes_zone_names_and_labels_points_with_references():
    root = parse(str(matrix_svg(_points())))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for name in ("Simple", "Complicated", "Complex", "Chaotic"):
        assert name in texts
    # Points in the same place share one label.
    assert "R1, R5" in texts
    for reference in ("R2", "R3", "R4"):
        assert reference in texts
    # The key names each zone's next step.
    assert "Complex: test quickly as a 100-day challenge" in texts


def test_zones_differ_by_shape_not_only_colour():
    one_each = [
        MatrixPoint("R1", Fraction(1), Fraction(1)),
        MatrixPoint("R2", Fraction(3, 4), Fraction(1, 2)),
    ]
    root = parse(str(matrix_svg(one_each)))
    # Simple points are circles, complicated ones squares (the key adds one of each
    # shape for the four zones).
    assert len(root.findall(f".//{SVG}circle")) == 2
    markers = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "11"]
    assert len(markers) == 2
    # Dashed lines mark the zone boundaries.
    assert len([line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]) == 3


def test_the_chart_escapes_every_label_and_is_self_contained():
    hostile = '<script>alert("x")</script>&'
    svg = str(matrix_svg([MatrixPoint(hostile, Fraction(1), Fraction(1))], title=hostile))
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)  # still well formed
    assert root.find(f"{SVG}title").text == hostile
    # Nothing that needs the web page: no script, links, stylesheet or classes.
    for forbidden in ("href", "url(", "style", "class=", "<image", "<foreignObject"):
        assert forbidden not in svg


def test_an_empty_chart_says_so():
    root = parse(str(matrix_svg([])))
    assert "No recommendation has votes" in root.find(f"{SVG}desc").text


def test_a_point_needs_both_scores():
    with pytest.raises(ValueError):
        MatrixPoint("R1", None, Fraction(1))


def test_certainty_scores_match_the_matrix_axis():
    assert [c.score for c in tally.CERTAINTY_ORDER] == [0.0, 0.5, 1.0]
    assert math.isclose(
        tally.tally({A: 1}, {Certainty.MEDIUM: 1}, **TWO_THIRDS).certainty_score, 0.5
    )


def test_the_chart_renders_in_a_pdf_without_complaint(caplog):
    svg = matrix_svg(_points())
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = weasyprint.HTML(string=f"<html><body>{svg}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")
    assert [record.getMessage() for record in caplog.records] == []
