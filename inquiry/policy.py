"""Who may do what: the one place that decides.

Every rule is a plain function. Rules about the whole site take the user;
rules about an inquiry take the user and the inquiry. Views name a rule through
``inquiry.permissions.requires``; nothing else in the code makes access decisions.
"""

from __future__ import annotations

from collections.abc import Collection

from .models import (
    Amendment,
    AmendmentStatus,
    Excerpt,
    Inquiry,
    Membership,
    MembershipStatus,
    MergeApproval,
    MergeApprovalStatus,
    Questionnaire,
    QuestionnaireStatus,
    QuestionStatus,
    Recommendation,
    RecommendationStatus,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    Role,
    Testimony,
    TestimonyStatus,
    User,
    Visibility,
    WitnessQuestion,
)


def membership_of(user: User, inquiry: Inquiry) -> Membership | None:
    """The user's active membership of the inquiry, if any."""
    if not getattr(user, "is_authenticated", False) or user.is_disabled:
        return None
    for membership in user.memberships:
        if membership.inquiry_id == inquiry.id and membership.status == MembershipStatus.ACTIVE:
            return membership
    return None


def role_in(user: User, inquiry: Inquiry) -> Role | None:
    membership = membership_of(user, inquiry)
    return membership.role if membership else None


# Rules about the whole site -------------------------------------------------


def signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not user.is_disabled


def can_create_inquiry(user: User) -> bool:
    return signed_in(user) and user.is_researcher


# Rules about one inquiry ------------------------------------------------------


def is_member(user: User, inquiry: Inquiry) -> bool:
    """Any active member: researchers, participants, witnesses, commissioners, observers."""
    return membership_of(user, inquiry) is not None


def can_manage(user: User, inquiry: Inquiry) -> bool:
    """Configure the inquiry, manage its cohort and invitations, read its audit log."""
    return role_in(user, inquiry) == Role.RESEARCHER


def can_view_audit_log(user: User, inquiry: Inquiry) -> bool:
    return can_manage(user, inquiry)


def can_invite(user: User, inquiry: Inquiry) -> bool:
    return can_manage(user, inquiry)


def can_issue_reset_link(actor: User, target: User, inquiry: Inquiry) -> bool:
    """A researcher may hand a reset link to a member who has no email.

    Only for members whose every inquiry this researcher also runs, and never
    for researchers' accounts: otherwise a link could take over an account with
    access the researcher does not have.
    """
    if not can_manage(actor, inquiry) or target.id == actor.id or target.is_researcher:
        return False
    if target.is_disabled:
        return False
    target_inquiries = [
        m.inquiry for m in target.memberships if m.status == MembershipStatus.ACTIVE
    ]
    if not any(i.id == inquiry.id for i in target_inquiries):
        return False
    return all(can_manage(actor, other) for other in target_inquiries)


def is_asked_to_consent(user: User, inquiry: Inquiry) -> bool:
    """Participants and witnesses agree to their information and consent text first.

    Researchers, commissioners and observers are not asked.
    """
    return role_in(user, inquiry) in (Role.PARTICIPANT, Role.WITNESS)


def can_edit_own_profile(user: User, inquiry: Inquiry) -> bool:
    """Participants and witnesses keep their own profile in the inquiry."""
    return role_in(user, inquiry) in (Role.PARTICIPANT, Role.WITNESS)


def can_withdraw_self(user: User, inquiry: Inquiry) -> bool:
    """Participants and witnesses may leave the inquiry themselves."""
    return role_in(user, inquiry) in (Role.PARTICIPANT, Role.WITNESS)


# Testimony and its attachments ----------------------------------------------------


def can_see_testimony(user: User, inquiry: Inquiry, testimony: Testimony) -> bool:
    """Whether the testimony (and its attachments) may be shown: see can_read_testimony."""
    return can_read_testimony(user, inquiry, testimony)


