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
from .notification import Notification
from .questions import QuestionStatus, QuestionSupport, WitnessQuestion
from .rounds import Round, RoundKind, RoundPrompt, RoundStatus
from .safeguarding import FlagStatus, SafeguardingFlag
from .testimony import (
    Excerpt,
    Testimony,
    TestimonyAttachment,
    TestimonyFormat,
    TestimonyStatus,
    TestimonyUse,
    Theme,
    excerpt_themes,
)
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
    "Excerpt",
    "FlagStatus",
    "Inquiry",
    "InquiryMode",
    "InquiryStatus",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "MembershipStatus",
    "Notification",
    "QuestionStatus",
    "QuestionSupport",
    "Role",
    "Round",
    "RoundKind",
    "RoundPrompt",
    "RoundStatus",
    "SafeguardingFlag",
    "Testimony",
    "TestimonyAttachment",
    "TestimonyFormat",
    "TestimonyStatus",
    "TestimonyUse",
    "Theme",
    "TokenPurpose",
    "User",
    "WithdrawalPolicy",
    "WitnessQuestion",
    "excerpt_themes",
    "utcnow",
]
