"""Sending email when SMTP is configured.

Without ``MAIL_SERVER`` nothing is sent: callers show links to a researcher
instead, and in development the link is also written to the log. Under test,
messages are kept in ``app.extensions["mail_outbox"]``.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER")) or current_app.testing


def send_email(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email; True if it was handed to a mail server."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if current_app.testing and not config.get("MAIL_SERVER"):
        current_app.extensions.setdefault("mail_outbox", []).append(message)
        return True
    if not config.get("MAIL_SERVER"):
        return False
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                # Verify the server's certificate: the messages carry sign-in links.
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not send email to the configured mail server")
        return False
    return True


def log_link(description: str, url: str) -> None:
    """Write a link to the log where the configuration allows it (development)."""
    if current_app.config.get("LOG_EMAIL_LINKS"):
        current_app.logger.warning("%s: %s", description, url)
