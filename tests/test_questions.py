"""Questions for witnesses: asking, support, ranking, answers, anonymity and deletion."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from conftest import (
    add_member,
    counting_queries,
    error_messages,
    make_inquiry,
    make_user,
    sign_in_as,
)
from sqlalchemy import select

from inquiry import contributions
from inquiry.audit.service import ACTION_LABELS
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    Inquiry,
    Membership,
    Notification,
    QuestionStatus,
    QuestionSupport,
    Role,
    Round,
    RoundKind,
    RoundStatus,
    Testimony,
    TestimonyStatus,
    User,
    WithdrawalPolicy,
    WitnessQuestion,
    utcnow,
)
from inquiry.questions import services
from inquiry.rounds.services import deletion_blocker


def text_of(node) -> str:
    return " ".join(node.get_text().split())


@dataclass
class Cohort:
    inquiry: Inquiry
    people: dict[str, User] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)
    testimony: dict[str, Testimony] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"/inquiries/{self.inquiry.id}/questions"


def add_round(inquiry: Inquiry, position: int, kind: RoundKind, title: str, held_on=None):
    round_ = Round(
        inquiry_id=inquiry.id, position=position, kind=kind, title=title, held_on=held_on
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def add_testimony(inquiry, witness, round_, title, status=TestimonyStatus.APPROVED):
    testimony = Testimony(
        inquiry_id=inquiry.id,
        round_id=round_.id if round_ else None,
        witness_id=witness.id,
        title=title,
        body="My husband came home on a Friday and the first carer arrived on the Tuesday.",
        status=status,
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


@pytest.fixture
def cohort(app) -> Cohort:
    """Three participants, two witnesses and three sessions, two of them evidence hearings."""
    researcher = make_user("rhiannon.researcher@example.org", name="Rhiannon Price")
    inquiry = make_inquiry(researcher)
    c = Cohort(inquiry=inquiry, people={"researcher": researcher})
    for key, name in [("ann", "Annika Sørensen"), ("bea", "Beatrice Okafor"), ("cal", "Cal")]:
        user = make_user(f"{key}@example.org", name=name)
        c.people[key] = user
        c.members[key] = add_member(inquiry, user, Role.PARTICIPANT)
    for key, name, shown in [("mar", "Margaret Hughes", "Peggy"), ("tom", "Tom Barker", "")]:
        user = make_user(f"{key}@example.org", name=name)
        c.people[key] = user
        c.members[key] = add_member(inquiry, user, Role.WITNESS)
        c.members[key].display_name = shown
    db.session.commit()
    today = date.today()
    c.rounds["intro"] = add_round(inquiry, 1, RoundKind.INTRODUCTION, "Introductions")
    c.rounds["past"] = add_round(
        inquiry,
        2,
        RoundKind.EVIDENCE_HEARING,
        "Evidence hearing: hospital discharge",
        held_on=today - timedelta(days=7),
    )
    c.rounds["next"] = add_round(
        inquiry,
        3,
        RoundKind.EVIDENCE_HEARING,
        "Evidence hearing: care at home",
        held_on=today + timedelta(days=7),
    )
    c.rounds["later"] = add_round(
        inquiry, 4, RoundKind.EVIDENCE_HEARING, "Evidence hearing: family carers"
    )
    c.testimony["peggy"] = add_testimony(
        inquiry, c.members["mar"], c.rounds["next"], "Coming home after my fall"
    )
    c.testimony["peggy_draft"] = add_testimony(
        inquiry,
        c.members["mar"],
        c.rounds["next"],
        "Notes for the second part",
        status=TestimonyStatus.DRAFT,
    )
    c.testimony["tom"] = add_testimony(
        inquiry, c.members["tom"], c.rounds["later"], "Caring for my dad"
    )
    return c


def ask(c: Cohort, who: str, text: str, round_key: str = "next", witness: str | None = None):
    question = services.ask(
        db.session,
        inquiry=c.inquiry,
        actor=c.people[who],
        text=text,
        round_=c.rounds[round_key],
        witness=c.members[witness] if witness else None,
        now=utcnow(),
    )
    db.session.commit()
    return question


def support(c: Cohort, who: str, question: WitnessQuestion, supported: bool = True) -> bool:
    changed = services.set_support(
        db.session, question, user=c.people[who], supported=supported, now=utcnow()
    )
    db.session.commit()
    return changed


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def question_texts(page) -> list[str]:
    return [
        text_of(li.select_one(".govuk-summary-card__content p"))
        for li in page.select("li.govuk-summary-card")
    ]


# Asking -------------------------------------------------------------------------------


def test_labels_exist_for_every_question_action():
    for action in ("question.asked", "question.answered", "question.reopened", "question.deleted"):
        assert action in ACTION_LABELS


def test_the_form_defaults_to_the_next_evidence_hearing_and_any_witness(client_request, cohort):
    page = client_request.login(cohort.people["ann"]).get(cohort.url)
    selected = page.select_one("#round_id option[selected]")
    assert selected["value"] == str(cohort.rounds["next"].id)
    assert "Session 3: Evidence hearing: care at home" in text_of(selected)
    witness_options = [text_of(o) for o in page.select("#witness option")]
    assert witness_options == ["Any witness", "Peggy", "Tom Barker"]
    assert page.select_one("#witness option[selected]")["value"] == "any"
    assert "Margaret" not in page.get_text()  # witnesses appear by their chosen name


def test_next_evidence_hearing_skips_past_and_closed_sessions(cohort):
    today = date.today()
    rounds = services.sessions_for_questions(db.session, cohort.inquiry)
    assert services.next_evidence_hearing(rounds, today) == cohort.rounds["next"]
    cohort.rounds["next"].status = RoundStatus.CLOSED
    db.session.commit()
    rounds = services.sessions_for_questions(db.session, cohort.inquiry)
    assert cohort.rounds["next"] not in rounds
    # Undated hearings count as still to come.
    assert services.next_evidence_hearing(rounds, today) == cohort.rounds["later"]
    assert services.next_evidence_hearing([cohort.rounds["intro"]], today) is None


def test_a_participant_asks_a_question(client_request, cohort):
    client_request.login(cohort.people["ann"])
    location = client_request.post_redirect(
        cohort.url,
        {
            "text": "  What did you wish the first carer had known about you?  ",
            "round_id": str(cohort.rounds["next"].id),
            "witness": str(cohort.members["mar"].id),
        },
    )
    question = db.session.scalar(select(WitnessQuestion))
    assert location.endswith(f"/questions#question-{question.id}")
    assert question.text == "What did you wish the first carer had known about you?"
    assert question.round_id == cohort.rounds["next"].id
    assert question.witness_id == cohort.members["mar"].id
    assert question.asked_by_id == cohort.people["ann"].id
    assert question.status == QuestionStatus.OPEN

    page = client_request.get(cohort.url)
    card = page.select_one(f"#question-{question.id}")
    assert "For Peggy" in text_of(card)
    assert "Your question" in text_of(card)
    assert "No one has supported this question yet" in text_of(card)

    (event,) = audit("question.asked")
    assert event.actor_id == cohort.people["ann"].id
    assert event.details == {
        "round_id": cohort.rounds["next"].id,
        "witness_id": cohort.members["mar"].id,
    }
    assert "carer" not in str(event.details)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Enter your question"),
        ({"text": "Why? " * 201}, "Your question must be 1,000 characters or fewer"),
        ({"round_id": ""}, "Select the session for your question"),
        ({"round_id": "99999"}, "Select the session for your question"),
        ({"witness": "99999"}, "Select who the question is for"),
        ({"witness": ""}, "Select who the question is for"),
    ],
)
def test_bad_questions_are_refused_and_kept(client_request, cohort, changes, message):
    data = {
        "text": "How did you find out which carers were coming each day?",
        "round_id": str(cohort.rounds["next"].id),
        "witness": "any",
        **changes,
    }
    page = client_request.login(cohort.people["ann"]).post(cohort.url, data)
    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one("#text").get_text() == data["text"].strip()
    assert db.session.scalar(select(WitnessQuestion)) is None


def test_a_question_cannot_go_to_a_closed_session_or_another_inquirys_witness(
    client_request, cohort
):
    other = make_inquiry(cohort.people["researcher"], title="Another inquiry")
    stranger = add_member(other, make_user("sid@example.org"), Role.WITNESS)
    cohort.rounds["past"].status = RoundStatus.CLOSED
    db.session.commit()
    client_request.login(cohort.people["ann"])
    base = {"text": "What helped most?", "round_id": str(cohort.rounds["next"].id)}
    page = client_request.post(cohort.url, {**base, "witness": str(stranger.id)})
    assert error_messages(page) == ["Select who the question is for"]
    page = client_request.post(
        cohort.url, {**base, "witness": "any", "round_id": str(cohort.rounds["past"].id)}
    )
    assert error_messages(page) == ["Select the session for your question"]
    assert db.session.scalar(select(WitnessQuestion)) is None


def test_the_service_checks_what_the_form_checks(cohort):
    with pytest.raises(services.QuestionError, match="Enter your question"):
        ask(cohort, "ann", "  ")
    with pytest.raises(services.QuestionError, match="1,000"):
        ask(cohort, "ann", "x" * 1001)
    cohort.members["tom"].status = cohort.members["tom"].status.WITHDRAWN
    db.session.commit()
    with pytest.raises(services.QuestionError, match="Select a witness"):
        ask(cohort, "ann", "Fine question", witness="tom")


def test_without_sessions_there_is_no_form(client_request, app):
    researcher = make_user("rhiannon.researcher@example.org")
    inquiry = make_inquiry(researcher)
    ann = make_user("ann@example.org")
    add_member(inquiry, ann, Role.PARTICIPANT)
    url = f"/inquiries/{inquiry.id}/questions"
    page = client_request.login(ann).get(url)
    assert page.select_one("#text") is None
    assert "once the researchers have planned the sessions" in page.get_text()
    response = client_request.client.post(url, data={"text": "Anything?"})
    assert response.status_code == 302
    assert db.session.scalar(select(WitnessQuestion)) is None


@pytest.mark.parametrize("who", ["researcher", "mar"])
def test_only_participants_ask(client_request, cohort, who):
    page = client_request.login(cohort.people[who]).get(cohort.url)
    assert page.select_one("#text") is None
    response = client_request.client.post(
        cohort.url,
        data={"text": "Hello?", "round_id": str(cohort.rounds["next"].id), "witness": "any"},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(WitnessQuestion)) is None


# Support and ranking --------------------------------------------------------------------


def support_url(c: Cohort, question: WitnessQuestion) -> str:
    return f"{c.url}/{question.id}/support"


def supporters(question: WitnessQuestion) -> list[int]:
    return list(
        db.session.scalars(
            select(QuestionSupport.user_id).where(QuestionSupport.question_id == question.id)
        )
    )


def test_support_once_and_take_it_back(client_request, cohort):
    question = ask(cohort, "ann", "Who helped you most in the first week?")
    client_request.login(cohort.people["bea"])
    page = client_request.get(cohort.url)
    button = page.select_one(f"#question-{question.id} form button")
    assert text_of(button) == "Support this question"
    assert page.select_one(f"#question-{question.id} input[name=support]")["value"] == "yes"

    location = client_request.post_redirect(support_url(cohort, question), {"support": "yes"})
    assert location.endswith(f"#question-{question.id}")
    # A second press of the same button (another tab, a double click) changes nothing.
    client_request.post_redirect(support_url(cohort, question), {"support": "yes"})
    assert supporters(question) == [cohort.people["bea"].id]

    page = client_request.get(cohort.url)
    card = page.select_one(f"#question-{question.id}")
    assert "1 person supports this question" in text_of(card)
    assert text_of(card.select_one("form button")) == "Remove your support for this question"

    client_request.post_redirect(support_url(cohort, question), {"support": "no"})
    assert supporters(question) == []
    # Without a choice the button toggles.
    client_request.post_redirect(support_url(cohort, question))
    assert supporters(question) == [cohort.people["bea"].id]
    client_request.post_redirect(support_url(cohort, question))
    assert supporters(question) == []


def test_nobody_supports_their_own_question(client_request, cohort):
    question = ask(cohort, "ann", "What would you change first?")
    client_request.login(cohort.people["ann"])
    page = client_request.get(cohort.url)
    assert page.select_one(f"#question-{question.id} form") is None
    response = client_request.client.post(support_url(cohort, question), data={"support": "yes"})
    assert response.status_code == 403
    assert supporters(question) == []
    with pytest.raises(services.QuestionError):
        support(cohort, "ann", question)


def test_answered_questions_take_no_new_support(client_request, cohort):
    question = ask(cohort, "ann", "What would you change first?")
    services.mark_answered(
        db.session,
        question,
        inquiry=cohort.inquiry,
        actor=cohort.people["researcher"],
        testimony=None,
        link="",
        now=utcnow(),
    )
    db.session.commit()
    client_request.login(cohort.people["bea"])
    assert client_request.get(cohort.url).select_one(f"#question-{question.id} form") is None
    client_request.post_redirect(support_url(cohort, question), {"support": "yes"})
    assert supporters(question) == []


def test_support_for_a_question_of_another_inquiry_is_not_found(client_request, cohort):
    other = make_inquiry(cohort.people["researcher"], title="Another inquiry")
    question = WitnessQuestion(inquiry_id=other.id, text="Elsewhere?", asked_by_id=None)
    db.session.add(question)
    db.session.commit()
    client_request.login(cohort.people["bea"])
    response = client_request.client.post(support_url(cohort, question), data={})
    assert response.status_code == 404


def test_questions_are_ranked_by_support_then_oldest_first(client_request, cohort):
    first = ask(cohort, "ann", "First: how did you get your medicines sorted?")
    second = ask(cohort, "bea", "Second: who did you call at night?")
    third = ask(cohort, "cal", "Third: what did the carers get right?")
    fourth = ask(cohort, "ann", "Fourth: about your family carers", round_key="later")
    support(cohort, "ann", third)
    support(cohort, "bea", third)
    support(cohort, "cal", second)

    groups = services.ranked(
        db.session,
        cohort.inquiry,
        services.visible_questions(db.session, cohort.inquiry, cohort.members["ann"]),
        viewer=cohort.people["ann"],
        show_askers=False,
    )
    assert [g.round for g in groups] == [cohort.rounds["next"], cohort.rounds["later"]]
    assert [r.question for r in groups[0].rows] == [third, second, first]
    assert [r.supporters for r in groups[0].rows] == [2, 1, 0]
    assert [r.question for r in groups[1].rows] == [fourth]
    assert [r.supported_by_me for r in groups[0].rows] == [True, False, False]

    page = client_request.login(cohort.people["bea"]).get(cohort.url)
    assert [t.split(":")[0] for t in question_texts(page)] == [
        "Third",
        "Second",
        "First",
        "Fourth",
    ]
    headings = [text_of(h) for h in page.select("h2.govuk-heading-m")]
    assert "Session 3: Evidence hearing: care at home (" in " ".join(headings)
    assert "Session 4: Evidence hearing: family carers" in headings


# Anonymity and what witnesses see ---------------------------------------------------------


def test_participants_never_see_who_asked(client_request, cohort):
    question = ask(cohort, "ann", "What did you wish the first carer had known about you?")
    page = client_request.login(cohort.people["bea"]).get(cohort.url)
    html = str(page)
    assert "What did you wish the first carer" in html
    assert "Annika" not in html and "Sørensen" not in html
    assert "ann@example.org" not in html
    card = page.select_one(f"#question-{question.id}")
    assert "Your question" not in [text_of(tag) for tag in card.select(".govuk-tag")]
    assert f"/questions/{question.id}/delete" not in html


def test_researchers_see_who_asked(client_request, cohort):
    question = ask(cohort, "ann", "What did you wish the first carer had known about you?")
    page = client_request.login(cohort.people["researcher"]).get(cohort.url)
    assert "by Annika Sørensen" in text_of(page.select_one(f"#question-{question.id}"))
    cohort.members["ann"].status = cohort.members["ann"].status.WITHDRAWN
    db.session.commit()
    page = client_request.get(cohort.url)
    card = text_of(page.select_one(f"#question-{question.id}"))
    assert "Annika" not in card
    assert "A participant who has left the inquiry" in card


def test_a_witness_sees_only_questions_for_them_or_their_sessions(client_request, cohort):
    to_peggy = ask(cohort, "ann", "Peggy: what did the occupational therapist do?", witness="mar")
    any_next = ask(cohort, "bea", "Anyone at this hearing: what about the key safe?")
    to_tom = ask(cohort, "cal", "Tom: how did you juggle work and caring?", "later", "tom")
    any_later = ask(cohort, "ann", "Anyone at the family carers hearing: respite?", "later")
    support(cohort, "bea", to_peggy)
    support(cohort, "cal", to_peggy)

    visible = services.visible_questions(db.session, cohort.inquiry, cohort.members["mar"])
    assert set(visible) == {to_peggy, any_next}
    visible = services.visible_questions(db.session, cohort.inquiry, cohort.members["tom"])
    assert set(visible) == {to_tom, any_later}

    page = client_request.login(cohort.people["mar"]).get(cohort.url)
    html = str(page)
    assert "Peggy: what did the occupational therapist do?" in html
    assert "Anyone at this hearing" in html
    assert "Tom: how did you juggle" not in html
    assert "respite" not in html
    assert "2 people support this question" in text_of(page.select_one(f"#question-{to_peggy.id}"))
    # Read-only, and never who asked.
    assert page.select("li.govuk-summary-card form") == []
    for name in ("Annika", "Beatrice", "Cal", "Sørensen", "Okafor"):
        assert name not in html
    assert "/delete" not in html and "/answer" not in html


def test_a_witness_with_no_questions_sees_an_empty_state(client_request, cohort):
    ask(cohort, "ann", "Tom: how did you juggle work and caring?", "later", "tom")
    page = client_request.login(cohort.people["mar"]).get(cohort.url)
    assert "There are no questions for you yet" in page.get_text()


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.OBSERVER])
def test_commissioners_and_observers_do_not_see_questions(client_request, cohort, role):
    person = make_user(f"{role.value}@example.org")
    add_member(cohort.inquiry, person, role)
    client_request.login(person).get(cohort.url, expected_status=403)


# Answers ------------------------------------------------------------------------------------


def answer_url(c: Cohort, question: WitnessQuestion) -> str:
    return f"{c.url}/{question.id}/answer"


def test_a_researcher_links_an_answer_and_the_asker_is_told(client_request, cohort):
    question = ask(cohort, "ann", "Peggy: what did the occupational therapist do?", witness="mar")
    client_request.login(cohort.people["researcher"])
    page = client_request.get(answer_url(cohort, question))
    options = {i["value"]: text_of(i.find_parent("div")) for i in page.select("input[name=answer]")}
    # Only approved testimony of the question's session, or none.
    assert options == {
        str(cohort.testimony["peggy"].id): "Coming home after my fall, from Peggy",
        "none": "None: answered without linked testimony",
    }
    location = client_request.post_redirect(
        answer_url(cohort, question), {"answer": str(cohort.testimony["peggy"].id)}
    )
    assert location.endswith(f"#question-{question.id}")
    db.session.refresh(question)
    assert question.status == QuestionStatus.ANSWERED
    assert question.answer_testimony_id == cohort.testimony["peggy"].id
    assert question.answered_at is not None

    (notification,) = db.session.scalars(select(Notification)).all()
    assert notification.user_id == cohort.people["ann"].id
    assert notification.inquiry_id == cohort.inquiry.id
    assert notification.link == f"{cohort.url}#question-{question.id}"
    assert "occupational" not in notification.message

    (event,) = audit("question.answered")
    assert event.details == {"answer_testimony_id": cohort.testimony["peggy"].id}

    # Saving the same answer again changes nothing and tells nobody again.
    client_request.post_redirect(
        answer_url(cohort, question), {"answer": str(cohort.testimony["peggy"].id)}
    )
    assert len(db.session.scalars(select(Notification)).all()) == 1
    assert len(audit("question.answered")) == 1

    page = client_request.login(cohort.people["bea"]).get(cohort.url)
    card = text_of(page.select_one(f"#question-{question.id}"))
    assert "Answered" in card
    assert "Answered in: Coming home after my fall, from Peggy" in card


def test_answered_without_testimony_tells_nobody(client_request, cohort):
    question = ask(cohort, "ann", "Any witness: what about weekends?")
    client_request.login(cohort.people["researcher"])
    client_request.post_redirect(answer_url(cohort, question), {"answer": "none"})
    db.session.refresh(question)
    assert question.status == QuestionStatus.ANSWERED
    assert question.answer_testimony_id is None
    assert db.session.scalars(select(Notification)).all() == []


@pytest.mark.parametrize("which", ["peggy_draft", "tom", "missing", ""])
def test_only_approved_testimony_of_the_session_can_be_linked(client_request, cohort, which):
    question = ask(cohort, "ann", "Peggy: what did the occupational therapist do?", witness="mar")
    special = {"missing": "99999", "": ""}
    value = special[which] if which in special else str(cohort.testimony[which].id)
    page = client_request.login(cohort.people["researcher"]).post(
        answer_url(cohort, question), {"answer": value}
    )
    assert error_messages(page) == ["Select the testimony that answers the question, or none"]
    db.session.refresh(question)
    assert question.status == QuestionStatus.OPEN


def test_the_service_refuses_testimony_that_is_not_approved(cohort):
    question = ask(cohort, "ann", "Peggy: what did the occupational therapist do?")
    with pytest.raises(services.QuestionError):
        services.mark_answered(
            db.session,
            question,
            inquiry=cohort.inquiry,
            actor=cohort.people["researcher"],
            testimony=cohort.testimony["peggy_draft"],
            link="",
            now=utcnow(),
        )


def test_a_withdrawn_answer_is_never_shown(client_request, cohort):
    question = ask(cohort, "ann", "Peggy: what did the occupational therapist do?")
    services.mark_answered(
        db.session,
        question,
        inquiry=cohort.inquiry,
        actor=cohort.people["researcher"],
        testimony=cohort.testimony["peggy"],
        link="/",
        now=utcnow(),
    )
    peggy = cohort.testimony["peggy"]
    peggy.status = TestimonyStatus.WITHDRAWN
    db.session.commit()
    assert services.shown_answer(question) is None
    for who in ("bea", "mar", "researcher"):
        page = client_request.login(cohort.people[who]).get(cohort.url)
        assert "Coming home after my fall" not in page.get_text(), who


def test_a_researcher_reopens_a_question(client_request, cohort):
    question = ask(cohort, "ann", "Peggy: what did the occupational therapist do?")
    services.mark_answered(
        db.session,
        question,
        inquiry=cohort.inquiry,
        actor=cohort.people["researcher"],
        testimony=cohort.testimony["peggy"],
        link="/",
        now=utcnow(),
    )
    db.session.commit()
    client_request.login(cohort.people["researcher"])
    page = client_request.get(cohort.url)
    reopen = page.select_one(f"#question-{question.id} form")
    assert reopen["action"] == f"{cohort.url}/{question.id}/reopen"
    client_request.post_redirect(reopen["action"])
    db.session.refresh(question)
    assert question.status == QuestionStatus.OPEN
    assert question.answer_testimony_id is None
    assert question.answered_at is None
    assert len(audit("question.reopened")) == 1
    # Reopening an open question does nothing.
    client_request.post_redirect(reopen["action"])
    assert len(audit("question.reopened")) == 1


def test_answer_pages_of_another_inquirys_question_are_not_found(client_request, cohort):
    other = make_inquiry(cohort.people["researcher"], title="Another inquiry")
    question = WitnessQuestion(inquiry_id=other.id, text="Elsewhere?")
    db.session.add(question)
    db.session.commit()
    client_request.login(cohort.people["researcher"])
    assert client_request.client.get(answer_url(cohort, question)).status_code == 404
    assert client_request.client.post(f"{cohort.url}/{question.id}/reopen").status_code == 404
    assert client_request.client.get(f"{cohort.url}/{question.id}/delete").status_code == 404


# Deleting ------------------------------------------------------------------------------------


def delete_url(c: Cohort, question: WitnessQuestion) -> str:
    return f"{c.url}/{question.id}/delete"


def test_the_asker_deletes_their_open_question(client_request, cohort):
    question = ask(cohort, "ann", "What would you change first?")
    support(cohort, "bea", question)
    client_request.login(cohort.people["ann"])
    page = client_request.get(delete_url(cohort, question))
    assert text_of(page.h1) == "Delete your question?"
    assert "What would you change first?" in page.get_text()
    client_request.post_redirect(delete_url(cohort, question))
    assert db.session.scalar(select(WitnessQuestion)) is None
    assert db.session.scalar(select(QuestionSupport)) is None
    (event,) = audit("question.deleted")
    assert event.details == {"round_id": cohort.rounds["next"].id, "by_asker": True}


def test_others_cannot_delete_and_answered_questions_stay(client_request, cohort):
    question = ask(cohort, "ann", "What would you change first?")
    client_request.login(cohort.people["bea"]).get(delete_url(cohort, question), 403)
    # A witness who may not see the question is told it does not exist.
    client_request.login(cohort.people["tom"]).get(delete_url(cohort, question), 404)
    client_request.login(cohort.people["mar"]).get(delete_url(cohort, question), 403)
    services.mark_answered(
        db.session,
        question,
        inquiry=cohort.inquiry,
        actor=cohort.people["researcher"],
        testimony=None,
        link="",
        now=utcnow(),
    )
    db.session.commit()
    client_request.login(cohort.people["ann"])
    assert f"/questions/{question.id}/delete" not in str(client_request.get(cohort.url))
    response = client_request.client.post(delete_url(cohort, question))
    assert response.status_code == 403
    assert db.session.get(WitnessQuestion, question.id) is not None


def test_a_researcher_deletes_any_question(client_request, cohort):
    question = ask(cohort, "ann", "What would you change first?")
    question_id = question.id
    client_request.login(cohort.people["researcher"])
    page = client_request.get(delete_url(cohort, question))
    assert text_of(page.h1) == "Delete this question?"
    client_request.post_redirect(delete_url(cohort, question))
    assert db.session.get(WitnessQuestion, question_id) is None
    (event,) = audit("question.deleted")
    assert event.actor_id == cohort.people["researcher"].id
    assert event.details["by_asker"] is False


# Contributions ---------------------------------------------------------------------------------


def test_sessions_with_questions_cannot_be_deleted(cohort):
    ask(cohort, "ann", "What would you change first?", round_key="intro")
    blocker = deletion_blocker(db.session, cohort.rounds["intro"])
    assert blocker is not None and "1 question for witnesses" in blocker
    assert contributions.by_member(db.session, cohort.members["ann"]) == {
        "question for witnesses": 1
    }


def test_withdrawing_under_the_remove_policy_removes_questions_and_support(cohort):
    mine = ask(cohort, "ann", "What would you change first?")
    theirs = ask(cohort, "bea", "Who did you call at night?")
    support(cohort, "bea", mine)
    support(cohort, "ann", theirs)
    cohort.inquiry.withdrawal_policy = WithdrawalPolicy.REMOVE
    db.session.commit()
    contributions.remove_member_contributions(db.session, cohort.members["ann"], utcnow())
    db.session.commit()
    assert list(db.session.scalars(select(WitnessQuestion))) == [theirs]
    assert db.session.scalars(select(QuestionSupport)).all() == []


def test_a_question_page_for_someone_signed_out_asks_them_to_sign_in(client, cohort):
    sign_in_as(client, None)
    response = client.get(cohort.url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_the_page_does_not_query_once_per_question(client_request, cohort):
    def queries(who: str) -> int:
        client_request.login(cohort.people[who])
        client_request.get(cohort.url)
        with counting_queries() as statements:
            client_request.get(cohort.url)
        return len(statements)

    first = ask(cohort, "ann", "Peggy: what helped?", witness="mar")
    support(cohort, "bea", first)
    services.mark_answered(
        db.session,
        first,
        inquiry=cohort.inquiry,
        actor=cohort.people["researcher"],
        testimony=cohort.testimony["peggy"],
        link="/",
        now=utcnow(),
    )
    db.session.commit()
    few = {who: queries(who) for who in ("bea", "researcher", "mar")}
    for number in range(6):
        question = ask(cohort, "bea", f"Question {number}?", "later", "tom" if number % 2 else None)
        support(cohort, "cal", question)
        support(cohort, "ann", question)
    ask(cohort, "cal", "Peggy: and at night?", witness="mar")
    assert {who: queries(who) for who in ("bea", "researcher", "mar")} == few
