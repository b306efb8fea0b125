"""Response headers that harden every page."""

from __future__ import annotations

import secrets

from flask import Flask, Response, request
from flask_login import current_user


def csp_nonce() -> str:
    """This request's nonce (kept on the request: an app context can outlive it)."""
    environ = request.environ
    if "inquiry.csp_nonce" not in environ:
        environ["inquiry.csp_nonce"] = secrets.token_urlsafe(16)
    return environ["inquiry.csp_nonce"]


def _content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _set_headers(response: Response) -> Response:
        # A view serving a document with a narrower policy of its own keeps it (a stored
        # report's HTML version, whose stylesheet is inline).
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = _content_security_policy(csp_nonce())
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static" and current_user.is_authenticated:
            # Signed-in pages may show testimony: never keep them in a shared cache.
            response.headers["Cache-Control"] = "no-store"
        return response
