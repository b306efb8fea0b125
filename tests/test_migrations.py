"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import make_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from inquiry.extensions import db
from inquiry.models import Base


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
