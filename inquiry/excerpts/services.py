"""Marking, retagging and deleting excerpts, and finding them for pages and the report.

An excerpt is a span of approved testimony, stored as the words quoted with
their spacing tidied. It carries the testimony's consent: whether it may be
quoted in the report is always read from ``Testimony.use``, never copied, so a
witness changing their mind takes effect everywhere at once.

Only excerpts of approved testimony are ever returned. Withdrawing testimony
deletes its excerpts; testimony sent back for changes keeps them but hides them
until it is approved again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from ..audit.service import record
from ..models import (
    Excerpt,
    Inquiry,
    Membership,
    Testimony,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    User,
    excerpt_themes,
)
from ..models.profile import LIVED_EXPERIENCE
from ..themes.services import themes_for

MIN_LENGTH = 10
MAX_LENGTH = 2000

QUOTABLE_USES = tuple(use for use in TestimonyUse if use.allows_quoting)


class ExcerptError(Exception):
    """An excerpt that cannot be marked, with a message for the person marking it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Text ------------------------------------------------------------------------------


def normalise(text: str | None) -> str:
    """Runs of spaces, tabs and line breaks become one space; the ends are trimmed."""
    return " ".join((text or "").split())


def position_in(excerpt_text: str, body: str | None) -> int:
    """Where the excerpt starts in the testimony (after tidying spaces), or -1."""
    return normalise(body).find(normalise(excerpt_text))


def check_text(text: str, testimony: Testimony) -> str:
    """The words to store for an excerpt of this testimony, or an ExcerptError."""
    quoted = normalise(text)
    if not quoted:
        raise ExcerptError("Enter the words to quote")
    if len(quoted) < MIN_LENGTH:
        raise ExcerptError(f"The excerpt must be at least {MIN_LENGTH} characters")
    if len(quoted) > MAX_LENGTH:
        raise ExcerptError(f"The excerpt must be {MAX_LENGTH:,} characters or fewer")
    if position_in(quoted, testimony.body) < 0:
        raise ExcerptError(
            "These words are not in the testimony. Copy them exactly as they appear, "
            "with the same spelling, capitals and punctuation"
        )
    return quoted


# Consent ---------------------------------------------------------------------------


def may_quote(excerpt_or_testimony: Excerpt | Testimony) -> bool:
    """Whether the report may quote it: approved testimony whose use allows quoting."""
    testimony = _testimony_of(excerpt_or_testimony)
    return (
        testimony.status == TestimonyStatus.APPROVED
        and testimony.body is not None
        and testimony.use.allows_quoting
    )


def consent_label(excerpt_or_testimony: Excerpt | Testimony) -> str:
    """How the excerpt may be used in the report, in a few words."""
    testimony = _testimony_of(excerpt_or_testimony)
    if not may_quote(testimony):
        return "Cohort only: not for the report"
    if testimony.use == TestimonyUse.QUOTE_WITH_NAME:
        return f"May be quoted with the name {testimony.witness.public_name}"
    return "May be quoted anonymously"


def lived_experience_label(membership: Membership | None) -> str:
    """The witness's lived-experience category, in their own words for "Other"."""
    if membership is None or not membership.lived_experience:
        return "Not given"
    if membership.lived_experience == "other" and membership.lived_experience_other:
        return membership.lived_experience_other
    return LIVED_EXPERIENCE.get(membership.lived_experience, "Not given")


def _testimony_of(excerpt_or_testimony: Excerpt | Testimony) -> Testimony:
    if isinstance(excerpt_or_testimony, Excerpt):
        return excerpt_or_testimony.testimony
    return excerpt_or_testimony


# Finding ---------------------------------------------------------------------------


def _of_approved_testimony(query: Select, inquiry_id: int) -> Select:
    """``query`` (over excerpts) limited to the excerpts of the inquiry's approved
    testimony."""
    return query.join(Excerpt.testimony).where(
        Excerpt.inquiry_id == inquiry_id,
        Testimony.inquiry_id == inquiry_id,
        Testimony.status == TestimonyStatus.APPROVED,
        Testimony.body.is_not(None),
    )


