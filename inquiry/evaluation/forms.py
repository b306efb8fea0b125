"""Forms for the evaluation questionnaire: a question, who is asked, confirmations,
and the answer form built from the questionnaire's questions."""

from __future__ import annotations

from typing import Any

from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms.base import BaseForm
from ..forms.fields import GovRadioField, GovSubmitField, GovTextAreaField
from ..inquiries.forms import one_line, tidy_text
from ..models import QuestionKind, QuestionnaireItem
from .defaults import KIND_LABELS, PREFER_NOT_TO_SAY, SCALE
from .services import MAX_FREE_TEXT, MAX_ITEM_LENGTH

PREFER_NOT = "prefer-not-to-say"

KIND_HINTS = {
    QuestionKind.AGREEMENT.value: "People choose from strongly agree to strongly disagree, "
    "or prefer not to say. For example: I had enough information to take part.",
    QuestionKind.FREE_TEXT.value: "People may write up to 2,000 characters, or leave it "
    "blank. For example: What could we have done better?",
}


class ItemForm(BaseForm):
    kind = GovRadioField(
        "Type of question",
        choices=[(kind.value, KIND_LABELS[kind]) for kind in QuestionKind],
        choice_hints=KIND_HINTS,
        validators=[InputRequired(message="Select the type of question")],
        invalid_choice_message="Select the type of question",
    )
    text = GovTextAreaField(
        "Question",
        description="Write statements in the first person, so people can say how much they "
        "agree with them: I felt my experience was valued.",
        max_length=MAX_ITEM_LENGTH,
        filters=[one_line],
        validators=[
            DataRequired(message="Enter the question"),
            Length(
                max=MAX_ITEM_LENGTH,
                message=f"Question must be {MAX_ITEM_LENGTH} characters or fewer",
            ),
        ],
    )
    submit = GovSubmitField("Save question")


AUDIENCE_CHOICES = {
    "participants": "Participants only",
    "everyone": "Participants and witnesses",
}
AUDIENCE_HINTS = {
    "participants": "The cohort who deliberated and wrote the recommendations.",
    "everyone": "Witnesses are asked too. Their answers are counted apart from participants' "
    "only when at least 3 of each have answered.",
}


class AudienceForm(BaseForm):
    who = GovRadioField(
        "Who should answer the questionnaire?",
        choices=list(AUDIENCE_CHOICES.items()),
        choice_hints=AUDIENCE_HINTS,
        validators=[InputRequired(message="Select who should answer the questionnaire")],
        invalid_choice_message="Select who should answer the questionnaire",
    )
    submit = GovSubmitField("Save")


class MoveForm(BaseForm):
    """Move a question up or down; the direction comes from the button pressed."""

    direction = GovRadioField(
        "Direction",
        choices=[("up", "Up"), ("down", "Down")],
        validators=[InputRequired(message="Choose whether to move the question up or down")],
        invalid_choice_message="Choose whether to move the question up or down",
    )


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")


AGREEMENT_CHOICES = [(str(value), label) for value, label in SCALE] + [
    (PREFER_NOT, PREFER_NOT_TO_SAY)
]


def field_name_for(item: QuestionnaireItem) -> str:
    return f"item_{item.id}"


class AnswerFormBase(BaseForm):
    submit = GovSubmitField("Submit your answers")

    items: list[QuestionnaireItem]

    def answers(self) -> dict[int, int | str | None]:
        """The answers by item id, as the service takes them."""
        result: dict[int, int | str | None] = {}
        for item in self.items:
            data = getattr(self, field_name_for(item)).data
            if item.kind == QuestionKind.AGREEMENT:
                result[item.id] = None if data in (None, "", PREFER_NOT) else int(data)
            else:
                result[item.id] = data or ""
        return result


def answer_form(items: list[QuestionnaireItem], **kwargs: Any) -> AnswerFormBase:
    """A form with a field per question, in the questionnaire's order."""

    class AnswerForm(AnswerFormBase):
        pass

    for number, item in enumerate(items, start=1):
        label = f"{number}. {item.text}"
        if item.kind == QuestionKind.AGREEMENT:
            message = f"Select how much you agree with statement {number}, or prefer not to say"
            field = GovRadioField(
                label,
                choices=AGREEMENT_CHOICES,
                description="How much do you agree?",
                validators=[InputRequired(message=message)],
                invalid_choice_message=message,
            )
        else:
            field = GovTextAreaField(
                f"{label} (optional)",
                max_length=MAX_FREE_TEXT,
                filters=[tidy_text],
                validators=[
                    Optional(),
                    Length(
                        max=MAX_FREE_TEXT,
                        message=f"Your answer to question {number} must be "
                        f"{MAX_FREE_TEXT:,} characters or fewer",
                    ),
                ],
            )
        setattr(AnswerForm, field_name_for(item), field)
    # The submit button comes after the questions.
    form = AnswerForm(**kwargs)
    form.items = list(items)
    return form
