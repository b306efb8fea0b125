"""Testimony: written by witnesses, recorded by researchers, checked, approved, withdrawn.

Services take the database session and the time explicitly, flush rather than
commit, and record an audit event for every change. Audit events, notifications
and logs never hold what the testimony says, nor its title.

Statuses: a witness's own draft is seen by nobody else; testimony a researcher
records waits for the witness to check it (awaiting review), and the witness may
ask for changes (changes requested); only approved testimony is read by the
cohort; withdrawn testimony is erased, and only a bare row remains.

Every edit claims the next ``revision``: a form carries the revision it was
made from, and saving a form made from an older revision is refused, so two
people editing at once cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .. import contributions
from ..audit.service import record
from ..formatting import uk_today
from ..models import (
    Inquiry,
    Membership,
    MembershipStatus,
    Role,
    Round,
    RoundKind,
    Testimony,
    TestimonyFormat,
    TestimonyStatus,
    TestimonyUse,
    User,
)
from ..models.profile import LIVED_EXPERIENCE
from ..notifications.services import notify
from . import erasure

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_CHANGE_REQUEST = 2_000

# Statuses a researcher may change (a draft is the witness's alone).
RESEARCHER_EDITABLE = (
    TestimonyStatus.AWAITING_REVIEW,
    TestimonyStatus.CHANGES_REQUESTED,
    TestimonyStatus.APPROVED,
)
# Statuses in which the witness still has to approve the testimony.
WITH_WITNESS = (TestimonyStatus.AWAITING_REVIEW, TestimonyStatus.CHANGES_REQUESTED)
# What researchers see and filter by: everything but drafts.
RESEARCHER_STATUSES = (
    TestimonyStatus.AWAITING_REVIEW,
    TestimonyStatus.CHANGES_REQUESTED,
    TestimonyStatus.APPROVED,
    TestimonyStatus.WITHDRAWN,
)

LinkFor = Callable[[Testimony], str]


class TestimonyError(Exception):
    """A change that cannot be made, with a message for the person making it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TestimonyConflict(TestimonyError):
    """Someone else saved the testimony after the form was made."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this testimony while you were working on it. Your changes "
            "have not been saved. Compare your version with theirs below, then save again "
            "if you still want your version."
        )


for _cls in (TestimonyError, TestimonyConflict):
    _cls.__test__ = False  # type: ignore[attr-defined]


# Time rules ----------------------------------------------------------------------------


def deadline_passed(inquiry: Inquiry, now: datetime) -> bool:
    """Whether the withdrawal deadline (the end of that day, UK time) has passed."""
    deadline = inquiry.withdrawal_deadline
    return deadline is not None and uk_today(now) > deadline


def use_locked(inquiry: Inquiry, testimony: Testimony, now: datetime) -> bool:
    """Whether the witness can no longer change how the testimony may be used.

    The witness makes the first choice when they write or approve it; once the
    testimony is approved, they can change it until the withdrawal deadline.
    """
    if testimony.status == TestimonyStatus.WITHDRAWN:
        return True
    return testimony.status == TestimonyStatus.APPROVED and deadline_passed(inquiry, now)


def can_withdraw_now(inquiry: Inquiry, testimony: Testimony, now: datetime) -> bool:
    return testimony.status != TestimonyStatus.WITHDRAWN and not deadline_passed(inquiry, now)


# Reading ---------------------------------------------------------------------------------


def testimony_in(session: Session, inquiry: Inquiry, testimony_id: int) -> Testimony | None:
    """The testimony with this id if it belongs to the inquiry."""
    testimony = session.get(Testimony, testimony_id)
    if testimony is None or testimony.inquiry_id != inquiry.id:
        return None
    return testimony


def sessions_for_testimony(session: Session, inquiry: Inquiry) -> list[Round]:
    """The inquiry's sessions to give testimony in: evidence hearings first, in plan order."""
    rounds = session.scalars(
        select(Round).where(Round.inquiry_id == inquiry.id).order_by(Round.position, Round.id)
    ).all()
    return sorted(rounds, key=lambda r: r.kind != RoundKind.EVIDENCE_HEARING)


