"""Building the demo: two fictional inquiries made through the platform's own services, so
that every row is one the app itself would make.

"Living well at home" has run its course: recruited, six sessions held, testimony heard
and approved, reflections shared as professionals and as people, recommendations drafted,
amended and merged, a secret ballot closed, the evaluation answered, the report reviewed
and published, and the commissioner's response published with progress since and a
100-day challenge under way. "Caring for someone with dementia at home" is in session,
with two sessions held and the third open.

The story is told over the months before ``now``. Every service is given the time of the
step it makes; a clock set by each step also dates what the services date themselves
(audit events, rows created with a default time) and the report builds, so the whole
demo reads as one history. The commissioner's response, progress updates and the
challenge are written to their models directly.

``build_demo`` commits as it goes: a report is built in a session of its own, which must
see everything made before it. Give it the application's database session, inside an
application context, on an empty database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..ballots import services as ballots
from ..cohort import services as cohort
from ..consent import services as consent
from ..curation import services as curation
from ..deliberation import services as deliberation
from ..evaluation import services as evaluation
from ..excerpts import services as excerpts
from ..inquiries import lifecycle
from ..inquiries import services as inquiries
from ..invitations import services as invitations
from ..models import (
    REVIEW_DAYS,
    Agreement,
    AuditEvent,
    Base,
    BuildKind,
    BuildStatus,
    Certainty,
    Challenge,
    ChallengeReadiness,
    ChallengeReview,
    ChallengeStatus,
    CommissionerResponse,
    ConsentAudience,
    Decision,
    Excerpt,
    Inquiry,
    InquiryMode,
    InquiryStatus,
    Lens,
    Membership,
    MergeApproval,
    Notification,
    ProgressStatus,
    ProgressUpdate,
    ReadinessCondition,
    ReadinessRating,
    Recommendation,
    RecommendationAnswer,
    Reflection,
    ReportBuild,
    ResponseStatus,
    Role,
    Round,
    RoundPrompt,
    Testimony,
    TestimonyFormat,
    TestimonyUse,
    Theme,
    User,
    Visibility,
)
from ..notifications.services import notify
from ..questions import services as questions
from ..recommendations import services as recommendations
from ..reflections import services as reflections
from ..reports import jobs
from ..reports import services as reports
from ..reports.content import SECTION_HEADINGS
from ..rounds import services as rounds
from ..safeguarding import services as safeguarding
from ..security.passwords import hash_password
from ..testimony import services as testimony
from ..themes import services as themes
from . import content as text
from .content import (
    ExcerptText,
    InquiryText,
    Participant,
    Person,
    Question,
    ReflectionText,
    Reply,
    TestimonyText,
    Witness,
)

INVITATION_LIFETIME = timedelta(days=14)
# The label of the report version made once the commissioner's response is published.
RESPONSE_VERSION_LABEL = "with the commissioner's response"


class DemoError(RuntimeError):
    """The demo could not be built (a step the platform refused, or a failed report)."""


@dataclass(frozen=True)
class DemoAccount:
    """A demo account to sign in with: the role it shows, in which inquiry."""

    role: Role
    name: str
    email: str
    inquiry: str  # the inquiry's title
    inquiry_id: int


def build_demo(session: Session, *, password: str, now: datetime) -> list[DemoAccount]:
    """Make the two demo inquiries in an empty database, everyone's password being
    ``password``, with the story ending just before ``now``. Commits as it goes. Returns
    the accounts to print: at least one for each role."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    builder = _Builder(session, password_hash=hash_password(password), now=now)
    with builder.clock_for_defaults():
        living_well = builder.living_well()
        dementia = builder.dementia()
        builder.finish()
    session.commit()
    return [
        *builder.accounts(living_well, text.LIVING_WELL_ACCOUNTS),
        *builder.accounts(dementia, text.DEMENTIA_ACCOUNTS),
    ]


# What the builder keeps about an inquiry ------------------------------------------------------


@dataclass
class _Inquiry:
    inquiry: Inquiry
    members: dict[str, Membership] = field(default_factory=dict)
    rounds: list[Round] = field(default_factory=list)
    themes: dict[str, Theme] = field(default_factory=dict)
    testimony: dict[str, Testimony] = field(default_factory=dict)
    excerpts: dict[str, Excerpt] = field(default_factory=dict)
    reflections: dict[tuple[int, str, int], Reflection] = field(default_factory=dict)
    recommendations: dict[str, Recommendation] = field(default_factory=dict)

    def round(self, position: int) -> Round:
        return self.rounds[position - 1]

    def prompt(self, position: int, index: int) -> RoundPrompt:
        return self.round(position).prompts[index]

    def path(self, rest: str = "") -> str:
        return f"/inquiries/{self.inquiry.id}{rest}"


