"""A local SMTP server (aiosmtpd) that keeps what it receives; optionally with AUTH LOGIN/PLAIN, and with
STARTTLS or implicit TLS (a self-signed certificate for 127.0.0.1 made by `self_signed(folder)`; point
SSL_CERT_FILE at its cert so the sender's default, verifying TLS context trusts it).

with FakeSMTP(user="bot@huajing.cn", password="pw") as smtp:
    ... send to 127.0.0.1:smtp.port ...
    msg = smtp.messages[0]          # an email.message.EmailMessage
    smtp.envelopes[0]["rcpt_tos"]
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from shuzhi_testing import free_port


class _Handler:
    def __init__(self, box: FakeSMTP) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.box.envelopes.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "authenticated": bool(session.authenticated),
            }
        )
        self.box.messages.append(message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) of a fresh self-signed certificate for 127.0.0.1 (IP SAN) and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class FakeSMTP:
    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        *,
        tls: str | None = None,
        cert: tuple[Path, Path] | None = None,
    ) -> None:
        """tls: None (plain), "starttls" (required before MAIL) or "ssl" (implicit TLS); both need `cert`."""
        self.port = free_port()
        self.user, self.password = user, password
        self.messages: list[EmailMessage] = []
        self.envelopes: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {}
        if user is not None:
            # implicit TLS: the session is encrypted before SMTP starts (aiosmtpd cannot tell), so AUTH is offered
            kwargs.update(authenticator=self._auth, auth_required=True, auth_require_tls=tls == "starttls")
        if tls is not None:
            assert cert is not None, "TLS needs a certificate (self_signed(folder))"
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(cert[0]), str(cert[1]))
            if tls == "starttls":
                kwargs.update(tls_context=ctx, require_starttls=True)
            else:
                kwargs["ssl_context"] = ctx
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)

    def _auth(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.user
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> FakeSMTP:
        self._controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._controller.stop()
