"""Drafting and publishing the commissioner's response.

A commissioner answers each recommendation to answer (``summary.recommendations_to_answer``)
with a decision, the reasons, who will lead the work and a target date. Answers are
drafts, seen only by the commissioners, until the whole response is published at once:
then participants and witnesses are told, a new version of the report is made with the
response in it, and the answers are fixed (what happens next is told through progress
updates).

Services take the session and explicit arguments, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, false, func, select
from sqlalchemy.orm import Session, lazyload

from ..audit.service import record
from ..models import (
    BuildKind,
    CommissionerResponse,
    Decision,
    Inquiry,
    InquiryStatus,
    Membership,
    MembershipStatus,
    Recommendation,
    RecommendationAnswer,
    RecommendationStatus,
    ReportBuild,
    ResponseStatus,
    Role,
    User,
)
from ..notifications.services import notify
from ..personal_data.export import register_section
from ..reports import jobs
from ..reports.services import has_published_version
from ..text import and_list
from .summary import VOTED, Deadline, deadline, recommendations_to_answer, response_of

MAX_REASONS_LENGTH = 5_000
MAX_LEAD_LENGTH = 200

# The label of the report version made when the response is published.
VERSION_LABEL = "with the commissioner's response"

NOT_YET_MESSAGE = (
    "The report has not been published yet. You can respond to the recommendations once "
    "the researchers publish it."
)
CLOSED_MESSAGE = "The inquiry is closed, so the response can no longer be drafted or published."
PUBLISHED_MESSAGE = (
    "The response has been published, so answers cannot be changed. Post a progress update instead."
)
ALREADY_PUBLISHED_MESSAGE = "The response has already been published."
NOTHING_TO_ANSWER_MESSAGE = "There are no recommendations to answer."
BUILDING_MESSAGE = (
    "The report is being built at the moment, and publishing your response makes a new "
    "version of it. Nothing has been published: try again in a few minutes, when that "
    "build has finished."
)
# Who is told when the response is published (researchers and commissioners know already).
TOLD_ROLES = (Role.PARTICIPANT, Role.WITNESS)
PUBLISHED_NOTIFICATION = (
    "The commissioner's response to the recommendations is published. See what was "
    "decided for each recommendation, and follow the progress of the work."
)


class ResponseError(Exception):
    """Something that cannot be done, with a message for the commissioner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingAnswers(ResponseError):
    """Publishing was asked for while some recommendations have no answer."""

    def __init__(self, missing: list[Recommendation]) -> None:
        super().__init__(f"Answer {and_list([_reference(r) for r in missing])} before publishing")
        self.missing = missing


ResponseError.__test__ = False  # type: ignore[attr-defined]
MissingAnswers.__test__ = False  # type: ignore[attr-defined]


def _reference(recommendation: Recommendation) -> str:
    return recommendation.reference or recommendation.title


def _current_response(session: Session, inquiry: Inquiry) -> CommissionerResponse | None:
    """The response as it is now in the database, not as first read in this request."""
    return session.scalar(
        select(CommissionerResponse)
        .where(CommissionerResponse.inquiry_id == inquiry.id)
        .execution_options(populate_existing=True)
    )


# Whether responding is possible --------------------------------------------------------------


def can_start(session: Session, inquiry: Inquiry) -> str | None:
    """None when the commissioner can draft and publish the response: a version of the
    report is published and the inquiry is not closed. Otherwise why not, for the page."""
    if inquiry.status == InquiryStatus.CLOSED:
        return CLOSED_MESSAGE
    if has_published_version(session, inquiry) is not None:
        return NOT_YET_MESSAGE
    return None


def recommendation_by_number(
    session: Session, inquiry: Inquiry, number: int
) -> Recommendation | None:
    """The recommendation to answer numbered ``number`` (R3 is 3); None for any other."""
    return next(
        (r for r in recommendations_to_answer(session, inquiry) if r.number == number), None
    )


def needs_lead_and_date(decision: Decision) -> bool:
    """Every decision but "Not accepted" says who will lead the work, and by when."""
    return decision != Decision.NOT_ACCEPTED


# Answers -------------------------------------------------------------------------------------


