"""Every word the demo inquiries say: the people, what they told each other, what they
recommended and what the commissioner answered.

All of it is invented. The people, their stories, Northshire and its towns, and the
organisations named here do not exist; any likeness to real people is chance.
Telephone numbers are in the range set aside for drama (01632 960xxx) and email
addresses use example.org and example.com.

Text is plain: a blank line starts a new paragraph, as everywhere in the platform.
Witnesses who chose to be quoted anonymously, or not quoted at all, are never named in
anything that reaches the report (recommendations, the narrative, the response).
"""

from __future__ import annotations

from dataclasses import dataclass

COMMISSIONER = "Northshire Health and Care Partnership"


def paragraphs(*parts: str) -> str:
    return "\n\n".join(parts)


# People -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    email: str


@dataclass(frozen=True)
class Participant:
    key: str
    name: str
    email: str
    professional_role: str
    sector: str
    organisation: str
    locality: str
    professional_role_other: str = ""
    named_in_report: bool = False


@dataclass(frozen=True)
class Witness:
    key: str
    name: str
    email: str
    lived_experience: str
    lived_experience_other: str = ""
    display_name: str = ""
    access_needs: str = ""
    support_contact: str = ""


RUTH = Person("ruth", "Ruth Ellison", "ruth.ellison@example.org")
KWAME = Person("kwame", "Kwame Boateng", "kwame.boateng@example.org")
HELEN = Person("helen", "Helen Marsh", "helen.marsh@example.org")
YUSUF = Person("yusuf", "Yusuf Karim", "yusuf.karim@example.org")

SUPPORT_RUTH = (
    "Ruth Ellison, 01632 960418 (Monday to Friday, 9am to 5pm). If you are upset after a "
    "session, you can also ring Eastfield Carers' Centre on 01632 960733."
)
SUPPORT_KWAME = "Kwame Boateng, 01632 960427 (Monday to Friday, 9am to 5pm)."


def _p(key, name, role, sector, organisation, locality, *, other="", named=False):
    email = name.lower().replace("'", "").replace(" ", ".") + "@example.org"
    return Participant(key, name, email, role, sector, organisation, locality, other, named)


LIVING_WELL_PARTICIPANTS: tuple[Participant, ...] = (
    _p(
        "amara",
        "Amara Okafor",
        "nurse",
        "nhs",
        "Northshire Community Health, district nursing",
        "Eastfield",
        named=True,
    ),
    _p(
        "tomasz",
        "Tomasz Nowak",
        "care_worker",
        "independent_care",
        "Brightwater Home Care",
        "Highbridge",
        named=True,
    ),
    _p(
        "siobhan",
        "Siobhan Gallagher",
        "social_worker",
        "local_authority",
        "Northshire County Council, adult social care",
        "Northwick",
    ),
    _p(
        "rajesh",
        "Rajesh Patel",
        "doctor",
        "nhs",
        "Kettleby Medical Practice",
        "Kettleby",
        named=True,
    ),
    _p(
        "grace",
        "Grace Mensah",
        "occupational_therapist",
        "nhs",
        "Northshire Community Health, therapy team",
        "Saltley Bay",
    ),
    _p(
        "hannah",
        "Hannah Lewis",
        "manager",
        "independent_care",
        "Brightwater Home Care",
        "Marston Vale",
    ),
    _p(
        "daniel",
        "Daniel Hughes",
        "commissioner",
        "local_authority",
        COMMISSIONER,
        "Kettleby",
        named=True,
    ),
    _p(
        "fatima",
        "Fatima Begum",
        "voluntary_sector",
        "voluntary",
        "Eastfield Carers' Centre",
        "Eastfield",
    ),
    _p(
        "owen",
        "Owen Price",
        "housing",
        "housing",
        "Marston Vale Housing Association",
        "Marston Vale",
    ),
    _p(
        "mei",
        "Mei Lin Chen",
        "allied_health",
        "nhs",
        "Northshire General Hospital, physiotherapy",
        "Highbridge",
    ),
    _p(
        "joseph",
        "Joseph Adeyemi",
        "care_worker",
        "other",
        "Self-employed personal assistant",
        "Northwick",
    ),
    _p(
        "bethan",
        "Bethan Morgan",
        "nurse",
        "voluntary",
        "Northshire Hospice at Home",
        "Saltley Bay",
        named=True,
    ),
    _p(
        "callum",
        "Callum Reid",
        "social_worker",
        "local_authority",
        "Northshire County Council, hospital discharge team",
        "Highbridge",
    ),
    _p("priya", "Priya Sharma", "manager", "nhs", "Northshire Community Health", "Kettleby"),
    _p(
        "keith",
        "Keith Armstrong",
        "voluntary_sector",
        "voluntary",
        "Good Neighbours Northshire",
        "Northwick",
        named=True,
    ),
    _p(
        "zainab",
        "Zainab Hussain",
        "care_worker",
        "independent_care",
        "Kindred Care at Home",
        "Saltley Bay",
    ),
    _p(
        "lucy",
        "Lucy Fairweather",
        "other",
        "local_authority",
        "Northshire County Council, reablement service",
        "Eastfield",
        other="Reablement support worker",
    ),
    _p(
        "marcus",
        "Marcus Campbell",
        "allied_health",
        "nhs",
        "Northshire Ambulance Service",
        "Marston Vale",
    ),
)

LIVING_WELL_WITNESSES: tuple[Witness, ...] = (
    Witness(
        "peggy",
        "Margaret Whitfield",
        "peggy.whitfield@example.com",
        "receives_care",
        display_name="Peggy",
        access_needs="Needs a lift to the venue. Hard of hearing in her left ear: please sit "
        "on her right.",
        support_contact=SUPPORT_RUTH,
    ),
    Witness(
        "arthur",
        "Arthur Bennett",
        "arthur.bennett@example.com",
        "receives_care",
        support_contact=SUPPORT_RUTH,
    ),
    Witness(
        "nadia",
        "Nadia Rahman",
        "nadia.rahman@example.com",
        "receives_care",
        display_name="Nadia",
        access_needs="Step-free access and an accessible toilet. Sessions no earlier than 10am.",
        support_contact=SUPPORT_RUTH,
    ),
    Witness(
        "eileen",
        "Eileen Doherty",
        "eileen.doherty@example.com",
        "family_or_friend",
        support_contact=SUPPORT_RUTH,
    ),
    Witness(
        "sam",
        "Samuel Osei",
        "sam.osei@example.com",
        "family_or_friend",
        display_name="Sam Osei",
        support_contact=SUPPORT_RUTH,
    ),
    Witness(
        "linda",
        "Linda Hargreaves",
        "linda.hargreaves@example.com",
        "family_or_friend",
        support_contact=SUPPORT_RUTH,
    ),
    Witness(
        "rosa",
        "Rosa Martinez",
        "rosa.martinez@example.com",
        "works_closely",
        support_contact=SUPPORT_RUTH,
    ),
    Witness(
        "derek",
        "Derek Fowler",
        "derek.fowler@example.com",
        "other",
        lived_experience_other="Neighbour and friend who helps every day",
        support_contact=SUPPORT_RUTH,
    ),
)

# Targets for the make-up of the cohort: (dimension, value, minimum).
LIVING_WELL_TARGETS = (
    ("professional_role", "care_worker", 3),
    ("professional_role", "nurse", 2),
    ("professional_role", "social_worker", 2),
    ("professional_role", "voluntary_sector", 2),
    ("lived_experience", "receives_care", 3),
    ("lived_experience", "family_or_friend", 3),
)


# The first inquiry: settings and information ------------------------------------------------


@dataclass(frozen=True)
class InquiryText:
    title: str
    question: str
    scope: str
    safeguarding_contact: str
    participant_information: str
    witness_information: str


LIVING_WELL = InquiryText(
    title="Living well at home",
    question="What would it take to help people to have a good life at home for as long as "
    "they choose?",
    scope=paragraphs(
        "Adults in Northshire who receive care and support in their own homes, and the family "
        "members, friends and neighbours who help them.",
        "The inquiry looks at everyday life with care at home, coming home from hospital, and "
        "the last months of life at home. It does not look at care homes.",
    ),
    safeguarding_contact=paragraphs(
        "If anything you share or hear worries you, or you are concerned about someone's "
        "safety, talk to Ruth Ellison on 01632 960418 (Monday to Friday, 9am to 5pm) or email "
        "ruth.ellison@example.org.",
        "Out of hours, ring Northshire adult social care's emergency duty team on 01632 960999. "
        "If someone is in immediate danger, ring 999.",
    ),
    participant_information=paragraphs(
        "## What this inquiry is",
        "Northshire Health and Care Partnership has asked a group of people who work in health "
        "and social care to answer one question: what would it take to help people to have a "
        "good life at home for as long as they choose?",
        "This is an inverted inquiry. You take part as a professional, and also as a person who "
        "may one day need care at home. The witnesses are people who know care at home from "
        "the inside.",
        "## What taking part involves",
        "- six sessions of about three hours, one a week, at Eastfield Community Centre\n"
        "- reading testimony and writing short reflections after each session\n"
        "- writing recommendations in your own words, and voting on them in a secret ballot",
        "## Your information",
        "Your name is not published unless you agree to it on your profile. What you write is "
        "shared with the cohort and the researchers. Breakdowns of who took part never show "
        "groups of fewer than three people. You can leave at any time.",
    ),
    witness_information=paragraphs(
        "## Why we are asking you",
        "You know what care at home is like from the inside. We would like you to tell a group "
        "of health and social care professionals what helps you live well at home, and what "
        "gets in the way.",
        "## How your words will be used",
        "You decide. Your testimony can be shared with the cohort only, quoted in the report "
        "without your name, or quoted in the report with a name you choose. You can change "
        "your mind, or withdraw your testimony completely, until the withdrawal deadline: it "
        "is then erased everywhere, the report included.",
        "## Support",
        "A named researcher is your contact throughout. Talking about care can bring up "
        "difficult feelings: you can stop, take a break or leave at any time, and you do not "
        "have to answer any question.",
    ),
)


# Testimony ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestimonyText:
    witness: str
    session: int  # position of the evidence hearing
    title: str
    body: str
    use: str  # a TestimonyUse value
    # "written": the witness writes and shares it; "spoken" or "transcribed": a researcher
    # records it and the witness checks and approves it.
    how: str = "written"
    # Recorded testimony the witness asked to change: the first recording and the request.
    first_recording: str = ""
    change_request: str = ""
    approve: bool = True


PEGGY = paragraphs(
    "I'm eighty-four and I've lived in the same house in Eastfield for fifty-one years. I was "
    "widowed six years ago and I had a fall on the stairs the winter after, and since then "
    "I've had carers coming in four times a day.",
    "I want to say first that the girls who come are lovely. Most of them. It's not them I'm "
    "complaining about. It's that I never know who is coming or when. I'm down for eight "
    "o'clock in the morning but some days it's half past ten, some days it's eleven, and I've "
    "been sat on the edge of the bed since seven waiting, because I'm not allowed to do the "
    "stairs on my own now. By the time they come I've missed my breakfast and it's nearly my "
    "dinner.",
    "Last month I counted nineteen different faces. Nineteen. Every one of them has to read "
    "the folder to find out who I am, and I have to tell them again where the tea bags are "
    "and that I don't take sugar. You can't make a friend of someone you see once.",
    "There was one lass, Kerry, who came most mornings for about a year. She knew I like the "
    "radio on for the news and she'd have the kettle on before she'd got her coat off. She "
    "noticed when I wasn't right, before I did, and she got the nurse out. Then they changed "
    "her round and I never saw her again. Nobody told me. I'd have liked to say goodbye.",
    "The evenings are the worst. The last call is at seven, sometimes half past six, and "
    "that's me put to bed. In the summer it's still light. I lie there and listen to the "
    "children playing out.",
    "If you're asking what would help me live well at home, it's not much. The same few "
    "faces. Coming when they say they'll come, or ringing me if they can't. And somebody to "
    "sit with me for ten minutes and have a cup of tea, not stood in the doorway with their "
    "car keys in their hand.",
)

