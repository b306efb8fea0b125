"""Forms for 100-day challenges: the design (goal, sponsor, team, start date), the
readiness check against the eight conditions, a review and finishing."""

from __future__ import annotations

from typing import Any

from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.base import BaseForm
from ..forms.dates import GovDateField
from ..forms.fields import GovRadioField, GovStringField, GovTextAreaField
from ..inquiries.forms import one_line, tidy_text
from ..models import ChallengeOutcome, ReadinessCondition, ReadinessRating
from .services import (
    MAX_GOAL_LENGTH,
    MAX_READINESS_NOTE_LENGTH,
    MAX_REVIEW_NOTE_LENGTH,
    MAX_SPONSOR_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_TEAM_LENGTH,
)

GOAL_HINT = (
    "Ambitious and specific: what will be different in 100 days, for whom, and how you will know"
)


def _goal() -> GovTextAreaField:
    return GovTextAreaField(
        "Goal",
        description=GOAL_HINT,
        max_length=MAX_GOAL_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter the goal"),
            Length(
                max=MAX_GOAL_LENGTH,
                message=f"Goal must be {MAX_GOAL_LENGTH:,} characters or fewer",
            ),
        ],
    )


def _sponsor() -> GovStringField:
    return GovStringField(
        "Sponsor",
        description="The senior person who will clear the way for the team and act on what "
        "it learns, for example the Director of Adult Social Care",
        filters=[one_line],
        validators=[
            DataRequired(message="Enter the sponsor"),
            Length(
                max=MAX_SPONSOR_LENGTH,
                message=f"Sponsor must be {MAX_SPONSOR_LENGTH} characters or fewer",
            ),
        ],
    )


def _team() -> GovTextAreaField:
    return GovTextAreaField(
        "Team",
        description="Who is in the team: names, roles or organisations, as the team wants "
        "them shown. The best teams bring together people who work in one place, including "
        "frontline staff and people who use services.",
        max_length=MAX_TEAM_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter who is in the team"),
            Length(
                max=MAX_TEAM_LENGTH,
                message=f"Team must be {MAX_TEAM_LENGTH:,} characters or fewer",
            ),
        ],
    )


def _starts_on() -> GovDateField:
    return GovDateField(
        "Start date",
        required_message="Enter the start date",
        subject="Start date",
        description="Day 0 of the 100 days. Reviews fall due on day 0, day 50 and day 100. "
        "For example, 1 4 2027",
    )


def _require_date(field: GovDateField) -> bool:
    """A required date is missing even when the request sent no part of it at all (the
    field only reads its parts from a request that has some form data)."""
    if field.data is None and not field.errors:
        field.errors = [*field.errors, field.required_message]
        return False
    return True


class ChallengeForm(BaseForm):
    """Everything about the challenge's design: while it is being designed."""

    goal = _goal()
    sponsor = _sponsor()
    team = _team()
    starts_on = _starts_on()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return _require_date(self.starts_on) and valid

    @property
    def values(self) -> dict[str, Any]:
        return {
            "goal": self.goal.data or "",
            "sponsor": self.sponsor.data or "",
            "team": self.team.data or "",
            "starts_on": self.starts_on.data,
        }


class LiveChallengeForm(BaseForm):
    """Once the challenge is live only the sponsor and the team can change."""

    sponsor = _sponsor()
    team = _team()


# Readiness --------------------------------------------------------------------------------


def rating_name(condition: ReadinessCondition) -> str:
    return f"{condition.value}_rating"


def note_name(condition: ReadinessCondition) -> str:
    return f"{condition.value}_note"


RATING_CHOICES = [(rating.value, rating.label) for rating in ReadinessRating]


