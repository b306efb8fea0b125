"""Recommendations and the secret ballot in a real browser, with an accessibility
check on every page visited.

Three participants of an inverted inquiry write recommendations in their own words;
one supports and amends another's, and its author accepts the amendment; the
researcher merges two that say the same thing, and the author of the merged draft
accepts the merged wording; the researcher sends them to the vote and opens the
ballot; everyone votes, one with a dissent; the researcher closes the ballot and
everyone reads the results. The researcher then builds a draft report, participants
comment on it in review, the researcher publishes it, and a commissioner downloads the
PDF, whose text the test reads, answers every adopted recommendation and publishes the
response: a new version of the report carries it, participants are told, and the
commissioner posts progress and starts a 100-day challenge that every member can follow.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from inquiry.extensions import db
from inquiry.models import InquiryStatus, Membership, Role

from .conftest import LiveServer, new_page
from .test_journey import PASSWORD, sign_in, visit

PEOPLE = [
    ("cora@example.org", "Cora Whitfield", Role.COMMISSIONER, "", ""),
    ("priya@example.org", "Priya Shah", Role.PARTICIPANT, "nurse", "nhs"),
    ("tom@example.org", "Tom Clarke", Role.PARTICIPANT, "care_worker", "independent_care"),
    ("aisha@example.org", "Aisha Khan", Role.PARTICIPANT, "social_worker", "local_authority"),
]


def seed(server: LiveServer) -> str:
    """An inverted inquiry in session with three participants; returns its address."""
    from inquiry.accounts.services import create_user
    from inquiry.inquiries.services import create_inquiry
    from inquiry.models import InquiryMode, Theme

    with server.app.app_context():
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
        inquiry.status = InquiryStatus.IN_SESSION
        db.session.add(Theme(inquiry_id=inquiry.id, name="Continuity of care"))
        for email, name, role, professional_role, sector in PEOPLE:
            user = create_user(db.session, email=email, name=name, password=PASSWORD)
            db.session.add(
                Membership(
                    inquiry_id=inquiry.id,
                    user_id=user.id,
                    role=role,
                    professional_role=professional_role,
                    sector=sector,
                )
            )
        db.session.commit()
        return f"{server.url}/inquiries/{inquiry.id}"


def write_recommendation(page: Page, base: str, title: str, body: str) -> None:
    page.goto(base + "/recommendations")
    visit(page)
    page.get_by_role("button", name="Write a recommendation").click()
    visit(page, "recommendation-write")
    page.get_by_label("Short title").fill(title)
    page.get_by_label("The recommendation").fill(body)
    page.get_by_label("What it would mean for the individual").fill(
        "I know who to ring when something changes, and they already know me."
    )
    page.get_by_label("What it would mean for the system").fill(
        "Home care, district nursing and social work agree who holds each person's plan."
    )
    page.get_by_label("Who should act").fill("The council and the home care providers")
    page.get_by_label("Continuity of care").check()
    page.get_by_role("button", name="Propose to the cohort").click()
    expect(page.locator("h1")).to_contain_text(title)


def vote(page: Page, base: str, answer: str, certainty: str, dissent: str = "") -> None:
    page.goto(base + "/ballot")
    for group in page.locator("input[type=radio][name$='_agreement']").all():
        name = group.get_attribute("name")
        page.locator(f"input[name='{name}'][value='{answer}']").check()
        item = name.removesuffix("_agreement")
        page.locator(f"input[name='{item}_certainty'][value='{certainty}']").check()
        if dissent:
            page.locator(f"textarea[name='{item}_dissent']").fill(dissent)
    page.get_by_role("button", name="Save your votes").click()
    expect(page.locator("#you-voted")).to_be_visible()


def tab_until(page: Page, predicate: str, what: str, limit: int = 400) -> None:
    """Press Tab until the focused element satisfies ``predicate`` (JavaScript taking the
    element): proof that it can be reached with the keyboard alone."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"{what} cannot be reached with the Tab key")


def choose_with_keyboard(page: Page, name: str, value: str) -> None:
    """Tab into a group of radios, then move to the answer with the arrow keys."""
    tab_until(page, f"el.name === {name!r}", f"the {name} radios")
    for _ in range(12):
        if page.evaluate("document.activeElement.value") == value:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.locator(f"input[name='{name}'][value='{value}']")).to_be_checked()


def press_button(page: Page, text: str) -> None:
    tab_until(
        page,
        f"el.tagName === 'BUTTON' && el.textContent.trim() === {text!r}",
        f"the {text} button",
    )
    page.keyboard.press("Enter")