def can_attach_files(user: User, inquiry: Inquiry) -> bool:
    """Researchers and witnesses may attach files (to testimony they may change)."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.WITNESS)


def can_download_attachments(user: User, inquiry: Inquiry, testimony: Testimony) -> bool:
    """Anyone who may see the testimony, until it is withdrawn (its files are then erased)."""
    return testimony.status != TestimonyStatus.WITHDRAWN and can_see_testimony(
        user, inquiry, testimony
    )


def can_change_attachments(user: User, inquiry: Inquiry, testimony: Testimony) -> bool:
    """The testimony's own witness and the inquiry's researchers, while it is not withdrawn."""
    if not can_download_attachments(user, inquiry, testimony):
        return False
    membership = membership_of(user, inquiry)
    return membership is not None and (
        membership.role == Role.RESEARCHER or membership.id == testimony.witness_id
    )


# Questions for witnesses -----------------------------------------------------------


def can_see_witness_questions(user: User, inquiry: Inquiry) -> bool:
    """Researchers and participants see every question; a witness only those for them."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.PARTICIPANT, Role.WITNESS)


def can_ask_witness_questions(user: User, inquiry: Inquiry) -> bool:
    """Participants ask witnesses questions and support each other's."""
    return role_in(user, inquiry) == Role.PARTICIPANT


def can_manage_witness_questions(user: User, inquiry: Inquiry) -> bool:
    """Mark questions answered, link the answer, reopen them; see who asked."""
    return can_manage(user, inquiry)


def can_see_witness_question(
    user: User,
    inquiry: Inquiry,
    question: WitnessQuestion,
    witness_round_ids: Collection[int] = (),
) -> bool:
    """Researchers and participants see every question of the inquiry. A witness sees
    those addressed to them, and those for any witness of a session they give evidence
    in (``witness_round_ids``, worked out by the caller)."""
    if question.inquiry_id != inquiry.id:
        return False
    membership = membership_of(user, inquiry)
    if membership is None:
        return False
    if membership.role in (Role.RESEARCHER, Role.PARTICIPANT):
        return True
    if membership.role != Role.WITNESS:
        return False
    if question.witness_id is not None:
        return question.witness_id == membership.id
    return question.round_id is not None and question.round_id in witness_round_ids


def can_support_witness_question(user: User, inquiry: Inquiry, question: WitnessQuestion) -> bool:
    """Participants support others' questions, never their own."""
    return (
        question.inquiry_id == inquiry.id
        and can_ask_witness_questions(user, inquiry)
        and question.asked_by_id != user.id
    )


def can_delete_witness_question(user: User, inquiry: Inquiry, question: WitnessQuestion) -> bool:
    """Researchers delete any question; the asker their own while it is open."""
    if question.inquiry_id != inquiry.id:
        return False
    if can_manage(user, inquiry):
        return True
    return (
        can_ask_witness_questions(user, inquiry)
        and question.asked_by_id == user.id
        and question.status == QuestionStatus.OPEN
    )


# Safeguarding ---------------------------------------------------------------------


def can_handle_safeguarding(user: User, inquiry: Inquiry) -> bool:
    """Raise, read and follow up safeguarding concerns: researchers only."""
    return can_manage(user, inquiry)


# Giving, recording and reviewing testimony ------------------------------------------


def can_give_testimony(user: User, inquiry: Inquiry) -> bool:
    """Witnesses write, check, approve and withdraw their own testimony."""
    return role_in(user, inquiry) == Role.WITNESS


def can_record_testimony(user: User, inquiry: Inquiry) -> bool:
    """Researchers record testimony on a witness's behalf, for the witness to check."""
    return can_manage(user, inquiry)


def is_own_testimony(user: User, inquiry: Inquiry, testimony: Testimony) -> bool:
    """The testimony belongs to the user's own active witness membership of the inquiry."""
    membership = membership_of(user, inquiry)
    return (
        membership is not None
        and testimony.inquiry_id == inquiry.id
        and membership.id == testimony.witness_id
    )


def can_read_testimony(user: User, inquiry: Inquiry, testimony: Testimony) -> bool:
    """Approved testimony: any member. A draft: only its witness. Otherwise (awaiting
    review, changes requested, and the stub of withdrawn testimony): its witness and
    the researchers."""
    if testimony.inquiry_id != inquiry.id or not is_member(user, inquiry):
        return False
    if testimony.status == TestimonyStatus.APPROVED:
        return True
    if is_own_testimony(user, inquiry, testimony):
        return True
    if testimony.status == TestimonyStatus.DRAFT:
        return False
    return can_manage(user, inquiry)


def can_edit_own_testimony(user: User, inquiry: Inquiry, testimony: Testimony) -> bool:
    """Only the witness changes, approves, sets the use of, or withdraws their testimony."""
    return (
        is_own_testimony(user, inquiry, testimony) and testimony.status != TestimonyStatus.WITHDRAWN
    )


