"""Writing audit events. Services call ``record`` for every state change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuditEvent, Inquiry, User

# Plain-English descriptions for the audit page; unknown actions show their code.
ACTION_LABELS = {
    "user.signed_in": "Signed in",
    "user.sign_in_failed": "Failed sign-in",
    "user.signed_out": "Signed out",
    "user.created": "Account created",
    "user.password_changed": "Password changed",
    "user.password_reset_requested": "Password reset requested",
    "user.password_reset_link_created": "Password reset link created",
    "user.password_reset": "Password reset",
    "user.data_downloaded": "Downloaded their data",
    "setup.link_created": "Set-up link created",
    "setup.completed": "First researcher account created",
    "inquiry.created": "Inquiry created",
    "inquiry.settings_changed": "Inquiry settings changed",
    "inquiry.question_changed": "Inquiry question changed after the draft stage",
    "inquiry.stage_changed": "Inquiry moved to its next stage",
    "membership.removed": "Member removed",
    "invitation.created": "Invitation created",
    "invitation.sent": "Invitation sent",
    "invitation.resent": "Invitation resent",
    "invitation.revoked": "Invitation revoked",
    "invitation.accepted": "Invitation accepted",
    "membership.created": "Role given",
    "user.researcher_granted": "Allowed to create inquiries",
    "membership.withdrawn": "Member withdrawn",
    "membership.profile_updated": "Profile changed",
    "cohort.imported": "Invitations imported from a file",
    "cohort.target_set": "Cohort target set",
    "cohort.target_removed": "Cohort target removed",
    "consent.text_published": "Consent text published",
    "consent.given": "Consent given",
    "round.created": "Session added",
    "round.updated": "Session changed",
    "round.deleted": "Session deleted",
    "round.moved": "Session moved",
    "rounds.plan_applied": "Recommended session plan used",
    "reflection.tagged": "Reflection themes changed",
    "reflections.exported": "Session reflections downloaded",
    "theme.created": "Theme added",
    "theme.renamed": "Theme renamed",
    "theme.merged": "Theme merged into another",
    "inquiry.excerpt_marking_changed": "Changed who can mark excerpts",
    "excerpt.created": "Excerpt marked",
    "excerpt.updated": "Excerpt themes changed",
    "excerpt.deleted": "Excerpt deleted",
    "testimony.attachment_added": "File attached to testimony",
    "testimony.attachment_removed": "File removed from testimony",
    "testimony.written": "Testimony written by a witness",
    "testimony.recorded": "Testimony recorded for a witness",
    "testimony.updated": "Testimony changed",
    "testimony.approved": "Testimony approved by the witness",
    "testimony.changes_requested": "Witness asked for changes to testimony",
    "testimony.use_changed": "How testimony may be used changed",
    "testimony.withdrawn": "Testimony withdrawn and erased",
    "question.asked": "Question for witnesses asked",
    "question.answered": "Question for witnesses marked answered",
    "question.reopened": "Question for witnesses reopened",
    "question.deleted": "Question for witnesses deleted",
    "safeguarding.flag_raised": "Safeguarding concern raised",
    "safeguarding.flag_followed_up": "Safeguarding concern followed up",
    "safeguarding.flag_reopened": "Safeguarding concern reopened",
    "evaluation.changed": "Evaluation questionnaire changed",
    "evaluation.opened": "Evaluation questionnaire opened",
    "evaluation.closed": "Evaluation questionnaire closed",
    "round.opened": "Session opened",
    "round.closed": "Session closed",
    "round.reopened": "Session reopened",
    "round.settings_changed": "Session setting changed",
    "reflection.draft_saved": "Reflection saved as a draft",
    "reflection.shared": "Reflection shared",
    "reflection.updated": "Shared reflection changed",
    "reply.posted": "Reply to a reflection posted",
    "reply.updated": "Reply to a reflection changed",
    "recommendation.drafted": "Recommendation drafted",
    "recommendation.proposed": "Recommendation proposed to the cohort",
    "recommendation.edited": "Recommendation reworded by its author",
    "recommendation.deleted": "Draft recommendation deleted",
    "recommendation.supported": "Recommendation supported",
    "recommendation.support_withdrawn": "Support for a recommendation withdrawn",
    "recommendation.commented": "Comment on a recommendation posted",
    "amendment.proposed": "Amendment proposed",
    "amendment.accepted": "Amendment accepted",
    "amendment.declined": "Amendment declined",
    "amendment.withdrawn": "Amendment withdrawn",
    "recommendations.merged": "Recommendations merged",
    "merge.accepted": "Merged wording accepted",
    "merge.declined": "Merged wording declined",
    "recommendation.frozen": "Recommendation frozen for the vote",
    "recommendation.unfrozen": "Recommendation no longer going to the vote",
    # Never an event per vote: that would tie a person to the time they voted.
    "ballot.opened": "Ballot opened",
    "ballot.closed": "Ballot closed and counted",
    "report.narrative_changed": "Report narrative changed",
    "report.build_requested": "Report build requested",
    "report.build_failed": "Report build failed",
    "report.published": "Report version published",
    "report.review_opened": "Report review opened",
    "report.review_closed": "Report review closed",
    "report.commented": "Comment on the draft report posted",
    "report.downloaded": "Report downloaded",
    "report.exported": "Report data downloaded",
    "membership.erased": "Member's personal data erased",
    "inquiry.retention_erased": "Personal data erased after the retention date",
    "response.answer_saved": "Answer to a recommendation saved (draft)",
    "response.published": "Commissioner's response published",
    "progress.updated": "Progress update posted",
    "challenge.started": "Started a 100-day challenge",
    "challenge.changed": "Changed a 100-day challenge",
    "challenge.readiness_rated": "Checked the readiness of a 100-day challenge",
    "challenge.launched": "Launched a 100-day challenge",
    "challenge.reviewed": "Recorded a 100-day challenge review",
    "challenge.closed": "Finished a 100-day challenge",
}


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    inquiry: Inquiry | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an event. ``details`` must never hold the content of contributions."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        inquiry_id=inquiry.id if inquiry is not None else None,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    session.add(event)
    session.flush()
    return event


def events_for_inquiry(
    session: Session, inquiry: Inquiry, *, page: int, per_page: int
) -> tuple[list[AuditEvent], int]:
    """One page of an inquiry's events, newest first, and the total count."""
    total = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.inquiry_id == inquiry.id)
    )
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.inquiry_id == inquiry.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(events), total or 0


def describe(action: str) -> str:
    return ACTION_LABELS.get(action, action)
