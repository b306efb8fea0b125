"""Text the report starts with: the default account of the method, for each mode of
inquiry, and the glossary. Researchers replace the method text with their own when
they write it (an empty ``Report.method`` means this default is used)."""

from __future__ import annotations

from ..models import InquiryMode

METHOD_INVERTED = """\
This was an inverted inquiry. In most citizens' inquiries, members of the public \
deliberate and professionals give evidence. Here the roles were turned around: the \
cohort was made up of people who work in health and social care, and the witnesses \
were people with lived experience of care at home: people receiving care, family \
members and friends who arrange it, and people who work closely with them.

Turning the roles around asks professionals to listen first, as people as well as \
practitioners, and to respond to what they hear with empathy and not only with \
procedure. Throughout, the cohort was asked to think about the individual first and \
the system second: what would make a difference to one person's life at home, and \
then what would have to change around them for that to happen.

The cohort met over a series of sessions. They heard from witnesses, in person or in \
writing, and each witness decided how their words could be used: shared with the \
cohort only, quoted anonymously, or quoted with a name they chose. After each session \
participants wrote reflections on what had stayed with them and how their thinking \
was changing.

The recommendations in this report were written by the participants in their own \
words. They read, supported and suggested improvements to each other's drafts, and \
the researchers merged duplicates only with the authors' agreement. The final \
recommendations were put to a secret ballot: nobody, the researchers included, can see \
how any one person voted. Alongside their vote, participants said how certain they \
were that each recommendation would work, which places it in the agreement and \
certainty matrix."""

METHOD_STANDARD = """\
This was a citizens' inquiry: a small group of people, the cohort, came together over \
a series of sessions to answer one open question. They heard evidence from witnesses \
with knowledge and experience of the question, in person or in writing, and each \
witness decided how their words could be used: shared with the cohort only, quoted \
anonymously, or quoted with a name they chose.

After each session participants wrote reflections on what had stayed with them and \
how their thinking was changing. Throughout, they were asked to think about the \
individual first and the system second: what would make a difference to one person's \
life, and then what would have to change around them for that to happen.

The recommendations in this report were written by the participants in their own \
words. They read, supported and suggested improvements to each other's drafts, and \
the researchers merged duplicates only with the authors' agreement. The final \
recommendations were put to a secret ballot: nobody, the researchers included, can see \
how any one person voted. Alongside their vote, participants said how certain they \
were that each recommendation would work, which places it in the agreement and \
certainty matrix."""


def default_method(mode: InquiryMode | str | None) -> str:
    """The account of the method used when researchers have not written their own."""
    if mode is not None and InquiryMode(mode) is InquiryMode.INVERTED:
        return METHOD_INVERTED
    return METHOD_STANDARD


# Terms used in the report, in alphabetical order.
GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "100-day challenge",
        "A way of testing a recommendation quickly: a team of people who do the work sets "
        "an ambitious goal and tries to reach it in 100 days, learning as they go.",
    ),
    (
        "Abstention",
        "A vote that neither supports nor opposes a recommendation. Abstentions are "
        "reported separately and do not count for or against.",
    ),
    (
        "Chaotic",
        "A zone of the matrix: little agreement and little certainty. The next step is to "
        "make things stable before acting.",
    ),
    (
        "Cohort",
        "The group of people who took part in the inquiry's sessions, deliberated and "
        "wrote the recommendations.",
    ),
    (
        "Complex",
        "A zone of the matrix: less agreement or certainty. The next step is to try the "
        "recommendation on a small scale and learn quickly, for example as a 100-day "
        "challenge.",
    ),
    (
        "Complicated",
        "A zone of the matrix: mostly agreed and fairly sure, but the detail needs "
        "planning with people who have the right expertise.",
    ),
    (
        "Consensus",
        "Whether support for a recommendation comes from every group of participants, "
        "not only the largest. It is high only when every professional role agrees.",
    ),
    (
        "Inquiry",
        "A citizens' inquiry: a small group of people who meet over several sessions to "
        "answer one open question, hear evidence and make recommendations in their own "
        "words.",
    ),
    (
        "Inverted inquiry",
        "An inquiry in which professionals form the cohort and people with lived "
        "experience give evidence as witnesses, the reverse of the usual arrangement.",
    ),
    (
        "Quorum",
        "The share of eligible participants who must vote for a ballot to count.",
    ),
    (
        "Recommendation",
        "A proposal for change written by participants in their own words, saying what "
        "it means for the individual and for the system, and who should act.",
    ),
    (
        "Reflection",
        "A participant's written response after a session: what stayed with them and how "
        "their thinking changed. Reflections are shared with the cohort, not published.",
    ),
    (
        "Simple",
        "A zone of the matrix: people agree and are sure it would work. The next step is "
        "to implement it.",
    ),
    (
        "Witness",
        "Someone who gave evidence to the inquiry, in a session or in writing. Witnesses "
        "chose whether and how their words could be quoted.",
    ),
)

# Shown in the section for the commissioner's response until one is published.
RESPONSES_NOT_YET = (
    "The commissioner's response to each recommendation has not been published yet. "
    "It will be added to a later version of this report."
)