def can_edit_recorded_testimony(user: User, inquiry: Inquiry, testimony: Testimony) -> bool:
    """Researchers change testimony the witness has seen: awaiting review, changes
    requested or approved (which sends it back to the witness). Never a draft."""
    return (
        testimony.inquiry_id == inquiry.id
        and can_manage(user, inquiry)
        and testimony.status
        in (
            TestimonyStatus.AWAITING_REVIEW,
            TestimonyStatus.CHANGES_REQUESTED,
            TestimonyStatus.APPROVED,
        )
    )


# Excerpts and themes --------------------------------------------------------------


def can_mark_excerpts(user: User, inquiry: Inquiry) -> bool:
    """Researchers mark excerpts of approved testimony; participants too while the
    researchers allow it (``Inquiry.participants_mark_excerpts``)."""
    role = role_in(user, inquiry)
    if role == Role.RESEARCHER:
        return True
    return role == Role.PARTICIPANT and inquiry.participants_mark_excerpts


def can_change_excerpt(user: User, inquiry: Inquiry, excerpt: Excerpt) -> bool:
    """Change an excerpt's themes or delete it: researchers, and the person who marked
    it while they may still mark excerpts."""
    if excerpt.inquiry_id != inquiry.id:
        return False
    if role_in(user, inquiry) == Role.RESEARCHER:
        return True
    return can_mark_excerpts(user, inquiry) and excerpt.created_by_id == user.id


# Deliberation: reading reflections, session progress and the theme board ------------


def can_review_reflections(user: User, inquiry: Inquiry) -> bool:
    """Read every shared reflection of a session (both visibilities) with its author's
    name, tag reflections with themes, and download them: researchers only."""
    return can_manage(user, inquiry)


def can_see_session_progress(user: User, inquiry: Inquiry) -> bool:
    """How many participants have shared, drafted or not started in a session:
    researchers (with names), participants, commissioners and observers (counts only)."""
    return role_in(user, inquiry) in (
        Role.RESEARCHER,
        Role.PARTICIPANT,
        Role.COMMISSIONER,
        Role.OBSERVER,
    )


def can_see_who_has_shared(user: User, inquiry: Inquiry) -> bool:
    """Names in a session's progress: researchers only; everyone else sees counts."""
    return can_manage(user, inquiry)


def can_read_cohort_reflections(user: User, inquiry: Inquiry) -> bool:
    """Reflections shared with the cohort are read by the cohort and the researchers;
    witnesses, commissioners and observers do not see them."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.PARTICIPANT)


# The evaluation questionnaire ------------------------------------------------------


def can_manage_evaluation(user: User, inquiry: Inquiry) -> bool:
    """Set up, open and close the evaluation questionnaire: researchers."""
    return can_manage(user, inquiry)


def can_see_evaluation_results(user: User, inquiry: Inquiry) -> bool:
    """The questionnaire's totals (never who answered what): researchers."""
    return can_manage(user, inquiry)


def can_answer_evaluation(user: User, inquiry: Inquiry) -> bool:
    """Participants answer the questionnaire; witnesses too when it includes them
    (checked against the questionnaire with ``can_answer_questionnaire``)."""
    return role_in(user, inquiry) in (Role.PARTICIPANT, Role.WITNESS)


def can_answer_questionnaire(user: User, inquiry: Inquiry, questionnaire: Questionnaire) -> bool:
    """The questionnaire is for this member: opened (or since closed), and for their role."""
    if questionnaire.inquiry_id != inquiry.id or questionnaire.status == QuestionnaireStatus.DRAFT:
        return False
    role = role_in(user, inquiry)
    if role == Role.PARTICIPANT:
        return True
    return role == Role.WITNESS and questionnaire.include_witnesses


# Taking part in a session: reflections and replies on the session page -------------


def can_write_reflections(user: User, inquiry: Inquiry) -> bool:
    """Write reflections on a session's prompts and reply to others': active participants."""
    return role_in(user, inquiry) == Role.PARTICIPANT