ARTHUR = paragraphs(
    "I had a stroke eighteen months ago and spent five weeks in Northshire General. The "
    "care on the stroke ward was first class and I won't hear a word against the nurses.",
    "The trouble started when I was well enough to go home. I was told on a Monday I'd be "
    "going home that Friday. On the Friday I was dressed and sat in the chair with my bag "
    "packed by nine in the morning. At four o'clock somebody came and said the care package "
    "wasn't ready and I'd have to stay over the weekend. That happened three times. Each time "
    "I'd rung my son to say I was coming, and he'd taken a day off work to meet me.",
    "When I did get home there was no rail by the toilet and no chair in the shower. The "
    "occupational therapist had been to the house and written it all down, but the equipment "
    "came from one place and the fitting from another, and nobody seemed to own it. It took "
    "three weeks. In that time I fell twice, once in the bathroom in the night. I lay on the "
    "floor for about forty minutes before I could get to the phone.",
    "Nobody asked me what I wanted to be able to do again. They asked me whether I could "
    "manage the stairs and make a hot drink. What I wanted was to get back to my allotment. "
    "It was a neighbour from the allotments, not the physio, who got me walking down there "
    "again with a stick, a bit further every week.",
    "I don't want to sound ungrateful. Everybody I met was doing their best. But it felt like "
    "I was being passed from one desk to another, and I was the only one who knew the whole "
    "story.",
)

NADIA = paragraphs(
    "I'm forty-one, I have multiple sclerosis and I use a wheelchair. I've had support at "
    "home for nine years, and for the last four I've used a direct payment to employ my own "
    "personal assistants.",
    "It changed my life. Before, an agency sent whoever they had. I once had a man I'd never "
    "met arrive at seven in the morning to help me shower. I don't think anyone at the agency "
    "thought about what that was like for me as a woman.",
    "Now I interview my PAs myself. There are three of them and they know me, my routines, my "
    "sense of humour, when to help and when to leave me to struggle with a jar because I want "
    "to do it myself. We go to the football together. One of them has been with me longer "
    "than most of my friends.",
    "But it is hard work. I am an employer, with payroll and holiday cover and a pension "
    "scheme, and when one of them is off sick I'm on the phone at six in the morning trying "
    "to find cover. The direct payment hasn't gone up in three years, so I can't pay them "
    "what they're worth and I'm always scared of losing them to a supermarket.",
    "What I'd say to you is this: choice and control aren't extras. They are what makes it my "
    "home and not a care setting. If you make it easier for people to have the people they "
    "choose, more of us would stay at home for longer, and we'd be happier doing it.",
)

_EILEEN_OPENING = (
    "My mam is eighty-nine and she has Alzheimer's. She came over from Donegal in 1958 and "
    "she still talks about the farm. I moved back in with her two years ago when it became "
    "clear she couldn't be on her own at night."
)
_EILEEN_REST = (
    "I work part-time in a school office. Some days I get to work and I've already done four "
    "hours: up with her in the night twice, washed, dressed, breakfast, tablets, and the "
    "carer for the lunchtime call let in. I love her to bits but I am so tired I cry in the "
    "car.",
    "I had a carer's assessment last year. A nice woman came and asked me lots of questions "
    "and wrote it down, and I got a leaflet and a number for a support group that meets on a "
    "Tuesday afternoon, when I'm at work. That was it. Nobody has asked me since how I am.",
    "What would make the difference? A proper break. One night a month where someone she "
    "knows sits with her and I sleep right through. And someone to ring when it's going "
    "wrong, who knows us, who doesn't need me to start from the beginning every time.",
    "When Mam was in hospital last year they talked to me like I was a visitor. I'm the one "
    "who knows she won't eat unless you sit with her, and that she gets frightened if you "
    "stand behind her. I should be part of the team, not someone they ring when they need a "
    "lift home arranged.",
)
EILEEN_RECORDED = paragraphs(
    _EILEEN_OPENING
    + " My brother lives twenty minutes away and he comes on a Sunday for an hour, which is "
    "something, I suppose, but he has never done a night.",
    *_EILEEN_REST,
)
EILEEN = paragraphs(_EILEEN_OPENING, *_EILEEN_REST)

SAM = paragraphs(
    "My wife Grace died at home eight months ago, in our bedroom, with the window open and our "
    "grandchildren's drawings on the wall. That is what she wanted, and I am proud that we "
    "managed it. But I want you to know how close we came to it not happening.",
    "Grace had cancer for three years. When the doctors told us there was nothing more to do, "
    "she said straight away, 'I want to be at home.' Nobody argued. But nobody wrote it down "
    "anywhere that the out-of-hours doctor could see, either.",
    "The district nurses were wonderful. The hospice at home nurse, Wendy, came at the end "
    "and she was an angel. But the nights were the hard part. There was a number to ring, and "
    "when I rang it at two in the morning because Grace was in pain, I spoke to three "
    "different people before anyone could come, and they wanted to know her history all over "
    "again. I was reading her medication out to them off the boxes.",
    "Once, an ambulance came and the crew wanted to take her in. They were kind, but they "
    "didn't know she'd decided. I had to stand in the doorway of my own bedroom and say no. I "
    "shouldn't have had to do that on my own at three in the morning.",
    "If I could ask you for one thing, it would be this: when someone has said where they "
    "want to die, make sure everyone who might walk through that door knows it, and make "
    "sure there is one number that is answered by someone who can come.",
)

LINDA = paragraphs(
    "My son Tom is twenty-nine. He has a learning disability and autism, and for six years he "
    "has lived in his own flat with support around the clock. It is his home: his posters, "
    "his timetable on the fridge, his bus maps.",
    "When it works, it works beautifully. He has a support worker called Dev who has been "
    "with him four years. Dev knows that Tom needs to be told about changes the day before, "
    "not on the day, and that if the number 12 bus is cancelled you need a plan B before Tom "
    "sees the board. With Dev, Tom goes swimming, does his own shopping and goes to a disco "
    "on a Friday.",
    "But the provider has lost so many staff. Last year Tom had more than thirty different "
    "people supporting him. Every new face means Tom goes back a step. He stops eating, stops "
    "going out, and then somebody writes in his notes that he is 'displaying behaviours'. He "
    "is not displaying behaviours. He is frightened because strangers keep coming into his "
    "home.",
    "I'm sixty-three and I won't be here for ever. What keeps me awake is who will know Tom "
    "when I'm gone. His file is two hundred pages long and nobody reads it. If there was one "
    "page, written with him, that said who he is and what matters to him, and everyone had to "
    "read it before they came through his door, it would help more than anything.",
)

ROSA = paragraphs(
    "I've been a home carer for fourteen years. I'm speaking as someone who has been in and "
    "out of people's homes every day, not as a manager or anything like that.",
    "The thing that breaks my heart is the fifteen-minute call. You walk in, you've got a "
    "medication prompt, a meal to heat and a pad to change, and fifteen minutes, and the next "
    "call is across town. The lady wants to tell you about her grandson's wedding and you're "
    "saying 'that's lovely, love' with your back to her, stirring the soup. You go home "
    "feeling like you've stolen something from her.",
    "We don't get paid for the time between calls, so a day of twelve calls can be eleven "
    "hours out of the house for eight hours' pay. Good carers leave for jobs that pay the "
    "same and let you go home at five. Then the people we look after get strangers.",
    "What works is when you've got your own round, the same people every week. You notice "
    "things. I noticed one gentleman had stopped doing his crossword and it turned out he'd "
    "had a small stroke. Another carer who'd never met him wouldn't have known that the "
    "crossword mattered.",
    "If you want people to live well at home, look after the people who look after them. "
    "Give us the time to care, and pay us for the travel, and let us keep our people.",
)

DEREK = paragraphs(
    "I'm not family and I'm not a professional. I'm Joan's neighbour. She's ninety-one and "
    "she's lived next door to us for thirty years. Her son's in Australia.",
    "I pop in every morning to open her curtains and every night to check her doors. I take "
    "her bins out, I do her big shop, I fix her telly when she's pressed the wrong button. I "
    "don't mind. She's a friend, and she'd do the same for me if she could.",
    "But nobody in the system knows I exist. The last time she came out of hospital, they "
    "sent her home at nine at night in a taxi with a bag of tablets and no food in the house. "
    "It was me who found her sitting in her coat in the kitchen. Nobody had rung me because "
    "I'm not 'next of kin'.",
    "I'm seventy myself. If anything happened to me, I'm not sure anybody would notice that "
    "Joan wasn't getting her curtains opened. There are thousands of us, neighbours and "
    "friends, quietly holding people up, and we're invisible.",
    "What would help? Ask people who helps them. Write it down. Ring us, with their "
    "permission, when something changes. And tell us who to call if we're worried.",
)

LIVING_WELL_TESTIMONY: tuple[TestimonyText, ...] = (
    TestimonyText("arthur", 2, "Coming home after my stroke", ARTHUR, "quote_anonymously"),
    TestimonyText("nadia", 2, "Choosing who comes through my door", NADIA, "quote_with_name"),
    TestimonyText("peggy", 2, "Breakfast at eleven", PEGGY, "quote_with_name", how="spoken"),
    TestimonyText("linda", 3, "Tom's home", LINDA, "cohort_only"),
    TestimonyText("rosa", 3, "Fifteen minutes", ROSA, "quote_anonymously"),
    TestimonyText(
        "eileen",
        3,
        "Looking after Mam",
        EILEEN,
        "quote_anonymously",
        how="spoken",
        first_recording=EILEEN_RECORDED,
        change_request="Please take out the sentence about my brother. I don't want him to "
        "read it and think I'm blaming him. Everything else is right.",
    ),
    TestimonyText("sam", 3, "Grace's last months at home", SAM, "quote_with_name", how="spoken"),
    TestimonyText("derek", 3, "Next door to Joan", DEREK, "cohort_only", how="transcribed"),
)

LIVING_WELL_THEMES = (
    "Continuity of care",
    "Hospital discharge",
    "Equipment and adaptations",
    "Unpaid carers",
    "Loneliness and connection",
    "Dignity, choice and control",
    "End of life at home",
    "Telling my story once",
    "Valuing care workers",
)


@dataclass(frozen=True)
class ExcerptText:
    key: str
    witness: str
    text: str  # copied exactly from the testimony
    themes: tuple[str, ...]


