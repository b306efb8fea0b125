"""The report as one HTML document: the same file is printed to PDF and offered as the
HTML version. It has its own template (templates/reports/document.html), which does
not extend the web layout, and its own print stylesheet (static/report/report.css).

The PDF's copy links to the stylesheets, which WeasyPrint reads from the bundled
folder. The stored HTML version holds them inline instead (``self_contained``), so a
published version looks the same however the stylesheet changes later, and its
SHA-256 covers its styling too. Only the font files stay outside it, found on the web
under the stylesheets' address. Served by the application, whose Content Security
Policy forbids inline styles, such a file gets a policy of its own
(``content_security_policy``) that allows exactly its own style, by hash, and nothing
else: no scripts at all.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import current_app
from markupsafe import Markup

from config import BASE_DIR

from ..results import matrix as matrix_drawing
from .content import NARRATIVE_FIELDS, REVIEW_SECTIONS, SECTIONS, ReportContent

__all__ = [
    "REVIEW_SECTIONS",
    "SECTIONS",
    "content_security_policy",
    "render_document",
    "sections_shown",
]

TEMPLATE = "reports/document.html"
# The family the bundled fonts are declared under (static/report/fonts.css).
REPORT_FONT = "Report Sans"
# The report's stylesheets, in the order the document uses them.
STYLE_FOLDER = BASE_DIR / "static" / "report"
STYLESHEETS = ("fonts.css", "report.css")
_FONT_URL = re.compile(r"""url\((["']?)fonts/""")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# How much of a stored file is read to find its head: the inlined stylesheets and
# well-escaped metadata, far less than this.
HEAD_LIMIT = 512 * 1024


def sections_shown(content: ReportContent, *, draft: bool) -> list[tuple[str, str]]:
    """The sections the document holds, in order. A section researchers write is left
    out of a published version while it is empty; a draft shows it, saying it is empty,
    so reviewers see what is missing."""
    shown = []
    for key, heading in SECTIONS:
        field = NARRATIVE_FIELDS.get(key)
        if field and not draft and not getattr(content.narrative, field).strip():
            continue
        shown.append((key, heading))
    return shown


def _with_report_font(svg: Markup) -> Markup:
    """The matrix drawn in the report's bundled font, so no machine font is needed."""
    font = f'font-family="{matrix_drawing.FONT}"'
    # Only our own attribute is replaced; the drawing's text was escaped when drawn.
    return Markup(str(svg).replace(font, f'font-family="{REPORT_FONT}, {matrix_drawing.FONT}"'))  # noqa: S704


def inline_styles(asset_base: str) -> Markup:
    """The report's stylesheets as one, with the fonts found under ``asset_base``."""
    parts = []
    for name in STYLESHEETS:
        text = (STYLE_FOLDER / name).read_text(encoding="utf-8")
        parts.append(_FONT_URL.sub(lambda found: f"url({found[1]}{asset_base}fonts/", text))
    styles = "\n".join(parts)
    if "</" in styles:
        # Would end the <style> element early; our own stylesheets never hold it.
        raise ValueError("a report stylesheet holds </")
    return Markup(styles)  # noqa: S704 - the project's own stylesheets, checked above


def style_hash(styles: str) -> str:
    """A CSP source allowing one <style> element with exactly this text."""
    digest = hashlib.sha256(styles.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _policy(style_sources: list[str], *, header: bool) -> str:
    directives = [
        "default-src 'none'",
        "style-src " + (" ".join(style_sources) or "'none'"),
        "font-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    if header:
        # Only a header can say this; a <meta> policy may not.
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def content_security_policy(head: str) -> str | None:
    """The policy to serve a stored report file under, from the start of the file: its
    inline styles allowed by hash and nothing else. None for a file without inline
    styles (one that links to the stylesheets), which the application's own policy
    suits."""
    end = _HEAD_END.search(head)
    if end is None:
        return None
    styles = _STYLE.findall(head[: end.start()])
    if not styles:
        return None
    return _policy([style_hash(text) for text in styles], header=True)


def render_document(
    content: ReportContent, *, draft: bool, asset_base: str, self_contained: bool = False
) -> str:
    """The report's complete HTML. ``draft`` marks every page DRAFT; ``asset_base`` is the
    URL the stylesheets and fonts are found under, ending in "/". ``self_contained``
    puts the stylesheets in the document (the stored HTML version) instead of linking to
    them (the PDF's copy). Call inside an app context. Every piece of contributed text
    is escaped by the template."""
    template = current_app.jinja_env.get_template(TEMPLATE)
    matrix_svg = _with_report_font(content.matrix.svg) if content.matrix else None
    styles = inline_styles(asset_base) if self_contained else None
    return template.render(
        content=content,
        draft=draft,
        asset_base=asset_base,
        styles=styles,
        document_policy=_policy([style_hash(styles)], header=False) if styles else None,
        sections=sections_shown(content, draft=draft),
        matrix_svg=matrix_svg,
        report_font=REPORT_FONT,
    )