def vote_with_keyboard(page: Page, base: str, answer: str, certainty: str) -> None:
    """The whole ballot with the keyboard alone."""
    page.goto(base + "/ballot")
    radios = page.locator(f"input[type=radio][name$='_agreement'][value='{answer}']")
    names = [radio.get_attribute("name") for radio in radios.all()]
    for name in names:
        choose_with_keyboard(page, name, answer)
        choose_with_keyboard(page, name.removesuffix("_agreement") + "_certainty", certainty)
    press_button(page, "Save your votes")
    expect(page.locator("#you-voted")).to_be_visible()


def test_participants_write_amend_and_vote_on_recommendations_in_secret(
    live_server: LiveServer, browser: Browser
):
    base = seed(live_server)

    priya = new_page(browser)
    sign_in(priya, live_server, "priya@example.org")
    write_recommendation(
        priya,
        base,
        "One named person to call",
        "Everyone who gets care at home has one named person they can call about it.",
    )
    visit(priya, "recommendation")

    tom = new_page(browser)
    sign_in(tom, live_server, "tom@example.org")
    tom.goto(base + "/recommendations")
    tom.get_by_role("link", name="One named person to call").click()
    tom.get_by_role("button", name="Support this recommendation").click()
    expect(tom.get_by_role("button", name=re.compile("Withdraw your support"))).to_be_visible()
    tom.get_by_role("link", name=re.compile("Propose an amendment")).click()
    visit(tom, "recommendation-amend")
    tom.get_by_label("The recommendation").fill(
        "Everyone who gets care at home has one named person they can call, day or night."
    )
    tom.get_by_label("Why you suggest this change").fill(
        "Families told us the hardest calls are in the evening."
    )
    tom.get_by_role("button", name="Propose this amendment").click()
    expect(tom.locator("h1")).to_have_text("Amendment to a recommendation")

    priya.reload()
    priya.get_by_role("link", name=re.compile("Amendment from")).click()
    visit(priya, "recommendation-amendment")
    priya.get_by_label("Accept: use this wording").check()
    priya.get_by_role("button", name="Save decision").click()
    expect(priya.get_by_text("day or night").first).to_be_visible()
    priya.get_by_role("link", name=re.compile("See every version")).click()
    visit(priya, "recommendation-history")

    aisha = new_page(browser)
    sign_in(aisha, live_server, "aisha@example.org")
    write_recommendation(
        aisha,
        base,
        "A single contact for each person",
        "Each person receiving care has a single contact who coordinates their visits.",
    )
    write_recommendation(
        tom,
        base,
        "Paid travel time for carers",
        "Home care workers are paid for the time they travel between visits.",
    )

    researcher = new_page(browser)
    sign_in(researcher, live_server, "rhiannon@example.org")
    researcher.goto(base + "/recommendations/prepare")
    visit(researcher, "recommendations-prepare")
    researcher.get_by_label("One named person to call").check()
    researcher.get_by_label("A single contact for each person").check()
    researcher.get_by_role("button", name="Merge selected recommendations").click()
    visit(researcher, "recommendations-merge")
    researcher.get_by_label("Priya Shah").check()
    researcher.get_by_role("button", name="Merge recommendations").click()
    expect(researcher.locator("h1")).to_contain_text("One named person to call")

    aisha.goto(base + "/recommendations")
    aisha.get_by_role("link", name="One named person to call").first.click()
    aisha.get_by_role("link", name="Say whether you accept the merged wording").click()
    visit(aisha, "recommendation-merge-answer")
    aisha.get_by_label("Yes, I accept the merged wording").check()
    aisha.get_by_role("button", name="Send your answer").click()

    researcher.goto(base + "/recommendations/prepare")
    for title in ("One named person to call", "Paid travel time for carers"):
        researcher.get_by_label(title).check()
    researcher.get_by_role("button", name="Send selected to the vote").click()
    visit(researcher)
    researcher.get_by_role("button", name="Send to the vote").click()

    with live_server.app.app_context():
        from inquiry.models import Inquiry

        inquiry = db.session.scalar(db.select(Inquiry))
        inquiry.status = InquiryStatus.VOTING
        db.session.commit()

    researcher.goto(base + "/ballot")
    visit(researcher)
    researcher.get_by_role("button", name="Open the ballot").click()
    visit(researcher)
    researcher.get_by_role("button", name="Open the ballot").click()
    expect(researcher.locator("#ballot-state")).to_contain_text("Open")

    priya.goto(base + "/ballot")
    visit(priya, "ballot-vote")
    vote_with_keyboard(priya, base, "strongly_agree", "high")
    vote(
        tom,
        base,
        "agree",
        "medium",
        dissent="Without paid travel time the named person will keep changing.",
    )
    vote(aisha, base, "agree", "high")
    # Changing one's mind until the ballot closes.
    vote(aisha, base, "disagree", "low")
    visit(aisha)

    researcher.goto(base + "/ballot")
    expect(researcher.locator("#turnout")).to_contain_text("3 of 3")
    visit(researcher, "ballot-turnout")
    researcher.get_by_role("button", name="Close the ballot").click()
    visit(researcher)
    researcher.get_by_role("button", name="Close the ballot and count the votes").click()

    researcher.goto(base + "/results")
    visit(researcher, "results")
    expect(researcher.locator("#summary")).to_contain_text("One named person to call")
    priya.goto(base + "/results")
    visit(priya)
    priya.locator("#summary").get_by_role("link", name=re.compile("One named person")).click()
    visit(priya, "results-recommendation")
    expect(priya.get_by_text("Without paid travel time").first).to_be_visible()

    report_journey(browser, live_server, base, researcher, priya)