LIVING_WELL_EXCERPTS: tuple[ExcerptText, ...] = (
    ExcerptText(
        "peggy-when",
        "peggy",
        "It's that I never know who is coming or when.",
        ("Continuity of care",),
    ),
    ExcerptText(
        "peggy-faces",
        "peggy",
        "Last month I counted nineteen different faces.",
        ("Continuity of care",),
    ),
    ExcerptText(
        "peggy-friend",
        "peggy",
        "You can't make a friend of someone you see once.",
        ("Continuity of care", "Loneliness and connection"),
    ),
    ExcerptText(
        "peggy-noticed",
        "peggy",
        "She noticed when I wasn't right, before I did, and she got the nurse out.",
        ("Continuity of care",),
    ),
    ExcerptText(
        "peggy-bed",
        "peggy",
        "The last call is at seven, sometimes half past six, and that's me put to bed. In the "
        "summer it's still light.",
        ("Dignity, choice and control",),
    ),
    ExcerptText(
        "peggy-tea",
        "peggy",
        "And somebody to sit with me for ten minutes and have a cup of tea, not stood in the "
        "doorway with their car keys in their hand.",
        ("Loneliness and connection", "Valuing care workers"),
    ),
    ExcerptText(
        "arthur-weekend",
        "arthur",
        "At four o'clock somebody came and said the care package wasn't ready and I'd have to "
        "stay over the weekend. That happened three times.",
        ("Hospital discharge",),
    ),
    ExcerptText(
        "arthur-equipment",
        "arthur",
        "The occupational therapist had been to the house and written it all down, but the "
        "equipment came from one place and the fitting from another, and nobody seemed to own "
        "it.",
        ("Equipment and adaptations",),
    ),
    ExcerptText(
        "arthur-floor",
        "arthur",
        "I lay on the floor for about forty minutes before I could get to the phone.",
        ("Equipment and adaptations", "Hospital discharge"),
    ),
    ExcerptText(
        "arthur-asked",
        "arthur",
        "Nobody asked me what I wanted to be able to do again.",
        ("Dignity, choice and control", "Loneliness and connection"),
    ),
    ExcerptText(
        "arthur-desk",
        "arthur",
        "it felt like I was being passed from one desk to another, and I was the only one who "
        "knew the whole story.",
        ("Telling my story once",),
    ),
    ExcerptText(
        "nadia-woman",
        "nadia",
        "I don't think anyone at the agency thought about what that was like for me as a woman.",
        ("Dignity, choice and control",),
    ),
    ExcerptText(
        "nadia-jar",
        "nadia",
        "when to help and when to leave me to struggle with a jar because I want to do it myself.",
        ("Dignity, choice and control", "Continuity of care"),
    ),
    ExcerptText(
        "nadia-cover",
        "nadia",
        "when one of them is off sick I'm on the phone at six in the morning trying to find cover.",
        ("Valuing care workers",),
    ),
    ExcerptText(
        "nadia-extras",
        "nadia",
        "choice and control aren't extras. They are what makes it my home and not a care setting.",
        ("Dignity, choice and control",),
    ),
    ExcerptText(
        "eileen-tired",
        "eileen",
        "I love her to bits but I am so tired I cry in the car.",
        ("Unpaid carers",),
    ),
    ExcerptText(
        "eileen-asked", "eileen", "Nobody has asked me since how I am.", ("Unpaid carers",)
    ),
    ExcerptText(
        "eileen-night",
        "eileen",
        "One night a month where someone she knows sits with her and I sleep right through.",
        ("Unpaid carers",),
    ),
    ExcerptText(
        "eileen-team",
        "eileen",
        "I should be part of the team, not someone they ring when they need a lift home arranged.",
        ("Unpaid carers", "Hospital discharge"),
    ),
    ExcerptText(
        "sam-written",
        "sam",
        "But nobody wrote it down anywhere that the out-of-hours doctor could see, either.",
        ("End of life at home", "Telling my story once"),
    ),
    ExcerptText(
        "sam-three-people",
        "sam",
        "I spoke to three different people before anyone could come, and they wanted to know "
        "her history all over again.",
        ("End of life at home", "Telling my story once"),
    ),
    ExcerptText(
        "sam-doorway",
        "sam",
        "I had to stand in the doorway of my own bedroom and say no.",
        ("End of life at home",),
    ),
    ExcerptText(
        "sam-number",
        "sam",
        "make sure there is one number that is answered by someone who can come.",
        ("End of life at home",),
    ),
    ExcerptText(
        "linda-step", "linda", "Every new face means Tom goes back a step.", ("Continuity of care",)
    ),
    ExcerptText(
        "linda-frightened",
        "linda",
        "He is frightened because strangers keep coming into his home.",
        ("Continuity of care", "Dignity, choice and control"),
    ),
    ExcerptText(
        "linda-one-page",
        "linda",
        "If there was one page, written with him, that said who he is and what matters to him",
        ("Telling my story once",),
    ),
    ExcerptText(
        "rosa-stolen",
        "rosa",
        "You go home feeling like you've stolen something from her.",
        ("Valuing care workers", "Loneliness and connection"),
    ),
    ExcerptText(
        "rosa-pay",
        "rosa",
        "We don't get paid for the time between calls, so a day of twelve calls can be eleven "
        "hours out of the house for eight hours' pay.",
        ("Valuing care workers",),
    ),
    ExcerptText(
        "rosa-crossword",
        "rosa",
        "I noticed one gentleman had stopped doing his crossword and it turned out he'd had a "
        "small stroke.",
        ("Continuity of care",),
    ),
    ExcerptText(
        "rosa-look-after",
        "rosa",
        "look after the people who look after them.",
        ("Valuing care workers",),
    ),
    ExcerptText(
        "derek-exist", "derek", "But nobody in the system knows I exist.", ("Unpaid carers",)
    ),
    ExcerptText(
        "derek-taxi",
        "derek",
        "they sent her home at nine at night in a taxi with a bag of tablets and no food in the "
        "house.",
        ("Hospital discharge",),
    ),
    ExcerptText(
        "derek-invisible",
        "derek",
        "There are thousands of us, neighbours and friends, quietly holding people up, and "
        "we're invisible.",
        ("Unpaid carers", "Loneliness and connection"),
    ),
)


@dataclass(frozen=True)
class Question:
    session: int
    asker: str
    witness: str | None  # None: for every witness of the session
    text: str
    supporters: tuple[str, ...] = ()
    answered_by: str | None = None  # the witness whose testimony answers it


LIVING_WELL_QUESTIONS: tuple[Question, ...] = (
    Question(
        2,
        "owen",
        "arthur",
        "Would a handyperson visit to fit the rail before you came home have made a "
        "difference, or was it more than that?",
        ("grace", "callum"),
        answered_by="arthur",
    ),
    Question(
        3,
        "grace",
        "sam",
        "Was there anything written down at home, like a plan in a folder, that the nurses "
        "could use at night?",
        ("bethan", "marcus", "rajesh"),
        answered_by="sam",
    ),
    Question(
        3,
        "callum",
        None,
        "What would you want a hospital discharge team to ask you before someone comes home?",
        ("owen", "fatima", "lucy", "mei"),
        answered_by="derek",
    ),
)

SAFEGUARDING_NOTE = (
    "The witness describes lying on the bathroom floor for forty minutes after a fall at "
    "night, and lives alone. Check that he has a way to call for help at night and knows his "
    "support contact."
)
SAFEGUARDING_FOLLOW_UP = (
    "Rang the witness two days after the hearing. A pendant alarm was fitted by the council's "
    "telecare service in the spring and his son now has the key safe code. He was glad to be "
    "asked. No further action needed."
)


# Reflections ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReflectionText:
    author: str
    prompt: int  # 0, 1 or 2: the session's prompts; 3: how thinking has changed
    lens: str  # "professional" or "personal"
    body: str
    researchers_only: bool = False
    themes: tuple[str, ...] = ()
    draft: bool = False  # kept as a draft, not shared


@dataclass(frozen=True)
class Reply:
    session: int
    author: str  # of the reflection replied to
    prompt: int
    by: str
    body: str


def _r(author, prompt, lens, body, **kw) -> ReflectionText:
    return ReflectionText(author, prompt, lens, body, **kw)


PRO, PER = "professional", "personal"

