"""Downloads alongside the report: the recommendations as CSV and the report's
publishable content as JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import make_user, sign_in_as
from recommendation_factories import make_recommendation
from test_report_content import (
    ANON_QUOTE,
    ANON_REAL_NAME,
    COHORT_ONLY_CHOSEN,
    COHORT_ONLY_NAME,
    COHORT_ONLY_QUOTE,
    COHORT_REFLECTION,
    HOSTILE_TITLE,
    NAMED_CHOSEN,
    NAMED_QUOTE,
    RESEARCHER_ONLY_REFLECTION,
    SECRET_PARTICIPANT,
    Scene,
    make_scene,
)

from inquiry import policy
from inquiry.extensions import db
from inquiry.models import AuditEvent, RecommendationStatus, Role
from inquiry.reports import exports


@pytest.fixture
def scene(app) -> Scene:
    return make_scene()


def csv_url(scene: Scene) -> str:
    return f"/inquiries/{scene.inquiry.id}/report/exports/recommendations.csv"


def json_url(scene: Scene) -> str:
    return f"/inquiries/{scene.inquiry.id}/report/exports/report.json"


def test_downloads_are_for_researchers_for_now():
    assert exports.EXPORT_RULE is policy.can_manage_report


def test_recommendations_csv_has_each_recommendation_with_its_result(client, scene):
    formula = make_recommendation(
        scene.inquiry,
        None,
        title='=HYPERLINK("http://example.com")',
        status=RecommendationStatus.FROZEN,
        number=9,
    )
    assert formula.number == 9
    sign_in_as(client, scene.researcher)
    response = client.get(csv_url(scene))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="living-well-at-home-recommendations.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == list(exports.CSV_HEADER)
    by_reference = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(by_reference) == ["R1", "R2", "R9"]
    r1 = by_reference["R1"]
    assert r1["Title"] == "A named person to call"
    assert r1["Status"] == "Adopted"
    assert r1["What it means for the individual"].startswith("I know who to ring")
    assert r1["Support (%)"] == "100"
    assert r1["Passed"] == "Yes"
    assert r1["Zone"] == "Simple"
    assert by_reference["R2"]["Title"] == HOSTILE_TITLE
    assert by_reference["R2"]["Passed"] == "No"
    # Not on the closed ballot: no results. A formula is neutralised.
    assert by_reference["R9"]["Title"] == '\'=HYPERLINK("http://example.com")'
    assert by_reference["R9"]["Support (%)"] == ""
    # No response is published yet: its columns are there, empty.
    assert r1["Commissioner's decision"] == "" and r1["Progress (%)"] == ""
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "report.exported"))
    assert event.details == {"kind": "recommendations_csv"}
    assert event.actor_id == scene.researcher.id


def test_report_json_holds_only_what_the_report_may_publish(client, scene):
    sign_in_as(client, scene.researcher)
    response = client.get(json_url(scene))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="living-well-at-home-report.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    raw = response.get_data(as_text=True)
    data = json.loads(raw)
    assert data["format"] == exports.JSON_FORMAT
    report = data["report"]
    assert report["cover"]["title"] == "Living well at home"
    assert report["cover"]["starts_on"] == "2026-03-02"
    assert [r["reference"] for r in report["recommendations"]] == ["R1", "R2"]
    assert report["recommendations"][0]["outcome"]["passed"] is True
    assert report["responses"] is None
    assert "svg" not in report["matrix"]
    quotes = {q["text"]: q["attribution"] for t in report["themes"] for q in t["quotes"]}
    assert quotes[NAMED_QUOTE] == NAMED_CHOSEN
    assert quotes[ANON_QUOTE] == "Witness A"
    for secret in (
        COHORT_ONLY_QUOTE,
        COHORT_ONLY_NAME,
        COHORT_ONLY_CHOSEN,
        ANON_REAL_NAME,
        SECRET_PARTICIPANT,
        COHORT_REFLECTION,
        RESEARCHER_ONLY_REFLECTION,
    ):
        assert secret not in raw
    # Totals only: nothing that could be one person's vote.
    for word in ("voter", "paper", "ballot_id", "email"):
        assert word not in raw
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "report.exported"))
    assert event.details == {"kind": "report_json"}


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.WITNESS, Role.COMMISSIONER])
def test_other_members_cannot_download(client, scene, role):
    from conftest import add_member

    user = make_user(f"{role.value}.export@example.org")
    add_member(scene.inquiry, user, role)
    sign_in_as(client, user)
    assert client.get(csv_url(scene)).status_code == 403
    assert client.get(json_url(scene)).status_code == 403
    assert (
        db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "report.exported"))
        is None
    )


def test_another_inquirys_researcher_gets_not_found(client, scene):
    from conftest import make_inquiry

    outsider = make_user("out@example.org", researcher=True)
    make_inquiry(outsider, title="Elsewhere")
    sign_in_as(client, outsider)
    assert client.get(json_url(scene)).status_code == 404
