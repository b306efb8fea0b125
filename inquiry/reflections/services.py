"""Taking part in a session: opening and closing it, participants' reflections on its
prompts, replies to them, and the earlier wordings kept whenever either is changed.

A reflection belongs to one prompt and one participant. It is a draft (seen by its
author only) until it is shared, either with the cohort or with the researchers only.
Every save takes the next revision with a conditional UPDATE, so two windows saving
from the same revision cannot both succeed: the second is told and shown both texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .. import contributions
from ..audit.service import record
from ..models import (
    Inquiry,
    InquiryMode,
    Lens,
    Membership,
    MembershipStatus,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    Role,
    Round,
    RoundPrompt,
    RoundStatus,
    TextVersion,
    User,
    Visibility,
)
from ..notifications.services import notify
from ..text import paragraphs

MAX_REFLECTION_LENGTH = 10_000
MAX_REPLY_LENGTH = 2_000
FORMER_PARTICIPANT = "A former participant"
REFLECTION = "reflection"
RESPONSE = "response"


class ReflectionError(Exception):
    """Something that cannot be done, with a message for the person trying."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SessionNotOpen(ReflectionError):
    """The session is planned or closed, so nothing in it can be written or changed."""


class ChangedElsewhere(ReflectionError):
    """The text was saved from another window after this form was made."""

    def __init__(self, current: Reflection | ReflectionResponse | None) -> None:
        super().__init__("This reflection was changed in another window")
        self.current = current


class AlreadyShared(ReflectionError):
    """A shared reflection cannot become a draft again."""


# Names and words -------------------------------------------------------------------


def author_name(membership: Membership | None) -> str:
    """The name the cohort sees; once someone has withdrawn, "A former participant"."""
    if membership is None or membership.status == MembershipStatus.WITHDRAWN:
        return FORMER_PARTICIPANT
    return membership.public_name


def is_inverted(inquiry: Inquiry) -> bool:
    return inquiry.mode == InquiryMode.INVERTED


# Loading ---------------------------------------------------------------------------


def prompt_in(session: Session, inquiry: Inquiry, prompt_id: int) -> RoundPrompt | None:
    """The prompt with this id if one of the inquiry's sessions asks it."""
    prompt = session.get(RoundPrompt, prompt_id)
    if prompt is None or prompt.round.inquiry_id != inquiry.id:
        return None
    return prompt


def reflection_in(session: Session, inquiry: Inquiry, reflection_id: int) -> Reflection | None:
    reflection = session.get(Reflection, reflection_id)
    if reflection is None or reflection.inquiry_id != inquiry.id:
        return None
    return reflection


def reply_in(session: Session, inquiry: Inquiry, reply_id: int) -> ReflectionResponse | None:
    reply = session.get(ReflectionResponse, reply_id)
    if reply is None or reply.reflection.inquiry_id != inquiry.id:
        return None
    return reply


def reflection_for(session: Session, prompt: RoundPrompt, author: Membership) -> Reflection | None:
    """The participant's own reflection on the prompt, draft or shared."""
    return session.scalar(
        select(Reflection).where(
            Reflection.prompt_id == prompt.id, Reflection.author_id == author.id
        )
    )


def shared_prompt_ids(session: Session, round_: Round, membership: Membership | None) -> set[int]:
    """The prompts of the session the member has shared a reflection on."""
    if membership is None:
        return set()
    return set(
        session.scalars(
            select(Reflection.prompt_id).where(
                Reflection.round_id == round_.id,
                Reflection.author_id == membership.id,
                Reflection.status == ReflectionStatus.SHARED,
            )
        )
    )


# The session page ------------------------------------------------------------------

# Others' reflections on a prompt are shown this many at a time, newest first.
PER_PAGE = 20


