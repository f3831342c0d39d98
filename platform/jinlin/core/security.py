"""Password hashing (Argon2), login tokens, and masking of personal data."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise, not enough to call."""
    if not phone:
        return ""
    if len(phone) <= 4:
        return "*" * len(phone)
    if len(phone) < 8:
        return phone[:1] + "*" * (len(phone) - 3) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


MIN_PASSWORD = 10


@cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(
        line.strip().lower() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None: long enough, not the username, not a common one."""
    if len(password) < MIN_PASSWORD:
        return "at least 10 characters"
    low = password.lower()
    if username and username.lower() in low and len(low) - len(username) < 4:
        return "must not be your username"
    if low in _common_passwords() or low.rstrip("0123456789!.") in _common_passwords():
        return "too common; choose another"
    return None
