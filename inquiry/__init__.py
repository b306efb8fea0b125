"""Citizens' inquiry platform: the Flask application factory."""

from __future__ import annotations

import os
import tempfile

from flask import Flask, has_request_context, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, CONFIGS, INSTANCE_DIR


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app for ``config_name`` (development, test or production).

    Without a name, ``INQUIRY_CONFIG`` decides, and development is the default.
    """
    name = config_name or os.environ.get("INQUIRY_CONFIG", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"unknown configuration {name!r}; choose one of {sorted(CONFIGS)}")
    config_class = CONFIGS[name]

    app = Flask(
        __name__,
        static_folder=str(BASE_DIR / "static"),
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    app.config.update(config_class.environment())
    if overrides:
        app.config.update(overrides)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Checking a connection before each request guards against a database server
        # that dropped it; a SQLite file has no server, so the check is only a cost.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_pre_ping": False,
        }
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("UPLOAD_FOLDER"):
        # Tests: a private folder per app, so no test sees another's files.
        app.config["UPLOAD_FOLDER"] = tempfile.mkdtemp(prefix="inquiry-uploads-")
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_templates(app: Flask) -> None:
    from . import formatting
    from .security import headers

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    formatting.init_app(app)
    headers.init_app(app)


def register_extensions(app: Flask) -> None:
    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import joinedload

    from .extensions import csrf, db, limiter, login_manager, migrate
    from .models import User

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    # Every inquiry page checks the user's memberships: load them in the same query,
    # built once since it runs on every request.
    user_with_memberships = (
        select(User).where(User.id == bindparam("user_id")).options(joinedload(User.memberships))
    )

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The id carries the user's session token, so changing a password (which
        # rotates the token) signs out every other browser.
        user_part, _, token = user_id.partition(":")
        if not user_part.isdigit() or not token:
            return None
        user = (
            db.session.scalars(user_with_memberships, {"user_id": int(user_part)})
            .unique()
            .one_or_none()
        )
        if user is None or user.is_disabled or user.session_token != token:
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .audit.views import bp as audit_bp
    from .ballots.views import bp as ballots_bp
    from .challenges.views import bp as challenges_bp
    from .cohort.views import bp as cohort_bp
    from .consent.views import bp as consent_bp
    from .curation.views import bp as curation_bp
    from .deliberation.views import bp as deliberation_bp
    from .evaluation.views import bp as evaluation_bp
    from .excerpts.views import bp as excerpts_bp
    from .inquiries.settings import bp as settings_bp
    from .inquiries.views import bp as inquiries_bp
    from .invitations.views import bp as invitations_bp
    from .notifications.views import bp as notifications_bp
    from .pages.errors import register_error_handlers
    from .pages.views import bp as pages_bp
    from .personal_data.views import bp as personal_data_bp
    from .progress.views import bp as progress_bp
    from .questions.views import bp as questions_bp
    from .recommendations.views import bp as recommendations_bp
    from .reflections.views import bp as reflections_bp
    from .reports.exports import bp as report_exports_bp
    from .reports.views import bp as reports_bp
    from .responses.views import bp as responses_bp
    from .results.views import bp as results_bp
    from .rounds.views import bp as rounds_bp
    from .safeguarding.views import bp as safeguarding_bp
    from .testimony.attachments import bp as attachments_bp
    from .testimony.views import bp as testimony_bp
    from .themes.views import bp as themes_bp

    for blueprint in (
        pages_bp,
        accounts_bp,
        inquiries_bp,
        settings_bp,
        invitations_bp,
        audit_bp,
        rounds_bp,
        consent_bp,
        cohort_bp,
        deliberation_bp,
        questions_bp,
        safeguarding_bp,
        notifications_bp,
        themes_bp,
        excerpts_bp,
        attachments_bp,
        testimony_bp,
        evaluation_bp,
        reflections_bp,
        recommendations_bp,
        curation_bp,
        ballots_bp,
        results_bp,
        personal_data_bp,
        reports_bp,
        report_exports_bp,
        responses_bp,
        progress_bp,
        challenges_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from .cli import inquiry_cli

    app.cli.add_command(inquiry_cli)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL and a busy timeout so concurrent writers wait, not fail."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Transactions are begun explicitly below, so the driver must not begin its own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Overwrite deleted content, so withdrawn testimony does not linger in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """On SQLite, a request that may write takes the write lock when its transaction
    begins (BEGIN IMMEDIATE), so concurrent writers queue on the busy timeout instead
    of failing with "database is locked" when a read lock cannot be upgraded. Reads
    (GET) begin normally and run alongside writers thanks to WAL."""
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.in_transaction:
        # One in-memory database shared by two sessions (tests): already begun.
        return
    writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    # Straight to the driver: this is transaction control, not a query to count.
    dbapi_connection.execute("BEGIN IMMEDIATE" if writing else "BEGIN")
