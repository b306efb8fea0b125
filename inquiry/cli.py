"""``flask --app inquiry inquiry ...`` commands for installing and running the platform."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from wtforms.validators import ValidationError

from .accounts import services as accounts
from .audit.service import record
from .demo.command import demo
from .extensions import db
from .models import TokenPurpose, utcnow

inquiry_cli = AppGroup("inquiry", help="Set up and run the inquiry platform.")
inquiry_cli.add_command(demo)


@inquiry_cli.command("setup-link")
def setup_link() -> None:
    """Print a one-time link that creates the first researcher, while no user exists."""
    if accounts.any_user_exists(db.session):
        return
    token = accounts.issue_token(
        db.session,
        TokenPurpose.SETUP,
        secret_key=current_app.secret_key,
        now=utcnow(),
        lifetime=timedelta(hours=current_app.config["SETUP_LINK_HOURS"]),
    )
    record(db.session, "setup.link_created")
    db.session.commit()
    url = current_app.config["BASE_URL"].rstrip("/") + f"/setup/{token}"
    click.echo("")
    click.echo("No researcher account exists yet. Open this link to create the first one:")
    click.echo(f"    {url}")
    click.echo(
        f"The link works once and expires in {current_app.config['SETUP_LINK_HOURS']} hours."
    )
    click.echo("")


@inquiry_cli.command("create-researcher")
@click.argument("email")
@click.option("--name", prompt="Full name", help="The researcher's full name.")
@click.password_option(
    "--password", prompt="Password (at least 12 characters)", help="Read from the prompt."
)
def create_researcher(email: str, name: str, password: str) -> None:
    """Create a researcher account, who can then create inquiries."""
    problem = accounts.password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        raise click.ClickException(problem)
    name = name.strip()
    if not name:
        raise click.ClickException("Enter a name")
    if len(name) > 200:
        raise click.ClickException("Full name must be 200 characters or fewer")
    try:
        from email_validator import EmailNotValidError, validate_email

        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"Not a valid email address: {error}") from error
    try:
        user = accounts.create_user(
            db.session, email=email, name=name, password=password, is_researcher=True
        )
    except (accounts.AccountError, ValidationError) as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created researcher account {user.email}")


def _stored_file_folders() -> dict[str, str]:
    """The folders of stored files a backup holds: attachments and reports."""
    from .reports import storage

    return {"uploads": current_app.config["UPLOAD_FOLDER"], "reports": str(storage.folder())}


@inquiry_cli.command("backup")
@click.argument("destination", type=click.Path(), default=".")
def backup(destination: str) -> None:
    """Write a consistent backup of the database and uploaded files to DESTINATION
    (a .tar.gz file name, or a folder; the current folder by default)."""
    from .backup import BackupError, create_backup

    try:
        path = create_backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            _stored_file_folders(),
            destination,
            now=utcnow(),
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path}")


@inquiry_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(archive: str, yes: bool) -> None:
    """Replace the database and uploaded files with those in the backup ARCHIVE.
    Stop the app first: everything written since the backup is lost."""
    from .backup import BackupError, read_manifest, restore_backup

    try:
        manifest = read_manifest(archive)
    except (BackupError, OSError, KeyError, ValueError) as error:
        raise click.ClickException(f"{archive} is not a readable backup: {error}") from error
    if not yes:
        click.confirm(
            f"Replace the database and uploaded files with the backup made at "
            f"{manifest.get('created_at', 'an unknown time')}?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()
    try:
        restore_backup(
            archive, current_app.config["SQLALCHEMY_DATABASE_URI"], _stored_file_folders()
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    db.engine.dispose()
    click.echo(f"Restored the backup made at {manifest.get('created_at')}")


@inquiry_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for tests and cron).")
def worker(burst: bool) -> None:
    """Build reports from the Redis queue (needs REDIS_URL). Several workers, on this or
    other machines sharing the database and the report folder, can run at once."""
    from .reports import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set. Without it, reports are built inside the web process "
            "and no worker is needed; set REDIS_URL (for example redis://127.0.0.1:6379/0) "
            "to build them with workers."
        )
    jobs.run_worker(current_app._get_current_object(), burst=burst)


@inquiry_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Print what would be erased; change nothing.")
def retention(dry_run: bool) -> None:
    """Erase the personal data and testimony of closed inquiries whose retention date has
    passed, keeping their published reports. Safe to run every day from cron: an inquiry
    is erased once, and nothing is done before its retention date."""
    from .inquiries.lifecycle import today
    from .personal_data.erasure import apply_retention, due_for_retention, retention_plan
    from .reports import storage as report_storage

    plans = [
        retention_plan(db.session, inquiry)
        for inquiry in due_for_retention(db.session, today=today())
    ]
    if not plans:
        click.echo("No closed inquiry is past its retention date: nothing to erase.")
        return
    for plan in plans:
        if dry_run:
            click.echo(plan.describe(done=False))
            continue
        files = apply_retention(db.session, plan, now=utcnow())
        # One inquiry at a time: an inquiry erased stays erased if a later one fails.
        db.session.commit()
        report_storage.remove(*files)
        click.echo(plan.describe(done=True))
    if dry_run:
        click.echo("Dry run: nothing was changed.")
    else:
        click.echo(f"Erased {len(plans)} inquiry(ies).")
