"""The domain model. Importing this package registers every table on ``Base.metadata``."""

from .account_token import AccountToken, TokenPurpose
from .audit import AppendOnlyError, AuditEvent
from .base import Base, utcnow
from .cohort import CohortTarget
from .consent import ConsentAudience, ConsentRecord, ConsentText
from .inquiry import (
    AgreementScale,
    Inquiry,
    InquiryMode,
    InquiryStatus,
    Membership,
    MembershipStatus,
    Role,
    WithdrawalPolicy,
)
from .invitation import Invitation, InvitationStatus
from .rounds import Round, RoundKind, RoundPrompt, RoundStatus
from .user import User

__all__ = [
    "AccountToken",
    "AgreementScale",
    "AppendOnlyError",
    "AuditEvent",
    "Base",
    "CohortTarget",
    "ConsentAudience",
    "ConsentRecord",
    "ConsentText",
    "Inquiry",
    "InquiryMode",
    "InquiryStatus",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "MembershipStatus",
    "Role",
    "Round",
    "RoundKind",
    "RoundPrompt",
    "RoundStatus",
    "TokenPurpose",
    "User",
    "WithdrawalPolicy",
    "utcnow",
]
