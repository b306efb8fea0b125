"""Configuration classes, chosen by name in ``inquiry.create_app``.

Development is the default and keeps its SQLite database in ``instance/``.
``DATABASE_URL`` selects another database (PostgreSQL through psycopg 3) in
every configuration, so the test suite can run against PostgreSQL too.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def database_url(default: str) -> str:
    """The SQLAlchemy URL, turning a plain ``postgresql://`` URL into psycopg 3's dialect."""
    url = os.environ.get("DATABASE_URL", default)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SERVICE_NAME = "Citizens' inquiry"
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - replaced in production
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'inquiry.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "inquiry_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=1)
    HSTS = False

    # Largest request accepted; larger gets a 413 page. Attachments are limited separately.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    # Testimony attachments: kept outside static/, served only to those allowed to see them.
    UPLOAD_FOLDER = str(INSTANCE_DIR / "uploads")
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

    WTF_CSRF_ENABLED = True
    # A participant may write for an hour or more before submitting.
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_IN_LIMIT_PER_IP = "20 per 10 minutes"
    SIGN_IN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
    RESET_LIMIT_PER_IP = "5 per 10 minutes"
    INVITATION_LIMIT_PER_USER = "60 per hour"
    # Builds of the report, per researcher: each one renders the whole document.
    REPORT_BUILD_LIMIT_PER_USER = "20 per hour"
    # Files attached to testimony, per person: generous for a witness adding photos of
    # letters, low enough that nobody can fill the disk.
    UPLOAD_LIMIT_PER_USER = "30 per hour"

    INVITATION_DAYS = 14
    PASSWORD_RESET_HOURS = 24
    SETUP_LINK_HOURS = 24
    PASSWORD_MIN_LENGTH = 12

    # How many reverse proxies sit in front of the app (each adds X-Forwarded-For);
    # 0 trusts no forwarded headers. Needed so rate limits see the client's address.
    PROXY_COUNT = 0

    # Public address used in links sent by email or printed on the console.
    BASE_URL = "http://127.0.0.1:5000"

    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = True
    MAIL_SENDER = "no-reply@localhost"
    # When true, links that would be emailed are also written to the log.
    LOG_EMAIL_LINKS = False

    # The report: stored PDF and HTML files of its builds, kept outside static/. When web
    # and worker processes run on different machines this folder must be shared by them.
    REPORT_FOLDER = str(INSTANCE_DIR / "reports")
    # With a Redis URL, builds go to RQ workers (``flask --app inquiry inquiry worker``);
    # without one, a single background thread in each web process builds them.
    REDIS_URL = ""
    REPORT_QUEUE = "reports"
    # A build whose worker has given no sign of life for this long is marked failed.
    REPORT_BUILD_STALE_SECONDS = 300
    # How often a running build tells the database it is still alive.
    REPORT_BUILD_HEARTBEAT_SECONDS = 5
    # Longest a build may take before its RQ worker stops it.
    REPORT_BUILD_TIMEOUT_SECONDS = 900
    # Tests: builds handed to the in-process worker wait until the test lets them run.
    REPORT_WORKER_HELD = False

    TESTING = False
    DEBUG = False

    @classmethod
    def environment(cls) -> dict:
        """Settings taken from environment variables when the app is created."""
        env = os.environ
        settings: dict = {}
        if env.get("DATABASE_URL"):
            settings["SQLALCHEMY_DATABASE_URI"] = database_url(cls.SQLALCHEMY_DATABASE_URI)
        for key in (
            "SECRET_KEY",
            "BASE_URL",
            "MAIL_SERVER",
            "MAIL_USERNAME",
            "MAIL_PASSWORD",
            "MAIL_SENDER",
            "RATELIMIT_STORAGE_URI",
            "REDIS_URL",
            "REPORT_FOLDER",
            "UPLOAD_FOLDER",
        ):
            if env.get(key):
                settings[key] = env[key]
        if env.get("PROXY_COUNT", "").isdigit():
            settings["PROXY_COUNT"] = int(env["PROXY_COUNT"])
        if env.get("REPORT_BUILD_STALE_SECONDS", "").isdigit():
            settings["REPORT_BUILD_STALE_SECONDS"] = int(env["REPORT_BUILD_STALE_SECONDS"])
        if env.get("MAIL_PORT", "").isdigit():
            settings["MAIL_PORT"] = int(env["MAIL_PORT"])
        if env.get("MAIL_USE_TLS"):
            settings["MAIL_USE_TLS"] = env["MAIL_USE_TLS"].lower() not in ("false", "0", "no")
        return settings


class DevelopmentConfig(Config):
    DEBUG = True
    LOG_EMAIL_LINKS = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - test-only value
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    UPLOAD_FOLDER = ""  # each test app gets a temporary folder
    BASE_URL = "http://localhost"
    REPORT_FOLDER = ""  # each test app gets a temporary folder when it first stores a build
    REPORT_WORKER_HELD = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    LOG_EMAIL_LINKS = False

    @classmethod
    def environment(cls) -> dict:
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError(
                "SECRET_KEY must be set in production: use a long random value, for example "
                "the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return super().environment()


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
