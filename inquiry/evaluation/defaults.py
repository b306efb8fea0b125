"""The questions a new evaluation questionnaire starts with, and the answer scale.

The statements follow the member survey suggested in the OECD's evaluation
guidelines for deliberative processes: whether people could take part on an equal
footing, were heard and respected, found the process neutral, recognise the outcome,
and would take part again. Researchers change them while the questionnaire is a draft.
"""

from __future__ import annotations

from ..models import QuestionKind

DEFAULT_ITEMS: tuple[tuple[QuestionKind, str], ...] = (
    (QuestionKind.AGREEMENT, "I had enough information to take part"),
    (QuestionKind.AGREEMENT, "I was able to say what I thought"),
    (QuestionKind.AGREEMENT, "People listened to each other with respect"),
    (QuestionKind.AGREEMENT, "The facilitators were neutral"),
    (QuestionKind.AGREEMENT, "The recommendations reflect what we discussed"),
    (QuestionKind.AGREEMENT, "I would take part in an inquiry like this again"),
    (
        QuestionKind.FREE_TEXT,
        "Is there anything else you would like to tell us about taking part?",
    ),
)

# Stored values of the agreement scale, strongest agreement first.
SCALE: tuple[tuple[int, str], ...] = (
    (5, "Strongly agree"),
    (4, "Agree"),
    (3, "Neither agree nor disagree"),
    (2, "Disagree"),
    (1, "Strongly disagree"),
)
AGREE_VALUES = frozenset({5, 4})
# "Prefer not to say" is stored as no value.
PREFER_NOT_TO_SAY = "Prefer not to say"

KIND_LABELS = {
    QuestionKind.AGREEMENT: "Statement to agree or disagree with",
    QuestionKind.FREE_TEXT: "Question with a written answer",
}
