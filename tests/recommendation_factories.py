"""Recommendations and ballots made directly in the database, for tests of the
features built on them."""

from __future__ import annotations

from datetime import timedelta

from inquiry.extensions import db
from inquiry.models import (
    Agreement,
    Ballot,
    BallotItem,
    BallotPaper,
    BallotParticipation,
    BallotStatus,
    Certainty,
    Inquiry,
    Membership,
    Recommendation,
    RecommendationStatus,
    RecommendationVersion,
    VersionChange,
    Vote,
    utcnow,
)


def make_recommendation(
    inquiry: Inquiry,
    author: Membership | None,
    *,
    title: str = "A named person to call",
    body: str = "Everyone who gets care at home has one named person they can call.",
    status: RecommendationStatus = RecommendationStatus.PROPOSED,
    number: int | None = None,
) -> Recommendation:
    """A recommendation with its first version, proposed unless told otherwise."""
    now = utcnow()
    recommendation = Recommendation(
        inquiry_id=inquiry.id,
        author_id=author.id if author else None,
        title=title,
        body=body,
        for_individual="I know who to ring when something changes, and they know me.",
        for_system="Care teams agree who holds each person's plan.",
        who_should_act="The council's adult social care team and home care providers",
        rationale="Witnesses told us they repeated their story to every new visitor.",
        status=status,
        number=number,
        proposed_at=None if status == RecommendationStatus.DRAFT else now,
        frozen_at=now if status == RecommendationStatus.FROZEN else None,
    )
    db.session.add(recommendation)
    db.session.flush()
    db.session.add(
        RecommendationVersion(
            recommendation_id=recommendation.id,
            revision=1,
            change=VersionChange.CREATED,
            changed_by_id=recommendation.author_id,
            title=title,
            body=body,
            for_individual=recommendation.for_individual,
            for_system=recommendation.for_system,
            who_should_act=recommendation.who_should_act,
            rationale=recommendation.rationale,
        )
    )
    db.session.commit()
    return recommendation


def make_ballot(
    inquiry: Inquiry,
    recommendations: list[Recommendation],
    *,
    status: BallotStatus = BallotStatus.OPEN,
) -> Ballot:
    """A ballot over the given recommendations with the inquiry's rule."""
    opened = utcnow() - timedelta(days=1)
    ballot = Ballot(
        inquiry_id=inquiry.id,
        status=status,
        opened_at=opened,
        closed_at=utcnow() if status == BallotStatus.CLOSED else None,
        pass_threshold_numerator=inquiry.pass_threshold_numerator,
        pass_threshold_denominator=inquiry.pass_threshold_denominator,
        quorum_percent=inquiry.quorum_percent,
        agreement_scale=str(inquiry.agreement_scale.value),
    )
    db.session.add(ballot)
    db.session.flush()
    for position, recommendation in enumerate(recommendations, start=1):
        db.session.add(
            BallotItem(ballot_id=ballot.id, recommendation_id=recommendation.id, position=position)
        )
    db.session.commit()
    return ballot


def add_closed_paper(
    ballot: Ballot,
    votes: dict[Recommendation, tuple[Agreement, Certainty | None]],
    *,
    professional_role: str = "",
    dissent: dict[Recommendation, str] | None = None,
) -> BallotPaper:
    """A paper as it is after the ballot closed: no voter, only the professional role
    (none for a role only one voter held, as closing stores it)."""
    paper = BallotPaper(ballot_id=ballot.id, voter_id=None, professional_role=professional_role)
    db.session.add(paper)
    db.session.flush()
    for recommendation, (agreement, certainty) in votes.items():
        db.session.add(
            Vote(
                paper_id=paper.id,
                recommendation_id=recommendation.id,
                agreement=agreement,
                certainty=certainty,
                dissent=(dissent or {}).get(recommendation, ""),
            )
        )
    db.session.commit()
    return paper


def add_participation(ballot: Ballot, member: Membership) -> BallotParticipation:
    participation = BallotParticipation(ballot_id=ballot.id, member_id=member.id)
    db.session.add(participation)
    db.session.commit()
    return participation
