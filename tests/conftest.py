"""Fixtures: an app on a fresh database, people in roles, and a page-checking client.

The suite runs on in-memory SQLite by default, and on PostgreSQL when
``DATABASE_URL`` is set (as the CI script does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, exists, inspect, literal, select, union_all

from inquiry import create_app
from inquiry.extensions import db, limiter
from inquiry.models import Inquiry, Membership, Role, User
from inquiry.security.passwords import hash_password

PASSWORD = "correct horse battery staple"
# Hashing is deliberately slow; tests share one hash of the common password.
PASSWORD_HASH = hash_password(PASSWORD)


class RequestScopedClient(FlaskClient):
    """A test client that runs each request in its own app context, as a server does.

    Without this, a test's app context would be shared by its requests, and
    ``g`` (where Flask-Login keeps the current user) and the database session
    would leak from one request to the next. Afterwards the test's own session
    is expired so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


def make_app(**overrides) -> Flask:
    app = create_app("test", overrides=overrides)
    app.test_client_class = RequestScopedClient
    return app


@pytest.fixture(autouse=True)
def _rate_limits_follow_the_shared_app() -> Iterator[None]:
    """Flask-Limiter keeps its switch on the one limiter object, so an app built with
    limits on (in a test about them) would leave them on for the shared app."""
    limiter.enabled = False
    yield
    limiter.enabled = False
    if getattr(limiter, "_storage", None) is not None:
        limiter.reset()


@pytest.fixture(scope="session")
def shared_app() -> Iterator[Flask]:
    """One app for the whole run: building templates for each test would be slow."""
    app = make_app()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


_INSERT_INTO = re.compile(r'^\s*INSERT\s+INTO\s+"?(\w+)"?', re.IGNORECASE)
# Tables written to since they were last emptied: only these need emptying, and on
# PostgreSQL only these need their id sequences restarted.
_written_tables: set[str] = set()


@event.listens_for(Engine, "before_cursor_execute")
def _note_written_table(conn, cursor, statement, *args) -> None:
    match = _INSERT_INTO.match(statement)
    if match:
        _written_tables.add(match.group(1))


def empty_database() -> None:
    """Make the schema if it is missing and remove every row.

    Only tables that were written to or hold rows (a restore from a backup writes
    outside this process) are emptied: on PostgreSQL, truncating every table around
    every test cost a third of a second per test.
    """
    db.session.remove()
    existing = set(inspect(db.engine).get_table_names())
    if not set(db.metadata.tables) <= existing:
        db.drop_all()
        db.create_all()
        _written_tables.clear()
        return
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        holding_rows = connection.execute(
            union_all(*(select(literal(t.name)).where(exists().select_from(t)) for t in tables))
        ).scalars()
        dirty = _written_tables | set(holding_rows)
        for table in reversed(tables):
            if table.name in dirty:
                connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            for table in tables:
                if table.name in dirty:
                    for column in table.primary_key.columns:
                        if column.autoincrement is True or (
                            column.autoincrement == "auto" and column.type.python_type is int
                        ):
                            connection.exec_driver_sql(
                                "SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)",
                                (f'"{table.name}"', column.name),
                            )
    _written_tables.clear()


@pytest.fixture
def app(shared_app: Flask) -> Iterator[Flask]:
    """The shared app on an empty database. Change its config only with monkeypatch."""
    shared_app.extensions["mail_outbox"] = []
    with shared_app.app_context():
        empty_database()
        yield shared_app
        # Also empty afterwards: tests that build their own app share the database.
        empty_database()
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Collect every SQL statement sent while the block runs."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# People ---------------------------------------------------------------------------


