"""The report's content: what it gathers from the inquiry, filtered by consent,
withdrawal and the small-group rule, with a fixed number of queries.

``make_scene`` builds a small inverted inquiry about care at home that the document
and export tests use too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from conftest import add_member, counting_queries, make_inquiry, make_user
from recommendation_factories import add_closed_paper, make_ballot, make_recommendation

from inquiry.extensions import db
from inquiry.models import (
    Agreement,
    BallotStatus,
    Certainty,
    Excerpt,
    FlagStatus,
    Inquiry,
    InquiryMode,
    Membership,
    MembershipStatus,
    QuestionKind,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireStatus,
    Recommendation,
    RecommendationStatus,
    Reflection,
    ReflectionStatus,
    Report,
    Role,
    Round,
    RoundKind,
    RoundPrompt,
    SafeguardingFlag,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    User,
    Visibility,
    utcnow,
)
from inquiry.models.recommendations import recommendation_excerpts
from inquiry.reports import content as report_content
from inquiry.reports.content import SECTIONS, as_data, build_content
from inquiry.reports.defaults import METHOD_INVERTED, METHOD_STANDARD
from inquiry.reports.document import render_document
from inquiry.testimony import services as testimony_services

# Words that must never reach the report, each unique so a search is exact.
COHORT_ONLY_QUOTE = "Confidential words shared with the cohort only about my carers"
COHORT_ONLY_NAME = "Colin Confidential"
COHORT_ONLY_CHOSEN = "Col the Quiet"
ANON_REAL_NAME = "Arthur Anonymous"
ANON_CHOSEN = "Artie Hidden"
ANON_QUOTE = "My daughter rings the agency every morning to ask who is coming"
NAMED_QUOTE = "The best carer I had sat down with me and asked about my garden"
NAMED_CHOSEN = "Maggie"
NAMED_REAL_NAME = "Margaret Okafor"
SECRET_PARTICIPANT = "Sam Unnamed"
NAMED_PARTICIPANT = "Priya Patel"
COHORT_REFLECTION = "Reflection shared with the cohort about rushed visits"
RESEARCHER_ONLY_REFLECTION = "Reflection for researchers only about a colleague"
HOSTILE_TITLE = "<script>alert(1)</script>"
# Text only researchers ever read: none of it may reach any build or download.
SAFEGUARDING_NOTE = "Safeguarding concern: the witness mentioned bruising after a visit"
SAFEGUARDING_FOLLOW_UP = "Rang the safeguarding lead about the bruising"
CHANGE_REQUEST = "Please take out the part about my neighbour Mrs Jenkins"
EVALUATION_ANSWER = "The biscuits were lovely"
RESEARCHER_ONLY_TEXT = (
    SAFEGUARDING_NOTE,
    SAFEGUARDING_FOLLOW_UP,
    CHANGE_REQUEST,
    EVALUATION_ANSWER,
)


@dataclass
class Scene:
    inquiry: Inquiry
    researcher: User
    participants: list[Membership] = field(default_factory=list)
    witnesses: dict[str, Membership] = field(default_factory=dict)
    testimony: dict[str, Testimony] = field(default_factory=dict)
    excerpts: dict[str, Excerpt] = field(default_factory=dict)
    recommendations: list[Recommendation] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)


def _member(inquiry: Inquiry, email: str, name: str, role: Role, **profile) -> Membership:
    membership = add_member(inquiry, make_user(email, name=name), role)
    for key, value in profile.items():
        setattr(membership, key, value)
    db.session.commit()
    return membership


def _testimony(
    inquiry: Inquiry, witness: Membership, body: str, use: TestimonyUse, round_: Round
) -> Testimony:
    testimony = Testimony(
        inquiry_id=inquiry.id,
        witness_id=witness.id,
        round_id=round_.id,
        title="What care at home is like",
        body=body,
        status=TestimonyStatus.APPROVED,
        use=use,
        approved_at=utcnow(),
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


def _excerpt(testimony: Testimony, text: str, themes: list[Theme]) -> Excerpt:
    excerpt = Excerpt(inquiry_id=testimony.inquiry_id, testimony_id=testimony.id, text=text)
    excerpt.themes = list(themes)
    db.session.add(excerpt)
    db.session.commit()
    return excerpt


def make_scene(*, extra_recommendations: int = 0, extra_excerpts: int = 0) -> Scene:
    """An inverted inquiry with a plan, a cohort, witnesses with every consent choice,
    excerpts under themes, reflections, two recommendations and a closed ballot."""
    researcher = make_user("rhiannon.report@example.org", name="Rhiannon Rees", researcher=True)
    inquiry = make_inquiry(researcher)
    inquiry.mode = InquiryMode.INVERTED
    inquiry.commissioner_organisation = "Northshire Council"
    inquiry.starts_on = date(2026, 3, 2)
    inquiry.ends_on = date(2026, 4, 13)
    db.session.add(
        Report(
            inquiry_id=inquiry.id,
            foreword="We asked people who give care to listen to people who receive it.",
            executive_summary="Continuity matters most.\n\nPeople want one named person.",
            acknowledgements="Thank you to every witness.",
            next_steps="Northshire Council will respond within three months.",
        )
    )
    db.session.commit()
    scene = Scene(inquiry=inquiry, researcher=researcher)

    hearing = Round(
        inquiry_id=inquiry.id,
        position=1,
        kind=RoundKind.EVIDENCE_HEARING,
        title="Hearing from people who get care at home",
        held_on=date(2026, 3, 2),
        purpose="Listen to witnesses describe a typical week.",
    )
    hearing.prompts = [RoundPrompt(position=1, text="What stayed with you?")]
    reflecting = Round(
        inquiry_id=inquiry.id,
        position=2,
        kind=RoundKind.REFLECTION,
        title="Looking back",
        held_on=date(2026, 3, 9),
    )
    reflecting.prompts = [
        RoundPrompt(position=1, text="What would you change first?"),
        RoundPrompt(
            position=2,
            text="How has your thinking changed since last week?",
            asks_about_change=True,
        ),
    ]
    db.session.add_all([hearing, reflecting])
    db.session.commit()
    scene.rounds = [hearing, reflecting]

    nurses = [
        _member(
            inquiry,
            f"nurse{n}@example.org",
            name,
            Role.PARTICIPANT,
            professional_role="nurse",
            sector="nhs",
        )
        for n, name in enumerate([NAMED_PARTICIPANT, SECRET_PARTICIPANT, "Nia Nurse", "Ned Nurse"])
    ]
    nurses[0].named_in_report = True
    social_worker = _member(
        inquiry,
        "sw@example.org",
        "Sol Worker",
        Role.PARTICIPANT,
        professional_role="social_worker",
        sector="local_authority",
    )
    gone = _member(
        inquiry,
        "gone@example.org",
        "Gita Gone",
        Role.PARTICIPANT,
        professional_role="nurse",
        sector="nhs",
        named_in_report=True,
    )
    gone.status = MembershipStatus.WITHDRAWN
    db.session.commit()
    scene.participants = [*nurses, social_worker]

    scene.witnesses = {
        "named": _member(
            inquiry,
            "maggie@example.org",
            NAMED_REAL_NAME,
            Role.WITNESS,
            display_name=NAMED_CHOSEN,
            lived_experience="receives_care",
        ),
        "anon": _member(
            inquiry,
            "arthur@example.org",
            ANON_REAL_NAME,
            Role.WITNESS,
            display_name=ANON_CHOSEN,
            lived_experience="family_or_friend",
        ),
        "cohort": _member(
            inquiry,
            "colin@example.org",
            COHORT_ONLY_NAME,
            Role.WITNESS,
            display_name=COHORT_ONLY_CHOSEN,
            lived_experience="receives_care",
        ),
    }
    continuity = Theme(inquiry_id=inquiry.id, name="Continuity of care")
    time = Theme(inquiry_id=inquiry.id, name="Time to talk")
    db.session.add_all([continuity, time])
    db.session.commit()
    uses = {
        "named": (NAMED_QUOTE, TestimonyUse.QUOTE_WITH_NAME),
        "anon": (ANON_QUOTE, TestimonyUse.QUOTE_ANONYMOUSLY),
        "cohort": (COHORT_ONLY_QUOTE, TestimonyUse.COHORT_ONLY),
    }
    for key, (quote, use) in uses.items():
        body = f"Some background first.\n\n{quote}. That is what I wanted to say."
        scene.testimony[key] = _testimony(inquiry, scene.witnesses[key], body, use, hearing)
        scene.excerpts[key] = _excerpt(scene.testimony[key], quote, [continuity])
    scene.excerpts["anon-time"] = _excerpt(
        scene.testimony["anon"], "That is what I wanted to say.", [time]
    )
    for n in range(extra_excerpts):
        text = f"Extra words number {n} about visits that are far too short"
        testimony = _testimony(
            inquiry,
            scene.witnesses["anon"],
            f"Opening.\n\n{text}.",
            TestimonyUse.QUOTE_ANONYMOUSLY,
            hearing,
        )
        _excerpt(testimony, text, [time])

    # Reflections: shared with the cohort, for researchers only, and a draft.
    change_prompt = reflecting.prompts[1]
    for author, prompt, body, visibility, status in [
        (nurses[0], hearing.prompts[0], COHORT_REFLECTION, Visibility.COHORT, "shared"),
        (
            nurses[1],
            hearing.prompts[0],
            RESEARCHER_ONLY_REFLECTION,
            Visibility.RESEARCHERS,
            "shared",
        ),
        (nurses[2], hearing.prompts[0], "A draft nobody has shared", Visibility.COHORT, "draft"),
        (nurses[0], change_prompt, "I listen differently now", Visibility.COHORT, "shared"),
        (nurses[1], change_prompt, "I ask about home first", Visibility.COHORT, "shared"),
    ]:
        db.session.add(
            Reflection(
                inquiry_id=inquiry.id,
                round_id=prompt.round_id,
                prompt_id=prompt.id,
                author_id=author.id,
                body=body,
                visibility=visibility,
                status=ReflectionStatus(status),
            )
        )
    db.session.commit()

    # Recommendations: R1 adopted with supporting quotes, R2 not adopted.
    r1 = make_recommendation(
        inquiry,
        nurses[0],
        title="A named person to call",
        status=RecommendationStatus.ADOPTED,
        number=1,
    )
    r2 = make_recommendation(
        inquiry,
        nurses[1],
        title=HOSTILE_TITLE,
        body="Visits last at least 30 minutes.",
        status=RecommendationStatus.NOT_ADOPTED,
        number=2,
    )
    extras = [
        make_recommendation(
            inquiry,
            None,
            title=f"Extra recommendation {n}",
            status=RecommendationStatus.ADOPTED,
            number=3 + n,
        )
        for n in range(extra_recommendations)
    ]
    for excerpt in scene.excerpts.values():
        for recommendation in [r1, *extras]:
            db.session.execute(
                recommendation_excerpts.insert().values(
                    recommendation_id=recommendation.id, excerpt_id=excerpt.id
                )
            )
    # A draft and a proposed recommendation never reach the report.
    make_recommendation(inquiry, nurses[2], title="A draft idea", status=RecommendationStatus.DRAFT)
    make_recommendation(inquiry, nurses[3], title="Still being discussed")
    db.session.commit()
    scene.recommendations = [r1, r2, *extras]

    on_ballot = scene.recommendations
    ballot = make_ballot(inquiry, on_ballot, status=BallotStatus.CLOSED)
    ballot.eligible_count = 5
    ballot.participant_count = 5
    for _ in range(4):
        add_closed_paper(
            ballot,
            {r: (Agreement.AGREE, Certainty.HIGH) for r in on_ballot}
            | {r2: (Agreement.DISAGREE, Certainty.LOW)},
            professional_role="nurse",
        )
    add_closed_paper(
        ballot,
        {r: (Agreement.STRONGLY_AGREE, Certainty.MEDIUM) for r in on_ballot},
        professional_role="social_worker",
        dissent={r2: "Thirty minutes is not enough for a bath."},
    )
    _researcher_only_text(scene, hearing)
    return scene


def _researcher_only_text(scene: Scene, hearing: Round) -> None:
    """A safeguarding concern, a witness's request to change their testimony and a
    written answer to the evaluation: all for researchers only."""
    inquiry = scene.inquiry
    db.session.add(
        SafeguardingFlag(
            inquiry_id=inquiry.id,
            object_type="testimony",
            object_id=scene.testimony["named"].id,
            note=SAFEGUARDING_NOTE,
            status=FlagStatus.FOLLOWED_UP,
            follow_up_note=SAFEGUARDING_FOLLOW_UP,
            raised_by_id=scene.researcher.id,
        )
    )
    changing = _testimony(
        inquiry,
        scene.witnesses["named"],
        "A second account, being changed.",
        TestimonyUse.QUOTE_WITH_NAME,
        hearing,
    )
    changing.status = TestimonyStatus.CHANGES_REQUESTED
    changing.approved_at = None
    changing.change_request = CHANGE_REQUEST
    questionnaire = Questionnaire(
        inquiry_id=inquiry.id,
        status=QuestionnaireStatus.CLOSED,
        questions=[
            QuestionnaireItem(
                position=1, kind=QuestionKind.AGREEMENT, text="I was able to say what I thought"
            ),
            QuestionnaireItem(position=2, kind=QuestionKind.FREE_TEXT, text="Anything else?"),
        ],
    )
    db.session.add(questionnaire)
    db.session.flush()
    agreement, written = questionnaire.questions
    for value, words in [(5, EVALUATION_ANSWER), (4, ""), (2, "")]:
        db.session.add(
            QuestionnaireResponse(
                questionnaire_id=questionnaire.id,
                role="participant",
                answers=[
                    QuestionnaireAnswer(item_id=agreement.id, value=value),
                    QuestionnaireAnswer(item_id=written.id, text=words),
                ],
            )
        )
    db.session.commit()


@pytest.fixture
def scene(app) -> Scene:
    return make_scene()


def content_of(scene: Scene):
    return build_content(db.session, scene.inquiry, now=utcnow())


def all_text(content) -> str:
    """Every string in the content tree, as the JSON download holds it."""
    import json

    return json.dumps(as_data(content), ensure_ascii=False)


# Sections -------------------------------------------------------------------------------


def test_sections_are_listed_in_order_with_unique_keys():
    keys = [key for key, _ in SECTIONS]
    assert len(keys) == len(set(keys))
    assert keys[0] == "foreword"
    assert keys[-1] == "appendix"
    assert {"what-we-heard", "recommendations", "matrix", "responses"} <= set(keys)
    assert all(len(key) <= 40 for key in keys)


# Cover and narrative ----------------------------------------------------------------------


def test_cover_and_narrative_come_from_the_inquiry_and_report(scene):
    content = content_of(scene)
    assert content.cover.title == "Living well at home"
    assert content.cover.commissioner == "Northshire Council"
    assert content.cover.mode == "Inverted inquiry"
    assert content.cover.dates == "2 March 2026 to 13 April 2026"
    assert content.narrative.foreword.startswith("We asked people who give care")
    assert content.narrative.next_steps.startswith("Northshire Council will respond")
    # No response has been published (test_report_responses.py covers one that has).
    assert content.responses is None
    assert all(entry.response is None for entry in content.recommendations)


def test_method_uses_the_default_for_the_mode_until_researchers_write_their_own(app):
    researcher = make_user("r@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    content = build_content(db.session, inquiry, now=utcnow())
    # No Report row yet: every narrative section is empty, the method is the default.
    assert content.narrative.foreword == ""
    assert content.narrative.method == METHOD_STANDARD
    assert content.narrative.method_is_default
    inquiry.mode = InquiryMode.INVERTED
    db.session.add(Report(inquiry_id=inquiry.id, method="   "))
    db.session.commit()
    content = build_content(db.session, inquiry, now=utcnow())
    assert content.narrative.method == METHOD_INVERTED
    assert "professionals" in METHOD_INVERTED and "lived experience" in METHOD_INVERTED
    db.session.scalar(db.select(Report)).method = "We met six times in Northtown library."
    db.session.commit()
    content = build_content(db.session, inquiry, now=utcnow())
    assert content.narrative.method == "We met six times in Northtown library."
    assert not content.narrative.method_is_default


# The plan and deliberation ----------------------------------------------------------------


def test_sessions_count_shared_reflections_and_changes_of_view_without_quoting(scene):
    content = content_of(scene)
    hearing, reflecting = content.sessions
    assert (hearing.number, hearing.title, hearing.held_on) == (
        1,
        "Hearing from people who get care at home",
        date(2026, 3, 2),
    )
    # Two shared (one for researchers only); the draft is not counted.
    assert hearing.reflections == 2
    assert hearing.change_prompts == []
    assert reflecting.reflections == 2
    assert [(p.text, p.reflections) for p in reflecting.change_prompts] == [
        ("How has your thinking changed since last week?", 2)
    ]
    text = all_text(content)
    for words in (COHORT_REFLECTION, RESEARCHER_ONLY_REFLECTION, "I listen differently now"):
        assert words not in text


# Who took part ------------------------------------------------------------------------------


def test_composition_hides_small_groups_and_names_only_those_who_agreed(scene):
    content = content_of(scene)
    taking_part = content.taking_part
    assert taking_part.participants == 5
    assert taking_part.witnesses == 3
    roles = next(b for b in taking_part.breakdowns if b.label == "Professional role")
    counts = {group.label: group.count for group in roles.groups}
    # One social worker: "fewer than 3"; the nurses withheld so it cannot be worked out.
    assert counts["Social worker"] == "fewer than 3"
    assert counts["Nurse"] == "not shown"
    lived = next(b for b in taking_part.breakdowns if b.label == "Lived experience")
    assert lived.role == "witness"
    assert {g.label: g.count for g in lived.groups}["Family member or friend arranging care"] == (
        "fewer than 3"
    )
    assert "Locality" not in [b.label for b in taking_part.breakdowns]
    # Named only with their agreement, and never once withdrawn.
    assert taking_part.named_participants == [NAMED_PARTICIPANT]
    text = all_text(content)
    assert SECRET_PARTICIPANT not in text
    assert "Gita Gone" not in text


def test_recruitment_counts_people_by_role_without_names(scene):
    content = content_of(scene)
    participants, witnesses = content.appendix.recruitment
    assert participants.role == "Participants"
    assert participants.joined == 6
    assert participants.withdrew == "fewer than 3"
    assert participants.taking_part == 5
    assert witnesses.joined == 3
    assert witnesses.withdrew == 0


# Consent ---------------------------------------------------------------------------------


def test_witnesses_are_named_only_as_they_chose_and_cohort_only_never_appears(scene):
    content = content_of(scene)
    witnesses = {w.name: w for w in content.evidence.witnesses}
    assert set(witnesses) == {NAMED_CHOSEN, "Witness A"}
    assert witnesses[NAMED_CHOSEN].named
    assert witnesses[NAMED_CHOSEN].lived_experience == "Receives care at home"
    assert witnesses[NAMED_CHOSEN].sessions == ["Hearing from people who get care at home"]
    assert not witnesses["Witness A"].named
    assert witnesses["Witness A"].lived_experience == "Family member or friend arranging care"
    # The cohort-only witness is counted (as a small group), never listed.
    assert content.evidence.cohort_only_witnesses == "fewer than 3"
    text = all_text(content)
    for secret in (
        COHORT_ONLY_QUOTE,
        COHORT_ONLY_NAME,
        COHORT_ONLY_CHOSEN,
        ANON_REAL_NAME,
        ANON_CHOSEN,
        NAMED_REAL_NAME,
    ):
        assert secret not in text


def test_quotes_are_grouped_by_theme_and_attributed_as_the_witness_chose(scene):
    content = content_of(scene)
    themes = {theme.name: theme.quotes for theme in content.themes}
    assert list(themes) == ["Continuity of care", "Time to talk"]
    continuity = [(q.text, q.attribution) for q in themes["Continuity of care"]]
    assert (NAMED_QUOTE, NAMED_CHOSEN) in continuity
    assert (ANON_QUOTE, "Witness A") in continuity
    assert all(text != COHORT_ONLY_QUOTE for text, _ in continuity)
    # The recommendation's supporting quotes are filtered the same way.
    r1 = content.recommendations[0]
    assert {q.text for q in r1.quotes} == {NAMED_QUOTE, ANON_QUOTE, "That is what I wanted to say."}


def test_a_witness_with_any_anonymous_testimony_is_anonymous_throughout(scene):
    extra = _testimony(
        scene.inquiry,
        scene.witnesses["named"],
        "Another time.\n\nThe night carers never read the notes.",
        TestimonyUse.QUOTE_ANONYMOUSLY,
        scene.rounds[0],
    )
    _excerpt(extra, "The night carers never read the notes", [])
    content = content_of(scene)
    names = [w.name for w in content.evidence.witnesses]
    assert names == ["Witness A", "Witness B"]
    assert NAMED_CHOSEN not in all_text(content)


def test_changing_consent_to_cohort_only_removes_witness_and_quotes(scene):
    testimony_services.change_use(
        db.session,
        scene.testimony["named"],
        inquiry=scene.inquiry,
        actor=scene.witnesses["named"].user,
        use=TestimonyUse.COHORT_ONLY,
        now=utcnow(),
    )
    db.session.commit()
    content = content_of(scene)
    assert [w.name for w in content.evidence.witnesses] == ["Witness A"]
    text = all_text(content)
    assert NAMED_QUOTE not in text
    assert NAMED_CHOSEN not in text


def test_withdrawn_testimony_is_absent_from_content_built_after_withdrawal(scene):
    before = all_text(content_of(scene))
    assert ANON_QUOTE in before
    testimony_services.withdraw(
        db.session,
        scene.testimony["anon"],
        inquiry=scene.inquiry,
        actor=scene.witnesses["anon"].user,
        now=utcnow(),
    )
    db.session.commit()
    content = content_of(scene)
    text = all_text(content)
    assert ANON_QUOTE not in text
    assert "That is what I wanted to say." not in text
    assert [w.name for w in content.evidence.witnesses] == [NAMED_CHOSEN]
    assert [theme.name for theme in content.themes] == ["Continuity of care"]


def test_a_withdrawn_witness_is_never_named(scene):
    witness = scene.witnesses["named"]
    witness.status = MembershipStatus.WITHDRAWN
    db.session.commit()
    content = content_of(scene)
    assert NAMED_CHOSEN not in all_text(content)
    assert sorted(w.name for w in content.evidence.witnesses) == ["Witness A", "Witness B"]


# Recommendations and results --------------------------------------------------------------


def test_recommendations_on_the_ballot_in_order_with_results(scene):
    content = content_of(scene)
    refs = [(r.reference, r.title) for r in content.recommendations]
    assert refs == [("R1", "A named person to call"), ("R2", HOSTILE_TITLE)]
    r1, r2 = content.recommendations
    assert r1.for_individual.startswith("I know who to ring")
    assert r1.for_system.startswith("Care teams agree")
    assert r1.outcome.passed
    assert r1.outcome.support_percent == 100
    assert r1.outcome.zone == "Simple"
    assert not r2.outcome.passed
    assert r2.outcome.support_percent == 20
    assert r2.outcome.dissent == ["Thirty minutes is not enough for a bath."]
    # The report is public: the lone social worker's group is hidden.
    social = next(g for g in r1.outcome.by_role if g.label == "Social worker")
    assert not social.shown and social.votes is None
    (ballot,) = content.ballots
    assert (ballot.passed, ballot.total, ballot.references) == (1, 2, ["R1", "R2"])
    assert (content.adopted, content.put_to_vote) == (1, 2)
    assert [row.reference for row in content.matrix.rows] == ["R1", "R2"]
    assert "svg" not in as_data(content)["matrix"]
    assert content.appendix.voting_rule.startswith("A recommendation passes when")


def test_a_ballot_that_did_not_count_gives_the_report_no_votes(app):
    researcher = make_user("r@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    recommendation = make_recommendation(
        inquiry, None, title="Going to the vote", status=RecommendationStatus.FROZEN, number=1
    )
    ballot = make_ballot(inquiry, [recommendation], status=BallotStatus.CLOSED)
    ballot.eligible_count, ballot.participant_count = 10, 2
    add_closed_paper(
        ballot,
        {recommendation: (Agreement.STRONGLY_DISAGREE, Certainty.HIGH)},
        dissent={recommendation: "Only the two of us think this."},
    )
    add_closed_paper(ballot, {recommendation: (Agreement.AGREE, Certainty.LOW)})
    db.session.commit()
    content = build_content(db.session, inquiry, now=utcnow())
    (summary,) = content.ballots
    assert not summary.quorum_met
    (entry,) = content.recommendations
    assert (entry.status, entry.outcome) == ("Going to the vote", None)
    data = str(as_data(content))
    assert "Only the two of us" not in data and "strongly_disagree" not in data
    assert content.matrix is None
    html = render_document(content, draft=False, asset_base="/static/report/")
    assert "did not reach its quorum, so how people voted in it is not shown" in html
    assert "How people voted" not in html and "Only the two of us" not in html


def _closed_ballot(inquiry, recommendations, agreement, *, voters, eligible=5):
    ballot = make_ballot(inquiry, recommendations, status=BallotStatus.CLOSED)
    ballot.eligible_count, ballot.participant_count = eligible, voters
    for _ in range(voters):
        add_closed_paper(ballot, {r: (agreement, Certainty.HIGH) for r in recommendations})
    return ballot


def test_each_recommendation_has_the_results_of_the_last_ballot_it_was_on(app):
    researcher = make_user("r@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    r1, r2, r3 = (
        make_recommendation(
            inquiry, None, title=title, status=RecommendationStatus.FROZEN, number=number
        )
        for number, title in enumerate(
            ["A named person to call", "Visits at a set time", "A carer who stays"], start=1
        )
    )
    # R1 is decided by the first ballot; the second, over R2 and R3, has two voters and
    # does not count; R2 goes to a third ballot, which counts.
    _closed_ballot(inquiry, [r1], Agreement.STRONGLY_AGREE, voters=4)
    _closed_ballot(inquiry, [r2, r3], Agreement.STRONGLY_AGREE, voters=2)
    _closed_ballot(inquiry, [r2], Agreement.STRONGLY_DISAGREE, voters=3)
    inquiry.pass_threshold_numerator = 3
    inquiry.pass_threshold_denominator = 4
    db.session.commit()

    content = build_content(db.session, inquiry, now=utcnow())
    assert [(b.references, b.quorum_met, b.passed) for b in content.ballots] == [
        (["R1"], True, 1),
        (["R2", "R3"], False, 0),
        (["R2"], True, 0),
    ]
    first, second, third = content.recommendations
    assert first.outcome.passed and first.outcome.support_percent == 100
    assert not second.outcome.passed and second.outcome.support_percent == 0
    assert (third.status, third.outcome) == ("Going to the vote", None)
    assert (content.adopted, content.put_to_vote) == (1, 3)
    assert [row.reference for row in content.matrix.rows] == ["R1", "R2"]
    assert "R3" not in content.matrix.svg
    # The rule was the same for the three ballots; the inquiry's has changed since.
    assert content.appendix.ballot_rules == []
    assert as_data(content)["ballots"][1]["references"] == ["R2", "R3"]

    # A draft holds the executive summary even before the researchers have written it.
    html = render_document(content, draft=True, asset_base="/static/report/")
    assert "put to 3 secret ballots" in html
    assert "Ballot 2, on R2 and R3, closed on" in html
    assert "1 of 3 recommendations put to the vote were adopted" in html
    assert "every ballot that counted" in html


def test_the_appendix_gives_each_ballots_rule_when_they_differ(app):
    researcher = make_user("r@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    r1, r2 = (
        make_recommendation(
            inquiry, None, title=title, status=RecommendationStatus.FROZEN, number=number
        )
        for number, title in enumerate(["A named person to call", "Visits at a set time"], 1)
    )
    _closed_ballot(inquiry, [r1], Agreement.AGREE, voters=3)
    inquiry.pass_threshold_numerator, inquiry.pass_threshold_denominator = 3, 4
    _closed_ballot(inquiry, [r2], Agreement.AGREE, voters=3)
    db.session.commit()

    content = build_content(db.session, inquiry, now=utcnow())
    first, second = content.appendix.ballot_rules
    assert first.startswith("Ballot 1 (R1): ") and "two thirds" in first
    assert second.startswith("Ballot 2 (R2): ") and "three quarters" in second
    html = render_document(content, draft=False, asset_base="/static/report/")
    assert "Each ballot was counted by the rules set when it opened." in html


def test_without_a_closed_ballot_there_are_no_results(app):
    researcher = make_user("r@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    make_recommendation(
        inquiry, None, title="Going to the vote", status=RecommendationStatus.FROZEN, number=1
    )
    content = build_content(db.session, inquiry, now=utcnow())
    assert [r.status for r in content.recommendations] == ["Going to the vote"]
    assert content.recommendations[0].outcome is None
    assert content.ballots == [] and content.matrix is None
    assert content.appendix.voting_rule == inquiry.voting_rule
    assert content.appendix.evaluation is None


def test_letters_run_on_after_z():
    assert [report_content._letters(n) for n in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]


# Speed -------------------------------------------------------------------------------------


def _queries_for(extra: int) -> int:
    scene = make_scene(extra_recommendations=extra, extra_excerpts=extra)
    db.session.expire_all()
    inquiry = db.session.get(Inquiry, scene.inquiry.id)
    with counting_queries() as statements:
        content = build_content(db.session, inquiry, now=utcnow())
    assert len(content.recommendations) == 2 + extra
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_inquiry(app):
    small = _queries_for(1)
    from conftest import empty_database

    empty_database()
    large = _queries_for(28)
    assert large == small
    assert small <= 40


# Evaluation --------------------------------------------------------------------------------


def test_evaluation_results_are_counted_and_written_answers_never_quoted(scene):
    # The scene's closed questionnaire: three answers to one statement, one written.
    content = content_of(scene)
    evaluation = content.appendix.evaluation
    assert evaluation.shown and evaluation.responses == 3
    (statement,) = evaluation.statements
    assert (statement.text, statement.answered, statement.percent_agree) == (
        "I was able to say what I thought",
        3,
        67,
    )
    assert evaluation.written_answers == 1
    assert EVALUATION_ANSWER not in all_text(content)
    from inquiry.reports.document import render_document

    html = render_document(content, draft=False, asset_base="/static/report/")
    assert "I was able to say what I thought" in html and "67%" in html
    assert EVALUATION_ANSWER not in html
