"""Pages for results: the latest closed ballot's results, any earlier closed ballot's,
each recommendation's results in full, and a CSV download of the aggregate figures.
Nothing of an open ballot is shown."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_login import current_user

from .. import policy
from ..exports import csv_response
from ..extensions import db
from ..models import Ballot, Inquiry
from ..permissions import requires
from . import services
from .matrix import NEXT_STEPS, ZONE_MEANINGS, Zone, matrix_svg

bp = Blueprint("results", __name__)


def _ballot_page_url(inquiry: Inquiry) -> str | None:
    """The ballot page, where there is one to link to."""
    if "ballots.index" not in current_app.view_functions:
        return None
    return url_for("ballots.index", inquiry_id=inquiry.id)


def _load(inquiry: Inquiry, ballot_id: int) -> Ballot:
    """A closed ballot of this inquiry; 404 for an open one or another inquiry's."""
    ballot = services.closed_ballot(db.session, inquiry, ballot_id)
    if ballot is None:
        abort(404)
    return ballot


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One recommendation in the summary and the matrix table, worked out once here
    rather than cell by cell in the template. Percentages are None where there is
    no figure (the template says why)."""

    url: str
    reference: str
    title: str
    support: int | None
    consensus: int | None
    certainty: int | None
    outcome: str
    outcome_class: str
    abstentions: int
    zone: str  # its label, or "" for no zone
    next_step: str


def _outcome(result: services.RecommendationResult, quorum_met: bool) -> tuple[str, str]:
    """The result in words and its tag's colour, as the ``outcome_tag`` macro shows them."""
    if result.passed:
        return "Passed", "govuk-tag--green"
    if not quorum_met:
        return "Not passed: quorum not reached", "govuk-tag--grey"
    return "Not passed", "govuk-tag--red"


def _summary_rows(
    inquiry: Inquiry, ballot: Ballot, results: services.BallotResults
) -> list[SummaryRow]:
    # One url_for for the whole table: each recommendation's address is this one
    # with its own id as the last segment.
    base = url_for(
        "results.recommendation", inquiry_id=inquiry.id, ballot_id=ballot.id, recommendation_id=0
    ).rpartition("/")[0]
    rows = []
    for result in results.recommendations:
        outcome, outcome_class = _outcome(result, results.quorum_met)
        rows.append(
            SummaryRow(
                url=f"{base}/{result.recommendation.id}",
                reference=result.reference,
                title=result.title,
                support=result.tally.support_percent,
                consensus=result.consensus.percent,
                certainty=result.tally.certainty_percent,
                outcome=outcome,
                outcome_class=outcome_class,
                abstentions=result.tally.abstentions,
                zone=result.zone.label if result.zone else "",
                next_step=result.zone.next_step if result.zone else "",
            )
        )
    return rows


def _render(inquiry: Inquiry, ballot: Ballot, *, latest: bool, others: list[Ballot]):
    # The summary shows no group figures or dissent: those are on each
    # recommendation's own page.
    results = services.ballot_results(
        db.session,
        ballot,
        small_groups=policy.can_see_small_groups(current_user, inquiry),
        details=False,
    )
    return render_template(
        "results/show.html",
        inquiry=inquiry,
        ballot=ballot,
        results=results,
        rows=_summary_rows(inquiry, ballot, results),
        latest=latest,
        others=others,
        ballot_open=services.is_ballot_open(db.session, inquiry),
        ballot_page_url=_ballot_page_url(inquiry),
        matrix=matrix_svg(results.matrix_points, id_prefix=f"matrix-{ballot.id}"),
        zones=[(zone, NEXT_STEPS[zone], ZONE_MEANINGS[zone]) for zone in Zone],
    )


@bp.route("/inquiries/<int:inquiry_id>/results")
@requires(policy.can_see_results)
def index(inquiry: Inquiry):
    ballots = services.closed_ballots(db.session, inquiry)
    if not ballots:
        return render_template(
            "results/index.html",
            inquiry=inquiry,
            ballot_open=services.is_ballot_open(db.session, inquiry),
            ballot_page_url=_ballot_page_url(inquiry),
        )
    return _render(inquiry, ballots[0], latest=True, others=ballots[1:])


@bp.route("/inquiries/<int:inquiry_id>/ballots/<int:ballot_id>/results")
@requires(policy.can_see_results)
def ballot(inquiry: Inquiry, ballot_id: int):
    # Found among the inquiry's closed ballots, which are listed anyway: an open
    # ballot or another inquiry's is not among them (404).
    ballots = services.closed_ballots(db.session, inquiry)
    ballot = next((b for b in ballots if b.id == ballot_id), None)
    if ballot is None:
        abort(404)
    latest = ballots[0].id == ballot.id
    return _render(inquiry, ballot, latest=latest, others=[b for b in ballots if b.id != ballot.id])


@bp.route("/inquiries/<int:inquiry_id>/ballots/<int:ballot_id>/results/<int:recommendation_id>")
@requires(policy.can_see_results)
def recommendation(inquiry: Inquiry, ballot_id: int, recommendation_id: int):
    """One recommendation's results in full; 404 when it was not on the ballot."""
    ballot = _load(inquiry, ballot_id)
    results = services.ballot_results(
        db.session,
        ballot,
        small_groups=policy.can_see_small_groups(current_user, inquiry),
        recommendation_id=recommendation_id,
    )
    if not results.recommendations:
        abort(404)
    # The neighbours on the ballot, for previous and next links.
    items = [
        (name.id, f"{services.reference(name, position)}: {name.title}")
        for position, name in services.ballot_names(db.session, ballot)
    ]
    index = [rid for rid, _ in items].index(recommendation_id)
    return render_template(
        "results/recommendation.html",
        inquiry=inquiry,
        ballot=ballot,
        results=results,
        result=results.recommendations[0],
        previous=items[index - 1] if index > 0 else None,
        following=items[index + 1] if index + 1 < len(items) else None,
    )


@bp.route("/inquiries/<int:inquiry_id>/ballots/<int:ballot_id>/results.csv")
@requires(policy.can_see_results)
def download(inquiry: Inquiry, ballot_id: int):
    ballot = _load(inquiry, ballot_id)
    results = services.ballot_results(
        db.session, ballot, small_groups=policy.can_see_small_groups(current_user, inquiry)
    )
    return csv_response(
        services.csv_filename(inquiry, ballot), services.CSV_HEADER, services.csv_rows(results)
    )
