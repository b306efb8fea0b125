"""Attachment files on disk, kept outside the web root under random names.

Nothing a person typed ever becomes part of a path: files are stored under a
random hexadecimal name in the upload folder, and every name read back is
checked to be such a name before it is joined to the folder.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from ..models import Testimony
from .erasure import register_eraser

log = logging.getLogger(__name__)

_STORAGE_NAME = re.compile(r"[0-9a-f]{32,64}")


class StorageNameError(ValueError):
    """A storage name that is not one this module made."""


def _check(storage_name: str) -> str:
    if not isinstance(storage_name, str) or not _STORAGE_NAME.fullmatch(storage_name):
        raise StorageNameError("not a storage name")
    return storage_name


def _folder(upload_folder: str | os.PathLike[str]) -> Path:
    folder = Path(upload_folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def save(upload_folder: str | os.PathLike[str], data: bytes) -> str:
    """Write the file under a new random name and return the name.

    The bytes go to a temporary file in the same folder first, which then takes
    its final name in one step: a crash leaves at most a stray temporary file,
    never half a file under a name the database might refer to.
    """
    folder = _folder(upload_folder)
    while True:
        storage_name = secrets.token_hex(16)
        if not (folder / storage_name).exists():
            break
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, folder / storage_name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return storage_name


def open_path(upload_folder: str | os.PathLike[str], storage_name: str) -> Path:
    """The path of a stored file (which may no longer exist)."""
    return Path(upload_folder) / _check(storage_name)


def delete(upload_folder: str | os.PathLike[str], storage_name: str) -> bool:
    """Remove a stored file; True if there was one."""
    path = open_path(upload_folder, storage_name)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def delete_files(
    session: Session, testimony: Testimony, upload_folder: str | os.PathLike[str] | None = None
) -> int:
    """Erase every attachment of the testimony: its rows and its files.

    Used when testimony is withdrawn. The rows go first (flushed, not
    committed); the files are removed at once rather than after the commit,
    because erasing is what matters: a failed commit leaves rows whose files
    are gone, which download as "not found". Returns how many were erased.
    """
    folder = upload_folder if upload_folder is not None else current_app.config["UPLOAD_FOLDER"]
    storage_names = [attachment.storage_name for attachment in testimony.attachments]
    testimony.attachments.clear()
    session.flush()
    failure: Exception | None = None
    for storage_name in storage_names:
        try:
            delete(folder, storage_name)
        except (OSError, StorageNameError) as error:
            log.error("could not remove an attachment file of testimony %s", testimony.id)
            failure = failure or error
    if failure is not None:
        # The caller's transaction fails too, so the erasure can be tried again.
        raise failure
    return len(storage_names)


# Withdrawing testimony erases its files along with its words.
register_eraser(delete_files)
