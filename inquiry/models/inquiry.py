"""Inquiries and the roles people hold in them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..results.rules import MINIMUM_VOTERS
from .base import Base, UTCDateTime, utcnow


def enum_column(enum_class: type[enum.Enum], length: int = 20) -> Enum:
    """A portable enum: a plain string column holding the member's value."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Role(enum.StrEnum):
    RESEARCHER = "researcher"
    PARTICIPANT = "participant"
    WITNESS = "witness"
    COMMISSIONER = "commissioner"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def plural(self) -> str:
        return ROLE_PLURALS[self]


ROLE_LABELS = {
    Role.RESEARCHER: "Researcher",
    Role.PARTICIPANT: "Participant",
    Role.WITNESS: "Witness",
    Role.COMMISSIONER: "Commissioner",
    Role.OBSERVER: "Observer",
}
ROLE_PLURALS = {
    Role.RESEARCHER: "Researchers",
    Role.PARTICIPANT: "Participants",
    Role.WITNESS: "Witnesses",
    Role.COMMISSIONER: "Commissioners",
    Role.OBSERVER: "Observers",
}


class InquiryStatus(enum.StrEnum):
    DRAFT = "draft"
    RECRUITING = "recruiting"
    IN_SESSION = "in_session"
    VOTING = "voting"
    REPORTING = "reporting"
    PUBLISHED = "published"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class InquiryMode(enum.StrEnum):
    STANDARD = "standard"
    INVERTED = "inverted"

    @property
    def label(self) -> str:
        return "Inverted inquiry" if self is InquiryMode.INVERTED else "Standard inquiry"


class AgreementScale(enum.StrEnum):
    FIVE_POINT = "five_point"
    THREE_POINT = "three_point"

    @property
    def label(self) -> str:
        return AGREEMENT_SCALE_LABELS[self]

    @property
    def options(self) -> list[str]:
        return AGREEMENT_SCALE_OPTIONS[self]


AGREEMENT_SCALE_LABELS = {
    AgreementScale.FIVE_POINT: "Strongly agree, agree, neither, disagree, strongly disagree",
    AgreementScale.THREE_POINT: "Agree, neither, disagree",
}
AGREEMENT_SCALE_OPTIONS = {
    AgreementScale.FIVE_POINT: [
        "Strongly agree",
        "Agree",
        "Neither agree nor disagree",
        "Disagree",
        "Strongly disagree",
    ],
    AgreementScale.THREE_POINT: ["Agree", "Neither agree nor disagree", "Disagree"],
}


class WithdrawalPolicy(enum.StrEnum):
    """What happens to a withdrawn member's contributions."""

    KEEP_ANONYMISED = "keep_anonymised"
    REMOVE = "remove"

    @property
    def label(self) -> str:
        if self is WithdrawalPolicy.REMOVE:
            return "Removed from the inquiry"
        return "Kept, without their name"


