"""Access rows for the report pages: every member reads the published versions (PDF,
HTML, and the CSV and JSON stored with each);
researchers write the narrative, build, publish and run the review; participants (and
researchers) read the draft and comment while the review is open.

``url_values`` opens the review of the world's inquiry and stores a finished draft and a
published version 1, so the download rows have files to send. ``stored_build`` is also
used by the report tests to make finished builds without rendering anything.
"""

from __future__ import annotations

from inquiry.extensions import db
from inquiry.models import (
    BuildKind,
    BuildStatus,
    Inquiry,
    Report,
    ReportBuild,
    ReviewStatus,
    utcnow,
)
from inquiry.reports import storage

MEMBER = "member"
MANAGE = "manage"
REVIEWERS = "roles:participant,researcher"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("reports.index", "GET"): (MEMBER, 200, {}),
    ("reports.narrative", "GET"): (MANAGE, 200, {}),
    # An empty form carries no revision: it is treated as made from an older one.
    ("reports.narrative", "POST"): (MANAGE, 409, {}),
    ("reports.build_draft", "POST"): (MANAGE, 302, {}),
    ("reports.publish", "GET"): (MANAGE, 200, {}),
    ("reports.publish", "POST"): (MANAGE, 302, {}),
    ("reports.build_status", "GET"): (MANAGE, 200, {}),
    # The build named is done, so it is not tried again: back to the page with a message.
    ("reports.retry", "POST"): (MANAGE, 302, {}),
    ("reports.version_pdf", "GET"): (MEMBER, 200, {}),
    ("reports.version_html", "GET"): (MEMBER, 200, {}),
    ("reports.version_csv", "GET"): (MEMBER, 200, {}),
    ("reports.version_json", "GET"): (MEMBER, 200, {}),
    ("reports.draft_pdf", "GET"): (REVIEWERS, 200, {}),
    ("reports.draft_html", "GET"): (REVIEWERS, 200, {}),
    ("reports.review", "GET"): (REVIEWERS, 200, {}),
    # An empty comment: the form is shown again with its errors.
    ("reports.review", "POST"): (REVIEWERS, 200, {}),
    ("reports.open_review", "POST"): (MANAGE, 302, {}),
    ("reports.close_review", "POST"): (MANAGE, 302, {}),
}

PDF_BYTES = b"%PDF-1.7\n% a stand-in for a built report\n%%EOF\n"
HTML_TEXT = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>Report</title></head><body></body></html>'
)
CSV_TEXT = "\ufeffRecommendation,Title\r\nR1,A named person to call\r\n"
JSON_TEXT = '{"format": "citizens-inquiry-report", "format_version": 1, "report": {}}'


def stored_build(
    inquiry: Inquiry,
    *,
    kind: BuildKind = BuildKind.DRAFT,
    version: int | None = None,
    pdf: bytes = PDF_BYTES,
    html: str = HTML_TEXT,
    csv: str = CSV_TEXT,
    json: str = JSON_TEXT,
    label: str = "",
) -> ReportBuild:
    """A finished build with its files in storage, as a worker leaves it: a published
    one with its CSV and JSON too."""
    now = utcnow()
    build = ReportBuild(
        inquiry_id=inquiry.id,
        kind=kind,
        status=BuildStatus.DONE,
        version=version,
        label=label,
        created_at=now,
        started_at=now,
        heartbeat_at=now,
        finished_at=now,
        attempts=1,
        published_at=now if kind == BuildKind.PUBLISHED else None,
    )
    db.session.add(build)
    db.session.flush()
    pdf_file = storage.store(pdf, suffix="pdf", build_id=build.id)
    html_file = storage.store(html.encode(), suffix="html", build_id=build.id)
    build.pdf_name, build.pdf_size, build.sha256 = pdf_file.name, pdf_file.size, pdf_file.sha256
    build.html_name, build.html_sha256 = html_file.name, html_file.sha256
    if kind == BuildKind.PUBLISHED:
        build.csv_name = storage.store(csv.encode(), suffix="csv", build_id=build.id).name
        build.json_name = storage.store(json.encode(), suffix="json", build_id=build.id).name
    db.session.commit()
    return build


def url_values(world) -> dict[str, object]:
    db.session.add(
        Report(
            inquiry_id=world.inquiry.id,
            review_status=ReviewStatus.OPEN,
            review_opened_at=utcnow(),
        )
    )
    db.session.commit()
    draft = stored_build(world.inquiry)
    stored_build(world.inquiry, kind=BuildKind.PUBLISHED, version=1)
    return {"build_id": draft.id, "version": 1}
