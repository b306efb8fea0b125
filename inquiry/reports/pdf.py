"""The report as a PDF: WeasyPrint with nothing fetched from outside the report's assets.

The report's HTML holds text that members wrote (testimony, reflections,
recommendations). The templates escape it, and as a second line of defence
WeasyPrint gets a URL fetcher that serves only regular files inside
``ASSET_FOLDER`` (the report's stylesheets and bundled fonts) and refuses
everything else: http, https, ftp, data and any other scheme, ``file:`` URLs
outside the folder (``../``, absolute paths, symlinks that lead out) and files of
a kind the report does not use. There are no redirects to follow because nothing
is fetched from a network. Attachments (``<link rel="attachment">``,
``<a rel="attachment">``) are dropped from the document before it is written,
whatever they point at.

The PDF is tagged (PDF/UA-1): a structure tree, headings as bookmarks, the
document language from ``<html lang>`` (en-GB when missing) and the title given
by the caller, which PDF readers show instead of the file name.

The report's typeface is "Report Sans" (a subset of DejaVu Sans bundled in
``ASSET_FOLDER / "fonts"``, declared in ``fonts.css``), so the PDF looks the same
whichever machine builds it.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from config import BASE_DIR

log = logging.getLogger(__name__)

#: The folder with the report's stylesheets and fonts; the only files a PDF build reads.
ASSET_FOLDER: Path = BASE_DIR / "static" / "report"

#: The family name the bundled fonts are declared under in ``fonts.css``.
FONT_FAMILY = "Report Sans"

#: The document language when the HTML does not give one.
DEFAULT_LANGUAGE = "en-GB"

#: The PDF variant: tagged, for assistive technology.
PDF_VARIANT = "pdf/ua-1"

# The kinds of file the report uses, and the media type each is served as.
_MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}

# Longest part of a refused URL written to the log.
_LOGGED_URL_LENGTH = 200


class AssetRefused(ValueError):
    """A URL a report build may not fetch. WeasyPrint reports it as a failed fetch."""


def asset_base_for_pdf() -> str:
    """The base URL for a PDF build's HTML: the ``file:`` URL of ASSET_FOLDER, with a slash."""
    return ASSET_FOLDER.resolve().as_uri() + "/"


def _shown(url: str) -> str:
    """The URL as written to the log: the scheme only for data: URLs (their content could be
    contributed text), and at most a couple of hundred characters of anything else."""
    if url[:5].lower() == "data:":
        return "data:..."
    if len(url) > _LOGGED_URL_LENGTH:
        return url[:_LOGGED_URL_LENGTH] + "..."
    return url


def _refuse(url: str, reason: str) -> AssetRefused:
    log.warning("Report build refused to fetch %s: %s", _shown(url), reason)
    return AssetRefused(f"{reason}: {_shown(url)}")


def _asset_path(url: str, folder: Path) -> Path:
    """The resolved path of the regular file inside ``folder`` that ``url`` names, or raise."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise _refuse(url, "not a valid URL") from error
    if parts.scheme.lower() != "file":
        raise _refuse(url, "only the report's own files can be used")
    if parts.netloc not in ("", "localhost"):
        raise _refuse(url, "file URL on another host")
    path_text = unquote(parts.path)
    if not path_text.startswith("/") or "\x00" in path_text:
        raise _refuse(url, "not an absolute file path")
    root = folder.resolve()
    try:
        # strict: the file must exist; symlinks are followed, so one that leads out of
        # the folder resolves to a path outside it and is refused below.
        resolved = Path(path_text).resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise _refuse(url, "no such report file") from error
    if not resolved.is_relative_to(root) or resolved == root:
        raise _refuse(url, "outside the report's asset folder")
    if resolved.suffix.lower() not in _MEDIA_TYPES:
        raise _refuse(url, "not a kind of file the report uses")
    return resolved


def _read_regular_file(path: Path, url: str) -> bytes:
    """Read ``path`` without following a symlink put there after it was resolved."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise _refuse(url, "cannot open the report file") from error
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _refuse(url, "not a regular file")
        return handle.read()


class ReportAssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only regular files inside one folder.

    Every other URL raises :class:`AssetRefused` (logged at warning level), which
    WeasyPrint treats as a resource that failed to load: the image, stylesheet or font
    is left out and the build carries on.
    """

    def __init__(self, folder: Path | None = None, timeout=10, ssl_context=None, **_options):
        # Nothing here touches a network, so timeout and ssl_context are accepted only to
        # keep the usual fetcher signature. No redirects, no errors that stop the build.
        super().__init__(
            timeout=timeout,
            ssl_context=ssl_context,
            allowed_protocols=("file",),
            allow_redirects=False,
            fail_on_errors=False,
        )
        self._folder = folder

    @property
    def folder(self) -> Path:
        return self._folder if self._folder is not None else ASSET_FOLDER

    def fetch(self, url, headers=None):
        path = _asset_path(str(url), self.folder)
        body = _read_regular_file(path, str(url))
        content_type = _MEDIA_TYPES[path.suffix.lower()]
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        # The urllib entry point: the same rules, never urllib's own handlers.
        return self.fetch(getattr(url, "full_url", url))

    def __call__(self, url, timeout=10, ssl_context=None):
        return self.fetch(url)


#: The fetcher every report build uses: ``url_fetcher(url)`` returns the file's response
#: for a report asset and raises :class:`AssetRefused` for anything else.
url_fetcher = ReportAssetFetcher()


def html_to_pdf(html: str, *, title: str) -> bytes:
    """The report's complete HTML as a tagged PDF (PDF/UA-1) with ``title`` as its title.

    Relative URLs in ``html`` resolve against ASSET_FOLDER; nothing outside it is read.
    """
    options = {"pdf_variant": PDF_VARIANT, "presentational_hints": True}
    document = HTML(string=html, base_url=asset_base_for_pdf(), url_fetcher=url_fetcher).render(
        **options
    )
    document.metadata.title = title
    document.metadata.lang = document.metadata.lang or DEFAULT_LANGUAGE
    # No embedded files, whatever they point at.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(**options)
