"""Forms for the ballot: the ballot paper, built for each ballot from its items, and
the confirmations for opening and closing it.

The paper has three fields per recommendation, named after the ballot item
(``item_12_agreement``, ``item_12_certainty``, ``item_12_dissent``), so each is an
ordinary field: the GOV.UK radios get the field's name as their id and the error
summary links straight to the first radio of the question with the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wtforms import Field, HiddenField
from wtforms.validators import InputRequired, Length, Optional

from ..forms.base import BaseForm
from ..forms.fields import GovRadioField, GovSubmitField, GovTextAreaField
from ..forms.widgets import GovRadios
from ..inquiries.forms import tidy_text
from ..models import Agreement, Ballot, BallotItem, Certainty
from .services import MAX_DISSENT_LENGTH, Answer, agreement_choices

FIELD_NAME = re.compile(r"^item_(\d+)_(agreement|certainty|dissent)$")

ABSTAIN_HINT = "Your vote is not counted for or against the recommendation."
CERTAINTY_HINT = "How sure you are that it would work in practice. Not needed if you abstain."
DISSENT_HINT = (
    "If you disagree, or see it differently from most people, you can say why. "
    "Your name is never shown with it."
)


def reference(item: BallotItem) -> str:
    """'R3', or 'recommendation 3' for one that was never numbered."""
    return item.recommendation.reference or f"recommendation {item.position}"


class GovRadiosWithAbstain(GovRadios):
    """The agreement radios, with "or" before the last answer (Abstain)."""

    def field_params(self, field: Field) -> dict[str, Any]:
        params = super().field_params(field)
        items = params["items"]
        if len(items) > 1:
            params["items"] = [*items[:-1], {"divider": "or"}, items[-1]]
        return params


class AgreementField(GovRadioField):
    widget = GovRadiosWithAbstain()


class PaperFormBase(BaseForm):
    """What every ballot paper has besides its questions."""

    # ``ballot_id`` (hidden) and ``submit`` are added after the questions by
    # ``paper_form``, so that a message about the whole paper links to the first question.
    items: list[BallotItem]
    unknown_fields: list[str]

    def rows(self) -> list[ItemFields]:
        return [
            ItemFields(
                item=item,
                reference=reference(item),
                agreement=self[f"item_{item.id}_agreement"],
                certainty=self[f"item_{item.id}_certainty"],
                dissent=self[f"item_{item.id}_dissent"],
            )
            for item in self.items
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.unknown_fields:
            self.add_form_error(
                "Your ballot paper does not match the recommendations on the ballot. "
                "Reload the page and vote again."
            )
            valid = False
        for row in self.rows():
            if row.agreement.errors or row.certainty.errors:
                continue
            if row.agreement.data != Agreement.ABSTAIN.value and not row.certainty.data:
                row.certainty.errors = [
                    f"Select how certain you are that {row.reference} would work, or abstain on it"
                ]
                valid = False
        return valid

    def answers(self) -> dict[int, Answer]:
        """The paper's answers by recommendation, once the form is valid."""
        answers: dict[int, Answer] = {}
        for row in self.rows():
            agreement = Agreement(row.agreement.data)
            certainty = (
                Certainty(row.certainty.data)
                if row.certainty.data and agreement != Agreement.ABSTAIN
                else None
            )
            answers[row.item.recommendation_id] = Answer(
                agreement=agreement, certainty=certainty, dissent=row.dissent.data or ""
            )
        return answers

    def fill_from(self, votes: Iterable[Any]) -> None:
        """Show a voter their own votes (on their own paper only)."""
        by_recommendation = {vote.recommendation_id: vote for vote in votes}
        for row in self.rows():
            vote = by_recommendation.get(row.item.recommendation_id)
            if vote is None:
                continue
            row.agreement.data = Agreement(vote.agreement).value
            row.certainty.data = Certainty(vote.certainty).value if vote.certainty else None
            row.dissent.data = vote.dissent or ""


@dataclass
class ItemFields:
    item: BallotItem
    reference: str
    agreement: Field
    certainty: Field
    dissent: Field


def paper_form(ballot: Ballot, posted: Iterable[str] = ()) -> PaperFormBase:
    """The ballot paper for this ballot: its recommendations in order, each with
    agreement on the ballot's scale (plus Abstain), certainty and an optional dissent.

    Flask-WTF reads a posted form from the request; ``posted`` are its field names,
    so that fields for recommendations that are not on this ballot make the paper
    invalid rather than being ignored. On a GET the paper names its ballot.
    """
    agreement = [(answer.value, answer.label) for answer in agreement_choices(ballot)]
    certainty = [(level.value, level.label) for level in Certainty]
    attrs: dict[str, Any] = {}
    for item in ballot.items:
        ref = reference(item)
        attrs[f"item_{item.id}_agreement"] = AgreementField(
            f"How much do you agree with {ref}?",
            choices=agreement,
            choice_hints={Agreement.ABSTAIN.value: ABSTAIN_HINT},
            validators=[InputRequired(message=f"Select how much you agree with {ref}")],
            invalid_choice_message=f"Select how much you agree with {ref}",
        )
        attrs[f"item_{item.id}_certainty"] = GovRadioField(
            f"How certain are you that {ref} would work?",
            description=CERTAINTY_HINT,
            choices=certainty,
            validators=[Optional()],
            invalid_choice_message=f"Select how certain you are that {ref} would work",
        )
        attrs[f"item_{item.id}_dissent"] = GovTextAreaField(
            f"Dissent or minority view on {ref} (optional)",
            description=DISSENT_HINT,
            max_length=MAX_DISSENT_LENGTH,
            filters=[tidy_text],
            validators=[
                Length(
                    max=MAX_DISSENT_LENGTH,
                    message=f"Dissent or minority view on {ref} must be "
                    f"{MAX_DISSENT_LENGTH:,} characters or fewer",
                )
            ],
        )
    attrs["ballot_id"] = HiddenField()
    attrs["submit"] = GovSubmitField("Save your votes")
    form_class = type("BallotPaperForm", (PaperFormBase,), attrs)
    form = form_class()
    form.items = list(ballot.items)
    known = {name for name in attrs if FIELD_NAME.match(name)}
    form.unknown_fields = [name for name in posted if FIELD_NAME.match(name) and name not in known]
    if not form.is_submitted():
        form.ballot_id.data = str(ballot.id)
    return form


class ConfirmForm(BaseForm):
    """A confirmation button with its CSRF token; ``ballot_id`` names the ballot the
    page was about, so a stale page cannot close a newer ballot."""

    ballot_id = HiddenField()
