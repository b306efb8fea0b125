"""Account operations. They flush; the caller commits once per request."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import AccountToken, TokenPurpose, User
from ..security.links import new_nonce, read_link, sign_link
from ..security.passwords import hash_password, needs_rehash, verify_password


class AccountError(ValueError):
    """A request that cannot be carried out, with a message for the person."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


PASSWORD_MAX = 256


def password_problem(password: str, minimum: int) -> str | None:
    """Why a new password is not acceptable, or None if it is."""
    if len(password) < minimum:
        return f"Password must be at least {minimum} characters"
    if len(password) > PASSWORD_MAX:
        return f"Password must be {PASSWORD_MAX} characters or fewer"
    if password.strip() != password:
        return "Password must not start or end with a space"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def any_user_exists(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    is_researcher: bool = False,
    actor: User | None = None,
) -> User:
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise AccountError("An account with this email address already exists", "email")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        is_researcher=is_researcher,
    )
    session.add(user)
    session.flush()
    record(
        session,
        "user.created",
        actor=actor or user,
        object_type="user",
        object_id=user.id,
        researcher=is_researcher,
    )
    return user


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The user if the password is right and the account is enabled; audits either way."""
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.is_disabled:
        reason = "unknown" if user is None else ("disabled" if ok else "password")
        record(
            session,
            "user.sign_in_failed",
            actor=user,
            object_type="user",
            object_id=user.id if user else None,
            reason=reason,
        )
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = now
    record(session, "user.signed_in", actor=user, object_type="user", object_id=user.id)
    return user


def change_password(session: Session, user: User, current: str, new: str, *, now: datetime) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right", "current_password")
    set_password(session, user, new, now=now)
    record(session, "user.password_changed", actor=user, object_type="user", object_id=user.id)


def set_password(session: Session, user: User, password: str, *, now: datetime) -> None:
    """Set a new password, sign the user out of every other browser and cancel
    any reset link still outstanding for the account."""
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    cancel_tokens(session, TokenPurpose.PASSWORD_RESET, user=user, now=now)
    session.flush()


# Single-use tokens --------------------------------------------------------------


def issue_token(
    session: Session,
    purpose: TokenPurpose,
    *,
    secret_key: str,
    now: datetime,
    lifetime: timedelta,
    user: User | None = None,
) -> str:
    """Create a token row and return the signed link token for it.

    Earlier unused tokens for the same purpose and user stop working, so only
    the newest link is valid.
    """
    cancel_tokens(session, purpose, user=user, now=now)
    row = AccountToken(
        purpose=purpose,
        user_id=user.id if user else None,
        nonce=new_nonce(),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return sign_link(secret_key, purpose.value, row.id, row.nonce)


def cancel_tokens(
    session: Session, purpose: TokenPurpose, *, user: User | None, now: datetime
) -> None:
    """Mark every unused token for this purpose and user (or for no user) as used."""
    owner = AccountToken.user_id == user.id if user else AccountToken.user_id.is_(None)
    for old in session.scalars(
        select(AccountToken).where(
            AccountToken.purpose == purpose, owner, AccountToken.used_at.is_(None)
        )
    ):
        old.used_at = now


def find_token(
    session: Session, purpose: TokenPurpose, token: str, *, secret_key: str, now: datetime
) -> AccountToken | None:
    """The usable token row behind a link, or None if invalid, used or expired."""
    claim = read_link(secret_key, purpose.value, token)
    if claim is None:
        return None
    row = session.get(AccountToken, claim.row_id)
    if row is None or row.purpose != purpose or not claim.matches(row.nonce):
        return None
    if not row.is_usable(now):
        return None
    return row


def reset_password_with_token(
    session: Session, row: AccountToken, password: str, now: datetime
) -> User:
    user = row.user
    if user is None or user.is_disabled:
        raise AccountError("This link can no longer be used")
    row.used_at = now
    set_password(session, user, password, now=now)
    record(session, "user.password_reset", actor=user, object_type="user", object_id=user.id)
    return user


def complete_setup(
    session: Session, row: AccountToken, *, email: str, name: str, password: str, now: datetime
) -> User:
    """Create the first researcher account from a set-up link."""
    if any_user_exists(session):
        raise AccountError("This platform has already been set up")
    row.used_at = now
    user = create_user(session, email=email, name=name, password=password, is_researcher=True)
    record(session, "setup.completed", actor=user, object_type="user", object_id=user.id)
    return user
