"""Downloading a session's reflections as CSV, and the shared spreadsheet helpers."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import add_member, make_user, sign_in_as
from sqlalchemy import select
from test_deliberation import Cohort, add_reflection, add_round, build_cohort

from inquiry.exports import csv_response, safe_cell, safe_filename
from inquiry.extensions import db
from inquiry.models import AuditEvent, Lens, Membership, Role, Visibility

HEADER = ["Session", "Prompt", "Author", "Lens", "Visibility", "Shared at", "Themes", "Text"]


@pytest.fixture
def cohort(app) -> Cohort:
    return build_cohort()


def download(client, cohort: Cohort):
    sign_in_as(client, cohort.researcher)
    return client.get(cohort.url("reflections.csv"))


def parse(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark first"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# safe_cell ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Continuity of carers matters", "Continuity of carers matters"),
        ("A sum like 1+1=2 inside text is fine", "A sum like 1+1=2 inside text is fine"),
        ("", ""),
        (None, ""),
        (3, "3"),
        (-3, "'-3"),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_safe_filename_is_plain_ascii():
    assert safe_filename("Living well at home: session 3 \u2013 reflections") == (
        "living-well-at-home-session-3-reflections.csv"
    )
    assert safe_filename("Café «Ça va» session 1") == "cafe-ca-va-session-1.csv"
    assert safe_filename("///") == "download.csv"


def test_csv_response_neutralises_every_cell_and_the_header(app):
    with app.test_request_context():
        response = csv_response("Report: results", ["=Name", "Note"], [["@evil", "ok"]])
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="report-results.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    assert parse(response) == [["'=Name", "Note"], ["'@evil", "ok"]]


# The session's download -----------------------------------------------------------------


def test_researchers_download_shared_reflections_without_drafts(client, cohort):
    response = download(client, cohort)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="living-well-at-home-session-1-reflections.csv"' in disposition
    assert response.headers["Cache-Control"] == "no-store"
    rows = parse(response)
    assert rows[0] == HEADER
    assert rows[1:] == [
        [
            "Session 1: What stayed with us",
            "What surprised you in what you heard today?",
            "Aisha Khan",
            "As a professional",
            "Shared with the cohort",
            "2026-09-08T13:05:00+00:00",
            "Continuity of carers",
            "How often the carers changed. Mrs Ahmed met eleven in a fortnight.",
        ],
        [
            "Session 1: What stayed with us",
            "As a person who may one day need care: what would matter most to you?",
            "Dev Patel",
            "As a person",
            "Seen by researchers only",
            "2026-09-08T14:05:00+00:00",
            "Being listened to",
            "I cared for my dad and nobody asked how I was coping.",
        ],
    ]
    text = response.get_data(as_text=True)
    assert "Half-formed thought" not in text
    assert "district nurse" not in text


def test_formula_injection_in_reflections_is_neutralised(client, cohort):
    prompt = cohort.prompts[0]
    m = cohort.members
    listened, continuity = cohort.themes["listened"], cohort.themes["continuity"]
    continuity.name = "=cmd|' /C calc'!A0"
    db.session.commit()
    add_reflection(m["chloe"], prompt, '=HYPERLINK("http://evil.example","Click")')
    add_reflection(
        m["ben"], cohort.prompts[1], "+1 to everything Aisha said", themes=(continuity, listened)
    )
    other = build_second_participants(cohort)
    add_reflection(other[0], prompt, "-2 carers on the rota this week")
    add_reflection(other[1], prompt, "@SUM(A1:A9)")
    add_reflection(other[2], prompt, "\t=1+1")
    rows = parse(download(client, cohort))
    texts = {row[2]: row[7] for row in rows[1:]}
    assert texts["Chloe Evans"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert texts["Ben Okafor"] == "'+1 to everything Aisha said"
    assert texts["Erin Jones"] == "'-2 carers on the rota this week"
    assert texts["Femi Adeyemi"] == "'@SUM(A1:A9)"
    assert texts["Gwen Morgan"] == "'\t=1+1"
    themes = {row[2]: row[6] for row in rows[1:]}
    # Themes are joined in alphabetical order; the cell as a whole is neutralised.
    assert themes["Ben Okafor"] == "'=cmd|' /C calc'!A0; Being listened to"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def build_second_participants(cohort: Cohort) -> list[Membership]:
    people = []
    for email, name in (
        ("erin.jones@example.org", "Erin Jones"),
        ("femi.adeyemi@example.org", "Femi Adeyemi"),
        ("gwen.morgan@example.org", "Gwen Morgan"),
    ):
        people.append(add_member(cohort.inquiry, make_user(email, name=name), Role.PARTICIPANT))
    return people


def test_line_breaks_and_accents_survive(client, cohort):
    add_reflection(
        cohort.members["chloe"],
        cohort.prompts[0],
        "Zoë said “home is where my cat is”.\n\nShe meant it.",
        lens=Lens.PERSONAL,
        visibility=Visibility.RESEARCHERS,
    )
    rows = parse(download(client, cohort))
    chloe = next(row for row in rows if row[2] == "Chloe Evans")
    assert chloe[7] == "Zoë said “home is where my cat is”.\n\nShe meant it."
    assert chloe[6] == ""


def test_the_download_is_audited_with_counts_only(client, cohort):
    download(client, cohort)
    event_ = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reflections.exported")
    ).one()
    assert event_.actor_id == cohort.researcher.id
    assert event_.inquiry_id == cohort.inquiry.id
    assert (event_.object_type, event_.object_id) == ("round", cohort.round.id)
    assert event_.details == {"rows": 2}


def test_an_empty_session_downloads_just_the_header(client, cohort):
    empty = add_round(cohort.inquiry, position=2, title="Hearing from families")
    sign_in_as(client, cohort.researcher)
    response = client.get(f"/inquiries/{cohort.inquiry.id}/sessions/{empty.id}/reflections.csv")
    assert parse(response) == [HEADER]


@pytest.mark.parametrize("who", ["aisha", "wendy", "colin", "olive"])
def test_only_researchers_download(client, cohort, who):
    sign_in_as(client, cohort.users[who])
    assert client.get(cohort.url("reflections.csv")).status_code == 403


def test_a_session_of_another_inquiry_is_not_found(client, cohort):
    elsewhere = add_round(cohort.other_inquiry)
    sign_in_as(client, cohort.researcher)
    response = client.get(f"/inquiries/{cohort.inquiry.id}/sessions/{elsewhere.id}/reflections.csv")
    assert response.status_code == 404