def paragraphs_html(text: str | None) -> Markup:
    """Plain text as GOV.UK paragraphs, every line escaped: the same markup as the
    ``text`` macro, built once in Python rather than by a macro per reflection."""
    html = "".join(
        '<p class="govuk-body">' + "<br>".join(map(escape, lines)) + "</p>\n"
        for lines in paragraphs(text)
    )
    return Markup(html)  # noqa: S704 - every line of the text is escaped above


def _name(role: Role, status: MembershipStatus, display_name: str, user_name: str) -> str:
    """``author_name`` from the columns it reads, so the page need not load members."""
    if status == MembershipStatus.WITHDRAWN:
        return FORMER_PARTICIPANT
    if role == Role.WITNESS and display_name:
        return display_name
    return user_name


_AUTHOR_COLUMNS = (Membership.role, Membership.status, Membership.display_name, User.name)


@dataclass(slots=True)
class ReplyItem:
    """A reply as the session page shows it."""

    id: int
    author_id: int
    author: str
    body_html: Markup
    revision: int
    created_at: datetime


@dataclass(slots=True)
class ReflectionItem:
    """A reflection as the session page shows it: the columns it reads and the
    author's name, without the objects around it."""

    id: int
    prompt_id: int
    author_id: int
    author: str
    body: str
    body_html: Markup
    lens: Lens | None
    visibility: Visibility
    status: ReflectionStatus
    revision: int
    shared_at: datetime | None
    updated_at: datetime
    replies: list[ReplyItem] = field(default_factory=list)

    @property
    def repliable(self) -> bool:
        return self.status == ReflectionStatus.SHARED and self.visibility == Visibility.COHORT


@dataclass
class PromptView:
    """One prompt of the session page as one member sees it."""

    prompt: RoundPrompt
    # Its number on the page: "Prompt 2".
    position: int = 1
    own: ReflectionItem | None = None
    # One page of the others' reflections this member may read, newest shared first.
    others: list[ReflectionItem] = field(default_factory=list)
    # Others' reflections are held back until the member shares their own.
    waiting_to_share: bool = False
    # How many others' reflections the member may read, and which page is shown.
    shared_count: int = 0
    page: int = 1
    pages: int = 1

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PER_PAGE + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.others) - 1


# The page's statements are built once: building them costs more than running them.
_BY_VIEWER = Reflection.author_id == bindparam("viewer_id")
_SHARED = Reflection.status == ReflectionStatus.SHARED
# What each role may read besides their own reflections: researchers every shared
# reflection, participants those shared with the cohort, anyone else nothing.
_READABLE = {
    Role.RESEARCHER: _BY_VIEWER | _SHARED,
    Role.PARTICIPANT: _BY_VIEWER | (_SHARED & (Reflection.visibility == Visibility.COHORT)),
}
_READABLE_IDS = {
    role: select(Reflection.id, Reflection.prompt_id, Reflection.author_id)
    .where(Reflection.round_id == bindparam("round_id"), condition)
    .order_by(Reflection.shared_at.desc(), Reflection.id.desc())
    for role, condition in [*_READABLE.items(), (None, _BY_VIEWER)]
}
_IDS = bindparam("ids", expanding=True)
_ITEMS = (
    select(
        Reflection.id,
        Reflection.prompt_id,
        Reflection.author_id,
        Reflection.body,
        Reflection.lens,
        Reflection.visibility,
        Reflection.status,
        Reflection.revision,
        Reflection.shared_at,
        Reflection.updated_at,
        *_AUTHOR_COLUMNS,
    )
    .join(Membership, Membership.id == Reflection.author_id)
    .join(User, User.id == Membership.user_id)
    .where(Reflection.id.in_(_IDS))
)
_REPLIES = (
    select(
        ReflectionResponse.reflection_id,
        ReflectionResponse.id,
        ReflectionResponse.author_id,
        ReflectionResponse.body,
        ReflectionResponse.revision,
        ReflectionResponse.created_at,
        *_AUTHOR_COLUMNS,
    )
    .join(Membership, Membership.id == ReflectionResponse.author_id)
    .join(User, User.id == Membership.user_id)
    .where(ReflectionResponse.reflection_id.in_(_IDS))
    .order_by(ReflectionResponse.created_at, ReflectionResponse.id)
)


