"""Forms for the report: its narrative, builds, publishing, the review and comments."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.base import BaseForm
from ..forms.fields import GovRadioField, GovStringField, GovTextAreaField, as_select_choices
from ..inquiries.forms import tidy_text
from .services import MAX_COMMENT_LENGTH, MAX_LABEL_LENGTH, MAX_NARRATIVE_LENGTH

NARRATIVE_LABELS = {
    "foreword": "Foreword",
    "executive_summary": "Executive summary",
    "method": "About this inquiry and its method",
    "views_changed": "How views changed",
    "acknowledgements": "Acknowledgements",
    "next_steps": "Next steps",
}


def _narrative(name: str, description: str) -> GovTextAreaField:
    label = NARRATIVE_LABELS[name]
    return GovTextAreaField(
        f"{label} (optional)",
        description=description,
        max_length=MAX_NARRATIVE_LENGTH,
        filters=[tidy_text],
        validators=[
            Length(
                max=MAX_NARRATIVE_LENGTH,
                message=f"{label} must be {MAX_NARRATIVE_LENGTH:,} characters or fewer",
            )
        ],
    )


def revision_of(field: HiddenField) -> int:
    """The revision a form was made from; 0 when missing or not a number."""
    value = field.data.strip() if isinstance(field.data, str) else ""
    return int(value) if value.isdigit() else 0


class NarrativeForm(BaseForm):
    revision = HiddenField()
    foreword = _narrative(
        "foreword",
        "A short introduction, usually from the commissioner or the chair. Leave a blank "
        "line between paragraphs.",
    )
    executive_summary = _narrative(
        "executive_summary",
        "What the inquiry asked, what it found and what it recommends, for readers with a "
        "few minutes.",
    )
    method = _narrative(
        "method",
        "How the inquiry worked. Leave it empty to use the standard text shown below, "
        "which explains the inquiry's mode.",
    )
    views_changed = _narrative(
        "views_changed",
        "Shown in the chapter on how the cohort deliberated, after the number of reflections "
        "on each question about change. Reflections are never quoted in the report, so say "
        "in your own words how participants' thinking moved over the sessions, without "
        "naming or quoting anyone. Leave it empty to show only the numbers.",
    )
    acknowledgements = _narrative(
        "acknowledgements", "Thank the people and organisations who made the inquiry possible."
    )
    next_steps = _narrative(
        "next_steps", "What happens now: who receives the report and when they will respond."
    )

    @property
    def values(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in NARRATIVE_LABELS}


class ActionForm(BaseForm):
    """A button that changes something: building a draft, trying a build again, opening
    and closing the review."""


class PublishForm(BaseForm):
    label = GovStringField(
        "What this version is (optional)",
        description="Shown with the version, for example: first edition, or with the "
        "commissioner's response.",
        validators=[
            Length(
                max=MAX_LABEL_LENGTH,
                message=f"What this version is must be {MAX_LABEL_LENGTH} characters or fewer",
            )
        ],
    )


class CommentForm(BaseForm):
    section = GovRadioField(
        "Which section is your comment about?",
        choices=[],
        validators=[InputRequired(message="Select the section your comment is about")],
        invalid_choice_message="Select the section your comment is about",
    )
    body = GovTextAreaField(
        "Your comment",
        description="Say what you think is missing, unclear or wrong, and what would make "
        "it better. The researchers read every comment.",
        max_length=MAX_COMMENT_LENGTH,
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter your comment"),
            Length(
                max=MAX_COMMENT_LENGTH,
                message=f"Your comment must be {MAX_COMMENT_LENGTH:,} characters or fewer",
            ),
        ],
    )

    def set_sections(self, sections: list[tuple[str, str]]) -> None:
        self.section.choices = as_select_choices(list(sections))
