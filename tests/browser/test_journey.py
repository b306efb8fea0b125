"""Journeys in a real browser, with an accessibility check on every page visited.

The first researcher sets up the platform from the console link, creates an
inverted inquiry, plans its sessions from the recommended plan, publishes the
participants' information and consent text, checks the settings, cohort and
stage pages, and invites a participant, who accepts, agrees to the information,
fills in their profile and finds the inquiry on their home page.
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
    researcher.get_by_label("Inverted inquiry").check()
    researcher.get_by_role("button", name="Create inquiry").click()
    expect(researcher.locator("h1")).to_have_text("Living well at home")
    visit(researcher, "inquiry-overview")

    nav = researcher.get_by_role("navigation", name="Inquiry sections")
    manage = researcher.get_by_role("navigation", name="Running the inquiry")
    nav.get_by_role("link", name="Sessions").click()
    visit(researcher, "sessions-recommended-plan")
    researcher.get_by_label("Use the recommended plan as it is").check()
    researcher.get_by_role("button", name="Continue").click()
    expect(researcher.get_by_text("As a person who may one day need care").first).to_be_visible()
    visit(researcher, "sessions")

    manage.get_by_role("link", name="Consent").click()
    visit(researcher)
    researcher.locator("a[href$='/consent-texts/participant/edit']").first.click()
    visit(researcher, "consent-text-edit")
    researcher.get_by_role("button", name="Publish version 1").click()
    visit(researcher)

    for section in ("Settings", "Cohort", "Stage"):
        manage.get_by_role("link", name=section).click()
        visit(researcher, section.lower())

    nav.get_by_role("link", name="Overview").click()
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
    # Nothing of the inquiry is shown before the participant agrees to the information.
    expect(participant.get_by_label("I have read this and I agree to take part")).to_be_visible()
    visit(participant, "consent")
    participant.get_by_label("I have read this and I agree to take part").check()
    participant.get_by_role("button", name="Continue").click()
    expect(participant.locator("h1")).to_have_text("Living well at home")
    visit(participant, "overview-participant")

    participant.get_by_role("navigation", name="Inquiry sections").get_by_role(
        "link", name="Your profile"
    ).click()
    visit(participant)
    participant.get_by_label("Care worker or personal assistant").check()
    participant.get_by_label("NHS").check()
    participant.get_by_role("button", name="Save profile").click()
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
    # GOV.UK Frontend moves focus to the summary once its script has run: wait for it.
    expect(summary).to_be_focused()
    visit(page, "sign-in-errors")
    summary.get_by_role("link", name=re.compile("Enter your password")).press("Enter")
    expect(page.locator("#password")).to_be_focused()


def sign_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your inquiries")


def test_a_witness_gives_testimony_and_participants_reflect_on_it(
    live_server: LiveServer, browser: Browser
):
    from inquiry.accounts.services import create_user
    from inquiry.inquiries.services import create_inquiry
    from inquiry.models import InquiryMode, utcnow
    from inquiry.rounds.services import apply_plan

    with live_server.app.app_context():
        lead = create_user(
            db.session,
            email="rhiannon@example.org",
            name="Rhiannon Evans",
            password=PASSWORD,
            is_researcher=True,
        )
        inquiry = create_inquiry(
            db.session,
            creator=lead,
            title="Living well at home",
            question="What would it take to help people to have a good life at home "
            "for as long as they choose?",
            mode=InquiryMode.INVERTED,
        )
        rounds = apply_plan(db.session, inquiry, actor=lead, now=utcnow())
        for email, name, role in (
            ("priya@example.org", "Priya Shah", Role.PARTICIPANT),
            ("wyn@example.org", "Wyn Morgan", Role.WITNESS),
        ):
            user = create_user(db.session, email=email, name=name, password=PASSWORD)
            db.session.add(Membership(inquiry_id=inquiry.id, user_id=user.id, role=role))
        db.session.commit()
        base = f"{live_server.url}/inquiries/{inquiry.id}"
        hearing = rounds[1]
        hearing_id = hearing.id

    witness = new_page(browser)
    sign_in(witness, live_server, "wyn@example.org")
    witness.goto(base + "/testimony")
    visit(witness)
    witness.get_by_role("button", name="Write testimony").click()
    visit(witness, "testimony-write")
    witness.get_by_label("Session").select_option(value=str(hearing_id))
    witness.get_by_label("Title").fill("Mornings at home")
    witness.get_by_label("Your testimony").fill(
        "The carers come at different times every day, so I never know when I can get up.\n\n"
        "What helps most is seeing the same two faces, who know how I like my tea."
    )
    witness.get_by_label("Quoted in the report anonymously").check()
    witness.get_by_role("button", name="Share with the cohort").click()
    expect(witness.get_by_text("Mornings at home").first).to_be_visible()
    visit(witness, "testimony-witness")

    researcher = new_page(browser)
    sign_in(researcher, live_server, "rhiannon@example.org")
    researcher.goto(f"{base}/sessions/{hearing_id}/open")
    visit(researcher)
    researcher.locator("main form button[type=submit]").first.click()
    researcher.goto(f"{base}/testimony")
    visit(researcher, "testimony-researcher")

    participant = new_page(browser)
    sign_in(participant, live_server, "priya@example.org")
    participant.goto(f"{base}/sessions/{hearing_id}/take-part")
    expect(participant.get_by_text("What helps most is seeing the same two faces")).to_be_attached()
    visit(participant, "session-take-part")
    participant.get_by_label("Your reflection").first.fill(
        "As a district nurse I rarely know what time the care visits happen."
    )
    participant.get_by_role("radio", name="As a professional").first.check()
    participant.get_by_role("button", name="Share").first.click()
    visit(participant, "session-shared")

    researcher.goto(f"{base}/sessions/{hearing_id}/reflections")
    expect(researcher.get_by_text("As a district nurse")).to_be_visible()
    visit(researcher, "reflections-reading")
    researcher.goto(f"{base}/themes/board")
    visit(researcher, "theme-board")
