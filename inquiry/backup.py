"""Consistent backups of the database and the uploaded files, and restoring them.

A backup is one ``.tar.gz`` file holding ``manifest.json``, the database (a copy made
with SQLite's online backup API, or a ``pg_dump`` custom-format archive for
PostgreSQL) and the stored files: ``uploads/`` (files attached to testimony) and
``reports/`` (built and published reports). The online backup API copies a consistent
snapshot while the app keeps serving; ``pg_dump`` runs in one transaction, so it is
consistent too. The archive is written under a temporary name and renamed at the end,
so a backup that fails midway never leaves a file that looks complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

FORMAT_VERSION = 1
SQLITE_NAME = "database.sqlite"
POSTGRES_NAME = "database.pgdump"


class BackupError(Exception):
    """A backup or restore could not be done; the message says why in plain words."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    dialect: str
    database_file: str
    files: dict[str, int]
    sha256: dict[str, str]

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT_VERSION,
                "created_at": self.created_at,
                "dialect": self.dialect,
                "database_file": self.database_file,
                "files": self.files,
                "sha256": self.sha256,
            },
            indent=2,
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_arguments(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump and pg_restore; the password goes in the
    environment, never on the command line where other users could see it."""
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    args += ["--dbname", url.database or ""]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} was not found: install the PostgreSQL client tools "
            "(apt-get install postgresql-client)"
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error


def _dump_database(database_url: str, folder: Path) -> tuple[str, str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(folder / SQLITE_NAME)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return "sqlite", SQLITE_NAME
    if url.get_backend_name() == "postgresql":
        args, env = _pg_arguments(url)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(folder / POSTGRES_NAME),
                *args,
            ],
            env,
        )
        return "postgresql", POSTGRES_NAME
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported")


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def create_backup(
    database_url: str,
    folders: dict[str, str | Path],
    destination: str | Path,
    *,
    now: datetime,
) -> Path:
    """Write a backup archive to ``destination`` (a file path, or a folder to put a
    dated file in) and return its path. ``folders`` names the stored-file folders to
    include, e.g. ``{"uploads": ..., "reports": ...}``."""
    destination = Path(destination)
    if destination.is_dir():
        destination = destination / f"inquiry-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose another name")
    stored = {name: (Path(path), _files_in(Path(path))) for name, path in folders.items()}
    with tempfile.TemporaryDirectory(prefix="inquiry-backup-") as work:
        folder = Path(work)
        dialect, database_file = _dump_database(database_url, folder)
        manifest = Manifest(
            created_at=now.isoformat(),
            dialect=dialect,
            database_file=database_file,
            files={name: len(files) for name, (_root, files) in stored.items()},
            sha256={database_file: _sha256(folder / database_file)},
        )
        (folder / "manifest.json").write_text(manifest.as_json())
        partial = destination.with_name(destination.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(folder / "manifest.json", arcname="manifest.json")
                archive.add(folder / database_file, arcname=database_file)
                for name, (root, files) in stored.items():
                    for path in files:
                        archive.add(path, arcname=f"{name}/{path.relative_to(root)}")
            partial.chmod(0o600)
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)
    return destination


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"The backup holds an unexpected entry: {member.name}")
        members.append(member)
    return members


def read_manifest(archive_path: str | Path) -> dict:
    with tarfile.open(archive_path, "r:gz") as archive:
        handle = archive.extractfile("manifest.json")
        if handle is None:
            raise BackupError("The backup has no manifest.json")
        return json.loads(handle.read())


def restore_backup(
    archive_path: str | Path, database_url: str, folders: dict[str, str | Path]
) -> dict:
    """Replace the database and the stored files with those in the backup.

    The database must be of the kind the backup was made from. Returns the manifest.
    """
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file")
    url = make_url(database_url)
    with tempfile.TemporaryDirectory(prefix="inquiry-restore-") as work:
        folder = Path(work)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(folder, members=_safe_members(archive), filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"{archive_path} is not a readable backup: {error}") from error
        manifest_path = folder / "manifest.json"
        if not manifest_path.is_file():
            raise BackupError("The backup has no manifest.json")
        manifest = json.loads(manifest_path.read_text())
        database_file = folder / manifest["database_file"]
        if _sha256(database_file) != manifest["sha256"][manifest["database_file"]]:
            raise BackupError("The database in the backup is damaged (its checksum differs)")
        if manifest["dialect"] != url.get_backend_name():
            raise BackupError(
                f"This backup is of a {manifest['dialect']} database; the app is configured "
                f"for {url.get_backend_name()}"
            )
        if manifest["dialect"] == "sqlite":
            source = sqlite3.connect(database_file)
            target = sqlite3.connect(_sqlite_path(url))
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            args, env = _pg_arguments(url)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(database_file),
                ],
                env,
            )
        for name, path in folders.items():
            target = Path(path)
            restored = folder / name
            if target.exists():
                shutil.rmtree(target)
            if restored.is_dir():
                shutil.copytree(restored, target)
            else:
                target.mkdir(parents=True, exist_ok=True)
    return manifest
