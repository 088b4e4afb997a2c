"""One error type for everything a user may see.

Every failure that reaches a person (HTTP response, CLI line) is a ShuzhiError: a stable
machine code, a Chinese and an English message, and the HTTP status it maps to. Lower layers
raise it; the API and the CLI render it. Nothing else should ever be shown to users.
"""

from __future__ import annotations

from typing import Any


class ShuzhiError(Exception):
    """A user-facing error with bilingual messages.

    code: stable snake_case identifier (part of the API contract).
    zh / en: complete sentences, no stack traces, no secrets.
    status: HTTP status used by the API (the CLI exits non-zero for every ShuzhiError).
    """

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        status: int = 400,
        *,
        headers: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en
        self.status = status
        self.headers = headers or {}
        self.details = details or {}

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def to_dict(self) -> dict[str, Any]:
        """The JSON form recorded with jobs and runs: {"code", "zh", "en"} (+ details when any)."""
        out: dict[str, Any] = {"code": self.code, "zh": self.zh, "en": self.en}
        if self.details:
            out["details"] = self.details
        return out

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.code}: {self.en}"


def bad_input(code: str, zh: str, en: str, **kw: Any) -> ShuzhiError:
    return ShuzhiError(code, zh, en, 400, **kw)
