"""A live server and a real Chromium (Debian's package) driven by Playwright.

The browser is never downloaded: Playwright is pointed at the system Chromium,
which ``make test`` installs when it is missing.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from inquiry import create_app
from inquiry.extensions import db

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.2 A and AA, and the earlier versions' rules they include.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError(
            "Chromium is needed for the browser tests: apt-get install chromium "
            "(make test installs it when run as root)"
        )
    return path


class LiveServer:
    def __init__(self, tmp_dir: Path) -> None:
        self.app = create_app(
            "test",
            overrides={
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_dir / 'browser.sqlite'}",
                "WTF_CSRF_ENABLED": True,
                "SERVER_NAME": None,
                # Report builds run in the background as in real use.
                "REPORT_WORKER_HELD": False,
                "REPORT_FOLDER": str(tmp_dir / "reports"),
            },
        )
        with self.app.app_context():
            db.create_all()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.app.config["BASE_URL"] = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: Browser) -> Page:
    """A fresh browser profile (its own cookies), able to inject axe despite our CSP."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def _known_govuk_exception(rule: str, node: dict) -> bool:
    """GOV.UK Frontend marks radios and checkboxes that reveal a follow-up question with
    aria-expanded. ARIA does not list it for those roles, so axe reports it, but the
    Design System keeps it on purpose because screen readers announce it (see
    govuk-frontend issue 979). Only that exact case is accepted."""
    if rule != "aria-allowed-attr":
        return False
    is_reveal = "govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"]
    messages = [check["message"] for check in node.get("any", []) + node.get("all", [])]
    return is_reveal and all("aria-expanded" in m and "aria-controls" not in m for m in messages)


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page; fail listing each violated rule and its elements."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    problems = []
    for violation in result["violations"]:
        nodes = [n for n in violation["nodes"] if not _known_govuk_exception(violation["id"], n)]
        if nodes:
            problems.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
                + ", ".join(" ".join(node["target"]) for node in nodes)
            )
    assert not problems, f"accessibility violations on {page.url}:\n" + "\n".join(problems)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
