"""The ``demo`` command: fill an empty database with the demo inquiries and print the
accounts to sign in with."""

from __future__ import annotations

import logging
import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from ..accounts.services import any_user_exists, password_problem
from ..extensions import db
from ..models import utcnow
from .build import DemoAccount, build_demo

# Long enough for the password rules, easy to type at a demonstration.
DEFAULT_PASSWORD = "care at home demo"  # noqa: S105 - the demo's published password

NOT_EMPTY = (
    "This database already has accounts in it, so the demo was not added: it needs an empty "
    "database of its own. `make demo` makes a new one each time (instance/demo.sqlite)."
)


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Fill an empty database with two fictional inquiries into care at home, one finished
    and one in session, and print an account for every role. Everyone's password is
    DEMO_PASSWORD, or "care at home demo" when it is not set."""
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    problem = password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        raise click.ClickException(f"DEMO_PASSWORD cannot be used: {problem}")
    if any_user_exists(db.session):
        raise click.ClickException(NOT_EMPTY)
    click.echo("Building the demo inquiries (the reports take a little while)...")
    started = time.monotonic()
    # The PDF renderer's notes on the stylesheet would bury the accounts printed below.
    renderer_log = logging.getLogger("weasyprint")
    level = renderer_log.level
    renderer_log.setLevel(logging.ERROR)
    try:
        accounts = build_demo(db.session, password=password, now=utcnow())
    finally:
        renderer_log.setLevel(level)
    click.echo(f"Done in {time.monotonic() - started:.0f} seconds.")
    click.echo("")
    click.echo(describe(accounts, password, current_app.config["BASE_URL"]))


def describe(accounts: list[DemoAccount], password: str, base_url: str) -> str:
    """The accounts as a table, with where to sign in and the password."""
    rows = [("Role", "Name", "Email", "Inquiry")] + [
        (account.role.label, account.name, account.email, account.inquiry) for account in accounts
    ]
    widths = [max(len(row[n]) for row in rows) for n in range(3)]
    lines = [
        "Demo accounts. Everything in them is fictional.",
        "",
        *(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
            for row in rows
        ),
        "",
        f"Password for every account: {password}",
        f"Sign in at {base_url.rstrip('/')}/sign-in",
    ]
    return "\n".join(lines)
