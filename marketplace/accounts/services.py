"""Account rules: each public function is one transaction."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import services as audit
from ..database import utcnow
from ..extensions import db
from ..transaction import write_transaction
from .models import PasswordResetToken, User, new_session_token


class EmailTaken(Exception):
    """Another account already uses this email address."""


class WrongPassword(Exception):
    """The current password given does not match."""


class InvalidResetToken(Exception):
    """The reset link is unknown, used already, or expired."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def _audit(action: str, user: User | None, email: str = "") -> None:
    """Record an account event of `user` (None: no account has the email typed, kept as the label)."""
    membership = user.membership if user is not None else None
    audit.record(
        action,
        actor=user,
        actor_label=normalize_email(email),
        cooperative=membership.cooperative_id if membership is not None else None,
    )


@write_transaction
def register_user(*, full_name: str, email: str, phone: str, password: str) -> User:
    """Create a buyer account. Raises EmailTaken, also when two requests race for one address."""
    user = User(
        full_name=full_name.strip(),
        email=normalize_email(email),
        phone=phone,
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise EmailTaken(email) from exc
    _audit("account.registered", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None; takes as long for an unknown email."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@write_transaction
def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    _audit("account.login", user)


@write_transaction
def record_failed_login(email: str) -> None:
    """Record a refused login with the email typed (never the password), for a known account or not."""
    _audit("account.login_failed", find_user_by_email(email), email)


@write_transaction
def record_logout(user: User) -> None:
    _audit("account.logout", user)


def _set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)
    user.session_token = new_session_token()


@write_transaction
def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password; every other session and remember-me cookie stops working."""
    if not check_password_hash(user.password_hash, current_password):
        raise WrongPassword()
    _set_password(user, new_password)
    _audit("account.password_changed", user)


@write_transaction
def create_password_reset(email: str, max_age: timedelta) -> tuple[User, str] | None:
    """A single-use reset token for the account with this email, or None if there is none.

    Only a hash of the token is stored: a leaked database does not leak working links.
    The request is recorded in the audit log, also for an unknown email.
    """
    user = find_user_by_email(email)
    _audit("account.password_reset_requested", user, email)
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=hash_token(token), created_at=now, expires_at=now + max_age
        )
    )
    return user, token


def user_for_reset_token(token: str) -> User | None:
    """The user a reset token belongs to while it is unused and unexpired."""
    row = db.session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == hash_token(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > utcnow(),
        )
    )
    return row.user if row else None


@write_transaction
def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset token, spending the token (and the user's other tokens).

    The token is spent by a conditional UPDATE, so two requests with one link cannot both win.
    """
    now = utcnow()
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == hash_token(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordResetToken.user_id)
    ).scalar_one_or_none()
    if spent is None:
        raise InvalidResetToken()
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == spent, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    user = db.session.get(User, spent)
    _set_password(user, new_password)
    _audit("account.password_reset", user)
    return user


@write_transaction
def create_or_promote_admin(email: str, password: str | None, full_name: str) -> tuple[User, bool]:
    """Make the account with this email a platform admin, creating it when missing.

    Returns the user and whether it was created. A new account needs a password.
    """
    user = find_user_by_email(email)
    created = user is None
    if user is None:
        if not password:
            raise ValueError("a new admin account needs a password")
        user = User(
            email=normalize_email(email),
            full_name=full_name,
            password_hash=generate_password_hash(password),
        )
        db.session.add(user)
    elif password:
        _set_password(user, password)
    user.is_admin = True
    audit.record("account.admin_granted", actor_label="command line", target=user.email)
    return user, created


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))
