"""The baseline for page benchmarks: a bare Flask app rendering a template of a given size.

No database, no sign-in, no extensions: what serving a page of that size costs
on this machine with gunicorn, against which the real pages are compared.
"""

from __future__ import annotations

from flask import Flask, render_template_string, request

TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
{% for n in range(paragraphs) %}<p class="govuk-body">Paragraph {{ n }}: {{ text }}</p>
{% endfor %}</main></body></html>"""

TEXT = "The carers come at different times every day, so I never know when I can get up."


def create_app() -> Flask:
    app = Flask(__name__)

    @app.route("/page")
    def page():
        size = min(max(request.args.get("bytes", 20_000, type=int), 1_000), 2_000_000)
        paragraphs = size // (len(TEXT) + 40)
        return render_template_string(
            TEMPLATE, title="A page of similar size", paragraphs=paragraphs, text=TEXT
        )

    return app
