"""Password hashing with argon2id (argon2-cffi defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shuzhi.errors import ShuzhiError

_hasher = PasswordHasher()
MIN_LENGTH = 8
MAX_LENGTH = 256
_dummy: list[str] = []


def _dummy_hash() -> str:
    """A valid hash of a random secret: verifying against it when a user does not exist keeps
    the response time of "no such user" equal to "wrong password"."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[0]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A random password easy to copy: letters and digits, at least one of each."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def check_password_policy(password: str, username: str | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise ShuzhiError(
            "password_too_short",
            f"密码至少需要 {MIN_LENGTH} 个字符。",
            f"The password must be at least {MIN_LENGTH} characters long.",
        )
    if len(password) > MAX_LENGTH:
        raise ShuzhiError(
            "password_too_long",
            f"密码不能超过 {MAX_LENGTH} 个字符。",
            f"The password must be at most {MAX_LENGTH} characters long.",
        )
    if username and password.strip().lower() == username.lower():
        raise ShuzhiError(
            "password_is_username",
            "密码不能与用户名相同。",
            "The password must not be the same as the user name.",
        )