LIVING_WELL_REFLECTIONS: dict[int, tuple[ReflectionText, ...]] = {
    1: (
        _r(
            "amara",
            0,
            PRO,
            "For the people on my caseload a good life at home usually means "
            "being comfortable, safe and not alone too much. But if I'm honest I measure it in "
            "wounds healed and falls avoided, and I rarely ask what a good day looks like to "
            "them.",
        ),
        _r(
            "tomasz",
            0,
            PRO,
            "A good life is when the person still decides things: what to "
            "wear, when to eat, whether today is a shower day. On my best calls I'm a guest in "
            "someone's home. On my worst I'm a task list on legs.",
        ),
        _r(
            "siobhan",
            1,
            PER,
            "My own dad had carers for the last two years of his life. What "
            "mattered to him was his dog, his garden and the cricket on the radio. Nobody's "
            "assessment form had a box for the dog.",
        ),
        _r(
            "rajesh",
            1,
            PER,
            "If I needed care I would want to be asked, not told. I would "
            "want the person who comes to know my name before they arrive, and to call me by "
            "it.",
        ),
        _r(
            "grace",
            2,
            PRO,
            "I hope we stop treating equipment as an afterthought. A rail "
            "fitted a week late can undo a whole rehabilitation.",
        ),
        _r(
            "hannah",
            0,
            PRO,
            "As a registered manager I'd say a good life at home is one where "
            "the visits fit around the person. In reality our rotas fit around the roads. I want "
            "to understand how far apart those two things really are.",
        ),
        _r(
            "daniel",
            2,
            PRO,
            "I hope this inquiry gives us evidence we can commission against. "
            "We write 'person-centred' into every specification and then pay by the minute.",
        ),
        _r(
            "fatima",
            1,
            PER,
            "I cared for my mother-in-law for six years while working. What "
            "would matter most to me is that somebody noticed the carer too. Nobody asked me how "
            "I was until after she died.",
            researchers_only=True,
        ),
        _r(
            "owen",
            0,
            PRO,
            "In housing we see the point where home stops working: the stairs, "
            "the bath, the boiler nobody can afford to run. A good life at home starts with a "
            "home that fits.",
        ),
        _r(
            "mei",
            1,
            PER,
            "What would matter most to me is being able to keep doing the things "
            "that make me me. For me that's cooking for other people. I would hate to be someone "
            "who is only ever cooked for.",
        ),
        _r(
            "keith",
            2,
            PRO,
            "I hope we talk about loneliness as seriously as we talk about "
            "medication. Half the people our befrienders visit say we're the only conversation "
            "they have all week.",
        ),
        _r(
            "bethan",
            1,
            PER,
            "I would want to die at home, in my own bed, with my cat on my "
            "feet. I've helped many people do that, and I've also seen it fall apart at three in "
            "the morning because nobody knew the plan.",
        ),
    ),
    2: (
        _r(
            "hannah",
            0,
            PRO,
            "Peggy's nineteen faces in a month. I checked our own figures "
            "after the session and some of our people see more than that. We plan the runs to "
            "cover the calls; continuity is something we hope for, not something we plan.",
            themes=("Continuity of care",),
        ),
        _r(
            "tomasz",
            1,
            PER,
            "Peggy sitting on the edge of her bed from seven until eleven, "
            "waiting. I would be furious. I would also be too polite to say so, which is what "
            "she was.",
        ),
        _r(
            "callum",
            0,
            PRO,
            "Arthur's discharge being cancelled three times. From our side "
            "each of those was a 'delay' on a spreadsheet. I never thought about the bag packed "
            "by nine o'clock.",
            themes=("Hospital discharge",),
        ),
        _r(
            "grace",
            0,
            PRO,
            "The equipment story is ours. We assess, we order, and then the "
            "item and the fitter come from different contracts. I have never once followed up "
            "to see whether the rail went up.",
            themes=("Equipment and adaptations",),
        ),
        _r(
            "joseph",
            2,
            PRO,
            "What felt familiar was Nadia's six o'clock phone calls to find "
            "cover: I've been on the other end of those calls. What surprised me was how much "
            "she said the direct payment gave her. We don't talk about it as an option early "
            "enough.",
        ),
        _r(
            "rajesh",
            1,
            PER,
            "Arthur lying on the bathroom floor for forty minutes. I kept "
            "thinking of my father, who lives alone. I rang him on the way home.",
        ),
        _r(
            "priya",
            3,
            PRO,
            "Last week I thought the answer was better coordination. Now I "
            "think it's smaller than that: the same people, turning up when they say, with time "
            "to sit down.",
        ),
        _r(
            "amara",
            2,
            PRO,
            "What surprised me was that nobody in Arthur's story asked about "
            "his allotment. The neighbour did more for his recovery than the plan did.",
            themes=("Loneliness and connection",),
        ),
        _r(
            "zainab",
            1,
            PER,
            "Kerry being moved and Peggy never saying goodbye. I've been "
            "Kerry. They changed my round with a day's notice and I never went back to say "
            "goodbye to people I'd seen every day for a year.",
        ),
        _r(
            "daniel",
            3,
            PRO,
            "I came in thinking about capacity and cost. I'm leaving thinking "
            "about the cup of tea. That's uncomfortable for a commissioner, because I don't know "
            "how to buy a cup of tea.",
        ),
        _r(
            "marcus",
            0,
            PRO,
            "We are often the people who get called when things go wrong at "
            "night, like Arthur's fall. We go in, pick someone up and leave. Nobody hears about "
            "it the next morning.",
        ),
        _r(
            "lucy",
            2,
            PRO,
            "Familiar: the six-week reablement that ends on a date, not when "
            "the person is ready. Surprising: how much of what people want is about ordinary "
            "days, not crises.",
        ),
    ),
    3: (
        _r(
            "bethan",
            0,
            PRO,
            "Sam's story. Grace had decided, and the decision lived in "
            "people's heads, not where the out-of-hours doctor or the ambulance crew could see "
            "it. We have the tools for that. We just don't use them consistently.",
            themes=("End of life at home", "Telling my story once"),
        ),
        _r(
            "siobhan",
            0,
            PRO,
            "Eileen's carer's assessment was a form and a leaflet for a group "
            "that meets when she's at work. We count it as done. She counts it as nothing.",
            themes=("Unpaid carers",),
        ),
        _r(
            "fatima",
            1,
            PER,
            "If I were Eileen I would want one person who knows us, and a "
            "night's sleep. Not a directory of services.",
        ),
        _r(
            "keith",
            2,
            PRO,
            "Derek: 'There are thousands of us, neighbours and friends, quietly "
            "holding people up.' I want us to remember that the biggest care workforce in "
            "Northshire isn't on anyone's payroll.",
            themes=("Unpaid carers",),
        ),
        _r(
            "callum",
            0,
            PRO,
            "Joan sent home at nine at night in a taxi. Discharge happens when "
            "the bed is needed, not when home is ready. Nobody rang Derek because he's not next "
            "of kin, and I'm not sure our forms even have a place for a neighbour.",
            themes=("Hospital discharge", "Unpaid carers"),
        ),
        _r(
            "owen",
            1,
            PER,
            "I'd want someone to ring me before my mum came home, and not at "
            "nine at night. And I'd want to be asked what I can actually do, not assumed to do "
            "everything.",
            researchers_only=True,
        ),
        _r(
            "rajesh",
            3,
            PRO,
            "I've moved from thinking about services to thinking about "
            "relationships. Most of what went right in today's stories was one person who knew "
            "the family: Dev, the hospice at home nurse, the neighbour.",
        ),
        _r(
            "mei",
            2,
            PRO,
            "Linda: 'Every new face means Tom goes back a step.' It was a "
            "different setting, but it's the same as Peggy's nineteen faces.",
            themes=("Continuity of care",),
        ),
        _r(
            "joseph",
            1,
            PER,
            "I'd want help that comes from people my family already trusts. "
            "I'd rather have a small budget and choose than a big package I don't recognise.",
        ),
        _r(
            "zainab",
            0,
            PRO,
            "Rosa's fifteen-minute calls. Everyone in the room knew exactly "
            "what she meant. The system measures the call, not what happened in it.",
            themes=("Valuing care workers",),
        ),
        _r(
            "hannah",
            3,
            PRO,
            "Last week I was defending our rotas. This week I'm wondering "
            "what it would take to give every carer a round of regular people, and protect it.",
        ),
        _r(
            "lucy",
            1,
            PER,
            "If I were arranging care for my mum I'd want someone to tell me "
            "the truth about what's available, instead of me finding out by trial and error.",
        ),
    ),
    4: (
        _r(
            "daniel",
            0,
            PRO,
            "We contract for hours and minutes. Every witness talked about "
            "people and time. If we keep buying the wrong thing, we'll keep getting it.",
            themes=("Valuing care workers",),
        ),
        _r(
            "priya",
            0,
            PRO,
            "We have five different assessments that all ask people to tell "
            "their story again. Peggy, Arthur, Sam and Eileen all said, in different words, 'I "
            "was the only one who knew the whole story.'",
            themes=("Telling my story once",),
        ),
        _r(
            "amara",
            1,
            PER,
            "I'd need people to ask what matters to me and then remember it. "
            "And I'd want the plan to live in my house, with me, not in four computer systems.",
        ),
        _r(
            "marcus",
            2,
            PRO,
            "The themes I keep hearing: the same faces, getting home safely, "
            "carers who are running on empty, being lonely, and dying where you choose.",
        ),
        _r(
            "grace",
            2,
            PRO,
            "Equipment and discharge keep coming up together. Home isn't ready when the person is.",
            themes=("Equipment and adaptations", "Hospital discharge"),
        ),
        _r(
            "tomasz",
            1,
            PER,
            "I'd need to choose who comes into my home. Nadia made me realise "
            "how rarely we offer that.",
            themes=("Dignity, choice and control",),
        ),
        _r(
            "keith",
            0,
            PRO,
            "In the voluntary sector we run befriending on short grants. Every "
            "witness who talked about loneliness described something we could do, but never for "
            "long enough.",
            themes=("Loneliness and connection",),
        ),
        _r(
            "bethan",
            3,
            PRO,
            "I used to think of end of life as a specialist issue. Now I see "
            "it as the test of everything else: if the plan, the team and the night-time number "
            "work then, they work for everyone.",
        ),
        _r(
            "siobhan",
            2,
            PRO,
            "Unpaid carers, and neighbours like Derek, come up in nearly "
            "every story, and they are nearly always invisible in our records.",
            themes=("Unpaid carers",),
        ),
        _r(
            "joseph",
            3,
            PER,
            "I've stopped thinking of myself only as a PA in this inquiry. "
            "When I imagine my own old age, I'm much more demanding than I ever let the people I "
            "support be.",
        ),
    ),
    5: (
        _r(
            "hannah",
            1,
            PRO,
            "For the small team idea, it's us, the providers, who would have "
            "to change next week: plan rounds around people, not postcodes. Commissioners would "
            "need to stop paying us in a way that punishes that.",
        ),
        _r(
            "callum",
            1,
            PRO,
            "For discharge, the hospital discharge team and the equipment "
            "service need one shared checklist and one person who owns it until the person is "
            "home and safe.",
        ),
        _r(
            "amara",
            2,
            PER,
            "Yes. If I knew the names of the three people who would come, and "
            "they came roughly when they said, I'd feel at home rather than 'being cared for'.",
        ),
        _r(
            "fatima",
            0,
            PRO,
            "Every carer should be asked 'how are you?', and given a named "
            "contact and a real break. Not a leaflet.",
        ),
        _r(
            "priya",
            3,
            PRO,
            "I've gone from wanting a big integration programme to wanting a "
            "few things done well. The recommendations are small and practical, and that's "
            "their strength.",
        ),
        _r(
            "keith",
            2,
            PER,
            "The connection recommendation would change my life more than any "
            "other if I ended up alone. I'd want someone to notice I'd stopped going to the "
            "club.",
        ),
        _r(
            "rajesh",
            0,
            PRO,
            "The person comes first when the plan is theirs. Write it with "
            "them, in their words, keep it at home, and make every service read it.",
        ),
        _r(
            "marcus",
            1,
            PRO,
            "For the end-of-life recommendation, ambulance crews need to be "
            "able to see the plan at three in the morning. That's a records problem we could "
            "fix.",
        ),
    ),
    6: (
        _r(
            "tomasz",
            1,
            PRO,
            "I'm going to ask every new person I visit what a good day looks "
            "like for them, and write it on the front of the folder.",
        ),
        _r(
            "grace",
            1,
            PRO,
            "I will follow up every piece of equipment I order, by phone, a "
            "week after the person gets home.",
        ),
        _r(
            "siobhan",
            2,
            PER,
            "That small things are not small. Breakfast at eight is not a luxury.",
        ),
        _r(
            "daniel",
            0,
            PRO,
            "Most certain about the end-of-life plan and the small team; least "
            "certain about connection, not because it doesn't matter, but because nobody owns "
            "it yet.",
        ),
        _r("zainab", 2, PER, "Give us the time to care. Everything else follows."),
        _r(
            "mei",
            1,
            PRO,
            "I'll ask people what they want to get back to, not just what they "
            "can't do. Arthur's allotment will stay with me.",
        ),
    ),
}

LIVING_WELL_REPLIES: tuple[Reply, ...] = (
    Reply(
        1,
        "siobhan",
        1,
        "tomasz",
        "The dog. Every time. I've known people turn down "
        "respite because nobody would have the dog.",
    ),
    Reply(
        2,
        "hannah",
        0,
        "zainab",
        "Thank you for checking the figures and saying so in the room. That took courage.",
    ),
    Reply(
        2,
        "daniel",
        3,
        "keith",
        "You can't buy a cup of tea, but you can stop buying the "
        "fifteen minutes that make it impossible.",
    ),
    Reply(
        3,
        "keith",
        2,
        "siobhan",
        "Agreed. We could start by giving neighbours like Derek a place on the form.",
    ),
    Reply(3, "callum", 0, "owen", "Housing often knows who the neighbour is. Ask us."),
    Reply(
        4, "priya", 0, "rajesh", "Five assessments! Could we agree to start with one shared page?"
    ),
    Reply(5, "fatima", 0, "bethan", "Yes. And ask again, not just once."),
)


