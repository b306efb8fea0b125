"""Fifty participants submitting at the same moment over HTTP, to gunicorn with
several workers: every submission is stored exactly once and no request fails.

Runs on the database the suite runs on: a SQLite file (WAL, busy timeout, writes
begun with BEGIN IMMEDIATE) or the PostgreSQL server of the PostgreSQL run.
"""

from __future__ import annotations

from conftest import make_app
from sqlalchemy.engine import make_url

from benchmarks.concurrency import ballots_at_once, reflections_at_once

PARTICIPANTS = 50


def _database_url(request, tmp_path) -> str:
    configured = make_app().config["SQLALCHEMY_DATABASE_URI"]
    if make_url(configured).get_backend_name() == "postgresql":
        request.getfixturevalue("app")  # the shared database, emptied around the test
        return configured
    return f"sqlite:///{tmp_path / 'concurrent.sqlite'}"


def test_fifty_participants_share_reflections_at_the_same_moment(request, tmp_path):
    outcome = reflections_at_once(_database_url(request, tmp_path), PARTICIPANTS, workers=4)
    assert outcome.failures == []
    assert outcome.stored == PARTICIPANTS
    assert outcome.lost == 0


def test_fifty_participants_vote_at_the_same_moment(request, tmp_path):
    outcome = ballots_at_once(_database_url(request, tmp_path), PARTICIPANTS, workers=4)
    assert outcome.failures == []
    assert outcome.stored == PARTICIPANTS
    assert outcome.lost == 0
