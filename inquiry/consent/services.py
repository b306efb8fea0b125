"""Publishing versioned consent texts, recording agreement, and who has agreed.

Texts are never edited in place: publishing makes a new version, and members of
that audience are asked to agree again at their next visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session, contains_eager

from ..audit.service import record
from ..models import (
    ConsentAudience,
    ConsentRecord,
    ConsentText,
    Inquiry,
    Membership,
    MembershipStatus,
    Role,
    User,
)

# The roles asked to agree to a text, and the text each one reads.
AUDIENCE_OF_ROLE = {
    Role.PARTICIPANT: ConsentAudience.PARTICIPANT,
    Role.WITNESS: ConsentAudience.WITNESS,
}
ROLE_OF_AUDIENCE = {audience: role for role, audience in AUDIENCE_OF_ROLE.items()}

BODY_MAX_LENGTH = 20000


class StaleVersionError(Exception):
    """Someone published a newer version while the researcher was editing."""

    def __init__(self, current_version: int) -> None:
        super().__init__(current_version)
        self.current_version = current_version


def audience_for(role: Role | None) -> ConsentAudience | None:
    return AUDIENCE_OF_ROLE.get(role) if role is not None else None


def normalise(body: str) -> str:
    """The text as stored: Unix line ends, no trailing spaces, no blank lines around it."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


# Reading texts -----------------------------------------------------------------


def current_text(
    session: Session, inquiry: Inquiry, audience: ConsentAudience
) -> ConsentText | None:
    return session.scalar(
        select(ConsentText)
        .where(ConsentText.inquiry_id == inquiry.id, ConsentText.audience == audience)
        .order_by(ConsentText.version.desc())
        .limit(1)
    )


def versions(session: Session, inquiry: Inquiry, audience: ConsentAudience) -> list[ConsentText]:
    """Every version for the audience, newest first."""
    return list(
        session.scalars(
            select(ConsentText)
            .where(ConsentText.inquiry_id == inquiry.id, ConsentText.audience == audience)
            .order_by(ConsentText.version.desc())
        )
    )


def get_version(
    session: Session, inquiry: Inquiry, audience: ConsentAudience, version: int
) -> ConsentText | None:
    return session.scalar(
        select(ConsentText).where(
            ConsentText.inquiry_id == inquiry.id,
            ConsentText.audience == audience,
            ConsentText.version == version,
        )
    )


# Built once: it runs on every request of a participant or witness (see pending_text_id).
_PENDING_TEXT = (
    select(ConsentText.id, ConsentRecord.id)
    .outerjoin(
        ConsentRecord,
        and_(
            ConsentRecord.consent_text_id == ConsentText.id,
            ConsentRecord.user_id == bindparam("user_id"),
            ConsentRecord.withdrawn_at.is_(None),
        ),
    )
    .where(
        ConsentText.inquiry_id == bindparam("inquiry_id"),
        ConsentText.audience == bindparam("audience"),
    )
    .order_by(ConsentText.version.desc())
    .limit(1)
)


def pending_text_id(
    session: Session, *, inquiry_id: int, user_id: int, audience: ConsentAudience
) -> int | None:
    """The id of the current text when the user has not agreed to it, else None.

    One query: the latest version joined to this user's agreement to it, if any.
    Used on every request of a participant or witness, so it reads no text bodies.
    """
    row = session.execute(
        _PENDING_TEXT, {"user_id": user_id, "inquiry_id": inquiry_id, "audience": audience}
    ).first()
    if row is None:
        return None
    text_id, record_id = row
    return text_id if record_id is None else None


def latest_agreement(
    session: Session, inquiry: Inquiry, audience: ConsentAudience, user: User
) -> ConsentRecord | None:
    """The user's agreement to the newest version they agreed to, if any.

    Pages show the version and when it was agreed, so the text's body and author are not
    loaded with it (the overview asks on every visit)."""
    return session.scalar(
        select(ConsentRecord)
        .join(ConsentText, ConsentRecord.consent_text_id == ConsentText.id)
        .where(
            ConsentText.inquiry_id == inquiry.id,
            ConsentText.audience == audience,
            ConsentRecord.user_id == user.id,
            ConsentRecord.withdrawn_at.is_(None),
        )
        .order_by(ConsentText.version.desc())
        .limit(1)
        .options(
            contains_eager(ConsentRecord.consent_text)
            .load_only(ConsentText.version)
            .lazyload(ConsentText.created_by)
        )
    )


# Changing things ---------------------------------------------------------------


