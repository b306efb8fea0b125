"""Downloads alongside the report: the recommendations as CSV and the report's
publishable content as JSON."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from access_rows.reports import stored_build
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
    RESEARCHER_ONLY_TEXT,
    SECRET_PARTICIPANT,
    Scene,
    make_scene,
)

from inquiry import policy
from inquiry.extensions import db
from inquiry.models import AuditEvent, BuildKind, RecommendationStatus, Report, Role, utcnow
from inquiry.reports import exports, storage
from inquiry.reports.content import build_content


@pytest.fixture
def scene(app) -> Scene:
    return make_scene()


def csv_url(scene: Scene) -> str:
    return f"/inquiries/{scene.inquiry.id}/report/exports/recommendations.csv"


def json_url(scene: Scene) -> str:
    return f"/inquiries/{scene.inquiry.id}/report/exports/report.json"


def test_the_live_downloads_are_for_researchers():
    # Everyone else downloads the copies stored with each published version (below).
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


def keys_of(value) -> list[str]:
    """Every key anywhere in decoded JSON."""
    if isinstance(value, dict):
        return [key for key, item in value.items() for key in (key, *keys_of(item))]
    if isinstance(value, list):
        return [key for item in value for key in keys_of(item)]
    return []


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
    for secret in RESEARCHER_ONLY_TEXT:
        assert secret not in raw
    # Totals only: nothing that could be one person's vote, and no addresses.
    assert not [key for key in keys_of(data) if re.search(r"voter|paper|ballot_id|email", key)]
    assert "@example.org" not in raw
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


# The downloads stored with each published version --------------------------------------------


def version_url(scene: Scene, version: int, suffix: str) -> str:
    return f"/inquiries/{scene.inquiry.id}/report/versions/{version}.{suffix}"


def publish_version(scene: Scene, version: int):
    """A published version whose CSV and JSON were made from the scene, as a build does."""
    content = build_content(db.session, scene.inquiry, now=utcnow())
    return stored_build(
        scene.inquiry,
        kind=BuildKind.PUBLISHED,
        version=version,
        csv=exports.recommendations_csv_bytes(content).decode("utf-8"),
        json=exports.content_json(content, generated_at=utcnow()),
    )


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.OBSERVER, Role.PARTICIPANT, Role.WITNESS, Role.RESEARCHER]
)
def test_everyone_who_reads_versions_downloads_their_stored_csv_and_json(client, scene, role):
    from conftest import add_member

    version = publish_version(scene, 1)
    if role == Role.RESEARCHER:
        user = scene.researcher
    else:
        user = make_user(f"{role.value}.version@example.org")
        add_member(scene.inquiry, user, role)
    assert policy.can_read_published_report(user, scene.inquiry)
    sign_in_as(client, user)
    page = client.get(f"/inquiries/{scene.inquiry.id}/report").get_data(as_text=True)
    assert version_url(scene, 1, "csv") in page and version_url(scene, 1, "json") in page
    # Later changes do not reach a stored version: it is served as it was published.
    scene.recommendations[0].title = "Renamed after publishing"
    db.session.commit()

    table = client.get(version_url(scene, 1, "csv"))
    assert table.status_code == 200
    assert table.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert table.headers["Content-Disposition"].startswith(
        "attachment; filename=living-well-at-home-recommendations-version-1.csv"
    )
    assert table.data == storage.path_of(version.csv_name).read_bytes()
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == list(exports.CSV_HEADER)
    assert [row[1] for row in rows[1:]] == ["A named person to call", HOSTILE_TITLE]

    data = client.get(version_url(scene, 1, "json"))
    assert data.status_code == 200
    assert data.headers["Content-Type"] == "application/json; charset=utf-8"
    assert data.headers["Content-Disposition"].startswith(
        "attachment; filename=living-well-at-home-report-version-1.json"
    )
    report = json.loads(data.data)["report"]
    assert report["recommendations"][0]["title"] == "A named person to call"
    raw = data.get_data(as_text=True)
    for secret in (*RESEARCHER_ONLY_TEXT, COHORT_ONLY_QUOTE, RESEARCHER_ONLY_REFLECTION):
        assert secret not in raw

    downloads = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.action == "report.downloaded")
        .order_by(AuditEvent.id)
    ).all()
    assert [(event.actor_id, event.object_id, event.details) for event in downloads] == [
        (user.id, version.id, {"format": "csv", "kind": "published", "version": 1}),
        (user.id, version.id, {"format": "json", "kind": "published", "version": 1}),
    ]
    # The live exports stay with the researchers.
    assert client.get(csv_url(scene)).status_code == (200 if role == Role.RESEARCHER else 403)


def test_a_version_published_before_downloads_were_stored_has_none(client, scene):
    version = publish_version(scene, 1)
    storage.remove(version.csv_name, version.json_name)
    version.csv_name = version.json_name = None
    db.session.commit()
    sign_in_as(client, scene.researcher)
    page = client.get(f"/inquiries/{scene.inquiry.id}/report").get_data(as_text=True)
    assert "versions/1.pdf" in page
    assert "versions/1.csv" not in page and "versions/1.json" not in page
    assert client.get(version_url(scene, 1, "csv")).status_code == 404
    assert client.get(version_url(scene, 1, "json")).status_code == 404
    assert client.get(version_url(scene, 2, "json")).status_code == 404
    assert (
        db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "report.downloaded"))
        is None
    )


def test_the_json_holds_how_views_changed(client, scene):
    report = db.session.scalar(db.select(Report).where(Report.inquiry_id == scene.inquiry.id))
    report.views_changed = "Many began to ask about home first."
    db.session.commit()
    sign_in_as(client, scene.researcher)
    data = json.loads(client.get(json_url(scene)).data)
    assert data["report"]["narrative"]["views_changed"] == "Many began to ask about home first."
