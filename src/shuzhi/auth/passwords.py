"""Password hashing with argon2id (argon2-cffi defaults, RFC 9106 low-memory profile) and the policy
for new passwords (length, a shipped common-password list, runs, repetitions, the user name)."""

from __future__ import annotations

import secrets
import string
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shuzhi.errors import ShuzhiError

_hasher = PasswordHasher()
MIN_LENGTH = 10
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
    """A random password easy to copy: letters and digits, at least one of each, that passes the policy."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            try:
                check_password_policy(pw)
            except ShuzhiError:
                continue
            return pw


# -- the password policy -------------------------------------------------------------------
# Applies to every new password (user create, own change, admin reset, CLI, the first admin);
# passwords set before it keep working, since login only verifies the hash.
_COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")
REQUIREMENT_ZH = f"密码至少 {MIN_LENGTH} 个字符，不能是常见密码、连续或重复的字符，也不能包含用户名。"
REQUIREMENT_EN = (f"A password needs at least {MIN_LENGTH} characters and must not be a common password, "
                  "a run or repetition of characters, or contain the user name.")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list (lower case), read once."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def _is_run(pw: str) -> bool:
    """Every character one step after (or before) the previous one, or a slice of a keyboard row."""
    steps = {ord(b) - ord(a) for a, b in zip(pw, pw[1:], strict=False)}
    if steps in ({1}, {-1}):
        return True
    return any(pw in row or pw in row[::-1] for row in _RUNS)


def _is_repetition(pw: str) -> bool:
    """A unit of at most 4 characters repeated, or hardly any different characters."""
    if len(set(pw)) < 4:
        return True
    return any(pw == (pw[:k] * (len(pw) // k + 1))[: len(pw)] for k in range(1, 5))


def _weak(code: str, zh: str, en: str) -> ShuzhiError:
    return ShuzhiError(code, f"{zh}{REQUIREMENT_ZH}", f"{en} {REQUIREMENT_EN}")


def check_password_policy(password: str, username: str | None = None) -> None:
    """Refuse a new password that is short, common, patterned or contains the user name (400)."""
    if len(password) > MAX_LENGTH:
        raise ShuzhiError(
            "password_too_long",
            f"密码不能超过 {MAX_LENGTH} 个字符。",
            f"The password must be at most {MAX_LENGTH} characters long.",
        )
    if len(password) < MIN_LENGTH or not password.strip():
        raise _weak("password_too_short", "密码太短。", "The password is too short.")
    low = password.strip().lower()
    base = low.rstrip(string.digits + string.punctuation + " ")  # "password123!" -> "password"
    name = (username or "").strip().lower()
    if name and name in (low, base):
        raise _weak("password_is_username", "密码不能是用户名（或用户名加数字）。",
                    "The password is the user name (or the user name plus digits).")
    if _is_repetition(low) or _is_run(low):
        raise _weak("password_weak", "密码是连续或重复的字符。", "The password is a run or repetition of characters.")
    common = common_passwords()
    patterned_base = len(base) >= 4 and (_is_run(base) or _is_repetition(base))
    if low in common or base in common or patterned_base:
        raise _weak("password_common", "这是常见密码，很容易被猜中。", "This is a common password, easy to guess.")