def _visible(inquiry_id: int) -> Select:
    """Excerpts of the inquiry's approved testimony, with everything pages show loaded
    in a fixed number of queries."""
    return _of_approved_testimony(select(Excerpt), inquiry_id).options(
        contains_eager(Excerpt.testimony).joinedload(Testimony.witness).joinedload(Membership.user),
        selectinload(Excerpt.themes),
    )


def _in_reading_order(excerpts: Iterable[Excerpt]) -> list[Excerpt]:
    """By testimony, then by where each excerpt starts in it."""
    bodies: dict[int, str] = {}

    def key(excerpt: Excerpt) -> tuple[int, int, int]:
        testimony = excerpt.testimony
        if testimony.id not in bodies:
            bodies[testimony.id] = normalise(testimony.body)
        return (testimony.id, bodies[testimony.id].find(excerpt.text), excerpt.id)

    return sorted(excerpts, key=key)


def approved_testimony_in(
    session: Session, inquiry: Inquiry, testimony_id: int
) -> Testimony | None:
    """Testimony of the inquiry that is approved (and so readable by every member)."""
    testimony = session.get(Testimony, testimony_id)
    if (
        testimony is None
        or testimony.inquiry_id != inquiry.id
        or testimony.status != TestimonyStatus.APPROVED
        or testimony.body is None
    ):
        return None
    return testimony


def excerpt_in(session: Session, inquiry: Inquiry, excerpt_id: int) -> Excerpt | None:
    """The excerpt with this id if it belongs to the inquiry's approved testimony."""
    return session.scalars(_visible(inquiry.id).where(Excerpt.id == excerpt_id)).unique().first()


def all_excerpts(session: Session, inquiry: Inquiry) -> list[Excerpt]:
    return _in_reading_order(session.scalars(_visible(inquiry.id)).unique())


def excerpt_totals(session: Session, inquiry: Inquiry) -> tuple[int, int]:
    """How many excerpts ``all_excerpts`` would list, and how many of them have no theme,
    counted in the database rather than by loading them."""
    visible = _of_approved_testimony(select(Excerpt.id), inquiry.id).subquery()
    themed = select(excerpt_themes.c.excerpt_id).where(excerpt_themes.c.excerpt_id == visible.c.id)
    total, untagged = session.execute(
        select(func.count(), func.count(case((~themed.exists(), 1)))).select_from(visible)
    ).one()
    return total, untagged


def excerpts_for_testimony(session: Session, testimony: Testimony) -> list[Excerpt]:
    if testimony.status != TestimonyStatus.APPROVED:
        return []
    query = _visible(testimony.inquiry_id).where(Excerpt.testimony_id == testimony.id)
    return _in_reading_order(session.scalars(query).unique())


def excerpts_for_theme(session: Session, inquiry: Inquiry, theme: Theme) -> list[Excerpt]:
    query = _visible(inquiry.id).where(Excerpt.themes.any(Theme.id == theme.id))
    return _in_reading_order(session.scalars(query).unique())


def quotable_excerpts(session: Session, inquiry: Inquiry) -> list[Excerpt]:
    """Excerpts the report may quote: of approved testimony whose use allows quoting.

    Cohort-only testimony is never offered; withdrawn testimony has no excerpts left.
    """
    query = _visible(inquiry.id).where(Testimony.use.in_(QUOTABLE_USES))
    return _in_reading_order(session.scalars(query).unique())


