"""The evaluation questionnaire: setting it up, answering it once and anonymously, and
its results with small groups protected."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import add_member, error_messages, make_user, sign_in_as
from flask import render_template
from flask_login import login_user
from sqlalchemy import DateTime, func, inspect, select, text

from inquiry.audit.service import ACTION_LABELS
from inquiry.evaluation import services
from inquiry.evaluation.defaults import DEFAULT_ITEMS
from inquiry.evaluation.forms import PREFER_NOT
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    Inquiry,
    Notification,
    QuestionKind,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    QuestionnaireStatus,
    QuestionnaireSubmission,
    Role,
    User,
    utcnow,
)
from inquiry.privacy import FEWER_THAN


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def researcher_of(inquiry: Inquiry) -> User:
    return next(m.user for m in inquiry.memberships if m.role == Role.RESEARCHER)


def actions(inquiry: Inquiry) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.inquiry_id == inquiry.id)
            .order_by(AuditEvent.id)
        )
    )


def members(inquiry: Inquiry, role: Role, count: int, prefix: str) -> list[User]:
    people = []
    for number in range(1, count + 1):
        user = make_user(f"{prefix}{number}@example.org", name=f"{prefix.title()} {number}")
        add_member(inquiry, user, role)
        people.append(user)
    return people


def make_questionnaire(
    inquiry: Inquiry, *, include_witnesses: bool = False, open_it: bool = True
) -> Questionnaire:
    researcher = researcher_of(inquiry)
    questionnaire = services.create_questionnaire(
        db.session, inquiry, actor=researcher, now=utcnow()
    )
    questionnaire.include_witnesses = include_witnesses
    if open_it:
        services.open_questionnaire(
            db.session, questionnaire, inquiry=inquiry, actor=researcher, now=utcnow()
        )
    db.session.commit()
    return questionnaire


def answer(
    questionnaire: Questionnaire, user: User, values: list[int | None], written: str = ""
) -> None:
    """Answer through the service: statements in order, then the written question."""
    inquiry = db.session.get(Inquiry, questionnaire.inquiry_id)
    statements = [i for i in questionnaire.questions if i.kind == QuestionKind.AGREEMENT]
    given: dict[int, int | str | None] = {
        item.id: value for item, value in zip(statements, values, strict=False)
    }
    for item in questionnaire.questions:
        if item.kind == QuestionKind.FREE_TEXT:
            given[item.id] = written
    role = next(m.role for m in user.memberships if m.inquiry_id == inquiry.id)
    services.submit(db.session, questionnaire, inquiry=inquiry, user=user, role=role, answers=given)
    db.session.commit()


def form_data(questionnaire: Questionnaire, value: str = "4", written: str = "") -> dict:
    data = {}
    for item in questionnaire.questions:
        data[f"item_{item.id}"] = value if item.kind == QuestionKind.AGREEMENT else written
    return data


def close(questionnaire: Questionnaire) -> None:
    inquiry = db.session.get(Inquiry, questionnaire.inquiry_id)
    services.close_questionnaire(
        db.session, questionnaire, inquiry=inquiry, actor=researcher_of(inquiry), now=utcnow()
    )
    db.session.commit()


@pytest.fixture
def inquiry(world) -> Inquiry:
    return world.inquiry


def url(inquiry: Inquiry, endpoint: str = "manage") -> str:
    paths = {
        "manage": "",
        "create": "/create",
        "new": "/questions/new",
        "who": "/who",
        "open": "/open",
        "close": "/close",
        "results": "/results",
        "answer": "/answer",
    }
    return f"/inquiries/{inquiry.id}/evaluation{paths[endpoint]}"


def test_audit_actions_have_labels():
    for action in ("evaluation.changed", "evaluation.opened", "evaluation.closed"):
        assert action in ACTION_LABELS


# Setting up ------------------------------------------------------------------------


def test_researcher_creates_the_questionnaire_from_the_recommended_questions(
    client_request, world, inquiry
):
    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry))
    assert "Create the questionnaire" in text_of(page)
    assert "I had enough information to take part" in text_of(page)

    client_request.post_redirect(url(inquiry, "create"))
    questionnaire = services.questionnaire_for(db.session, inquiry)
    assert questionnaire.status == QuestionnaireStatus.DRAFT
    assert not questionnaire.include_witnesses
    assert [(i.kind, i.text) for i in questionnaire.questions] == list(DEFAULT_ITEMS)
    assert [i.position for i in questionnaire.questions] == list(range(1, 8))
    assert actions(inquiry)[-1] == "evaluation.changed"

    page = client_request.get(url(inquiry))
    headings = [text_of(h) for h in page.select(".app-evaluation-questions h3")]
    assert headings[0].endswith("I had enough information to take part")
    assert headings[-1].endswith(
        "Is there anything else you would like to tell us about taking part?"
    )
    assert "Draft" in text_of(page)


def test_only_one_questionnaire_per_inquiry(client_request, world, inquiry):
    make_questionnaire(inquiry, open_it=False)
    client_request.login(world.people["researcher"])
    client_request.post_redirect(url(inquiry, "create"))
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 1
    with pytest.raises(services.EvaluationError):
        services.create_questionnaire(
            db.session, inquiry, actor=world.people["researcher"], now=utcnow()
        )


def test_researcher_adds_changes_moves_and_removes_questions_in_a_draft(
    client_request, world, inquiry
):
    questionnaire = make_questionnaire(inquiry, open_it=False)
    client_request.login(world.people["researcher"])

    client_request.post_redirect(
        url(inquiry, "new"), {"kind": "agreement", "text": "  I felt my  experience was valued "}
    )
    db.session.refresh(questionnaire)
    added = questionnaire.questions[-1]
    assert (added.position, added.kind, added.text) == (
        8,
        QuestionKind.AGREEMENT,
        "I felt my experience was valued",
    )

    first = questionnaire.questions[0]
    edit_url = f"{url(inquiry)}/questions/{first.id}/edit"
    page = client_request.get(edit_url)
    assert page.select_one("textarea").get_text() == "I had enough information to take part"
    client_request.post_redirect(
        edit_url, {"kind": "agreement", "text": "I had the information I needed to take part"}
    )
    db.session.refresh(first)
    assert first.text == "I had the information I needed to take part"

    client_request.post_redirect(f"{url(inquiry)}/questions/{added.id}/move", {"direction": "up"})
    db.session.refresh(questionnaire)
    assert [i.text for i in questionnaire.questions][-2:] == [
        "I felt my experience was valued",
        "Is there anything else you would like to tell us about taking part?",
    ]

    remove_url = f"{url(inquiry)}/questions/{first.id}/remove"
    page = client_request.get(remove_url)
    assert text_of(page.h1) == "Remove question 1?"
    client_request.post_redirect(remove_url)
    db.session.refresh(questionnaire)
    assert len(questionnaire.questions) == 7
    assert [i.position for i in questionnaire.questions] == list(range(1, 8))
    assert questionnaire.questions[0].text == "I was able to say what I thought"
    assert actions(inquiry).count("evaluation.changed") == 5  # created + 4 changes


def test_question_needs_text_and_type(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry, open_it=False)
    client_request.login(world.people["researcher"])
    page = client_request.post(url(inquiry, "new"), {"text": "   "})
    assert error_messages(page) == ["Select the type of question", "Enter the question"]
    page = client_request.post(url(inquiry, "new"), {"kind": "free_text", "text": "x" * 301})
    assert error_messages(page) == ["Question must be 300 characters or fewer"]
    assert page.select_one("textarea").get_text() == "x" * 301
    db.session.refresh(questionnaire)
    assert len(questionnaire.questions) == len(DEFAULT_ITEMS)


def test_researcher_chooses_whether_witnesses_are_asked(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry, open_it=False)
    client_request.login(world.people["researcher"])
    page = client_request.post(url(inquiry, "who"), {})
    assert error_messages(page) == ["Select who should answer the questionnaire"]
    client_request.post_redirect(url(inquiry, "who"), {"who": "everyone"})
    db.session.refresh(questionnaire)
    assert questionnaire.include_witnesses


def test_question_ids_must_belong_to_the_inquiry(client, world, inquiry):
    make_questionnaire(inquiry, open_it=False)
    other = world.other_inquiry
    other_questionnaire = services.create_questionnaire(
        db.session, other, actor=world.people["other_member"], now=utcnow()
    )
    db.session.commit()
    foreign = other_questionnaire.questions[0].id
    sign_in_as(client, world.people["researcher"])
    for path in ("edit", "remove"):
        response = client.get(f"{url(inquiry)}/questions/{foreign}/{path}")
        assert response.status_code == 404


def test_questions_cannot_change_once_open(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    item = questionnaire.questions[0]
    client_request.login(world.people["researcher"])
    client_request.post_redirect(
        f"{url(inquiry)}/questions/{item.id}/edit", {"kind": "agreement", "text": "Changed"}
    )
    client_request.post_redirect(f"{url(inquiry)}/questions/{item.id}/remove")
    client_request.post_redirect(url(inquiry, "who"), {"who": "everyone"})
    db.session.refresh(questionnaire)
    assert questionnaire.questions[0].text == "I had enough information to take part"
    assert len(questionnaire.questions) == len(DEFAULT_ITEMS)
    assert not questionnaire.include_witnesses
    with pytest.raises(services.EvaluationError):
        services.add_item(
            db.session,
            questionnaire,
            inquiry=inquiry,
            actor=world.people["researcher"],
            kind=QuestionKind.AGREEMENT,
            text="Too late",
        )


def test_opening_asks_participants_and_is_audited(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry, open_it=False)
    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry, "open"))
    assert text_of(page.h1) == "Open the evaluation questionnaire?"
    client_request.post_redirect(url(inquiry, "open"))
    db.session.refresh(questionnaire)
    assert questionnaire.status == QuestionnaireStatus.OPEN
    assert questionnaire.opened_at is not None
    assert actions(inquiry)[-1] == "evaluation.opened"
    told = set(db.session.scalars(select(Notification.user_id)))
    assert told == {world.people["participant"].id}


def test_opening_with_witnesses_tells_them_too(world, inquiry):
    make_questionnaire(inquiry, include_witnesses=True)
    told = set(db.session.scalars(select(Notification.user_id)))
    assert told == {world.people["participant"].id, world.people["witness"].id}


def test_questionnaire_without_questions_cannot_be_opened(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry, open_it=False)
    for item in list(questionnaire.questions):
        services.remove_item(
            db.session, questionnaire, item, inquiry=inquiry, actor=world.people["researcher"]
        )
    db.session.commit()
    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry))
    assert "Add at least one before you open it" in text_of(page)
    client_request.post(url(inquiry, "open"))
    db.session.refresh(questionnaire)
    assert questionnaire.status == QuestionnaireStatus.DRAFT


def test_closing_is_confirmed_and_audited(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry, "close"))
    assert text_of(page.h1) == "Close the evaluation questionnaire?"
    assert client_request.post_redirect(url(inquiry, "close")).endswith("/evaluation/results")
    db.session.refresh(questionnaire)
    assert questionnaire.status == QuestionnaireStatus.CLOSED
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.details) == ("evaluation.closed", {"responses": 0})


# Answering -------------------------------------------------------------------------


def test_participant_reads_about_anonymity_and_answers_once(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    participant = world.people["participant"]
    client_request.login(participant)
    page = client_request.get(url(inquiry, "answer"))
    assert "Your answers are anonymous" in text_of(page)
    first = questionnaire.questions[0]
    radios = page.select(f"input[name=item_{first.id}]")
    assert [r["value"] for r in radios] == ["5", "4", "3", "2", "1", PREFER_NOT]
    assert [text_of(page.select_one(f"label[for={r['id']}]")) for r in radios] == [
        "Strongly agree",
        "Agree",
        "Neither agree nor disagree",
        "Disagree",
        "Strongly disagree",
        "Prefer not to say",
    ]

    data = form_data(questionnaire, "5", "The evening sessions suited me as a carer.")
    data[f"item_{first.id}"] = PREFER_NOT
    client_request.post_redirect(url(inquiry, "answer"), data)
    page = client_request.get(url(inquiry, "answer"))
    assert text_of(page.h1) == "Thank you for answering the evaluation questionnaire"
    assert "cannot be changed" in text_of(page)
    assert page.find("form", attrs={"novalidate": True}) is None

    response = db.session.scalars(select(QuestionnaireResponse)).one()
    assert response.role == "participant"
    values = {a.item_id: (a.value, a.text) for a in response.answers}
    assert values[first.id] == (None, "")
    assert values[questionnaire.questions[1].id] == (5, "")
    assert values[questionnaire.questions[-1].id] == (
        None,
        "The evening sessions suited me as a carer.",
    )

    # Again: refused, nothing more stored.
    client_request.post_redirect(url(inquiry, "answer"), form_data(questionnaire, "1"))
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 1
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireSubmission)) == 1
    with pytest.raises(services.AlreadyAnswered):
        answer(questionnaire, participant, [1] * 6)


def test_every_statement_needs_an_answer_and_written_answers_have_a_limit(
    client_request, world, inquiry
):
    questionnaire = make_questionnaire(inquiry)
    client_request.login(world.people["participant"])
    page = client_request.post(url(inquiry, "answer"), {})
    assert error_messages(page) == [
        f"Select how much you agree with statement {n}, or prefer not to say" for n in range(1, 7)
    ]
    data = form_data(questionnaire, "3", "a" * 2001)
    page = client_request.post(url(inquiry, "answer"), data)
    assert error_messages(page) == ["Your answer to question 7 must be 2,000 characters or fewer"]
    assert page.select_one("textarea").get_text() == "a" * 2001
    assert (
        page.select_one(f"input[name=item_{questionnaire.questions[0].id}][checked]")["value"]
        == "3"
    )
    page = client_request.post(url(inquiry, "answer"), form_data(questionnaire, "9"))
    assert len(error_messages(page)) == 6
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 0
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireSubmission)) == 0


def test_written_answer_is_optional(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    client_request.login(world.people["participant"])
    client_request.post_redirect(url(inquiry, "answer"), form_data(questionnaire, "4", ""))
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 1


def test_closed_questionnaire_refuses_answers(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    close(questionnaire)
    client_request.login(world.people["participant"])
    page = client_request.get(url(inquiry, "answer"))
    assert text_of(page.h1) == "The evaluation questionnaire has closed"
    client_request.post_redirect(url(inquiry, "answer"), form_data(questionnaire))
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 0
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireSubmission)) == 0
    with pytest.raises(services.EvaluationError):
        answer(questionnaire, world.people["participant"], [4] * 6)


def test_draft_questionnaire_is_not_there_to_answer(client, world, inquiry):
    sign_in_as(client, world.people["participant"])
    assert client.get(url(inquiry, "answer")).status_code == 404
    make_questionnaire(inquiry, open_it=False)
    assert client.get(url(inquiry, "answer")).status_code == 404


def test_witnesses_answer_only_when_included(client, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    witness = world.people["witness"]
    sign_in_as(client, witness)
    assert client.get(url(inquiry, "answer")).status_code == 404
    assert client.post(url(inquiry, "answer"), data=form_data(questionnaire)).status_code == 404
    with pytest.raises(services.EvaluationError):
        answer(questionnaire, witness, [4] * 6)

    questionnaire.include_witnesses = True
    db.session.commit()
    assert client.get(url(inquiry, "answer")).status_code == 200
    response = client.post(url(inquiry, "answer"), data=form_data(questionnaire))
    assert response.status_code == 302
    assert db.session.scalars(select(QuestionnaireResponse.role)).all() == ["witness"]


def test_overview_partial_asks_participants_until_they_answer(app, world, inquiry):
    def render(user: User) -> str:
        with app.test_request_context():
            login_user(user)
            html = render_template("evaluation/_overview.html", inquiry=inquiry)
        return " ".join(BeautifulSoup(html, "html.parser").get_text().split())

    assert "Set up the evaluation questionnaire" in render(world.people["researcher"])
    assert render(world.people["participant"]) == ""
    questionnaire = make_questionnaire(inquiry)
    assert "Please answer the evaluation questionnaire" in render(world.people["participant"])
    assert render(world.people["witness"]) == ""
    assert render(world.people["observer"]) == ""
    answer(questionnaire, world.people["participant"], [4] * 6)
    assert "Thank you for answering" in render(world.people["participant"])
    assert "open: 1 person has answered" in render(world.people["researcher"])


# Anonymity ---------------------------------------------------------------------------


def test_nothing_stored_links_a_person_to_their_answers(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    people = [world.people["participant"], *members(inquiry, Role.PARTICIPANT, 3, "pat")]
    opened_events = len(actions(inquiry))

    seen_ids: set[str] = set()
    for number, person in enumerate(people, start=1):
        client_request.login(person)
        client_request.post_redirect(
            url(inquiry, "answer"),
            form_data(questionnaire, str(number), f"Answer from person {number}"),
        )
        ids = set(db.session.scalars(select(QuestionnaireResponse.id)))
        # Every answer gives every response new random ids: earlier ids are gone, so ids
        # carry nothing about who answered when.
        assert len(ids) == number
        assert not ids & seen_ids
        seen_ids |= ids
        # The rows are stored in the order of their random ids, not the order of answering.
        if db.engine.dialect.name == "sqlite":
            stored = list(
                db.session.scalars(text("SELECT id FROM questionnaire_responses ORDER BY rowid"))
            )
            assert stored == sorted(stored)
            stored_answers = list(
                db.session.scalars(text("SELECT id FROM questionnaire_answers ORDER BY rowid"))
            )
            by_response = list(
                db.session.execute(
                    text("SELECT response_id FROM questionnaire_answers ORDER BY rowid")
                ).scalars()
            )
            assert by_response == sorted(by_response)
            assert len(stored_answers) == number * len(DEFAULT_ITEMS)

    # The answers survive the rewriting intact.
    written = sorted(
        db.session.scalars(select(QuestionnaireAnswer.text).where(QuestionnaireAnswer.text != ""))
    )
    assert written == [f"Answer from person {n}" for n in range(1, 5)]

    # No column of responses or answers refers to a person or holds a time.
    inspector = inspect(db.engine)
    for table in ("questionnaire_responses", "questionnaire_answers"):
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert not any("user" in name or "member" in name for name in columns)
        assert not any(isinstance(c["type"], DateTime) or "_at" in n for n, c in columns.items())
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert referred <= {"questionnaires", "questionnaire_responses", "questionnaire_items"}
    assert set(c["name"] for c in inspector.get_columns("questionnaire_responses")) == {
        "id",
        "questionnaire_id",
        "role",
    }
    # Submissions say who answered, and nothing else: no link to responses, no time.
    assert {c["name"] for c in inspector.get_columns("questionnaire_submissions")} == {
        "id",
        "questionnaire_id",
        "user_id",
    }
    referred = {
        fk["referred_table"] for fk in inspector.get_foreign_keys("questionnaire_submissions")
    }
    assert referred == {"questionnaires", "users"}
    submission_ids = set(db.session.scalars(select(QuestionnaireSubmission.id)))
    assert not submission_ids & seen_ids

    # Answering wrote nothing to the audit log.
    assert len(actions(inquiry)) == opened_events
    person_ids = {p.id for p in people}
    events = db.session.scalars(select(AuditEvent)).all()
    assert not any(e.actor_id in person_ids for e in events)
    every_id = seen_ids | set(db.session.scalars(select(QuestionnaireAnswer.id)))
    assert not any(any(i in str(e.details) for i in every_id) for e in events)


def test_researchers_see_who_has_not_answered_but_not_results_while_open(
    client_request, world, inquiry
):
    questionnaire = make_questionnaire(inquiry)
    members(inquiry, Role.PARTICIPANT, 1, "lowri")
    for person in members(inquiry, Role.PARTICIPANT, 3, "pat"):
        answer(questionnaire, person, [5] * 6, "Lovely")
    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry))
    assert "3 people have answered: 3 of the 5 people asked" in text_of(page)
    names = [text_of(li) for li in page.select("#not-answered li")]
    assert names == ["Lowri 1 (participant)", "Participant (participant)"]
    assert "Pat" not in text_of(page)

    page = client_request.get(url(inquiry, "results"))
    assert "shown when the questionnaire is closed" in text_of(page)
    assert page.select("table") == []
    assert "Lovely" not in text_of(page)

    close(questionnaire)
    page = client_request.get(url(inquiry))
    assert page.select("#not-answered") == []


# Results --------------------------------------------------------------------------------


def test_percent_rounds_halves_up():
    assert services.percent(1, 8) == 13  # 12.5
    assert services.percent(2, 3) == 67
    assert services.percent(1, 3) == 33
    assert services.percent(0, 0) is None


def test_results_on_a_hand_worked_example(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry, include_witnesses=True)
    participants = [world.people["participant"], *members(inquiry, Role.PARTICIPANT, 4, "pat")]
    witnesses = [world.people["witness"], *members(inquiry, Role.WITNESS, 2, "wyn")]
    # Statement 1: participants 5, 4, 4, 2, prefer not; witnesses 5, 3, prefer not.
    for person, value in zip(participants, [5, 4, 4, 2, None], strict=True):
        answer(questionnaire, person, [value, 1, 1, 1, 1, 1])
    for person, value in zip(witnesses, [5, 3, None], strict=True):
        answer(questionnaire, person, [value, 1, 1, 1, 1, 1])

    assert services.results_for_report(db.session, inquiry) is None  # still open
    close(questionnaire)
    results = services.results_for_report(db.session, inquiry)
    assert results.responses == 8
    assert results.shown and results.breakdown_shown
    assert results.group_sizes == {"participant": 5, "witness": 3}
    first = results.statements[0]
    assert first.overall.counts == {
        "Strongly agree": 2,
        "Agree": 2,
        "Neither agree nor disagree": 1,
        "Disagree": 1,
        "Strongly disagree": 0,
        "Prefer not to say": 2,
    }
    # Agree among those who gave a view: 4 of 6.
    assert (first.overall.answered, first.overall.expressed, first.overall.agree) == (8, 6, 4)
    assert first.overall.percent_agree == 67
    assert first.by_group["participant"].percent_agree == 75  # 3 of 4
    assert first.by_group["witness"].percent_agree == 50  # 1 of 2
    assert first.by_group["witness"].counts["Prefer not to say"] == 1
    assert results.statements[1].overall.percent_agree == 0
    assert [s.number for s in results.statements] == [1, 2, 3, 4, 5, 6]

    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry, "results"))
    table = page.select_one("#statement-1")
    header = [text_of(th) for th in table.select("thead th")]
    assert header == ["Answer", "All responses", "Participants", "Witnesses"]
    rows = {
        text_of(row.th): [text_of(td) for td in row.select("td")]
        for row in table.select("tbody tr")
    }
    assert rows["Strongly agree"] == ["2", "1", "1"]
    assert rows["Prefer not to say"] == ["2", "1", "1"]
    assert rows["Agree"] == ["2", "2", "0"]
    assert rows["Share who agree"] == ["67%", "75%", "50%"]
    assert rows["Responses"] == ["8", "5", "3"]


def test_fewer_than_3_responses_are_not_shown(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    other = members(inquiry, Role.PARTICIPANT, 1, "pat")[0]
    answer(questionnaire, world.people["participant"], [5] * 6, "Kept private")
    answer(questionnaire, other, [1] * 6)
    close(questionnaire)
    results = services.results_for_report(db.session, inquiry)
    assert (results.responses, results.shown) == (2, False)
    assert results.statements == [] and results.written == []

    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry, "results"))
    assert text_of(page.select_one("#suppressed")) == (
        "Fewer than 3 responses: results are not shown, to protect anonymity."
    )
    assert page.select("table") == []
    assert "Kept private" not in text_of(page)


def test_small_group_withholds_the_whole_breakdown(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry, include_witnesses=True)
    for person in [world.people["participant"], *members(inquiry, Role.PARTICIPANT, 3, "pat")]:
        answer(questionnaire, person, [4] * 6)
    answer(questionnaire, world.people["witness"], [1] * 6)
    close(questionnaire)
    results = services.results_for_report(db.session, inquiry)
    assert results.shown and not results.breakdown_shown and results.breakdown_withheld
    assert results.group_sizes == {"participant": 4, "witness": FEWER_THAN}
    assert results.statements[0].by_group == {"participant": None, "witness": None}
    assert results.statements[0].overall.counts["Strongly disagree"] == 1

    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry, "results"))
    assert "Witnesses: fewer than 3" in text_of(page)
    assert page.select_one("#breakdown-withheld") is not None
    header = [text_of(th) for th in page.select_one("#statement-1").select("thead th")]
    assert header == ["Answer", "All responses"]


def test_no_witness_answers_still_shows_the_breakdown(world, inquiry):
    questionnaire = make_questionnaire(inquiry, include_witnesses=True)
    for person in [world.people["participant"], *members(inquiry, Role.PARTICIPANT, 2, "pat")]:
        answer(questionnaire, person, [4] * 6)
    close(questionnaire)
    results = services.results_for_report(db.session, inquiry)
    assert results.breakdown_shown
    assert results.group_sizes == {"participant": 3, "witness": 0}
    assert results.statements[0].by_group["witness"].answered == 0
    assert results.statements[0].by_group["witness"].percent_agree is None


def test_written_answers_are_escaped_and_in_random_id_order(client_request, world, inquiry):
    questionnaire = make_questionnaire(inquiry)
    people = [world.people["participant"], *members(inquiry, Role.PARTICIPANT, 2, "pat")]
    answer(questionnaire, people[0], [4] * 6, "<script>alert('hi')</script>\nSecond line")
    answer(questionnaire, people[1], [4] * 6, "More time with the <b>witnesses</b>")
    answer(questionnaire, people[2], [4] * 6, "")
    close(questionnaire)

    written_item = questionnaire.questions[-1]
    by_id = list(
        db.session.scalars(
            select(QuestionnaireAnswer.text)
            .where(QuestionnaireAnswer.item_id == written_item.id, QuestionnaireAnswer.text != "")
            .order_by(QuestionnaireAnswer.id)
        )
    )
    results = services.results_for_report(db.session, inquiry)
    assert results.written[0].answers == by_id
    assert results.written[0].number == 7

    client_request.login(world.people["researcher"])
    response = client_request.client.get(url(inquiry, "results"))
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;witnesses&lt;/b&gt;" in html
    page = BeautifulSoup(html, "html.parser")
    items = page.select(".app-written-answers li")
    assert len(items) == 2
    first = next(li for li in items if "Second line" in text_of(li))
    assert [text_of(p) for p in first.select("p")] == [
        "<script>alert('hi')</script>",
        "Second line",
    ]
