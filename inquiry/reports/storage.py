"""The stored files of report builds: the PDF and HTML of drafts and published versions,
and the CSV and JSON downloads of published versions.

Files live in the ``REPORT_FOLDER``, outside ``static/``, under random names that reveal
nothing and cannot be guessed. Each is written to a temporary file in the same folder and
renamed into place once complete and flushed to disk, so a build killed midway never
leaves a file that looks complete: only names without the temporary prefix are stored
files. Leftovers of killed builds are removed when the build is tried again, and by a
worker when it starts.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

# Temporary files: ".partial-b<build id>-<random>"; never served, never listed as stored.
PARTIAL_PREFIX = ".partial-"
CHUNK_SIZE = 1024 * 1024
SUFFIXES = ("pdf", "html", "csv", "json")
_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|html|csv|json)$")
_folder_lock = threading.Lock()


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


def folder() -> Path:
    """The storage folder, made if missing. Test apps leave ``REPORT_FOLDER`` empty and
    get a private temporary folder the first time one is needed."""
    config = current_app.config
    with _folder_lock:
        if not config.get("REPORT_FOLDER"):
            config["REPORT_FOLDER"] = tempfile.mkdtemp(prefix="inquiry-reports-")
        path = Path(config["REPORT_FOLDER"])
        path.mkdir(parents=True, exist_ok=True)
    return path


def is_stored_name(name: str | None) -> bool:
    return bool(name) and _NAME.match(name) is not None


def path_of(name: str) -> Path:
    """The path of a stored file; ValueError for anything that is not a stored name."""
    if not is_stored_name(name):
        raise ValueError("not the name of a stored report file")
    return folder() / name


def store(data: bytes | Iterable[bytes], *, suffix: str, build_id: int) -> StoredFile:
    """Write ``data`` (bytes, or chunks of bytes) atomically under a new random name."""
    if suffix not in SUFFIXES:
        raise ValueError("report files are PDF, HTML, CSV or JSON")
    target_folder = folder()
    name = f"{secrets.token_hex(16)}.{suffix}"
    chunks = [data] if isinstance(data, bytes | bytearray | memoryview) else data
    digest = hashlib.sha256()
    size = 0
    fd, temporary = tempfile.mkstemp(prefix=f"{PARTIAL_PREFIX}b{build_id}-", dir=target_folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                view = memoryview(chunk)
                for start in range(0, len(view), CHUNK_SIZE):
                    piece = view[start : start + CHUNK_SIZE]
                    handle.write(piece)
                    digest.update(piece)
                    size += len(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target_folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(name=name, size=size, sha256=digest.hexdigest())


def remove(*names: str | None) -> None:
    for name in names:
        if is_stored_name(name):
            (folder() / name).unlink(missing_ok=True)


def stored_names() -> set[str]:
    """The complete files in the folder (never the temporary ones)."""
    return {entry.name for entry in folder().iterdir() if is_stored_name(entry.name)}


def partial_files() -> list[Path]:
    return [entry for entry in folder().iterdir() if entry.name.startswith(PARTIAL_PREFIX)]


def remove_leftovers(*, build_id: int | None = None, older_than: float | None = None) -> int:
    """Remove temporary files of killed builds: those of ``build_id``, or any not
    modified for ``older_than`` seconds (a live build writes its files in well under a
    second, so an old one belongs to nobody). Returns how many were removed."""
    removed = 0
    cutoff = time.time() - older_than if older_than is not None else None
    for entry in partial_files():
        mine = build_id is not None and entry.name.startswith(f"{PARTIAL_PREFIX}b{build_id}-")
        try:
            stale = cutoff is not None and entry.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue
        if mine or stale:
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_unreferenced(referenced: set[str], *, older_than: float) -> int:
    """Remove whole files that no build names (a build killed between storing its two
    files), once they are ``older_than`` seconds old: a live build names its files in the
    database moments after storing them."""
    removed = 0
    cutoff = time.time() - older_than
    for name in stored_names() - referenced:
        path = folder() / name
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
