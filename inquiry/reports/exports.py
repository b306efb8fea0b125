"""Downloads alongside the report: the recommendations with their results, and the
commissioner's response once it is published, as a spreadsheet (CSV), and everything
the report publishes as JSON.

Each published version stores both, made from the same content as its PDF, and every
member who may read published versions downloads them from storage (``views``). The
live downloads here show the report as it would be built today, for researchers.

Both are made from ``build_content``, so they hold exactly what the report may
publish: only testimony whose witness allowed quoting, attributed as they chose; no
individual votes (only totals, with small groups hidden); no reflections' words; no
text only researchers see.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response
from flask_login import current_user

from .. import policy
from ..audit.service import record
from ..exports import csv_response, csv_text, safe_filename
from ..extensions import db
from ..models import Inquiry, utcnow
from ..permissions import requires
from .content import ReportContent, as_data, build_content

bp = Blueprint("report_exports", __name__)

# Who may download the live exports: researchers, because they show the report as it
# would be built today, before any version is published. Everyone who may read published
# versions downloads each version's own stored CSV and JSON instead.
EXPORT_RULE = policy.can_manage_report

# Written into the JSON so that programs reading it can tell what they have.
JSON_FORMAT = "citizens-inquiry-report"
JSON_FORMAT_VERSION = 2

CSV_HEADER = (
    "Recommendation",
    "Title",
    "Status",
    "Recommendation text",
    "What it means for the individual",
    "What it means for the system",
    "Who should act",
    "Rationale",
    "Support (%)",
    "Passed",
    "Consensus (%)",
    "Zone",
    "Next step",
    "Commissioner's decision",
    "Reasons",
    "Lead",
    "Target date",
    "Progress (%)",
    "Progress status",
)


def recommendation_rows(content: ReportContent) -> list[tuple]:
    """One row per recommendation that went to the ballot, in R order. Results are
    empty until a ballot has closed; the commissioner's response is empty until it is
    published, and progress until the first update on that recommendation."""
    rows = []
    for entry in content.recommendations:
        outcome = entry.outcome
        answer = entry.response
        rows.append(
            (
                entry.reference,
                entry.title,
                entry.status,
                entry.body,
                entry.for_individual,
                entry.for_system,
                entry.who_should_act,
                entry.rationale,
                outcome.support_percent if outcome else None,
                outcome.passed if outcome else None,
                outcome.consensus_percent if outcome else None,
                (outcome.zone or None) if outcome else None,
                (outcome.next_step or None) if outcome else None,
                answer.decision if answer else None,
                answer.reasons if answer else None,
                (answer.lead or None) if answer else None,
                answer.target_on if answer else None,
                answer.progress_percent if answer else None,
                answer.progress_status if answer else None,
            )
        )
    return rows


def recommendations_csv_bytes(content: ReportContent) -> bytes:
    """The recommendations CSV as stored with a published version: as downloaded live."""
    return csv_text(CSV_HEADER, recommendation_rows(content)).encode("utf-8")


def content_json(content: ReportContent, *, generated_at: datetime) -> str:
    data = {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "generated_at": generated_at.isoformat(),
        "report": as_data(content),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _record(inquiry: Inquiry, kind: str) -> None:
    record(
        db.session,
        "report.exported",
        actor=current_user,
        inquiry=inquiry,
        object_type="inquiry",
        object_id=inquiry.id,
        kind=kind,
    )


@bp.route("/inquiries/<int:inquiry_id>/report/exports/recommendations.csv")
@requires(EXPORT_RULE)
def recommendations_csv(inquiry: Inquiry):
    now = utcnow()
    content = build_content(db.session, inquiry, now=now)
    _record(inquiry, "recommendations_csv")
    db.session.commit()
    return csv_response(
        f"{inquiry.title} recommendations", CSV_HEADER, recommendation_rows(content)
    )


@bp.route("/inquiries/<int:inquiry_id>/report/exports/report.json")
@requires(EXPORT_RULE)
def report_json(inquiry: Inquiry):
    now = utcnow()
    content = build_content(db.session, inquiry, now=now)
    body = content_json(content, generated_at=now)
    _record(inquiry, "report_json")
    db.session.commit()
    name = safe_filename(f"{inquiry.title} report", extension="json")
    response = Response(body.encode("utf-8"), mimetype="application/json")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