class _Builder:
    def __init__(self, session: Session, *, password_hash: str, now: datetime) -> None:
        self.session = session
        self.password_hash = password_hash
        self.now = now.astimezone(UTC)
        self.today = testimony.uk_today(now)
        self.clock = self.now
        self.users: dict[str, User] = {}

    # Time ---------------------------------------------------------------------------------

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        """A moment of the story (UTC), which becomes the time of what comes next."""
        moment = datetime.combine(day, time(hour, minute), tzinfo=UTC)
        if moment >= self.now:
            raise DemoError(f"the demo's story reached {moment}, after now ({self.now})")
        self.clock = moment
        return moment

    @contextmanager
    def clock_for_defaults(self) -> Iterator[None]:
        """Rows the services date with their default time (audit events, memberships...)
        take the time of the step instead, and report builds run at it."""

        def date_row(mapper, connection, target) -> None:
            for name in ("created_at", "updated_at"):
                if hasattr(type(target), name) and getattr(target, name, None) is None:
                    setattr(target, name, self.clock)

        event.listen(Base, "before_insert", date_row, propagate=True)
        original = jobs.utcnow
        jobs.utcnow = lambda: self.clock
        try:
            yield
        finally:
            jobs.utcnow = original
            event.remove(Base, "before_insert", date_row)

    # People --------------------------------------------------------------------------------

    def user(self, person: Person | Participant | Witness, *, at: datetime) -> User:
        existing = self.users.get(person.key)
        if existing is not None:
            return existing
        user = User(
            email=person.email,
            name=person.name,
            password_hash=self.password_hash,
            created_at=at,
        )
        self.session.add(user)
        self.session.flush()
        self.users[person.key] = user
        return user

    def join(
        self,
        box: _Inquiry,
        person: Person | Participant | Witness,
        role: Role,
        *,
        invited_by: User,
        invited: datetime,
        joined: datetime,
    ) -> Membership:
        """Invite the person, who accepts, fills in their profile and agrees to the
        information and consent text of their role."""
        self.clock = invited
        invitation = invitations.create_invitation(
            self.session,
            inquiry=box.inquiry,
            email=person.email,
            role=role,
            invited_by=invited_by,
            now=invited,
            lifetime=INVITATION_LIFETIME,
        )
        invitations.mark_sent(self.session, invitation, actor=invited_by, now=invited)
        self.clock = joined
        user = self.user(person, at=joined)
        membership = invitations.accept(self.session, invitation, user=user, now=joined)
        membership.created_at = joined
        if isinstance(person, Participant):
            cohort.update_profile(
                self.session,
                membership,
                data={
                    "professional_role": person.professional_role,
                    "professional_role_other": person.professional_role_other,
                    "sector": person.sector,
                    "organisation": person.organisation,
                    "locality": person.locality,
                },
                named_in_report=person.named_in_report,
                actor=user,
            )
        elif isinstance(person, Witness):
            cohort.update_profile(
                self.session,
                membership,
                data={
                    "lived_experience": person.lived_experience,
                    "lived_experience_other": person.lived_experience_other,
                    "display_name": person.display_name,
                },
                access_needs=person.access_needs,
                support_contact=person.support_contact,
                actor=user,
            )
        audience = consent.audience_for(role)
        if audience is not None:
            current = consent.current_text(self.session, box.inquiry, audience)
            consent.give_consent(
                self.session, inquiry=box.inquiry, text=current, user=user, now=joined
            )
        box.members[person.key] = membership
        return membership

    def member(self, box: _Inquiry, key: str) -> Membership:
        return box.members[key]

    # Setting an inquiry up ------------------------------------------------------------------

    def create(
        self,
        words: InquiryText,
        creator: User,
        *,
        created: datetime,
        settings: dict,
        session_days: list[date],
    ) -> _Inquiry:
        self.clock = created
        inquiry = inquiries.create_inquiry(
            self.session,
            creator=creator,
            title=words.title,
            question=words.question,
            mode=InquiryMode.INVERTED,
        )
        inquiry.created_at = created
        box = _Inquiry(inquiry)
        box.members[self._key_of(creator)] = self.session.scalar(
            select(Membership).where(
                Membership.inquiry_id == inquiry.id, Membership.user_id == creator.id
            )
        )
        inquiries.update_settings(
            self.session,
            inquiry,
            actor=creator,
            now=created,
            scope=words.scope,
            commissioner_organisation=text.COMMISSIONER,
            safeguarding_contact=words.safeguarding_contact,
            **settings,
        )
        box.rounds = rounds.apply_plan(self.session, inquiry, actor=creator, now=created)
        for round_, day in zip(box.rounds, session_days, strict=True):
            rounds.update_round(
                self.session,
                round_,
                inquiry=inquiry,
                actor=creator,
                kind=round_.kind,
                title=round_.title,
                held_on=day,
                purpose=round_.purpose,
                prompts=[p.text for p in round_.prompts if not p.asks_about_change],
                asks_about_change=any(p.asks_about_change for p in round_.prompts),
                now=created,
            )
        for audience, body in (
            (ConsentAudience.PARTICIPANT, words.participant_information),
            (ConsentAudience.WITNESS, words.witness_information),
        ):
            consent.publish_text(
                self.session,
                inquiry=inquiry,
                audience=audience,
                body=body,
                based_on=0,
                actor=creator,
                now=created,
            )
        return box

    def _key_of(self, user: User) -> str:
        return next(key for key, known in self.users.items() if known.id == user.id)

    def stage(self, box: _Inquiry, target: InquiryStatus, *, actor: User, at: datetime) -> None:
        self.clock = at
        try:
            lifecycle.change_stage(self.session, box.inquiry, target, actor=actor, now=at)
        except lifecycle.StageError as error:
            raise DemoError(f"{box.inquiry.title} could not move to {target}: {error}") from None

    def make_themes(self, box: _Inquiry, names, *, actor: User, at: datetime) -> None:
        self.clock = at
        for name in names:
            box.themes[name] = themes.create_theme(
                self.session, inquiry=box.inquiry, actor=actor, name=name, now=at
            )

    # Sessions and reflections -----------------------------------------------------------------

    def open_session(self, box: _Inquiry, position: int, *, actor: User, at: datetime) -> None:
        self.clock = at
        round_ = box.round(position)
        reflections.open_round(
            self.session,
            round_,
            inquiry=box.inquiry,
            actor=actor,
            link=box.path(f"/sessions/{round_.id}/take-part"),
            now=at,
        )

    def close_session(self, box: _Inquiry, position: int, *, actor: User, at: datetime) -> None:
        self.clock = at
        reflections.close_round(
            self.session, box.round(position), inquiry=box.inquiry, actor=actor, now=at
        )

    def reflect(
        self,
        box: _Inquiry,
        position: int,
        items: tuple[ReflectionText, ...],
        *,
        day: date,
        days: int = 3,
    ) -> None:
        """The session's reflections, written over ``days`` days from ``day``."""
        for n, item in enumerate(items):
            when = self.at(day + timedelta(days=n % days), 12 + (n * 37 % 9), n * 7 % 60)
            member = self.member(box, item.author)
            saved = reflections.save_reflection(
                self.session,
                inquiry=box.inquiry,
                prompt=box.prompt(position, item.prompt),
                author=member,
                actor=member.user,
                body=item.body,
                lens=Lens(item.lens),
                visibility=Visibility.RESEARCHERS if item.researchers_only else Visibility.COHORT,
                share=not item.draft,
                expected_revision=0,
                now=when,
            )
            box.reflections[(position, item.author, item.prompt)] = saved.reflection

    def reply(self, box: _Inquiry, item: Reply, *, at: datetime) -> None:
        self.clock = at
        member = self.member(box, item.by)
        round_ = box.round(item.session)
        reflection = box.reflections[(item.session, item.author, item.prompt)]
        reflections.post_reply(
            self.session,
            inquiry=box.inquiry,
            reflection=reflection,
            author=member,
            actor=member.user,
            body=item.body,
            link=box.path(f"/sessions/{round_.id}/take-part#reflection-{reflection.id}"),
            now=at,
        )

    def tag(self, box: _Inquiry, position: int, items, *, actor: User, at: datetime) -> None:
        self.clock = at
        for item in items:
            if item.themes and not item.draft:
                deliberation.tag_reflection(
                    self.session,
                    box.reflections[(position, item.author, item.prompt)],
                    inquiry=box.inquiry,
                    actor=actor,
                    themes=[box.themes[name] for name in item.themes],
                    now=at,
                )

    # Testimony ----------------------------------------------------------------------------------

    def give_testimony(
        self, box: _Inquiry, item: TestimonyText, *, researcher: User, day: date
    ) -> Testimony:
        """Written and shared by the witness, or recorded by a researcher on the day of the
        hearing and then checked by the witness (with the changes they ask for)."""
        witness = self.member(box, item.witness)
        round_ = box.round(item.session)
        link_for = self.testimony_link(box)
        if item.how == "written":
            given = testimony.write_testimony(
                self.session,
                inquiry=box.inquiry,
                witness=witness,
                actor=witness.user,
                round_=round_,
                title=item.title,
                body=item.body,
                use=TestimonyUse(item.use),
                share=True,
                now=self.at(day, 19, 30),
            )
            box.testimony[item.witness] = given
            return given
        given = testimony.record_testimony(
            self.session,
            inquiry=box.inquiry,
            actor=researcher,
            witness=witness,
            round_=round_,
            title=item.title,
            body=item.first_recording or item.body,
            format=TestimonyFormat(item.how),
            given_on=round_.held_on,
            now=self.at(day, 16, 30),
            link_for=link_for,
        )
        box.testimony[item.witness] = given
        if item.change_request:
            testimony.request_changes(
                self.session,
                given,
                inquiry=box.inquiry,
                actor=witness.user,
                expected_revision=given.revision,
                note=item.change_request,
                now=self.at(day + timedelta(days=1), 11),
                link_for=link_for,
            )
            testimony.update_by_researcher(
                self.session,
                given,
                inquiry=box.inquiry,
                actor=researcher,
                expected_revision=given.revision,
                round_=round_,
                title=item.title,
                body=item.body,
                format=TestimonyFormat(item.how),
                given_on=round_.held_on,
                now=self.at(day + timedelta(days=1), 15),
                link_for=link_for,
            )
        if item.approve:
            testimony.update_by_witness(
                self.session,
                given,
                inquiry=box.inquiry,
                actor=witness.user,
                expected_revision=given.revision,
                title=item.title,
                body=item.body,
                use=TestimonyUse(item.use),
                approve=True,
                now=self.at(day + timedelta(days=2), 10, 15),
            )
        return given

    def testimony_link(self, box: _Inquiry) -> Callable[[Testimony], str]:
        return lambda given: box.path(f"/testimony/{given.id}")

    def mark_excerpts(
        self, box: _Inquiry, items: tuple[ExcerptText, ...], *, actor: User, day: date
    ) -> None:
        for n, item in enumerate(items):
            at = self.at(day, 9 + n // 6, n * 9 % 60)
            box.excerpts[item.key] = excerpts.create_excerpt(
                self.session,
                inquiry=box.inquiry,
                testimony=box.testimony[item.witness],
                actor=actor,
                text=item.text,
                themes=[box.themes[name] for name in item.themes],
                now=at,
            )

    def ask(self, box: _Inquiry, item: Question, *, day: date, researcher: User | None) -> None:
        asker = self.member(box, item.asker).user
        question = questions.ask(
            self.session,
            inquiry=box.inquiry,
            actor=asker,
            text=item.text,
            round_=box.round(item.session),
            witness=self.member(box, item.witness) if item.witness else None,
            now=self.at(day, 20, 15),
        )
        for n, key in enumerate(item.supporters):
            questions.set_support(
                self.session,
                question,
                user=self.member(box, key).user,
                supported=True,
                now=self.at(day + timedelta(days=1), 8, 10 * n),
            )
        if item.answered_by and researcher is not None:
            at = self.at(day + timedelta(days=4), 17)
            questions.mark_answered(
                self.session,
                question,
                inquiry=box.inquiry,
                actor=researcher,
                testimony=box.testimony[item.answered_by],
                link=box.path("/questions"),
                now=at,
            )

    # Reports ------------------------------------------------------------------------------------

    def build_report(
        self, box: _Inquiry, *, kind: BuildKind, actor: User, at: datetime, label: str = ""
    ) -> ReportBuild:
        """Request a build of the report and make it."""
        self.clock = at
        build = jobs.request_build(
            self.session, box.inquiry, kind=kind, actor=actor, now=at, label=label
        )
        return self.run_requested_build(box, build, at=at)

    # Finishing ------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Everyone last signed in when they last did something, and notifications older
        than a week have been read."""
        last_seen = dict(
            self.session.execute(
                select(AuditEvent.actor_id, func.max(AuditEvent.created_at))
                .where(AuditEvent.actor_id.is_not(None))
                .group_by(AuditEvent.actor_id)
            ).all()
        )
        for user in self.users.values():
            user.last_signed_in_at = last_seen.get(user.id, user.created_at)
        read_before = self.now - timedelta(days=7)
        for notification in self.session.scalars(
            select(Notification).where(Notification.created_at < read_before)
        ):
            notification.read_at = notification.created_at + timedelta(hours=20)
        self.session.flush()

    def accounts(self, box: _Inquiry, wanted) -> list[DemoAccount]:
        return [
            DemoAccount(
                role=Role(role),
                name=self.users[key].name,
                email=self.users[key].email,
                inquiry=box.inquiry.title,
                inquiry_id=box.inquiry.id,
            )
            for role, key in wanted
        ]

    # The finished inquiry ----------------------------------------------------------------------

    def living_well(self) -> _Inquiry:
        start = self.today - timedelta(days=150)

        def day(n: int) -> date:
            return start + timedelta(days=n)

        published = day(63)
        response_due = published + timedelta(days=56)

        ruth = self.user(text.RUTH, at=self.at(day(-41), 9))
        ruth.is_researcher = True
        box = self.create(
            text.LIVING_WELL,
            ruth,
            created=self.at(day(-40), 10),
            settings={
                "starts_on": start,
                "ends_on": day(35),
                "withdrawal_deadline": day(56),
                "retention_date": published + timedelta(days=730),
                "response_due_on": response_due,
                "quorum_percent": 60,
            },
            session_days=[day(7 * n) for n in range(6)],
        )
        inquiry = box.inquiry
        self.at(day(-40), 11)
        for dimension, value, minimum in text.LIVING_WELL_TARGETS:
            cohort.set_target(
                self.session,
                inquiry,
                dimension=dimension,
                value=value,
                minimum=minimum,
                actor=ruth,
            )

        # Recruiting.
        self.join(
            box,
            text.KWAME,
            Role.RESEARCHER,
            invited_by=ruth,
            invited=self.at(day(-38), 9),
            joined=self.at(day(-37), 14),
        )
        kwame = self.users["kwame"]
        self.stage(box, InquiryStatus.RECRUITING, actor=ruth, at=self.at(day(-35), 9))
        for n, person in enumerate(text.LIVING_WELL_PARTICIPANTS):
            self.join(
                box,
                person,
                Role.PARTICIPANT,
                invited_by=ruth if n % 3 else kwame,
                invited=self.at(day(-34 + n // 3), 10, n * 3),
                joined=self.at(day(-32 + n // 2), 18, n * 3),
            )
        for n, person in enumerate(text.LIVING_WELL_WITNESSES):
            self.join(
                box,
                person,
                Role.WITNESS,
                invited_by=ruth,
                invited=self.at(day(-28 + n), 11),
                joined=self.at(day(-26 + n), 15),
            )
        self.join(
            box,
            text.HELEN,
            Role.COMMISSIONER,
            invited_by=ruth,
            invited=self.at(day(-30), 9),
            joined=self.at(day(-29), 12),
        )
        self.join(
            box,
            text.YUSUF,
            Role.OBSERVER,
            invited_by=ruth,
            invited=self.at(day(-30), 9, 5),
            joined=self.at(day(-27), 19),
        )
        helen = self.users["helen"]
        self.stage(box, InquiryStatus.IN_SESSION, actor=ruth, at=self.at(day(-3), 9))

        # Session 1: introductions.
        self.open_session(box, 1, actor=ruth, at=self.at(day(0), 9))
        self.reflect(box, 1, text.LIVING_WELL_REFLECTIONS[1], day=day(0))
        self.reply(box, text.LIVING_WELL_REPLIES[0], at=self.at(day(3), 20))
        self.make_themes(box, text.LIVING_WELL_THEMES[:5], actor=ruth, at=self.at(day(4), 16))
        self.close_session(box, 1, actor=ruth, at=self.at(day(6), 17))

        # Session 2: hearing from people who receive care.
        hearing_2 = [t for t in text.LIVING_WELL_TESTIMONY if t.session == 2]
        for n, item in enumerate(hearing_2):
            self.give_testimony(box, item, researcher=ruth, day=day(5 + n) if n < 2 else day(7))
        for item in text.LIVING_WELL_QUESTIONS:
            if item.session == 2:
                self.ask(box, item, day=day(6), researcher=ruth)
        self.open_session(box, 2, actor=ruth, at=self.at(day(7), 9))
        self.reflect(box, 2, text.LIVING_WELL_REFLECTIONS[2], day=day(7))
        self.reply(box, text.LIVING_WELL_REPLIES[1], at=self.at(day(9), 21))
        self.reply(box, text.LIVING_WELL_REPLIES[2], at=self.at(day(10), 8))
        self.make_themes(box, text.LIVING_WELL_THEMES[5:], actor=ruth, at=self.at(day(10), 9))
        self.mark_excerpts(
            box,
            tuple(
                e for e in text.LIVING_WELL_EXCERPTS if e.witness in ("peggy", "arthur", "nadia")
            ),
            actor=ruth,
            day=day(10),
        )
        self.at(day(9), 11)
        flag = safeguarding.raise_flag(
            self.session,
            inquiry=inquiry,
            actor=ruth,
            object_type="testimony",
            object_id=box.testimony["arthur"].id,
            note=text.SAFEGUARDING_NOTE,
            now=self.clock,
        )
        safeguarding.follow_up(
            self.session,
            flag,
            inquiry=inquiry,
            actor=ruth,
            note=text.SAFEGUARDING_FOLLOW_UP,
            now=self.at(day(11), 14),
        )
        self.tag(box, 2, text.LIVING_WELL_REFLECTIONS[2], actor=ruth, at=self.at(day(12), 10))
        self.close_session(box, 2, actor=ruth, at=self.at(day(13), 17))

        # Session 3: families, friends and close carers.
        hearing_3 = [t for t in text.LIVING_WELL_TESTIMONY if t.session == 3]
        for n, item in enumerate(hearing_3):
            written_day = day(11 + n) if item.how == "written" else day(14)
            self.give_testimony(box, item, researcher=kwame, day=written_day)
        for item in text.LIVING_WELL_QUESTIONS:
            if item.session == 3:
                self.ask(box, item, day=day(13), researcher=kwame)
        self.open_session(box, 3, actor=ruth, at=self.at(day(14), 9))
        self.reflect(box, 3, text.LIVING_WELL_REFLECTIONS[3], day=day(14))
        self.reply(box, text.LIVING_WELL_REPLIES[3], at=self.at(day(16), 19))
        self.reply(box, text.LIVING_WELL_REPLIES[4], at=self.at(day(17), 7, 45))
        self.mark_excerpts(
            box,
            tuple(
                e
                for e in text.LIVING_WELL_EXCERPTS
                if e.witness not in ("peggy", "arthur", "nadia")
            ),
            actor=kwame,
            day=day(18),
        )
        self.tag(box, 3, text.LIVING_WELL_REFLECTIONS[3], actor=kwame, at=self.at(day(19), 10))
        self.close_session(box, 3, actor=ruth, at=self.at(day(20), 17))

        # Session 4: reflection and themes.
        self.open_session(box, 4, actor=ruth, at=self.at(day(21), 9))
        self.reflect(box, 4, text.LIVING_WELL_REFLECTIONS[4], day=day(21))
        self.reply(box, text.LIVING_WELL_REPLIES[5], at=self.at(day(23), 18))
        self.tag(box, 4, text.LIVING_WELL_REFLECTIONS[4], actor=ruth, at=self.at(day(25), 10))
        self.close_session(box, 4, actor=ruth, at=self.at(day(27), 17))

        # Session 5: drafting recommendations.
        self.open_session(box, 5, actor=ruth, at=self.at(day(28), 9))
        self.reflect(box, 5, text.LIVING_WELL_REFLECTIONS[5], day=day(28))
        self.reply(box, text.LIVING_WELL_REPLIES[6], at=self.at(day(30), 20))
        self.draft_recommendations(box, day=day)
        self.close_session(box, 5, actor=ruth, at=self.at(day(34), 17))

        # Session 6: the ballot.
        self.stage(box, InquiryStatus.VOTING, actor=ruth, at=self.at(day(34), 17, 30))
        self.open_session(box, 6, actor=ruth, at=self.at(day(35), 9))
        self.vote(box, day=day, researcher=ruth)
        self.reflect(box, 6, text.LIVING_WELL_REFLECTIONS[6], day=day(36))
        self.close_session(box, 6, actor=ruth, at=self.at(day(42), 17))
        self.stage(box, InquiryStatus.REPORTING, actor=ruth, at=self.at(day(42), 17, 30))

        self.evaluate(box, day=day, researcher=ruth)
        self.write_report(box, day=day, researcher=ruth)
        self.stage(box, InquiryStatus.PUBLISHED, actor=ruth, at=self.at(published, 12))

        self.respond(box, published=published, commissioner=helen, researcher=ruth)
        return box

    def draft_recommendations(self, box: _Inquiry, *, day: Callable[[int], date]) -> None:
        inquiry = box.inquiry
        for n, item in enumerate(text.LIVING_WELL_RECOMMENDATIONS):
            author = self.member(box, item.author)
            created = recommendations.create_recommendation(
                self.session,
                inquiry=inquiry,
                author=author,
                actor=author.user,
                wording=item.wording(),
                themes=[box.themes[name] for name in item.themes],
                excerpt_ids=[box.excerpts[key].id for key in item.excerpts],
                reflection_ids=[box.reflections[key].id for key in item.reflections],
                propose=True,
                now=self.at(day(29 + n // 4), 10 + n % 4 * 2, 15),
            )
            box.recommendations[item.key] = created
        for n, item in enumerate(text.LIVING_WELL_RECOMMENDATIONS):
            recommendation = box.recommendations[item.key]
            link = box.path(f"/recommendations/{recommendation.id}")
            for k, key in enumerate(item.supporters):
                member = self.member(box, key)
                recommendations.set_support(
                    self.session,
                    recommendation,
                    inquiry=inquiry,
                    member=member,
                    actor=member.user,
                    support=True,
                    now=self.at(day(30 + n // 4 + k % 2), 8 + k, n * 5),
                )
            for k, (key, body) in enumerate(item.comments):
                member = self.member(box, key)
                recommendations.add_comment(
                    self.session,
                    recommendation,
                    inquiry=inquiry,
                    author=member,
                    actor=member.user,
                    body=body,
                    link=link + "#comments",
                    now=self.at(day(30 + n // 4), 12 + 2 * k, n * 5),
                )
        for n, amendment in enumerate(text.LIVING_WELL_AMENDMENTS):
            recommendation = box.recommendations[amendment.recommendation]
            proposer = self.member(box, amendment.proposer)
            link = box.path(f"/recommendations/{recommendation.id}#amendments")
            proposed = recommendations.propose_amendment(
                self.session,
                recommendation,
                inquiry=inquiry,
                proposer=proposer,
                actor=proposer.user,
                wording={**recommendations.wording_of(recommendation), **amendment.changes},
                reason=amendment.reason,
                base_revision=recommendation.revision,
                link=link,
                now=self.at(day(31), 19, 10 * n),
            )
            author = self.member(box, recommendation_author_key(amendment.recommendation))
            recommendations.decide_amendment(
                self.session,
                proposed,
                inquiry=inquiry,
                author=author,
                actor=author.user,
                accept=amendment.accept,
                note=amendment.note,
                expected_revision=recommendation.revision,
                link=link,
                now=self.at(day(32), 9 + n),
            )

        ruth = self.member(box, "ruth")
        sources = [box.recommendations[key] for key in text.MERGE_SOURCES]
        merged = curation.merge(
            self.session,
            inquiry,
            sources,
            wording=dict(text.MERGED_DAY),
            lead_author=self.member(box, text.MERGE_LEAD),
            actor=ruth.user,
            merged_by=ruth,
            now=self.at(day(33), 10),
            recommendation_link=lambda r: box.path(f"/recommendations/{r.id}"),
            answer_link=lambda approval: box.path(f"/merges/{approval.id}"),
        )
        box.recommendations[text.MERGE_KEY] = merged
        approvals = self.session.scalars(
            select(MergeApproval)
            .where(MergeApproval.recommendation_id == merged.id)
            .order_by(MergeApproval.id)
        ).all()
        for n, approval in enumerate(approvals):
            curation.answer_merge(
                self.session,
                approval,
                accept=True,
                note="",
                actor=approval.member.user,
                inquiry=inquiry,
                now=self.at(day(33), 18 + n),
                prepare_link=box.path("/recommendations/prepare"),
            )
        for n, key in enumerate(text.BALLOT_ORDER):
            curation.freeze(
                self.session,
                inquiry,
                [box.recommendations[key]],
                actor=ruth.user,
                now=self.at(day(34), 11, n * 2),
                recommendation_link=lambda r: box.path(f"/recommendations/{r.id}"),
            )

    def vote(self, box: _Inquiry, *, day: Callable[[int], date], researcher: User) -> None:
        ballot = ballots.open_ballot(
            self.session,
            box.inquiry,
            actor=researcher,
            now=self.at(day(35), 10),
            link=box.path("/ballot"),
        )
        voters = [
            box.members[p.key]
            for p in text.LIVING_WELL_PARTICIPANTS
            if p.key not in text.DID_NOT_VOTE
        ]
        papers: list[dict[int, ballots.Answer]] = [{} for _ in voters]
        for key in text.BALLOT_ORDER:
            answers = ballot_answers(key, text.VOTES[key], len(voters))
            for paper, answer in zip(papers, answers, strict=True):
                paper[box.recommendations[key].id] = answer
        for n, (member, paper) in enumerate(zip(voters, papers, strict=True)):
            self.at(day(35 + n % 6), 19, n * 3)
            ballots.save_paper(self.session, ballot, member, paper)
        ballots.close_ballot(
            self.session,
            ballot,
            researcher,
            self.at(day(42), 12),
            link=box.path("/results"),
        )

    def evaluate(self, box: _Inquiry, *, day: Callable[[int], date], researcher: User) -> None:
        questionnaire = evaluation.create_questionnaire(
            self.session, box.inquiry, actor=researcher, now=self.at(day(42), 18)
        )
        evaluation.open_questionnaire(
            self.session,
            questionnaire,
            inquiry=box.inquiry,
            actor=researcher,
            now=self.at(day(42), 18, 5),
            answer_link=box.path("/evaluation"),
        )
        items = list(questionnaire.questions)
        for n, (key, (values, written)) in enumerate(text.EVALUATION.items()):
            self.at(day(43 + n % 7), 20, n)
            answers: dict[int, int | str | None] = dict(
                zip((item.id for item in items[:-1]), values, strict=True)
            )
            answers[items[-1].id] = written
            evaluation.submit(
                self.session,
                questionnaire,
                inquiry=box.inquiry,
                user=self.member(box, key).user,
                role=Role.PARTICIPANT,
                answers=answers,
            )
        evaluation.close_questionnaire(
            self.session,
            questionnaire,
            inquiry=box.inquiry,
            actor=researcher,
            now=self.at(day(56), 9),
        )

    def write_report(self, box: _Inquiry, *, day: Callable[[int], date], researcher: User) -> None:
        inquiry = box.inquiry
        first = {**text.NARRATIVE, "executive_summary": text.FIRST_EXECUTIVE_SUMMARY, "method": ""}
        self.narrative(box, first, actor=researcher, at=self.at(day(49), 15))
        self.build_report(box, kind=BuildKind.DRAFT, actor=researcher, at=self.at(day(52), 10))
        reports.open_review(
            self.session,
            inquiry,
            actor=researcher,
            now=self.at(day(52), 10, 30),
            link=box.path("/report/review"),
        )
        for n, (key, section, body) in enumerate(text.REPORT_COMMENTS):
            reports.add_comment(
                self.session,
                inquiry,
                author=self.member(box, key),
                section=section,
                body=body,
                sections=dict(SECTION_HEADINGS),
                now=self.at(day(53 + n), 20),
            )
        reports.close_review(self.session, inquiry, actor=researcher, now=self.at(day(60), 9))
        self.narrative(
            box, {**text.NARRATIVE, "method": ""}, actor=researcher, at=self.at(day(60), 11)
        )
        self.build_report(box, kind=BuildKind.PUBLISHED, actor=researcher, at=self.at(day(63), 10))

    def narrative(self, box: _Inquiry, values: dict, *, actor: User, at: datetime) -> None:
        report = reports.ensure_report(self.session, box.inquiry, now=at)
        reports.save_narrative(
            self.session,
            box.inquiry,
            values=values,
            expected_revision=report.revision,
            actor=actor,
            now=at,
        )

    def respond(
        self, box: _Inquiry, *, published: date, commissioner: User, researcher: User
    ) -> None:
        """The commissioner's answers, drafted over a fortnight and published on time; a new
        version of the report with them; progress since; and a 100-day challenge."""
        inquiry = box.inquiry
        answered_on = published + timedelta(days=49)

        def after(days: int) -> date:
            return answered_on + timedelta(days=days)

        response = CommissionerResponse(
            inquiry_id=inquiry.id,
            status=ResponseStatus.DRAFT,
            created_at=self.at(published + timedelta(days=37), 10),
        )
        self.session.add(response)
        self.session.flush()
        for n, (key, answer) in enumerate(text.RESPONSE.items()):
            recommendation = box.recommendations[key]
            at = self.at(published + timedelta(days=37 + n), 11)
            row = RecommendationAnswer(
                response_id=response.id,
                recommendation_id=recommendation.id,
                decision=Decision(answer.decision),
                reasons=answer.reasons,
                lead=answer.lead,
                target_on=after(answer.target_days) if answer.target_days is not None else None,
                updated_at=at,
                updated_by_id=commissioner.id,
            )
            response.answers.append(row)
            self.session.flush()
            record(
                self.session,
                "response.answer_saved",
                actor=commissioner,
                inquiry=inquiry,
                object_type="recommendation_answer",
                object_id=row.id,
                recommendation=recommendation.reference,
                decision=row.decision.value,
                replaced=False,
            )
        publish_at = self.at(answered_on, 10)
        build = jobs.request_build(
            self.session,
            inquiry,
            kind=BuildKind.PUBLISHED,
            actor=commissioner,
            now=publish_at,
            label=RESPONSE_VERSION_LABEL,
        )
        response.status = ResponseStatus.PUBLISHED
        response.published_at = publish_at
        response.published_by_id = commissioner.id
        self.session.flush()
        decisions: dict[str, int] = {}
        for row in response.answers:
            decisions[row.decision.value] = decisions.get(row.decision.value, 0) + 1
        record(
            self.session,
            "response.published",
            actor=commissioner,
            inquiry=inquiry,
            object_type="commissioner_response",
            object_id=response.id,
            answers=len(response.answers),
            decisions=decisions,
            report_build=build.id,
        )
        for member in box.members.values():
            if member.role in (Role.PARTICIPANT, Role.WITNESS):
                notify(
                    self.session,
                    member.user_id,
                    "The commissioner's response to the recommendations is published. See what "
                    "was decided for each recommendation, and follow the progress of the work.",
                    inquiry=inquiry,
                    link=box.path("/progress"),
                    now=publish_at,
                )
        self.run_requested_build(box, build, at=publish_at)

        for update in text.PROGRESS:
            recommendation = box.recommendations[update.recommendation]
            at = self.at(after(update.days), 14)
            row = ProgressUpdate(
                inquiry_id=inquiry.id,
                recommendation_id=recommendation.id,
                status=ProgressStatus(update.status),
                percent=update.percent,
                note=update.note,
                happened_on=after(update.days),
                created_at=at,
                author_id=commissioner.id,
            )
            self.session.add(row)
            self.session.flush()
            record(
                self.session,
                "progress.updated",
                actor=commissioner,
                inquiry=inquiry,
                object_type="progress_update",
                object_id=row.id,
                recommendation=recommendation.reference,
                status=row.status.value,
                percent=row.percent,
            )
        self.challenge(box, after=after, commissioner=commissioner, researcher=researcher)

    def run_requested_build(
        self, box: _Inquiry, build: ReportBuild, *, at: datetime
    ) -> ReportBuild:
        """Build a requested report here and now, as a worker would: in a database session
        of its own, so everything made so far is committed first."""
        build_id = build.id
        self.session.commit()
        self.clock = at + timedelta(minutes=2)
        jobs.run_build(build_id, app=current_app._get_current_object())
        done = self.session.get(ReportBuild, build_id, populate_existing=True)
        if done is None or done.status != BuildStatus.DONE:
            raise DemoError(f"the report of {box.inquiry.title} could not be built")
        return done

    def challenge(
        self,
        box: _Inquiry,
        *,
        after: Callable[[int], date],
        commissioner: User,
        researcher: User,
    ) -> None:
        words = text.CHALLENGE
        recommendation = box.recommendations[words.recommendation]
        inquiry = box.inquiry
        started = self.at(after(words.started_days), 15)
        challenge = Challenge(
            inquiry_id=inquiry.id,
            recommendation_id=recommendation.id,
            goal=words.goal,
            sponsor=words.sponsor,
            team=words.team,
            starts_on=after(words.starts_days),
            status=ChallengeStatus.DESIGN,
            created_at=started,
            created_by_id=commissioner.id,
            updated_at=started,
        )
        self.session.add(challenge)
        self.session.flush()
        record(
            self.session,
            "challenge.started",
            actor=commissioner,
            inquiry=inquiry,
            object_type="challenge",
            object_id=challenge.id,
            recommendation=recommendation.reference,
        )
        rated = self.at(after(words.rated_days), 16)
        for condition in ReadinessCondition:
            rating, note = words.readiness[condition.value]
            challenge.readiness.append(
                ChallengeReadiness(condition=condition, rating=ReadinessRating(rating), note=note)
            )
        challenge.updated_at = rated
        self.session.flush()
        record(
            self.session,
            "challenge.readiness_rated",
            actor=researcher,
            inquiry=inquiry,
            object_type="challenge",
            object_id=challenge.id,
            ratings={row.condition.value: row.rating.value for row in challenge.readiness},
        )
        launched = self.at(after(words.launched_days), 11)
        challenge.status = ChallengeStatus.LIVE
        challenge.launched_at = launched
        challenge.updated_at = launched
        self.session.flush()
        record(
            self.session,
            "challenge.launched",
            actor=commissioner,
            inquiry=inquiry,
            object_type="challenge",
            object_id=challenge.id,
        )
        reviewed = self.at(after(words.starts_days), 17)
        challenge.reviews.append(
            ChallengeReview(
                day=REVIEW_DAYS[0],
                held_on=challenge.starts_on,
                note=words.day_zero,
                recorded_at=reviewed,
                recorded_by_id=researcher.id,
            )
        )
        challenge.updated_at = reviewed
        self.session.flush()
        record(
            self.session,
            "challenge.reviewed",
            actor=researcher,
            inquiry=inquiry,
            object_type="challenge",
            object_id=challenge.id,
            day=REVIEW_DAYS[0],
            replaced=False,
        )

    # The inquiry in session -----------------------------------------------------------------------

    def dementia(self) -> _Inquiry:
        start = self.today - timedelta(days=15)

        def day(n: int) -> date:
            return start + timedelta(days=n)

        kwame = self.users["kwame"]
        box = self.create(
            text.DEMENTIA,
            kwame,
            created=self.at(day(-45), 10),
            settings={
                "starts_on": start,
                "ends_on": day(35),
                "withdrawal_deadline": day(56),
                "retention_date": day(35) + timedelta(days=730),
                "quorum_percent": 60,
            },
            session_days=[day(7 * n) for n in range(6)],
        )
        self.join(
            box,
            text.RUTH,
            Role.RESEARCHER,
            invited_by=kwame,
            invited=self.at(day(-44), 9),
            joined=self.at(day(-44), 11),
        )
        self.stage(box, InquiryStatus.RECRUITING, actor=kwame, at=self.at(day(-40), 9))
        people = [
            *(p for p in text.LIVING_WELL_PARTICIPANTS if p.key in text.DEMENTIA_RETURNING),
            *text.DEMENTIA_PARTICIPANTS,
        ]
        for n, person in enumerate(people):
            self.join(
                box,
                person,
                Role.PARTICIPANT,
                invited_by=kwame,
                invited=self.at(day(-38 + n // 4), 10, n * 4),
                joined=self.at(day(-36 + n // 2), 19, n * 4),
            )
        for n, person in enumerate(text.DEMENTIA_WITNESSES):
            self.join(
                box,
                person,
                Role.WITNESS,
                invited_by=kwame,
                invited=self.at(day(-25 + 3 * n), 11),
                joined=self.at(day(-23 + 3 * n), 16),
            )
        self.join(
            box,
            text.HELEN,
            Role.COMMISSIONER,
            invited_by=kwame,
            invited=self.at(day(-24), 9),
            joined=self.at(day(-24), 13),
        )
        self.stage(box, InquiryStatus.IN_SESSION, actor=kwame, at=self.at(day(-2), 9))

        self.open_session(box, 1, actor=kwame, at=self.at(day(0), 9))
        self.reflect(box, 1, text.DEMENTIA_REFLECTIONS[1], day=day(0))
        self.make_themes(box, text.DEMENTIA_THEMES, actor=kwame, at=self.at(day(4), 11))
        self.close_session(box, 1, actor=kwame, at=self.at(day(6), 17))

        for n, item in enumerate(t for t in text.DEMENTIA_TESTIMONY if t.session == 2):
            self.give_testimony(box, item, researcher=kwame, day=day(5 + 2 * n))
        self.open_session(box, 2, actor=kwame, at=self.at(day(7), 9))
        self.reflect(box, 2, text.DEMENTIA_REFLECTIONS[2], day=day(7))
        for n, item in enumerate(text.DEMENTIA_REPLIES):
            self.reply(box, item, at=self.at(day(9 + n), 20))
        self.mark_excerpts(box, text.DEMENTIA_EXCERPTS, actor=kwame, day=day(10))
        self.tag(box, 2, text.DEMENTIA_REFLECTIONS[2], actor=kwame, at=self.at(day(11), 10))
        self.close_session(box, 2, actor=kwame, at=self.at(day(13), 17))

        # Session 3 was held yesterday and is open: testimony waits for its witness, and
        # reflections are coming in.
        self.at(day(12), 10)
        invitations.create_invitation(
            self.session,
            inquiry=box.inquiry,
            email=text.DEMENTIA_INVITED_WITNESS,
            role=Role.WITNESS,
            invited_by=kwame,
            now=self.clock,
            lifetime=INVITATION_LIFETIME,
        )
        self.open_session(box, 3, actor=kwame, at=self.at(day(14), 9))
        for item in text.DEMENTIA_TESTIMONY:
            if item.session == 3:
                self.give_testimony(box, item, researcher=kwame, day=day(14))
        for item in text.DEMENTIA_QUESTIONS:
            self.ask(box, item, day=day(13), researcher=None)
        self.reflect(box, 3, text.DEMENTIA_REFLECTIONS[3], day=day(14), days=1)
        self.tag(box, 3, text.DEMENTIA_REFLECTIONS[3], actor=kwame, at=self.at(day(14), 21))
        return box


def recommendation_author_key(key: str) -> str:
    return next(r.author for r in text.LIVING_WELL_RECOMMENDATIONS if r.key == key)


def ballot_answers(key: str, plan: text.VotePlan, voters: int) -> list[ballots.Answer]:
    """The papers' answers on one recommendation, from its plan, in a fixed order of its
    own: the most agreeing answers carry the most certainty, dissents go with the most
    disagreeing."""
    agreements = [
        answer
        for answer, count in zip(
            (
                Agreement.STRONGLY_AGREE,
                Agreement.AGREE,
                Agreement.NEITHER,
                Agreement.DISAGREE,
                Agreement.STRONGLY_DISAGREE,
                Agreement.ABSTAIN,
            ),
            plan.agreement,
            strict=True,
        )
        for _ in range(count)
    ]
    certainties = [
        certainty
        for certainty, count in zip(
            (Certainty.HIGH, Certainty.MEDIUM, Certainty.LOW), plan.certainty, strict=True
        )
        for _ in range(count)
    ]
    counted = [a for a in agreements if a != Agreement.ABSTAIN]
    if len(agreements) != voters or len(certainties) != len(counted):
        raise DemoError(f"the votes planned for {key} do not add up")
    dissents = list(plan.dissents)
    answers = []
    for n, agreement in enumerate(agreements):
        if agreement == Agreement.ABSTAIN:
            answers.append(ballots.Answer(agreement))
            continue
        dissent = ""
        if dissents and agreement in (Agreement.DISAGREE, Agreement.STRONGLY_DISAGREE):
            dissent = dissents.pop()
        answers.append(ballots.Answer(agreement, certainties[n], dissent))
    if dissents:
        raise DemoError(f"the dissents planned for {key} have no disagreeing vote")
    random.Random(key).shuffle(answers)  # noqa: S311 - a fixed order, not a secret
    return answers
