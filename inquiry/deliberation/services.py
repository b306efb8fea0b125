"""Session progress, reading and tagging shared reflections, and the theme board.

Drafts are private to their author: nothing here shows a draft's words to anyone.
Progress only says whether a participant has a draft. Every list is loaded in a
fixed number of queries, whatever the size of the cohort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from flask import url_for
from sqlalchemy import and_, delete, func, insert, not_, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import policy
from ..audit.service import record
from ..excerpts import services as excerpt_services
from ..extensions import db
from ..models import (
    Excerpt,
    Inquiry,
    Lens,
    Membership,
    MembershipStatus,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    Role,
    Round,
    RoundPrompt,
    Theme,
    User,
    Visibility,
    reflection_themes,
)
from ..safeguarding import services as safeguarding
from ..themes import services as theme_services

FORMER_PARTICIPANT = "A former participant"


class TaggingError(Exception):
    """Themes that cannot be given to a reflection, with a message for the researcher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def author_label(membership: Membership | None) -> str:
    """The author's name, or a neutral label once they have left the inquiry (their
    contributions are then kept without their name)."""
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        return FORMER_PARTICIPANT
    return membership.public_name


def sorted_themes(reflection: Reflection) -> list[Theme]:
    return sorted(reflection.themes, key=lambda theme: (theme.name.casefold(), theme.id))


# Session progress -----------------------------------------------------------------

SHARED = "shared"
DRAFT = "draft"
NOT_STARTED = "not_started"

PROGRESS_LABELS = {SHARED: "Shared", DRAFT: "Draft only", NOT_STARTED: "Not started"}


@dataclass(frozen=True)
class ParticipantProgress:
    membership: Membership
    state: str
    shared_prompts: int = 0  # how many of the session's prompts they have shared on
    last_activity: datetime | None = None

    @property
    def label(self) -> str:
        return PROGRESS_LABELS[self.state]


@dataclass(frozen=True)
class ProgressCounts:
    """How many active participants have shared, have only a draft, or have not started."""

    shared: int = 0
    draft: int = 0
    not_started: int = 0

    @property
    def total(self) -> int:
        return self.shared + self.draft + self.not_started

    def describe(self) -> str:
        """'12 have shared, 3 have a draft and 5 have not started'."""
        parts = [
            f"{self.shared} {'has' if self.shared == 1 else 'have'} shared",
            f"{self.draft} {'has' if self.draft == 1 else 'have'} a draft",
            f"{self.not_started} {'has' if self.not_started == 1 else 'have'} not started",
        ]
        return f"{parts[0]}, {parts[1]} and {parts[2]}"


def _active_participants(session: Session, inquiry_id: int) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .where(
                Membership.inquiry_id == inquiry_id,
                Membership.role == Role.PARTICIPANT,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .options(joinedload(Membership.user))
        ).unique()
    )


def session_progress(session: Session, round_: Round) -> list[ParticipantProgress]:
    """Every active participant's progress in the session: those who have shared first,
    then those with only a draft, then those who have not started, each by name.

    A draft with no words yet counts as not started.
    """
    rows = session.execute(
        select(
            Reflection.author_id,
            Reflection.status,
            Reflection.body,
            Reflection.updated_at,
        ).where(Reflection.round_id == round_.id)
    )
    shared: dict[int, int] = {}
    drafted: set[int] = set()
    last: dict[int, datetime] = {}
    for author_id, status, body, updated_at in rows:
        if status == ReflectionStatus.SHARED:
            shared[author_id] = shared.get(author_id, 0) + 1
        elif (body or "").strip():
            drafted.add(author_id)
        else:
            continue
        if updated_at is not None and (author_id not in last or updated_at > last[author_id]):
            last[author_id] = updated_at
    people = []
    for membership in _active_participants(session, round_.inquiry_id):
        if membership.id in shared:
            state = SHARED
        elif membership.id in drafted:
            state = DRAFT
        else:
            state = NOT_STARTED
        people.append(
            ParticipantProgress(
                membership=membership,
                state=state,
                shared_prompts=shared.get(membership.id, 0),
                last_activity=last.get(membership.id),
            )
        )
    order = {SHARED: 0, DRAFT: 1, NOT_STARTED: 2}
    return sorted(people, key=lambda p: (order[p.state], p.membership.user.name.casefold()))