def save_answer(
    session: Session,
    inquiry: Inquiry,
    recommendation: Recommendation,
    *,
    decision: Decision,
    reasons: str,
    lead: str,
    target_on: date | None,
    actor: User,
    now: datetime,
) -> RecommendationAnswer:
    """Save the answer to one recommendation as a draft, replacing an earlier one; the
    draft response is made with the first answer. Refused once the response is
    published, before responding is possible, or for a recommendation not to answer."""
    jobs.lock_inquiry(session, inquiry)
    reason = can_start(session, inquiry)
    if reason is not None:
        raise ResponseError(reason)
    to_answer = {r.id for r in recommendations_to_answer(session, inquiry)}
    if recommendation.inquiry_id != inquiry.id or recommendation.id not in to_answer:
        raise ResponseError("This recommendation is not one the response answers.")
    decision = Decision(decision)
    reasons = (reasons or "").strip()
    lead = (lead or "").strip()
    if not reasons:
        raise ResponseError("Enter the reasons for your decision")
    if len(reasons) > MAX_REASONS_LENGTH:
        raise ResponseError(f"The reasons must be {MAX_REASONS_LENGTH:,} characters or fewer")
    if len(lead) > MAX_LEAD_LENGTH:
        raise ResponseError(f"Who will lead the work must be {MAX_LEAD_LENGTH} characters or fewer")
    if needs_lead_and_date(decision) and not lead:
        raise ResponseError("Enter who will lead the work")
    if needs_lead_and_date(decision) and target_on is None:
        raise ResponseError("Enter a target date")

    response = _current_response(session, inquiry)
    if response is not None and response.is_published:
        raise ResponseError(PUBLISHED_MESSAGE)
    if response is None:
        response = CommissionerResponse(
            inquiry_id=inquiry.id, status=ResponseStatus.DRAFT, created_at=now
        )
        session.add(response)
        session.flush()
    answer = next((a for a in response.answers if a.recommendation_id == recommendation.id), None)
    replaced = answer is not None
    if answer is None:
        answer = RecommendationAnswer(response_id=response.id, recommendation_id=recommendation.id)
        response.answers.append(answer)
    answer.decision = decision
    answer.reasons = reasons
    answer.lead = lead
    answer.target_on = target_on
    answer.updated_at = now
    answer.updated_by_id = actor.id
    session.flush()
    # The decision only: never the reasons or the lead.
    record(
        session,
        "response.answer_saved",
        actor=actor,
        inquiry=inquiry,
        object_type="recommendation_answer",
        object_id=answer.id,
        recommendation=recommendation.reference,
        decision=decision.value,
        replaced=replaced,
    )
    return answer


def answers_by_recommendation(
    response: CommissionerResponse | None,
) -> dict[int, RecommendationAnswer]:
    if response is None:
        return {}
    return {answer.recommendation_id: answer for answer in response.answers}


def missing_answers(session: Session, inquiry: Inquiry) -> list[Recommendation]:
    """The recommendations to answer that have no answer yet, in the report's order."""
    answered = answers_by_recommendation(response_of(session, inquiry))
    return [r for r in recommendations_to_answer(session, inquiry) if r.id not in answered]


# Publishing ----------------------------------------------------------------------------------


def publish(
    session: Session, inquiry: Inquiry, *, actor: User, now: datetime, link: str
) -> tuple[CommissionerResponse, ReportBuild]:
    """Publish the whole response: every recommendation to answer must have an answer.
    Participants and witnesses are told (``link``: the progress page), and a new published
    version of the report is requested. Refused, with nothing changed, while another
    build of the report is waiting or running. The caller commits, then starts the build
    (``jobs.start``)."""
    jobs.lock_inquiry(session, inquiry)
    reason = can_start(session, inquiry)
    if reason is not None:
        raise ResponseError(reason)
    response = _current_response(session, inquiry)
    if response is not None and response.is_published:
        raise ResponseError(ALREADY_PUBLISHED_MESSAGE)
    to_answer = recommendations_to_answer(session, inquiry)
    if not to_answer:
        raise ResponseError(NOTHING_TO_ANSWER_MESSAGE)
    answered = answers_by_recommendation(response)
    missing = [r for r in to_answer if r.id not in answered]
    if missing or response is None:
        raise MissingAnswers(missing)

    # The build first: if it is refused, nothing has been changed.
    try:
        build = jobs.request_build(
            session,
            inquiry,
            kind=BuildKind.PUBLISHED,
            actor=actor,
            now=now,
            label=VERSION_LABEL,
        )
    except jobs.BuildRefused as refused:
        raise ResponseError(BUILDING_MESSAGE) from refused

    response.status = ResponseStatus.PUBLISHED
    response.published_at = now
    response.published_by_id = actor.id
    session.flush()
    decisions: dict[str, int] = {}
    for recommendation in to_answer:
        key = answered[recommendation.id].decision.value
        decisions[key] = decisions.get(key, 0) + 1
    record(
        session,
        "response.published",
        actor=actor,
        inquiry=inquiry,
        object_type="commissioner_response",
        object_id=response.id,
        answers=len(to_answer),
        decisions=decisions,
        report_build=build.id,
    )
    for user_id in _people_to_tell(session, inquiry):
        notify(session, user_id, PUBLISHED_NOTIFICATION, inquiry=inquiry, link=link, now=now)
    return response, build