def _readable_ids(
    session: Session, round_: Round, viewer: Membership
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """The id of the member's own reflection by prompt, and the ids of the others' they
    may read by prompt, newest shared first. The author reads their own whatever its
    status."""
    own: dict[int, int] = {}
    others: dict[int, list[int]] = {}
    statement = _READABLE_IDS.get(viewer.role, _READABLE_IDS[None])
    rows = session.execute(statement, {"round_id": round_.id, "viewer_id": viewer.id})
    for reflection_id, prompt_id, author_id in rows:
        if author_id == viewer.id:
            own[prompt_id] = reflection_id
        else:
            others.setdefault(prompt_id, []).append(reflection_id)
    return own, others


def _page_count(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


def page_of(session: Session, round_: Round, viewer: Membership | None, reflection_id: int) -> int:
    """The page of its prompt's shared reflections that shows this reflection to the
    member (1 for their own, always shown, and for one they cannot read)."""
    if viewer is None:
        return 1
    for ids in _readable_ids(session, round_, viewer)[1].values():
        if reflection_id in ids:
            return ids.index(reflection_id) // PER_PAGE + 1
    return 1


def _load_items(session: Session, ids: list[int]) -> dict[int, ReflectionItem]:
    if not ids:
        return {}
    items: dict[int, ReflectionItem] = {}
    for row in session.execute(_ITEMS, {"ids": ids}):
        items[row[0]] = ReflectionItem(
            id=row[0],
            prompt_id=row[1],
            author_id=row[2],
            author=_name(*row[10:]),
            body=row[3],
            body_html=paragraphs_html(row[3]),
            lens=row[4],
            visibility=row[5],
            status=row[6],
            revision=row[7],
            shared_at=row[8],
            updated_at=row[9],
        )
    for row in session.execute(_REPLIES, {"ids": ids}):
        items[row[0]].replies.append(
            ReplyItem(
                id=row[1],
                author_id=row[2],
                author=_name(*row[6:]),
                body_html=paragraphs_html(row[3]),
                revision=row[4],
                created_at=row[5],
            )
        )
    return items


def session_page(
    session: Session,
    inquiry: Inquiry,
    round_: Round,
    viewer: Membership | None,
    *,
    pages: dict[int, int] | None = None,
    showing: Iterable[int] = (),
) -> list[PromptView]:
    """What the member may read on the session page, prompt by prompt.

    The author sees their own reflection whatever its status. Researchers read every
    shared reflection; participants those shared with the cohort, held back in a
    session that reveals after submitting until they have shared on that prompt;
    witnesses, commissioners and observers read none. Others' reflections come a page
    at a time: ``pages`` asks for a page by prompt id (a page past the end is the
    last), and a reflection in ``showing`` puts its prompt on the page that holds it.
    """
    views = {
        prompt.id: PromptView(prompt=prompt, position=position)
        for position, prompt in enumerate(round_.prompts, start=1)
    }
    if viewer is None:
        return list(views.values())
    own, others = _readable_ids(session, round_, viewer)
    showing = set(showing)
    on_page: dict[int, list[int]] = {}
    for prompt_id, view in views.items():
        ids = others.get(prompt_id, [])
        view.shared_count = len(ids)
        view.pages = _page_count(len(ids))
        view.page = min(max((pages or {}).get(prompt_id, 1), 1), view.pages)
        for index, reflection_id in enumerate(ids):
            if reflection_id in showing:
                view.page = index // PER_PAGE + 1
        start = (view.page - 1) * PER_PAGE
        on_page[prompt_id] = ids[start : start + PER_PAGE]
    items = _load_items(session, [*own.values(), *(i for ids in on_page.values() for i in ids)])
    holds_back = viewer.role == Role.PARTICIPANT and round_.reveal_after_submitting
    for prompt_id, view in views.items():
        view.own = items[own[prompt_id]] if prompt_id in own else None
        if holds_back and (view.own is None or view.own.status != ReflectionStatus.SHARED):
            view.waiting_to_share = True
            view.shared_count, view.page, view.pages = 0, 1, 1
            continue
        view.others = [items[reflection_id] for reflection_id in on_page[prompt_id]]
    return list(views.values())


# Opening and closing sessions ------------------------------------------------------


def _active_participants(session: Session, inquiry: Inquiry) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership).where(
                Membership.inquiry_id == inquiry.id,
                Membership.role == Role.PARTICIPANT,
                Membership.status == MembershipStatus.ACTIVE,
            )
        ).unique()
    )


