"""Backups: the database and the uploaded files go into one archive and come back."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from conftest import make_app, make_inquiry, make_user
from sqlalchemy import select
from sqlalchemy.engine import make_url

from inquiry.extensions import db
from inquiry.models import Inquiry, User
from inquiry.reports import storage


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order."""
    rows = {}
    for table in db.metadata.sorted_tables:
        result = db.session.execute(select(table)).all()
        rows[table.name] = sorted(tuple(map(repr, row)) for row in result)
    return rows


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def round_trip(app, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    uploads = Path(app.config["UPLOAD_FOLDER"])
    with app.app_context():
        reports = storage.folder()
        (reports / "version-1.pdf").write_bytes(b"%PDF-1.7 the published report")
        researcher = make_user("bea.backup@example.org", researcher=True)
        make_inquiry(researcher, title="Staying at home after a fall")
        (uploads / "ab").mkdir(parents=True, exist_ok=True)
        (uploads / "ab" / "letter.pdf").write_bytes(b"%PDF-1.4 a letter from the care agency")
        before = snapshot()
        db.session.remove()
    archive = tmp_path / "nightly.tar.gz"

    result = runner.invoke(args=["inquiry", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.is_file()
    assert archive.stat().st_mode & 0o077 == 0, "backups hold personal data: owner only"

    with app.app_context():
        db.session.delete(db.session.scalar(select(Inquiry)))
        db.session.add(User(email="late@example.org", name="Late Comer", password_hash="x"))
        db.session.commit()
        (uploads / "ab" / "letter.pdf").unlink()
        (uploads / "new.txt").write_text("written after the backup")
        (reports / "version-1.pdf").unlink()
        assert snapshot() != before
        db.session.remove()

    result = runner.invoke(args=["inquiry", "restore", "--yes", str(archive)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert snapshot() == before
    assert files_in(uploads) == {"ab/letter.pdf": b"%PDF-1.4 a letter from the care agency"}
    assert files_in(reports) == {"version-1.pdf": b"%PDF-1.7 the published report"}


def test_backup_round_trips_the_database_and_uploads(request, tmp_path):
    """On the database the suite runs on: a SQLite file (the in-memory test database
    cannot be backed up, so a file-backed app stands in), or PostgreSQL through
    pg_dump and pg_restore."""
    if make_url(make_app().config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        app = request.getfixturevalue("app")  # the shared database, emptied around the test
        db.session.remove()
        round_trip(app, tmp_path)
        return
    own = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'inquiry.sqlite'}",
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        REPORT_FOLDER=str(tmp_path / "reports"),
    )
    with own.app_context():
        db.create_all()
    round_trip(own, tmp_path)
    with own.app_context():
        db.engine.dispose()


def test_backup_into_a_folder_gets_a_dated_name_and_never_overwrites(tmp_path):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'inquiry.sqlite'}",
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        REPORT_FOLDER=str(tmp_path / "reports"),
    )
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(args=["inquiry", "backup", str(folder)])
    assert result.exit_code == 0, result.output
    (made,) = folder.iterdir()
    assert made.name.startswith("inquiry-backup-") and made.name.endswith(".tar.gz")
    with tarfile.open(made) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["dialect"] == "sqlite"
    assert manifest["files"] == {"uploads": 0, "reports": 0}
    again = runner.invoke(args=["inquiry", "backup", str(made)])
    assert again.exit_code != 0
    assert "already exists" in again.output
    assert not list(folder.glob("*.partial"))
    with app.app_context():
        db.engine.dispose()


def _archive_with(tmp_path: Path, entries: dict[str, bytes]) -> Path:
    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"notes.txt": b"hello"}, "not a readable backup"),
        (
            {
                "manifest.json": json.dumps(
                    {
                        "dialect": "sqlite",
                        "database_file": "database.sqlite",
                        "sha256": {"database.sqlite": "0" * 64},
                    }
                ).encode(),
                "database.sqlite": b"not a database",
            },
            "damaged",
        ),
        (
            {
                "manifest.json": b"{}",
                "../outside.txt": b"should never be written",
            },
            "unexpected entry",
        ),
    ],
)
def test_restore_refuses_a_damaged_or_crafted_archive(tmp_path, entries, message):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'inquiry.sqlite'}",
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        REPORT_FOLDER=str(tmp_path / "reports"),
    )
    with app.app_context():
        db.create_all()
        make_user("stays@example.org")
    archive = _archive_with(tmp_path, entries)
    result = app.test_cli_runner().invoke(args=["inquiry", "restore", "--yes", str(archive)])
    assert result.exit_code != 0
    assert message in result.output
    assert not (tmp_path / "outside.txt").exists()
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "stays@example.org"
        db.engine.dispose()


def test_restore_asks_before_replacing_everything(tmp_path):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'inquiry.sqlite'}",
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        REPORT_FOLDER=str(tmp_path / "reports"),
    )
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["inquiry", "backup", str(archive)]).exit_code == 0
    with app.app_context():
        make_user("after@example.org")
    result = runner.invoke(args=["inquiry", "restore", str(archive)], input="n\n")
    assert result.exit_code != 0
    assert "Replace the database" in result.output
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "after@example.org"
        db.engine.dispose()
