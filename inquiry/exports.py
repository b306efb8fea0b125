"""Spreadsheet downloads (CSV) that are safe to open in Excel, LibreOffice or Numbers.

Every feature that offers a CSV download uses ``csv_response``: each cell goes
through ``safe_cell``, so text a member typed can never run as a formula
(spreadsheet formula injection), and the file starts with a UTF-8 byte order
mark so Excel reads accented letters and curly quotes correctly.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Response

# A cell starting with one of these may be read as a formula (or, for tab and carriage
# return, lets a formula hide behind white space).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

BOM = "\ufeff"


def safe_cell(value: Any) -> str:
    """The value as spreadsheet text: a leading =, +, -, @, tab or carriage return is
    preceded by a single quote so it is shown as text, never run as a formula.

    ``None`` is an empty cell; dates and times are written in ISO 8601.
    """
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    else:
        text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_filename(name: str, *, extension: str = "csv") -> str:
    """A plain ASCII file name: letters, digits and hyphens, in lower case."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:120].strip("-")
    return f"{stem or 'download'}.{extension}"


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file as text, with the byte order mark first and Windows line endings."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download: UTF-8 with a byte order mark, every cell neutralised, sent as an
    attachment and never kept in a cache."""
    name = safe_filename(filename.removesuffix(".csv"))
    response = Response(csv_text(header, rows).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
