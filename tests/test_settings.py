"""Creating an inquiry with its type, its settings pages, the date field and researchers."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import add_member, error_messages, make_inquiry, make_user, sign_in_as
from flask import render_template
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from inquiry.extensions import db
from inquiry.forms.base import BaseForm
from inquiry.forms.dates import GovDateField
from inquiry.inquiries import services
from inquiry.models import (
    AgreementScale,
    AuditEvent,
    Inquiry,
    InquiryMode,
    InquiryStatus,
    Membership,
    MembershipStatus,
    Role,
    WithdrawalPolicy,
    utcnow,
)

QUESTION = "How can neighbours help older people stay connected through the winter?"


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def field_error(page, group_id: str) -> str | None:
    """The error message in the form group holding the element with ``group_id``."""
    control = page.find(id=group_id)
    assert control is not None, f"no element with id {group_id!r}"
    group = control.find_parent(class_="govuk-form-group--error") or control.find_parent(
        class_="govuk-form-group"
    )
    message = group.select_one(".govuk-error-message")
    return text_of(message).removeprefix("Error: ") if message else None


def summary_hrefs(page) -> list[str]:
    return [a["href"] for a in page.select(".govuk-error-summary a")]


@pytest.fixture
def researcher(app):
    return make_user("morgan.hale@example.org", name="Morgan Hale", researcher=True)


@pytest.fixture
def inquiry(researcher):
    return make_inquiry(researcher)


def valid_settings(**changes) -> dict[str, str]:
    """A complete, valid settings form as a browser sends it."""
    data = {
        "title": "Living well at home",
        "question": "What would it take to help people to have a good life at home "
        "for as long as they choose?",
        "scope": "Care at home in Greater Manchester.\r\nNot residential care.",
        "mode": "inverted",
        "commissioner_organisation": "Northshire Health and Care Partnership",
        "starts_on-day": "1",
        "starts_on-month": "10",
        "starts_on-year": "2026",
        "ends_on-day": "12",
        "ends_on-month": "11",
        "ends_on-year": "2026",
        "withdrawal_deadline-day": "31",
        "withdrawal_deadline-month": "12",
        "withdrawal_deadline-year": "2026",
        "retention_date-day": "30",
        "retention_date-month": "11",
        "retention_date-year": "2027",
        "response_due_on-day": "26",
        "response_due_on-month": "2",
        "response_due_on-year": "2027",
        "withdrawal_policy": "remove",
        "agreement_scale": "three_point",
        "pass_threshold": "three_quarters",
        "pass_percent": "",
        "quorum_percent": "60",
        "safeguarding_contact": "Dana Wells, 0161 496 0000, weekdays 9am to 5pm",
    }
    data.update(changes)
    return data


# Creating an inquiry with its type ------------------------------------------------------


def test_new_inquiry_form_explains_both_types_and_chooses_neither(client_request, researcher):
    page = client_request.login(researcher).get("/inquiries/new")
    radios = page.select('input[name="mode"]')
    assert [r["value"] for r in radios] == ["standard", "inverted"]
    assert not any(r.has_attr("checked") for r in radios)
    hints = [text_of(h) for h in page.select(".govuk-radios__hint")]
    assert "Members of the public deliberate" in hints[0]
    assert "experts" in hints[0]
    assert "Professionals deliberate" in hints[1]
    assert "lived experience of care" in hints[1]
    assert "as people as well as in their role" in hints[1]


def test_the_type_of_inquiry_must_be_chosen(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new", {"title": "Winter connections", "question": QUESTION}
    )
    assert error_messages(page) == ["Select whether this is a standard or an inverted inquiry"]
    assert summary_hrefs(page) == ["#mode"]
    assert page.find("input", attrs={"name": "title"})["value"] == "Winter connections"
    assert db.session.scalars(select(Inquiry)).all() == []


def test_an_unknown_type_is_refused(client_request, researcher):
    page = client_request.login(researcher).post(
        "/inquiries/new", {"title": "Winter", "question": QUESTION, "mode": "sideways"}
    )
    assert error_messages(page) == ["Select whether this is a standard or an inverted inquiry"]
    assert db.session.scalars(select(Inquiry)).all() == []


@pytest.mark.parametrize("mode", [InquiryMode.STANDARD, InquiryMode.INVERTED])
def test_the_chosen_type_is_stored(client_request, researcher, mode):
    client_request.login(researcher).post_redirect(
        "/inquiries/new", {"title": "Winter", "question": QUESTION, "mode": mode.value}
    )
    (inquiry,) = db.session.scalars(select(Inquiry)).all()
    assert inquiry.mode == mode
    (created,) = events("inquiry.created")
    assert created.details == {"mode": mode.value}


# The settings form --------------------------------------------------------------------------


def test_settings_form_starts_from_the_stored_settings(client_request, inquiry, researcher):
    inquiry.pass_threshold_numerator, inquiry.pass_threshold_denominator = 70, 100
    inquiry.starts_on = date(2026, 3, 7)
    db.session.commit()
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/settings")
    assert text_of(page.h1) == "Change the inquiry's settings"
    assert page.find("input", attrs={"name": "title"})["value"] == inquiry.title
    assert text_of(page.find("textarea", attrs={"name": "question"})) == inquiry.question
    assert page.find("input", attrs={"name": "mode", "value": "standard"}).has_attr("checked")
    assert page.find("input", attrs={"name": "pass_threshold", "value": "custom"}).has_attr(
        "checked"
    )
    assert page.find("input", attrs={"name": "pass_percent"})["value"] == "70"
    assert page.find("input", attrs={"name": "quorum_percent"})["value"] == "50"
    assert [page.find(id=f"starts_on-{part}")["value"] for part in ("day", "month", "year")] == [
        "7",
        "3",
        "2026",
    ]
    assert page.find(id="ends_on-day")["value"] == ""
    # A draft's question may change freely.
    assert page.select(".govuk-warning-text") == []


def test_saving_every_setting(client_request, inquiry, researcher):
    client_request.login(researcher)
    location = client_request.post_redirect(f"/inquiries/{inquiry.id}/settings", valid_settings())
    assert location == f"/inquiries/{inquiry.id}/settings/summary"
    db.session.refresh(inquiry)
    assert inquiry.scope == "Care at home in Greater Manchester.\nNot residential care."
    assert inquiry.mode == InquiryMode.INVERTED
    assert inquiry.commissioner_organisation == "Northshire Health and Care Partnership"
    assert (inquiry.starts_on, inquiry.ends_on) == (date(2026, 10, 1), date(2026, 11, 12))
    assert inquiry.withdrawal_deadline == date(2026, 12, 31)
    assert inquiry.retention_date == date(2027, 11, 30)
    assert inquiry.response_due_on == date(2027, 2, 26)
    assert inquiry.withdrawal_policy == WithdrawalPolicy.REMOVE
    assert inquiry.agreement_scale == AgreementScale.THREE_POINT
    assert (inquiry.pass_threshold_numerator, inquiry.pass_threshold_denominator) == (3, 4)
    assert inquiry.quorum_percent == 60
    assert inquiry.safeguarding_contact.startswith("Dana Wells")

    (event,) = events("inquiry.settings_changed")
    assert (event.actor_id, event.inquiry_id) == (researcher.id, inquiry.id)
    # The names of the settings, never their values.
    assert event.details == {
        "fields": [
            "scope",
            "mode",
            "commissioner_organisation",
            "starts_on",
            "ends_on",
            "withdrawal_deadline",
            "retention_date",
            "agreement_scale",
            "pass_threshold",
            "quorum_percent",
            "safeguarding_contact",
            "withdrawal_policy",
            "response_due_on",
        ]
    }
    assert "Dana" not in str(event.details)
    assert events("inquiry.question_changed") == []

    page = client_request.get(location)
    assert "Settings saved" in text_of(page.select_one(".govuk-notification-banner"))


def test_saving_without_changes_records_nothing(client_request, inquiry, researcher):
    client_request.login(researcher)
    client_request.post_redirect(f"/inquiries/{inquiry.id}/settings", valid_settings())
    client_request.get(f"/inquiries/{inquiry.id}/settings/summary")  # read the first banner
    client_request.post_redirect(f"/inquiries/{inquiry.id}/settings", valid_settings())
    assert len(events("inquiry.settings_changed")) == 1
    page = client_request.get(f"/inquiries/{inquiry.id}/settings/summary")
    assert "Nothing was changed" in text_of(page.select_one(".govuk-notification-banner"))


def test_a_draft_question_can_change_without_a_special_record(client_request, inquiry, researcher):
    client_request.login(researcher).post_redirect(
        f"/inquiries/{inquiry.id}/settings", valid_settings(question=QUESTION)
    )
    db.session.refresh(inquiry)
    assert inquiry.question == QUESTION
    assert events("inquiry.question_changed") == []
    assert "question" in events("inquiry.settings_changed")[0].details["fields"]


def test_changing_the_question_after_the_draft_is_warned_about_and_recorded(
    client_request, inquiry, researcher
):
    inquiry.status = InquiryStatus.IN_SESSION
    db.session.commit()
    client_request.login(researcher)
    page = client_request.get(f"/inquiries/{inquiry.id}/settings")
    warning = text_of(page.select_one(".govuk-warning-text"))
    assert "in session stage" in warning
    assert "fixes its question at the start" in warning

    client_request.post_redirect(
        f"/inquiries/{inquiry.id}/settings", valid_settings(question=QUESTION)
    )
    db.session.refresh(inquiry)
    assert inquiry.question == QUESTION
    (event,) = events("inquiry.question_changed")
    assert (event.actor_id, event.inquiry_id) == (researcher.id, inquiry.id)
    assert event.details == {"stage": "in_session"}
    assert "neighbours" not in str(event.details)
    (settings_event,) = events("inquiry.settings_changed")
    assert settings_event.details["fields"][0] == "question"


def test_other_changes_after_the_draft_do_not_count_as_a_question_change(
    client_request, inquiry, researcher
):
    inquiry.status = InquiryStatus.RECRUITING
    db.session.commit()
    client_request.login(researcher).post_redirect(
        f"/inquiries/{inquiry.id}/settings", valid_settings(question=inquiry.question)
    )
    assert events("inquiry.question_changed") == []


@pytest.mark.parametrize(
    ("choice", "percent", "stored"),
    [
        ("three_fifths", "", (3, 5)),
        ("two_thirds", "", (2, 3)),
        ("three_quarters", "", (3, 4)),
        ("custom", "70", (70, 100)),
        ("custom", " 55% ", (55, 100)),
        ("custom", "100", (100, 100)),
        # A percentage typed before choosing a named threshold is ignored.
        ("two_thirds", "abc", (2, 3)),
    ],
)
def test_pass_thresholds(client_request, inquiry, researcher, choice, percent, stored):
    client_request.login(researcher).post_redirect(
        f"/inquiries/{inquiry.id}/settings",
        valid_settings(pass_threshold=choice, pass_percent=percent),
    )
    db.session.refresh(inquiry)
    assert (inquiry.pass_threshold_numerator, inquiry.pass_threshold_denominator) == stored


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the inquiry"),
        ({"title": "T" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"question": "  "}, "question", "Enter the question the inquiry will answer"),
        ({"question": "Q" * 501}, "question", "The question must be 500 characters or fewer"),
        ({"scope": "S" * 5001}, "scope", "Scope and background must be 5000 characters or fewer"),
        ({"mode": ""}, "mode", "Select whether this is a standard or an inverted inquiry"),
        (
            {"commissioner_organisation": "C" * 201},
            "commissioner_organisation",
            "Commissioning organisation must be 200 characters or fewer",
        ),
        ({"agreement_scale": "ten_point"}, "agreement_scale", "Select the agreement scale"),
        (
            {"pass_threshold": ""},
            "pass_threshold",
            "Select how much support a recommendation needs",
        ),
        (
            {"pass_threshold": "custom", "pass_percent": ""},
            "pass_percent",
            "Enter the percentage of votes needed",
        ),
        (
            {"pass_threshold": "custom", "pass_percent": "two thirds"},
            "pass_percent",
            "Percentage of votes needed must be a whole number, like 70",
        ),
        (
            {"pass_threshold": "custom", "pass_percent": "66.7"},
            "pass_percent",
            "Percentage of votes needed must be a whole number, like 70",
        ),
        (
            {"pass_threshold": "custom", "pass_percent": "0"},
            "pass_percent",
            "Percentage of votes needed must be between 1 and 100",
        ),
        (
            {"pass_threshold": "custom", "pass_percent": "101"},
            "pass_percent",
            "Percentage of votes needed must be between 1 and 100",
        ),
        ({"quorum_percent": ""}, "quorum_percent", "Enter the quorum"),
        ({"quorum_percent": "-5"}, "quorum_percent", "Quorum must be a whole number, like 50"),
        ({"quorum_percent": "0"}, "quorum_percent", "Quorum must be between 1 and 100"),
        ({"quorum_percent": "99999"}, "quorum_percent", "Quorum must be between 1 and 100"),
        (
            {"withdrawal_policy": ""},
            "withdrawal_policy",
            "Select what happens to a member's contributions",
        ),
        (
            {"safeguarding_contact": "x" * 1001},
            "safeguarding_contact",
            "Safeguarding and support contact must be 1000 characters or fewer",
        ),
    ],
)
def test_bad_settings_are_shown_next_to_the_field_and_nothing_is_saved(
    client_request, inquiry, researcher, changes, field, message
):
    before = (inquiry.title, inquiry.question, inquiry.quorum_percent, inquiry.mode)
    page = client_request.login(researcher).post(
        f"/inquiries/{inquiry.id}/settings", valid_settings(**changes)
    )
    assert page.title.get_text().strip().startswith("Error: ")
    assert error_messages(page) == [message]
    assert summary_hrefs(page) == [f"#{field}"]
    assert field_error(page, field) == message
    db.session.refresh(inquiry)
    assert (inquiry.title, inquiry.question, inquiry.quorum_percent, inquiry.mode) == before
    assert inquiry.scope == ""
    assert events("inquiry.settings_changed") == []


def test_what_was_typed_is_kept_when_the_form_is_shown_again(client_request, inquiry, researcher):
    page = client_request.login(researcher).post(
        f"/inquiries/{inquiry.id}/settings",
        valid_settings(
            title="",
            **{"starts_on-day": "31", "starts_on-month": "2", "starts_on-year": "2026"},
            pass_threshold="custom",
            pass_percent="abc",
            quorum_percent="lots",
            commissioner_organisation="Eastvale Council",
        ),
    )
    assert page.find("input", attrs={"name": "commissioner_organisation"})["value"] == (
        "Eastvale Council"
    )
    assert [page.find(id=f"starts_on-{part}")["value"] for part in ("day", "month", "year")] == [
        "31",
        "2",
        "2026",
    ]
    assert page.find("input", attrs={"name": "pass_percent"})["value"] == "abc"
    assert page.find("input", attrs={"name": "quorum_percent"})["value"] == "lots"
    assert page.find("input", attrs={"name": "mode", "value": "inverted"}).has_attr("checked")


# Dates -----------------------------------------------------------------------------------------


def dates(prefix: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{prefix}-day": day, f"{prefix}-month": month, f"{prefix}-year": year}


@pytest.mark.parametrize(
    ("typed", "message", "href", "highlighted"),
    [
        (("31", "2", "2026"), "Start date must be a real date", "#starts_on-day", ["day"]),
        (("29", "2", "2027"), "Start date must be a real date", "#starts_on-day", ["day"]),
        (("1", "13", "2026"), "Start date must be a real date", "#starts_on-month", ["month"]),
        (
            ("x", "y", "2026"),
            "Start date must be a real date",
            "#starts_on-day",
            ["day", "month"],
        ),
        (("1", "", "2026"), "Start date must include a month", "#starts_on-month", ["month"]),
        (
            ("", "", "2026"),
            "Start date must include a day and month",
            "#starts_on-day",
            ["day", "month"],
        ),
        (("1", "3", ""), "Start date must include a year", "#starts_on-year", ["year"]),
        (("1", "3", "26"), "Year must include 4 numbers", "#starts_on-year", ["year"]),
        (
            ("1", "3", "1999"),
            "Start date must be between 2000 and 2100",
            "#starts_on-year",
            ["year"],
        ),
    ],
)
def test_date_errors_follow_the_design_system(
    client_request, inquiry, researcher, typed, message, href, highlighted
):
    page = client_request.login(researcher).post(
        f"/inquiries/{inquiry.id}/settings", valid_settings(**dates("starts_on", *typed))
    )
    assert error_messages(page) == [message]
    assert summary_hrefs(page) == [href]
    assert field_error(page, "starts_on") == message
    wrong = [
        part
        for part in ("day", "month", "year")
        if "govuk-input--error" in page.find(id=f"starts_on-{part}")["class"]
    ]
    assert wrong == highlighted
    assert [page.find(id=f"starts_on-{part}")["value"] for part in ("day", "month", "year")] == [
        *typed
    ]


def test_dates_are_optional_and_can_be_cleared(client_request, inquiry, researcher):
    client_request.login(researcher)
    client_request.post_redirect(f"/inquiries/{inquiry.id}/settings", valid_settings())
    cleared = valid_settings(
        **dates("starts_on", "", "", ""),
        **dates("ends_on", "", "", ""),
        **dates("withdrawal_deadline", "", "", ""),
        **dates("retention_date", "", "", ""),
    )
    client_request.post_redirect(f"/inquiries/{inquiry.id}/settings", cleared)
    db.session.refresh(inquiry)
    assert (inquiry.starts_on, inquiry.ends_on) == (None, None)
    assert (inquiry.withdrawal_deadline, inquiry.retention_date) == (None, None)


def test_month_names_are_understood(client_request, inquiry, researcher):
    client_request.login(researcher).post_redirect(
        f"/inquiries/{inquiry.id}/settings",
        valid_settings(**dates("starts_on", "01", "Oct", "2026")),
    )
    db.session.refresh(inquiry)
    assert inquiry.starts_on == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            dates("ends_on", "30", "9", "2026"),
            "ends_on",
            "End date must be the same as or after the start date",
        ),
        (
            dates("retention_date", "12", "11", "2026"),
            "retention_date",
            "Data retention date must be after the end date",
        ),
        (
            {**dates("ends_on", "", "", ""), **dates("retention_date", "1", "10", "2026")},
            "retention_date",
            "Data retention date must be after the start date",
        ),
        (
            dates("withdrawal_deadline", "1", "12", "2027"),
            "withdrawal_deadline",
            "Deadline for withdrawing testimony must be the same as or before the data "
            "retention date",
        ),
        (
            dates("response_due_on", "11", "11", "2026"),
            "response_due_on",
            "Response due date must be the same as or after the end date",
        ),
    ],
)
def test_dates_must_be_in_a_sensible_order(
    client_request, inquiry, researcher, changes, field, message
):
    page = client_request.login(researcher).post(
        f"/inquiries/{inquiry.id}/settings", valid_settings(**changes)
    )
    assert error_messages(page) == [message]
    assert summary_hrefs(page) == [f"#{field}-day"]
    db.session.refresh(inquiry)
    assert inquiry.starts_on is None


def test_dates_on_the_edges_are_allowed(client_request, inquiry, researcher):
    client_request.login(researcher).post_redirect(
        f"/inquiries/{inquiry.id}/settings",
        valid_settings(
            **dates("ends_on", "1", "10", "2026"),
            **dates("retention_date", "2", "10", "2026"),
            **dates("withdrawal_deadline", "2", "10", "2026"),
        ),
    )
    db.session.refresh(inquiry)
    assert inquiry.starts_on == inquiry.ends_on == date(2026, 10, 1)
    assert inquiry.retention_date == inquiry.withdrawal_deadline == date(2026, 10, 2)


class DateForm(BaseForm):
    class Meta:
        csrf = False

    when = GovDateField("Date of the session", required_message="Enter the date of the session")


def date_form(app, **parts) -> DateForm:
    with app.test_request_context():
        form = DateForm(formdata=MultiDict({f"when-{k}": v for k, v in parts.items()}))
        form.validate()
        return form


def test_date_field_reads_three_boxes(app):
    form = date_form(app, day=" 5 ", month="6", year="2026")
    assert form.when.data == date(2026, 6, 5)
    assert form.errors == {}
    assert form.when.parts == {"day": "5", "month": "6", "year": "2026"}


def test_date_field_leap_day(app):
    assert date_form(app, day="29", month="2", year="2028").when.data == date(2028, 2, 29)


def test_a_required_date_field_says_what_to_enter(app):
    form = date_form(app)
    assert form.when.data is None
    assert form.when.errors == ["Enter the date of the session"]
    assert form.when.id == "when-day"


def test_date_field_renders_the_date_input(app):
    with app.test_request_context():
        form = DateForm(formdata=MultiDict({"when-day": "3", "when-month": "", "when-year": "x"}))
        form.validate()
        html = str(form.when())
    assert 'class="govuk-date-input" id="when"' in html
    assert 'name="when-day" type="text" value="3"' in html
    assert 'name="when-year" type="text" value="x"' in html
    assert "Date of the session must include a month" in html
    assert "For example, 27 3 2026" in html


def test_date_field_shows_a_stored_date(app):
    with app.test_request_context():
        form = DateForm(formdata=None, data={"when": date(2026, 1, 9)})
        html = str(form.when())
    assert 'value="9"' in html
    assert 'value="1"' in html
    assert 'value="2026"' in html


# The summary and the overview partial ----------------------------------------------------------


def test_settings_summary_shows_every_setting_with_a_change_link(
    client_request, inquiry, researcher
):
    client_request.login(researcher)
    client_request.post_redirect(f"/inquiries/{inquiry.id}/settings", valid_settings())
    page = client_request.get(f"/inquiries/{inquiry.id}/settings/summary")
    assert text_of(page.h1) == "Inquiry settings"
    rows = {
        text_of(row.select_one(".govuk-summary-list__key")): text_of(
            row.select_one(".govuk-summary-list__value")
        )
        for row in page.select(".govuk-summary-list__row")
    }
    assert rows["Type of inquiry"] == "Inverted inquiry"
    assert rows["Commissioning organisation"] == "Northshire Health and Care Partnership"
    assert rows["Start date"] == "1 October 2026"
    assert rows["Data retention date"] == "30 November 2027"
    assert rows["When a member leaves"] == "What they contributed is removed from the inquiry"
    assert rows["To pass"] == (
        "A recommendation passes when at least three quarters of the votes that are not "
        "abstentions are agree."
    )
    assert (
        rows["Quorum"] == "A ballot counts only if at least 60% of eligible participants vote, "
        "with at least 3 voters in all."
    )
    # Line breaks in the scope are kept, and the text is escaped.
    scope = page.find("dt", string=lambda s: s and "Scope" in s).find_next_sibling("dd")
    assert scope.find("br") is not None
    changes = page.select(".govuk-summary-list__actions a")
    assert len(changes) == len(rows)
    assert all(a["href"].startswith(f"/inquiries/{inquiry.id}/settings#") for a in changes)
    assert "Change start date" in [text_of(a) for a in changes]


def test_the_summary_escapes_what_researchers_wrote(client_request, inquiry, researcher):
    client_request.login(researcher).post_redirect(
        f"/inquiries/{inquiry.id}/settings",
        valid_settings(scope="<script>alert(1)</script>\nSecond line"),
    )
    response = client_request.client.get(f"/inquiries/{inquiry.id}/settings/summary")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in html


def test_the_overview_partial_describes_the_inquiry_for_every_member(app, inquiry):
    inquiry.mode = InquiryMode.INVERTED
    inquiry.commissioner_organisation = "Eastvale Council"
    inquiry.starts_on, inquiry.ends_on = date(2026, 6, 3), date(2026, 7, 15)
    db.session.commit()
    with app.test_request_context():
        html = render_template("settings/_overview_summary.html", inquiry=inquiry)
    from bs4 import BeautifulSoup

    rows = {
        text_of(row.dt): text_of(row.dd)
        for row in BeautifulSoup(html, "html.parser").select(".govuk-summary-list__row")
    }
    assert rows == {
        "Question": inquiry.question,
        "Type of inquiry": "Inverted inquiry",
        "Commissioned by": "Eastvale Council",
        "Dates": "3 June 2026 to 15 July 2026",
        "Voting rule": "A recommendation passes when at least two thirds of the votes that are "
        "not abstentions are agree or strongly agree. A ballot counts only if at least 50% of "
        "eligible participants vote, with at least 3 voters in all.",
    }


def test_the_overview_partial_before_anything_is_set(app, inquiry):
    with app.test_request_context():
        html = render_template("settings/_overview_summary.html", inquiry=inquiry)
    assert "Not set yet" in html


@pytest.mark.parametrize(
    ("scale", "fraction", "rule"),
    [
        (
            AgreementScale.FIVE_POINT,
            (2, 3),
            "A recommendation passes when at least two thirds of the votes that are not "
            "abstentions are agree or strongly agree.",
        ),
        (
            AgreementScale.THREE_POINT,
            (3, 5),
            "A recommendation passes when at least three fifths of the votes that are not "
            "abstentions are agree.",
        ),
        (
            AgreementScale.FIVE_POINT,
            (70, 100),
            "A recommendation passes when at least 70% of the votes that are not "
            "abstentions are agree or strongly agree.",
        ),
        (
            AgreementScale.FIVE_POINT,
            (100, 100),
            "A recommendation passes when all of the votes that are not abstentions are "
            "agree or strongly agree.",
        ),
    ],
)
def test_the_voting_rule_in_words(scale, fraction, rule):
    inquiry = Inquiry(
        agreement_scale=scale,
        pass_threshold_numerator=fraction[0],
        pass_threshold_denominator=fraction[1],
        quorum_percent=100,
    )
    assert inquiry.voting_rule == rule
    assert (
        inquiry.quorum_rule == "A ballot counts only if every eligible participant votes, "
        "with at least 3 voters in all."
    )


# Who may change the settings -------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["participant", "witness", "commissioner", "observer"])
def test_only_researchers_change_settings(client, world, actor):
    sign_in_as(client, world.people[actor])
    response = client.post(
        f"/inquiries/{world.inquiry.id}/settings", data=valid_settings(title="Taken over")
    )
    assert response.status_code == 403
    db.session.refresh(world.inquiry)
    assert world.inquiry.title == "Living well at home"
    assert events("inquiry.settings_changed") == []


def test_update_settings_refuses_unknown_names(inquiry, researcher):
    with pytest.raises(ValueError, match="not inquiry settings"):
        services.update_settings(
            db.session, inquiry, actor=researcher, now=utcnow(), status="published"
        )


# Researchers -------------------------------------------------------------------------------------


def researcher_membership(inquiry, user) -> Membership:
    return db.session.scalar(
        select(Membership).where(Membership.inquiry_id == inquiry.id, Membership.user_id == user.id)
    )


@pytest.fixture
def colleague(inquiry):
    user = make_user("ade.okafor@example.org", name="Ade Okafor", researcher=True)
    add_member(inquiry, user, Role.RESEARCHER)
    return user


def test_researchers_page_lists_active_researchers(client_request, inquiry, researcher, colleague):
    former = make_user("former@example.org", name="Fran Former", researcher=True)
    membership = add_member(inquiry, former, Role.RESEARCHER)
    membership.status = MembershipStatus.WITHDRAWN
    participant = make_user("pat@example.org", name="Pat Participant")
    add_member(inquiry, participant, Role.PARTICIPANT)
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/researchers")
    names = [text_of(row.td) for row in page.select("tbody tr")]
    assert names == ["Ade Okafor", "Morgan Hale (you)"]
    invite = page.find("a", string=lambda s: s and "Invite a researcher" in s)
    assert invite["href"] == f"/inquiries/{inquiry.id}/invitations/new?role=researcher"
    removes = [a["href"] for a in page.select("tbody a")]
    assert removes == [
        f"/inquiries/{inquiry.id}/researchers/{researcher_membership(inquiry, u).id}/remove"
        for u in (colleague, researcher)
    ]


def test_the_only_researcher_is_told_how_to_hand_over(client_request, inquiry, researcher):
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/researchers")
    assert page.select("tbody a") == []
    assert "invite another researcher first" in text_of(page.select_one(".govuk-inset-text"))


def test_removing_another_researcher(client_request, inquiry, researcher, colleague):
    membership = researcher_membership(inquiry, colleague)
    url = f"/inquiries/{inquiry.id}/researchers/{membership.id}/remove"
    client_request.login(researcher)
    page = client_request.get(url)
    assert text_of(page.h1) == "Remove Ade Okafor as a researcher?"
    assert page.select_one("main form")["action"] == url
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.ACTIVE  # looking is not doing

    location = client_request.post_redirect(url)
    assert location == f"/inquiries/{inquiry.id}/researchers"
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.WITHDRAWN
    assert membership.withdrawn_at is not None
    (event,) = events("membership.removed")
    assert (event.actor_id, event.inquiry_id) == (researcher.id, inquiry.id)
    assert (event.object_type, event.object_id) == ("membership", membership.id)
    assert event.details == {"role": "researcher", "removed_themselves": False}
    page = client_request.get(location)
    assert "Ade Okafor is no longer a researcher" in text_of(
        page.select_one(".govuk-notification-banner")
    )

    # They can no longer reach the inquiry.
    client_request.login(colleague)
    client_request.get(f"/inquiries/{inquiry.id}", expected_status=404)


def test_a_researcher_can_remove_themselves_if_another_remains(
    client_request, inquiry, researcher, colleague
):
    membership = researcher_membership(inquiry, researcher)
    url = f"/inquiries/{inquiry.id}/researchers/{membership.id}/remove"
    client_request.login(researcher)
    page = client_request.get(url)
    assert text_of(page.h1) == "Remove yourself as a researcher?"
    assert client_request.post_redirect(url) == "/home"
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.WITHDRAWN
    (event,) = events("membership.removed")
    assert event.details["removed_themselves"] is True
    page = client_request.get("/home")
    assert "You are no longer a researcher of Living well at home" in text_of(
        page.select_one(".govuk-notification-banner")
    )
    client_request.get(f"/inquiries/{inquiry.id}/settings", expected_status=404)


def test_the_last_researcher_cannot_be_removed(client_request, inquiry, researcher):
    membership = researcher_membership(inquiry, researcher)
    url = f"/inquiries/{inquiry.id}/researchers/{membership.id}/remove"
    client_request.login(researcher)
    for page in (client_request.get(url), client_request.post(url)):
        assert "Morgan Hale is the only researcher" in text_of(page.select_one("#removal-problem"))
        assert page.select("main form") == []
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.ACTIVE
    assert events("membership.removed") == []


def test_the_service_refuses_to_remove_the_last_researcher(inquiry, researcher, colleague):
    first = researcher_membership(inquiry, colleague)
    services.remove_researcher(db.session, inquiry, first, actor=researcher, now=utcnow())
    last = researcher_membership(inquiry, researcher)
    with pytest.raises(services.MembershipError, match="only researcher"):
        services.remove_researcher(db.session, inquiry, last, actor=researcher, now=utcnow())
    with pytest.raises(services.MembershipError, match="already been removed"):
        services.remove_researcher(db.session, inquiry, first, actor=researcher, now=utcnow())
    assert [m.user_id for m in services.active_researchers(db.session, inquiry)] == [researcher.id]


def test_removing_a_removed_researcher_again_is_refused(
    client_request, inquiry, researcher, colleague
):
    membership = researcher_membership(inquiry, colleague)
    url = f"/inquiries/{inquiry.id}/researchers/{membership.id}/remove"
    client_request.login(researcher)
    client_request.post_redirect(url)
    page = client_request.post(url)
    assert "Ade Okafor has already been removed" in text_of(page.select_one("#removal-problem"))
    assert len(events("membership.removed")) == 1


def test_only_researchers_of_this_inquiry_can_be_removed_here(client, inquiry, researcher):
    participant = add_member(inquiry, make_user("pat@example.org"), Role.PARTICIPANT)
    other = make_inquiry(researcher, title="Another inquiry")
    elsewhere = researcher_membership(other, researcher)
    sign_in_as(client, researcher)
    # A participant is not a researcher; a membership of another inquiry is not in this one.
    for membership in (participant, elsewhere):
        url = f"/inquiries/{inquiry.id}/researchers/{membership.id}/remove"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert client.get(f"/inquiries/{inquiry.id}/researchers/99999/remove").status_code == 404
    db.session.refresh(elsewhere)
    assert elsewhere.status == MembershipStatus.ACTIVE
    assert events("membership.removed") == []


@pytest.mark.parametrize("actor", ["participant", "witness", "commissioner", "observer"])
def test_only_researchers_remove_researchers(client, world, actor):
    membership = researcher_membership(world.inquiry, world.people["researcher"])
    second = make_user("second.researcher@example.org", researcher=True)
    add_member(world.inquiry, second, Role.RESEARCHER)
    sign_in_as(client, world.people[actor])
    url = f"/inquiries/{world.inquiry.id}/researchers/{membership.id}/remove"
    assert client.post(url).status_code == 403
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.ACTIVE


def test_a_date_with_thousands_of_digits_is_a_message_not_an_error(client_request, world):
    client_request.login(world.people["researcher"])
    page = client_request.post(
        f"/inquiries/{world.inquiry.id}/settings",
        data={"starts_on-day": "1" * 5000, "starts_on-month": "6", "starts_on-year": "2026"},
    )
    assert any("real date" in message for message in error_messages(page))
