"""A local SMTP server (aiosmtpd) that keeps what it receives; optionally with AUTH LOGIN/PLAIN.

with FakeSMTP(user="bot@huajing.cn", password="pw") as smtp:
    ... send to 127.0.0.1:smtp.port ...
    msg = smtp.messages[0]          # an email.message.EmailMessage
    smtp.envelopes[0]["rcpt_tos"]
"""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
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


class FakeSMTP:
    def __init__(self, user: str | None = None, password: str | None = None) -> None:
        self.port = free_port()
        self.user, self.password = user, password
        self.messages: list[EmailMessage] = []
        self.envelopes: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {}
        if user is not None:
            kwargs.update(authenticator=self._auth, auth_required=True, auth_require_tls=False)
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
