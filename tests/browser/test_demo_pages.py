"""The demo inquiries in a real browser: each role's main pages, with the demo's own data,
pass the accessibility check, and their pictures are the ones the guides show.

The demo is the same one ``make demo`` builds, so the pictures in the README and the
guides show a finished inquiry as people would see it.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from inquiry.demo.build import build_demo
from inquiry.extensions import db
from inquiry.models import Challenge, Role, Round, RoundStatus, Testimony, utcnow

from .conftest import LiveServer, new_page
from .test_journey import visit

PASSWORD = "a demo password for the browser"


def sign_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your inquiries")


def tour(page: Page, base: str, stops: list[tuple[str, str, str]]) -> None:
    """Visit each page: (path, the words its heading has, picture name)."""
    for path, heading, picture in stops:
        page.goto(base + path)
        expect(page.locator("h1")).to_contain_text(heading)
        visit(page, picture)


def test_every_role_sees_the_demo_inquiries(live_server: LiveServer, browser: Browser):
    with live_server.app.app_context():
        accounts = build_demo(db.session, password=PASSWORD, now=utcnow())
        finished = next(a for a in accounts if a.role == Role.RESEARCHER).inquiry_id
        running = next(a.inquiry_id for a in accounts if a.inquiry_id != finished)
        open_round = db.session.scalar(
            select(Round.id).where(Round.inquiry_id == running, Round.status == RoundStatus.OPEN)
        )
        testimony = db.session.scalar(
            select(Testimony.id).where(Testimony.inquiry_id == finished).order_by(Testimony.id)
        )
        challenge = db.session.scalar(select(Challenge.id).where(Challenge.inquiry_id == finished))
    by_role = {}
    for account in accounts:
        by_role.setdefault((account.role, account.inquiry_id), account)

    def person(role: Role, inquiry_id: int = finished):
        return by_role[(role, inquiry_id)].email

    done = f"{live_server.url}/inquiries/{finished}"
    live = f"{live_server.url}/inquiries/{running}"

    researcher = new_page(browser)
    sign_in(researcher, live_server, person(Role.RESEARCHER))
    visit(researcher, "demo-home")
    tour(
        researcher,
        done,
        [
            ("", "Living well at home", "demo-researcher-overview"),
            ("/cohort", "Cohort", "demo-researcher-cohort"),
            ("/results", "Results", "demo-researcher-results"),
            ("/report", "report", "demo-researcher-report"),
        ],
    )

    # The demo's participant takes part in both inquiries.
    participant = new_page(browser)
    sign_in(participant, live_server, person(Role.PARTICIPANT))
    tour(
        participant,
        live,
        [(f"/sessions/{open_round}/take-part", "", "demo-participant-session")],
    )
    tour(
        participant,
        done,
        [
            ("/recommendations", "Recommendations", "demo-participant-recommendations"),
            ("/progress", "You said, we did", "demo-participant-progress"),
        ],
    )

    witness = new_page(browser)
    sign_in(witness, live_server, person(Role.WITNESS))
    tour(
        witness,
        done,
        [
            ("", "Living well at home", "demo-witness-overview"),
            (f"/testimony/{testimony}", "", "demo-witness-testimony"),
        ],
    )

    commissioner = new_page(browser)
    sign_in(commissioner, live_server, person(Role.COMMISSIONER))
    tour(
        commissioner,
        done,
        [
            ("/report", "report", "demo-commissioner-report"),
            ("/response", "response", "demo-commissioner-response"),
            (f"/challenges/{challenge}", "100-day challenge", "demo-commissioner-challenge"),
        ],
    )
    expect(commissioner.locator(".govuk-tag", has_text="Live").first).to_be_visible()

    observer = new_page(browser)
    sign_in(observer, live_server, person(Role.OBSERVER))
    tour(observer, done, [("/results", "Results", "demo-observer-results")])