def count_progress(progress: Iterable[ParticipantProgress]) -> ProgressCounts:
    states = [p.state for p in progress]
    return ProgressCounts(
        shared=states.count(SHARED),
        draft=states.count(DRAFT),
        not_started=states.count(NOT_STARTED),
    )


def progress_counts(session: Session, round_: Round) -> ProgressCounts:
    """Counts only, for pages that must not show who has or has not shared."""
    return count_progress(session_progress(session, round_))


# Reading shared reflections --------------------------------------------------------

UNTAGGED = "none"


class _Args(Protocol):
    def getlist(self, key: str) -> list[str]: ...


@dataclass(frozen=True)
class ReflectionFilters:
    """Which of a session's shared reflections to show. Empty means all."""

    prompt_ids: tuple[int, ...] = ()
    lenses: tuple[Lens, ...] = ()
    theme_ids: tuple[int, ...] = ()
    untagged: bool = False

    @classmethod
    def from_args(
        cls, args: _Args, *, prompts: Iterable[RoundPrompt], themes: Iterable[Theme]
    ) -> ReflectionFilters:
        """Filters from a query string; values that name no prompt, lens or theme of this
        session and inquiry are ignored."""
        prompt_ids = {prompt.id for prompt in prompts}
        theme_ids = {theme.id for theme in themes}
        lens_values = {lens.value: lens for lens in Lens}

        def ids(name: str, allowed: set[int]) -> tuple[int, ...]:
            chosen = {int(v) for v in args.getlist(name) if v.isdigit() and int(v) in allowed}
            return tuple(sorted(chosen))

        return cls(
            prompt_ids=ids("prompt", prompt_ids),
            lenses=tuple(
                lens_values[v] for v in sorted(set(args.getlist("lens"))) if v in lens_values
            ),
            theme_ids=ids("theme", theme_ids),
            untagged=UNTAGGED in args.getlist("theme"),
        )

    @property
    def active(self) -> bool:
        return bool(self.prompt_ids or self.lenses or self.theme_ids or self.untagged)

    def as_args(self) -> dict[str, list[str]]:
        """For ``url_for``: the same filters as query-string values."""
        args: dict[str, list[str]] = {}
        if self.prompt_ids:
            args["prompt"] = [str(i) for i in self.prompt_ids]
        if self.lenses:
            args["lens"] = [lens.value for lens in self.lenses]
        themes = [str(i) for i in self.theme_ids] + ([UNTAGGED] if self.untagged else [])
        if themes:
            args["theme"] = themes
        return args


def _shared(inquiry_id: int):
    """Shared reflections of the inquiry, with what pages show loaded up front."""
    return (
        select(Reflection)
        .where(Reflection.inquiry_id == inquiry_id, Reflection.status == ReflectionStatus.SHARED)
        .options(
            joinedload(Reflection.author).joinedload(Membership.user),
            joinedload(Reflection.prompt).joinedload(RoundPrompt.round),
            selectinload(Reflection.themes),
        )
    )


def shared_reflections(
    session: Session, round_: Round, filters: ReflectionFilters | None = None
) -> list[Reflection]:
    """The session's shared reflections (both visibilities), by prompt then by when they
    were shared. Drafts are never included."""
    query = (
        _shared(round_.inquiry_id)
        .where(Reflection.round_id == round_.id)
        .join(RoundPrompt, RoundPrompt.id == Reflection.prompt_id)
    )
    filters = filters or ReflectionFilters()
    if filters.prompt_ids:
        query = query.where(Reflection.prompt_id.in_(filters.prompt_ids))
    if filters.lenses:
        query = query.where(Reflection.lens.in_(filters.lenses))
    theme_conditions = []
    if filters.theme_ids:
        theme_conditions.append(Reflection.themes.any(Theme.id.in_(filters.theme_ids)))
    if filters.untagged:
        theme_conditions.append(~Reflection.themes.any())
    if theme_conditions:
        query = query.where(or_(*theme_conditions))
    query = query.order_by(RoundPrompt.position, Reflection.shared_at, Reflection.id)
    return list(session.scalars(query).unique())


def shared_count(session: Session, round_: Round) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Reflection)
            .where(Reflection.round_id == round_.id, Reflection.status == ReflectionStatus.SHARED)
        )
        or 0
    )


