"""The recommended session plans researchers can start from, one for each mode.

Plans are data: a researcher applies one to an empty inquiry and then changes,
moves or deletes any of its sessions like sessions they added themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import InquiryMode, RoundKind


@dataclass(frozen=True)
class PlannedRound:
    kind: RoundKind
    title: str
    purpose: str
    prompts: tuple[str, ...]


# An inverted inquiry: professionals deliberate, people with lived experience of
# care at home give evidence. Prompts ask participants to answer in both roles.
INVERTED_PLAN: tuple[PlannedRound, ...] = (
    PlannedRound(
        kind=RoundKind.INTRODUCTION,
        title="Introductions and personal stories",
        purpose=(
            "Meet the cohort, agree how you will work together and share a personal story "
            "about care at home: your own, or that of someone close to you. Everyone takes "
            "part as a professional and as a person who may one day need care."
        ),
        prompts=(
            "As a professional: what does a good life at home look like for the people your "
            "service supports?",
            "As a person who may one day need care at home: what would matter most to you?",
            "What is one thing you hope this inquiry will change?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.EVIDENCE_HEARING,
        title="Evidence hearing: living with care at home",
        purpose=(
            "Hear from people who receive care and support at home about what helps them "
            "live well, and what gets in the way. Listen first, then ask questions."
        ),
        prompts=(
            "As a professional: what in today's stories would your service find hardest to change?",
            "As a person who may one day need care at home: which moment in today's stories "
            "would you most want to be different if it happened to you?",
            "What surprised you today, and what felt familiar?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.EVIDENCE_HEARING,
        title="Evidence hearing: families, friends and close carers",
        purpose=(
            "Hear from family members and friends who arrange care, and from people who work "
            "closely with those receiving care, about what it takes to keep someone well at "
            "home."
        ),
        prompts=(
            "As a professional: where did the system get in the way of what the person and "
            "their family wanted?",
            "As a person who may one day arrange care for someone you love: what help would "
            "you want, and from whom?",
            "What did a witness say today that you want the cohort to remember?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.REFLECTION,
        title="Reflection and themes",
        purpose=(
            "Look back across both hearings, notice how your thinking has changed and group "
            "what you heard into themes that will shape the recommendations."
        ),
        prompts=(
            "As a professional: what have you heard that challenges the way your organisation "
            "works?",
            "As a person who may one day need care at home: what would you need to stay in "
            "control of your own life?",
            "Which themes keep coming up across the stories you have heard?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.DRAFTING,
        title="Drafting recommendations",
        purpose=(
            "Write practical recommendations in your own words that put the individual first "
            "and the system second, and help each other make them clearer."
        ),
        prompts=(
            "What should change so that the person comes first and the system second?",
            "As a professional: who would need to act on this recommendation, and what would "
            "they do differently next week?",
            "As a person who may one day need care at home: would this recommendation make "
            "your life at home better? How?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.BALLOT,
        title="Ballot and next steps",
        purpose=(
            "Vote on the recommendations in a secret ballot, say how certain you are that each "
            "would work, and agree what happens after the inquiry."
        ),
        prompts=(
            "How certain are you that each recommendation would work in practice?",
            "As a professional: what will you do differently in your own work after this inquiry?",
            "As a person who may one day need care at home: what do you most want the "
            "commissioner to hear?",
        ),
    ),
)

# A standard inquiry: members of the public deliberate and hear from expert commentators.
STANDARD_PLAN: tuple[PlannedRound, ...] = (
    PlannedRound(
        kind=RoundKind.INTRODUCTION,
        title="Introductions and the question",
        purpose=(
            "Meet the cohort, agree how you will work together and talk about what the "
            "question means to you and the people around you."
        ),
        prompts=(
            "What does the question mean to you, your family and your neighbours?",
            "What do you hope this inquiry will achieve?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.EVIDENCE_HEARING,
        title="Evidence hearing with expert commentators",
        purpose=(
            "Hear from commentators with different knowledge and points of view, and question "
            "them. Nobody expects you to be an expert: ask whatever would help you decide."
        ),
        prompts=(
            "What did you hear today that you did not know before?",
            "Which commentator's view did you find most convincing, and why?",
            "What would you still like to ask, and who should answer?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.REFLECTION,
        title="Reflection",
        purpose="Look back on the evidence and notice how your thinking is changing.",
        prompts=(
            "What has stayed with you from the evidence so far?",
            "Has anything changed your mind? What was it?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.THEMING,
        title="Finding the themes",
        purpose=(
            "Group what the cohort has heard and said into themes, and decide which matter most."
        ),
        prompts=(
            "Which issues keep coming up in what we have heard?",
            "Which theme would make the biggest difference to people's everyday lives?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.DRAFTING,
        title="Drafting recommendations",
        purpose=(
            "Write recommendations in your own words, say who should act on each one, and "
            "help each other make them clearer."
        ),
        prompts=(
            "What should change, and who should make it happen?",
            "How would this recommendation make a difference to people's everyday lives?",
        ),
    ),
    PlannedRound(
        kind=RoundKind.BALLOT,
        title="Ballot and next steps",
        purpose=(
            "Vote on the recommendations in a secret ballot, say how certain you are that each "
            "would work, and hear what happens next."
        ),
        prompts=(
            "How certain are you that each recommendation would work in practice?",
            "What do you most want the commissioner to hear?",
        ),
    ),
)

PLANS: dict[InquiryMode, tuple[PlannedRound, ...]] = {
    InquiryMode.INVERTED: INVERTED_PLAN,
    InquiryMode.STANDARD: STANDARD_PLAN,
}


def recommended_plan(mode: InquiryMode | str | None) -> tuple[PlannedRound, ...]:
    """The recommended plan for an inquiry's mode (standard when the mode is unknown)."""
    try:
        return PLANS[InquiryMode(mode)]
    except ValueError:
        return STANDARD_PLAN