def active_witnesses(session: Session, inquiry: Inquiry) -> list[Membership]:
    """The inquiry's active witnesses, by the name others see."""
    witnesses = session.scalars(
        select(Membership).where(
            Membership.inquiry_id == inquiry.id,
            Membership.role == Role.WITNESS,
            Membership.status == MembershipStatus.ACTIVE,
        )
    ).all()
    return sorted(witnesses, key=lambda m: (m.public_name.casefold(), m.id))


def witness_in(session: Session, inquiry: Inquiry, membership_id: int) -> Membership | None:
    """An active witness of the inquiry, by membership id."""
    membership = session.get(Membership, membership_id)
    if (
        membership is None
        or membership.inquiry_id != inquiry.id
        or membership.role != Role.WITNESS
        or membership.status != MembershipStatus.ACTIVE
    ):
        return None
    return membership


def lived_experience_label(membership: Membership) -> str:
    """The witness's lived-experience category as a label, or "" when not given."""
    return LIVED_EXPERIENCE.get(membership.lived_experience or "", "")


def _in_hearing_order(testimonies: list[Testimony]) -> list[Testimony]:
    return sorted(testimonies, key=lambda t: (t.given_on or date.max, t.id))


def approved_in_round(session: Session, round_: Round) -> list[Testimony]:
    return _in_hearing_order(
        list(
            session.scalars(
                select(Testimony).where(
                    Testimony.round_id == round_.id,
                    Testimony.status == TestimonyStatus.APPROVED,
                )
            ).unique()
        )
    )


def _by_round(
    session: Session, inquiry: Inquiry, testimonies: list[Testimony]
) -> list[tuple[Round | None, list[Testimony]]]:
    """Testimony grouped by session in plan order; testimony without a session last."""
    groups: dict[int | None, list[Testimony]] = {}
    for testimony in testimonies:
        groups.setdefault(testimony.round_id, []).append(testimony)
    plan = session.scalars(
        select(Round).where(Round.inquiry_id == inquiry.id).order_by(Round.position, Round.id)
    ).all()
    result: list[tuple[Round | None, list[Testimony]]] = [
        (round_, groups[round_.id]) for round_ in plan if round_.id in groups
    ]
    if None in groups:
        result.append((None, groups[None]))
    return result


def approved_by_round(
    session: Session, inquiry: Inquiry
) -> list[tuple[Round | None, list[Testimony]]]:
    """The testimony the cohort can read, grouped by session."""
    approved = session.scalars(
        select(Testimony).where(
            Testimony.inquiry_id == inquiry.id, Testimony.status == TestimonyStatus.APPROVED
        )
    ).unique()
    return _by_round(session, inquiry, _in_hearing_order(list(approved)))


def for_witness(session: Session, membership: Membership) -> list[Testimony]:
    """All of a witness's own testimony, newest first."""
    return list(
        session.scalars(
            select(Testimony)
            .where(Testimony.witness_id == membership.id)
            .order_by(Testimony.created_at.desc(), Testimony.id.desc())
        ).unique()
    )


def for_researchers(
    session: Session,
    inquiry: Inquiry,
    *,
    status: TestimonyStatus | None = None,
    round_id: int | None = None,
) -> list[Testimony]:
    """Every testimony researchers may see (drafts are the witness's alone), filtered."""
    query = select(Testimony).where(
        Testimony.inquiry_id == inquiry.id, Testimony.status != TestimonyStatus.DRAFT
    )
    if status is not None:
        query = query.where(Testimony.status == status)
    if round_id is not None:
        query = query.where(Testimony.round_id == round_id)
    return list(
        session.scalars(query.order_by(Testimony.updated_at.desc(), Testimony.id.desc())).unique()
    )


def needing_changes(session: Session, inquiry: Inquiry) -> list[Testimony]:
    """Testimony whose witness asked the researchers for changes, oldest request first."""
    return list(
        session.scalars(
            select(Testimony)
            .where(
                Testimony.inquiry_id == inquiry.id,
                Testimony.status == TestimonyStatus.CHANGES_REQUESTED,
            )
            .order_by(Testimony.updated_at, Testimony.id)
        ).unique()
    )


def counts_by_status(session: Session, inquiry: Inquiry) -> dict[TestimonyStatus, int]:
    """How much testimony is in each status researchers see, every status listed."""
    rows = session.execute(
        select(Testimony.status, func.count())
        .where(Testimony.inquiry_id == inquiry.id, Testimony.status != TestimonyStatus.DRAFT)
        .group_by(Testimony.status)
    ).all()
    found = {TestimonyStatus(status): count for status, count in rows}
    return {status: found.get(status, 0) for status in RESEARCHER_STATUSES}


