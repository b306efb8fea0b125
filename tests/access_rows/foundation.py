"""Access rows for the foundation: pages, accounts, inquiries, invitations, audit."""

from __future__ import annotations

from datetime import timedelta

from inquiry.extensions import db
from inquiry.models import Invitation, Membership, Role, utcnow
from inquiry.security.links import new_nonce

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("pages.index", "GET"): ("public", 200, {"signed_in": 302}),
    ("pages.accessibility", "GET"): ("public", 200, {}),
    ("pages.privacy", "GET"): ("public", 200, {}),
    ("pages.cookies", "GET"): ("public", 200, {}),
    ("accounts.sign_in", "GET"): ("public", 200, {"signed_in": 302}),
    ("accounts.sign_in", "POST"): ("public", 200, {"signed_in": 302}),
    ("accounts.sign_out", "POST"): ("signed_in", 302, {}),
    ("accounts.change_password", "GET"): ("signed_in", 200, {}),
    ("accounts.change_password", "POST"): ("signed_in", 200, {}),
    ("accounts.reset_request", "GET"): ("public", 200, {}),
    ("accounts.reset_request", "POST"): ("public", 200, {}),
    ("accounts.reset_password", "GET"): ("public", 400, {}),
    ("accounts.reset_password", "POST"): ("public", 400, {}),
    ("accounts.setup", "GET"): ("public", 400, {}),
    ("accounts.setup", "POST"): ("public", 400, {}),
    ("inquiries.home", "GET"): ("signed_in", 200, {}),
    ("inquiries.new", "GET"): ("create", 200, {}),
    ("inquiries.new", "POST"): ("create", 200, {}),
    ("inquiries.overview", "GET"): ("member", 200, {}),
    ("inquiries.members", "GET"): ("manage", 200, {}),
    ("inquiries.reset_link", "POST"): ("manage", 200, {}),
    ("invitations.new", "GET"): ("manage", 200, {}),
    ("invitations.new", "POST"): ("manage", 200, {}),
    ("invitations.show", "GET"): ("manage", 200, {}),
    ("invitations.resend", "POST"): ("manage", 302, {}),
    ("invitations.revoke", "GET"): ("manage", 200, {}),
    ("invitations.revoke", "POST"): ("manage", 302, {}),
    ("invitations.respond", "GET"): ("public", 400, {}),
    ("invitations.respond", "POST"): ("public", 400, {}),
    ("audit.log", "GET"): ("manage", 200, {}),
}


def url_values(world) -> dict[str, object]:
    participant = world.people["participant"]
    membership = db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == participant.id, Membership.inquiry_id == world.inquiry.id
        )
    )
    invitation = Invitation(
        inquiry_id=world.inquiry.id,
        email="invited.person@example.org",
        role=Role.PARTICIPANT,
        nonce=new_nonce(),
        expires_at=utcnow() + timedelta(days=14),
    )
    db.session.add(invitation)
    db.session.commit()
    return {"invitation_id": invitation.id, "membership_id": membership.id}