def can_read_reflection(
    user: User,
    inquiry: Inquiry,
    reflection: Reflection,
    shared_prompt_ids: Collection[int] = (),
) -> bool:
    """A reflection on its session page. Its author always, drafts included; researchers
    every shared one; other participants one shared with the cohort, except in a session
    that reveals reflections only after sharing (``Round.reveal_after_submitting``) until
    they have shared their own on the same prompt (``shared_prompt_ids``, worked out by
    the caller). Witnesses, commissioners and observers read none."""
    if reflection.inquiry_id != inquiry.id:
        return False
    membership = membership_of(user, inquiry)
    if membership is None:
        return False
    if reflection.author_id == membership.id:
        return True
    if reflection.status != ReflectionStatus.SHARED:
        return False
    if membership.role == Role.RESEARCHER:
        return True
    if membership.role != Role.PARTICIPANT or reflection.visibility != Visibility.COHORT:
        return False
    return (
        not reflection.prompt.round.reveal_after_submitting
        or reflection.prompt_id in shared_prompt_ids
    )


def can_reply_to_reflection(
    user: User,
    inquiry: Inquiry,
    reflection: Reflection,
    shared_prompt_ids: Collection[int] = (),
) -> bool:
    """Participants reply to a reflection shared with the cohort that they can read."""
    return (
        can_write_reflections(user, inquiry)
        and reflection.status == ReflectionStatus.SHARED
        and reflection.visibility == Visibility.COHORT
        and can_read_reflection(user, inquiry, reflection, shared_prompt_ids)
    )


def can_edit_reply(user: User, inquiry: Inquiry, reply: ReflectionResponse) -> bool:
    """Only its author changes a reply."""
    membership = membership_of(user, inquiry)
    return (
        membership is not None
        and membership.role == Role.PARTICIPANT
        and reply.author_id == membership.id
        and reply.reflection.inquiry_id == inquiry.id
    )


def can_see_reflection_history(user: User, inquiry: Inquiry, reflection: Reflection) -> bool:
    """Earlier wordings of a shared reflection and of its replies: researchers only.
    Participants never see anyone's earlier wordings."""
    return (
        reflection.inquiry_id == inquiry.id
        and reflection.status == ReflectionStatus.SHARED
        and can_manage(user, inquiry)
    )


# Recommendations: drafting, support, comments, amendments, merges ------------------
# These rules say who may; whether the inquiry's stage still allows drafting is
# checked by the recommendation services, so that the page can explain it.


def can_read_recommendations(user: User, inquiry: Inquiry) -> bool:
    """The cohort's proposed recommendations, with their history, support and
    comments: participants, researchers and observers."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.PARTICIPANT, Role.OBSERVER)


def can_draft_recommendations(user: User, inquiry: Inquiry) -> bool:
    """Write recommendations, support, comment on and amend others': participants."""
    return role_in(user, inquiry) == Role.PARTICIPANT


def is_recommendation_author(user: User, inquiry: Inquiry, recommendation: Recommendation) -> bool:
    membership = membership_of(user, inquiry)
    return (
        membership is not None
        and recommendation.inquiry_id == inquiry.id
        and recommendation.author_id == membership.id
    )


def can_read_recommendation(user: User, inquiry: Inquiry, recommendation: Recommendation) -> bool:
    """A draft is its author's alone; anything proposed or later is read by everyone
    who reads recommendations."""
    if recommendation.inquiry_id != inquiry.id:
        return False
    if recommendation.status == RecommendationStatus.DRAFT:
        return is_recommendation_author(user, inquiry, recommendation)
    return can_read_recommendations(user, inquiry)


def can_edit_recommendation(user: User, inquiry: Inquiry, recommendation: Recommendation) -> bool:
    """Its author changes the wording until it is merged or frozen."""
    return (
        can_draft_recommendations(user, inquiry)
        and is_recommendation_author(user, inquiry, recommendation)
        and recommendation.is_editable
    )


def can_respond_to_recommendation(
    user: User, inquiry: Inquiry, recommendation: Recommendation
) -> bool:
    """Support, comment on or propose an amendment to a proposed recommendation:
    participants (supporting and amending one's own is refused by the services)."""
    return (
        can_draft_recommendations(user, inquiry)
        and recommendation.inquiry_id == inquiry.id
        and recommendation.status == RecommendationStatus.PROPOSED
    )


def can_decide_amendment(user: User, inquiry: Inquiry, amendment: Amendment) -> bool:
    """The recommendation's author accepts or declines a pending amendment."""
    recommendation = amendment.recommendation
    return amendment.status == AmendmentStatus.PENDING and can_edit_recommendation(
        user, inquiry, recommendation
    )


