"""The session plan: recommended plans, adding, changing, moving and deleting sessions."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from conftest import add_member, error_messages, make_inquiry, make_user
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from inquiry import contributions
from inquiry.audit.service import ACTION_LABELS
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    Inquiry,
    InquiryMode,
    Reflection,
    Role,
    Round,
    RoundKind,
    RoundPrompt,
    RoundStatus,
    utcnow,
)
from inquiry.rounds import services
from inquiry.rounds.plans import INVERTED_PLAN, STANDARD_PLAN, recommended_plan


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def actions(inquiry: Inquiry) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.inquiry_id == inquiry.id)
            .order_by(AuditEvent.id)
        )
    )


def titles(inquiry: Inquiry) -> list[str]:
    return [r.title for r in services.plan_for(db.session, inquiry)]


def positions(inquiry: Inquiry) -> list[int]:
    return [r.position for r in services.plan_for(db.session, inquiry)]


def add_round(
    inquiry: Inquiry,
    title: str,
    *,
    kind: RoundKind = RoundKind.REFLECTION,
    held_on: date | None = None,
    prompts: tuple[str, ...] = (),
) -> Round:
    round_ = services.create_round(
        db.session,
        inquiry=inquiry,
        actor=researcher_of(inquiry),
        kind=kind,
        title=title,
        held_on=held_on,
        purpose="",
        prompts=list(prompts),
        now=utcnow(),
    )
    db.session.commit()
    return round_


def researcher_of(inquiry: Inquiry):
    return next(m.user for m in inquiry.memberships if m.role == Role.RESEARCHER)


def sessions_url(inquiry: Inquiry) -> str:
    return f"/inquiries/{inquiry.id}/sessions"


def valid_form(**changes) -> dict[str, str]:
    data = {
        "kind": "evidence_hearing",
        "title": "Evidence hearing: living with care at home",
        "held_on-day": "3",
        "held_on-month": "6",
        "held_on-year": "2026",
        "purpose": "Hear from people who receive care at home.",
        "prompts": "As a professional: what would your service find hardest to change?\n\n"
        "  As a person who may one day need care at home: what would matter most to you?  \n",
    }
    data.update(changes)
    return data


@pytest.fixture
def researcher(world):
    return world.people["researcher"]


@pytest.fixture
def inquiry(world):
    return world.inquiry


@pytest.fixture
def as_researcher(client_request, researcher):
    return client_request.login(researcher)


@pytest.fixture
def reflections_counter():
    """Pretend three reflections were written in every session."""
    counter = contributions.register(
        contributions.Counter(label="reflections", for_round=lambda session, round_: 3)
    )
    yield counter
    contributions.unregister(counter)


# Recommended plans ------------------------------------------------------------------


def test_inverted_plan_has_six_sessions_in_the_recommended_order():
    assert [p.kind for p in INVERTED_PLAN] == [
        RoundKind.INTRODUCTION,
        RoundKind.EVIDENCE_HEARING,
        RoundKind.EVIDENCE_HEARING,
        RoundKind.REFLECTION,
        RoundKind.DRAFTING,
        RoundKind.BALLOT,
    ]
    assert recommended_plan(InquiryMode.INVERTED) is INVERTED_PLAN
    assert recommended_plan("inverted") is INVERTED_PLAN


def test_inverted_prompts_ask_for_both_the_professional_and_the_personal_view():
    for planned in INVERTED_PLAN:
        prompts = " ".join(planned.prompts)
        assert "As a professional" in prompts, planned.title
        assert "As a person who may one day" in prompts, planned.title


def test_standard_plan_has_its_own_sessions():
    assert [p.kind for p in STANDARD_PLAN] == [
        RoundKind.INTRODUCTION,
        RoundKind.EVIDENCE_HEARING,
        RoundKind.REFLECTION,
        RoundKind.THEMING,
        RoundKind.DRAFTING,
        RoundKind.BALLOT,
    ]
    assert recommended_plan(InquiryMode.STANDARD) is STANDARD_PLAN
    assert recommended_plan(None) is STANDARD_PLAN
    assert "expert commentators" in STANDARD_PLAN[1].title
    assert not any("As a professional" in prompt for p in STANDARD_PLAN for prompt in p.prompts)


def test_every_planned_prompt_fits_the_limits():
    for planned in (*INVERTED_PLAN, *STANDARD_PLAN):
        assert len(planned.title) <= 200
        assert 1 <= len(planned.prompts) <= services.MAX_PROMPTS
        assert all(len(p) <= services.MAX_PROMPT_LENGTH for p in planned.prompts)


def test_apply_plan_adds_the_plan_for_the_inquiry_mode(inquiry, researcher):
    inquiry.mode = InquiryMode.INVERTED
    rounds = services.apply_plan(db.session, inquiry, actor=researcher, now=utcnow())
    db.session.commit()

    saved = services.plan_for(db.session, inquiry)
    assert [r.id for r in saved] == [r.id for r in rounds]
    assert [r.position for r in saved] == [1, 2, 3, 4, 5, 6]
    assert [r.title for r in saved] == [p.title for p in INVERTED_PLAN]
    # Sessions after the first, except the ballot, end by asking how thinking changed.
    assert [p.text for p in saved[1].prompts] == [
        *INVERTED_PLAN[1].prompts,
        services.CHANGE_PROMPT,
    ]
    assert [p.position for p in saved[1].prompts] == [1, 2, 3, 4]
    assert [p.asks_about_change for p in saved[1].prompts] == [False, False, False, True]
    assert not any(p.asks_about_change for p in saved[0].prompts)
    assert not any(p.asks_about_change for p in saved[5].prompts)
    assert all(r.status == RoundStatus.PLANNED and r.held_on is None for r in saved)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rounds.plan_applied"))
    assert event.actor_id == researcher.id
    assert event.details == {"mode": "inverted", "sessions": 6}


def test_apply_plan_is_refused_when_the_plan_has_sessions(inquiry, researcher):
    add_round(inquiry, "Our own first session")
    with pytest.raises(services.RoundError, match="already has sessions"):
        services.apply_plan(db.session, inquiry, actor=researcher, now=utcnow())
    assert titles(inquiry) == ["Our own first session"]


# Services -------------------------------------------------------------------------


def test_parse_prompts_takes_one_prompt_per_line_and_ignores_blank_lines():
    assert services.parse_prompts("  First  prompt \n\n\t\nSecond\r\nThird") == [
        "First prompt",
        "Second",
        "Third",
    ]
    assert services.parse_prompts("") == []
    assert services.parse_prompts(None) == []


def test_plan_for_lists_only_this_inquirys_sessions_in_order(world, inquiry):
    add_round(inquiry, "First")
    add_round(world.other_inquiry, "Elsewhere")
    add_round(inquiry, "Second")
    assert titles(inquiry) == ["First", "Second"]
    assert positions(inquiry) == [1, 2]


def test_positions_stay_contiguous_after_delete_and_moves(inquiry, researcher):
    rounds = [add_round(inquiry, name) for name in ("A", "B", "C", "D")]
    services.delete_round(db.session, rounds[1], inquiry=inquiry, actor=researcher, now=utcnow())
    assert titles(inquiry) == ["A", "C", "D"]
    assert positions(inquiry) == [1, 2, 3]

    assert services.move_round(
        db.session, rounds[3], inquiry=inquiry, actor=researcher, direction="up", now=utcnow()
    )
    assert titles(inquiry) == ["A", "D", "C"]
    assert services.move_round(
        db.session, rounds[0], inquiry=inquiry, actor=researcher, direction="down", now=utcnow()
    )
    assert titles(inquiry) == ["D", "A", "C"]
    assert positions(inquiry) == [1, 2, 3]
    # Already at the end: nothing moves and nothing is recorded.
    assert not services.move_round(
        db.session, rounds[2], inquiry=inquiry, actor=researcher, direction="down", now=utcnow()
    )
    db.session.commit()
    assert titles(inquiry) == ["D", "A", "C"]
    assert actions(inquiry).count("round.moved") == 2
    moved = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "round.moved").order_by(AuditEvent.id)
    ).all()
    assert moved[0].details == {"direction": "up", "from_position": 3, "to_position": 2}


def test_a_new_session_goes_after_the_last_even_with_gaps(inquiry):
    first = add_round(inquiry, "First")
    first.position = 7  # left over from an old bug or a concurrent change
    db.session.commit()
    add_round(inquiry, "Second")
    assert positions(inquiry) == [1, 2]
    assert titles(inquiry) == ["First", "Second"]


def test_update_keeps_unchanged_prompts_and_records_what_changed(inquiry, researcher):
    round_ = add_round(inquiry, "Reflection", prompts=("Keep me", "Change me", "Drop me"))
    kept_id = round_.prompts[0].id
    services.update_round(
        db.session,
        round_,
        inquiry=inquiry,
        actor=researcher,
        kind=RoundKind.THEMING,
        title="Reflection and themes",
        held_on=date(2026, 6, 3),
        purpose="",
        prompts=["New first", "Keep me"],
        now=utcnow(),
    )
    db.session.commit()
    db.session.expire_all()
    round_ = db.session.get(Round, round_.id)
    assert [(p.position, p.text) for p in round_.prompts] == [(1, "New first"), (2, "Keep me")]
    assert round_.prompts[1].id == kept_id
    assert db.session.scalar(select(db.func.count()).select_from(RoundPrompt)) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.updated"))
    assert event.details == {"changed": ["kind", "title", "held_on", "prompts"]}


def test_an_update_that_changes_nothing_is_not_recorded(inquiry, researcher):
    round_ = add_round(inquiry, "Reflection", prompts=("One",))
    services.update_round(
        db.session,
        round_,
        inquiry=inquiry,
        actor=researcher,
        kind=round_.kind,
        title=round_.title,
        held_on=None,
        purpose="",
        prompts=["One"],
        now=utcnow(),
    )
    assert "round.updated" not in actions(inquiry)


def test_services_refuse_too_many_or_too_long_prompts(inquiry, researcher):
    with pytest.raises(services.RoundError, match="10 prompts or fewer"):
        add_round(inquiry, "Too many", prompts=tuple(f"Prompt {n}" for n in range(11)))
    with pytest.raises(services.RoundError, match="Prompt 2 must be 500 characters or fewer"):
        add_round(inquiry, "Too long", prompts=("Fine", "x" * 501))


def test_a_session_with_contributions_cannot_be_deleted(inquiry, researcher, reflections_counter):
    round_ = add_round(inquiry, "Reflection")
    assert services.contributions_in(db.session, round_) == {"reflections": 3}
    with pytest.raises(services.RoundError) as error:
        services.delete_round(db.session, round_, inquiry=inquiry, actor=researcher, now=utcnow())
    assert error.value.message.startswith(
        "You cannot delete this session because it has 3 reflections."
    )
    assert titles(inquiry) == ["Reflection"]


def test_every_audit_action_has_a_label():
    for action in (
        "round.created",
        "round.updated",
        "round.deleted",
        "round.moved",
        "rounds.plan_applied",
    ):
        assert action in ACTION_LABELS


# The sessions page: empty state --------------------------------------------------------


def test_researcher_sees_the_recommended_inverted_plan_when_there_are_no_sessions(
    as_researcher, inquiry
):
    inquiry.mode = InquiryMode.INVERTED
    db.session.commit()
    page = as_researcher.get(sessions_url(inquiry))
    preview = page.select(".app-plan-preview > li")
    assert len(preview) == 6
    assert text_of(preview[0].h3) == "Session 1: Introductions and personal stories"
    assert "As a person who may one day need care at home: what would matter most to you?" in (
        text_of(preview[0])
    )
    assert "what in today's stories would your service find hardest to change?" in text_of(
        preview[1]
    )
    choices = [text_of(label) for label in page.select("input[name=start] + label")]
    assert choices == [
        "Use the recommended plan as it is",
        "Use the recommended plan and change it",
        "Start with a blank plan",
    ]
    assert "Recommended plan for an inverted inquiry" in text_of(page)


def test_researcher_of_a_standard_inquiry_sees_the_standard_plan(as_researcher, inquiry):
    page = as_researcher.get(sessions_url(inquiry))
    preview = page.select(".app-plan-preview > li h3")
    assert [text_of(h) for h in preview] == [
        f"Session {n}: {p.title}" for n, p in enumerate(STANDARD_PLAN, start=1)
    ]
    assert "Recommended plan for a standard inquiry" in text_of(page)


@pytest.mark.parametrize("choice", ["use", "edit"])
def test_researcher_uses_the_recommended_plan(as_researcher, inquiry, choice):
    inquiry.mode = InquiryMode.INVERTED
    db.session.commit()
    location = as_researcher.post_redirect(
        f"{sessions_url(inquiry)}/start", {"start": choice, "submit": "Continue"}
    )
    assert location == sessions_url(inquiry)
    assert titles(inquiry) == [p.title for p in INVERTED_PLAN]
    assert actions(inquiry) == ["rounds.plan_applied"]
    page = as_researcher.get(location)
    banner = text_of(page.select_one(".govuk-notification-banner"))
    assert "Recommended plan added with 6 sessions" in banner
    assert ("Change, move or delete" in banner) == (choice == "edit")
    assert len(page.select(".app-session-list > li")) == 6


def test_researcher_starts_with_a_blank_plan(as_researcher, inquiry):
    location = as_researcher.post_redirect(f"{sessions_url(inquiry)}/start", {"start": "blank"})
    assert location == f"{sessions_url(inquiry)}/new"
    assert titles(inquiry) == []
    assert actions(inquiry) == []


def test_starting_without_a_choice_shows_an_error(as_researcher, inquiry):
    page = as_researcher.post(f"{sessions_url(inquiry)}/start", {"start": "nonsense"})
    assert error_messages(page) == ["Select how you want to start the session plan"]
    assert page.title.get_text().startswith("Error: ")
    assert len(page.select(".app-plan-preview > li")) == 6
    assert titles(inquiry) == []


def test_the_plan_cannot_be_started_twice(as_researcher, inquiry):
    add_round(inquiry, "Our own first session")
    location = as_researcher.post_redirect(f"{sessions_url(inquiry)}/start", {"start": "use"})
    assert location == sessions_url(inquiry)
    assert titles(inquiry) == ["Our own first session"]
    page = as_researcher.get(location)
    assert "already has sessions" in text_of(page.select_one(".govuk-error-summary"))


@pytest.mark.parametrize("role", ["participant", "witness", "commissioner", "observer"])
def test_other_members_see_a_helpful_empty_state(client_request, world, inquiry, role):
    page = client_request.login(world.people[role]).get(sessions_url(inquiry))
    assert "The researchers have not planned the sessions yet" in text_of(page)
    assert page.select(".app-plan-preview") == []
    assert page.find("form", action=f"{sessions_url(inquiry)}/start") is None


# The sessions page: the plan -------------------------------------------------------


def test_participant_sees_the_plan_read_only(client_request, world, inquiry):
    add_round(
        inquiry,
        "Evidence hearing: living with care at home",
        kind=RoundKind.EVIDENCE_HEARING,
        held_on=date(2026, 6, 3),
        prompts=("What surprised you?",),
    )
    add_round(inquiry, "Ballot and next steps", kind=RoundKind.BALLOT)
    page = client_request.login(world.people["participant"]).get(sessions_url(inquiry))
    items = page.select(".app-session-list > li")
    assert len(items) == 2
    first = text_of(items[0])
    assert "Session 1 Evidence hearing: living with care at home" in first
    assert "3 June 2026" in first
    assert RoundKind.EVIDENCE_HEARING.expectation in first
    assert "What surprised you?" in first
    assert "Planned" in first
    assert "To be confirmed" in text_of(items[1])
    assert RoundKind.BALLOT.expectation in text_of(items[1])
    assert page.find("form", action=lambda a: a and a.endswith("/move")) is None
    assert page.find("a", string=lambda s: s and "Add a session" in s) is None
    assert page.find("a", href=lambda h: h and h.endswith("/edit")) is None


def test_researcher_sees_controls_with_the_session_title_for_screen_readers(as_researcher, inquiry):
    rounds = [add_round(inquiry, name) for name in ("Welcome", "Listening", "Voting")]
    page = as_researcher.get(sessions_url(inquiry))
    items = page.select(".app-session-list > li")
    buttons = [[text_of(b) for b in item.select("button")] for item in items]
    assert buttons == [
        ["Move down session 1: Welcome"],
        ["Move up session 2: Listening", "Move down session 2: Listening"],
        ["Move up session 3: Voting"],
    ]
    hidden = items[1].select_one("button .govuk-visually-hidden")
    assert text_of(hidden) == "session 2: Listening"
    form = items[1].find("form")
    assert form["method"] == "post"
    assert form["action"] == f"{sessions_url(inquiry)}/{rounds[1].id}/move"
    links = [text_of(a) for a in items[1].select("form a")]
    assert links == ["Change session 2: Listening", "Delete session 2: Listening"]
    assert page.select_one(f"#session-{rounds[2].id}") is not None


def test_status_is_shown_as_a_tag(as_researcher, inquiry):
    round_ = add_round(inquiry, "Welcome")
    round_.status = RoundStatus.OPEN
    db.session.commit()
    page = as_researcher.get(sessions_url(inquiry))
    assert text_of(page.select_one(".app-session-list .govuk-tag")) == "Open"


# Moving ------------------------------------------------------------------------------


def test_researcher_moves_a_session_up_and_down(as_researcher, inquiry):
    rounds = [add_round(inquiry, name) for name in ("A", "B", "C")]
    url = f"{sessions_url(inquiry)}/{rounds[2].id}/move"
    location = as_researcher.post_redirect(url, {"direction": "up"})
    assert location == f"{sessions_url(inquiry)}#session-{rounds[2].id}"
    assert titles(inquiry) == ["A", "C", "B"]
    page = as_researcher.get(sessions_url(inquiry))
    assert "it is now session 2" in text_of(page.select_one(".govuk-notification-banner"))

    as_researcher.post_redirect(
        f"{sessions_url(inquiry)}/{rounds[0].id}/move", {"direction": "down"}
    )
    assert titles(inquiry) == ["C", "A", "B"]
    assert positions(inquiry) == [1, 2, 3]
    assert actions(inquiry).count("round.moved") == 2


def test_moving_the_first_session_up_changes_nothing(as_researcher, inquiry):
    rounds = [add_round(inquiry, name) for name in ("A", "B")]
    as_researcher.post_redirect(f"{sessions_url(inquiry)}/{rounds[0].id}/move", {"direction": "up"})
    assert titles(inquiry) == ["A", "B"]
    assert "round.moved" not in actions(inquiry)
    page = as_researcher.get(sessions_url(inquiry))
    assert "already first" in text_of(page)


def test_moving_without_a_direction_changes_nothing(as_researcher, inquiry):
    rounds = [add_round(inquiry, name) for name in ("A", "B")]
    as_researcher.post_redirect(
        f"{sessions_url(inquiry)}/{rounds[1].id}/move", {"direction": "sideways"}
    )
    assert titles(inquiry) == ["A", "B"]
    page = as_researcher.get(sessions_url(inquiry))
    assert "Choose whether to move the session up or down" in text_of(
        page.select_one(".govuk-error-summary")
    )


# Adding and changing -----------------------------------------------------------------


def test_researcher_adds_a_session_at_the_end(as_researcher, inquiry, researcher):
    add_round(inquiry, "Welcome")
    page = as_researcher.get(f"{sessions_url(inquiry)}/new")
    kinds = [text_of(label) for label in page.select("input[name=kind] + label")]
    assert kinds == [kind.label for kind in RoundKind]
    assert page.find(id="held_on-day") is not None

    location = as_researcher.post_redirect(f"{sessions_url(inquiry)}/new", valid_form())
    round_ = services.plan_for(db.session, inquiry)[-1]
    assert location == f"{sessions_url(inquiry)}#session-{round_.id}"
    assert round_.position == 2
    assert round_.kind == RoundKind.EVIDENCE_HEARING
    assert round_.title == "Evidence hearing: living with care at home"
    assert round_.held_on == date(2026, 6, 3)
    assert round_.purpose == "Hear from people who receive care at home."
    assert [p.text for p in round_.prompts] == [
        "As a professional: what would your service find hardest to change?",
        "As a person who may one day need care at home: what would matter most to you?",
    ]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "round.created").order_by(AuditEvent.id)
    ).all()[-1]
    assert (event.actor_id, event.object_type, event.object_id) == (
        researcher.id,
        "round",
        round_.id,
    )
    assert event.details == {"kind": "evidence_hearing", "position": 2}


def test_a_session_needs_only_a_type_and_a_title(as_researcher, inquiry):
    as_researcher.post_redirect(
        f"{sessions_url(inquiry)}/new",
        {"kind": "reflection", "title": "Reflection", "held_on-day": "", "held_on-month": ""},
    )
    (round_,) = services.plan_for(db.session, inquiry)
    assert (round_.held_on, round_.purpose, round_.prompts) == (None, "", [])


def test_an_empty_form_shows_errors_and_saves_nothing(as_researcher, inquiry):
    page = as_researcher.post(f"{sessions_url(inquiry)}/new", {})
    assert error_messages(page) == ["Select the type of session", "Enter a title for the session"]
    assert titles(inquiry) == []


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "marked"),
    [
        ("31", "2", "2026", "Date must be a real date", {"day"}),
        ("3", "13", "2026", "Date must be a real date", {"month"}),
        ("x", "6", "2026", "Date must be a real date", {"day"}),
        ("3", "", "2026", "Date must include a month", {"month"}),
        ("", "", "2026", "Date must include a day and month", {"day", "month"}),
        ("3", "6", "26", "Year must include 4 numbers", {"year"}),
        ("29", "Feb", "2027", "Date must be a real date", {"day"}),
    ],
)
def test_a_bad_date_is_explained_and_what_was_typed_is_kept(
    as_researcher, inquiry, day, month, year, message, marked
):
    data = valid_form(**{"held_on-day": day, "held_on-month": month, "held_on-year": year})
    page = as_researcher.post(f"{sessions_url(inquiry)}/new", data)
    assert error_messages(page) == [message]
    assert text_of(page.find(id="held_on-error")) == f"Error: {message}"
    for part, value in (("day", day), ("month", month), ("year", year)):
        box = page.find(id=f"held_on-{part}")
        assert box.get("value", "") == value
        assert ("govuk-input--error" in box["class"]) == (part in marked)
    assert page.find(id="title")["value"] == data["title"]
    assert titles(inquiry) == []


def test_a_month_may_be_typed_as_a_word(as_researcher, inquiry):
    as_researcher.post_redirect(
        f"{sessions_url(inquiry)}/new", valid_form(**{"held_on-month": "June"})
    )
    assert services.plan_for(db.session, inquiry)[0].held_on == date(2026, 6, 3)


def test_title_and_prompt_limits(as_researcher, inquiry):
    prompts = "\n".join(f"Prompt {n}" for n in range(11))
    page = as_researcher.post(
        f"{sessions_url(inquiry)}/new", valid_form(title="t" * 201, prompts=prompts)
    )
    assert error_messages(page) == [
        "Title must be 200 characters or fewer",
        "Enter 10 prompts or fewer (you entered 11)",
    ]
    assert page.find(id="prompts").get_text().strip() == prompts

    page = as_researcher.post(
        f"{sessions_url(inquiry)}/new", valid_form(prompts="Short\n\n" + "x" * 501)
    )
    assert error_messages(page) == ["Prompt 2 must be 500 characters or fewer"]
    assert titles(inquiry) == []


def test_ten_prompts_of_500_characters_are_allowed(as_researcher, inquiry):
    prompts = "\n".join(f"{n}" * 500 for n in range(10))
    as_researcher.post_redirect(f"{sessions_url(inquiry)}/new", valid_form(prompts=prompts))
    assert len(services.plan_for(db.session, inquiry)[0].prompts) == 10


def test_researcher_changes_a_session(as_researcher, inquiry):
    round_ = add_round(
        inquiry, "Reflection", held_on=date(2026, 6, 3), prompts=("First prompt", "Second prompt")
    )
    url = f"{sessions_url(inquiry)}/{round_.id}/edit"
    page = as_researcher.get(url)
    assert text_of(page.h1) == "Change session 1"
    assert page.find(id="title")["value"] == "Reflection"
    assert page.find("input", attrs={"name": "kind", "value": "reflection"}).has_attr("checked")
    assert page.find(id="held_on-day")["value"] == "3"
    assert page.find(id="held_on-month")["value"] == "6"
    assert page.find(id="held_on-year")["value"] == "2026"
    assert page.find(id="prompts").get_text().strip() == "First prompt\nSecond prompt"

    location = as_researcher.post_redirect(
        url,
        valid_form(
            kind="theming",
            title="Reflection and themes",
            **{"held_on-day": "", "held_on-month": "", "held_on-year": ""},
            prompts="Second prompt",
        ),
    )
    assert location == f"{sessions_url(inquiry)}#session-{round_.id}"
    db.session.expire_all()
    round_ = db.session.get(Round, round_.id)
    assert (round_.kind, round_.title, round_.held_on) == (
        RoundKind.THEMING,
        "Reflection and themes",
        None,
    )
    assert [p.text for p in round_.prompts] == ["Second prompt"]
    assert actions(inquiry)[-1] == "round.updated"


def test_an_invalid_change_keeps_what_was_typed_and_saves_nothing(as_researcher, inquiry):
    round_ = add_round(inquiry, "Reflection")
    page = as_researcher.post(
        f"{sessions_url(inquiry)}/{round_.id}/edit",
        valid_form(title="", prompts="New prompt"),
    )
    assert error_messages(page) == ["Enter a title for the session"]
    assert page.find(id="prompts").get_text().strip() == "New prompt"
    db.session.expire_all()
    assert db.session.get(Round, round_.id).title == "Reflection"


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_a_session_of_another_inquiry_is_not_found(as_researcher, world, inquiry, action):
    elsewhere = add_round(world.other_inquiry, "Not yours")
    as_researcher.get(f"{sessions_url(inquiry)}/{elsewhere.id}/{action}", expected_status=404)
    response = as_researcher.client.post(
        f"{sessions_url(inquiry)}/{elsewhere.id}/move", data={"direction": "up"}
    )
    assert response.status_code == 404
    assert titles(world.other_inquiry) == ["Not yours"]


def test_other_members_cannot_change_the_plan(client_request, world, inquiry):
    round_ = add_round(inquiry, "Reflection")
    client_request.login(world.people["participant"])
    client_request.post(f"{sessions_url(inquiry)}/new", valid_form(), expected_status=403)
    client_request.post(f"{sessions_url(inquiry)}/{round_.id}/delete", {}, expected_status=403)
    assert titles(inquiry) == ["Reflection"]


# Deleting ----------------------------------------------------------------------------


def test_researcher_confirms_before_deleting(as_researcher, inquiry):
    rounds = [add_round(inquiry, name, prompts=("One", "Two")) for name in ("A", "B", "C")]
    deleted_id = rounds[0].id
    url = f"{sessions_url(inquiry)}/{deleted_id}/delete"
    page = as_researcher.get(url)
    assert text_of(page.h1) == "Delete session 1: A?"
    assert text_of(page.select_one("main p.govuk-body")) == (
        "This deletes the session with its date, purpose and 2 prompts. "
        "The 2 sessions after it will move up one place. You cannot undo this."
    )
    last = as_researcher.get(f"{sessions_url(inquiry)}/{rounds[2].id}/delete")
    assert "move up" not in text_of(last)
    assert page.find("form", action=url)["method"] == "post"
    assert titles(inquiry) == ["A", "B", "C"]

    location = as_researcher.post_redirect(url, {})
    assert location == sessions_url(inquiry)
    assert titles(inquiry) == ["B", "C"]
    assert positions(inquiry) == [1, 2]
    assert db.session.scalar(select(db.func.count()).select_from(RoundPrompt)) == 4
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.deleted"))
    assert (event.object_id, event.details) == (deleted_id, {"kind": "reflection", "position": 1})
    page = as_researcher.get(location)
    assert text_of(page.select_one(".govuk-notification-banner")).endswith("Session deleted: A")


def test_deleting_the_last_session_brings_back_the_recommended_plan(as_researcher, inquiry):
    round_ = add_round(inquiry, "Only")
    as_researcher.post_redirect(f"{sessions_url(inquiry)}/{round_.id}/delete", {})
    page = as_researcher.get(sessions_url(inquiry))
    assert len(page.select(".app-plan-preview > li")) == 6


def test_deleting_is_refused_with_a_reason_when_there_are_contributions(
    as_researcher, inquiry, reflections_counter
):
    round_ = add_round(inquiry, "Reflection")
    url = f"{sessions_url(inquiry)}/{round_.id}/delete"
    page = as_researcher.get(url)
    assert text_of(page.h1) == "You cannot delete session 1"
    assert "You cannot delete this session because it has 3 reflections." in text_of(page)
    assert page.find("form", action=url) is None

    page = as_researcher.post(url, {})
    assert "because it has 3 reflections" in text_of(page)
    assert titles(inquiry) == ["Reflection"]
    assert "round.deleted" not in actions(inquiry)


# The overview partial ---------------------------------------------------------------


def render_summary(app, user, inquiry) -> BeautifulSoup:
    with app.test_request_context():
        login_user(user)
        html = render_template(
            "rounds/_plan_summary.html",
            inquiry=inquiry,
            rounds=services.plan_for(db.session, inquiry),
        )
    return BeautifulSoup(html, "html.parser")


def test_plan_summary_lists_sessions_with_dates_and_expectations(app, world, inquiry):
    add_round(inquiry, "Welcome", kind=RoundKind.INTRODUCTION, held_on=date(2026, 6, 3))
    add_round(inquiry, "Voting", kind=RoundKind.BALLOT)
    summary = render_summary(app, world.people["participant"], inquiry)
    rows = [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in summary("tr")[1:]]
    assert rows == [
        ["1. Welcome", "3 June 2026", RoundKind.INTRODUCTION.expectation],
        ["2. Voting", "To be confirmed", RoundKind.BALLOT.expectation],
    ]
    link = summary.find("a")
    assert link["href"] == sessions_url(inquiry)
    assert text_of(link) == "See each session's purpose and prompts"


def test_plan_summary_empty_states(app, world, inquiry):
    summary = render_summary(app, world.people["researcher"], inquiry)
    assert text_of(summary.find("a")) == "Plan the sessions"
    summary = render_summary(app, world.people["observer"], inquiry)
    assert "The researchers have not planned the sessions yet." in text_of(summary)
    assert summary.find("a") is None


def test_a_new_member_of_the_inquiry_sees_the_sessions(client_request, inquiry):
    person = make_user("new.participant@example.org")
    add_member(inquiry, person, Role.PARTICIPANT)
    add_round(inquiry, "Welcome")
    page = client_request.login(person).get(sessions_url(inquiry))
    assert "Welcome" in text_of(page.select_one(".app-session-list"))


def test_each_inquiry_has_its_own_plan(client_request, world):
    other = make_inquiry(world.people["researcher"], title="A second inquiry")
    add_round(other, "Second inquiry's session")
    page = client_request.login(world.people["researcher"]).get(sessions_url(world.inquiry))
    assert page.select(".app-session-list") == []
    assert "Second inquiry's session" not in text_of(page)


def test_the_closing_prompt_about_changed_thinking_can_be_added_and_removed(as_researcher, inquiry):
    round_ = add_round(inquiry, "Listening")
    url = f"{sessions_url(inquiry)}/{round_.id}/edit"
    data = {"kind": "reflection", "title": "Listening", "prompts": "What stayed with you?"}
    as_researcher.post_redirect(url, {**data, "asks_about_change": "y"})
    prompts = db.session.get(Round, round_.id).prompts
    assert [(p.text, p.asks_about_change) for p in prompts] == [
        ("What stayed with you?", False),
        (services.CHANGE_PROMPT, True),
    ]
    form = as_researcher.get(url)
    assert form.find("input", attrs={"name": "asks_about_change"}).has_attr("checked")
    assert form.find("textarea", attrs={"name": "prompts"}).get_text().strip() == (
        "What stayed with you?"
    )
    as_researcher.post_redirect(url, data)
    assert [p.text for p in db.session.get(Round, round_.id).prompts] == ["What stayed with you?"]


def test_a_prompt_participants_answered_cannot_be_removed(as_researcher, inquiry, world):
    participant = next(
        m for m in inquiry.memberships if m.user_id == world.people["participant"].id
    )
    round_ = add_round(inquiry, "Listening")
    url = f"{sessions_url(inquiry)}/{round_.id}/edit"
    data = {"kind": "reflection", "title": "Listening", "prompts": "First?\nSecond?"}
    as_researcher.post_redirect(url, data)
    second = db.session.get(Round, round_.id).prompts[1]
    db.session.add(
        Reflection(
            inquiry_id=inquiry.id,
            round_id=round_.id,
            prompt_id=second.id,
            author_id=participant.id,
            body="My answer.",
        )
    )
    db.session.commit()
    page = as_researcher.post(url, {**data, "prompts": "First?"})
    assert "already answered a prompt" in page.text
    assert [p.text for p in db.session.get(Round, round_.id).prompts] == ["First?", "Second?"]
    assert db.session.scalar(select(Reflection.body)) == "My answer."