# Recommendations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationText:
    key: str
    author: str
    title: str
    body: str
    for_individual: str
    for_system: str
    who_should_act: str
    rationale: str
    themes: tuple[str, ...] = ()
    excerpts: tuple[str, ...] = ()
    # Reflections cited as evidence: (session, author, prompt).
    reflections: tuple[tuple[int, str, int], ...] = ()
    supporters: tuple[str, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()

    def wording(self) -> dict[str, str]:
        return {
            "title": self.title,
            "body": self.body,
            "for_individual": self.for_individual,
            "for_system": self.for_system,
            "who_should_act": self.who_should_act,
            "rationale": self.rationale,
        }


SMALL_TEAM = RecommendationText(
    key="small-team",
    author="tomasz",
    title="A small team who know me",
    body="Everyone who receives care at home should have a small team of no more than four "
    "regular care workers, one of whom is their named worker, and should be told who is "
    "coming and when.",
    for_individual="You see the same few faces. They know how you take your tea, what a good "
    "day looks like for you, and when you are not yourself. If someone new has to come, you "
    "are told who and why.",
    for_system="Providers plan rounds around people rather than postcodes, and protect them "
    "when rotas change. Commissioners pay for continuity and ask providers to report how many "
    "different care workers each person sees in a month.",
    who_should_act="Home care providers, with Northshire Health and Care Partnership as "
    "commissioner",
    rationale="Peggy counted nineteen different faces in a month. A care worker told us she "
    "noticed a gentleman's small stroke because she knew he always did his crossword. "
    "Continuity is how people are noticed.",
    themes=("Continuity of care", "Valuing care workers"),
    excerpts=("peggy-faces", "peggy-friend", "peggy-noticed", "rosa-crossword", "linda-step"),
    reflections=((2, "hannah", 0), (3, "mei", 2)),
    supporters=(
        "amara",
        "hannah",
        "zainab",
        "joseph",
        "rajesh",
        "priya",
        "marcus",
        "siobhan",
        "mei",
    ),
    comments=(
        (
            "amara",
            "Could the named worker also be the one who rings the district nurse when "
            "something changes? That's what Kerry did for Peggy.",
        ),
        (
            "hannah",
            "From a provider's side this is doable, but only if rounds are protected "
            "when we're short of staff. Otherwise continuity is the first thing to go.",
        ),
    ),
)
SMALL_TEAM_AMENDMENT = {
    "body": "Everyone who receives care at home should have a small team of no more than four "
    "regular care workers, one of whom is their named worker. Visits should be planned "
    "around the person's day, and the person should be told who is coming and when, and told "
    "if that changes."
}

HOME_READY = RecommendationText(
    key="home-ready",
    author="mei",
    title="Home ready before I get home",
    body="Nobody should be discharged from hospital until the equipment and adaptations they "
    "need are in place at home, and the person and the people who help them have been told "
    "the day and time they are coming home.",
    for_individual="You go home to a house that is ready: the rail is up, the bed is in, there "
    "is food in the fridge and someone you know is expecting you. You are asked what you want "
    "to get back to doing, not only whether you can manage the stairs.",
    for_system="One person owns each discharge until the person is home and safe. The "
    "hospital, the equipment service and the fitters work from one shared checklist, and small "
    "adaptations are fitted within days, not weeks.",
    who_should_act="Northshire General Hospital's discharge team, the community equipment "
    "service and Northshire County Council",
    rationale="A man who had a stroke had his discharge cancelled three times with his bag "
    "packed, and then fell twice in the three weeks before his rail and shower chair were "
    "fitted. Discharge happens when the bed is needed, not when home is ready.",
    themes=("Hospital discharge", "Equipment and adaptations"),
    excerpts=("arthur-weekend", "arthur-equipment", "arthur-floor", "derek-taxi"),
    reflections=((2, "grace", 0), (4, "grace", 2)),
    supporters=("grace", "callum", "owen", "marcus", "amara", "lucy", "rajesh"),
    comments=(
        (
            "owen",
            "Small adaptations could go through housing. We fit grab rails every day and "
            "could do it within a week if we were asked.",
        ),
    ),
)
HOME_READY_AMENDMENT = {
    "body": "Nobody should be discharged from hospital until the equipment and adaptations "
    "they need are in place at home, and the person and the people who help them have been "
    "told the day and time they are coming home. Every discharge should be completed within "
    "48 hours of the person being medically fit to leave."
}

VISIT_TIMES = RecommendationText(
    key="visit-times",
    author="zainab",
    title="Visits when I need them, not when the rota allows",
    body="People should agree the times of their visits, and those times should be kept to "
    "within half an hour.",
    for_individual="You get up, eat and go to bed when you choose, not when the rota allows. "
    "If your carer is running late, someone rings you.",
    for_system="Providers plan visits around agreed times and tell people about delays. "
    "Commissioners stop paying in ways that reward squeezing calls together.",
    who_should_act="Home care providers and commissioners",
    rationale="Peggy waits on the edge of her bed from seven until eleven, and is put to bed "
    "at half past six in summer.",
    themes=("Dignity, choice and control", "Continuity of care"),
    excerpts=("peggy-when", "peggy-bed"),
    supporters=("tomasz", "lucy", "amara"),
)
MY_DAY = RecommendationText(
    key="my-day",
    author="joseph",
    title="Care that fits my day",
    body="Care plans should be built around the person's own routine: when they like to get "
    "up, eat, go out and go to bed, and visits should follow it.",
    for_individual="Your day is yours. Care fits around it, rather than your day fitting "
    "around the care.",
    for_system="Care plans record the person's routine first. Rotas are built from those routines.",
    who_should_act="Home care providers, and the social workers who write care plans",
    rationale="Nadia's care fits her life because she chooses who comes and sets the routine.",
    themes=("Dignity, choice and control",),
    excerpts=("nadia-extras", "nadia-jar"),
    supporters=("hannah", "siobhan"),
)
MERGED_DAY = {
    "title": "Care that fits my day",
    "body": "Care should be built around the person's own routine: when they like to get up, "
    "eat, go out and go to bed. Visit times should be agreed with the person and kept to "
    "within half an hour, and if a visit is going to be late, the person should be rung.",
    "for_individual": "Your day is yours. You get up, eat and go to bed when you choose, not "
    "when the rota allows, and you are never left waiting without a phone call.",
    "for_system": "Care plans record the person's routine first, and rotas are built from "
    "those routines. Providers report how often agreed times are kept. Commissioners stop "
    "paying in ways that reward squeezing visits together.",
    "who_should_act": "Home care providers, the social workers who write care plans, and "
    "Northshire Health and Care Partnership as commissioner",
    "rationale": "Peggy waits on the edge of her bed from seven until eleven and is put to bed "
    "at half past six in summer. Nadia's care fits her life because she chooses who comes "
    "and sets the routine.",
}

CARERS = RecommendationText(
    key="carers",
    author="fatima",
    title="A break and a voice for unpaid carers",
    body="Every unpaid carer, neighbours and friends included, should be recognised in the "
    "plan of the person they care for, have a named contact who checks in with them at least "
    "every three months, and be offered a regular break that suits them, overnight included.",
    for_individual="If you look after someone, people know you exist. Someone asks how you "
    "are, and means it. You can have a proper night's sleep while someone your loved one "
    "knows sits with them.",
    for_system="Care plans have a place for the people who help, with the person's consent. "
    "Carers' assessments lead to something: a named contact and a break, planned rather than "
    "offered in a crisis. Hospital wards treat carers as part of the team.",
    who_should_act="Northshire County Council, Eastfield Carers' Centre and other carers' "
    "services, and hospital ward teams",
    rationale="A daughter caring for her mother told us she is so tired she cries in the car, "
    "and that nobody has asked how she is since her carer's assessment. Neighbours and "
    "friends hold many people up and are invisible to services.",
    themes=("Unpaid carers",),
    excerpts=("eileen-tired", "eileen-asked", "eileen-night", "derek-exist", "derek-invisible"),
    reflections=((3, "siobhan", 0), (3, "keith", 2)),
    supporters=(
        "siobhan",
        "keith",
        "bethan",
        "owen",
        "callum",
        "lucy",
        "amara",
        "grace",
        "mei",
        "zainab",
    ),
    comments=(
        (
            "keith",
            "Please keep the neighbours in. Derek's story is the one people in my sector "
            "will recognise.",
        ),
        ("siobhan", "Agreed. We would need to change the assessment form, which we can do."),
    ),
)

STORY_ONCE = RecommendationText(
    key="story-once",
    author="siobhan",
    title="Tell my story once",
    body="Everyone receiving care at home should have one plan, written with them in their "
    "own words, that says who they are, what matters to them and who helps them. It should "
    "be kept at home with them and shared, with their permission, with every service that "
    "supports them.",
    for_individual="You tell your story once. Everyone who comes through your door has read "
    "the page about you and knows what matters to you and what you have decided, including "
    "where you want to be cared for at the end of your life.",
    for_system="Services agree one shared 'about me' page and read it before they visit. "
    "Records systems show it to out-of-hours doctors and ambulance crews. Assessments start "
    "from it instead of asking the same questions again.",
    who_should_act="Northshire Health and Care Partnership, with every NHS and council service "
    "that visits people at home",
    rationale="People told us again and again that they were the only one who knew the whole "
    "story. Sam read his wife's medication off the boxes to a stranger at two in the morning.",
    themes=("Telling my story once", "Dignity, choice and control"),
    excerpts=("arthur-desk", "sam-written", "sam-three-people", "linda-one-page"),
    reflections=((4, "priya", 0), (5, "rajesh", 0)),
    supporters=("rajesh", "priya", "bethan", "marcus", "amara", "daniel", "grace"),
    comments=(
        (
            "priya",
            "We have five assessments. This needs us to agree which ones give way, "
            "which is the hard part.",
        ),
        (
            "rajesh",
            "We could start with people on the palliative care register and grow from there.",
        ),
    ),
)

TIME_TO_CARE = RecommendationText(
    key="time-to-care",
    author="lucy",
    title="Time to care",
    body="No home care visit should be shorter than thirty minutes, and care workers should be "
    "paid for their travel time between visits.",
    for_individual="The person who helps you has time to talk, to notice how you are, and to "
    "do things with you rather than to you.",
    for_system="Commissioners stop buying fifteen-minute visits and pay rates that cover "
    "travel time, so care workers are paid for the hours they work and stay in the job.",
    who_should_act="Northshire Health and Care Partnership and Northshire County Council as "
    "commissioners, with home care providers",
    rationale="A care worker told us she goes home feeling she has stolen something from the "
    "people she visits. A day of twelve calls can mean eleven hours out of the house for eight "
    "hours' pay, and good care workers leave.",
    themes=("Valuing care workers", "Loneliness and connection"),
    excerpts=("rosa-stolen", "rosa-pay", "rosa-look-after", "peggy-tea"),
    reflections=((3, "zainab", 0),),
    supporters=("tomasz", "zainab", "joseph", "hannah", "keith"),
    comments=(
        (
            "daniel",
            "I support the aim, but a blanket thirty-minute minimum could mean fewer "
            "visits for people who only need a short one, like a medication prompt.",
        ),
        ("lucy", "Fair point. The heart of it is time and pay, not the exact number of minutes."),
    ),
)

CONNECTION = RecommendationText(
    key="connection",
    author="keith",
    title="Connection is part of care",
    body="Every care assessment and review should ask the person what keeps them connected to "
    "other people and to the things they love, and help them keep it up, with a named link "
    "to one community group or activity they choose.",
    for_individual="Someone asks about your allotment, your club or your friends, not only "
    "about your stairs. If you stop going, someone notices and helps you get back.",
    for_system="Assessments include a 'what keeps you connected' conversation. Social workers, "
    "care workers and the voluntary sector share one local directory and a named link worker "
    "in each neighbourhood. Befriending and community groups are funded for longer than a "
    "year at a time.",
    who_should_act="Northshire County Council adult social care, the voluntary and community "
    "sector, and GP practices' social prescribing teams",
    rationale="A man recovering from a stroke got walking again thanks to a neighbour at his "
    "allotment, not his care plan. Peggy lies in bed at half past six listening to children "
    "playing outside. For many people a befriender is the only conversation of the week.",
    themes=("Loneliness and connection", "Dignity, choice and control"),
    excerpts=("arthur-asked", "peggy-tea", "derek-invisible"),
    reflections=((2, "amara", 2), (4, "keith", 0)),
    supporters=("mei", "amara", "fatima", "rajesh", "lucy", "marcus", "bethan"),
    comments=(
        (
            "daniel",
            "I agree with every word and I'm not sure who would own it. That's the honest problem.",
        ),
        ("keith", "Then let's test it somewhere small and find out."),
    ),
)

END_OF_LIFE = RecommendationText(
    key="end-of-life",
    author="bethan",
    title="A plan and a number for the last months at home",
    body="Everyone in the last months of life who wants to die at home should have a plan, "
    "agreed with them and their family, that every service can see, and one telephone number "
    "answered day and night by someone who knows them or can read their plan, and who can "
    "come.",
    for_individual="Your decision is written down where everyone can see it. At three in the "
    "morning your family rings one number, and someone who knows your plan comes. Nobody has "
    "to stand in the doorway and argue.",
    for_system="Advance care plans are shared with out-of-hours doctors, district nurses, the "
    "hospice at home team and ambulance crews. One 24-hour number is staffed jointly by "
    "hospice at home and district nursing.",
    who_should_act="Northshire Hospice at Home, district nursing, the out-of-hours GP service "
    "and Northshire Ambulance Service, commissioned by Northshire Health and Care Partnership",
    rationale="Sam had to stand in the doorway of his own bedroom at three in the morning and "
    "tell an ambulance crew that his wife had decided to die at home. He spoke to three "
    "people before anyone could come.",
    themes=("End of life at home", "Telling my story once"),
    excerpts=("sam-written", "sam-three-people", "sam-doorway", "sam-number"),
    reflections=((3, "bethan", 0), (5, "marcus", 1)),
    supporters=(
        "rajesh",
        "marcus",
        "amara",
        "priya",
        "siobhan",
        "daniel",
        "grace",
        "fatima",
        "tomasz",
        "keith",
    ),
    comments=(
        (
            "marcus",
            "Ambulance crews would welcome this. Nobody wants to be the person who goes "
            "against someone's wishes.",
        ),
    ),
)

ONE_BUDGET = RecommendationText(
    key="one-budget",
    author="daniel",
    title="One budget for each neighbourhood",
    body="Health and social care budgets for care at home should be pooled in each of "
    "Northshire's six neighbourhoods and spent by one neighbourhood team that includes care "
    "workers, district nurses, social workers and the voluntary sector.",
    for_individual="The people who help you work as one team. You don't fall between services "
    "because of whose budget pays.",
    for_system="The Partnership pools budgets for care at home by neighbourhood. Neighbourhood "
    "teams decide together how to spend them and report on what matters to people rather "
    "than on activity.",
    who_should_act="Northshire Health and Care Partnership, Northshire County Council and the "
    "NHS trusts",
    rationale="People were passed from desk to desk. Equipment, fitting and care each came "
    "from a different budget, and nobody owned the whole.",
    themes=("Telling my story once",),
    excerpts=("arthur-desk", "arthur-equipment"),
    supporters=("priya", "grace"),
    comments=(
        (
            "hannah",
            "Structures keep changing and the care doesn't. I'd rather we fixed the "
            "things people told us about first.",
        ),
        (
            "daniel",
            "That's fair. I put it forward because I think the money is where the "
            "fragmentation starts.",
        ),
    ),
)

# In the order they were proposed.
LIVING_WELL_RECOMMENDATIONS: tuple[RecommendationText, ...] = (
    SMALL_TEAM,
    HOME_READY,
    VISIT_TIMES,
    CARERS,
    STORY_ONCE,
    MY_DAY,
    TIME_TO_CARE,
    CONNECTION,
    END_OF_LIFE,
    ONE_BUDGET,
)


@dataclass(frozen=True)
class AmendmentText:
    recommendation: str
    proposer: str
    changes: dict[str, str]
    reason: str
    accept: bool
    note: str


LIVING_WELL_AMENDMENTS: tuple[AmendmentText, ...] = (
    AmendmentText(
        "small-team",
        "hannah",
        SMALL_TEAM_AMENDMENT,
        "A named worker only helps if the visits come at times that suit the person. I've "
        "added the person's day, and being told about changes, which is what Peggy asked for.",
        accept=True,
        note="Yes, thank you. This is better, and it's what Peggy said.",
    ),
    AmendmentText(
        "home-ready",
        "callum",
        HOME_READY_AMENDMENT,
        "A time limit would give this teeth. Without one, people could wait longer in "
        "hospital, which is bad for them too.",
        accept=False,
        note="I understand, but a 48-hour target is what sends people home to houses that "
        "aren't ready. I'd rather keep the person at the centre than the clock.",
    ),
)

# Two drafts that said the same thing, merged by the researchers with the authors' consent.
MERGE_SOURCES = ("visit-times", "my-day")
MERGE_LEAD = "zainab"
MERGE_KEY = "fits-my-day"

# The order recommendations went to the ballot (R1, R2...).
BALLOT_ORDER = (
    "small-team",
    "fits-my-day",
    "home-ready",
    "story-once",
    "carers",
    "connection",
    "end-of-life",
    "time-to-care",
    "one-budget",
)

# Participants who did not vote.
DID_NOT_VOTE = ("owen", "lucy")


@dataclass(frozen=True)
class VotePlan:
    """How the sixteen ballot papers answered one recommendation: counts of each answer
    (strongly agree, agree, neither, disagree, strongly disagree, abstain), counts of each
    certainty (high, medium, low) among those who did not abstain, and dissents."""

    agreement: tuple[int, int, int, int, int, int]
    certainty: tuple[int, int, int]
    dissents: tuple[str, ...] = ()


VOTES: dict[str, VotePlan] = {
    "small-team": VotePlan((9, 5, 1, 1, 0, 0), (10, 5, 1)),
    "fits-my-day": VotePlan(
        (7, 7, 1, 1, 0, 0),
        (7, 8, 1),
        ("Half an hour either way is not realistic in the villages around Marston Vale.",),
    ),
    "home-ready": VotePlan((8, 6, 2, 0, 0, 0), (6, 7, 3)),
    "story-once": VotePlan(
        (6, 6, 2, 1, 0, 1),
        (5, 7, 3),
        ("Agree with the page, but sharing it across our systems is years away.",),
    ),
    "carers": VotePlan((10, 5, 1, 0, 0, 0), (9, 6, 1)),
    "connection": VotePlan((5, 7, 3, 1, 0, 0), (1, 4, 11)),
    "end-of-life": VotePlan((11, 4, 1, 0, 0, 0), (11, 4, 1)),
    "time-to-care": VotePlan(
        (4, 5, 3, 3, 1, 0),
        (3, 6, 7),
        (
            "Some people only want a short visit for their tablets. A minimum would take "
            "that choice away.",
        ),
    ),
    "one-budget": VotePlan(
        (1, 4, 4, 4, 2, 1),
        (0, 3, 12),
        (
            "Pooling budgets won't get Peggy her breakfast at eight. It changes the structure, "
            "not the care.",
            "We tried a pooled budget ten years ago and it took three years to set up.",
        ),
    ),
}


# The evaluation questionnaire: six statements (5 strongly agree ... 1 strongly disagree,
# None prefer not to say) and a written answer, per participant who answered.
EVALUATION: dict[str, tuple[tuple[int | None, ...], str]] = {
    "amara": ((5, 5, 5, 4, 5, 5), "I'll remember Peggy's cup of tea for the rest of my career."),
    "tomasz": ((4, 5, 5, 5, 5, 5), ""),
    "siobhan": ((5, 4, 5, 4, 4, 5), ""),
    "rajesh": ((4, 4, 5, 5, 4, 5), "More time between sessions to read the testimony, please."),
    "grace": ((5, 5, 4, 4, 5, 5), ""),
    "hannah": ((4, 4, 4, 3, 4, 4), "It was uncomfortable at times, in a good way."),
    "daniel": ((5, 4, 5, 4, 4, 5), ""),
    "fatima": ((5, 5, 5, 5, 5, 5), ""),
    "mei": ((4, 5, 5, 4, 5, 4), ""),
    "joseph": ((3, 4, 5, 4, 4, 5), "I'd have liked more people like me, PAs, in the cohort."),
    "bethan": ((5, 5, 5, 5, 5, 5), ""),
    "callum": ((4, 3, 4, 4, 3, 4), ""),
    "priya": ((5, 4, 4, None, 4, 4), ""),
    "keith": ((5, 5, 5, 5, 4, 5), ""),
}


# The report ------------------------------------------------------------------------------------

NARRATIVE = {
    "foreword": paragraphs(
        "Over six weeks, eighteen people who work in health and social care in Northshire set "
        "aside their job titles and listened. Care workers and personal assistants, nurses, "
        "social workers, a GP, therapists, managers, a commissioner, and people from housing, "
        "the ambulance service and the voluntary sector heard from eight people who know care "
        "at home from the inside: people who receive it, family members and a neighbour who "
        "arrange it, and a care worker who gives it.",
        "They were asked to listen as professionals and also as people who may one day need "
        "care themselves. Many of them said that the second was harder, and that it changed "
        "how they heard the first.",
        "This report is theirs. The recommendations are in their own words, and they voted on "
        "them in a secret ballot. We are grateful to the witnesses, who trusted the cohort "
        "with some of the hardest moments of their lives, and to Northshire Health and Care "
        "Partnership, which asked the question and committed in advance to answer every "
        "recommendation.",
    ),
    "executive_summary": paragraphs(
        "We asked: what would it take to help people to have a good life at home for as long "
        "as they choose?",
        "The witnesses' answers were strikingly ordinary. The same few faces. Visits that come "
        "when they are expected. A home that is ready before you come back from hospital. "
        "Someone who asks the person caring for you how they are. Being asked what you want to "
        "get back to, not only what you can no longer do. And, at the end of life, a plan that "
        "everyone can see and a number that is answered by someone who can come.",
        "The cohort wrote ten recommendations; two that said the same thing were merged with "
        "their authors' agreement. Sixteen of the eighteen participants voted on the nine that "
        "went to the secret ballot, and seven were adopted. They ask for a small team of "
        "regular care workers for everyone receiving care at home; care built around the "
        "person's own routine; no discharge from hospital until home is ready; one plan, "
        "written with the person, that every service reads; a named contact and a real break "
        "for unpaid carers, neighbours and friends included; connection treated as part of "
        "care; and a plan and a 24-hour number for the last months of life.",
        "Two recommendations were not adopted: a minimum length for every visit, and pooled "
        "neighbourhood budgets. Many in the cohort shared their aims but were not sure they "
        "would work as written. Their results are reported here too.",
        "Throughout, the cohort put the individual first and the system second. Most of what "
        "they ask for is small. They were clear that small is not the same as easy.",
    ),
    "acknowledgements": paragraphs(
        "Thank you to Peggy, Nadia, Sam and the five other witnesses who gave evidence, and to "
        "their families. Thank you to the eighteen members of the cohort, and to their "
        "employers, who gave them the time to take part.",
        "Thank you to the inquiry's advisory group for their oversight, to Eastfield Community "
        "Centre for the room and the tea, and to Northshire Health and Care Partnership for "
        "commissioning the inquiry.",
    ),
    "views_changed": paragraphs(
        "In the last session, the cohort was asked how their thinking had changed. Most of "
        "those who answered said they had come in thinking about capacity, cost and who does "
        "what, and left thinking about the same few faces, time to talk and being asked "
        "what matters to the person.",
        "Several said that listening as people who may one day need care, and not only as "
        "professionals, was what changed their view: one thought of a parent living alone, "
        "another of how it would feel to meet a new care worker every morning. A few said "
        "their view had not changed, but that they now understood better why others "
        "disagreed with them.",
    ),
    "next_steps": paragraphs(
        "Northshire Health and Care Partnership has agreed to publish its response to every "
        "adopted recommendation within eight weeks of this report, saying whether it accepts "
        "each one, who will lead the work and by when. Progress will be reported on the "
        "inquiry's pages, and a new version of this report will include the response.",
        "The cohort has asked to meet again six months after the response, to hear what has "
        "changed for people like Peggy, Nadia and Sam, and to say whether it is enough.",
    ),
}
# The first summary, before a participant asked for the turnout to be in it.
FIRST_EXECUTIVE_SUMMARY = NARRATIVE["executive_summary"].replace(
    "Sixteen of the eighteen participants voted on the nine that went to the secret ballot, "
    "and seven were adopted.",
    "Nine went to a secret ballot, and seven were adopted.",
)

REPORT_COMMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "rajesh",
        "executive-summary",
        "Could the summary say how many of us voted, not only how "
        "many recommendations were adopted? Readers will want to know it wasn't a handful.",
    ),
    (
        "hannah",
        "what-we-heard",
        "Please keep the quote about the car keys. It's the one my team talked about for days.",
    ),
    (
        "callum",
        "recommendations",
        "Could the report say somewhere why the 48-hour amendment to "
        "the discharge recommendation was declined? People in my team will ask.",
    ),
    (
        "amara",
        "foreword",
        "I'd like the foreword to mention personal assistants as well as care "
        "workers. Joseph made a big difference to our discussions.",
    ),
)