def wait_for_build(page: Page, base: str) -> None:
    """The report page offers the files once the background build is ready."""
    page.goto(base + "/report")
    for _ in range(90):
        if page.locator("#build-list tbody tr").first.get_by_text("Ready", exact=True).count():
            return
        page.wait_for_timeout(1000)
        page.goto(base + "/report")
    raise AssertionError("the report build did not finish")


def report_journey(browser: Browser, server: LiveServer, base: str, researcher, priya) -> None:
    researcher.goto(base + "/report")
    visit(researcher, "report-researcher")
    researcher.get_by_role("link", name="Edit the narrative").click()
    visit(researcher)
    researcher.get_by_label("Foreword").fill(
        "We thank everyone who told us about life with care at home."
    )
    researcher.get_by_role("button", name="Save the narrative").click()

    researcher.goto(base + "/report")
    researcher.get_by_role("button", name="Build a draft").click()
    wait_for_build(researcher, base)
    visit(researcher, "report-draft-ready")

    researcher.goto(base + "/report/review")
    researcher.get_by_role("button", name="Open the review").click()
    priya.goto(base + "/report/review")
    visit(priya, "report-review")
    priya.get_by_label("The recommendations", exact=True).check()
    priya.get_by_label("Your comment").fill(
        "Please say that the named person should be reachable in the evening."
    )
    priya.get_by_role("button", name="Send comment").click()
    expect(priya.get_by_text("reachable in the evening").first).to_be_visible()
    researcher.goto(base + "/report/review")
    expect(researcher.get_by_text("reachable in the evening").first).to_be_visible()
    researcher.get_by_role("button", name="Close the review").click()

    researcher.goto(base + "/report/publish")
    visit(researcher, "report-publish")
    researcher.get_by_role("button", name=re.compile("Publish version 1")).click()
    wait_for_build(researcher, base)

    commissioner = new_page(browser)
    sign_in(commissioner, server, "cora@example.org")
    commissioner.goto(base + "/report")
    visit(commissioner, "report-commissioner")
    with commissioner.expect_download() as download:
        commissioner.get_by_role("link", name=re.compile("Download version 1 as a PDF")).click()
    path = download.value.path()
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    compact = " ".join(text.split())
    assert "What would it take to help people to have a good life at home" in compact
    assert "One named person to call" in compact
    assert "Paid travel time for carers" in compact
    assert "DRAFT" not in text
    assert "We thank everyone who told us about life with care at home." in compact
    response_journey(browser, server, base, researcher, commissioner, priya)


def fill_date(page: Page, field: str, day: date) -> None:
    page.locator(f"#{field}-day").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def pdf_text(path) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(path).pages).split())