def _people_to_tell(session: Session, inquiry: Inquiry) -> list[int]:
    """The active participants and witnesses whose accounts are not disabled."""
    return list(
        session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.inquiry_id == inquiry.id,
                Membership.role.in_(TOLD_ROLES),
                Membership.status == MembershipStatus.ACTIVE,
                User.is_disabled.is_(False),
            )
            .distinct()
            .order_by(Membership.user_id)
        )
    )


# The inquiry's overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseState:
    """What the inquiry's overview says about the response."""

    deadline: Deadline
    answered: int
    total: int
    published: bool
    published_at: datetime | None
    # Why the response cannot be drafted yet; None when it can.
    not_ready: str | None

    @property
    def ready(self) -> bool:
        return self.not_ready is None

    @property
    def worth_showing(self) -> bool:
        return self.published or self.ready or self.deadline.due_on is not None


def _answered_and_total(
    session: Session, inquiry: Inquiry, response: CommissionerResponse | None
) -> tuple[int, int]:
    """How many of ``recommendations_to_answer`` the response answers, and how many there
    are: counted in SQL rather than by loading the recommendations and the answers."""
    answer_matches = RecommendationAnswer.recommendation_id == Recommendation.id
    if response is None:
        answer_matches = and_(answer_matches, false())
    else:
        answer_matches = and_(answer_matches, RecommendationAnswer.response_id == response.id)
    adopted = Recommendation.status == RecommendationStatus.ADOPTED
    adopted_total, voted_total, adopted_answered, voted_answered = session.execute(
        select(
            func.count(case((adopted, 1))),
            func.count(),
            func.count(case((adopted, RecommendationAnswer.id))),
            func.count(RecommendationAnswer.id),
        )
        .select_from(Recommendation)
        .outerjoin(RecommendationAnswer, answer_matches)
        .where(Recommendation.inquiry_id == inquiry.id, Recommendation.status.in_(VOTED))
    ).one()
    # As recommendations_to_answer: the adopted ones, or all put to the vote if none was.
    if adopted_total:
        return adopted_answered, adopted_total
    return voted_answered, voted_total


def overview_state(session: Session, inquiry: Inquiry, *, today: date) -> ResponseState:
    response = session.scalar(
        select(CommissionerResponse)
        .where(CommissionerResponse.inquiry_id == inquiry.id)
        .options(lazyload(CommissionerResponse.answers))
    )
    answered, total = _answered_and_total(session, inquiry, response)
    return ResponseState(
        deadline=deadline(inquiry, response, today=today),
        answered=answered,
        total=total,
        published=response is not None and response.is_published,
        published_at=response.published_at if response is not None else None,
        not_ready=can_start(session, inquiry),
    )


# The person's data download ------------------------------------------------------------------


def personal_data(session: Session, user: User) -> list[dict]:
    """The answers this person saved last (an answer saved again by someone else is
    theirs from then on)."""
    rows = session.execute(
        select(RecommendationAnswer, Recommendation, CommissionerResponse)
        .join(Recommendation, Recommendation.id == RecommendationAnswer.recommendation_id)
        .join(CommissionerResponse, CommissionerResponse.id == RecommendationAnswer.response_id)
        .where(RecommendationAnswer.updated_by_id == user.id)
        .order_by(CommissionerResponse.inquiry_id, Recommendation.number, RecommendationAnswer.id)
    ).all()
    return [
        {
            "inquiry_id": response.inquiry_id,
            "recommendation": recommendation.reference,
            "decision": answer.decision.value,
            "reasons": answer.reasons,
            "lead": answer.lead,
            "target_on": answer.target_on.isoformat() if answer.target_on else None,
            "saved_at": answer.updated_at.isoformat(),
            "response_status": response.status.value,
        }
        for answer, recommendation, response in rows
    ]


register_section("commissioner_response", personal_data)