def can_withdraw_amendment(user: User, inquiry: Inquiry, amendment: Amendment) -> bool:
    membership = membership_of(user, inquiry)
    return (
        membership is not None
        and amendment.status == AmendmentStatus.PENDING
        and amendment.proposer_id == membership.id
        and amendment.recommendation.inquiry_id == inquiry.id
    )


def can_curate_recommendations(user: User, inquiry: Inquiry) -> bool:
    """Merge duplicates and freeze the wording going to the vote: researchers."""
    return can_manage(user, inquiry)


def can_answer_merge(user: User, inquiry: Inquiry, approval: MergeApproval) -> bool:
    """The author of a merged draft accepts or declines the merged wording."""
    membership = membership_of(user, inquiry)
    return (
        membership is not None
        and approval.member_id == membership.id
        and approval.recommendation.inquiry_id == inquiry.id
        and approval.status == MergeApprovalStatus.PENDING
    )


# The secret ballot and its results -------------------------------------------------


def can_run_ballot(user: User, inquiry: Inquiry) -> bool:
    """Open and close ballots: researchers. Nobody can see how anyone voted."""
    return can_manage(user, inquiry)


def can_vote(user: User, inquiry: Inquiry) -> bool:
    """Active participants vote."""
    return role_in(user, inquiry) == Role.PARTICIPANT


def can_see_results(user: User, inquiry: Inquiry) -> bool:
    """A closed ballot's results: researchers, participants and observers. While a
    ballot is open nobody sees its results; the services enforce that."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.PARTICIPANT, Role.OBSERVER)


def can_see_small_groups(user: User, inquiry: Inquiry) -> bool:
    """Breakdowns with groups of fewer than three: researchers only (a group of one is
    never shown to anyone, as it would be one person's vote)."""
    return can_manage(user, inquiry)


# Ballot (more)


def can_see_ballot(user: User, inquiry: Inquiry) -> bool:
    """The ballot page: participants (to vote), researchers (to run it) and observers
    (its state and turnout). Nobody sees how anyone voted."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.PARTICIPANT, Role.OBSERVER)


# Curation (more)


def can_see_merge_answer(user: User, inquiry: Inquiry, approval: MergeApproval) -> bool:
    """The author asked about a merge sees the question and their answer, once given."""
    membership = membership_of(user, inquiry)
    return (
        membership is not None
        and approval.member_id == membership.id
        and approval.recommendation.inquiry_id == inquiry.id
    )


# The report ----------------------------------------------------------------------------


def can_manage_report(user: User, inquiry: Inquiry) -> bool:
    """Write the narrative, build drafts, run the members' review, read its comments and
    publish versions: researchers."""
    return can_manage(user, inquiry)


def can_review_report(user: User, inquiry: Inquiry) -> bool:
    """Read the draft report and comment on it while the review is open: participants
    (researchers read drafts at any time). Whether a review is open is checked by the
    report services, so the page can say so."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.PARTICIPANT)


def can_read_published_report(user: User, inquiry: Inquiry) -> bool:
    """Published versions, PDF and HTML: every member of the inquiry."""
    return is_member(user, inquiry)


# The commissioner's response, progress and 100-day challenges --------------------------
# Whether the inquiry has reached the point where these are possible (a published report,
# a published response) is checked by the services, so that the pages can explain it.


def can_respond(user: User, inquiry: Inquiry) -> bool:
    """Draft and publish the response to the recommendations: commissioners of the
    inquiry."""
    return role_in(user, inquiry) == Role.COMMISSIONER


def can_see_response_deadline(user: User, inquiry: Inquiry) -> bool:
    """See whether the response is on time or overdue: researchers and commissioners."""
    return role_in(user, inquiry) in (Role.RESEARCHER, Role.COMMISSIONER)


def can_see_progress(user: User, inquiry: Inquiry) -> bool:
    """The published response, progress updates and challenges: every member and
    observer."""
    return is_member(user, inquiry)


def can_report_progress(user: User, inquiry: Inquiry) -> bool:
    """Post progress updates on the recommendations: commissioners."""
    return role_in(user, inquiry) == Role.COMMISSIONER


def can_manage_challenges(user: User, inquiry: Inquiry) -> bool:
    """Start and run 100-day challenges: commissioners and researchers."""
    return role_in(user, inquiry) in (Role.COMMISSIONER, Role.RESEARCHER)
