"""Forms for questions for witnesses: asking, supporting, answering, deleting."""

from __future__ import annotations

from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.base import BaseForm
from ..forms.fields import (
    GovRadioField,
    GovSelectField,
    GovSubmitField,
    GovTextAreaField,
    as_select_choices,
)
from ..inquiries.forms import tidy_text
from .services import MAX_QUESTION_LENGTH

ANY_WITNESS = "any"
NO_ANSWER = "none"


class QuestionForm(BaseForm):
    text = GovTextAreaField(
        "Your question",
        description="Ask one clear question. Other participants can read it and support it, "
        "but they will not see that you asked it.",
        max_length=MAX_QUESTION_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter your question"),
            Length(
                max=MAX_QUESTION_LENGTH,
                message=f"Your question must be {MAX_QUESTION_LENGTH:,} characters or fewer",
            ),
        ],
    )
    round_id = GovSelectField(
        "Session",
        description="The session where you would like the question to be asked.",
        choices=[],
        validators=[InputRequired(message="Select the session for your question")],
        invalid_choice_message="Select the session for your question",
    )
    witness = GovSelectField(
        "Who is the question for?",
        choices=[],
        validators=[InputRequired(message="Select who the question is for")],
        invalid_choice_message="Select who the question is for",
    )
    submit = GovSubmitField("Submit question")

    def set_choices(self, rounds, witnesses, round_label) -> None:
        self.round_id.choices = as_select_choices(
            [("", "Select a session")] + [(str(r.id), round_label(r)) for r in rounds]
        )
        self.witness.choices = as_select_choices(
            [(ANY_WITNESS, "Any witness")] + [(str(w.id), w.public_name) for w in witnesses]
        )


class SupportForm(BaseForm):
    """Support a question, or take support back: the button says which."""


class AnswerForm(BaseForm):
    answer = GovRadioField(
        "Which testimony answers the question?",
        choices=[],
        validators=[
            InputRequired(message="Select the testimony that answers the question, or none")
        ],
        invalid_choice_message="Select the testimony that answers the question, or none",
    )
    submit = GovSubmitField("Mark as answered")

    def set_choices(self, testimonies, label) -> None:
        self.answer.choices = as_select_choices(
            [(str(t.id), label(t)) for t in testimonies]
            + [(NO_ANSWER, "None: answered without linked testimony")]
        )


class ConfirmForm(BaseForm):
    """An empty form whose only purpose is the CSRF token on a confirmation button."""

    submit = GovSubmitField("Confirm")
