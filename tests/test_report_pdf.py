"""The report's PDF: the restricted URL fetcher, hostile testimony printed as text with
nothing fetched, the tagged PDF's title, language and structure, and the bundled fonts.

These tests build small HTML documents of their own, so they do not depend on the report's
templates."""

from __future__ import annotations

import io
import logging
import re
import socket
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from markupsafe import escape
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from inquiry.reports import pdf
from inquiry.reports.pdf import (
    ASSET_FOLDER,
    AssetRefused,
    ReportAssetFetcher,
    asset_base_for_pdf,
    html_to_pdf,
    url_fetcher,
)

FONT_FILES = {
    "ReportSans-Regular.ttf": (400, False),
    "ReportSans-Bold.ttf": (700, False),
    "ReportSans-Italic.ttf": (400, True),
    "ReportSans-BoldItalic.ttf": (700, True),
}

# Typographic characters, written as escapes to keep them apart from their ASCII look-alikes.
LSQUO = "\N{LEFT SINGLE QUOTATION MARK}"
RSQUO = "\N{RIGHT SINGLE QUOTATION MARK}"
NDASH = "\N{EN DASH}"
QUOTE = f"“it{RSQUO}s the little things”…"
# Characters the bundled fonts must have.
REQUIRED_CHARACTERS = (
    "Aaz09£€$¥“”…•→←✓≤≥ÀÉÎÕÜàéîõüçñßøåæœŵŷẁẃẅłśżąčřőŭđ½°©®™—"
    + LSQUO
    + RSQUO
    + NDASH
    + "\N{MULTIPLICATION SIGN}\N{MINUS SIGN}"
)

# What a hostile member might type into testimony or a reflection.
HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/">',
    '<style>@import url("http://example.com/x.css");</style>',
    '<style>@import "file:///etc/passwd";</style>',
    "<p style=\"background-image: url('file:///etc/hostname')\">Care at home</p>",
    "<p style=\"background-image: url('../../config.py')\">Care at home</p>",
    '<link rel="stylesheet" href="https://example.com/report.css">',
    '<a rel="attachment" href="fonts.css">Our notes</a>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<image href="file:///etc/passwd" width="10" height="10"/></svg>',
    '<object data="ftp://example.com/visit-notes.pdf">Visit notes</object>',
    '<style>@font-face { font-family: "Leak"; src: local("DejaVu Sans"); }'
    ' p { font-family: "Leak"; }</style>',
    '<base href="http://169.254.169.254/"><img src="latest/meta-data/">',
]


def document(body: str, *, lang: str | None = "en-GB", title: str = "Care at home") -> str:
    lang_attribute = f' lang="{lang}"' if lang else ""
    return (
        f'<!DOCTYPE html><html{lang_attribute}><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        '<link rel="stylesheet" href="fonts.css">'
        '<style>body { font-family: "Report Sans"; font-size: 10pt; }</style>'
        f"</head><body>{body}</body></html>"
    )


class SpyFetcher(ReportAssetFetcher):
    """The report's fetcher, noting every URL it served or refused."""

    def __init__(self) -> None:
        super().__init__()
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            response = super().fetch(url, headers)
        except AssetRefused:
            self.refused.append(url)
            raise
        self.served.append(url)
        return response


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Fail the test if anything opens a network connection or looks up a host name
    (WeasyPrint swallows errors from fetches, so the attempts are recorded too)."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> SpyFetcher:
    fetcher = SpyFetcher()
    monkeypatch.setattr(pdf, "url_fetcher", fetcher)
    return fetcher


def inside_asset_folder(url: str) -> bool:
    return url.startswith(asset_base_for_pdf()) and ".." not in url


def compact(text: str) -> str:
    """Text without any white space, so that line breaks in the PDF do not matter."""
    return "".join(text.split())


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def catalog(reader: PdfReader) -> DictionaryObject:
    return reader.trailer["/Root"]


def fonts_used(reader: PdfReader) -> list[DictionaryObject]:
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    return list(fonts.values())