# The commissioner's response, progress and the 100-day challenge --------------------------------


@dataclass(frozen=True)
class AnswerText:
    decision: str  # a Decision value
    reasons: str
    lead: str = ""
    target_days: int | None = None  # after the response is published


RESPONSE: dict[str, AnswerText] = {
    "small-team": AnswerText(
        "accepted",
        "We agree that continuity is how people are noticed. From the next round of home "
        "care contracts we will pay providers for planned rounds of regular clients rather "
        "than by the minute, and ask them to report each month how many different care "
        "workers each person sees. We will aim for no more than four regular care workers "
        "for most people within a year, and we will publish the figures.",
        "Head of Commissioning for Care at Home, Northshire Health and Care Partnership",
        300,
    ),
    "fits-my-day": AnswerText(
        "accepted_in_part",
        "We accept that care should follow the person's own routine and that people should be "
        "rung when a visit is going to be late; both will be written into the new contracts. "
        "We cannot promise every visit within half an hour of an agreed time straight away, "
        "especially in the rural areas around Marston Vale, so we will start by publishing how "
        "often agreed times are kept and agree a target with providers within six months.",
        "Head of Commissioning for Care at Home, Northshire Health and Care Partnership",
        240,
    ),
    "home-ready": AnswerText(
        "accepted",
        "Nobody should go home to a house that isn't ready. Each ward will have a named "
        "discharge coordinator who stays responsible until the person is home and safe, "
        "working from one checklist shared with the community equipment service. Marston "
        "Vale Housing Association will fit small adaptations, such as grab rails, within five "
        "working days through a new fast track.",
        "Director of Operations, Northshire General Hospital, with the community equipment service",
        180,
    ),
    "story-once": AnswerText(
        "further_work",
        "We agree with the aim, and we heard how often people have to tell their story again. "
        "Five services hold separate assessments today, and two of our records systems cannot "
        "yet share a document. We will test a single 'about me' page with people on the "
        "palliative care register in Kettleby and Saltley Bay first, alongside the "
        "end-of-life recommendation, and report within six months on what it would take to "
        "offer it to everyone receiving care at home.",
        "Chief Clinical Information Officer, Northshire Health and Care Partnership",
        180,
    ),
    "carers": AnswerText(
        "accepted",
        "From next month every carer's assessment will end with a named contact and a "
        "planned break, not a leaflet. Eastfield Carers' Centre will run overnight sitting so "
        "that carers can sleep through, with sitters who get to know the family first. Ward "
        "teams will ask every patient who helps them at home, neighbours and friends "
        "included, and record it with their consent.",
        "Assistant Director for Carers, Northshire County Council",
        270,
    ),
    "connection": AnswerText(
        "accepted_in_part",
        "We accept the aim. We are less certain how to do it well across Northshire, and so "
        "was the cohort, so we will test it first as a 100-day challenge in Eastfield, led by "
        "the people who do the work. We cannot yet commit to longer funding for befriending "
        "across the county; we will decide that when we have seen what the challenge learns.",
        "Director of Adult Social Care, Northshire County Council",
        150,
    ),
    "end-of-life": AnswerText(
        "accepted",
        "Everyone who has decided to die at home should have that decision respected at three "
        "in the morning. Northshire Hospice at Home and district nursing will staff one "
        "24-hour number together, and advance care plans will be visible to the out-of-hours "
        "GP service and Northshire Ambulance Service through the shared care record.",
        "Clinical Lead for End of Life Care, Northshire Health and Care Partnership",
        90,
    ),
}