class MembershipStatus(enum.StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Inquiry(Base):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[InquiryStatus] = mapped_column(
        enum_column(InquiryStatus), default=InquiryStatus.DRAFT
    )
    mode: Mapped[InquiryMode] = mapped_column(
        enum_column(InquiryMode), default=InquiryMode.STANDARD, server_default="standard"
    )
    scope: Mapped[str] = mapped_column(Text, default="", server_default="")
    commissioner_organisation: Mapped[str] = mapped_column(
        String(200), default="", server_default=""
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # Witnesses may withdraw testimony until the end of this day.
    withdrawal_deadline: Mapped[date | None] = mapped_column(Date)
    # After this day personal data and testimony of a closed inquiry are erased.
    retention_date: Mapped[date | None] = mapped_column(Date)
    # The commissioner's response to the recommendations is due by the end of this day.
    response_due_on: Mapped[date | None] = mapped_column(Date)
    # Set when the retention date passed and personal data and testimony were erased.
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreement_scale: Mapped[AgreementScale] = mapped_column(
        enum_column(AgreementScale), default=AgreementScale.FIVE_POINT, server_default="five_point"
    )
    # A recommendation passes when support is at least numerator / denominator of the
    # votes that are not abstentions; kept as a fraction so two thirds is exact.
    pass_threshold_numerator: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    pass_threshold_denominator: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Share of eligible participants who must vote for a ballot to count, in percent.
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50, server_default="50")
    safeguarding_contact: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Whether participants, not only researchers, may mark excerpts of testimony.
    participants_mark_excerpts: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    withdrawal_policy: Mapped[WithdrawalPolicy] = mapped_column(
        enum_column(WithdrawalPolicy, length=20),
        default=WithdrawalPolicy.KEEP_ANONYMISED,
        server_default="keep_anonymised",
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    memberships = relationship(
        "Membership", back_populates="inquiry", cascade="all, delete-orphan", lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Inquiry {self.id}>"

    # The voting rule in words, for every page and the report. -----------------

    # Fractions with a name; any other threshold is shown as a percentage.
    FRACTION_WORDS = {
        (1, 2): "half",
        (3, 5): "three fifths",
        (2, 3): "two thirds",
        (3, 4): "three quarters",
    }

    @staticmethod
    def describe_share(numerator: int, denominator: int) -> str:
        """'two thirds', '70%' or 'all': a share of votes or people, in words."""
        if denominator <= 0:
            return f"{numerator}/{denominator}"
        if numerator >= denominator:
            return "all"
        if (numerator, denominator) in Inquiry.FRACTION_WORDS:
            return Inquiry.FRACTION_WORDS[(numerator, denominator)]
        percent = numerator * 100 / denominator
        return f"{percent:g}%" if percent == int(percent) else f"{percent:.1f}%"

    @property
    def pass_threshold_words(self) -> str:
        """'at least two thirds', or 'all' when every vote must agree."""
        share = self.describe_share(self.pass_threshold_numerator, self.pass_threshold_denominator)
        return share if share == "all" else f"at least {share}"

    @property
    def agreeing_options_words(self) -> str:
        """The answers on the agreement scale that count as support."""
        if AgreementScale(self.agreement_scale) is AgreementScale.THREE_POINT:
            return "agree"
        return "agree or strongly agree"

    @property
    def voting_rule(self) -> str:
        """The pass rule in one sentence, as shown to members and in the report."""
        return (
            f"A recommendation passes when {self.pass_threshold_words} of the votes that are "
            f"not abstentions are {self.agreeing_options_words}."
        )

    @property
    def quorum_rule(self) -> str:
        """The quorum in one sentence."""
        share = self.describe_share(self.quorum_percent, 100)
        who = (
            "every eligible participant votes"
            if share == "all"
            else (f"at least {share} of eligible participants vote")
        )
        return f"A ballot counts only if {who}, with at least {MINIMUM_VOTERS} voters in all."


class Membership(Base):
    """One person's single role in one inquiry."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("inquiry_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus), default=MembershipStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a researcher erased the member's personal data (or the retention date did).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Participants' profile, self-declared.
    professional_role: Mapped[str] = mapped_column(String(40), default="", server_default="")
    professional_role_other: Mapped[str] = mapped_column(String(100), default="", server_default="")
    sector: Mapped[str] = mapped_column(String(40), default="", server_default="")
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    locality: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # Whether a participant agrees to be named in the report (never by default).
    named_in_report: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Witnesses' profile.
    lived_experience: Mapped[str] = mapped_column(String(40), default="", server_default="")
    lived_experience_other: Mapped[str] = mapped_column(String(200), default="", server_default="")
    display_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    access_needs: Mapped[str] = mapped_column(Text, default="", server_default="")
    support_contact: Mapped[str] = mapped_column(Text, default="", server_default="")

    inquiry = relationship("Inquiry", back_populates="memberships", lazy="joined")
    user = relationship("User", back_populates="memberships", lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def public_name(self) -> str:
        """The name others in the inquiry see: a witness's chosen display name."""
        if self.role == Role.WITNESS and self.display_name:
            return self.display_name
        return self.user.name