def make_user(email: str, *, name: str | None = None, researcher: bool = False) -> User:
    user = User(
        email=email.lower(),
        name=name or email.split("@")[0].replace(".", " ").title(),
        password_hash=PASSWORD_HASH,
        is_researcher=researcher,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_inquiry(researcher: User, title: str = "Living well at home") -> Inquiry:
    inquiry = Inquiry(
        title=title,
        question="What would it take to help people to have a good life at home "
        "for as long as they choose?",
        created_by_id=researcher.id,
    )
    db.session.add(inquiry)
    db.session.flush()
    db.session.add(Membership(inquiry_id=inquiry.id, user_id=researcher.id, role=Role.RESEARCHER))
    db.session.commit()
    return inquiry


def add_member(inquiry: Inquiry, user: User, role: Role) -> Membership:
    membership = Membership(inquiry_id=inquiry.id, user_id=user.id, role=role)
    db.session.add(membership)
    db.session.commit()
    db.session.refresh(user)
    return membership


def sign_in_as(client: FlaskClient, user: User | None) -> FlaskClient:
    """Put the user in the client's session directly (sign-in itself is tested elsewhere)."""
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


@dataclass
class World:
    """One inquiry with a member in every role, and an outsider with their own inquiry."""

    inquiry: Inquiry
    other_inquiry: Inquiry
    people: dict[str, User | None] = field(default_factory=dict)


ACTORS = [
    "anonymous",
    "no_role",
    "other_member",
    "participant",
    "witness",
    "commissioner",
    "observer",
    "researcher",
    "disabled",
]


@pytest.fixture
def world(app: Flask) -> World:
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    outsider = make_user("olu.outsider@example.org", researcher=True)
    other_inquiry = make_inquiry(outsider, title="Another inquiry")
    people: dict[str, User | None] = {
        "anonymous": None,
        "researcher": researcher,
        "other_member": outsider,
        "no_role": make_user("nadia.norole@example.org"),
    }
    for role in (Role.PARTICIPANT, Role.WITNESS, Role.COMMISSIONER, Role.OBSERVER):
        user = make_user(f"{role.value}@example.org")
        add_member(inquiry, user, role)
        people[role.value] = user
    disabled = make_user("dee.disabled@example.org")
    add_member(inquiry, disabled, Role.PARTICIPANT)
    disabled.is_disabled = True
    db.session.commit()
    people["disabled"] = disabled
    return World(inquiry=inquiry, other_inquiry=other_inquiry, people=people)


# Page checks --------------------------------------------------------------------


def check_page(html: str) -> BeautifulSoup:
    """Every page: exactly one h1, a title that begins with it, forms with an action."""
    page = BeautifulSoup(html, "html.parser")
    headings = page.find_all("h1")
    assert len(headings) == 1, f"expected one <h1>, found {len(headings)}"
    h1 = " ".join(headings[0].get_text().split())
    title = " ".join(page.title.get_text().split())
    title = re.sub(r"^Error: ", "", title)
    assert title.startswith(h1), f"title {title!r} does not begin with h1 {h1!r}"
    for form in page.find_all("form"):
        assert form.get("action"), f"form without an action: {form}"
    assert page.html.get("lang") == "en-GB"
    return page


class ClientRequest:
    """A test client whose every HTML response is checked with ``check_page``."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: User | None) -> ClientRequest:
        sign_in_as(self.client, user)
        return self

    def get(self, url: str, expected_status: int = 200, **kwargs) -> BeautifulSoup:
        response = self.client.get(url, **kwargs)
        assert response.status_code == expected_status, (
            f"GET {url}: {response.status_code}, expected {expected_status}"
        )
        return check_page(response.get_data(as_text=True))

    def post(
        self, url: str, data: dict | None = None, expected_status: int = 200, **kwargs
    ) -> BeautifulSoup:
        response = self.client.post(url, data=data or {}, **kwargs)
        assert response.status_code == expected_status, (
            f"POST {url}: {response.status_code}, expected {expected_status}"
        )
        return check_page(response.get_data(as_text=True))

    def post_redirect(self, url: str, data: dict | None = None) -> str:
        response = self.client.post(url, data=data or {})
        assert response.status_code == 302, f"POST {url}: {response.status_code}, expected 302"
        return response.headers["Location"]


@pytest.fixture
def client_request(client: FlaskClient) -> ClientRequest:
    return ClientRequest(client)


def error_messages(page: BeautifulSoup) -> list[str]:
    """The texts of the error summary's links."""
    summary = page.select_one(".govuk-error-summary")
    if summary is None:
        return []
    return [" ".join(a.get_text().split()) for a in summary.select("a")]
