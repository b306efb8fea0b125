"""The commissioner's response, progress and 100-day challenges in the report: in its
content, its HTML document and PDF, and its CSV and JSON downloads. Nothing of a response
appears until it is published."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from conftest import counting_queries, sign_in_as
from response_factories import make_challenge, make_response, make_update
from test_report_content import Scene, all_text, make_scene

from inquiry.extensions import db
from inquiry.models import (
    ChallengeOutcome,
    ChallengeStatus,
    Decision,
    Inquiry,
    ProgressStatus,
    RecommendationAnswer,
    utcnow,
)
from inquiry.reports import exports
from inquiry.reports.content import build_content
from inquiry.reports.defaults import RESPONSES_NOT_YET
from inquiry.reports.document import render_document

ASSETS = "file:///assets/report/"

# Words unique to one place, so a search is exact.
DRAFT_REASON = "Draft wording the commissioner has not agreed about named workers"
R1_REASON = "Every person starting care at home will be told the name of their worker."
R3_REASON = "We will try this in Eastfield first.\n\nThe rest of the borough follows in 2028."
R4_REASON = "Longer visits cannot happen without new money from the NHS."
R5_REASON = "We need to talk to the carers' forum before deciding."
HOSTILE_REASON = "Because <img src=x onerror=alert(1)> and <script>alert(2)</script> matter"
NOTE = "Named workers are in place in three of the five neighbourhoods."
OLD_NOTE = "The first neighbourhood has started."
OUTCOME_SUMMARY = "Nine in ten people knew their named worker by the second day."


@pytest.fixture
def scene(app) -> Scene:
    # R1 and R3 to R5 adopted (the ones answered); R2 not adopted.
    return make_scene(extra_recommendations=3)


def content_of(scene: Scene):
    return build_content(db.session, scene.inquiry, now=utcnow())


def render(scene: Scene, *, draft: bool = False) -> str:
    return render_document(content_of(scene), draft=draft, asset_base=ASSETS)


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def answered(scene: Scene):
    r1, _r2, r3, r4, r5 = scene.recommendations
    return r1, r3, r4, r5


def set_reasons(response, reasons: dict) -> None:
    by_recommendation = {answer.recommendation_id: answer for answer in response.answers}
    for recommendation, words in reasons.items():
        by_recommendation[recommendation.id].reasons = words
    db.session.commit()


def publish_response(scene: Scene, *, with_progress: bool = True):
    """Answers to R1, R3, R4 and R5, published on 3 June 2027 (late in the evening of
    2 June in UTC), with progress on R1 and R3 and a finished challenge on R1."""
    r1, r3, r4, r5 = answered(scene)
    response = make_response(
        scene.inquiry,
        {
            r1: Decision.ACCEPTED,
            r3: Decision.ACCEPTED_IN_PART,
            r4: Decision.NOT_ACCEPTED,
            r5: Decision.FURTHER_WORK,
        },
        published=True,
    )
    response.published_at = datetime(2027, 6, 2, 23, 30, tzinfo=UTC)
    set_reasons(response, {r1: R1_REASON, r3: R3_REASON, r4: R4_REASON, r5: R5_REASON})
    if with_progress:
        make_update(scene.inquiry, r1, percent=20, happened_on=date(2027, 7, 1), note=OLD_NOTE)
        make_update(scene.inquiry, r1, percent=60, happened_on=date(2027, 9, 1), note=NOTE)
        make_update(
            scene.inquiry,
            r3,
            status=ProgressStatus.DONE,
            percent=100,
            happened_on=date(2027, 8, 15),
            note="",
        )
        challenge = make_challenge(
            scene.inquiry, r1, status=ChallengeStatus.CLOSED, ready=True, reviewed_days=(0, 50)
        )
        challenge.outcome = ChallengeOutcome.MET
        challenge.outcome_summary = OUTCOME_SUMMARY
        make_challenge(scene.inquiry, r5, status=ChallengeStatus.LIVE)
    db.session.commit()
    return response


# Content ---------------------------------------------------------------------------------


def test_before_publishing_the_section_is_empty_and_draft_answers_never_appear(scene):
    content = content_of(scene)
    assert content.responses is None
    assert content.responses_placeholder == RESPONSES_NOT_YET
    assert all(entry.response is None for entry in content.recommendations)

    # A draft is saved, with updates and a challenge already recorded against it.
    r1, r3, _r4, _r5 = answered(scene)
    response = make_response(
        scene.inquiry, {r1: Decision.ACCEPTED, r3: Decision.NOT_ACCEPTED}, published=False
    )
    set_reasons(response, {r1: DRAFT_REASON})
    make_update(scene.inquiry, r1, note=NOTE)
    make_challenge(scene.inquiry, r1)
    db.session.commit()

    content = content_of(scene)
    assert content.responses is None
    assert all(entry.response is None for entry in content.recommendations)
    data = all_text(content)
    for secret in (DRAFT_REASON, NOTE, "Head of home care", "Accepted"):
        assert secret not in data
    html = render(scene)
    page = BeautifulSoup(html, "html.parser")
    assert text_of(page.select_one("#responses")).endswith(RESPONSES_NOT_YET)
    assert "The commissioner\u2019s response" not in text_of(page.select_one("#recommendations"))
    assert DRAFT_REASON not in html and NOTE not in html

    # Saving the draft again changes nothing in the report.
    answer = db.session.scalar(
        db.select(RecommendationAnswer).where(RecommendationAnswer.recommendation_id == r3.id)
    )
    answer.reasons = DRAFT_REASON + " again"
    db.session.commit()
    assert content_of(scene).responses is None
    assert DRAFT_REASON not in render(scene)


def test_after_publishing_the_section_holds_every_answer_with_progress(scene):
    publish_response(scene)
    section = content_of(scene).responses
    assert section.organisation == "Northshire Council"
    # 23:30 UTC on 2 June is 00:30 on 3 June in the UK (summer time).
    assert section.published_on == date(2027, 6, 3)
    assert [(row.label, row.count) for row in section.decisions] == [
        ("Accepted", 1),
        ("Accepted in part", 1),
        ("Not accepted", 1),
        ("Needs further work", 1),
    ]
    # (60 + 100 + 0 + 0) / 4
    assert section.overall_percent == 40
    assert [(row.label, row.count) for row in section.progress] == [
        ("Not started", 2),
        ("In progress", 1),
        ("Done", 1),
        ("Dropped", 0),
    ]
    assert [(e.reference, e.decision) for e in section.entries] == [
        ("R1", "Accepted"),
        ("R3", "Accepted in part"),
        ("R4", "Not accepted"),
        ("R5", "Needs further work"),
    ]
    r1, r3, r4, r5 = section.entries
    assert (r1.title, r1.reasons, r1.lead, r1.target_on) == (
        "A named person to call",
        R1_REASON,
        "Head of home care",
        date(2027, 6, 30),
    )
    # The latest update, by the day it describes.
    assert (r1.progress.status, r1.progress.percent, r1.progress.note) == ("In progress", 60, NOTE)
    assert r1.progress.happened_on == date(2027, 9, 1)
    assert (r3.progress.status, r3.progress.percent) == ("Done", 100)
    assert r4.progress is None and (r4.lead, r4.target_on) == ("", None)
    # The challenges: a finished one with its outcome, a live one without.
    assert r1.challenge.status == "Finished" and r1.challenge.finished
    assert (r1.challenge.outcome, r1.challenge.outcome_summary) == ("Goal met", OUTCOME_SUMMARY)
    assert r1.challenge.sponsor == "Director of Adult Social Care"
    assert r1.challenge.starts_on == date(2027, 4, 1)
    assert r5.challenge.status == "Live" and not r5.challenge.finished
    assert (r5.challenge.outcome, r5.challenge.outcome_summary) == ("", "")
    assert r3.challenge is None and r4.challenge is None


def test_each_recommendation_carries_its_response_in_the_recommendations_chapter(scene):
    publish_response(scene)
    entries = {entry.reference: entry for entry in content_of(scene).recommendations}
    r1 = entries["R1"].response
    assert (r1.decision, r1.reasons, r1.lead, r1.target_on) == (
        "Accepted",
        R1_REASON,
        "Head of home care",
        date(2027, 6, 30),
    )
    assert (r1.progress_status, r1.progress_percent) == ("In progress", 60)
    assert entries["R4"].response.decision == "Not accepted"
    assert (entries["R4"].response.progress_status, entries["R4"].response.progress_percent) == (
        None,
        None,
    )
    # Not adopted, so not answered.
    assert entries["R2"].response is None


def test_without_any_update_there_is_no_overall_progress(scene):
    publish_response(scene, with_progress=False)
    section = content_of(scene).responses
    assert section.overall_percent is None and section.progress == []
    assert all(entry.progress is None and entry.challenge is None for entry in section.entries)


def test_the_json_holds_the_response_with_dates_as_iso_strings(scene):
    publish_response(scene)
    from inquiry.reports.content import as_data

    data = as_data(content_of(scene))
    section = data["responses"]
    assert section["published_on"] == "2027-06-03"
    assert section["overall_percent"] == 40
    assert section["decisions"][0] == {"label": "Accepted", "count": 1}
    first = section["entries"][0]
    assert first["reference"] == "R1" and first["target_on"] == "2027-06-30"
    assert first["progress"]["happened_on"] == "2027-09-01"
    assert first["challenge"]["outcome"] == "Goal met"
    assert first["challenge"]["starts_on"] == "2027-04-01"
    assert data["recommendations"][0]["response"]["decision"] == "Accepted"
    assert data["recommendations"][1]["response"] is None
    json.dumps(data)


# The document ------------------------------------------------------------------------------


def test_the_section_shows_the_decisions_progress_and_each_answer(scene):
    publish_response(scene)
    page = BeautifulSoup(render(scene), "html.parser")
    section = page.select_one("#responses")
    text = text_of(section)
    assert RESPONSES_NOT_YET not in text
    assert text.startswith(
        "The commissioner's response Northshire Council published its response on "
        "3 June 2027. It answers 4 recommendations"
    )
    decisions = section.select_one("table.table--decisions")
    assert decisions.caption.get_text() == "The commissioner\u2019s decisions"
    assert [(row.th.get_text(), row.td.get_text()) for row in decisions.select("tbody tr")] == [
        ("Accepted", "1"),
        ("Accepted in part", "1"),
        ("Not accepted", "1"),
        ("Needs further work", "1"),
    ]
    assert "Overall progress: 40%" in text
    answers = section.select("article.answer")
    assert [text_of(a.h3) for a in answers] == [
        "R1 : A named person to call",
        "R3 : Extra recommendation 0",
        "R4 : Extra recommendation 1",
        "R5 : Extra recommendation 2",
    ]
    first = text_of(answers[0])
    assert answers[0].select_one("strong.decision").get_text() == "Accepted"
    for words in (
        R1_REASON,
        "Who will lead Head of home care",
        "Target date 30 June 2027",
        "Status In progress",
        "Complete 60%",
        "Latest update 1 September 2027",
        NOTE,
        "100-day challenge",
        "Status Finished",
        "Director of Adult Social Care",
        "Day 0 1 April 2027",
        "Outcome Goal met",
        OUTCOME_SUMMARY,
    ):
        assert words in first, words
    assert OLD_NOTE not in first
    # Reasons keep their paragraphs.
    paragraphs = [p.get_text() for p in answers[1].select(".facts--response dd p")]
    assert paragraphs == [
        "We will try this in Eastfield first.",
        "The rest of the borough follows in 2028.",
    ]
    # No lead or target date given: neither is shown; no update yet: said in words.
    fourth = text_of(answers[2])
    assert "Who will lead" not in fourth and "Target date" not in fourth
    assert "No progress has been reported yet." in fourth
    # A live challenge has a status and no outcome yet.
    last = text_of(answers[3])
    assert "Status Live" in last and "Outcome" not in last


def test_each_recommendation_shows_the_response_after_its_results(scene):
    publish_response(scene)
    page = BeautifulSoup(render(scene), "html.parser")
    first = page.select_one("#recommendation-1")
    headings = [h.get_text() for h in first.find_all("h4")]
    assert headings[-1] == "The commissioner\u2019s response"
    assert headings.index("How people voted") < headings.index("The commissioner\u2019s response")
    block = first.select_one(".commissioner-response")
    assert block.select_one("strong.decision").get_text() == "Accepted"
    text = text_of(block)
    for words in (
        R1_REASON,
        "Head of home care",
        "30 June 2027",
        "Latest progress: In progress, 60%.",
    ):
        assert words in text, words
    # R2 was not adopted, so the commissioner did not answer it.
    assert page.select_one("#recommendation-2 .commissioner-response") is None


def test_with_a_response_headings_stay_in_order_and_tables_are_labelled(scene):
    publish_response(scene)
    page = BeautifulSoup(render(scene, draft=True), "html.parser")
    levels = [int(h.name[1]) for h in page.find_all(re.compile(r"^h[1-6]$"))]
    assert levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} followed by h{after}"
    tables = page.select("#responses table")
    assert len(tables) == 2
    for table in tables:
        assert table.caption.get_text().strip()
        for th in table.find_all("th"):
            assert th.get("scope") == ("col" if th.find_parent("thead") else "row")
    ids = [node["id"] for node in page.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_hostile_text_in_the_response_is_escaped(scene):
    response = publish_response(scene)
    r1, *_ = answered(scene)
    set_reasons(response, {r1: HOSTILE_REASON})
    response.answers[0].lead = "<b>Head</b> of home care"
    challenge = make_challenge(scene.inquiry, answered(scene)[1])
    challenge.goal = '<script>alert("goal")</script>'
    make_update(
        scene.inquiry,
        answered(scene)[1],
        happened_on=date(2027, 10, 1),
        note="<img src=y onerror=alert(3)>",
    )
    db.session.commit()
    html = render(scene)
    page = BeautifulSoup(html, "html.parser")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert page.find("script") is None and page.find("img") is None
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    text = text_of(page)
    assert text.count(HOSTILE_REASON) == 2  # under R1 and in the response section
    assert '<script>alert("goal")</script>' in text
    assert "<img src=y onerror=alert(3)>" in text
    assert "<b>Head</b> of home care" in text


def test_the_pdf_shows_the_response(scene):
    pdf_module = pytest.importorskip("inquiry.reports.pdf")
    from pypdf import PdfReader

    publish_response(scene)
    content = content_of(scene)
    html = render_document(content, draft=False, asset_base=pdf_module.asset_base_for_pdf())
    reader = PdfReader(io.BytesIO(pdf_module.html_to_pdf(html, title=content.cover.title)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for words in (
        "Northshire Council published its response on 3 June 2027",
        "Accepted in part",
        "Needs further work",
        R1_REASON,
        R4_REASON,
        "Overall progress: 40%",
        "Goal met",
        OUTCOME_SUMMARY,
    ):
        assert words in text, words
    assert RESPONSES_NOT_YET not in text


# Downloads ---------------------------------------------------------------------------------

RESPONSE_COLUMNS = [
    "Commissioner's decision",
    "Reasons",
    "Lead",
    "Target date",
    "Progress (%)",
    "Progress status",
]


def csv_rows(client, scene: Scene) -> dict[str, dict[str, str]]:
    sign_in_as(client, scene.researcher)
    response = client.get(f"/inquiries/{scene.inquiry.id}/report/exports/recommendations.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == list(exports.CSV_HEADER)
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_csv_has_the_response_columns_empty_before_publishing(client, scene):
    assert list(exports.CSV_HEADER[-6:]) == RESPONSE_COLUMNS
    r1, *_ = answered(scene)
    make_response(scene.inquiry, {r1: Decision.ACCEPTED}, published=False)
    db.session.commit()
    rows = csv_rows(client, scene)
    for row in rows.values():
        assert [row[column] for column in RESPONSE_COLUMNS] == [""] * 6


def test_the_csv_has_each_answer_and_its_progress_once_published(client, scene):
    publish_response(scene)
    rows = csv_rows(client, scene)
    assert [rows["R1"][column] for column in RESPONSE_COLUMNS] == [
        "Accepted",
        R1_REASON,
        "Head of home care",
        "2027-06-30",
        "60",
        "In progress",
    ]
    assert [rows["R4"][column] for column in RESPONSE_COLUMNS] == [
        "Not accepted",
        R4_REASON,
        "",
        "",
        "",
        "",
    ]
    assert rows["R3"]["Reasons"] == R3_REASON
    assert [rows["R2"][column] for column in RESPONSE_COLUMNS] == [""] * 6


def test_the_json_download_holds_the_response(client, scene):
    publish_response(scene)
    sign_in_as(client, scene.researcher)
    response = client.get(f"/inquiries/{scene.inquiry.id}/report/exports/report.json")
    report = json.loads(response.get_data(as_text=True))["report"]
    assert report["responses"]["organisation"] == "Northshire Council"
    assert [e["decision"] for e in report["responses"]["entries"]] == [
        "Accepted",
        "Accepted in part",
        "Not accepted",
        "Needs further work",
    ]
    assert report["recommendations"][0]["response"]["progress_percent"] == 60


# Speed ---------------------------------------------------------------------------------------


def _queries_with_answers(extra: int) -> int:
    scene = make_scene(extra_recommendations=extra)
    adopted = [scene.recommendations[0], *scene.recommendations[2:]]
    make_response(scene.inquiry, dict.fromkeys(adopted, Decision.ACCEPTED), published=True)
    for n, recommendation in enumerate(adopted):
        make_update(scene.inquiry, recommendation, percent=10)
        make_update(scene.inquiry, recommendation, percent=30, happened_on=date(2027, 5, 1))
        status = ChallengeStatus.CLOSED if n % 2 else ChallengeStatus.LIVE
        make_challenge(scene.inquiry, recommendation, status=status, ready=True, reviewed_days=(0,))
    db.session.commit()
    db.session.expire_all()
    inquiry = db.session.get(Inquiry, scene.inquiry.id)
    with counting_queries() as statements:
        content = build_content(db.session, inquiry, now=utcnow())
    assert len(content.responses.entries) == len(adopted)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_answers(app):
    small = _queries_with_answers(1)  # R1 and R3 answered
    from conftest import empty_database

    empty_database()
    large = _queries_with_answers(11)  # R1 and R3 to R13 answered
    assert large == small
