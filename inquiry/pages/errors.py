"""Error pages in the service's own style."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

ERROR_PAGES = {
    400: ("Sorry, there is a problem with that request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with that request", "errors/400.html"),
    413: ("The file is too large", "errors/413.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
}


def render_error(code: int):
    title, template = ERROR_PAGES.get(code, ERROR_PAGES[400])
    return render_template(template, page_title=title), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        # Forms where people write at length register a page that shows their words
        # again rather than the generic one, which would lose them.
        from ..reflections.keep_text import KEEP_TEXT_ON_EXPIRY

        keep_text = KEEP_TEXT_ON_EXPIRY.get(request.endpoint or "")
        if keep_text is not None:
            response = keep_text()
            if response is not None:
                return response
        return render_template("errors/csrf.html", page_title="Your form has expired"), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.response is not None:
            # A response made for this refusal (a rate limit's ``on_breach``, say).
            return error.response
        if error.code in ERROR_PAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(500)
    def _server_error(error):
        return render_error(500)