def excerpts_by_theme(
    session: Session, inquiry: Inquiry, *, quotable_only: bool
) -> list[tuple[Theme, list[Excerpt]]]:
    """Every theme of the inquiry in alphabetical order, with its excerpts.

    With ``quotable_only`` (for the report), an excerpt whose consent does not
    allow quoting is left out. Themes without excerpts come with an empty list;
    excerpts without a theme are not included.
    """
    excerpts = (
        quotable_excerpts(session, inquiry) if quotable_only else all_excerpts(session, inquiry)
    )
    by_theme: dict[int, list[Excerpt]] = {}
    for excerpt in excerpts:
        for theme in excerpt.themes:
            by_theme.setdefault(theme.id, []).append(excerpt)
    return [(theme, by_theme.get(theme.id, [])) for theme in themes_for(session, inquiry)]


def stale_excerpts(session: Session, testimony: Testimony) -> list[Excerpt]:
    """Excerpts whose words are no longer in the testimony (after it was changed)."""
    excerpts = session.scalars(select(Excerpt).where(Excerpt.testimony_id == testimony.id))
    return [e for e in excerpts if position_in(e.text, testimony.body) < 0]


def themes_by_id(session: Session, inquiry: Inquiry, theme_ids: Iterable[int]) -> list[Theme]:
    """The inquiry's themes among these ids; ids of other inquiries' themes are dropped."""
    wanted = set(theme_ids)
    return [theme for theme in themes_for(session, inquiry) if theme.id in wanted]


# Changing --------------------------------------------------------------------------


def create_excerpt(
    session: Session,
    *,
    inquiry: Inquiry,
    testimony: Testimony,
    actor: User,
    text: str,
    themes: list[Theme],
    now: datetime,
) -> Excerpt:
    if (
        testimony.inquiry_id != inquiry.id
        or testimony.status != TestimonyStatus.APPROVED
        or testimony.body is None
    ):
        raise ExcerptError("Excerpts can only be marked in approved testimony")
    quoted = check_text(text, testimony)
    duplicate = session.scalar(
        select(Excerpt.id).where(Excerpt.testimony_id == testimony.id, Excerpt.text == quoted)
    )
    if duplicate is not None:
        raise ExcerptError(
            "These words have already been marked as an excerpt. Change its themes instead"
        )
    _check_themes(inquiry, themes)
    excerpt = Excerpt(
        inquiry_id=inquiry.id,
        testimony_id=testimony.id,
        text=quoted,
        created_by_id=actor.id,
        created_at=now,
    )
    excerpt.themes = list(themes)
    session.add(excerpt)
    session.flush()
    record(
        session,
        "excerpt.created",
        actor=actor,
        inquiry=inquiry,
        object_type="excerpt",
        object_id=excerpt.id,
        testimony_id=testimony.id,
        theme_ids=sorted(theme.id for theme in themes),
    )
    return excerpt


def update_excerpt_themes(
    session: Session,
    excerpt: Excerpt,
    *,
    inquiry: Inquiry,
    actor: User,
    themes: list[Theme],
    now: datetime,
) -> bool:
    """Tag the excerpt with exactly these themes; False if they are unchanged."""
    _check_themes(inquiry, themes)
    before = {theme.id for theme in excerpt.themes}
    after = {theme.id for theme in themes}
    if before == after:
        return False
    excerpt.themes = list(themes)
    session.flush()
    record(
        session,
        "excerpt.updated",
        actor=actor,
        inquiry=inquiry,
        object_type="excerpt",
        object_id=excerpt.id,
        testimony_id=excerpt.testimony_id,
        theme_ids=sorted(after),
    )
    return True


def delete_excerpt(
    session: Session, excerpt: Excerpt, *, inquiry: Inquiry, actor: User, now: datetime
) -> None:
    excerpt_id, testimony_id = excerpt.id, excerpt.testimony_id
    session.delete(excerpt)
    session.flush()
    record(
        session,
        "excerpt.deleted",
        actor=actor,
        inquiry=inquiry,
        object_type="excerpt",
        object_id=excerpt_id,
        testimony_id=testimony_id,
    )


def _check_themes(inquiry: Inquiry, themes: list[Theme]) -> None:
    if any(theme.inquiry_id != inquiry.id for theme in themes):
        raise ExcerptError("Choose themes of this inquiry")
