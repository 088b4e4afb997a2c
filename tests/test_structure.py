"""Only the executor constructs engines, and only engines/ opens cursors (issue 13).

`DuckDBEngine(` and `SqlAlchemyEngine(` may appear in src only inside engines/ and
service/executor.py; `.cursor(` only inside engines/. Everything else runs specs through the
executor (service/executor.py), which applies engine choice, cache, row caps and row rules.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "shuzhi"

ENGINE = re.compile(r"\b(DuckDBEngine|SqlAlchemyEngine)\(")
CURSOR = re.compile(r"\.cursor\(")
# Modules being moved into service/ by another part of issue 13; they still open warehouse cursors
# or build a direct engine. Point them at the executor when they arrive, then empty this set.
MOVING = {"runtime/imports.py", "runtime/refresh.py", "runtime/datasets.py", "runtime/modeling.py",
          "runtime/connections.py"}


def _hits(pattern: re.Pattern[str], allowed: set[str] | None = None) -> list[str]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("engines/") or rel in (allowed or set()) or rel in MOVING:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code):
                out.append(f"{rel}:{n}: {line.strip()}")
    return out


def test_only_the_executor_constructs_engines() -> None:
    hits = _hits(ENGINE, {"service/executor.py"})
    assert not hits, "construct engines only in service/executor.py:\n" + "\n".join(hits)


def test_no_cursor_outside_engines() -> None:
    hits = _hits(CURSOR)
    assert not hits, "open cursors only inside engines/ (run through the executor):\n" + "\n".join(hits)


def test_the_checks_see_what_they_look_for() -> None:
    assert ENGINE.search("e = DuckDBEngine(wh)") and ENGINE.search("SqlAlchemyEngine(url)")
    assert not ENGINE.search("class DuckDBEngine:") and CURSOR.search("with wh.cursor() as cur:")
