"""The ballot page: researchers open and close ballots, participants vote, observers
follow the turnout. Nobody, researchers included, can see how anyone voted, and
nobody sees any count of answers until the ballot closes (the results pages do)."""

from __future__ import annotations

import sqlite3

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from .. import policy
from ..extensions import db
from ..models import Inquiry, utcnow
from ..permissions import requires
from . import services
from .forms import ConfirmForm, PaperFormBase, paper_form, reference

bp = Blueprint("ballots", __name__)


def _url_if(endpoint: str, **values: object) -> str | None:
    """A link to another feature's page, when that page exists."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _index_url(inquiry: Inquiry, anchor: str | None = None) -> str:
    return url_for("ballots.index", inquiry_id=inquiry.id, _anchor=anchor)


def results_url(inquiry: Inquiry) -> str | None:
    return _url_if("results.index", inquiry_id=inquiry.id)


def _blocker_links(inquiry: Inquiry) -> dict[str, tuple[str, str] | None]:
    """Where a researcher can go to remove each reason a ballot cannot open."""
    prepare = _url_if("curation.prepare", inquiry_id=inquiry.id)
    return {
        services.NOT_VOTING_STAGE: (
            url_for("settings.stage", inquiry_id=inquiry.id),
            "Go to the stage of the inquiry",
        ),
        services.NOTHING_FROZEN: (prepare, "Prepare recommendations for the vote")
        if prepare
        else None,
    }


def checkpoint_sqlite() -> None:
    """After a ballot closes, fold SQLite's write-ahead log back into the database and
    empty it, so the pages that held the voter links do not linger in the log (deleted
    rows in the database itself are overwritten, as ``secure_delete`` is on)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    except sqlite3.Error:  # pragma: no cover - a busy reader; the next checkpoint clears it
        current_app.logger.warning("The write-ahead log could not be emptied after a ballot")
    finally:
        connection.close()


# The ballot page ------------------------------------------------------------------------


def _render(inquiry: Inquiry, form: PaperFormBase | None = None):
    session = db.session
    membership = g.membership
    is_researcher = policy.can_run_ballot(current_user, inquiry)
    is_voter = policy.can_vote(current_user, inquiry)
    ballot = services.open_ballot_of(session, inquiry)
    counts = services.turnout(session, ballot, inquiry) if ballot else None
    has_voted = False
    if ballot is not None and is_voter:
        paper = services.paper_of(session, ballot, membership)
        has_voted = paper is not None
        if form is None:
            form = paper_form(ballot)
            if paper is not None:
                form.fill_from(paper.votes)
    frozen = []
    blockers: list[str] = []
    if is_researcher and ballot is None:
        frozen = services.frozen_recommendations(session, inquiry)
        blockers = services.open_blockers(session, inquiry)
    return render_template(
        "ballots/index.html",
        inquiry=inquiry,
        ballot=ballot,
        counts=counts,
        would_count=services.would_count(ballot, counts) if ballot else False,
        form=form,
        rows=form.rows() if form is not None else [],
        has_voted=has_voted,
        is_researcher=is_researcher,
        is_voter=is_voter,
        frozen=frozen,
        blockers=blockers,
        blocker_links=_blocker_links(inquiry),
        closed=services.closed_ballots(session, inquiry),
        results_url=results_url(inquiry),
        reference=reference,
        voting_rule=services.voting_rule,
        quorum_rule=services.quorum_rule,
        reached_quorum=services.reached_quorum,
    )


@bp.route("/inquiries/<int:inquiry_id>/ballot")
@requires(policy.can_see_ballot)
def index(inquiry: Inquiry):
    return _render(inquiry)


