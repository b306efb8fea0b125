"""Pages for 100-day challenges: every member and observer reads a challenge;
commissioners and researchers start one from a recommendation, design it, check its
readiness, launch it, record its reviews and finish it.

When a challenge is not at the point where something is possible (a review while it is
being designed, any change once it is finished) the page goes back to the challenge
with a message saying why, rather than showing a form that cannot be sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..formatting import uk_date
from ..models import REVIEW_DAYS, Challenge, ChallengeStatus, Inquiry, Recommendation, utcnow
from ..permissions import requires
from ..results import services as results
from ..results.matrix import Zone
from . import services
from .forms import (
    ActionForm,
    ChallengeForm,
    CloseForm,
    LiveChallengeForm,
    ReadinessForm,
    ReviewForm,
    readiness_data,
)
from .services import ChallengeError

bp = Blueprint("challenges", __name__)

PREFIX = "/inquiries/<int:inquiry_id>/challenges"


def _challenge(inquiry: Inquiry, challenge_id: int) -> Challenge:
    challenge = services.challenge_of(db.session, inquiry, challenge_id)
    if challenge is None:
        abort(404)
    return challenge


def _show_url(challenge: Challenge) -> str:
    return url_for("challenges.show", inquiry_id=challenge.inquiry_id, challenge_id=challenge.id)


def _back(challenge: Challenge, message: str) -> Any:
    flash(message, "error")
    return redirect(_show_url(challenge))


def _place_error(form: Any, error: ChallengeError) -> None:
    if error.field and error.field in form:
        form.add_field_error(error.field, error.message)
    else:
        form.add_form_error(error.message)


def _save(form: Any, change: Callable[[], Any], message: Callable[[Any], str]) -> Any:
    """Make a change through the services: on refusal, put its message on the form and
    return None (the page is shown again); otherwise commit, flash ``message(result)`` and
    go to the challenge the change returned or belongs to."""
    try:
        result = change()
    except ChallengeError as error:
        db.session.rollback()
        _place_error(form, error)
        return None
    db.session.commit()
    flash(message(result), "success")
    return result


# Reading ------------------------------------------------------------------------------------


def _tasks(inquiry: Inquiry, challenge: Challenge, schedule: list) -> list[dict[str, Any]]:
    """What to do next, for the people who run the challenge, as task list items."""
    values = {"inquiry_id": inquiry.id, "challenge_id": challenge.id}
    live = challenge.status == ChallengeStatus.LIVE
    ready = services.is_ready_to_launch(challenge)
    cannot = {"text": "Cannot start yet", "classes": "govuk-task-list__status--cannot-start-yet"}

    def todo(text: str = "Not started") -> dict[str, Any]:
        return {"tag": {"text": text, "classes": "govuk-tag--blue"}}

    done = {"text": "Completed"}
    tasks = [
        {
            "title": {"text": "Change the sponsor or team" if live else "Goal, sponsor and team"},
            "href": url_for("challenges.edit", **values),
            "status": done,
        },
        {
            "title": {"text": "Check readiness against the eight conditions"},
            "href": url_for("challenges.readiness", **values),
            "status": done if ready else todo(),
        },
        {
            "title": {"text": "Launch the challenge"},
            "hint": {"text": "Use the button below once readiness is checked."}
            if not live
            else None,
            "status": done if live else (todo("Ready to launch") if ready else cannot),
        },
    ]
    for item in schedule:
        task: dict[str, Any] = {
            "title": {"text": item.title},
            "hint": {"text": f"Due on {uk_date(item.due_on)}"},
        }
        if live:
            task["href"] = url_for("challenges.review", day=item.day, **values)
            task["status"] = done if item.review else todo()
        else:
            task["status"] = cannot
        tasks.append(task)
    tasks.append(
        {
            "title": {"text": "Finish the challenge and record its outcome"},
            "href": url_for("challenges.finish", **values) if live else None,
            "status": todo() if live else cannot,
        }
    )
    return [{key: value for key, value in task.items() if value is not None} for task in tasks]


@bp.route(f"{PREFIX}/<int:challenge_id>")
@requires(policy.can_see_progress)
def show(inquiry: Inquiry, challenge_id: int):
    challenge = _challenge(inquiry, challenge_id)
    schedule = services.review_schedule(challenge)
    can_manage = policy.can_manage_challenges(current_user, inquiry)
    return render_template(
        "challenges/show.html",
        inquiry=inquiry,
        challenge=challenge,
        recommendation=services.recommendation_of(db.session, challenge),
        schedule=schedule,
        readiness=services.readiness_rows(challenge),
        ready=services.is_ready_to_launch(challenge),
        not_in_place=services.not_in_place(challenge),
        ends_on=services.ends_on(challenge),
        progress=services.progress_of(challenge, today=services.uk_today(utcnow())),
        can_manage=can_manage,
        tasks=_tasks(inquiry, challenge, schedule) if can_manage else [],
        action_form=ActionForm(),
    )


# Starting -----------------------------------------------------------------------------------


def _suggested_by_matrix(recommendation: Recommendation) -> bool:
    """Whether the ballot that decided the recommendation puts it in the complex zone."""
    ballot = results.deciding_ballot(db.session, recommendation)
    if ballot is None:
        return False
    found = results.ballot_results(
        db.session,
        ballot,
        small_groups=False,
        recommendation_id=recommendation.id,
        details=False,
    ).recommendations
    return bool(found) and found[0].zone == Zone.COMPLEX


@bp.route(f"{PREFIX}/new/<int:number>", methods=["GET", "POST"])
@requires(policy.can_manage_challenges)
def new(inquiry: Inquiry, number: int):
    recommendation = services.recommendation_numbered(db.session, inquiry, number)
    if recommendation is None:
        abort(404)
    existing = services.challenge_for(db.session, recommendation)
    refusal = services.why_cannot_start(db.session, inquiry, recommendation)
    form = ChallengeForm()
    if refusal is None and form.validate_on_submit():
        challenge = _save(
            form,
            lambda: services.start_challenge(
                db.session, inquiry, recommendation, **form.values, actor=current_user, now=utcnow()
            ),
            lambda _: (
                f"The 100-day challenge for {services.name_of(recommendation)} is "
                "started. Check its readiness against the eight conditions next."
            ),
        )
        if challenge is not None:
            return redirect(_show_url(challenge))
        existing = services.challenge_for(db.session, recommendation)
    return render_template(
        "challenges/new.html",
        inquiry=inquiry,
        recommendation=recommendation,
        form=form,
        refusal=refusal,
        existing=existing,
        suggested=_suggested_by_matrix(recommendation),
    )


# Designing ----------------------------------------------------------------------------------


@bp.route(f"{PREFIX}/<int:challenge_id>/edit", methods=["GET", "POST"])
@requires(policy.can_manage_challenges)
def edit(inquiry: Inquiry, challenge_id: int):
    challenge = _challenge(inquiry, challenge_id)
    if challenge.status == ChallengeStatus.CLOSED:
        return _back(challenge, services.FINISHED)
    live = challenge.status == ChallengeStatus.LIVE
    form_class = LiveChallengeForm if live else ChallengeForm
    form = form_class(obj=challenge if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {
            "goal": challenge.goal,
            "starts_on": challenge.starts_on,
            **{
                name: form[name].data
                for name in ("goal", "sponsor", "team", "starts_on")
                if name in form
            },
        }
        changed = _save(
            form,
            lambda: (
                services.change_challenge(
                    db.session, challenge, **values, actor=current_user, now=utcnow()
                )
                or []
            ),
            lambda changed: (
                "Your changes to the challenge are saved." if changed else "Nothing was changed."
            ),
        )
        if changed is not None:
            return redirect(_show_url(challenge))
    return render_template(
        "challenges/edit.html",
        inquiry=inquiry,
        challenge=challenge,
        recommendation=services.recommendation_of(db.session, challenge),
        form=form,
        live=live,
    )


@bp.route(f"{PREFIX}/<int:challenge_id>/readiness", methods=["GET", "POST"])
@requires(policy.can_manage_challenges)
def readiness(inquiry: Inquiry, challenge_id: int):
    challenge = _challenge(inquiry, challenge_id)
    if challenge.status == ChallengeStatus.CLOSED:
        return _back(challenge, services.FINISHED)
    form = ReadinessForm(
        data=readiness_data(challenge.readiness) if request.method == "GET" else None
    )
    if form.validate_on_submit():
        saved = _save(
            form,
            lambda: (
                services.rate_readiness(
                    db.session, challenge, ratings=form.ratings, actor=current_user, now=utcnow()
                )
                or challenge
            ),
            lambda _: (
                "The readiness check is saved."
                + (
                    " You can launch the challenge when the team is ready."
                    if challenge.status == ChallengeStatus.DESIGN
                    else ""
                )
            ),
        )
        if saved is not None:
            return redirect(_show_url(challenge))
    return render_template(
        "challenges/readiness.html",
        inquiry=inquiry,
        challenge=challenge,
        recommendation=services.recommendation_of(db.session, challenge),
        form=form,
    )


@bp.route(f"{PREFIX}/<int:challenge_id>/launch", methods=["POST"])
@requires(policy.can_manage_challenges)
def launch(inquiry: Inquiry, challenge_id: int):
    challenge = _challenge(inquiry, challenge_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _back(challenge, "The challenge was not launched. Try again.")
    try:
        services.launch(db.session, challenge, actor=current_user, now=utcnow())
    except ChallengeError as error:
        db.session.rollback()
        return _back(challenge, error.message)
    db.session.commit()
    flash(
        f"The challenge is live. Its day 0 review is due on {uk_date(challenge.starts_on)}.",
        "success",
    )
    return redirect(_show_url(challenge))


# Reviews and finishing ----------------------------------------------------------------------


@bp.route(f"{PREFIX}/<int:challenge_id>/reviews/<int:day>", methods=["GET", "POST"])
@requires(policy.can_manage_challenges)
def review(inquiry: Inquiry, challenge_id: int, day: int):
    challenge = _challenge(inquiry, challenge_id)
    if day not in REVIEW_DAYS:
        abort(404)
    refusal = services.why_no_reviews(challenge)
    if refusal is not None:
        return _back(challenge, refusal)
    scheduled = next(item for item in services.review_schedule(challenge) if item.day == day)
    form = ReviewForm(obj=scheduled.review if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = _save(
            form,
            lambda: services.record_review(
                db.session,
                challenge,
                day,
                held_on=form.held_on.data,
                note=form.note.data or "",
                actor=current_user,
                now=utcnow(),
            ),
            lambda _: f"The day {day} review is saved.",
        )
        if saved is not None:
            return redirect(_show_url(challenge))
    return render_template(
        "challenges/review.html",
        inquiry=inquiry,
        challenge=challenge,
        recommendation=services.recommendation_of(db.session, challenge),
        scheduled=scheduled,
        form=form,
    )


@bp.route(f"{PREFIX}/<int:challenge_id>/finish", methods=["GET", "POST"])
@requires(policy.can_manage_challenges)
def finish(inquiry: Inquiry, challenge_id: int):
    challenge = _challenge(inquiry, challenge_id)
    refusal = services.why_cannot_close(challenge)
    if refusal is not None:
        return _back(challenge, refusal)
    form = CloseForm()
    if form.validate_on_submit():
        saved = _save(
            form,
            lambda: (
                services.close(
                    db.session,
                    challenge,
                    outcome=form.outcome_value,
                    summary=form.summary.data or "",
                    actor=current_user,
                    now=utcnow(),
                )
                or challenge
            ),
            lambda _: f"The challenge is finished: {challenge.outcome.label.lower()}.",
        )
        if saved is not None:
            return redirect(_show_url(challenge))
    schedule = services.review_schedule(challenge)
    return render_template(
        "challenges/finish.html",
        inquiry=inquiry,
        challenge=challenge,
        recommendation=services.recommendation_of(db.session, challenge),
        form=form,
        day_100_missing=schedule[-1].review is None,
    )
