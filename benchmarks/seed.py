"""Synthetic inquiries for benchmarks and for the query-count tests.

Everything here is invented. The large inquiry has the size the performance
targets are stated for; the small one has the same shape with a few rows of each
kind, so a page whose query count differs between them issues a query per row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from inquiry.models import (
    ConsentAudience,
    ConsentRecord,
    ConsentText,
    Excerpt,
    Inquiry,
    InquiryMode,
    InquiryStatus,
    Invitation,
    Membership,
    Role,
    Round,
    RoundKind,
    RoundPrompt,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    User,
    utcnow,
)
from inquiry.models.profile import LIVED_EXPERIENCE, PROFESSIONAL_ROLES, SECTORS
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
    rounds: int = 6
    pending_invitations: int = 10


LARGE = Size(participants=60, witnesses=40, excerpts=400)
SMALL = Size(participants=4, witnesses=3, excerpts=6, pending_invitations=2)


@dataclass
class Seeded:
    inquiry: Inquiry
    researcher: User
    participant: User
    witness: User


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
        round_.prompts = [
            RoundPrompt(position=1, text="As a professional: what stood out?"),
            RoundPrompt(position=2, text="As a person who may one day need care: what matters?"),
        ]
        session.add(round_)
        rounds.append(round_)

    people: list[User] = []
    roles = list(PROFESSIONAL_ROLES)
    sectors = list(SECTORS)
    for n in range(size.participants):
        user = _user(session, f"p{n}.{tag}@example.org", f"Participant {n} {tag}", password_hash)
        people.append(user)
        session.flush()
        session.add(
            Membership(
                inquiry_id=inquiry.id,
                user_id=user.id,
                role=Role.PARTICIPANT,
                professional_role=rng.choice(roles),
                sector=rng.choice(sectors),
                organisation="Northshire Care",
                locality=rng.choice(LOCALITIES),
            )
        )
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
    return Seeded(inquiry, researcher, people[0], witness_users[0])


def seed_many(session: Session, count: int, *, password_hash: str) -> None:
    """Many small inquiries, so pages are measured in a database of realistic size."""
    for n in range(count):
        seed_inquiry(session, SMALL, tag=f"bulk{n}", password_hash=password_hash)
        if n % 50 == 49:
            session.flush()


def password_hash() -> str:
    return hash_password(PASSWORD)
