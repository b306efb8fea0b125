"""The kinds of file testimony may carry, recognised from their content.

A file's name and the content type its browser sent are chosen by the sender, so
neither is trusted: only the first bytes of the file decide what it is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    label: str  # shown to people, e.g. "PDF"
    content_type: str
    extensions: tuple[str, ...]  # the first is the one given to unnamed files
    signature: bytes


PDF = FileType("PDF", "application/pdf", ("pdf",), b"%PDF-")
PNG = FileType("PNG", "image/png", ("png",), b"\x89PNG\r\n\x1a\n")
JPEG = FileType("JPEG", "image/jpeg", ("jpg", "jpeg"), b"\xff\xd8\xff")

ALLOWED: tuple[FileType, ...] = (PDF, PNG, JPEG)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in ALLOWED}

# For the hint and the messages: "PDF, PNG or JPEG".
ALLOWED_LABELS = ", ".join(kind.label for kind in ALLOWED[:-1]) + " or " + ALLOWED[-1].label
# For the file input's accept attribute (a convenience only; the content decides).
ACCEPT = ",".join(
    [f".{ext}" for kind in ALLOWED for ext in kind.extensions]
    + [kind.content_type for kind in ALLOWED]
)

FILENAME_MAX = 200
_KNOWN_EXTENSIONS = {ext for kind in ALLOWED for ext in kind.extensions}
# Letters and digits of any script, and a little punctuation; anything else becomes "_".
_UNSAFE = re.compile(r"[^\w \-.,()&'+]")


def detect(data: bytes) -> FileType | None:
    """The allowed type the content is, or None."""
    for kind in ALLOWED:
        if data.startswith(kind.signature):
            return kind
    return None


def safe_filename(name: str | None, kind: FileType) -> str:
    """A readable name to show and to offer on download, with no path and no tricks.

    Folders are dropped ("../../etc/passwd.pdf" becomes "passwd.pdf"), control
    characters and unusual punctuation are replaced, and the extension always
    matches the detected type. Names with nothing usable left become
    "attachment.<ext>".
    """
    text = unicodedata.normalize("NFC", name or "")
    # Keep only the last part of any path, written with either kind of slash.
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = " ".join(_UNSAFE.sub("_", text).split())

    stem, dot, extension = text.rpartition(".")
    if not dot:
        stem, extension = text, ""
    extension = extension.strip().lower()
    if extension in kind.extensions:
        suffix = extension
    else:
        suffix = kind.extensions[0]
        if extension not in _KNOWN_EXTENSIONS:
            # "notes" or "scan.final" keep all of their name.
            stem = text
    # No leading dots (hidden files, "..") and no trailing dots or spaces.
    stem = stem.strip(" ._")
    if not stem or not any(ch.isalnum() for ch in stem):
        return f"attachment.{kind.extensions[0]}"
    stem = stem[: FILENAME_MAX - len(suffix) - 1].rstrip(" .")
    return f"{stem}.{suffix}"


def describe_size(size: int) -> str:
    """'850 KB', '2.4 MB': sizes as people read them (1 KB is 1,024 bytes)."""
    if size < 1024 * 1024:
        kilobytes = max(1, -(-size // 1024))
        return f"{kilobytes} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f} MB".replace(".0 MB", " MB")