def embedded_font_family(font: DictionaryObject) -> str:
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    descriptor = descriptor.get_object()
    data = descriptor["/FontFile2"].get_object().get_data()
    return TTFont(io.BytesIO(data))["name"].getDebugName(1)


def struct_elements(reader: PdfReader) -> list[DictionaryObject]:
    """Every element of the PDF's structure tree."""
    found: list[DictionaryObject] = []
    seen: set[int] = set()

    def walk(node) -> None:
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if node.get("/Type") == "/StructElem":
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                walk(kids)

    walk(catalog(reader)["/StructTreeRoot"].get_object()["/K"])
    return found


def has_attachments(reader: PdfReader) -> bool:
    names = catalog(reader).get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        return True
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                return True
    return False


# The fetcher on its own


def test_serves_the_report_stylesheet_and_fonts() -> None:
    response = url_fetcher(asset_base_for_pdf() + "fonts.css")
    assert response.content_type == "text/css"
    assert b'font-family: "Report Sans"' in response.read()

    response = url_fetcher(asset_base_for_pdf() + "fonts/ReportSans-Regular.ttf")
    assert response.content_type == "font/ttf"
    assert response.read() == (ASSET_FOLDER / "fonts" / "ReportSans-Regular.ttf").read_bytes()


def test_the_asset_base_is_the_folder_as_a_file_url() -> None:
    base = asset_base_for_pdf()
    assert base.startswith("file:///")
    assert base.endswith("/")
    assert base == ASSET_FOLDER.resolve().as_uri() + "/"


@pytest.mark.parametrize(
    "url",
    [
        # Out of the folder
        "{base}../../config.py",
        "{base}fonts/../../../config.py",
        "{base}%2e%2e/%2e%2e/config.py",
        "{base}..%2f..%2fconfig.py",
        "file:///etc/passwd",
        "file:/etc/passwd",
        "file://localhost/etc/passwd",
        "file:///proc/self/environ",
        # Another host, even for a file that exists
        "file://example.com{path}",
        # Not a file
        "{base}",
        "{base}fonts/",
        "{base}missing.css",
        "{base}fonts/LICENSE.txt",
        "file:///%00etc/passwd",
        # Other schemes
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/report.css",
        "ftp://example.com/report.css",
        "data:text/css,body%7Bcolor:red%7D",
        "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=",
        "javascript:alert(1)",
        "gopher://example.com/",
        "fonts.css",
        "//example.com/report.css",
    ],
)
def test_refuses_everything_else(url: str, caplog: pytest.LogCaptureFixture) -> None:
    url = url.format(
        base=asset_base_for_pdf(), path=(ASSET_FOLDER / "fonts.css").resolve().as_posix()
    )
    with (
        caplog.at_level(logging.WARNING, logger="inquiry.reports.pdf"),
        pytest.raises(AssetRefused),
    ):
        url_fetcher(url)
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert "refused" in caplog.records[0].getMessage()


def test_refuses_through_the_urllib_entry_point_too() -> None:
    with pytest.raises(AssetRefused):
        url_fetcher.open("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(AssetRefused):
        url_fetcher.fetch("file:///etc/passwd")


def test_a_refused_data_url_is_logged_without_its_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="inquiry.reports.pdf"),
        pytest.raises(AssetRefused),
    ):
        url_fetcher("data:text/plain,Mrs%20Patel%20told%20us%20about%20her%20carer")
    assert "Patel" not in caplog.text
    assert "data:" in caplog.text


def test_symlinks_leading_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    (assets / "fonts").mkdir(parents=True)
    (assets / "report.css").write_text("body { color: black; }")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text("body { color: red; }")
    (assets / "leak.css").symlink_to(outside / "secret.css")
    (assets / "elsewhere").symlink_to(outside, target_is_directory=True)
    (assets / "fonts" / "same.css").symlink_to(assets / "report.css")
    fetcher = ReportAssetFetcher(folder=assets)
    base = assets.as_uri() + "/"

    assert fetcher(base + "report.css").read() == b"body { color: black; }"
    # A link that stays inside the folder is followed.
    assert fetcher(base + "fonts/same.css").read() == b"body { color: black; }"
    for url in (
        base + "leak.css",
        base + "elsewhere/secret.css",
        base + "../outside/secret.css",
        (outside / "secret.css").as_uri(),
    ):
        with pytest.raises(AssetRefused):
            fetcher(url)


