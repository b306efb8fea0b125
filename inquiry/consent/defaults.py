"""Starting texts for the information and consent pages, filled in from the inquiry.

Researchers see these in the editor when an audience has no text yet, and change
them as they need before publishing. Every detail taken from the inquiry may be
empty, so each sentence that uses one has a version that reads well without it.
The texts use the simple layout the consent pages understand: "## " starts a
heading, "- " starts a bullet point, and a blank line separates paragraphs.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..formatting import uk_date
from ..models import ConsentAudience, Inquiry, InquiryMode, WithdrawalPolicy


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _names(names: Sequence[str]) -> str:
    names = [_one_line(name) for name in names if _one_line(name)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _about(inquiry: Inquiry, invitation: str) -> list[str]:
    title = _one_line(inquiry.title)
    question = _one_line(inquiry.question)
    organisation = _one_line(inquiry.commissioner_organisation)
    parts = [
        "## About this inquiry",
        f"Thank you for thinking about {invitation} this inquiry"
        + (f": {title}." if title else ".")
        + " This page "
        "explains what the inquiry is, what taking part involves and what happens to what "
        "you share. Please take your time to read it. If anything is unclear, ask the "
        "research team: no question is too small.",
        "A citizens' inquiry brings a small group of people together over several sessions "
        "to answer one open question. They hear from people with experience of the subject, "
        "talk it through together, and write recommendations in their own words.",
    ]
    if question:
        parts += ["The question for this inquiry is:", question]
    if inquiry.starts_on and inquiry.ends_on:
        parts.append(
            f"The inquiry runs from {uk_date(inquiry.starts_on)} to {uk_date(inquiry.ends_on)}."
        )
    if organisation:
        parts.append(
            f"The inquiry was commissioned by {organisation}. At the end, {organisation} "
            "receives the inquiry's report and has agreed to respond to every recommendation "
            "in it, saying what it will do and why."
        )
    else:
        parts.append(
            "At the end, the inquiry's report goes to the organisation that asked the "
            "question. That organisation responds to every recommendation, saying what it "
            "will do and why."
        )
    return parts


def _law(health_sentence: str) -> list[str]:
    return [
        "## Your information and the law",
        health_sentence + " Under UK data protection law (the UK GDPR), information about "
        "health is a special category of personal data that needs extra care. We use it "
        "only with your explicit consent, which is what this page asks you for.",
        "We keep your name, email address and what you share on a secure system used only "
        "for this inquiry. Only the research team can see your name and email address. We "
        "keep a record of who did what on the system, but that record never includes what "
        "anyone wrote or said. We do not sell your information or use it for anything else.",
        "You have the right to see the information we hold about you, to have it corrected, "
        "and to ask us to delete it. If you are unhappy with how we have handled your "
        "information, please tell us first. You can also complain to the Information "
        "Commissioner's Office (ico.org.uk).",
    ]


def _anonymity(who: str, example: str) -> str:
    return (
        f"The report describes {who} only in general terms, {example}. Wherever the report "
        "or this website counts people in groups, any group of fewer than 3 people is shown "
        'as "fewer than 3", so that nobody can be picked out.'
    )


def _withdrawal_deadline(inquiry: Inquiry, what: str) -> str:
    if inquiry.withdrawal_deadline:
        return f"You can withdraw {what} until {uk_date(inquiry.withdrawal_deadline)}."
    return (
        f"You can withdraw {what} until the report is finalised. The research team will "
        "tell you the date well before then."
    )


def _retention(inquiry: Inquiry) -> list[str]:
    if inquiry.retention_date:
        when = (
            "We will delete your personal information, and everything shared in the inquiry "
            f"that is not part of the published report, on {uk_date(inquiry.retention_date)}."
        )
    else:
        when = (
            "We keep your personal information only for as long as the inquiry needs it. "
            "After the inquiry closes we delete it, together with everything shared in the "
            "inquiry that is not part of the published report. The research team will tell "
            "you the date."
        )
    return [
        "## How long we keep your information",
        when,
        "The published report is kept, so that people can see what the inquiry recommended "
        "and hold the commissioner to account. It does not name anyone who has not chosen "
        "to be named.",
    ]


def _contact(researchers: Sequence[str]) -> list[str]:
    names = _names(researchers)
    who = f"the research team: {names}" if names else "the research team running the inquiry"
    return [
        "## Questions and contact",
        f"If you have a question, want to talk anything through, or want to withdraw, "
        f"contact {who}.",
    ]


def participant_text(inquiry: Inquiry, researchers: Sequence[str] = ()) -> str:
    parts = _about(inquiry, "taking part in")
    if inquiry.mode == InquiryMode.INVERTED:
        parts.append(
            "This is an inverted inquiry. The group who deliberate are people who work in "
            "health and social care, and the witnesses they hear from are people with lived "
            "experience of care. It is a chance to listen, and to respond as a person as well "
            "as a professional."
        )
    parts += [
        "## What taking part involves",
        "As a participant you will:",
        "- come to the inquiry's sessions\n"
        "- listen to witnesses, who share their experience\n"
        "- write your own reflections between sessions\n"
        "- work with the group to draft recommendations in your own words\n"
        "- vote on the final recommendations\n"
        "- read the draft report before it is published",
        "You do not have to answer every question or share anything you would rather keep "
        "to yourself. You can take a break whenever you need to. Taking part, or not, will "
        "not affect your job or any care or services you receive.",
        "## How what you share is used",
        "The research team can read what you write in the inquiry. The rest of the group "
        "sees what you choose to share with them. Recommendations belong to the group and "
        "appear in the report in the group's own words. The report may quote what "
        "participants wrote, but never with your name unless you have told us you are happy "
        "to be named.",
        _anonymity("the people who took part", "for example by job role and sector"),
        "## Voting is secret",
        "Votes on recommendations are secret. Nobody, including the research team, can see "
        "how you voted. Results are shown only after voting has closed.",
    ]
    parts += _law(
        "This inquiry is about health and social care, so what people share may include "
        "information about their own health or other people's."
    )
    if inquiry.withdrawal_policy == WithdrawalPolicy.REMOVE:
        after = (
            "If you withdraw, what you have written is removed from the inquiry and does not "
            "appear in the report."
        )
    else:
        after = (
            "If you withdraw, what you have written stays in the inquiry without your name, "
            "so that the group's shared work still makes sense."
        )
    parts += [
        "## Changing your mind",
        "Taking part is your choice. You can stop at any time without giving a reason.",
        _withdrawal_deadline(inquiry, "from the inquiry")
        + " "
        + after
        + " Votes already cast stay in the count, because nobody can tell which votes were "
        "yours.",
    ]
    parts += _retention(inquiry)
    parts += _contact(researchers)
    parts += [
        "## Agreeing",
        "By agreeing, you confirm that you have read this information, that you have had "
        "the chance to ask questions, and that you agree to take part in the inquiry as "
        "described here.",
    ]
    return "\n\n".join(parts)


def witness_text(inquiry: Inquiry, researchers: Sequence[str] = ()) -> str:
    parts = _about(inquiry, "giving evidence to")
    if inquiry.mode == InquiryMode.INVERTED:
        parts.append(
            "This is an inverted inquiry. The group who listen and deliberate are people who "
            "work in health and social care. Hearing directly from people with experience of "
            "care, such as people receiving care at home, family members or friends who "
            "arrange it, and people who work closely with them, is at the heart of it."
        )
    parts += [
        "## What giving evidence involves",
        "As a witness you will:",
        "- share your experience with the group, in the way that suits you best\n"
        "- answer the group's questions, if you want to\n"
        "- check how your evidence has been written down\n"
        "- choose how you are named: by your name, by a name you choose, or not at all",
        "You decide what to share. You do not have to answer any question, and you can "
        "stop or take a break at any time. If you have access needs, tell the research team "
        "and they will make arrangements. Giving evidence, or not, will not affect any care "
        "or services you or your family receive.",
        "## How your evidence is used",
        "The group reads or hears your evidence and uses it to help write their "
        "recommendations. The report may quote your words, in the way you have chosen: with "
        "the name you chose, or anonymously. We take out details that could identify you or "
        "other people, such as the names of care workers, family members or places.",
        _anonymity("witnesses", 'for example as "a family member arranging care"'),
        "Only the group of participants votes on the recommendations, and their votes are "
        "secret. Witnesses do not vote.",
    ]
    parts += _law(
        "Your experience of care is information about health, both yours and sometimes other "
        "people's."
    )
    safeguarding = _one_line(inquiry.safeguarding_contact)
    parts += [
        "## If something you share worries us",
        "If you tell us something that suggests you or someone else is at risk of harm, we "
        "may need to pass it on so that they can be kept safe. Wherever we can, we will talk "
        "to you first."
        + (f" The inquiry's safeguarding contact is {safeguarding}." if safeguarding else ""),
        "Talking about care can bring up difficult feelings. If you would like support "
        "during or after giving evidence, tell the research team and they will help you "
        "find it.",
        "## Changing your mind",
        "Giving evidence is your choice. You can stop at any time without giving a reason.",
        _withdrawal_deadline(inquiry, "your evidence")
        + " If you withdraw it, it is removed everywhere in the inquiry, including the report.",
    ]
    parts += _retention(inquiry)
    parts += _contact(researchers)
    parts += [
        "## Agreeing",
        "By agreeing, you confirm that you have read this information, that you have had "
        "the chance to ask questions, and that you agree to give evidence to the inquiry as "
        "described here.",
    ]
    return "\n\n".join(parts)


def default_text(
    audience: ConsentAudience, inquiry: Inquiry, researchers: Sequence[str] = ()
) -> str:
    if audience == ConsentAudience.WITNESS:
        return witness_text(inquiry, researchers)
    return participant_text(inquiry, researchers)