def reply_counts(session: Session, reflection_ids: Iterable[int]) -> dict[int, int]:
    """How many replies each reflection has, in one query."""
    ids = list(set(reflection_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(ReflectionResponse.reflection_id, func.count())
        .where(ReflectionResponse.reflection_id.in_(ids))
        .group_by(ReflectionResponse.reflection_id)
    )
    return {reflection_id: count for reflection_id, count in rows}


def by_prompt(
    round_: Round, reflections: Iterable[Reflection]
) -> list[tuple[RoundPrompt, list[Reflection]]]:
    """The session's prompts in order, each with its reflections (possibly none)."""
    grouped: dict[int, list[Reflection]] = {prompt.id: [] for prompt in round_.prompts}
    for reflection in reflections:
        grouped.setdefault(reflection.prompt_id, []).append(reflection)
    return [(prompt, grouped[prompt.id]) for prompt in round_.prompts]


def shared_reflection_in(
    session: Session, inquiry: Inquiry, reflection_id: int
) -> Reflection | None:
    """A shared reflection of this inquiry; drafts and other inquiries' reflections are
    not found."""
    return session.scalars(_shared(inquiry.id).where(Reflection.id == reflection_id)).first()


# Tagging ---------------------------------------------------------------------------


def tag_reflection(
    session: Session,
    reflection: Reflection,
    *,
    inquiry: Inquiry,
    actor: User,
    themes: list[Theme],
    now: datetime,
) -> bool:
    """Tag the reflection with exactly these themes of its inquiry; False if unchanged."""
    if reflection.inquiry_id != inquiry.id:
        raise TaggingError("This reflection is not part of this inquiry")
    if reflection.status != ReflectionStatus.SHARED:
        raise TaggingError("Only shared reflections can be tagged with themes")
    if any(theme.inquiry_id != inquiry.id for theme in themes):
        raise TaggingError("Choose themes of this inquiry")
    before = {theme.id for theme in reflection.themes}
    after = {theme.id for theme in themes}
    if before == after:
        return False
    reflection.themes = list(themes)
    session.flush()
    record(
        session,
        "reflection.tagged",
        actor=actor,
        inquiry=inquiry,
        object_type="reflection",
        object_id=reflection.id,
        round_id=reflection.round_id,
        theme_ids=sorted(after),
    )
    return True


def move_reflection_tags(session: Session, source: Theme, target: Theme) -> int:
    """When two themes merge: reflections tagged with ``source`` are tagged with
    ``target`` instead, keeping one tag where they had both. Returns how many moved."""
    tagged = set(
        session.scalars(
            select(reflection_themes.c.reflection_id).where(
                reflection_themes.c.theme_id == source.id
            )
        )
    )
    if not tagged:
        return 0
    already = set(
        session.scalars(
            select(reflection_themes.c.reflection_id).where(
                reflection_themes.c.theme_id == target.id
            )
        )
    )
    to_add = sorted(tagged - already)
    if to_add:
        session.execute(
            insert(reflection_themes),
            [{"reflection_id": rid, "theme_id": target.id} for rid in to_add],
        )
    session.execute(delete(reflection_themes).where(reflection_themes.c.theme_id == source.id))
    # Loaded reflections would still list the merged theme.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Reflection):
            session.expire(obj, ["themes"])
    return len(tagged)


theme_services.register_merge_hook(move_reflection_tags)


# The theme board --------------------------------------------------------------------

# A later feature (recommendations) shows its items on the board by registering a
# provider: it takes (session, inquiry, viewer, themes) and returns, by theme id, the
# items that viewer may see, loaded in a fixed number of queries. The board template
# passes them to "deliberation/_board_recommendations.html".
RecommendationsProvider = Callable[[Session, Inquiry, User, list[Theme]], Mapping[int, list[Any]]]
_RECOMMENDATIONS_PROVIDERS: list[RecommendationsProvider] = []


def register_recommendations_provider(provider: RecommendationsProvider) -> RecommendationsProvider:
    _RECOMMENDATIONS_PROVIDERS.append(provider)
    return provider


def unregister_recommendations_provider(provider: RecommendationsProvider) -> None:
    _RECOMMENDATIONS_PROVIDERS.remove(provider)


@dataclass
class BoardTheme:
    theme: Theme
    excerpts: list[Excerpt] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    recommendations: list[Any] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.excerpts or self.reflections or self.recommendations)


