"""Creating, renaming and merging themes, and who may mark excerpts.

A theme's name is unique in its inquiry whatever its case: "Housing" and
"housing" are the same theme. Names are compared in Python rather than with the
database's ``lower()``, which on SQLite folds only ASCII letters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import (
    Excerpt,
    Inquiry,
    Testimony,
    TestimonyStatus,
    Theme,
    User,
    excerpt_themes,
)

MAX_NAME_LENGTH = 100


class ThemeError(Exception):
    """A change to the themes that cannot be made, with a message for the researcher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Features that tag other things with themes (reflections, recommendations) register a
# hook here, so merging two themes moves their tags too. A hook takes
# (session, source, target), moves the source's tags to the target without making
# duplicates, and returns how many things it moved.
MergeHook = Callable[[Session, Theme, Theme], int]
_MERGE_HOOKS: list[MergeHook] = []


def register_merge_hook(hook: MergeHook) -> MergeHook:
    _MERGE_HOOKS.append(hook)
    return hook


def unregister_merge_hook(hook: MergeHook) -> None:
    _MERGE_HOOKS.remove(hook)


def tidy_name(name: str) -> str:
    """Runs of spaces and line breaks become one space."""
    return " ".join((name or "").split())


def _key(name: str) -> str:
    return tidy_name(name).casefold()


def themes_for(session: Session, inquiry: Inquiry) -> list[Theme]:
    """The inquiry's themes in alphabetical order, whatever their case."""
    themes = session.scalars(select(Theme).where(Theme.inquiry_id == inquiry.id))
    return sorted(themes, key=lambda theme: (_key(theme.name), theme.id))


def theme_in(session: Session, inquiry: Inquiry, theme_id: int) -> Theme | None:
    """The theme with this id if it belongs to the inquiry."""
    theme = session.get(Theme, theme_id)
    if theme is None or theme.inquiry_id != inquiry.id:
        return None
    return theme


def same_name(
    session: Session, inquiry: Inquiry, name: str, *, ignore: Theme | None = None
) -> Theme | None:
    """Another theme of the inquiry with this name in any case, if there is one."""
    wanted = _key(name)
    for theme in themes_for(session, inquiry):
        if theme is not ignore and _key(theme.name) == wanted:
            return theme
    return None


def _check_name(session: Session, inquiry: Inquiry, name: str, ignore: Theme | None) -> str:
    name = tidy_name(name)
    if not name:
        raise ThemeError("Enter a name for the theme")
    if len(name) > MAX_NAME_LENGTH:
        raise ThemeError(f"Theme name must be {MAX_NAME_LENGTH} characters or fewer")
    existing = same_name(session, inquiry, name, ignore=ignore)
    if existing is not None:
        raise ThemeError(f"There is already a theme called {existing.name}")
    return name


def excerpt_counts(session: Session, inquiry: Inquiry) -> dict[int, int]:
    """How many excerpts of approved testimony each theme has, by theme id."""
    rows = session.execute(
        select(excerpt_themes.c.theme_id, func.count())
        .join(Excerpt, Excerpt.id == excerpt_themes.c.excerpt_id)
        .join(Testimony, Testimony.id == Excerpt.testimony_id)
        .where(Excerpt.inquiry_id == inquiry.id, Testimony.status == TestimonyStatus.APPROVED)
        .group_by(excerpt_themes.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


def create_theme(
    session: Session, *, inquiry: Inquiry, actor: User, name: str, now: datetime
) -> Theme:
    name = _check_name(session, inquiry, name, ignore=None)
    theme = Theme(inquiry_id=inquiry.id, name=name, created_at=now)
    try:
        with session.begin_nested():
            session.add(theme)
    except IntegrityError:
        # Someone else added it a moment ago.
        raise ThemeError(f"There is already a theme called {name}") from None
    record(
        session,
        "theme.created",
        actor=actor,
        inquiry=inquiry,
        object_type="theme",
        object_id=theme.id,
    )
    return theme


def rename_theme(
    session: Session, theme: Theme, *, inquiry: Inquiry, actor: User, name: str, now: datetime
) -> bool:
    """Give the theme a new name; False if the name is unchanged."""
    name = _check_name(session, inquiry, name, ignore=theme)
    if name == theme.name:
        return False
    try:
        with session.begin_nested():
            theme.name = name
    except IntegrityError:
        raise ThemeError(f"There is already a theme called {name}") from None
    record(
        session,
        "theme.renamed",
        actor=actor,
        inquiry=inquiry,
        object_type="theme",
        object_id=theme.id,
    )
    return True


def merge_themes(
    session: Session,
    source: Theme,
    target: Theme,
    *,
    inquiry: Inquiry,
    actor: User,
    now: datetime,
) -> int:
    """Move everything tagged with ``source`` to ``target`` and delete ``source``.

    An excerpt tagged with both keeps one tag. Returns how many excerpts were
    tagged with ``source``.
    """
    if source.id == target.id:
        raise ThemeError("Choose a different theme to merge it into")
    if source.inquiry_id != inquiry.id or target.inquiry_id != inquiry.id:
        raise ThemeError("Both themes must belong to this inquiry")
    tagged = list(
        session.scalars(
            select(excerpt_themes.c.excerpt_id).where(excerpt_themes.c.theme_id == source.id)
        )
    )
    already = set(
        session.scalars(
            select(excerpt_themes.c.excerpt_id).where(excerpt_themes.c.theme_id == target.id)
        )
    )
    to_add = [excerpt_id for excerpt_id in tagged if excerpt_id not in already]
    if to_add:
        session.execute(
            insert(excerpt_themes),
            [{"excerpt_id": excerpt_id, "theme_id": target.id} for excerpt_id in to_add],
        )
    session.execute(delete(excerpt_themes).where(excerpt_themes.c.theme_id == source.id))
    for hook in list(_MERGE_HOOKS):
        hook(session, source, target)
    source_id = source.id
    session.delete(source)
    session.flush()
    # Loaded excerpts still list the deleted theme among their themes.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Excerpt):
            session.expire(obj, ["themes"])
    record(
        session,
        "theme.merged",
        actor=actor,
        inquiry=inquiry,
        object_type="theme",
        object_id=source_id,
        into_theme_id=target.id,
        excerpts=len(tagged),
    )
    return len(tagged)


def set_excerpt_marking(
    session: Session, inquiry: Inquiry, *, actor: User, allowed: bool, now: datetime
) -> bool:
    """Let participants mark excerpts, or stop them; False if nothing changed."""
    if inquiry.participants_mark_excerpts == allowed:
        return False
    inquiry.participants_mark_excerpts = allowed
    session.flush()
    record(
        session,
        "inquiry.excerpt_marking_changed",
        actor=actor,
        inquiry=inquiry,
        object_type="inquiry",
        object_id=inquiry.id,
        participants_may_mark=allowed,
    )
    return True
