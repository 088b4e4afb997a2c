"""Helpers shared by the demo tests: the contract parser, paths and the session build arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED, SCALE, END, TODAY = 7, 0.1, date(2026, 10, 15), date(2026, 11, 1)


def schema_path() -> Path:
    """The contract: ../shared/DEMO_SCHEMA.md next to the repo when present, else the docs copy."""
    shared = REPO_ROOT.parent / "shared" / "DEMO_SCHEMA.md"
    return shared if shared.exists() else REPO_ROOT / "docs" / "DEMO_SCHEMA.md"


@dataclass(frozen=True)
class Contract:
    columns: dict[str, list[tuple[str, str, bool]]]  # table -> [(column, type, nullable)]
    pk: dict[str, list[str]]
    value_sets: dict[tuple[str, str], list[str]]


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def parse_contract(text: str) -> Contract:
    columns: dict[str, list[tuple[str, str, bool]]] = {}
    pk: dict[str, list[str]] = {}
    section = ""
    value_sets: dict[tuple[str, str], list[str]] = {}
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if section.startswith(("Tables", "Extensions")) and line.startswith("| ") and not line.startswith("| table"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            table, spec = cells[0], cells[1]
            cols = []
            for col in _split_top_level(spec):
                words = re.sub(r"\([^)]*\)", "", col).split()
                name, typ, flags = words[0], words[1], words[2:]
                cols.append((name, typ, "null" in flags))
                if "pk" in flags:
                    pk.setdefault(table, []).append(name)
            columns[table] = cols
        elif section == "Value sets" and line.startswith("- "):
            body = re.sub(r"\s*\([^)]*\)", "", line[2:]).strip()
            table = None
            for segment in body.split(";"):
                lhs, rhs = segment.split(":", 1)
                values = [v.strip() for v in rhs.split(",") if v.strip()]
                for target in lhs.split(" and "):
                    target = target.strip()
                    if "." in target:
                        table, column = target.split(".", 1)
                    else:
                        column = target
                    assert table is not None, line
                    value_sets[(table, column)] = values
    return Contract(columns, pk, value_sets)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]