def shared_prompt_ids(session: Session, membership: Membership) -> set[int]:
    """Prompts (of any session) the member has shared a reflection on."""
    return set(
        session.scalars(
            select(Reflection.prompt_id).where(
                Reflection.author_id == membership.id,
                Reflection.status == ReflectionStatus.SHARED,
            )
        )
    )


def board_reflections(session: Session, inquiry: Inquiry, viewer: User) -> list[Reflection]:
    """Shared reflections tagged with any theme that the viewer may read, by the same rule
    as the session page (``policy.can_read_reflection``): every one for researchers; for
    a participant their own and those shared with the cohort (in a session that reveals
    reflections only after sharing, once they have shared on that prompt); none for
    witnesses, commissioners and observers. Drafts never."""
    membership = policy.membership_of(viewer, inquiry)
    if membership is None or not policy.can_read_cohort_reflections(viewer, inquiry):
        return []
    query = (
        select(Reflection)
        .join(Round, Round.id == Reflection.round_id)
        .join(RoundPrompt, RoundPrompt.id == Reflection.prompt_id)
        .where(
            Reflection.inquiry_id == inquiry.id,
            Reflection.status == ReflectionStatus.SHARED,
            Reflection.themes.any(),
        )
        .options(
            joinedload(Reflection.author).joinedload(Membership.user),
            joinedload(Reflection.prompt).joinedload(RoundPrompt.round),
            selectinload(Reflection.themes),
        )
        .order_by(Round.position, RoundPrompt.position, Reflection.shared_at, Reflection.id)
    )
    revealed: set[int] = set()
    if membership.role != Role.RESEARCHER:
        revealed = shared_prompt_ids(session, membership)
        query = query.where(
            or_(
                Reflection.author_id == membership.id,
                and_(
                    Reflection.visibility == Visibility.COHORT,
                    or_(
                        not_(Round.reveal_after_submitting),
                        Reflection.prompt_id.in_(revealed or {-1}),
                    ),
                ),
            )
        )
    reflections = session.scalars(query).unique()
    # The rule in policy decides; the query only keeps the page fast.
    return [r for r in reflections if policy.can_read_reflection(viewer, inquiry, r, revealed)]


def theme_board(session: Session, inquiry: Inquiry, viewer: User) -> list[BoardTheme]:
    """Every theme of the inquiry in alphabetical order, with its excerpts of approved
    testimony, the reflections the viewer may read, and any recommendations."""
    board = [
        BoardTheme(theme=theme, excerpts=excerpts)
        for theme, excerpts in excerpt_services.excerpts_by_theme(
            session, inquiry, quotable_only=False
        )
    ]
    by_id = {item.theme.id: item for item in board}
    for reflection in board_reflections(session, inquiry, viewer):
        for theme in reflection.themes:
            if theme.id in by_id:
                by_id[theme.id].reflections.append(reflection)
    themes = [item.theme for item in board]
    for provider in _RECOMMENDATIONS_PROVIDERS:
        for theme_id, items in provider(session, inquiry, viewer, themes).items():
            if theme_id in by_id:
                by_id[theme_id].recommendations.extend(items)
    return board


# Safeguarding: a researcher may raise a concern about a shared reflection.


def _reflection_exists(session: Session, inquiry: Inquiry, reflection_id: int) -> bool:
    reflection = session.get(Reflection, reflection_id)
    return (
        reflection is not None
        and reflection.inquiry_id == inquiry.id
        and reflection.status == ReflectionStatus.SHARED
    )


def _reflection_url(inquiry: Inquiry, reflection_id: int) -> str | None:
    reflection = db.session.get(Reflection, reflection_id)
    if reflection is None:
        return None
    return (
        url_for("deliberation.reflections", inquiry_id=inquiry.id, round_id=reflection.round_id)
        + f"#reflection-{reflection_id}"
    )


def _describe_reflection(session: Session, inquiry: Inquiry, reflection_id: int) -> str | None:
    reflection = session.get(Reflection, reflection_id)
    if reflection is None:
        return None
    author = reflection.author
    who = author.user.name if author.status == MembershipStatus.ACTIVE else "a former participant"
    return f"A reflection from {who}"


safeguarding.register(
    "reflection",
    label="Reflection",
    exists=_reflection_exists,
    url=_reflection_url,
    describe=_describe_reflection,
)
