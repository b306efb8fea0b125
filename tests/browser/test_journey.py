"""The foundation journey in a real browser, with an accessibility check on every page.

The first researcher sets up the platform from the console link, creates an
inquiry and invites a participant, who accepts and finds the inquiry at home.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from inquiry.extensions import db
from inquiry.models import Inquiry, Membership, Role

from .conftest import LiveServer, check_accessibility, new_page, screenshot

PASSWORD = "a long and memorable passphrase"


def visit(page: Page, name: str | None = None) -> None:
    """Check the page we are on: one h1, accessible, and optionally keep a picture."""
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page)
    if name:
        screenshot(page, name)


def setup_link(server: LiveServer) -> str:
    result = server.app.test_cli_runner().invoke(args=["inquiry", "setup-link"])
    assert result.exit_code == 0, result.output
    return re.search(r"(http://\S+/setup/\S+)", result.output).group(1)


def test_researcher_sets_up_and_invites_a_participant_who_joins(
    live_server: LiveServer, browser: Browser
):
    researcher = new_page(browser)
    researcher.goto(setup_link(live_server))
    visit(researcher, "setup")
    researcher.get_by_label("Full name").fill("Rhiannon Evans")
    researcher.get_by_label("Email address").fill("rhiannon@example.org")
    researcher.get_by_label("Password", exact=True).fill(PASSWORD)
    researcher.get_by_label("Confirm password").fill(PASSWORD)
    researcher.get_by_role("button", name="Create researcher account").click()
    expect(researcher.locator("h1")).to_have_text("Your inquiries")
    visit(researcher, "home-empty")

    researcher.get_by_role("button", name="Create an inquiry").click()
    visit(researcher)
    researcher.get_by_label("Title").fill("Living well at home")
    researcher.get_by_label("The question the inquiry will answer").fill(
        "What would it take to help people to have a good life at home for as long as they choose?"
    )
    inverted = researcher.get_by_label("Inverted inquiry")
    if inverted.count():
        inverted.check()
    researcher.get_by_role("button", name="Create inquiry").click()
    expect(researcher.locator("h1")).to_have_text("Living well at home")
    visit(researcher, "inquiry-overview")

    researcher.get_by_role("link", name="Invite someone").first.click()
    visit(researcher, "invite")
    researcher.get_by_label("Email address").fill("priya@example.org")
    researcher.get_by_label("Participant").check()
    researcher.get_by_role("button", name="Create invitation").click()
    expect(researcher.locator("h1")).to_have_text("Invitation to priya@example.org")
    visit(researcher, "invitation-link")
    link = researcher.locator("#invitation-link").inner_text().strip()

    participant = new_page(browser)
    participant.goto(link)
    visit(participant, "accept-invitation")
    participant.get_by_label("Full name").fill("Priya Shah")
    participant.get_by_label("Password", exact=True).fill(PASSWORD)
    participant.get_by_label("Confirm password").fill(PASSWORD)
    participant.get_by_role("button", name="Create account and join").click()
    expect(participant.locator("h1")).to_have_text("Living well at home")
    visit(participant)
    participant.get_by_role("link", name="Your inquiries").click()
    expect(participant.get_by_text("As participant")).to_be_visible()
    visit(participant, "home-participant")

    researcher.goto(live_server.url + "/home")
    researcher.get_by_role("link", name="Living well at home").first.click()
    researcher.get_by_role("link", name="Members and invitations").first.click()
    expect(researcher.get_by_role("cell", name="Priya Shah", exact=True)).to_be_visible()
    visit(researcher, "members")

    with live_server.app.app_context():
        inquiry = db.session.scalar(db.select(Inquiry))
        roles = {
            m.user.email: m.role
            for m in db.session.scalars(
                db.select(Membership).where(Membership.inquiry_id == inquiry.id)
            )
        }
    assert roles == {"rhiannon@example.org": Role.RESEARCHER, "priya@example.org": Role.PARTICIPANT}


def test_sign_in_errors_with_the_keyboard_only(live_server: LiveServer, browser: Browser):
    page = new_page(browser)
    page.goto(live_server.url + "/sign-in")
    # Tab from the top of the page to the email field, past the skip link and header.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle !== 'none' || "
        "getComputedStyle(document.activeElement).boxShadow !== 'none' || "
        "getComputedStyle(document.activeElement).backgroundColor !== 'rgba(0, 0, 0, 0)'"
    ), "focus is not visible"
    page.locator("#email").focus()
    page.keyboard.type("not-an-email")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    visit(page, "sign-in-errors")
    summary.get_by_role("link", name=re.compile("Enter your password")).press("Enter")
    assert page.evaluate("document.activeElement.id") == "password"
