"""Access rows for the report's live downloads: the recommendations as CSV and the
report's publishable content as JSON as they would be built now, for researchers
(``reports.exports.EXPORT_RULE``). The CSV and JSON stored with each published version,
for every member, are rows of the report pages (``reports.version_csv`` and
``reports.version_json`` in access_rows/reports.py)."""

from __future__ import annotations

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("report_exports.recommendations_csv", "GET"): ("manage", 200, {}),
    ("report_exports.report_json", "GET"): ("manage", 200, {}),
}