class _ReadinessFields(BaseForm):
    """Two fields per condition, named ``<condition>_rating`` and ``<condition>_note``,
    so that every error in the summary links to its own field."""

    def pairs(self) -> list[tuple[ReadinessCondition, Any, Any]]:
        return [
            (condition, self[rating_name(condition)], self[note_name(condition)])
            for condition in ReadinessCondition
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for condition, rating, note in self.pairs():
            missing = rating.data == ReadinessRating.NOT_IN_PLACE.value
            if missing and not note.errors and not (note.data or "").strip():
                note.errors = [*note.errors, f"Say what is missing for {condition.label}"]
                valid = False
        return valid

    @property
    def ratings(self) -> dict[ReadinessCondition, tuple[ReadinessRating | None, str]]:
        return {
            condition: (
                ReadinessRating(rating.data) if rating.data else None,
                note.data or "",
            )
            for condition, rating, note in self.pairs()
        }


def _readiness_form() -> type[_ReadinessFields]:
    fields: dict[str, Any] = {}
    for condition in ReadinessCondition:
        message = f"Select a rating for {condition.label}"
        fields[rating_name(condition)] = GovRadioField(
            condition.label,
            description=condition.question,
            choices=RATING_CHOICES,
            validators=[InputRequired(message=message)],
            invalid_choice_message=message,
        )
        fields[note_name(condition)] = GovTextAreaField(
            f"Notes on {condition.label.lower()}",
            description="What is in place and what is missing. Required if it is not in place.",
            max_length=MAX_READINESS_NOTE_LENGTH,
            filters=[tidy_text],
            validators=[
                Length(
                    max=MAX_READINESS_NOTE_LENGTH,
                    message=f"Notes on {condition.label.lower()} must be "
                    f"{MAX_READINESS_NOTE_LENGTH:,} characters or fewer",
                )
            ],
        )
    return type("ReadinessForm", (_ReadinessFields,), fields)


ReadinessForm = _readiness_form()


def readiness_data(readiness: list[Any]) -> dict[str, str]:
    """The form's values from the ratings already given."""
    data: dict[str, str] = {}
    for row in readiness:
        data[rating_name(row.condition)] = row.rating.value
        data[note_name(row.condition)] = row.note
    return data


# Reviews and finishing --------------------------------------------------------------------


class ReviewForm(BaseForm):
    held_on = GovDateField(
        "Date held",
        required_message="Enter the date the review was held",
        subject="Date held",
    )
    note = GovTextAreaField(
        "What the review found",
        description="Where the team is against its goal, what it has tried, what it has "
        "learned and what it will do next.",
        max_length=MAX_REVIEW_NOTE_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter what the review found"),
            Length(
                max=MAX_REVIEW_NOTE_LENGTH,
                message=f"What the review found must be {MAX_REVIEW_NOTE_LENGTH:,} "
                "characters or fewer",
            ),
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return _require_date(self.held_on) and valid


OUTCOME_HINTS = {
    ChallengeOutcome.MET.value: "The team did what it set out to do in the 100 days.",
    ChallengeOutcome.PARTLY_MET.value: "Some of the goal was met, or it was met for some "
    "people but not all.",
    ChallengeOutcome.NOT_MET.value: "The goal was not met. Say what was learned: that is "
    "worth as much.",
}


class CloseForm(BaseForm):
    outcome = GovRadioField(
        "Was the goal met?",
        choices=[(outcome.value, outcome.label) for outcome in ChallengeOutcome],
        choice_hints=OUTCOME_HINTS,
        validators=[InputRequired(message="Select whether the goal was met")],
        invalid_choice_message="Select whether the goal was met",
    )
    summary = GovTextAreaField(
        "Summary",
        description="What changed, for whom, and what happens next: for example whether the "
        "new way of working will continue or spread. Everyone in the inquiry can read it, "
        "and it appears in later versions of the report.",
        max_length=MAX_SUMMARY_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter a summary of what happened"),
            Length(
                max=MAX_SUMMARY_LENGTH,
                message=f"Summary must be {MAX_SUMMARY_LENGTH:,} characters or fewer",
            ),
        ],
    )

    @property
    def outcome_value(self) -> ChallengeOutcome | None:
        return ChallengeOutcome(self.outcome.data) if self.outcome.data else None


class ActionForm(BaseForm):
    """A button that changes something: launching the challenge."""
