"""Only the executor constructs engines, only engines/ opens cursors, and no module is too long (issue 13).

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
MAX_LINES = 400


def _hits(pattern: re.Pattern[str], allowed: set[str] | None = None) -> list[str]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("engines/") or rel in (allowed or set()):
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


def test_no_module_over_400_lines() -> None:
    """A module that grows past 400 lines holds more than one idea: split it by meaning."""
    long = [f"{p.relative_to(SRC).as_posix()}: {n} lines" for p in sorted(SRC.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, f"modules over {MAX_LINES} lines (split them by meaning):\n" + "\n".join(long)


TESTS = Path(__file__).resolve().parent
NOT_SOURCE = {"data", "web", "questions", "golden", "fixtures", "fakes", "multi", "__pycache__"}  # inputs, fakes, the web app,
# several instances of the whole product (multi)


def test_tests_mirror_src() -> None:
    """Each test folder is named after a package or module of src/shuzhi at the same place
    (tests/service/datasets ↔ src/shuzhi/service/datasets*.py), so a newcomer finds a module's tests."""
    wrong = []
    for folder in sorted(p for p in TESTS.rglob("*") if p.is_dir()):
        rel = folder.relative_to(TESTS)
        if any(part in NOT_SOURCE or part.startswith(".") for part in rel.parts):
            continue
        target = SRC.joinpath(*rel.parts)
        if not (target.is_dir() or target.with_suffix(".py").exists()
                or any(target.parent.glob(f"{target.name}_*.py"))):
            wrong.append(rel.as_posix())
    assert not wrong, "test folders with no source package or module of that name:\n" + "\n".join(wrong)