@dataclass
class Overview:
    """What the inquiry's overview page says about testimony to this member."""

    role: str  # "researcher", "witness" or "member"
    to_review: list[Testimony] = field(default_factory=list)
    own: int = 0
    drafts: int = 0
    counts: dict[TestimonyStatus, int] = field(default_factory=dict)
    approved: int = 0
    sessions_heard: int = 0

    @property
    def needing_changes(self) -> int:
        return self.counts.get(TestimonyStatus.CHANGES_REQUESTED, 0)


def heard_so_far(session: Session, inquiry: Inquiry) -> dict[str, int]:
    """How much approved testimony the cohort can read, and from how many sessions:
    the totals of ``approved_by_round``, counted in SQL rather than by loading it."""
    in_plan = and_(Round.id == Testimony.round_id, Round.inquiry_id == inquiry.id)
    approved, sessions = session.execute(
        select(func.count(Testimony.id), func.count(Round.id.distinct()))
        .select_from(Testimony)
        .outerjoin(Round, in_plan)
        .where(
            Testimony.inquiry_id == inquiry.id,
            Testimony.status == TestimonyStatus.APPROVED,
            or_(Testimony.round_id.is_(None), Round.id.is_not(None)),
        )
    ).one()
    return {"approved": approved, "sessions_heard": sessions}


def overview_for(session: Session, inquiry: Inquiry, membership: Membership | None) -> Overview:
    """For the overview page: a witness's testimony to check, researchers' counts by
    status, and for everyone the approved testimony heard so far."""
    heard = heard_so_far(session, inquiry)
    if membership is not None and membership.role == Role.RESEARCHER:
        return Overview(role="researcher", counts=counts_by_status(session, inquiry), **heard)
    if membership is not None and membership.role == Role.WITNESS:
        own = for_witness(session, membership)
        return Overview(
            role="witness",
            to_review=[t for t in own if t.status == TestimonyStatus.AWAITING_REVIEW],
            own=sum(1 for t in own if t.status != TestimonyStatus.WITHDRAWN),
            drafts=sum(1 for t in own if t.status == TestimonyStatus.DRAFT),
            **heard,
        )
    return Overview(role="member", **heard)


# Helpers for changes -----------------------------------------------------------------