def response_journey(
    browser: Browser, server: LiveServer, base: str, researcher, commissioner, priya
) -> None:
    commissioner.goto(base + "/response")
    visit(commissioner, "response-commissioner")
    answer_links = commissioner.locator("#recommendations a")
    count = answer_links.count()
    assert count >= 1
    for index in range(count):
        commissioner.goto(base + "/response")
        commissioner.locator("#recommendations a").nth(index).click()
        if index == 0:
            # A reason is required: the error is next to the field and the choice is kept.
            commissioner.get_by_label("Accepted", exact=True).check()
            commissioner.get_by_role("button", name="Save as a draft").click()
            expect(commissioner.locator(".govuk-error-summary")).to_be_focused()
            expect(commissioner.get_by_label("Accepted", exact=True)).to_be_checked()
            visit(commissioner, "response-answer-error")
        reasons = (
            "We will give every person who starts care at home one named worker, starting "
            "in Eastfield in the spring."
        )
        target = date(date.today().year + 1, 6, 30)
        if index == count - 1:
            # The last answer with the keyboard alone.
            choose_with_keyboard(commissioner, "decision", "accepted")
            for field, value in [
                ("reasons", reasons),
                ("lead", "Head of home care"),
                ("target_on-day", str(target.day)),
                ("target_on-month", str(target.month)),
                ("target_on-year", str(target.year)),
            ]:
                tab_until(commissioner, f"el.id === {field!r}", field)
                commissioner.keyboard.press("Control+A")
                commissioner.keyboard.type(value)
            press_button(commissioner, "Save as a draft")
        else:
            commissioner.get_by_label("Accepted", exact=True).check()
            commissioner.get_by_label("Reasons for your decision").fill(reasons)
            commissioner.get_by_label("Who will lead the work").fill("Head of home care")
            fill_date(commissioner, "target_on", target)
            commissioner.get_by_role("button", name="Save as a draft").click()
        expect(commissioner.locator(".govuk-notification-banner")).to_contain_text("saved")

    commissioner.get_by_role("button", name="Check and publish your response").click()
    visit(commissioner, "response-publish")
    commissioner.get_by_role("button", name="Publish the response").click()
    expect(commissioner.locator("#after-publishing")).to_be_visible()
    visit(commissioner, "response-published")

    # The new version of the report, with the response in it, for every member.
    wait_for_build(researcher, base)
    commissioner.goto(base + "/report")
    expect(commissioner.get_by_text("with the commissioner", exact=False).first).to_be_visible()
    with commissioner.expect_download() as download:
        commissioner.get_by_role("link", name=re.compile("Download version 2 as a PDF")).click()
    text = pdf_text(download.value.path())
    assert "starting in Eastfield in the spring" in text
    assert "Head of home care" in text

    # Participants are told, and read the response on the progress page.
    priya.goto(server.url + "/notifications")
    expect(priya.get_by_text("response", exact=False).first).to_be_visible()
    priya.goto(base + "/progress")
    expect(priya.get_by_text("starting in Eastfield in the spring").first).to_be_visible()
    visit(priya, "progress-participant")

    # You said, we did: the commissioner posts progress.
    commissioner.goto(base + "/progress")
    commissioner.get_by_role("link", name=re.compile("Post an update")).first.click()
    visit(commissioner, "progress-update")
    commissioner.get_by_label("In progress").check()
    commissioner.get_by_label("Progress", exact=True).fill("25")
    commissioner.get_by_label("What has happened").fill(
        "Named workers are in place for the first forty people in Eastfield."
    )
    fill_date(commissioner, "happened_on", date.today())
    commissioner.get_by_role("button", name="Post the update").click()
    expect(commissioner.get_by_text("first forty people in Eastfield").first).to_be_visible()

    # A 100-day challenge to test the recommendation quickly.
    commissioner.get_by_role("link", name=re.compile("Start a 100-day challenge")).first.click()
    visit(commissioner, "challenge-new")
    commissioner.get_by_label("Goal").fill(
        "Every person who starts care at home in Eastfield knows their named worker within "
        "two days."
    )
    commissioner.get_by_label("Sponsor").fill("Director of Adult Social Care")
    commissioner.get_by_label("Team").fill("Eastfield home care team and two district nurses")
    fill_date(commissioner, "starts_on", date.today())
    commissioner.get_by_role("button", name="Start the challenge").click()
    visit(commissioner, "challenge")
    commissioner.get_by_role("link", name="Check readiness against the eight conditions").click()
    visit(commissioner, "challenge-readiness")
    for radio in commissioner.locator("input[type=radio][value=in_place]").all():
        radio.check()
    commissioner.get_by_role("button", name="Save the readiness check").click()
    commissioner.get_by_role("button", name="Launch the challenge").click()
    expect(commissioner.locator(".govuk-tag", has_text="Live").first).to_be_visible()

    priya.goto(base + "/progress")
    expect(priya.get_by_text("knows their named worker within two days").first).to_be_visible()