@bp.route("/inquiries/<int:inquiry_id>/ballot/vote", methods=["POST"])
@requires(policy.can_vote)
def vote(inquiry: Inquiry):
    ballot = services.open_ballot_of(db.session, inquiry)
    if ballot is None:
        flash("The ballot has closed, so your votes were not saved", "error")
        return redirect(_index_url(inquiry))
    if request.form.get("ballot_id") != str(ballot.id):
        flash(
            "The ballot changed after you opened the page, so your votes were not saved. "
            "Vote on the recommendations below.",
            "error",
        )
        return redirect(_index_url(inquiry))
    form = paper_form(ballot, posted=request.form.keys())
    if form.validate_on_submit():
        try:
            _paper, had_voted = services.save_paper(
                db.session, ballot, g.membership, form.answers()
            )
        except services.BallotError as error:
            db.session.rollback()
            form.add_form_error(error.message)
        else:
            db.session.commit()
            flash(
                "Your votes have been changed" if had_voted else "Your votes have been saved",
                "success",
            )
            return redirect(_index_url(inquiry))
    return _render(inquiry, form)


# Opening and closing --------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/ballot/open", methods=["GET", "POST"])
@requires(policy.can_run_ballot)
def open_ballot(inquiry: Inquiry):
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("The ballot was not opened. Try again.", "error")
            return redirect(_index_url(inquiry))
        try:
            services.open_ballot(
                db.session,
                inquiry,
                actor=current_user,
                now=utcnow(),
                link=_index_url(inquiry),
            )
        except services.BallotError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(_index_url(inquiry))
        db.session.commit()
        flash("The ballot is open. Participants have been told they can vote.", "success")
        return redirect(_index_url(inquiry))
    return render_template(
        "ballots/open.html",
        inquiry=inquiry,
        form=form,
        blockers=services.open_blockers(db.session, inquiry),
        blocker_links=_blocker_links(inquiry),
        frozen=services.frozen_recommendations(db.session, inquiry),
        participants=len(services.active_participants(db.session, inquiry)),
    )


@bp.route("/inquiries/<int:inquiry_id>/ballot/close", methods=["GET", "POST"])
@requires(policy.can_run_ballot)
def close_ballot(inquiry: Inquiry):
    ballot = services.open_ballot_of(db.session, inquiry)
    form = ConfirmForm()
    if request.method == "POST":
        if ballot is None:
            flash("There is no open ballot to close", "info")
            return redirect(_index_url(inquiry))
        if not form.validate_on_submit() or form.ballot_id.data != str(ballot.id):
            flash(
                "The ballot was not closed, as the page was out of date. Check the ballot "
                "and try again.",
                "error",
            )
            return redirect(_index_url(inquiry))
        link = results_url(inquiry) or _index_url(inquiry)
        try:
            result = services.close_ballot(db.session, ballot, current_user, utcnow(), link=link)
        except services.BallotError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(_index_url(inquiry))
        db.session.commit()
        try:
            checkpoint_sqlite()
        except SQLAlchemyError:  # pragma: no cover - the ballot is closed either way
            current_app.logger.warning("The write-ahead log could not be emptied after a ballot")
        if result.quorum_met:
            flash(
                "The ballot is closed and counted. The link between voters and their votes "
                "has been removed.",
                "success",
            )
        else:
            flash(
                "The ballot is closed, but too few participants voted for it to count. The "
                "recommendations are still going to the vote: you can open a new ballot.",
                "info",
            )
        return redirect(_index_url(inquiry))
    if ballot is not None:
        form.ballot_id.data = str(ballot.id)
    counts = services.turnout(db.session, ballot, inquiry) if ballot else None
    return render_template(
        "ballots/close.html",
        inquiry=inquiry,
        form=form,
        ballot=ballot,
        counts=counts,
        would_count=services.would_count(ballot, counts) if ballot else False,
    )


@bp.app_template_global("voting_overview")
def voting_overview(inquiry: Inquiry) -> services.VotingOverview | None:
    """For the overview page: recommendations and voting, for those who read them."""
    membership = g.get("membership")
    if membership is None or not policy.can_read_recommendations(current_user, inquiry):
        return None
    return services.voting_overview(db.session, inquiry, membership)