# Rendering hostile text


def test_escaped_hostile_text_is_printed_as_text_and_fetches_nothing(
    spy: SpyFetcher, caplog: pytest.LogCaptureFixture
) -> None:
    body = "<h1>What we heard</h1>" + "".join(f"<p>{escape(text)}</p>" for text in HOSTILE)
    with caplog.at_level(logging.WARNING, logger="inquiry.reports.pdf"):
        reader = PdfReader(io.BytesIO(html_to_pdf(document(body), title="What we heard")))

    text = compact(pdf_text(reader))
    for hostile in HOSTILE:
        assert compact(hostile) in text
    # Only the bundled stylesheet and fonts were read, and nothing was refused.
    assert spy.refused == []
    assert spy.served
    assert all(inside_asset_folder(url) for url in spy.served)
    assert not caplog.records
    assert not has_attachments(reader)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_raw_hostile_html_fetches_nothing_outside_the_folder(hostile: str, spy: SpyFetcher) -> None:
    """Defence in depth: even if some text reached the PDF unescaped."""
    html = document(f"<h1>What we heard</h1><p>Before</p>{hostile}<p>After</p>")

    reader = PdfReader(io.BytesIO(html_to_pdf(html, title="What we heard")))

    # Every fetch went through the report's fetcher, which served only its own files.
    assert spy.served or spy.refused
    assert all(inside_asset_folder(url) for url in spy.served)
    assert not any(url.startswith(("http", "ftp")) for url in spy.served)
    assert not has_attachments(reader)
    text = pdf_text(reader)
    assert "Before" in text
    assert "root:" not in text


def test_raw_hostile_html_is_refused_and_logged(
    spy: SpyFetcher, caplog: pytest.LogCaptureFixture
) -> None:
    html = document("<h1>What we heard</h1>" + "".join(HOSTILE))

    with caplog.at_level(logging.WARNING, logger="inquiry.reports.pdf"):
        reader = PdfReader(io.BytesIO(html_to_pdf(html, title="What we heard")))

    refused = set(spy.refused)
    for url in (
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "http://example.com/x.css",
        "file:///etc/hostname",
        "https://example.com/report.css",
    ):
        assert url in refused
    # A local() font found on the machine would be refused too: every file served is ours.
    assert all(inside_asset_folder(url) for url in spy.served)
    ours = [record for record in caplog.records if record.name == "inquiry.reports.pdf"]
    assert len(ours) == len(spy.refused)
    assert all(record.levelno == logging.WARNING for record in ours)
    assert not has_attachments(reader)


def test_attachments_are_dropped_even_inside_the_folder(spy: SpyFetcher) -> None:
    html = document(
        '<h1>Care at home</h1><link rel="attachment" href="fonts.css">'
        '<p><a rel="attachment" href="fonts.css">Our notes</a></p>'
    )

    reader = PdfReader(io.BytesIO(html_to_pdf(html, title="Care at home")))

    assert not has_attachments(reader)
    # Read once, as the stylesheet, and never again to be attached.
    assert spy.served.count(asset_base_for_pdf() + "fonts.css") == 1


# The tagged PDF


@pytest.fixture(scope="module")
def report_pdf() -> PdfReader:
    body = f"""
    <h1>Living well at home</h1>
    <p>A home visit costs £12.50 a week more than last year {NDASH} {QUOTE}</p>
    <p>Witnesses: Siân, Zoë, Łukasz, Llŷr and Renée.</p>
    <p><strong>Bold</strong>, <em>italic</em> and <strong><em>both</em></strong>.</p>
    <h2>What we heard</h2>
    <svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" role="img">
      <title>Support for R1: 12 agree, 3 disagree</title>
      <rect width="48" height="20" fill="#1d70b8"/>
    </svg>
    <table>
      <thead><tr><th scope="col">Recommendation</th><th scope="col">Support</th></tr></thead>
      <tbody><tr><th scope="row">R1</th><td>80%</td></tr></tbody>
    </table>
    <h2>Next steps</h2>
    <p>The council will respond.</p>
    """
    html = document(body, title="A title in the HTML")
    return PdfReader(io.BytesIO(html_to_pdf(html, title="Living well at home: report")))


