"""The report as one HTML document: the same file is printed to PDF and offered as the
HTML version. It has its own template (templates/reports/document.html), which does
not extend the web layout, and its own print stylesheet (static/report/report.css)."""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from ..results import matrix as matrix_drawing
from .content import NARRATIVE_FIELDS, SECTIONS, ReportContent

__all__ = ["SECTIONS", "render_document", "sections_shown"]

TEMPLATE = "reports/document.html"
# The family the bundled fonts are declared under (static/report/fonts.css).
REPORT_FONT = "Report Sans"


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


def render_document(content: ReportContent, *, draft: bool, asset_base: str) -> str:
    """The report's complete HTML. ``draft`` marks every page DRAFT; ``asset_base`` is the
    URL the stylesheets and fonts are found under, ending in "/". Call inside an app
    context. Every piece of contributed text is escaped by the template."""
    template = current_app.jinja_env.get_template(TEMPLATE)
    matrix_svg = _with_report_font(content.matrix.svg) if content.matrix else None
    return template.render(
        content=content,
        draft=draft,
        asset_base=asset_base,
        sections=sections_shown(content, draft=draft),
        matrix_svg=matrix_svg,
        report_font=REPORT_FONT,
    )
