"""Encryption of stored secrets (database passwords) with Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from SHUZHI_SECRET_KEY (a Fernet key, or any passphrase, stretched with SHA-256), else
from SHUZHI_HOME/secret.key, generated on first use with mode 0600 (created exclusively, so two
processes starting together agree on one key). Losing the key makes stored passwords unreadable:
connections then ask for their password again (code secret_undecryptable); nothing else breaks.

Invariants: plaintext secrets are never logged or returned; only seal() output is stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.settings import Settings

log = get_logger("shuzhi.auth.secrets")


def _key_from_text(text: str) -> bytes:
    raw = text.strip().encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw  # already a Fernet key
    except (binascii.Error, ValueError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(b"shuzhi-secret-key:" + raw).digest())


def _key_file(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)
            log.warning("secret_key_permissions_fixed", path=str(path), was=oct(mode))
        key = path.read_bytes().strip()
        if not key:
            raise ShuzhiError("secret_key_invalid", f"密钥文件 {path} 为空，请从备份恢复或设置 SHUZHI_SECRET_KEY。",
                              f"The key file {path} is empty; restore it or set SHUZHI_SECRET_KEY.", 500) from None
        return key
    key = Fernet.generate_key()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    log.info("secret_key_created", path=str(path))
    return key


class SecretBox:
    """seal() / open() text with the installation's key."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        try:
            self._fernet = Fernet(key)
        except (ValueError, binascii.Error):
            raise ShuzhiError("secret_key_invalid", "加密密钥格式无效（应为 Fernet 密钥）。",
                              "The encryption key is not a valid Fernet key.", 500) from None

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.secret_key:
            return cls(_key_from_text(settings.secret_key))
        settings.ensure_home()
        return cls(_key_file(settings.secret_key_path))

    def signing_key(self, purpose: str) -> bytes:
        """A key for HMAC signatures of one purpose (e.g. "embed"), derived from the installation's key:
        one secret to keep, and a signature for one purpose is never valid for another."""
        return hmac.new(self._key, b"shuzhi-signing:" + purpose.encode("utf-8"), hashlib.sha256).digest()

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise ShuzhiError(
                "secret_undecryptable",
                "无法解密已保存的密码（加密密钥已更换？）。请重新输入该连接的密码。",
                "The saved password cannot be decrypted (was the encryption key changed?). "
                "Enter the connection's password again.", 409) from None