def open_round(
    session: Session,
    round_: Round,
    *,
    inquiry: Inquiry,
    actor: User,
    link: str,
    now: datetime,
) -> bool:
    """Open a planned session, or reopen a closed one; True when it was reopened.

    Participants are told it is open, with a ``link`` to its page. Several sessions
    may be open at once.
    """
    if round_.status == RoundStatus.OPEN:
        raise ReflectionError("This session is already open")
    reopened = round_.status == RoundStatus.CLOSED
    round_.status = RoundStatus.OPEN
    round_.opened_at = now
    round_.closed_at = None
    session.flush()
    record(
        session,
        "round.reopened" if reopened else "round.opened",
        actor=actor,
        inquiry=inquiry,
        object_type="round",
        object_id=round_.id,
        position=round_.position,
    )
    again = "open again" if reopened else "open"
    message = f"Session {round_.position} is {again}: {round_.title}. Share your reflections."
    for membership in _active_participants(session, inquiry):
        notify(session, membership.user_id, message, inquiry=inquiry, link=link, now=now)
    return reopened


def close_round(
    session: Session, round_: Round, *, inquiry: Inquiry, actor: User, now: datetime
) -> None:
    """Close an open session: its reflections and replies become read-only."""
    if round_.status != RoundStatus.OPEN:
        raise ReflectionError("Only an open session can be closed")
    round_.status = RoundStatus.CLOSED
    round_.closed_at = now
    session.flush()
    record(
        session,
        "round.closed",
        actor=actor,
        inquiry=inquiry,
        object_type="round",
        object_id=round_.id,
        position=round_.position,
    )


def set_reveal_after_submitting(
    session: Session,
    round_: Round,
    reveal_after_submitting: bool,
    *,
    inquiry: Inquiry,
    actor: User,
    now: datetime,
) -> bool:
    """Change the session's setting; False when it already had that value."""
    if round_.reveal_after_submitting == reveal_after_submitting:
        return False
    round_.reveal_after_submitting = reveal_after_submitting
    session.flush()
    record(
        session,
        "round.settings_changed",
        actor=actor,
        inquiry=inquiry,
        object_type="round",
        object_id=round_.id,
        reveal_after_submitting=reveal_after_submitting,
    )
    return True


# Writing ---------------------------------------------------------------------------


def _check_open(round_: Round) -> None:
    if round_.status == RoundStatus.CLOSED:
        raise SessionNotOpen(
            "This session has closed, so reflections and replies can no longer be changed"
        )
    if round_.status != RoundStatus.OPEN:
        raise SessionNotOpen("This session has not opened yet, so nothing can be written in it")


def _keep_version(
    session: Session, object_type: str, object_id: int, revision: int, body: str, now: datetime
) -> None:
    session.add(
        TextVersion(
            object_type=object_type,
            object_id=object_id,
            revision=revision,
            body=body,
            created_at=now,
        )
    )


