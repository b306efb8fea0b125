"""The baseline for page benchmarks: a bare Flask app rendering a template of a given size.

No database, no sign-in, no extensions: what serving a page of that size costs
on this machine with gunicorn, against which the real pages are compared. The template
is a file, as in any Flask app, so Jinja compiles it once and keeps it; rendering a
template from a string (``render_template_string``) would compile it on every request,
about a millisecond more per page than a real app spends.
"""

from __future__ import annotations

from flask import Flask, render_template, request

TEXT = "The carers come at different times every day, so I never know when I can get up."


def create_app() -> Flask:
    app = Flask(__name__)

    @app.route("/page")
    def page():
        size = min(max(request.args.get("bytes", 20_000, type=int), 1_000), 2_000_000)
        paragraphs = size // (len(TEXT) + 40)
        return render_template(
            "minimal_page.html", title="A page of similar size", paragraphs=paragraphs, text=TEXT
        )

    return app