def publish_text(
    session: Session,
    *,
    inquiry: Inquiry,
    audience: ConsentAudience,
    body: str,
    based_on: int,
    actor: User,
    now: datetime,
) -> ConsentText | None:
    """Publish ``body`` as the next version; None when it equals the current text.

    ``based_on`` is the version the researcher started editing from (0 for none):
    if someone has published since, nothing is saved and StaleVersionError says so.
    """
    current = current_text(session, inquiry, audience)
    current_version = current.version if current else 0
    if based_on != current_version:
        raise StaleVersionError(current_version)
    body = normalise(body)
    if current is not None and current.body == body:
        return None
    text = ConsentText(
        inquiry_id=inquiry.id,
        audience=audience,
        version=current_version + 1,
        body=body,
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(text)
    session.flush()
    record(
        session,
        "consent.text_published",
        actor=actor,
        inquiry=inquiry,
        object_type="consent_text",
        object_id=text.id,
        audience=audience.value,
        version=text.version,
    )
    return text


def give_consent(
    session: Session, *, inquiry: Inquiry, text: ConsentText, user: User, now: datetime
) -> ConsentRecord:
    """Record that ``user`` agrees to ``text``; agreeing twice changes nothing."""
    existing = session.scalar(
        select(ConsentRecord).where(
            ConsentRecord.consent_text_id == text.id, ConsentRecord.user_id == user.id
        )
    )
    if existing is not None and existing.withdrawn_at is None:
        return existing
    if existing is not None:
        existing.agreed_at = now
        existing.withdrawn_at = None
        consent = existing
    else:
        consent = ConsentRecord(consent_text_id=text.id, user_id=user.id, agreed_at=now)
        session.add(consent)
    session.flush()
    record(
        session,
        "consent.given",
        actor=user,
        inquiry=inquiry,
        object_type="consent_text",
        object_id=text.id,
        audience=text.audience.value,
        version=text.version,
    )
    return consent


# Who has agreed ----------------------------------------------------------------


@dataclass(frozen=True)
class MemberConsent:
    membership: Membership
    # The newest version this member agreed to, and when; None if never.
    version: int | None
    agreed_at: datetime | None
    current_version: int | None

    @property
    def is_current(self) -> bool:
        return self.version is not None and self.version == self.current_version

    @property
    def status(self) -> str:
        if self.version is None:
            return "Not yet agreed"
        if self.is_current:
            return f"Agreed to version {self.version}"
        return "Agreed to an older version"


def member_consents(
    session: Session, inquiry: Inquiry, audience: ConsentAudience, current: ConsentText | None
) -> list[MemberConsent]:
    """Every active member of the audience's role, by name, with their newest agreement."""
    memberships = list(
        session.scalars(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role == ROLE_OF_AUDIENCE[audience],
                Membership.status == MembershipStatus.ACTIVE,
            )
            .order_by(func.lower(User.name), User.id)
        ).unique()
    )
    newest: dict[int, tuple[int, datetime]] = {}
    if memberships:
        rows = session.execute(
            select(ConsentRecord.user_id, ConsentText.version, ConsentRecord.agreed_at)
            .join(ConsentText, ConsentRecord.consent_text_id == ConsentText.id)
            .where(
                ConsentText.inquiry_id == inquiry.id,
                ConsentText.audience == audience,
                ConsentRecord.withdrawn_at.is_(None),
                ConsentRecord.user_id.in_([m.user_id for m in memberships]),
            )
        )
        for user_id, version, agreed_at in rows:
            if user_id not in newest or version > newest[user_id][0]:
                newest[user_id] = (version, agreed_at)
    current_version = current.version if current else None
    return [
        MemberConsent(
            membership=membership,
            version=newest.get(membership.user_id, (None, None))[0],
            agreed_at=newest.get(membership.user_id, (None, None))[1],
            current_version=current_version,
        )
        for membership in memberships
    ]


@dataclass(frozen=True)
class AudienceSummary:
    audience: ConsentAudience
    current: ConsentText | None
    versions: list[ConsentText]
    members: int
    agreed: int


def summaries(session: Session, inquiry: Inquiry) -> list[AudienceSummary]:
    result = []
    for audience in ConsentAudience:
        all_versions = versions(session, inquiry, audience)
        current = all_versions[0] if all_versions else None
        consents = member_consents(session, inquiry, audience, current)
        result.append(
            AudienceSummary(
                audience=audience,
                current=current,
                versions=all_versions,
                members=len(consents),
                agreed=sum(1 for c in consents if c.is_current),
            )
        )
    return result


# Showing a text ----------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A piece of a text: a heading, a bulleted list or a paragraph of lines."""

    kind: str
    lines: list[str]


def blocks(body: str) -> list[Block]:
    """Split plain text into blocks: blank lines separate them.

    A block of one line starting "## " is a heading; a block whose every line
    starts "- " or "* " is a bulleted list; anything else is a paragraph whose
    line breaks are kept. Nothing is treated as HTML: templates escape every line.
    """
    result: list[Block] = []
    for chunk in normalise(body).split("\n\n"):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("## ") and lines[0][3:].strip():
            result.append(Block("heading", [lines[0][3:].strip()]))
        elif all(line.lstrip().startswith(("- ", "* ")) for line in lines):
            result.append(Block("list", [line.lstrip()[2:].strip() for line in lines]))
        else:
            result.append(Block("paragraph", lines))
    return result
