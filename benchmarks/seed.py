"""Synthetic inquiries for benchmarks and for the query-count tests.

Everything here is invented. The large inquiry has the size the performance
targets are stated for; the small one has the same shape with a few rows of each
kind, so a page whose query count differs between them issues a query per row.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from inquiry.models import (
    Agreement,
    Ballot,
    BallotItem,
    BallotPaper,
    BallotParticipation,
    BallotStatus,
    Certainty,
    ConsentAudience,
    ConsentRecord,
    ConsentText,
    Excerpt,
    Inquiry,
    InquiryMode,
    InquiryStatus,
    Invitation,
    Lens,
    Membership,
    Recommendation,
    RecommendationStatus,
    RecommendationSupport,
    RecommendationVersion,
    Reflection,
    ReflectionStatus,
    Role,
    Round,
    RoundKind,
    RoundPrompt,
    RoundStatus,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    User,
    VersionChange,
    Vote,
    utcnow,
)
from inquiry.models.profile import LIVED_EXPERIENCE, PROFESSIONAL_ROLES, SECTORS
from inquiry.results.rules import passes
from inquiry.results.services import count_votes
from inquiry.results.tally import NOT_GIVEN, pooled_groups
from inquiry.security.links import new_nonce
from inquiry.security.passwords import hash_password

PASSWORD = "benchmark password"  # noqa: S105 - synthetic accounts only
LOCALITIES = ["Bolton", "Bury", "Oldham", "Rochdale", "Salford", "Stockport", "Wigan"]
SENTENCES = [
    "The carers come at different times every day, so I never know when I can get up.",
    "What helped most was a nurse who listened before she wrote anything down.",
    "My daughter arranges everything and she is exhausted.",
    "I would rather have the same two people than a new face every morning.",
    "The equipment arrived after three weeks, by which time I had fallen twice.",
    "Being able to stay in my own kitchen matters more to me than anything.",
]


@dataclass(frozen=True)
class Size:
    participants: int
    witnesses: int
    excerpts: int
    reflections: int
    recommendations: int
    rounds: int = 6
    prompts_per_round: int = 5
    pending_invitations: int = 10


# Every participant votes in the closed ballot, so the large one has 60 ballot papers.
LARGE = Size(participants=60, witnesses=40, excerpts=400, reflections=1500, recommendations=150)
SMALL = Size(
    participants=4,
    witnesses=3,
    excerpts=6,
    reflections=8,
    recommendations=3,
    pending_invitations=2,
)
RECOMMENDATION_TITLES = [
    "One named person to call",
    "The same carers at the same times",
    "Equipment at home before discharge",
    "A break for family carers every month",
    "Care plans written with the person",
]


@dataclass
class Seeded:
    inquiry: Inquiry
    researcher: User
    participant: User
    witness: User
    round_id: int = 0  # the first session, where reflections are shared
    recommendation_id: int = 0  # the first recommendation

    def path(self, template: str) -> str:
        """A page's path under the inquiry, e.g. "/sessions/{round_id}/take-part"."""
        return f"/inquiries/{self.inquiry.id}" + template.format(
            round_id=self.round_id, recommendation_id=self.recommendation_id
        )


def _user(session: Session, email: str, name: str, password_hash: str, **kw) -> User:
    user = User(email=email, name=name, password_hash=password_hash, **kw)
    session.add(user)
    return user


