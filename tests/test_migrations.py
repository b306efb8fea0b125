"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import make_app, make_inquiry, make_user
from flask_migrate import downgrade, upgrade
from recommendation_factories import add_closed_paper, make_ballot, make_recommendation
from sqlalchemy import inspect, select, text

from inquiry.extensions import db
from inquiry.models import (
    Agreement,
    Ballot,
    BallotPaper,
    BallotStatus,
    Base,
    Certainty,
    RecommendationStatus,
)
from inquiry.results.services import count_votes


@pytest.fixture
def migration_app(tmp_path):
    if os.environ.get("DATABASE_URL"):
        app = make_app()
    else:
        app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        yield app
        db.session.remove()
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _drift(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
            },
        )
        return compare_metadata(context, Base.metadata)


def test_upgrade_builds_the_models_schema(migration_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert _drift(migration_app) == []


def test_downgrade_to_base_removes_every_table(migration_app):
    upgrade()
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_ballots_closed_before_are_counted_and_keep_no_group_of_one(migration_app):
    upgrade()
    researcher = make_user("mo.migrate@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    first, second = (
        make_recommendation(inquiry, None, title=title, status=RecommendationStatus.FROZEN)
        for title in ("A named person to call", "Visits long enough to talk")
    )
    ballot = make_ballot(inquiry, [first, second])
    agree, disagree, abstain = Agreement.AGREE, Agreement.DISAGREE, Agreement.ABSTAIN
    high, low = Certainty.HIGH, Certainty.LOW
    papers = [
        ("nurse", (agree, high), (abstain, None)),
        ("nurse", (agree, high), (abstain, None)),
        ("care_worker", (disagree, low), (agree, low)),
        ("care_worker", (disagree, low), (agree, low)),
        # The only doctor: as closing a ballot now does, the migration stores no role.
        ("doctor", (agree, high), (agree, low)),
        ("", (disagree, low), (disagree, low)),
    ]
    for role, on_first, on_second in papers:
        add_closed_paper(ballot, {first: on_first, second: on_second}, professional_role=role)
    open_ballot = make_ballot(inquiry, [first])
    ballot.status = BallotStatus.CLOSED
    db.session.commit()
    ballot_id, open_id = ballot.id, open_ballot.id
    db.session.remove()

    # From before counts were stored, through both revisions that count them.
    downgrade(revision="0007_responses_and_progress")
    upgrade()
    roles = db.session.scalars(
        select(BallotPaper.professional_role).where(BallotPaper.ballot_id == ballot_id)
    )
    assert sorted(roles) == ["", "", "care_worker", "care_worker", "nurse", "nurse"]
    stored = db.session.get(Ballot, ballot_id).vote_counts
    assert stored == count_votes(db.session, db.session.get(Ballot, ballot_id))
    assert json.loads(stored)[str(first.id)]["support"] == {
        "nurse": [2, 2, 2],
        "care_worker": [0, 2, 2],
        "": [1, 2, 2],
    }
    assert db.session.get(Ballot, open_id).vote_counts is None
    db.session.remove()

    # Down again: the counts as the previous revision reads them, the sector back empty.
    downgrade(revision="0008_ballot_vote_counts")
    with db.engine.connect() as connection:
        counts = connection.execute(
            text("SELECT vote_counts FROM ballots WHERE id = :id"), {"id": ballot_id}
        ).scalar_one()
        sectors = connection.execute(text("SELECT DISTINCT sector FROM ballot_papers")).all()
    assert json.loads(counts)[str(first.id)]["support"] == {
        "nurse": [2, 2],
        "care_worker": [0, 2],
        "": [1, 2],
    }
    assert sectors == [("",)]


def test_downgrading_keeps_the_rows_of_tables_it_rebuilds(migration_app):
    # On SQLite, dropping a column of inquiries rebuilds the table: with foreign keys
    # enforced during the rebuild, every row referring to an inquiry would be deleted.
    upgrade()
    researcher = make_user("mo.migrate@example.org", researcher=True)
    inquiry_id = make_inquiry(researcher).id
    db.session.remove()
    downgrade(revision="0006_reports")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT id FROM inquiries").scalars().all() == [
            inquiry_id
        ]
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM memberships").scalar() == 1
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_report_versions_migration_keeps_reports_builds_and_comments(migration_app):
    # 0010 adds columns to reports and report_builds; going down and up again keeps
    # every report, build and comment (on SQLite, both tables are rebuilt going down).
    from inquiry.models import (
        BuildKind,
        BuildStatus,
        Report,
        ReportBuild,
        ReportComment,
    )

    upgrade()
    researcher = make_user("mo.migrate@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    report = Report(inquiry_id=inquiry.id, foreword="Kept", views_changed="Dropped going down")
    build = ReportBuild(
        inquiry_id=inquiry.id,
        kind=BuildKind.PUBLISHED,
        status=BuildStatus.DONE,
        version=1,
        sha256="a" * 64,
        html_sha256="b" * 64,
        owner_host="web-1",
        owner_pid=42,
    )
    db.session.add_all([report, build])
    db.session.flush()
    db.session.add(
        ReportComment(report_id=report.id, section="foreword", build_id=build.id, body="Fine")
    )
    db.session.commit()
    report_id, build_id = report.id, build.id
    db.session.remove()

    downgrade(revision="0009_ballot_secrecy")
    with db.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("report_builds")}
        assert not columns & {"html_sha256", "csv_name", "json_name", "owner_host", "owner_pid"}
        assert "views_changed" not in {
            c["name"] for c in inspect(connection).get_columns("reports")
        }
        assert connection.exec_driver_sql("SELECT sha256 FROM report_builds").scalar() == "a" * 64
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM report_comments").scalar() == 1
        assert connection.exec_driver_sql("SELECT foreword FROM reports").scalar() == "Kept"
    upgrade()
    report = db.session.get(Report, report_id)
    # An existing report gets an empty "How views changed".
    assert (report.foreword, report.views_changed) == ("Kept", "")
    build = db.session.get(ReportBuild, build_id)
    assert (build.sha256, build.html_sha256, build.owner_pid) == ("a" * 64, None, None)
    assert db.session.scalar(db.select(ReportComment.build_id)) == build_id
