"""The domain model. Importing this package registers every table on ``Base.metadata``."""

from .account_token import AccountToken, TokenPurpose
from .audit import AppendOnlyError, AuditEvent
from .base import Base, utcnow
from .inquiry import Inquiry, InquiryStatus, Membership, MembershipStatus, Role
from .invitation import Invitation, InvitationStatus
from .user import User

__all__ = [
    "AccountToken",
    "AppendOnlyError",
    "AuditEvent",
    "Base",
    "Inquiry",
    "InquiryStatus",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "MembershipStatus",
    "Role",
    "TokenPurpose",
    "User",
    "utcnow",
]