@dataclass(frozen=True)
class ProgressText:
    recommendation: str
    days: int  # after the response is published
    status: str  # a ProgressStatus value
    percent: int
    note: str


PROGRESS: tuple[ProgressText, ...] = (
    ProgressText(
        "end-of-life",
        5,
        "in_progress",
        40,
        "The 24-hour number is staffed jointly "
        "by hospice at home and district nursing from 8pm to 8am, starting with the "
        "Kettleby and Saltley Bay practices.",
    ),
    ProgressText(
        "home-ready",
        10,
        "in_progress",
        30,
        "Named discharge coordinators are in "
        "place on the two frailty wards at Northshire General. The shared checklist "
        "is being tested with the community equipment service.",
    ),
    ProgressText(
        "connection",
        14,
        "in_progress",
        10,
        "The 100-day challenge in Eastfield has "
        "launched. See the challenge for its goal, team and reviews.",
    ),
    ProgressText(
        "carers",
        15,
        "in_progress",
        35,
        "The carer's assessment now ends with a named "
        "contact and a planned break. 42 carers have a named contact so far.",
    ),
    ProgressText(
        "small-team",
        20,
        "in_progress",
        20,
        "The new contract specification is "
        "agreed with six providers. Brightwater Home Care starts planned rounds of "
        "regular clients in Highbridge first.",
    ),
    ProgressText(
        "story-once",
        25,
        "in_progress",
        10,
        "A workshop with people who receive care, "
        "carers and five services agreed what the 'about me' page should say. Testing "
        "starts with the palliative care register.",
    ),
    ProgressText(
        "fits-my-day",
        28,
        "not_started",
        0,
        "Providers start reporting how often "
        "agreed visit times are kept next month. Work on a target follows.",
    ),
    ProgressText(
        "end-of-life",
        30,
        "done",
        100,
        "The 24-hour number now runs day and night "
        "across Northshire, and every person on the palliative care register has been "
        "sent it. Ambulance crews can see advance care plans in the shared record.",
    ),
    ProgressText(
        "home-ready",
        34,
        "in_progress",
        50,
        "The fast track for small adaptations has "
        "started. The average wait for a grab rail after discharge is now 6 days, down "
        "from 19.",
    ),
)


@dataclass(frozen=True)
class ChallengeText:
    recommendation: str
    goal: str
    sponsor: str
    team: str
    readiness: dict[str, tuple[str, str]]  # condition -> (rating, note)
    day_zero: str
    started_days: int  # after the response is published
    rated_days: int
    launched_days: int
    starts_days: int


CHALLENGE = ChallengeText(
    recommendation="connection",
    goal="By day 100, every person who starts care at home in Eastfield has a 'what keeps you "
    "connected' conversation within two weeks, and at least half of them are back doing one "
    "thing they love, with someone who notices if they stop.",
    sponsor="Director of Adult Social Care, Northshire County Council",
    team="The Eastfield home care team at Brightwater Home Care, two social workers from the "
    "Eastfield locality team, the Eastfield social prescriber, befrienders from Good Neighbours "
    "Northshire, two carers from Eastfield Carers' Centre, and two people who receive care at "
    "home in Eastfield.",
    readiness={
        "goals": (
            "in_place",
            "The team set the goal at its first workshop; it was not handed down.",
        ),
        "data": (
            "partly_in_place",
            "We can count conversations from the care records. We do "
            "not yet have a simple way to know whether people are back doing what they "
            "love, so the befrienders will ask at each visit.",
        ),
        "experimentation": (
            "in_place",
            "The team can try new questions and new ways of linking people every fortnight.",
        ),
        "urgency": ("in_place", "Loneliness came up in nearly every story the inquiry heard."),
        "sponsorship": (
            "in_place",
            "The Director of Adult Social Care meets the team every fortnight.",
        ),
        "permission": (
            "partly_in_place",
            "Care workers have an extra ten minutes on first "
            "visits. The provider still has to confirm this can continue past day "
            "50.",
        ),
        "teams": (
            "in_place",
            "Care workers, social workers, the social prescriber, befrienders, "
            "carers and two people who receive care.",
        ),
        "coaching": (
            "partly_in_place",
            "Leaders have agreed to coach rather than direct. Two "
            "of them have not worked this way before and are supported by the "
            "Partnership's improvement team.",
        ),
    },
    day_zero="Twelve people started care at home in Eastfield in the fortnight before the "
    "start. The team agreed three questions for the 'what keeps you connected' conversation "
    "and tested them with the two team members who receive care, who changed the wording of "
    "two of them. First aim for day 50: everyone new is asked within two weeks.",
    started_days=3,
    rated_days=8,
    launched_days=14,
    starts_days=18,
)


# The second inquiry, still in session -------------------------------------------------------------

DEMENTIA = InquiryText(
    title="Caring for someone with dementia at home",
    question="What would help families who care for someone living with dementia at home to "
    "keep going, and to keep well?",
    scope=paragraphs(
        "Families, friends and neighbours in Northshire who support someone living with "
        "dementia at home, from the first signs and the diagnosis to the last months of life.",
        "The inquiry looks at support for the person with dementia and for the people who "
        "care for them, including carers who work.",
    ),
    safeguarding_contact=paragraphs(
        "If anything you share or hear worries you, or you are concerned about someone's "
        "safety, talk to Kwame Boateng on 01632 960427 (Monday to Friday, 9am to 5pm) or "
        "email kwame.boateng@example.org.",
        "Out of hours, ring Northshire adult social care's emergency duty team on 01632 960999.",
    ),
    participant_information=paragraphs(
        "## What this inquiry is",
        "An inverted inquiry for people who work with people living with dementia and their "
        "families. You take part as a professional, and as a person who may one day care for "
        "someone, or live with dementia yourself.",
        "## What taking part involves",
        "- six sessions, one a week, at Kettleby Library's community room\n"
        "- reading testimony and writing short reflections after each session\n"
        "- writing recommendations in your own words, and voting on them in a secret ballot",
        "## Your information",
        "Your name is not published unless you agree to it on your profile. You can leave at "
        "any time.",
    ),
    witness_information=paragraphs(
        "## Why we are asking you",
        "You know what living with dementia, or caring for someone who does, is like. We "
        "would like you to tell the cohort what helps and what gets in the way.",
        "## How your words will be used",
        "You decide: shared with the cohort only, quoted without your name, or quoted with a "
        "name you choose. You can change your mind or withdraw until the withdrawal deadline.",
    ),
)