def seed_inquiry(session: Session, size: Size, *, tag: str, password_hash: str) -> Seeded:
    """One inquiry of the given size, in session, with consent given by everyone."""
    rng = random.Random(tag)  # noqa: S311 - repeatable synthetic data, not security
    now = utcnow()
    researcher = _user(
        session,
        f"researcher.{tag}@example.org",
        f"Researcher {tag}",
        password_hash,
        is_researcher=True,
    )
    inquiry = Inquiry(
        title=f"Living well at home ({tag})",
        question="What would it take to help people to have a good life at home "
        "for as long as they choose?",
        mode=InquiryMode.INVERTED,
        status=InquiryStatus.IN_SESSION,
        commissioner_organisation="Northshire Health and Care Partnership",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 10, 13),
    )
    session.add(inquiry)
    session.flush()
    session.add(Membership(inquiry_id=inquiry.id, user_id=researcher.id, role=Role.RESEARCHER))

    texts = {}
    for audience in ConsentAudience:
        texts[audience] = ConsentText(
            inquiry_id=inquiry.id, audience=audience, version=1, body="About taking part."
        )
        session.add(texts[audience])

    rounds = []
    for position in range(1, size.rounds + 1):
        kind = RoundKind.EVIDENCE_HEARING if position in (2, 3) else RoundKind.REFLECTION
        round_ = Round(
            inquiry_id=inquiry.id,
            position=position,
            kind=kind,
            title=f"Session {position}",
            purpose="Listen and reflect.",
            held_on=date(2026, 9, 1) + timedelta(weeks=position - 1),
        )
        if position == 1:
            # The page measured is the session as participants use it while it runs,
            # with a form for their own reflection and a reply form on every other.
            round_.status, round_.opened_at = RoundStatus.OPEN, now - timedelta(hours=1)
        round_.prompts = [
            RoundPrompt(position=n, text=f"Prompt {n}: what stood out for you, and why?")
            for n in range(1, size.prompts_per_round + 1)
        ]
        session.add(round_)
        rounds.append(round_)

    people: list[User] = []
    participants: list[Membership] = []
    roles = list(PROFESSIONAL_ROLES)
    sectors = list(SECTORS)
    for n in range(size.participants):
        user = _user(session, f"p{n}.{tag}@example.org", f"Participant {n} {tag}", password_hash)
        people.append(user)
        session.flush()
        participant = Membership(
            inquiry_id=inquiry.id,
            user_id=user.id,
            role=Role.PARTICIPANT,
            professional_role=rng.choice(roles),
            sector=rng.choice(sectors),
            organisation="Northshire Care",
            locality=rng.choice(LOCALITIES),
        )
        session.add(participant)
        participants.append(participant)
        session.add(ConsentRecord(consent_text=texts[ConsentAudience.PARTICIPANT], user_id=user.id))

    witnesses: list[Membership] = []
    categories = list(LIVED_EXPERIENCE)
    witness_users: list[User] = []
    for n in range(size.witnesses):
        user = _user(session, f"w{n}.{tag}@example.org", f"Witness {n} {tag}", password_hash)
        witness_users.append(user)
        session.flush()
        membership = Membership(
            inquiry_id=inquiry.id,
            user_id=user.id,
            role=Role.WITNESS,
            lived_experience=rng.choice(categories),
            display_name=f"Witness {n}",
        )
        session.add(membership)
        witnesses.append(membership)
        session.add(ConsentRecord(consent_text=texts[ConsentAudience.WITNESS], user_id=user.id))
    session.flush()

    themes = [
        Theme(inquiry_id=inquiry.id, name=name)
        for name in ("Continuity of care", "Equipment", "Carers' wellbeing", "Dignity")
    ]
    session.add_all(themes)
    testimonies = []
    for n, witness in enumerate(witnesses):
        body = "\n\n".join(rng.choice(SENTENCES) for _ in range(8))
        testimony = Testimony(
            inquiry_id=inquiry.id,
            round_id=rounds[1 + n % 2].id,
            witness_id=witness.id,
            recorded_by_id=researcher.id,
            title=f"Living with care at home ({n})",
            body=body,
            status=TestimonyStatus.APPROVED,
            use=rng.choice(list(TestimonyUse)),
            approved_at=now,
        )
        session.add(testimony)
        testimonies.append(testimony)
    session.flush()
    excerpts = []
    for n in range(size.excerpts):
        testimony = testimonies[n % len(testimonies)]
        excerpt = Excerpt(
            inquiry_id=inquiry.id,
            testimony_id=testimony.id,
            text=testimony.body.split("\n\n")[0],
            created_by_id=researcher.id,
        )
        excerpt.themes = [themes[n % len(themes)]]
        session.add(excerpt)
        excerpts.append(excerpt)
    session.flush()
    _seed_reflections(session, size, rng, rounds, participants, themes)
    first = _seed_recommendations_and_ballot(
        session, size, rng, inquiry, participants, themes, excerpts
    )

    for n in range(size.pending_invitations):
        session.add(
            Invitation(
                inquiry_id=inquiry.id,
                email=f"invitee{n}.{tag}@example.org",
                role=Role.PARTICIPANT,
                nonce=new_nonce(),
                invited_by_id=researcher.id,
                created_at=now - timedelta(days=n),
                expires_at=now + timedelta(days=14 - n),
            )
        )
    session.flush()
    return Seeded(inquiry, researcher, people[0], witness_users[0], rounds[0].id, first)


def _seed_reflections(
    session: Session,
    size: Size,
    rng: random.Random,
    rounds: list[Round],
    participants: list[Membership],
    themes: list[Theme],
) -> None:
    """Shared reflections, spread over every prompt and participant in turn."""
    now = utcnow()
    slots = [
        (round_, prompt, participant)
        for round_ in rounds
        for prompt in round_.prompts
        for participant in participants
    ]
    for n, (round_, prompt, participant) in enumerate(slots[: size.reflections]):
        reflection = Reflection(
            inquiry_id=round_.inquiry_id,
            round_id=round_.id,
            prompt_id=prompt.id,
            author_id=participant.id,
            body="\n\n".join(rng.choice(SENTENCES) for _ in range(3)),
            lens=Lens.PROFESSIONAL if n % 2 else Lens.PERSONAL,
            status=ReflectionStatus.SHARED,
            shared_at=now,
        )
        if n % 3 == 0:
            reflection.themes = [themes[n % len(themes)]]
        session.add(reflection)
    session.flush()


