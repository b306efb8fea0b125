"""The domain model. Importing this package registers every table on ``Base.metadata``."""

from .account_token import AccountToken, TokenPurpose
from .audit import AppendOnlyError, AuditEvent
from .base import Base, utcnow
from .cohort import CohortTarget
from .consent import ConsentAudience, ConsentRecord, ConsentText
from .evaluation import (
    QuestionKind,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireStatus,
    QuestionnaireSubmission,
)
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
from .reflections import (
    Lens,
    Reflection,
    ReflectionResponse,
    ReflectionStatus,
    TextVersion,
    Visibility,
    reflection_themes,
)
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
    "Lens",
    "Membership",
    "MembershipStatus",
    "Notification",
    "QuestionKind",
    "QuestionStatus",
    "QuestionSupport",
    "Questionnaire",
    "QuestionnaireAnswer",
    "QuestionnaireItem",
    "QuestionnaireResponse",
    "QuestionnaireStatus",
    "QuestionnaireSubmission",
    "Reflection",
    "ReflectionResponse",
    "ReflectionStatus",
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
    "TextVersion",
    "Theme",
    "TokenPurpose",
    "User",
    "Visibility",
    "WithdrawalPolicy",
    "WitnessQuestion",
    "excerpt_themes",
    "reflection_themes",
    "utcnow",
]
