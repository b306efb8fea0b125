"""Results pages, the CSV download and the results services, over closed ballots made
directly in the database."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import pytest
from conftest import (
    add_member,
    check_page,
    counting_queries,
    make_inquiry,
    make_user,
    sign_in_as,
)
from recommendation_factories import add_closed_paper, make_ballot, make_recommendation

from inquiry.extensions import db
from inquiry.models import (
    Agreement,
    AgreementScale,
    Ballot,
    BallotStatus,
    Certainty,
    Inquiry,
    Recommendation,
    RecommendationStatus,
    Role,
    User,
    utcnow,
)
from inquiry.results import services
from inquiry.results.matrix import Zone

SA, A, N, D, SD, AB = (
    Agreement.STRONGLY_AGREE,
    Agreement.AGREE,
    Agreement.NEITHER,
    Agreement.DISAGREE,
    Agreement.STRONGLY_DISAGREE,
    Agreement.ABSTAIN,
)
LOW, MEDIUM, HIGH = Certainty.LOW, Certainty.MEDIUM, Certainty.HIGH
# A dash for screen readers to skip, then why there is no figure.
NO_VOTES = "\N{EN DASH}no votes counted"


@dataclass
class Cohort:
    inquiry: Inquiry
    researcher: User
    participant: User
    observer: User
    witness: User
    commissioner: User


@pytest.fixture
def cohort(app) -> Cohort:
    researcher = make_user("rosa.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    people = {}
    for role in (Role.PARTICIPANT, Role.OBSERVER, Role.WITNESS, Role.COMMISSIONER):
        people[role.value] = make_user(f"{role.value}.person@example.org")
        add_member(inquiry, people[role.value], role)
    return Cohort(inquiry=inquiry, researcher=researcher, **people)


def recommendations(inquiry: Inquiry, titles: list[str]) -> list[Recommendation]:
    return [
        make_recommendation(
            inquiry, None, title=title, status=RecommendationStatus.FROZEN, number=number
        )
        for number, title in enumerate(titles, start=1)
    ]


def closed(ballot: Ballot, *, eligible: int, participants: int) -> Ballot:
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = utcnow()
    ballot.eligible_count = eligible
    ballot.participant_count = participants
    db.session.commit()
    return ballot


def _text(element) -> str:
    return " ".join(element.text.split())


def care_ballot(inquiry: Inquiry) -> tuple[Ballot, list[Recommendation]]:
    """Nine voters: five nurses, two care workers, and, in "Other or not given", a
    social worker (the only one, so closing stored no role) and one who gave no role.

    R1 "A named person to call": 7 agree of 8 counted, 1 abstains. Passes.
    R2 "Visits long enough to talk": 5 of 9 agree (nurses only). Does not pass.
    """
    r1, r2 = recommendations(inquiry, ["A named person to call", "Visits long enough to talk"])
    ballot = make_ballot(inquiry, [r1, r2])
    for _ in range(4):
        add_closed_paper(ballot, {r1: (SA, HIGH), r2: (A, MEDIUM)}, professional_role="nurse")
    add_closed_paper(
        ballot,
        {r1: (A, MEDIUM), r2: (SA, HIGH)},
        professional_role="nurse",
        dissent={r2: "Zebra crossings aside, visits must not be rushed."},
    )
    add_closed_paper(
        ballot,
        {r1: (A, HIGH), r2: (D, LOW)},
        professional_role="care_worker",
        dissent={r2: "Agencies cannot staff longer visits without more money."},
    )
    add_closed_paper(
        ballot,
        {r1: (A, LOW), r2: (SD, LOW)},
        professional_role="care_worker",
    )
    add_closed_paper(
        ballot,
        {r1: (D, LOW), r2: (N, MEDIUM)},
        dissent={r1: "<b>One person</b> cannot cover every shift."},
    )
    add_closed_paper(ballot, {r1: (AB, None), r2: (D, LOW)})
    closed(ballot, eligible=12, participants=9)
    return ballot, [r1, r2]


def results_url(inquiry: Inquiry, ballot: Ballot | None = None, suffix: str = "") -> str:
    if ballot is None:
        return f"/inquiries/{inquiry.id}/results"
    return f"/inquiries/{inquiry.id}/ballots/{ballot.id}/results{suffix}"


def recommendation_url(inquiry: Inquiry, ballot: Ballot, recommendation: Recommendation) -> str:
    return f"/inquiries/{inquiry.id}/ballots/{ballot.id}/results/{recommendation.id}"


def row_texts(page, table_id_or_caption: str) -> list[list[str]]:
    for table in page.select("table"):
        caption = table.find("caption")
        if table.get("id") == table_id_or_caption or (
            caption and " ".join(caption.get_text().split()) == table_id_or_caption
        ):
            return [
                [" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
                for row in table.select("tbody tr")
            ]
    raise AssertionError(f"no table {table_id_or_caption!r}")


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# Before any ballot closes ------------------------------------------------------------


def test_no_results_before_a_ballot_closes(client_request, cohort):
    page = client_request.login(cohort.participant).get(results_url(cohort.inquiry))
    assert "Results will be shown here when the ballot closes." in page.text
    assert "No ballot has closed yet." in page.text


def test_an_open_ballot_shows_no_numbers_anywhere(client, client_request, cohort):
    inquiry = cohort.inquiry
    (r1,) = recommendations(inquiry, ["A named person to call"])
    ballot = make_ballot(inquiry, [r1])
    for _ in range(3):
        add_closed_paper(ballot, {r1: (SA, HIGH)}, professional_role="nurse")
    for user in (cohort.researcher, cohort.participant, cohort.observer):
        page = client_request.login(user).get(results_url(inquiry))
        assert "Results will be shown here when the ballot closes." in page.text
        assert "A ballot is open now." in page.text
        assert "%" not in page.select_one("main").text
        assert page.find("table") is None
        sign_in_as(client, user)
        assert client.get(results_url(inquiry, ballot)).status_code == 404
        assert client.get(results_url(inquiry, ballot, ".csv")).status_code == 404
    with pytest.raises(services.ResultsNotAvailable):
        services.ballot_results(db.session, ballot, small_groups=True)


# The results page ----------------------------------------------------------------------


def test_results_page_summary(client_request, cohort):
    care_ballot(cohort.inquiry)
    page = client_request.login(cohort.participant).get(results_url(cohort.inquiry))
    assert page.h1.text.strip() == "Results"
    quorum = " ".join(page.select_one("#quorum").text.split())
    assert "9 of 12 eligible participants voted (75%). The quorum was reached." in quorum
    assert "1 of 2 recommendations passed." in quorum
    rule = page.select_one("#voting-rule").text
    assert "at least two thirds of the votes that are not abstentions" in rule
    assert "at least 50% of eligible participants vote" in rule
    # R1: 7 of 8 counted agree = 87.5% -> 88%. Consensus: the care workers (2 votes)
    # and "Other or not given" (2 votes) are hidden from everyone but researchers, so
    # they count as one group: 2 agree of 3 counted (the abstention left out) ->
    # 2.5/4 = 0.625; nurses 5/5 -> 5.5/6 = 0.916667. Geometric mean: square root of
    # 0.572917 = 0.7569 -> 76%.
    # R2: 5 of 9 agree = 55.6% -> 56%. Nurses 5/5 -> 0.916667; the hidden groups 0 of
    # 4 -> 0.5/5 = 0.1. Square root of 0.0916667 = 0.3028 -> 30%.
    assert row_texts(page, "summary") == [
        ["R1: A named person to call", "88%", "76%", "Passed", "1", "Simple"],
        ["R2: Visits long enough to talk", "56%", "30%", "Not passed", "0", "Complex"],
    ]
    tags = page.select("#summary tbody strong.govuk-tag")
    assert [tag["class"] for tag in tags] == [
        ["govuk-tag", "govuk-tag--green"],
        ["govuk-tag", "govuk-tag--red"],
    ]


def test_summary_links_to_each_recommendations_results(client_request, cohort):
    ballot, (r1, r2) = care_ballot(cohort.inquiry)
    page = client_request.login(cohort.participant).get(results_url(cohort.inquiry))
    links = page.select("#summary tbody th a")
    assert [a["href"] for a in links] == [
        recommendation_url(cohort.inquiry, ballot, r1),
        recommendation_url(cohort.inquiry, ballot, r2),
    ]
    # The details are on those pages, not on the ballot's.
    assert "How people voted on" not in page.text
    assert "Support for R1 by professional role" not in page.text
    assert "Agencies cannot staff longer visits" not in page.text
    assert page.select_one("#result-r1") is None


def test_each_recommendation_in_detail(client_request, cohort):
    inquiry = cohort.inquiry
    ballot, (r1, r2) = care_ballot(inquiry)
    page = client_request.login(cohort.observer).get(recommendation_url(inquiry, ballot, r1))
    assert page.h1.text.strip() == "Results for R1: A named person to call"
    assert page.title.text.startswith("Results for R1: A named person to call")
    summary = {
        " ".join(row.dt.text.split()): " ".join(row.dd.text.split())
        for row in page.select("#result-summary .govuk-summary-list__row")
    }
    assert summary["Result"] == "Passed"
    assert summary["Support"] == "88% (7 of 8 votes that are not abstentions)"
    assert summary["Consensus"].startswith("76%")
    assert summary["Abstentions"] == "1"
    assert summary["Zone"] == "Simple: implement"
    back = page.select_one("#back-to-results")
    assert back["href"] == results_url(inquiry, ballot)
    assert page.select_one("#recommendation-link")["href"] == (
        f"/inquiries/{inquiry.id}/recommendations/{r1.id}"
    )
    # R1 is first: a link on to R2 only.
    pagination = page.select("#recommendation-pagination a")
    assert [a["href"] for a in pagination] == [recommendation_url(inquiry, ballot, r2)]
    assert row_texts(page, "How people voted on R1") == [
        ["Strongly agree", "4", "50%"],
        ["Agree", "3", "38%"],
        ["Neither agree nor disagree", "0", "0%"],
        ["Disagree", "1", "13%"],
        ["Strongly disagree", "0", "0%"],
        ["Abstain", "1", "Not counted for or against"],
    ]
    # Certainty of the 8 votes that are not abstentions: 2 low, 1 medium, 5 high.
    assert row_texts(page, "How certain voters were that R1 would work") == [
        ["Low", "2", "25%"],
        ["Medium", "1", "13%"],
        ["High", "5", "63%"],
    ]
    assert "Average certainty: 69%." in page.text
    assert "Shows whether support comes from every group, not only one." in page.text
    # Nothing of R2 on R1's page.
    assert "How people voted on R2" not in page.text
    assert "Agencies cannot staff longer visits" not in page.text
    assert "Zebra crossings aside" not in page.text
    page = client_request.login(cohort.observer).get(recommendation_url(inquiry, ballot, r2))
    assert page.h1.text.strip() == "Results for R2: Visits long enough to talk"
    pagination = page.select("#recommendation-pagination a")
    assert [a["href"] for a in pagination] == [recommendation_url(inquiry, ballot, r1)]


def test_the_matrix_is_on_the_ballots_results(client_request, cohort):
    care_ballot(cohort.inquiry)
    page = client_request.login(cohort.observer).get(results_url(cohort.inquiry))
    # Mean certainty (0 + 0 + 0.5 + 5) / 8 = 0.6875 -> 69%; agreement 7/8 = 0.875;
    # distance ((1 - 0.875) + (1 - 0.6875)) / 2 = 0.21875, under 0.25: simple.
    # R2: agreement 5/9, certainty (5 x 0.5 + 1) / 9 = 0.3889; distance
    # (0.4444 + 0.6111) / 2 = 0.5278: complex.
    assert row_texts(page, "matrix-table") == [
        ["R1", "88%", "69%", "Simple", "Implement"],
        ["R2", "56%", "39%", "Complex", "Test quickly as a 100-day challenge"],
    ]
    assert page.select_one("svg[role=img]") is not None


def test_dissent_is_anonymous_alphabetical_and_escaped(client, cohort):
    inquiry = cohort.inquiry
    ballot, (r1, r2) = care_ballot(inquiry)
    sign_in_as(client, cohort.participant)
    html = client.get(recommendation_url(inquiry, ballot, r1)).get_data(as_text=True)
    assert "&lt;b&gt;One person&lt;/b&gt; cannot cover every shift." in html
    assert "<b>One person</b>" not in html
    html = client.get(recommendation_url(inquiry, ballot, r2)).get_data(as_text=True)
    first = html.index("Agencies cannot staff longer visits")
    second = html.index("Zebra crossings aside")
    assert first < second  # alphabetical, not the order they were written in
    # Anonymous: no voter's name or email address, and no group beside the text.
    dissent = check_page(html).select_one("#dissent").text
    for person in (cohort.participant, cohort.researcher):
        assert person.email not in html
    assert "Nurse" not in dissent and "Care worker" not in dissent


def test_inquorate_ballot_passes_nothing(client_request, cohort):
    inquiry = cohort.inquiry
    (r1,) = recommendations(inquiry, ["A named person to call"])
    ballot = make_ballot(inquiry, [r1])
    for _ in range(4):
        add_closed_paper(ballot, {r1: (SA, HIGH)})
    closed(ballot, eligible=10, participants=4)
    page = client_request.login(cohort.researcher).get(results_url(inquiry))
    assert "The quorum was not reached: 4 of 10 eligible participants voted." in page.text
    assert "How people voted is not shown for a ballot that did not count" in page.text
    assert [_text(li) for li in page.select("#summary li")] == ["R1: A named person to call"]
    results = services.ballot_results(db.session, ballot, small_groups=False)
    assert not results.quorum_met
    assert not results.recommendations[0].passed
    assert results.passed == []


def test_a_ballot_that_did_not_count_shows_nobody_how_anyone_voted(client, cohort):
    """A researcher who closed a ballot when one chosen person had voted learns
    nothing of their vote: no figures, no dissent, on any page or in the CSV."""
    inquiry = cohort.inquiry
    (r1,) = recommendations(inquiry, ["A named person to call"])
    ballot = make_ballot(inquiry, [r1])
    add_closed_paper(ballot, {r1: (SD, HIGH)}, dissent={r1: "Only I think this."})
    closed(ballot, eligible=10, participants=1)
    for user in (cohort.researcher, cohort.participant, cohort.observer):
        sign_in_as(client, user)
        for url in (
            results_url(inquiry),
            results_url(inquiry, ballot),
            recommendation_url(inquiry, ballot, r1),
        ):
            html = client.get(url).get_data(as_text=True)
            main = _text(check_page(html).select_one("main"))
            assert "How people voted is not shown" in main
            assert "Only I think this" not in html
            shown = ("Strongly disagree", "Support for", "How people voted on", "Consensus", "100%")
            assert not [figure for figure in shown if figure in main]
            assert "<svg" not in html
        rows = read_csv(client.get(results_url(inquiry, ballot, ".csv")))
        assert rows[1:] == [
            ["", "", "Ballot", "", "Eligible participants", "10", ""],
            ["", "", "Ballot", "", "Took part", "1", "10"],
            ["", "", "Ballot", "", "Quorum reached", "No", ""],
        ]
    for details in (True, False):
        result = services.ballot_results(
            db.session, ballot, small_groups=True, details=details
        ).recommendations[0]
        assert (result.tally.votes, result.consensus.value, result.zone) == (0, None, None)
        assert (result.by_role, result.dissent) == ([], [])


def test_the_rule_shown_is_the_ballots_not_the_current_setting(client_request, cohort):
    care_ballot(cohort.inquiry)
    cohort.inquiry.pass_threshold_numerator = 3
    cohort.inquiry.pass_threshold_denominator = 4
    cohort.inquiry.quorum_percent = 80
    db.session.commit()
    page = client_request.login(cohort.participant).get(results_url(cohort.inquiry))
    rule = page.select_one("#voting-rule").text
    assert "at least two thirds" in rule and "three quarters" not in rule
    assert "at least 50% of eligible participants" in rule
    assert "The quorum was reached." in page.text


def test_a_title_with_markup_is_escaped_and_kept_out_of_the_chart(client, cohort):
    inquiry = cohort.inquiry
    (r1,) = recommendations(inquiry, ['<script>alert("care")</script>'])
    ballot = make_ballot(inquiry, [r1])
    for _ in range(3):
        add_closed_paper(ballot, {r1: (A, HIGH)})
    closed(ballot, eligible=3, participants=3)
    sign_in_as(client, cohort.participant)
    html = client.get(results_url(inquiry)).get_data(as_text=True)
    assert '<script>alert("care")</script>' not in html
    assert "&lt;script&gt;alert(&#34;care&#34;)&lt;/script&gt;" in html
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "alert" not in chart
    html = client.get(recommendation_url(inquiry, ballot, r1)).get_data(as_text=True)
    assert '<script>alert("care")</script>' not in html
    page = check_page(html)
    assert page.h1.text.strip() == 'Results for R1: <script>alert("care")</script>'


def test_three_point_ballot(client_request, cohort):
    inquiry = cohort.inquiry
    inquiry.agreement_scale = AgreementScale.THREE_POINT
    db.session.commit()
    (r1,) = recommendations(inquiry, ["Hospital discharge with a plan"])
    ballot = make_ballot(inquiry, [r1])
    for answer in (A, A, N):
        add_closed_paper(ballot, {r1: (answer, MEDIUM)})
    closed(ballot, eligible=3, participants=3)
    page = client_request.login(cohort.participant).get(results_url(inquiry))
    assert "of the votes that are not abstentions are agree." in page.text
    page = client_request.login(cohort.participant).get(recommendation_url(inquiry, ballot, r1))
    assert [row[0] for row in row_texts(page, "How people voted on R1")] == [
        "Agree",
        "Neither agree nor disagree",
        "Disagree",
        "Abstain",
    ]
    assert "Strongly agree" not in page.text


def test_all_abstain_and_no_votes(client_request, cohort):
    inquiry = cohort.inquiry
    r1, r2 = recommendations(inquiry, ["Carers' breaks", "Equipment in a week"])
    ballot = make_ballot(inquiry, [r1, r2])
    for _ in range(3):
        add_closed_paper(ballot, {r1: (AB, None)})
    closed(ballot, eligible=3, participants=3)
    page = client_request.login(cohort.participant).get(results_url(inquiry))
    summary = row_texts(page, "summary")
    assert summary[0] == [
        "R1: Carers' breaks",
        NO_VOTES,
        NO_VOTES,
        "Not passed",
        "3",
        "No zone",
    ]
    assert summary[1][1:] == [
        NO_VOTES,
        NO_VOTES,
        "Not passed",
        "0",
        "No zone",
    ]
    assert row_texts(page, "matrix-table")[0][3] == "No zone: no votes were counted"
    page = client_request.login(cohort.participant).get(recommendation_url(inquiry, ballot, r1))
    assert row_texts(page, "How people voted on R1")[-1] == [
        "Abstain",
        "3",
        "Not counted for or against",
    ]
    assert "Zone No zone: no votes were counted" in " ".join(page.text.split())
    page = client_request.login(cohort.participant).get(recommendation_url(inquiry, ballot, r2))
    assert row_texts(page, "How people voted on R2")[-1] == [
        "Abstain",
        "0",
        "Not counted for or against",
    ]
    assert "Nobody voted on R2." in page.text
    assert "Nobody wrote a dissent or minority view on R2." in page.text


# Quorum and threshold through the service ----------------------------------------------


@pytest.mark.parametrize(
    ("participants", "eligible", "quorum", "met"),
    [
        (5, 10, 50, True),  # exactly at the quorum
        (4, 10, 50, False),  # one under
        (7, 10, 70, True),
        (6, 9, 67, False),  # 66.7% is under 67%
        (0, 0, 50, False),  # nobody eligible, nobody voted
        (2, 2, 50, False),  # everyone, but fewer than 3 voters never count
        (3, 3, 100, True),  # 3 voters are enough
    ],
)
def test_quorum_edges(cohort, participants, eligible, quorum, met):
    inquiry = cohort.inquiry
    inquiry.quorum_percent = quorum
    db.session.commit()
    (r1,) = recommendations(inquiry, ["A named person to call"])
    ballot = make_ballot(inquiry, [r1])
    for _ in range(participants):
        add_closed_paper(ballot, {r1: (A, HIGH)})
    closed(ballot, eligible=eligible, participants=participants)
    results = services.ballot_results(db.session, ballot, small_groups=False)
    assert results.quorum_met is met
    assert results.recommendations[0].passed is met


def test_exactly_two_thirds_passes_and_one_less_fails(cohort):
    inquiry = cohort.inquiry
    r1, r2 = recommendations(inquiry, ["Exactly two thirds", "One short"])
    ballot = make_ballot(inquiry, [r1, r2])
    answers = [(A, A), (SA, SA), (A, A), (SA, D), (D, D), (SD, SD), (AB, AB)]
    for first, second in answers:
        add_closed_paper(
            ballot,
            {
                r1: (first, None if first is AB else HIGH),
                r2: (second, None if second is AB else HIGH),
            },
        )
    closed(ballot, eligible=7, participants=7)
    results = services.ballot_results(db.session, ballot, small_groups=False)
    one, two = results.recommendations
    assert (one.tally.support, one.tally.counted, one.passed) == (4, 6, True)
    assert (two.tally.support, two.tally.counted, two.passed) == (3, 6, False)


# Small groups by viewer ------------------------------------------------------------------


def test_participants_and_observers_see_small_groups_hidden(client_request, cohort):
    ballot, (r1, _) = care_ballot(cohort.inquiry)
    for user in (cohort.participant, cohort.observer):
        page = client_request.login(user).get(recommendation_url(cohort.inquiry, ballot, r1))
        roles = row_texts(page, "Support for R1 by professional role")
        # Nurses (5 votes) shown; care workers (2) and "Other or not given" (2) are
        # each fewer than 3.
        assert roles == [
            ["Care worker or personal assistant", "Fewer than 3"],
            ["Nurse", "5", "0", "100%", "92%"],
            ["Other or not given", "Fewer than 3"],
        ]
        # Votes are broken down by professional role only: a second breakdown could
        # give away a hidden group by subtraction.
        assert "by sector" not in page.text


def test_researchers_see_groups_of_two_but_never_one_vote(client_request, cohort):
    ballot, (_, r2) = care_ballot(cohort.inquiry)
    page = client_request.login(cohort.researcher).get(
        recommendation_url(cohort.inquiry, ballot, r2)
    )
    roles = row_texts(page, "Support for R2 by professional role")
    assert roles == [
        # Hidden from everyone else, the care workers count in the consensus with the
        # other small group.
        [
            "Care worker or personal assistant",
            "2",
            "0",
            "0%",
            "Counted with the other small groups",
        ],
        ["Nurse", "5", "0", "100%", "92%"],
        ["Other or not given", "2", "0", "0%", "Counted with the other small groups"],
    ]


def test_a_lone_hidden_group_withholds_the_next_smallest(client_request, cohort):
    inquiry = cohort.inquiry
    (r1,) = recommendations(inquiry, ["Same carers each week"])
    ballot = make_ballot(inquiry, [r1])
    for _ in range(5):
        add_closed_paper(ballot, {r1: (A, HIGH)}, professional_role="nurse")
    for _ in range(3):
        add_closed_paper(ballot, {r1: (D, LOW)}, professional_role="care_worker")
    add_closed_paper(ballot, {r1: (A, HIGH)}, professional_role="doctor")
    closed(ballot, eligible=9, participants=9)
    url = recommendation_url(inquiry, ballot, r1)
    page = client_request.login(cohort.participant).get(url)
    assert row_texts(page, "Support for R1 by professional role") == [
        [
            "Care worker or personal assistant",
            "Not shown, so that a smaller group cannot be worked out from the total",
        ],
        ["Nurse", "5", "0", "100%", "92%"],
        ["GP or other doctor", "Fewer than 3"],
    ]
    page = client_request.login(cohort.researcher).get(url)
    assert row_texts(page, "Support for R1 by professional role")[0][0:2] == [
        "Care worker or personal assistant",
        "Not shown, so that a smaller group cannot be worked out from the total",
    ]


# The CSV download -------------------------------------------------------------------------


def test_csv_download_for_a_participant(client, cohort):
    ballot, _ = care_ballot(cohort.inquiry)
    sign_in_as(client, cohort.participant)
    response = client.get(results_url(cohort.inquiry, ballot, ".csv"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".csv" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "Recommendation",
        "Title",
        "Breakdown",
        "Group",
        "Measure",
        "Value",
        "Percentage",
    ]
    assert ["", "", "Ballot", "", "Took part", "9", "75"] in rows
    assert ["", "", "Ballot", "", "Quorum reached", "Yes", ""] in rows
    title = "A named person to call"
    assert ["R1", title, "All votes", "All voters", "Strongly agree", "4", "50"] in rows
    assert ["R1", title, "All votes", "All voters", "Abstain", "1", ""] in rows
    assert ["R1", title, "All votes", "All voters", "Passed", "Yes", ""] in rows
    assert ["R1", title, "All votes", "All voters", "Zone", "Simple: implement", ""] in rows
    assert ["R1", title, "Professional role", "Nurse", "Votes", "5", ""] in rows
    assert [
        "R1",
        title,
        "Professional role",
        "Care worker or personal assistant",
        "Votes",
        "fewer than 3",
        "",
    ] in rows
    # Nothing else of a hidden group.
    assert not [row for row in rows if row[3].startswith("Care worker") and row[4] != "Votes"]
    assert not [
        row for row in rows[1:] if row[2] not in ("Ballot", "All votes", "Professional role")
    ]
    # No dissent text.
    text = response.get_data(as_text=True)
    assert "Agencies cannot staff" not in text and "One person" not in text


def test_csv_download_for_a_researcher_shows_groups_of_two(client, cohort):
    ballot, _ = care_ballot(cohort.inquiry)
    sign_in_as(client, cohort.researcher)
    rows = read_csv(client.get(results_url(cohort.inquiry, ballot, ".csv")))
    care = "Care worker or personal assistant"
    assert ["R2", "Visits long enough to talk", "Professional role", care, "Votes", "2", ""] in rows
    other = "Other or not given"
    assert [
        "R2",
        "Visits long enough to talk",
        "Professional role",
        other,
        "Votes",
        "2",
        "",
    ] in rows


def test_csv_cells_cannot_run_as_formulas(client, cohort):
    inquiry = cohort.inquiry
    (r1,) = recommendations(inquiry, ['=HYPERLINK("http://example.org","Click")'])
    ballot = make_ballot(inquiry, [r1])
    for _ in range(3):
        add_closed_paper(ballot, {r1: (A, HIGH)})
    closed(ballot, eligible=3, participants=3)
    sign_in_as(client, cohort.participant)
    rows = read_csv(client.get(results_url(inquiry, ballot, ".csv")))
    titles = {row[1] for row in rows[1:] if row[0] == "R1"}
    assert titles == {'\'=HYPERLINK("http://example.org","Click")'}


# Several ballots, other inquiries ---------------------------------------------------------


def test_latest_closed_ballot_is_shown_and_earlier_ones_listed(client_request, cohort):
    inquiry = cohort.inquiry
    (r1,) = recommendations(inquiry, ["A named person to call"])
    first = make_ballot(inquiry, [r1])
    add_closed_paper(first, {r1: (A, HIGH)})
    closed(first, eligible=10, participants=1)
    second = make_ballot(inquiry, [r1])
    for _ in range(3):
        add_closed_paper(second, {r1: (D, LOW)})
    closed(second, eligible=4, participants=3)
    assert [b.id for b in services.closed_ballots(db.session, inquiry)] == [second.id, first.id]
    assert services.deciding_ballot(db.session, r1).id == second.id
    page = client_request.login(cohort.participant).get(results_url(inquiry))
    assert "3 of 4 eligible participants voted" in page.text
    links = page.select("#other-ballots a")
    assert [a["href"] for a in links] == [results_url(inquiry, first)]
    page = client_request.login(cohort.participant).get(results_url(inquiry, first))
    assert page.h1.text.startswith("Results of the ballot closed on")
    assert "The quorum was not reached: 1 of 10" in page.text
    assert [a["href"] for a in page.select("#other-ballots a")] == [results_url(inquiry, second)]


def test_another_inquirys_ballot_is_not_found(client, cohort):
    ballot, _ = care_ballot(cohort.inquiry)
    other_researcher = make_user("oscar.other@example.org", researcher=True)
    other = make_inquiry(other_researcher, title="Another inquiry")
    add_member(other, cohort.participant, Role.PARTICIPANT)
    sign_in_as(client, cohort.participant)
    assert client.get(results_url(other, ballot)).status_code == 404
    assert client.get(results_url(other, ballot, ".csv")).status_code == 404
    assert client.get(f"/inquiries/{cohort.inquiry.id}/ballots/99999/results").status_code == 404


def test_a_recommendations_results_are_not_found_off_its_closed_ballot(client, cohort):
    inquiry = cohort.inquiry
    ballot, (r1, _) = care_ballot(inquiry)
    # An open ballot: no results of any recommendation on it.
    r3 = make_recommendation(
        inquiry, None, title="Equipment in a week", status=RecommendationStatus.FROZEN, number=3
    )
    open_ballot = make_ballot(inquiry, [r3])
    for _ in range(3):
        add_closed_paper(open_ballot, {r3: (SA, HIGH)}, professional_role="nurse")
    # Another inquiry's closed ballot, where the participant is a member too.
    other = make_inquiry(make_user("oscar.other@example.org", researcher=True), title="Another")
    add_member(other, cohort.participant, Role.PARTICIPANT)
    (elsewhere,) = recommendations(other, ["Respite care nearby"])
    other_ballot = make_ballot(other, [elsewhere])
    add_closed_paper(other_ballot, {elsewhere: (A, HIGH)})
    closed(other_ballot, eligible=1, participants=1)
    for user in (cohort.participant, cohort.researcher):
        sign_in_as(client, user)
        assert client.get(recommendation_url(inquiry, ballot, r1)).status_code == 200
        assert client.get(recommendation_url(inquiry, open_ballot, r3)).status_code == 404
        # Another inquiry's ballot, through this inquiry or with this inquiry's
        # recommendation.
        assert client.get(recommendation_url(inquiry, other_ballot, elsewhere)).status_code == 404
        assert client.get(results_url(inquiry, other_ballot)).status_code == 404
        assert client.get(results_url(inquiry, open_ballot)).status_code == 404
        assert client.get(recommendation_url(inquiry, other_ballot, r1)).status_code == 404
        # Not on this ballot, or no such recommendation.
        assert client.get(recommendation_url(inquiry, ballot, r3)).status_code == 404
        assert client.get(recommendation_url(inquiry, ballot, elsewhere)).status_code == 404
        missing = f"/inquiries/{inquiry.id}/ballots/{ballot.id}/results/99999"
        assert client.get(missing).status_code == 404
    sign_in_as(client, cohort.participant)
    assert client.get(recommendation_url(other, other_ballot, elsewhere)).status_code == 200


def test_witnesses_and_commissioners_cannot_see_results(client, cohort):
    ballot, (r1, _) = care_ballot(cohort.inquiry)
    for user in (cohort.witness, cohort.commissioner):
        sign_in_as(client, user)
        assert client.get(results_url(cohort.inquiry)).status_code == 403
        assert client.get(results_url(cohort.inquiry, ballot, ".csv")).status_code == 403
        assert client.get(recommendation_url(cohort.inquiry, ballot, r1)).status_code == 403


# Services for the report --------------------------------------------------------------


def test_results_for_report_hide_small_groups(cohort):
    assert services.results_for_report(db.session, cohort.inquiry) == []
    ballot, _ = care_ballot(cohort.inquiry)
    (results,) = services.results_for_report(db.session, cohort.inquiry)
    assert results.ballot.id == ballot.id
    assert not results.small_groups
    care = next(g for g in results.recommendations[1].by_role if g.key == "care_worker")
    assert not care.shown and care.tally is None
    assert [point.reference for point in results.matrix_points] == ["R1", "R2"]
    assert [r.zone for r in results.recommendations] == [Zone.SIMPLE, Zone.COMPLEX]


def test_one_recommendations_results_match_the_whole_ballots(cohort):
    ballot, (r1, r2) = care_ballot(cohort.inquiry)
    whole = services.ballot_results(db.session, ballot, small_groups=True)
    for expected, recommendation in zip(whole.recommendations, (r1, r2), strict=True):
        one = services.ballot_results(
            db.session, ballot, small_groups=True, recommendation_id=recommendation.id
        )
        assert one.recommendations == [expected]
        assert (one.participants, one.eligible, one.quorum_met) == (9, 12, True)
    missing = services.ballot_results(db.session, ballot, small_groups=True, recommendation_id=0)
    assert missing.recommendations == []


def test_results_without_details_leave_out_groups_and_dissent(cohort):
    ballot, _ = care_ballot(cohort.inquiry)
    whole = services.ballot_results(db.session, ballot, small_groups=False)
    brief = services.ballot_results(db.session, ballot, small_groups=False, details=False)
    for full, short in zip(whole.recommendations, brief.recommendations, strict=True):
        assert (short.tally, short.consensus, short.passed, short.zone) == (
            full.tally,
            full.consensus,
            full.passed,
            full.zone,
        )
        assert (short.by_role, short.dissent) == ([], [])
        assert (short.reference, short.title, short.position) == (
            full.reference,
            full.title,
            full.position,
        )
        assert short.recommendation.id == full.recommendation.id
        one = services.ballot_results(
            db.session,
            ballot,
            small_groups=False,
            recommendation_id=full.recommendation.id,
            details=False,
        )
        assert [(r.reference, r.tally, r.consensus, r.zone) for r in one.recommendations] == [
            (full.reference, full.tally, full.consensus, full.zone)
        ]
    assert whole.recommendations[1].dissent  # the full results do have dissent


def test_the_counts_stored_at_closing_are_what_the_summary_shows(client, cohort):
    ballot, (r1, r2) = care_ballot(cohort.inquiry)
    counts = json.loads(services.count_votes(db.session, ballot))
    # Worked by hand from care_ballot: R1's abstention has no certainty and counts in no
    # group's support, only in its votes; "Other or not given" is the group "".
    assert counts[str(r1.id)] == {
        "agreement": {
            "strongly_agree": 4,
            "agree": 3,
            "neither": 0,
            "disagree": 1,
            "strongly_disagree": 0,
            "abstain": 1,
        },
        "certainty": {"low": 2, "medium": 1, "high": 5},
        "support": {"nurse": [5, 5, 5], "care_worker": [2, 2, 2], "": [0, 1, 2]},
    }
    assert counts[str(r2.id)]["support"] == {
        "nurse": [5, 5, 5],
        "care_worker": [0, 2, 2],
        "": [0, 2, 2],
    }
    # Made directly in the database, this ballot has no stored counts and is counted
    # from its votes; with the counts stored (as closing does) it reads the same.
    assert ballot.vote_counts is None
    counted = services.ballot_results(db.session, ballot, small_groups=False, details=False)
    ballot.vote_counts = json.dumps(counts)
    db.session.commit()
    stored = services.ballot_results(db.session, ballot, small_groups=False, details=False)
    assert [(r.tally, r.consensus, r.passed, r.zone) for r in stored.recommendations] == [
        (r.tally, r.consensus, r.passed, r.zone) for r in counted.recommendations
    ]
    # And the page then reads no vote at all.
    sign_in_as(client, cohort.participant)
    client.get(results_url(cohort.inquiry))
    with counting_queries() as statements:
        assert client.get(results_url(cohort.inquiry)).status_code == 200
    assert not [s for s in statements if re.search(r"\bvotes\b", s)]


def test_a_recommendation_without_a_number_is_named_by_its_place(client_request, cohort):
    inquiry = cohort.inquiry
    first = make_recommendation(
        inquiry, None, title="Unnumbered", status=RecommendationStatus.FROZEN
    )
    ballot = make_ballot(inquiry, [first])
    for _ in range(3):
        add_closed_paper(ballot, {first: (A, HIGH)})
    closed(ballot, eligible=3, participants=3)
    summary = services.ballot_results(db.session, ballot, small_groups=False, details=False)
    assert [r.reference for r in summary.recommendations] == ["R1"]
    page = client_request.login(cohort.participant).get(results_url(inquiry))
    assert row_texts(page, "summary")[0][0] == "R1: Unnumbered"


# Queries ----------------------------------------------------------------------------


def _queries_for_results(client, cohort, count: int, *, one: bool = False) -> int:
    """Queries for the latest results, or with ``one`` for the results of the
    last recommendation on the ballot (which has dissent)."""
    inquiry = make_inquiry(cohort.researcher, title=f"Inquiry with {count}")
    add_member(inquiry, cohort.participant, Role.PARTICIPANT)
    items = recommendations(inquiry, [f"Recommendation about home care {n}" for n in range(count)])
    ballot = make_ballot(inquiry, items)
    roles = ["nurse", "care_worker", "social_worker", ""]
    for n in range(6):
        votes = {item: ((A, HIGH) if n % 2 else (D, LOW)) for item in items}
        add_closed_paper(
            ballot,
            votes,
            professional_role=roles[n % 4],
            dissent={items[0]: f"View {n}", items[-1]: f"Other view {n}"},
        )
    closed(ballot, eligible=6, participants=6)
    sign_in_as(client, cohort.participant)
    url = recommendation_url(inquiry, ballot, items[-1]) if one else results_url(inquiry)
    client.get(url)
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_the_summary_reads_only_what_it_shows_of_each_recommendation(client, cohort):
    # Only each recommendation's number and title are shown: reading their text,
    # evidence and themes as well made the page several times slower.
    ballot, _ = care_ballot(cohort.inquiry)
    sign_in_as(client, cohort.participant)
    for url in (results_url(cohort.inquiry), results_url(cohort.inquiry, ballot)):
        client.get(url)
        with counting_queries() as statements:
            assert client.get(url).status_code == 200
        read = " ".join(statements)
        assert "recommendations.title" in read
        for unwanted in (
            "recommendations.body",
            "recommendation_excerpts",
            "recommendation_themes",
        ):
            assert unwanted not in read, unwanted


def test_results_page_queries_do_not_grow_with_recommendations(client, cohort):
    assert _queries_for_results(client, cohort, 3) == _queries_for_results(client, cohort, 30)


def test_a_recommendations_results_queries_do_not_grow_with_recommendations(client, cohort):
    few = _queries_for_results(client, cohort, 3, one=True)
    assert few == _queries_for_results(client, cohort, 30, one=True)
