"""Server paths out of user-facing error text (issue 12).

Error messages from DuckDB, zip and file libraries name files on the server (SHUZHI_HOME, the
uploads and temporary folders, the Python installation). What users see — API error bodies and
the errors recorded on jobs — keeps only the last path component; logs keep the full text.

Invariant: only text under a known server root is rewritten (SHUZHI_HOME, the user's home, the
temporary folder, the Python prefixes and site-packages, Shuzhi's own source folder, the working
directory), so user text such as dates "2025/1/3" or values with slashes is left alone.
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from shuzhi.errors import ShuzhiError

_REST = r"[^\s'\"`,;:()\[\]{}<>，。；：（）「」]*"  # the rest of a path, up to a delimiter


@lru_cache(maxsize=8)
def _pattern(home: str) -> re.Pattern[str]:
    roots = {home, str(Path.home()), tempfile.gettempdir(), sys.prefix, sys.base_prefix, sys.exec_prefix,
             sysconfig.get_paths().get("purelib", ""), str(Path(__file__).resolve().parents[2]), os.getcwd()}
    variants = set()
    for r in roots:
        if r and r != os.sep:
            variants.add(r.rstrip(os.sep))
            variants.add(os.path.realpath(r).rstrip(os.sep))
    alts = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True) if v)
    return re.compile(f"(?:{alts})(?=/|$|[^\\w.-])(?:/{_REST})?")


def _short(m: re.Match[str]) -> str:
    last = m.group(0).rstrip("/").rsplit("/", 1)[-1]
    return f"…/{last}" if last else "…"


def redact_text(text: str, home: str | Path) -> str:
    return _pattern(str(home)).sub(_short, text) if text else text


def _redact_value(v: Any, home: str | Path) -> Any:
    if isinstance(v, str):
        return redact_text(v, home)
    if isinstance(v, list):
        return [_redact_value(x, home) for x in v]
    if isinstance(v, dict):
        return {k: _redact_value(x, home) for k, x in v.items()}
    return v


def redact_error(err: ShuzhiError, home: str | Path) -> ShuzhiError:
    """The same error with server paths shortened in its messages and details (a copy if changed)."""
    zh, en = redact_text(err.zh, home), redact_text(err.en, home)
    details = _redact_value(err.details, home) if err.details else err.details
    if zh == err.zh and en == err.en and details == err.details:
        return err
    return ShuzhiError(err.code, zh, en, err.status, headers=err.headers, details=details)