def _claim_revision(
    session: Session,
    obj: Reflection | ReflectionResponse,
    expected: int,
    now: datetime,
) -> None:
    """Take the next revision, or raise ChangedElsewhere if another window saved first.

    The check and the increment are one conditional UPDATE, so two requests made from
    the same revision cannot both succeed, even at the same moment.
    """
    if expected != obj.revision:
        raise ChangedElsewhere(obj)
    model = type(obj)
    result = session.execute(
        update(model)
        .where(model.id == obj.id, model.revision == expected)
        .values(revision=expected + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(obj)
        raise ChangedElsewhere(obj)
    set_committed_value(obj, "revision", expected + 1)
    set_committed_value(obj, "updated_at", now)


def _check_length(body: str, limit: int, what: str) -> None:
    if not body.strip():
        raise ReflectionError(f"Enter your {what}", "body")
    if len(body) > limit:
        raise ReflectionError(f"Your {what} must be {limit:,} characters or fewer", "body")


AUDIT_ACTIONS = {
    "shared": "reflection.shared",
    "updated": "reflection.updated",
    "draft": "reflection.draft_saved",
}


@dataclass(frozen=True)
class Saved:
    reflection: Reflection
    # "draft", "shared" (just shared), "updated" (a shared one changed) or "unchanged".
    outcome: str


def save_reflection(
    session: Session,
    *,
    inquiry: Inquiry,
    prompt: RoundPrompt,
    author: Membership,
    actor: User,
    body: str,
    lens: Lens | None,
    visibility: Visibility,
    share: bool,
    expected_revision: int,
    now: datetime,
    via: str = "form",
) -> Saved:
    """Save the participant's reflection on the prompt, as a draft or shared.

    ``expected_revision`` is the revision the form was made from (0 for a reflection
    not yet saved). When the text changes, the previous wording is kept. Sharing in
    an inverted inquiry needs a lens. A shared reflection stays shared.
    """
    round_ = prompt.round
    if round_.inquiry_id != inquiry.id or author.inquiry_id != inquiry.id:
        raise ReflectionError("This prompt is not part of this inquiry")
    _check_open(round_)
    body = body or ""
    _check_length(body, MAX_REFLECTION_LENGTH, "reflection")
    if not is_inverted(inquiry):
        lens = None
    elif share and lens is None:
        raise ReflectionError(
            "Select whether you are writing as a professional or as a person", "lens"
        )

    reflection = reflection_for(session, prompt, author)
    if reflection is None:
        if expected_revision not in (0, None):
            # Saved from a form for a reflection that no longer exists: still keep it.
            expected_revision = 0
        reflection = Reflection(
            inquiry_id=inquiry.id,
            round_id=round_.id,
            prompt_id=prompt.id,
            author_id=author.id,
            body=body,
            lens=lens,
            visibility=visibility,
            status=ReflectionStatus.SHARED if share else ReflectionStatus.DRAFT,
            revision=1,
            created_at=now,
            updated_at=now,
            shared_at=now if share else None,
        )
        session.add(reflection)
        session.flush()
        outcome = "shared" if share else "draft"
    else:
        was_shared = reflection.status == ReflectionStatus.SHARED
        if was_shared and not share:
            raise AlreadyShared(
                "Your reflection is already shared. Save your changes to update it."
            )
        text_changed = reflection.body != body
        changed = (
            text_changed
            or reflection.lens != lens
            or reflection.visibility != visibility
            or was_shared != share
        )
        if not changed:
            # Nothing to lose, even if another window saved the same words.
            return Saved(reflection, "unchanged")
        previous_revision, previous_body = reflection.revision, reflection.body
        _claim_revision(session, reflection, expected_revision, now)
        if text_changed:
            _keep_version(session, REFLECTION, reflection.id, previous_revision, previous_body, now)
        reflection.body = body
        reflection.lens = lens
        reflection.visibility = visibility
        if share and not was_shared:
            reflection.status = ReflectionStatus.SHARED
            reflection.shared_at = now
            outcome = "shared"
        else:
            outcome = "updated" if was_shared else "draft"
        session.flush()

    details = {
        "round_id": round_.id,
        "prompt_id": prompt.id,
        "revision": reflection.revision,
        "visibility": reflection.visibility.value,
    }
    if reflection.lens is not None:
        details["lens"] = reflection.lens.value
    if via != "form":
        details["via"] = via
    # One of "reflection.shared", "reflection.updated" or "reflection.draft_saved".
    record(
        session,
        AUDIT_ACTIONS[outcome],
        actor=actor,
        inquiry=inquiry,
        object_type="reflection",
        object_id=reflection.id,
        **details,
    )
    return Saved(reflection, outcome)


def post_reply(
    session: Session,
    *,
    inquiry: Inquiry,
    reflection: Reflection,
    author: Membership,
    actor: User,
    body: str,
    link: str,
    now: datetime,
) -> ReflectionResponse:
    """Reply to a reflection shared with the cohort. Its author is told, with a ``link``
    to the reply and never its words."""
    if reflection.inquiry_id != inquiry.id:
        raise ReflectionError("This reflection is not part of this inquiry")
    round_ = reflection.prompt.round
    _check_open(round_)
    if reflection.status != ReflectionStatus.SHARED or reflection.visibility != Visibility.COHORT:
        raise ReflectionError("You can only reply to a reflection shared with the cohort")
    body = body or ""
    _check_length(body, MAX_REPLY_LENGTH, "reply")
    reply = ReflectionResponse(
        reflection_id=reflection.id,
        author_id=author.id,
        body=body,
        revision=1,
        created_at=now,
        updated_at=now,
    )
    session.add(reply)
    session.flush()
    record(
        session,
        "reply.posted",
        actor=actor,
        inquiry=inquiry,
        object_type="response",
        object_id=reply.id,
        reflection_id=reflection.id,
        round_id=round_.id,
    )
    reflection_author = reflection.author
    if reflection_author.id != author.id and reflection_author.status == MembershipStatus.ACTIVE:
        notify(
            session,
            reflection_author.user_id,
            f"{author_name(author)} replied to your reflection in session {round_.position}: "
            f"{round_.title}",
            inquiry=inquiry,
            link=link,
            now=now,
        )
    return reply


def edit_reply(
    session: Session,
    *,
    inquiry: Inquiry,
    reply: ReflectionResponse,
    actor: User,
    body: str,
    expected_revision: int,
    now: datetime,
) -> bool:
    """Change a reply while its session is open, keeping the previous wording.

    False when nothing changed.
    """
    reflection = reply.reflection
    if reflection.inquiry_id != inquiry.id:
        raise ReflectionError("This reply is not part of this inquiry")
    round_ = reflection.prompt.round
    _check_open(round_)
    body = body or ""
    _check_length(body, MAX_REPLY_LENGTH, "reply")
    if reply.body == body:
        return False
    previous_revision, previous_body = reply.revision, reply.body
    _claim_revision(session, reply, expected_revision, now)
    _keep_version(session, RESPONSE, reply.id, previous_revision, previous_body, now)
    reply.body = body
    session.flush()
    record(
        session,
        "reply.updated",
        actor=actor,
        inquiry=inquiry,
        object_type="response",
        object_id=reply.id,
        reflection_id=reflection.id,
        revision=reply.revision,
    )
    return True


# History ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """One wording of a reflection or reply: version 1 is the first saved."""

    number: int
    body: str
    saved_at: datetime | None
    # When the next wording replaced it; None for the current one.
    replaced_at: datetime | None
    current: bool = False


@dataclass(frozen=True)
class History:
    reflection: Reflection
    wordings: list[Wording]
    replies: list[tuple[ReflectionResponse, list[Wording]]]


def _versions(session: Session, object_type: str, ids: Iterable[int]) -> dict[int, list]:
    """Earlier wordings by object id, oldest first."""
    ids = list(ids)
    found: dict[int, list[TextVersion]] = {object_id: [] for object_id in ids}
    if not ids:
        return found
    for version in session.scalars(
        select(TextVersion)
        .where(TextVersion.object_type == object_type, TextVersion.object_id.in_(ids))
        .order_by(TextVersion.revision, TextVersion.id)
    ):
        found[version.object_id].append(version)
    return found


def _wordings(obj: Reflection | ReflectionResponse, versions: list[TextVersion]) -> list[Wording]:
    """Every wording, newest (the current one) first, with when each was saved and
    replaced. A kept version was replaced when it was kept."""
    result = []
    saved_at: datetime | None = obj.created_at
    for number, version in enumerate(versions, start=1):
        result.append(Wording(number, version.body, saved_at, version.created_at))
        saved_at = version.created_at
    result.append(Wording(len(versions) + 1, obj.body, saved_at, None, current=True))
    return list(reversed(result))


def history(session: Session, reflection: Reflection) -> History:
    reflection_versions = _versions(session, REFLECTION, [reflection.id])[reflection.id]
    replies = list(reflection.responses)
    reply_versions = _versions(session, RESPONSE, [reply.id for reply in replies])
    return History(
        reflection=reflection,
        wordings=_wordings(reflection, reflection_versions),
        replies=[(reply, _wordings(reply, reply_versions[reply.id])) for reply in replies],
    )


# Contributions ---------------------------------------------------------------------


def _count_reflections_in_round(session: Session, round_: Round) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Reflection).where(Reflection.round_id == round_.id)
        )
        or 0
    )