DEMENTIA_PARTICIPANTS: tuple[Participant, ...] = (
    _p(
        "chloe",
        "Chloe Barker",
        "care_worker",
        "independent_care",
        "Kindred Care at Home",
        "Northwick",
    ),
    _p(
        "ibrahim",
        "Ibrahim Ali",
        "nurse",
        "nhs",
        "Northshire Community Health, older people's mental health",
        "Highbridge",
    ),
    _p(
        "sarah",
        "Sarah Whitaker",
        "social_worker",
        "local_authority",
        "Northshire County Council, adult social care",
        "Eastfield",
    ),
    _p(
        "declan",
        "Declan O'Neill",
        "manager",
        "voluntary",
        "The Meeting Place day centre",
        "Kettleby",
    ),
    _p("anjali", "Anjali Desai", "doctor", "nhs", "Saltley Bay Surgery", "Saltley Bay"),
    _p(
        "ewa",
        "Ewa Kowalska",
        "occupational_therapist",
        "local_authority",
        "Northshire County Council, occupational therapy",
        "Marston Vale",
    ),
    _p(
        "jermaine",
        "Jermaine Clarke",
        "voluntary_sector",
        "voluntary",
        "Memory Café Northshire",
        "Eastfield",
    ),
    _p(
        "ffion",
        "Ffion Roberts",
        "allied_health",
        "nhs",
        "Northshire Community Health, speech and language therapy",
        "Highbridge",
    ),
    _p("robert", "Robert Greenwood", "housing", "housing", "Northwick Homes", "Northwick"),
    _p("nkechi", "Nkechi Eze", "commissioner", "local_authority", COMMISSIONER, "Kettleby"),
)
# A participant of the first inquiry who joined the second too.
DEMENTIA_RETURNING = ("amara",)

DEMENTIA_WITNESSES: tuple[Witness, ...] = (
    Witness(
        "jean",
        "Jean Pollard",
        "jean.pollard@example.com",
        "family_or_friend",
        display_name="Jean",
        support_contact=SUPPORT_KWAME,
    ),
    Witness(
        "frank",
        "Frank Ashworth",
        "frank.ashworth@example.com",
        "receives_care",
        access_needs="Prefers a quiet corner and a little extra time to answer.",
        support_contact=SUPPORT_KWAME,
    ),
    Witness(
        "priyanka",
        "Priyanka Joshi",
        "priyanka.joshi@example.com",
        "family_or_friend",
        support_contact=SUPPORT_KWAME,
    ),
)
# Invited as a witness, not yet joined.
DEMENTIA_INVITED_WITNESS = "maureen.day@example.com"

JEAN = paragraphs(
    "Alan was diagnosed with Alzheimer's four years ago, at sixty-eight. He was a joiner, and "
    "there's still nothing he likes better than being in the shed, even if he can't always "
    "remember what he went in for.",
    "The diagnosis came in a letter, and then nothing. No one rang. I found the memory café "
    "myself, from a poster in the chemist's, and that was the first place anyone asked how I "
    "was doing.",
    "The hardest part isn't the forgetting. It's that I'm on duty all the time. He follows me "
    "from room to room. I can't have a bath without him knocking on the door. I love him, and "
    "I am lonely in my own house.",
    "What helps is people who know him. The man at the hardware shop who lets him potter for "
    "half an hour. The day centre on a Wednesday, where the staff call him 'the gaffer' and "
    "let him fix the chairs. What doesn't help is being told about a service with a six-month "
    "waiting list, or a support group I can't go to because there's no one to sit with Alan.",
)
FRANK = paragraphs(
    "I was told I have vascular dementia eighteen months ago. I'm seventy-four. I want to say "
    "first that I'm still me. I can still tell you what I want, if you give me a minute and "
    "don't talk over me.",
    "I live on my own with my cat. I have a carer who comes in the mornings to make sure I've "
    "had my tablets. She's good, but she talks to me like a child sometimes, and that makes me "
    "cross, and then they write down that I was agitated.",
    "I've stopped going to the bowls club because I got lost coming home once and it "
    "frightened me. Nobody has asked me about bowls. I'd go back if someone walked with me "
    "the first few times.",
    "If you want to help people like me stay at home, talk to us, not just about us. And help "
    "us keep doing the things we did before, for as long as we can.",
)
PRIYANKA = paragraphs(
    "My dad lives twenty minutes from me and I work full time as a pharmacist. Since his "
    "dementia got worse, I check the camera in his kitchen between customers to see whether "
    "he's eaten.",
    "Every appointment, every assessment, every support group is in the daytime. I've used "
    "all my annual leave on his appointments. My manager is kind, but I can feel the patience "
    "running out.",
    "What I need is one person who knows both Dad and me, who I can ring at lunchtime or "
    "message in the evening, and help that fits around work instead of assuming I'm free.",
)

DEMENTIA_TESTIMONY: tuple[TestimonyText, ...] = (
    TestimonyText("jean", 2, "Alan and me", JEAN, "quote_with_name"),
    TestimonyText("frank", 2, "Still me", FRANK, "quote_anonymously", how="spoken"),
    # Recorded after yesterday's hearing: waiting for the witness to check it.
    TestimonyText(
        "priyanka", 3, "Caring from work", PRIYANKA, "cohort_only", how="spoken", approve=False
    ),
)

DEMENTIA_THEMES = (
    "After the diagnosis",
    "On duty all the time",
    "Staying connected",
    "Talk to me, not about me",
)
DEMENTIA_EXCERPTS: tuple[ExcerptText, ...] = (
    ExcerptText(
        "jean-letter",
        "jean",
        "The diagnosis came in a letter, and then nothing.",
        ("After the diagnosis",),
    ),
    ExcerptText(
        "jean-duty", "jean", "It's that I'm on duty all the time.", ("On duty all the time",)
    ),
    ExcerptText(
        "jean-lonely",
        "jean",
        "I love him, and I am lonely in my own house.",
        ("On duty all the time", "Staying connected"),
    ),
    ExcerptText(
        "frank-still-me",
        "frank",
        "I can still tell you what I want, if you give me a minute and don't talk over me.",
        ("Talk to me, not about me",),
    ),
    ExcerptText(
        "frank-bowls",
        "frank",
        "I'd go back if someone walked with me the first few times.",
        ("Staying connected",),
    ),
    ExcerptText(
        "frank-about-us", "frank", "talk to us, not just about us.", ("Talk to me, not about me",)
    ),
)

DEMENTIA_REFLECTIONS: dict[int, tuple[ReflectionText, ...]] = {
    1: (
        _r(
            "chloe",
            0,
            PRO,
            "For the people I visit who have dementia, a good life at home is "
            "a calm one: familiar faces, a routine, and not being rushed. The days go wrong when "
            "we rush.",
        ),
        _r(
            "ibrahim",
            1,
            PER,
            "I'd want people to keep talking to me, not around me. My "
            "grandmother had dementia and what upset her most was people discussing her in "
            "front of her.",
        ),
        _r(
            "sarah",
            2,
            PRO,
            "I hope this inquiry changes what happens straight after a "
            "diagnosis. Too many families tell us the letter was the last they heard from "
            "anyone.",
        ),
        _r(
            "declan",
            0,
            PRO,
            "At the day centre a good life looks like purpose. Our members "
            "want to be useful. The best days are when someone fixes something or teaches "
            "someone something.",
        ),
        _r(
            "anjali",
            1,
            PER,
            "What would matter most to me is my family not having to give up "
            "everything to look after me. I've seen what that does to people.",
        ),
        _r(
            "jermaine",
            2,
            PRO,
            "I hope we stop seeing memory cafés and day centres as nice to "
            "have. For many carers they're the only break they get.",
        ),
        _r(
            "ewa",
            0,
            PRO,
            "Small changes to a home make a big difference with dementia: "
            "contrasting colours, clear signs, a clock that shows the day. They're cheap, and "
            "almost nobody gets them early enough.",
        ),
        _r(
            "amara",
            1,
            PER,
            "After the last inquiry I thought I knew what I'd want. Dementia "
            "makes me think again: I'd want someone to know the me from before, and keep "
            "treating me as that person.",
        ),
    ),
    2: (
        _r(
            "sarah",
            0,
            PRO,
            "Jean found the memory café from a poster in the chemist's. After "
            "a diagnosis, we should be the poster.",
            themes=("After the diagnosis",),
        ),
        _r(
            "chloe",
            1,
            PER,
            "Frank being written down as agitated when he was cross at being "
            "talked to like a child. If that were me, I'd be cross too.",
            themes=("Talk to me, not about me",),
        ),
        _r(
            "declan",
            2,
            PRO,
            "Familiar: the carer who can't have a bath in peace. Surprising: "
            "how little it would take to get Frank back to bowls.",
        ),
        _r(
            "nkechi",
            0,
            PRO,
            "What we'd find hardest to change is the six-month waiting list. "
            "We commission services with waiting lists and call them support.",
        ),
        _r(
            "ffion",
            2,
            PRO,
            "What surprised me was Frank asking us to give him a minute and not "
            "talk over him. It's such a simple request, and I know I don't always do it.",
        ),
        _r(
            "robert",
            1,
            PER,
            "If I were Jean I'd want somebody to sit with Alan so I could go "
            "to the support group. It isn't complicated.",
        ),
        _r(
            "ibrahim",
            3,
            PRO,
            "Last session I was thinking about services after diagnosis. Now "
            "I'm thinking about people like the man at the hardware shop. The community is "
            "already doing some of this.",
        ),
    ),
    3: (
        _r(
            "jermaine",
            2,
            PRO,
            "Priyanka checking the kitchen camera between customers. Caring "
            "doesn't stop when you go to work; it just becomes invisible.",
        ),
        _r(
            "anjali",
            0,
            PRO,
            "The system assumes carers are free in the daytime. Appointments, "
            "assessments, support groups: almost all of them are nine to five.",
            themes=("On duty all the time",),
        ),
        _r(
            "ewa",
            1,
            PER,
            "I'd want help that fits around work, and one person who knows both my dad and me.",
        ),
        _r(
            "chloe",
            3,
            PRO,
            "I'm starting to see the family as part of the care team, not visitors to it.",
        ),
        _r(
            "sarah",
            1,
            PER,
            "I'd want someone to ring me at lunchtime, not leave a voicemail "
            "at eleven in the morning.",
            draft=True,
        ),
        _r(
            "declan",
            0,
            PRO,
            "Our day centre closes at four. I hadn't thought about what that "
            "means for someone who works until five.",
            draft=True,
        ),
    ),
}
DEMENTIA_REPLIES: tuple[Reply, ...] = (
    Reply(
        2,
        "sarah",
        0,
        "jermaine",
        "We could put the memory café's details in the diagnosis "
        "letter itself. I'll bring some leaflets to the next session.",
    ),
    Reply(2, "ffion", 2, "chloe", "Same. I'm going to try counting to five before I speak."),
)
DEMENTIA_QUESTIONS: tuple[Question, ...] = (
    Question(
        3,
        "declan",
        "priyanka",
        "What would a good day centre offer a carer who works full time?",
        ("ewa", "anjali", "chloe"),
    ),
    Question(
        3,
        "sarah",
        None,
        "What should happen in the first week after a diagnosis?",
        ("ibrahim", "jermaine"),
    ),
)


# The accounts printed for each inquiry, at least one for every role: (role, person).
LIVING_WELL_ACCOUNTS = (
    ("researcher", "ruth"),
    ("participant", "amara"),
    ("witness", "peggy"),
    ("commissioner", "helen"),
    ("observer", "yusuf"),
)
DEMENTIA_ACCOUNTS = (
    ("researcher", "kwame"),
    ("participant", "chloe"),
    ("witness", "priyanka"),
)
