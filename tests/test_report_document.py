"""The report's HTML document: structure, accessibility, draft marking, escaping and
consent, and the same document printed to PDF."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import re

import pytest
from bs4 import BeautifulSoup
from test_report_content import (
    ANON_CHOSEN,
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
    _excerpt,
    _testimony,
    make_scene,
)

from config import BASE_DIR
from inquiry.extensions import db
from inquiry.models import Report, TestimonyUse, utcnow
from inquiry.reports.content import SECTIONS, build_content
from inquiry.reports.defaults import GLOSSARY
from inquiry.reports.document import content_security_policy, render_document
from inquiry.reports.exports import content_json, recommendations_csv_bytes

ASSETS = "file:///assets/report/"
TEMPLATES = BASE_DIR / "templates" / "reports"
STYLESHEET = BASE_DIR / "static" / "report" / "report.css"

HOSTILE_TESTIMONY = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/">',
    '<style>@import url("http://example.com/x.css");</style>',
    "<style>@import 'file:///etc/passwd';</style>",
]


@pytest.fixture
def scene(app) -> Scene:
    return make_scene()


def render(scene: Scene, *, draft: bool = False) -> str:
    content = build_content(db.session, scene.inquiry, now=utcnow())
    return render_document(content, draft=draft, asset_base=ASSETS)


def visible_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


# Structure -------------------------------------------------------------------------------


def test_a_complete_document_in_british_english_with_its_own_stylesheets(scene):
    html = render(scene)
    page = BeautifulSoup(html, "html.parser")
    assert html.startswith("<!DOCTYPE html>")
    assert page.html["lang"] == "en-GB"
    assert page.title.get_text() == "Living well at home: report"
    links = [link["href"] for link in page.find_all("link")]
    assert links == [ASSETS + "fonts.css", ASSETS + "report.css"]
    assert all(link["rel"] == ["stylesheet"] for link in page.find_all("link"))
    # Not the web layout: no scripts, forms, images or navigation of the service.
    for tag in ("script", "form", "img", "iframe", "object", "embed", "style"):
        assert page.find(tag) is None, tag
    assert "govuk-header" not in html
    assert "style=" not in html


def test_one_h1_and_headings_never_skip_a_level(scene):
    page = BeautifulSoup(render(scene, draft=True), "html.parser")
    headings = page.find_all(re.compile(r"^h[1-6]$"))
    levels = [int(h.name[1]) for h in headings]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} followed by h{after}"
    assert page.h1.get_text() == "Living well at home"


def test_contents_link_to_every_chapter_in_order(scene):
    page = BeautifulSoup(render(scene, draft=True), "html.parser")
    links = [(a["href"], a.get_text()) for a in page.select("nav.contents a")]
    assert links == [(f"#{key}", heading) for key, heading in SECTIONS]
    for key, heading in SECTIONS:
        section = page.find("section", id=key)
        assert section is not None, key
        assert section.h2.get_text() == heading
        assert section["aria-labelledby"] == section.h2["id"]


def test_tables_have_header_rows_and_scoped_headers(scene):
    page = BeautifulSoup(render(scene), "html.parser")
    tables = page.find_all("table")
    assert len(tables) >= 8
    for table in tables:
        assert table.caption is not None and table.caption.get_text().strip()
        assert table.thead is not None
        for th in table.find_all("th"):
            expected = "col" if th.find_parent("thead") else "row"
            assert th.get("scope") == expected, th


def test_every_chart_has_a_text_alternative(scene):
    page = BeautifulSoup(render(scene), "html.parser")
    charts = page.find_all("svg")
    # Two recommendations' votes and the matrix.
    assert len(charts) == 3
    ids = set()
    for svg in charts:
        assert svg["role"] == "img"
        labelled_by = svg["aria-labelledby"].split()
        texts = [page.find(id=ref).get_text() for ref in labelled_by]
        assert all(t.strip() for t in texts)
        assert svg.find_parent("figure").figcaption.get_text().strip()
        ids.update(labelled_by)
    assert len(ids) == 6
    # The title carries every figure: a tagged PDF uses the title alone.
    first = page.select_one("#recommendation-1-chart-title").get_text()
    assert first.startswith("How people voted on R1: strongly agree 1 vote (20%), agree 4 votes")
    assert "agree 4 votes (80%)" in first and first.endswith("abstain 0 votes.")
    assert page.select_one("#recommendation-1-chart-desc").get_text() == (
        "Percentages are of the votes that are not abstentions."
    )
    matrix_title = page.select_one("#matrix svg title").get_text()
    assert matrix_title.startswith("Agreement and certainty matrix: R1, agreement 100%")
    assert "R2, agreement 20%" in matrix_title
    # The matrix is drawn in the bundled font, so no font of the machine is needed.
    matrix = page.select_one("#matrix svg")
    assert all(t["font-family"].startswith("Report Sans") for t in matrix.find_all("text"))
    # Its figures are also given as a table.
    assert [th.get_text(" ", strip=True) for th in page.select(".table--matrix tbody th")] == [
        "R1 : A named person to call",
        f"R2 : {HOSTILE_TITLE}",
    ]


def test_the_html_version_holds_its_stylesheets_and_allows_only_them(scene):
    content = build_content(db.session, scene.inquiry, now=utcnow())
    html = render_document(content, draft=False, asset_base="/static/report/", self_contained=True)
    page = BeautifulSoup(html, "html.parser")
    assert page.find("link") is None
    (style,) = page.find_all("style")
    css = style.string
    # Both stylesheets, the fonts found on the web under the report's folder.
    assert "@font-face" in css and "size: A4" in css
    assert 'url("/static/report/fonts/ReportSans-Regular.ttf")' in css
    assert 'url("fonts/' not in css
    # Its own policy, in the file and as the header it is served with: that style only.
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert f"style-src 'sha256-{digest}'" in meta
    assert "default-src 'none'" in meta and "script" not in meta
    header = content_security_policy(html)
    assert header == meta + "; frame-ancestors 'none'"
    assert "unsafe-inline" not in header
    # A document that links to its stylesheets needs no policy of its own.
    assert content_security_policy(render(scene)) is None
    assert content_security_policy("<html><head><title>x</title></head></html>") is None
    # Contributed text cannot add a style of its own: it is escaped in the body.
    assert HOSTILE_TITLE not in html


def test_recommendations_show_their_parts_individual_first_and_results(scene):
    page = BeautifulSoup(render(scene), "html.parser")
    first = page.select_one("#recommendation-1")
    headings = [h.get_text() for h in first.find_all("h4")]
    assert headings[:4] == [
        "What it means for the individual",
        "What it means for the system",
        "Who should act",
        "Why the cohort recommends it",
    ]
    assert "What witnesses said" in headings and "How people voted" in headings
    text = " ".join(first.get_text(" ").split())
    assert "Adopted" in text and "Simple: implement" in text
    assert "Nobody wrote a dissent or minority view on R1." in text
    second = " ".join(page.select_one("#recommendation-2").get_text(" ").split())
    assert "Not adopted" in second and "Thirty minutes is not enough for a bath." in second
    assert "Fewer than 3" in second


# Draft marking ------------------------------------------------------------------------


def test_a_draft_is_marked_on_the_cover_in_the_title_and_on_every_page(scene):
    html = render(scene, draft=True)
    page = BeautifulSoup(html, "html.parser")
    assert page.title.get_text() == "Living well at home: draft report"
    banner = page.select_one("#cover .draft-banner")
    assert banner is not None and "DRAFT" in banner.get_text()
    assert "report--draft" in page.html["class"]
    # The banner sets the running mark every page's top margin shows.
    css = STYLESHEET.read_text()
    assert re.search(r"\.draft-banner\s*{[^}]*string-set:\s*draftmark \"DRAFT\"", css)
    assert re.search(r"@top-right\s*{[^}]*content:\s*string\(draftmark\)", css)

    final = render(scene, draft=False)
    assert "DRAFT" not in final
    assert "draft-banner" not in final


def test_empty_narrative_sections_are_left_out_of_a_final_version_but_flagged_in_a_draft(scene):
    report = db.session.scalar(db.select(Report).where(Report.inquiry_id == scene.inquiry.id))
    report.foreword = ""
    report.acknowledgements = "  \n "
    db.session.commit()
    final = BeautifulSoup(render(scene), "html.parser")
    assert final.find("section", id="foreword") is None
    assert final.find("section", id="acknowledgements") is None
    assert final.select_one("nav.contents a[href='#foreword']") is None
    draft = BeautifulSoup(render(scene, draft=True), "html.parser")
    note = draft.select_one("#foreword .draft-note")
    assert note.get_text() == "The researchers have not written the foreword yet."


def test_the_stylesheet_sets_up_print_and_screen_without_fetching_anything():
    css = STYLESHEET.read_text()
    assert "size: A4" in css
    assert 'content: "Page " counter(page) " of " counter(pages)' in css
    assert "target-counter(attr(href), page)" in css
    assert "string-set: chapter content()" in css
    assert "break-before: page" in css
    assert "break-after: avoid" in css
    assert "@page cover" in css
    assert "@media screen" in css and "max-width" in css
    assert '"Report Sans"' in css
    assert "@import" not in css
    assert "url(" not in css
    assert "http" not in css


# Escaping and consent ---------------------------------------------------------------------


def test_contributed_text_is_escaped(scene):
    witness = scene.witnesses["anon"]
    for n, markup in enumerate(HOSTILE_TESTIMONY):
        words = f"Before the markup {n} {markup} after it"
        testimony = _testimony(
            scene.inquiry,
            witness,
            f"Opening.\n\n{words}",
            TestimonyUse.QUOTE_ANONYMOUSLY,
            scene.rounds[0],
        )
        _excerpt(testimony, words, [])
        scene.recommendations[0].excerpts.append(testimony.excerpts[0])
    scene.recommendations[0].rationale = '</p><script>alert("rationale")</script>'
    db.session.commit()
    html = render(scene)
    page = BeautifulSoup(html, "html.parser")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert page.find("img") is None and page.find("style") is None
    assert len(page.find_all("link")) == 2
    text = visible_text(html)
    for markup in HOSTILE_TESTIMONY:
        assert markup in text
    assert '</p><script>alert("rationale")</script>' in text


def test_templates_never_mark_contributed_text_safe():
    for path in TEMPLATES.rglob("*.html"):
        if path.parent.name != "document" and path.name != "document.html":
            continue
        source = path.read_text()
        assert not re.search(r"\|\s*safe", source), path
        assert "Markup(" not in source


def test_only_what_consent_allows_reaches_the_document(scene):
    for draft in (True, False):
        html = render(scene, draft=draft)
        text = visible_text(html)
        assert NAMED_QUOTE in text and NAMED_CHOSEN in text
        assert ANON_QUOTE in text and "Witness A" in text
        for secret in (
            COHORT_ONLY_QUOTE,
            COHORT_ONLY_NAME,
            COHORT_ONLY_CHOSEN,
            ANON_REAL_NAME,
            ANON_CHOSEN,
            SECRET_PARTICIPANT,
            COHORT_REFLECTION,
            RESEARCHER_ONLY_REFLECTION,
        ):
            assert secret not in html


# The PDF -------------------------------------------------------------------------------------


def test_the_document_prints_to_a_tagged_pdf_with_every_recommendation(scene):
    pdf_module = pytest.importorskip("inquiry.reports.pdf")
    from pypdf import PdfReader

    content = build_content(db.session, scene.inquiry, now=utcnow())
    html = render_document(content, draft=True, asset_base=pdf_module.asset_base_for_pdf())
    reader = PdfReader(io.BytesIO(pdf_module.html_to_pdf(html, title=content.cover.title)))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == "Living well at home"
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    for recommendation in content.recommendations:
        assert recommendation.title in text
    for secret in (COHORT_ONLY_QUOTE, RESEARCHER_ONLY_REFLECTION, ANON_REAL_NAME):
        assert secret not in text
    # Every page is marked as a draft, the cover by its banner.
    assert all("DRAFT" in page for page in pages)
    # The contents give page numbers, and the footer counts pages.
    assert re.search(r"Foreword \.+ ?\d+", text)
    assert f"Page 3 of {len(pages)}" in text


def pdf_of(scene: Scene, *, draft: bool = False):
    pdf_module = pytest.importorskip("inquiry.reports.pdf")
    from pypdf import PdfReader

    content = build_content(db.session, scene.inquiry, now=utcnow())
    html = render_document(content, draft=draft, asset_base=pdf_module.asset_base_for_pdf())
    return content, PdfReader(io.BytesIO(pdf_module.html_to_pdf(html, title="Report")))


def test_every_figure_in_the_pdf_has_its_figures_as_alternative_text(scene):
    from test_report_pdf import struct_elements

    content, reader = pdf_of(scene)
    figures = [element for element in struct_elements(reader) if element["/S"] == "/Figure"]
    alternatives = [str(figure.get("/Alt", "")) for figure in figures]
    assert len(alternatives) == 3, alternatives
    r1, r2, matrix = alternatives
    assert r1.startswith("How people voted on R1: strongly agree 1 vote (20%), agree 4 votes (80%)")
    assert r1.endswith("abstain 0 votes.")
    assert r2.startswith("How people voted on R2: strongly agree 1 vote (20%), agree 0 votes (0%)")
    assert "disagree 4 votes (80%)" in r2
    assert matrix.startswith("Agreement and certainty matrix: ")
    for row in content.matrix.rows:
        assert f"{row.reference}, agreement {row.agreement_percent}%" in matrix
        assert f"certainty {row.certainty_percent}%" in matrix
        assert f"{row.zone.lower()} zone" in matrix


# How views changed --------------------------------------------------------------------------


def test_how_views_changed_follows_the_counts_in_the_deliberation_chapter(scene):
    report = db.session.scalar(db.select(Report).where(Report.inquiry_id == scene.inquiry.id))
    report.views_changed = "Many began to ask about home first.\n\n<b>Not bold</b>"
    db.session.commit()
    html = render(scene)
    chapter = BeautifulSoup(html, "html.parser").select_one("#deliberation")
    heading = chapter.select_one("h3#views-changed")
    assert heading.get_text() == "How views changed"
    prompts = chapter.select_one(".change-prompts")
    written = chapter.select_one("#views-changed-narrative")
    # After the counts of the prompt about change, in the researchers' paragraphs.
    assert "(2 reflections)" in prompts.get_text()
    assert prompts.find_next(id="views-changed-narrative") is written
    assert [p.get_text() for p in written.find_all("p")] == [
        "Many began to ask about home first.",
        "<b>Not bold</b>",
    ]
    assert "&lt;b&gt;Not bold&lt;/b&gt;" in html
    report.views_changed = "  "
    db.session.commit()
    for draft in (True, False):
        chapter = BeautifulSoup(render(scene, draft=draft), "html.parser").select_one(
            "#deliberation"
        )
        assert chapter.select_one("#views-changed-narrative") is None
        assert "(2 reflections)" in chapter.select_one(".change-prompts").get_text()


# The appendix ---------------------------------------------------------------------------------


def test_the_appendix_gives_the_voting_rule_quorum_and_glossary(scene):
    content = build_content(db.session, scene.inquiry, now=utcnow())
    text = visible_text(render(scene))
    assert content.appendix.quorum_rule.strip()
    assert " ".join(content.appendix.quorum_rule.split()) in text
    assert " ".join(content.appendix.voting_rule.split()) in text
    assert GLOSSARY
    for term, meaning in GLOSSARY:
        assert term in text
        assert " ".join(meaning.split()) in text


# Text for researchers only ------------------------------------------------------------------


def test_researcher_only_text_is_in_no_pdf_html_or_download(scene):
    content, reader = pdf_of(scene, draft=True)
    pdf_text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    html = render(scene, draft=True)
    web = render_document(content, draft=False, asset_base="/static/report/", self_contained=True)
    data = content_json(content, generated_at=utcnow())
    table = recommendations_csv_bytes(content).decode("utf-8")
    assert json.loads(data)["report"]["cover"]["title"] == "Living well at home"
    # The scene holds each of them, so their absence means something.
    assert len(RESEARCHER_ONLY_TEXT) == 4
    for secret in (*RESEARCHER_ONLY_TEXT, RESEARCHER_ONLY_REFLECTION):
        for where, text in (("PDF", pdf_text), ("HTML", html), ("web", web), ("JSON", data)):
            assert secret not in text, (secret, where)
        assert secret not in table