def _count_reflections_by_member(session: Session, membership: Membership) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Reflection)
            .where(Reflection.author_id == membership.id)
        )
        or 0
    )


def _count_replies_in_round(session: Session, round_: Round) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ReflectionResponse)
            .join(Reflection, Reflection.id == ReflectionResponse.reflection_id)
            .where(Reflection.round_id == round_.id)
        )
        or 0
    )


def _count_replies_by_member(session: Session, membership: Membership) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ReflectionResponse)
            .where(ReflectionResponse.author_id == membership.id)
        )
        or 0
    )


def _erase(session: Session, object_type: str, ids_query) -> None:
    session.execute(
        delete(TextVersion)
        .where(TextVersion.object_type == object_type, TextVersion.object_id.in_(ids_query))
        .execution_options(synchronize_session=False)
    )


def _remove_reflections(session: Session, membership: Membership, now: datetime) -> None:
    """A withdrawn member's reflections go, with the replies to them and every earlier
    wording, when the inquiry removes withdrawn members' contributions."""
    theirs = select(Reflection.id).where(Reflection.author_id == membership.id)
    replies_to_theirs = select(ReflectionResponse.id).where(
        ReflectionResponse.reflection_id.in_(theirs)
    )
    _erase(session, RESPONSE, replies_to_theirs)
    _erase(session, REFLECTION, theirs)
    session.execute(
        delete(ReflectionResponse)
        .where(ReflectionResponse.reflection_id.in_(theirs))
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        delete(Reflection)
        .where(Reflection.author_id == membership.id)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()


def _remove_replies(session: Session, membership: Membership, now: datetime) -> None:
    """A withdrawn member's replies to others' reflections go, with earlier wordings."""
    theirs = select(ReflectionResponse.id).where(ReflectionResponse.author_id == membership.id)
    _erase(session, RESPONSE, theirs)
    session.execute(
        delete(ReflectionResponse)
        .where(ReflectionResponse.author_id == membership.id)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()


REFLECTIONS_COUNTER = contributions.register(
    contributions.Counter(
        label="reflections",
        singular="reflection",
        for_round=_count_reflections_in_round,
        for_member=_count_reflections_by_member,
        remove_for_member=_remove_reflections,
    )
)
REPLIES_COUNTER = contributions.register(
    contributions.Counter(
        label="replies",
        singular="reply",
        for_round=_count_replies_in_round,
        for_member=_count_replies_by_member,
        remove_for_member=_remove_replies,
    )
)
