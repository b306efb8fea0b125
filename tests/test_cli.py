"""The ``inquiry`` command group: the first-run set-up link and creating researchers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import PASSWORD, make_user
from flask import Flask
from sqlalchemy import func, select

from inquiry.extensions import db, limiter
from inquiry.models import AccountToken, AuditEvent, TokenPurpose, User

RESEARCHER_PASSWORD = "tea and biscuits at eleven"


@pytest.fixture(autouse=True)
def rate_limits_off() -> Iterator[None]:
    # An app built elsewhere in the run with rate limits on leaves them switched on
    # for the shared app (Flask-Limiter keeps the switch on the extension object).
    limiter.enabled = False
    yield
    limiter.enabled = False


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


def users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.id)))


def create_researcher(runner, email: str, answers: str):
    return runner.invoke(args=["inquiry", "create-researcher", email], input=answers)


def answers(name: str = "Priya Shah", password: str = RESEARCHER_PASSWORD, confirm=None) -> str:
    return f"{name}\n{password}\n{password if confirm is None else confirm}\n"


# setup-link --------------------------------------------------------------------------


def test_setup_link_is_printed_while_nobody_has_an_account(app, runner, client):
    result = runner.invoke(args=["inquiry", "setup-link"])
    assert result.exit_code == 0, result.output
    match = re.search(r"http://localhost(/setup/\S+)", result.output)
    assert match, result.output
    assert "works once" in result.output
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 1
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "setup.link_created")
    ).all()
    assert event.actor_id is None

    path = match.group(1)
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        data={
            "name": "Priya Shah",
            "email": "priya.shah@example.org",
            "new_password": RESEARCHER_PASSWORD,
            "confirm_password": RESEARCHER_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    [user] = users()
    assert user.email == "priya.shah@example.org"
    assert user.is_researcher is True
    assert client.get("/home").status_code == 200

    assert client.get(path).status_code == 400
    again = runner.invoke(args=["inquiry", "setup-link"])
    assert again.exit_code == 0
    assert again.output == ""


def test_setup_link_prints_nothing_once_a_user_exists(app, runner):
    make_user("first.person@example.org")
    result = runner.invoke(args=["inquiry", "setup-link"])
    assert result.exit_code == 0
    assert result.output == ""
    assert db.session.scalars(select(AccountToken)).all() == []
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_new_setup_link_replaces_the_previous_one(app, runner, client):
    first = re.search(r"/setup/\S+", runner.invoke(args=["inquiry", "setup-link"]).output)
    second = re.search(r"/setup/\S+", runner.invoke(args=["inquiry", "setup-link"]).output)
    assert first.group(0) != second.group(0)
    assert client.get(first.group(0)).status_code == 400
    assert client.get(second.group(0)).status_code == 200


def test_setup_link_expires_after_the_configured_time(app, runner):
    runner.invoke(args=["inquiry", "setup-link"])
    row = db.session.scalar(select(AccountToken))
    assert row.purpose == TokenPurpose.SETUP
    assert row.user_id is None
    hours = (row.expires_at - row.created_at).total_seconds() / 3600
    assert hours == app.config["SETUP_LINK_HOURS"]


# create-researcher -------------------------------------------------------------------


def test_create_researcher(app, runner, client):
    result = create_researcher(runner, "Priya.Shah@Example.org", answers())
    assert result.exit_code == 0, result.output
    assert "Created researcher account priya.shah@example.org" in result.output
    assert RESEARCHER_PASSWORD not in result.output
    [user] = users()
    assert user.email == "priya.shah@example.org"
    assert user.name == "Priya Shah"
    assert user.is_researcher is True
    assert user.is_disabled is False
    assert user.password_hash.startswith("$argon2id$")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.object_id == user.id
    assert event.details == {"researcher": True}

    response = client.post(
        "/sign-in", data={"email": "priya.shah@example.org", "password": RESEARCHER_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/inquiries/new").status_code == 200


def test_create_researcher_name_can_be_given_as_an_option(app, runner):
    result = runner.invoke(
        args=["inquiry", "create-researcher", "priya.shah@example.org", "--name", "Priya Shah"],
        input=f"{RESEARCHER_PASSWORD}\n{RESEARCHER_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert users()[0].name == "Priya Shah"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too short", "Password must be at least 12 characters"),
        ("eleven char", "Password must be at least 12 characters"),
        (" spaced out password ", "Password must not start or end with a space"),
        ("y" * 257, "Password must be 256 characters or fewer"),
    ],
)
def test_create_researcher_refuses_a_weak_password(app, runner, password, message):
    result = create_researcher(runner, "priya.shah@example.org", answers(password=password))
    assert result.exit_code != 0
    assert message in result.output
    assert users() == []


def test_create_researcher_refuses_an_existing_email(app, runner):
    make_user("priya.shah@example.org")
    result = create_researcher(runner, "PRIYA.SHAH@example.org", answers(name="Another Priya"))
    assert result.exit_code != 0
    assert "An account with this email address already exists" in result.output
    [user] = users()
    assert user.is_researcher is False
    assert user.name == "Priya Shah"


def test_create_researcher_refuses_an_invalid_email(app, runner):
    result = create_researcher(runner, "not-an-email", answers())
    assert result.exit_code != 0
    assert "Not a valid email address" in result.output
    assert users() == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Enter a name"), ("N" * 201, "Full name must be 200 characters or fewer")],
)
def test_create_researcher_refuses_a_bad_name(app, runner, name, message):
    result = create_researcher(runner, "priya.shah@example.org", answers(name=name))
    assert result.exit_code != 0
    assert message in result.output
    assert users() == []


def test_create_researcher_needs_the_password_twice(app, runner):
    result = create_researcher(
        runner, "priya.shah@example.org", answers(confirm="a different password")
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert users() == []


def test_created_researcher_cannot_sign_in_with_another_password(app, runner, client):
    assert create_researcher(runner, "priya.shah@example.org", answers()).exit_code == 0
    response = client.post(
        "/sign-in", data={"email": "priya.shah@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert client.get("/home").status_code == 302