def _claim_revision(session: Session, testimony: Testimony, expected: int, now: datetime) -> None:
    """Take the next revision, or raise TestimonyConflict if someone saved in between.

    The check and the increment are one conditional UPDATE, so two requests made
    from the same revision cannot both succeed, even at the same moment.
    """
    if expected != testimony.revision:
        raise TestimonyConflict()
    result = session.execute(
        update(Testimony)
        .where(Testimony.id == testimony.id, Testimony.revision == expected)
        .values(revision=expected + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(testimony)
        raise TestimonyConflict()
    set_committed_value(testimony, "revision", expected + 1)
    set_committed_value(testimony, "updated_at", now)


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def _prune_excerpts(testimony: Testimony) -> int:
    """Remove excerpts whose words are no longer in the text (after a correction or
    redaction), so nothing taken out of the testimony is still quoted."""
    text = _normalised(testimony.body or "")
    stale = [e for e in testimony.excerpts if _normalised(e.text) not in text]
    for excerpt in stale:
        testimony.excerpts.remove(excerpt)
    return len(stale)


def _session_words(testimony: Testimony) -> str:
    return testimony.round.title if testimony.round is not None else "the inquiry"


def _set_text(testimony: Testimony, *, title: str, body: str) -> list[str]:
    changed = []
    title = " ".join(title.split())
    body = body.strip()
    if not title:
        raise TestimonyError("Enter a title", field="title")
    if len(title) > MAX_TITLE:
        raise TestimonyError(f"Title must be {MAX_TITLE} characters or fewer", field="title")
    if not body:
        raise TestimonyError("Enter the testimony", field="body")
    if len(body) > MAX_BODY:
        raise TestimonyError(f"Testimony must be {MAX_BODY:,} characters or fewer", field="body")
    if testimony.title != title:
        testimony.title = title
        changed.append("title")
    if testimony.body != body:
        testimony.body = body
        changed.append("body")
    return changed


def _check_round(inquiry: Inquiry, round_: Round | None) -> None:
    if round_ is None or round_.inquiry_id != inquiry.id:
        raise TestimonyError("Select the session", field="round_id")


def _set_use(
    session: Session,
    testimony: Testimony,
    *,
    inquiry: Inquiry,
    actor: User,
    use: TestimonyUse,
    now: datetime,
) -> bool:
    if use == testimony.use:
        return False
    if use_locked(inquiry, testimony, now):
        raise TestimonyError("You can no longer change how this testimony may be used", field="use")
    old = testimony.use
    testimony.use = use
    testimony.use_changed_at = now
    session.flush()
    record(
        session,
        "testimony.use_changed",
        actor=actor,
        inquiry=inquiry,
        object_type="testimony",
        object_id=testimony.id,
        old=TestimonyUse(old).value,
        new=use.value,
    )
    return True


def _approve(testimony: Testimony, now: datetime) -> None:
    testimony.status = TestimonyStatus.APPROVED
    testimony.approved_at = now
    testimony.change_request = None
    if testimony.given_on is None:
        testimony.given_on = uk_today(now)


def _researchers_to_tell(session: Session, inquiry: Inquiry, testimony: Testimony) -> list[User]:
    """The researcher who recorded the testimony, or every researcher if they have gone."""
    researchers = session.scalars(
        select(Membership).where(
            Membership.inquiry_id == inquiry.id,
            Membership.role == Role.RESEARCHER,
            Membership.status == MembershipStatus.ACTIVE,
        )
    ).all()
    recorder = [m.user for m in researchers if m.user_id == testimony.recorded_by_id]
    people = recorder or [m.user for m in researchers]
    return [user for user in people if not user.is_disabled]


# Witnesses ---------------------------------------------------------------------------------


def write_testimony(
    session: Session,
    *,
    inquiry: Inquiry,
    witness: Membership,
    actor: User,
    round_: Round | None,
    title: str,
    body: str,
    use: TestimonyUse,
    share: bool,
    now: datetime,
) -> Testimony:
    """A witness's own written testimony: a draft, or shared with the cohort at once."""
    if witness.inquiry_id != inquiry.id or witness.role != Role.WITNESS:
        raise TestimonyError("Only a witness can give testimony")
    _check_round(inquiry, round_)
    testimony = Testimony(
        inquiry_id=inquiry.id,
        round_id=round_.id,
        witness_id=witness.id,
        recorded_by_id=actor.id,
        format=TestimonyFormat.WRITTEN,
        status=TestimonyStatus.DRAFT,
        use=use,
        revision=1,
        created_at=now,
        updated_at=now,
    )
    _set_text(testimony, title=title, body=body)
    if share:
        _approve(testimony, now)
    session.add(testimony)
    session.flush()
    record(
        session,
        "testimony.written",
        actor=actor,
        inquiry=inquiry,
        object_type="testimony",
        object_id=testimony.id,
        round_id=round_.id,
        status=testimony.status.value,
        use=use.value,
    )
    return testimony


def update_by_witness(
    session: Session,
    testimony: Testimony,
    *,
    inquiry: Inquiry,
    actor: User,
    expected_revision: int,
    title: str,
    body: str,
    use: TestimonyUse | None,
    round_: Round | None = None,
    approve: bool = False,
    now: datetime,
) -> list[str]:
    """The witness corrects, redacts or approves their testimony; returns what changed.

    Corrections keep the testimony's status: a draft stays a draft, testimony
    awaiting review stays with the witness, approved testimony stays approved.
    ``approve`` shares a draft, or approves testimony a researcher recorded.
    ``round_`` moves a draft to another session. ``use`` None leaves it as it is.
    """
    if testimony.status == TestimonyStatus.WITHDRAWN:
        raise TestimonyError("This testimony has been withdrawn")
    if approve and testimony.status == TestimonyStatus.APPROVED:
        approve = False
    _claim_revision(session, testimony, expected_revision, now)
    changed = _set_text(testimony, title=title, body=body)
    if round_ is not None and testimony.status == TestimonyStatus.DRAFT:
        _check_round(inquiry, round_)
        if testimony.round_id != round_.id:
            testimony.round_id = round_.id
            changed.append("session")
    if use is not None and _set_use(
        session, testimony, inquiry=inquiry, actor=actor, use=use, now=now
    ):
        changed.append("use")
    removed = _prune_excerpts(testimony) if "body" in changed else 0
    text_changed = [name for name in changed if name != "use"]
    if text_changed:
        session.flush()
        record(
            session,
            "testimony.updated",
            actor=actor,
            inquiry=inquiry,
            object_type="testimony",
            object_id=testimony.id,
            changed=text_changed,
            status=testimony.status.value,
            excerpts_removed=removed,
        )
    if approve:
        _approve(testimony, now)
        session.flush()
        record(
            session,
            "testimony.approved",
            actor=actor,
            inquiry=inquiry,
            object_type="testimony",
            object_id=testimony.id,
            use=testimony.use.value,
        )
        changed.append("status")
    session.flush()
    return changed


def request_changes(
    session: Session,
    testimony: Testimony,
    *,
    inquiry: Inquiry,
    actor: User,
    expected_revision: int,
    note: str,
    now: datetime,
    link_for: LinkFor,
) -> None:
    """The witness asks the researchers to change testimony they recorded."""
    if testimony.status not in WITH_WITNESS:
        raise TestimonyError("You can only ask for changes before you approve the testimony")
    note = note.strip()
    if not note:
        raise TestimonyError("Enter what you would like changed", field="note")
    if len(note) > MAX_CHANGE_REQUEST:
        raise TestimonyError(
            f"What you would like changed must be {MAX_CHANGE_REQUEST:,} characters or fewer",
            field="note",
        )
    _claim_revision(session, testimony, expected_revision, now)
    testimony.status = TestimonyStatus.CHANGES_REQUESTED
    testimony.change_request = note
    session.flush()
    record(
        session,
        "testimony.changes_requested",
        actor=actor,
        inquiry=inquiry,
        object_type="testimony",
        object_id=testimony.id,
    )
    message = (
        f"{testimony.witness.public_name} has asked for changes to their testimony for "
        f"{_session_words(testimony)}."
    )
    for researcher in _researchers_to_tell(session, inquiry, testimony):
        notify(session, researcher, message, inquiry=inquiry, link=link_for(testimony), now=now)


def change_use(
    session: Session,
    testimony: Testimony,
    *,
    inquiry: Inquiry,
    actor: User,
    use: TestimonyUse,
    now: datetime,
) -> bool:
    """The witness changes how their testimony may be used; False if it was already so."""
    if testimony.status == TestimonyStatus.WITHDRAWN:
        raise TestimonyError("This testimony has been withdrawn")
    if not _set_use(session, testimony, inquiry=inquiry, actor=actor, use=use, now=now):
        return False
    testimony.revision = (testimony.revision or 0) + 1
    testimony.updated_at = now
    session.flush()
    return True


def withdraw(
    session: Session, testimony: Testimony, *, inquiry: Inquiry, actor: User, now: datetime
) -> None:
    """Erase the witness's testimony everywhere, until the withdrawal deadline."""
    if testimony.status == TestimonyStatus.WITHDRAWN:
        raise TestimonyError("This testimony has already been withdrawn")
    if deadline_passed(inquiry, now):
        raise TestimonyError("The deadline for withdrawing testimony has passed")
    round_id = testimony.round_id
    erasure.erase(session, testimony, now=now)
    record(
        session,
        "testimony.withdrawn",
        actor=actor,
        inquiry=inquiry,
        object_type="testimony",
        object_id=testimony.id,
        round_id=round_id,
    )


# Researchers -------------------------------------------------------------------------------


def record_testimony(
    session: Session,
    *,
    inquiry: Inquiry,
    actor: User,
    witness: Membership,
    round_: Round | None,
    title: str,
    body: str,
    format: TestimonyFormat,
    given_on: date | None,
    now: datetime,
    link_for: LinkFor,
) -> Testimony:
    """A researcher records testimony for a witness, who is asked to check it."""
    if (
        witness.inquiry_id != inquiry.id
        or witness.role != Role.WITNESS
        or witness.status != MembershipStatus.ACTIVE
    ):
        raise TestimonyError("Select a witness", field="witness_id")
    _check_round(inquiry, round_)
    testimony = Testimony(
        inquiry_id=inquiry.id,
        round_id=round_.id,
        witness_id=witness.id,
        recorded_by_id=actor.id,
        format=format,
        given_on=given_on or round_.held_on,
        status=TestimonyStatus.AWAITING_REVIEW,
        use=TestimonyUse.COHORT_ONLY,
        revision=1,
        created_at=now,
        updated_at=now,
    )
    _set_text(testimony, title=title, body=body)
    session.add(testimony)
    session.flush()
    record(
        session,
        "testimony.recorded",
        actor=actor,
        inquiry=inquiry,
        object_type="testimony",
        object_id=testimony.id,
        witness_membership_id=witness.id,
        round_id=round_.id,
        format=format.value,
    )
    notify(
        session,
        witness.user,
        f"A researcher has recorded your testimony for {round_.title}. Please check it.",
        inquiry=inquiry,
        link=link_for(testimony),
        now=now,
    )
    return testimony


def update_by_researcher(
    session: Session,
    testimony: Testimony,
    *,
    inquiry: Inquiry,
    actor: User,
    expected_revision: int,
    round_: Round | None,
    title: str,
    body: str,
    format: TestimonyFormat,
    given_on: date | None,
    now: datetime,
    link_for: LinkFor,
) -> list[str]:
    """A researcher changes testimony; the witness is asked to check it again.

    Returns the names of what changed; nothing is saved when nothing changed.
    Approved testimony goes back to the witness for review, and so does testimony
    whose witness asked for changes.
    """
    if testimony.status not in RESEARCHER_EDITABLE:
        raise TestimonyError("This testimony cannot be changed")
    _check_round(inquiry, round_)
    if expected_revision != testimony.revision:
        raise TestimonyConflict()
    new_title = " ".join(title.split())
    new_body = body.strip()
    wanted = {
        "title": new_title,
        "body": new_body,
        "session": round_.id,
        "format": format,
        "date": given_on,
    }
    current = {
        "title": testimony.title,
        "body": testimony.body,
        "session": testimony.round_id,
        "format": testimony.format,
        "date": testimony.given_on,
    }
    changed = [name for name in wanted if wanted[name] != current[name]]
    if not changed:
        return []
    _claim_revision(session, testimony, expected_revision, now)
    _set_text(testimony, title=new_title, body=new_body)
    testimony.round_id = round_.id
    testimony.format = format
    testimony.given_on = given_on
    previous = testimony.status
    testimony.status = TestimonyStatus.AWAITING_REVIEW
    testimony.approved_at = None
    removed = _prune_excerpts(testimony) if "body" in changed else 0
    session.flush()
    record(
        session,
        "testimony.updated",
        actor=actor,
        inquiry=inquiry,
        object_type="testimony",
        object_id=testimony.id,
        changed=changed,
        status=testimony.status.value,
        previous_status=previous.value,
        excerpts_removed=removed,
    )
    session_words = round_.title
    if previous == TestimonyStatus.CHANGES_REQUESTED:
        message = (
            f"The researchers have made changes to your testimony for {session_words}, as "
            "you asked. Please check it."
        )
    elif previous == TestimonyStatus.APPROVED:
        message = (
            f"A researcher has changed your testimony for {session_words}. The cohort will "
            "not see it until you check it and approve it again."
        )
    else:
        message = f"A researcher has changed your testimony for {session_words}. Please check it."
    notify(
        session, testimony.witness.user, message, inquiry=inquiry, link=link_for(testimony), now=now
    )
    return changed


# Contribution counters: sessions with testimony cannot be deleted, and withdrawing a
# witness explains how much testimony they gave. Withdrawn testimony is not counted.


def _count_in_round(session: Session, round_: Round) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Testimony)
            .where(Testimony.round_id == round_.id, Testimony.status != TestimonyStatus.WITHDRAWN)
        )
        or 0
    )


def _count_by_member(session: Session, membership: Membership) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Testimony)
            .where(
                Testimony.witness_id == membership.id,
                Testimony.status != TestimonyStatus.WITHDRAWN,
            )
        )
        or 0
    )


COUNTER = contributions.register(
    contributions.Counter(
        label="pieces of testimony", for_round=_count_in_round, for_member=_count_by_member
    )
)
