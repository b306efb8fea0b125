"""Access rows for the report's downloads: the recommendations as CSV and the report's
publishable content as JSON, for researchers (``reports.exports.EXPORT_RULE``)."""

from __future__ import annotations

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("report_exports.recommendations_csv", "GET"): ("manage", 200, {}),
    ("report_exports.report_json", "GET"): ("manage", 200, {}),
}