def test_the_pdf_is_tagged(report_pdf: PdfReader) -> None:
    root = catalog(report_pdf)
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    tags = [element["/S"] for element in struct_elements(report_pdf)]
    assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD", "/Figure"} <= set(tags)


def test_the_pdf_has_the_title_and_the_language(report_pdf: PdfReader) -> None:
    assert report_pdf.metadata.title == "Living well at home: report"
    assert catalog(report_pdf)["/Lang"] == "en-GB"
    assert b"Living well at home: report" in catalog(report_pdf)["/Metadata"].get_data()


def test_headings_become_bookmarks_in_order(report_pdf: PdfReader) -> None:
    def titles(outline) -> list[str]:
        found = []
        for item in outline:
            if isinstance(item, list):
                found.extend(titles(item))
            else:
                found.append(item.title)
        return found

    assert titles(report_pdf.outline) == ["Living well at home", "What we heard", "Next steps"]


def test_charts_have_alternative_text_and_cells_their_headers(report_pdf: PdfReader) -> None:
    elements = struct_elements(report_pdf)
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert [figure.get("/Alt") for figure in figures] == ["Support for R1: 12 agree, 3 disagree"]
    cells = [element for element in elements if element["/S"] == "/TD"]
    assert cells
    assert all(len(cell["/A"]["/Headers"]) == 2 for cell in cells)


def test_the_pdf_embeds_only_the_bundled_fonts(report_pdf: PdfReader) -> None:
    fonts = fonts_used(report_pdf)
    names = sorted(re.sub(r"^/[A-Z]{6}\+", "", font["/BaseFont"]) for font in fonts)
    assert names == [
        "Report-Sans",
        "Report-Sans-Bold",
        "Report-Sans-Bold-Italic",
        "Report-Sans-Italic",
    ]
    assert all(embedded_font_family(font) == "Report Sans" for font in fonts)


def test_text_extraction_keeps_symbols_and_accents(report_pdf: PdfReader) -> None:
    text = pdf_text(report_pdf)
    assert "£12.50" in text
    assert QUOTE in text
    assert NDASH in text
    for name in ("Siân", "Zoë", "Łukasz", "Llŷr", "Renée"):
        assert name in text


@pytest.mark.parametrize(("lang", "expected"), [("cy", "cy"), (None, "en-GB")])
def test_the_language_comes_from_the_html(lang: str | None, expected: str) -> None:
    heading = f"Byw{RSQUO}n dda gartref"
    html = document(f"<h1>{heading}</h1><p>Gofal yn y cartref.</p>", lang=lang)

    reader = PdfReader(io.BytesIO(html_to_pdf(html, title=heading)))

    assert catalog(reader)["/Lang"] == expected


# The bundled fonts


def test_the_fonts_are_bundled_with_their_licence() -> None:
    folder = ASSET_FOLDER / "fonts"
    licence = (folder / "LICENSE.txt").read_text()
    assert "Bitstream Vera" in licence
    assert "Arev" in licence
    css = (ASSET_FOLDER / "fonts.css").read_text()
    declared = re.findall(r'url\("fonts/([^"]+)"\)', css)
    assert sorted(declared) == sorted(FONT_FILES)
    assert "local(" not in css
    for filename, (weight, italic) in FONT_FILES.items():
        font = TTFont(folder / filename)
        assert font["name"].getDebugName(1) == "Report Sans"
        assert font["OS/2"].usWeightClass == weight
        assert bool(font["head"].macStyle & 2) is italic
        characters = font.getBestCmap()
        for character in REQUIRED_CHARACTERS:
            assert ord(character) in characters, (filename, character)