def _seed_recommendations_and_ballot(
    session: Session,
    size: Size,
    rng: random.Random,
    inquiry: Inquiry,
    participants: list[Membership],
    themes: list[Theme],
    excerpts: list[Excerpt],
) -> int:
    """Recommendations with versions, support and evidence, and a closed ballot on which
    every participant voted (papers as a closed ballot keeps them: no voter). Returns the
    first recommendation's id."""
    now = utcnow()
    recommendations = []
    for n in range(size.recommendations):
        author = participants[n % len(participants)]
        title = f"{RECOMMENDATION_TITLES[n % len(RECOMMENDATION_TITLES)]} ({n + 1})"
        wording = {
            "title": title,
            "body": "Everyone who receives care at home has " + rng.choice(SENTENCES).lower(),
            "for_individual": rng.choice(SENTENCES),
            "for_system": "Teams share one plan and one record.",
            "who_should_act": "The council and the home care providers",
            "rationale": rng.choice(SENTENCES),
        }
        recommendation = Recommendation(
            inquiry_id=inquiry.id,
            author_id=author.id,
            status=RecommendationStatus.FROZEN,
            number=n + 1,
            proposed_at=now,
            frozen_at=now,
            **wording,
        )
        recommendation.themes = [themes[n % len(themes)]]
        recommendation.excerpts = [excerpts[(2 * n + k) % len(excerpts)] for k in range(2)]
        session.add(recommendation)
        recommendations.append(recommendation)
    session.flush()
    for n, recommendation in enumerate(recommendations):
        session.add(
            RecommendationVersion(
                recommendation_id=recommendation.id,
                revision=1,
                change=VersionChange.CREATED,
                changed_by_id=recommendation.author_id,
                title=recommendation.title,
                body=recommendation.body,
                for_individual=recommendation.for_individual,
                for_system=recommendation.for_system,
                who_should_act=recommendation.who_should_act,
                rationale=recommendation.rationale,
            )
        )
        for k in range(1, 4):
            supporter = participants[(n + k) % len(participants)]
            if supporter.id != recommendation.author_id:
                session.add(
                    RecommendationSupport(
                        recommendation_id=recommendation.id, member_id=supporter.id
                    )
                )

    ballot = Ballot(
        inquiry_id=inquiry.id,
        status=BallotStatus.CLOSED,
        opened_at=now - timedelta(days=7),
        closed_at=now,
        eligible_count=len(participants),
        participant_count=len(participants),
        pass_threshold_numerator=inquiry.pass_threshold_numerator or 2,
        pass_threshold_denominator=inquiry.pass_threshold_denominator or 3,
        quorum_percent=inquiry.quorum_percent or 50,
        agreement_scale="five_point",
    )
    session.add(ballot)
    session.flush()
    session.add_all(
        BallotItem(ballot_id=ballot.id, recommendation_id=r.id, position=n)
        for n, r in enumerate(recommendations, start=1)
    )
    answers = list(Agreement)
    certainties = list(Certainty)
    support = dict.fromkeys((r.id for r in recommendations), 0)
    counted = dict.fromkeys((r.id for r in recommendations), 0)
    # As closing a ballot stores them: a role only one voter held is stored as none.
    pooled = pooled_groups(Counter(p.professional_role or NOT_GIVEN for p in participants))
    for participant in rng.sample(participants, len(participants)):
        session.add(BallotParticipation(ballot_id=ballot.id, member_id=participant.id))
        role = participant.professional_role or NOT_GIVEN
        paper = BallotPaper(
            ballot_id=ballot.id, professional_role=NOT_GIVEN if role in pooled else role
        )
        session.add(paper)
        session.flush()
        for recommendation in recommendations:
            # Mostly agreement, so that some recommendations pass and some do not.
            agreement = rng.choice(answers[:2] * 3 + answers)
            abstained = agreement == Agreement.ABSTAIN
            session.add(
                Vote(
                    paper_id=paper.id,
                    recommendation_id=recommendation.id,
                    agreement=agreement,
                    certainty=None if abstained else rng.choice(certainties),
                    dissent="I worry this needs more staff than we have."
                    if agreement == Agreement.STRONGLY_DISAGREE
                    else "",
                )
            )
            if not abstained:
                counted[recommendation.id] += 1
                support[recommendation.id] += agreement.is_support
    for recommendation in recommendations:
        passed = passes(
            support[recommendation.id],
            counted[recommendation.id],
            ballot.pass_threshold_numerator,
            ballot.pass_threshold_denominator,
        )
        recommendation.status = (
            RecommendationStatus.ADOPTED if passed else RecommendationStatus.NOT_ADOPTED
        )
    session.flush()
    # As closing the ballot stores them.
    ballot.vote_counts = count_votes(session, ballot)
    session.flush()
    return recommendations[0].id


def seed_many(session: Session, count: int, *, password_hash: str) -> None:
    """Many small inquiries, so pages are measured in a database of realistic size."""
    for n in range(count):
        seed_inquiry(session, SMALL, tag=f"bulk{n}", password_hash=password_hash)
        if n % 50 == 49:
            session.flush()


def password_hash() -> str:
    return hash_password(PASSWORD)
