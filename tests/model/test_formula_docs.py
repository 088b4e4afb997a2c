"""docs/formulas.md documents every function of the formula language, and its examples parse.

Fails when a function is added to ALLOWED_FUNCTIONS without a row in the docs' function tables, when
a row's example no longer parses, or when an error code raised by the formula modules is undocumented.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shuzhi.model.formula import ALLOWED_FUNCTIONS, parse_formula

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "formulas.md").read_text(encoding="utf-8")
SOURCES = sorted((ROOT / "src" / "shuzhi" / "model").glob("formula*.py"))
ROW = re.compile(r"^\| `([A-Z_0-9]+)[(`][^|]*\|[^|]*\|[^|]*\| `(?P<example>[^|]+)` \|$", re.M)
DOCUMENTED = {m.group(1): m.group("example") for m in ROW.finditer(DOCS)}


@pytest.mark.parametrize("name", sorted(ALLOWED_FUNCTIONS))
def test_every_function_has_a_row_with_an_example(name: str) -> None:
    assert name in DOCUMENTED, f"add a row for {name} to docs/formulas.md"


@pytest.mark.parametrize(("name", "example"), sorted(DOCUMENTED.items()))
def test_documented_examples_parse(name: str, example: str) -> None:
    assert name in ALLOWED_FUNCTIONS, f"docs/formulas.md documents {name}, which is not allowed"
    assert name in example.upper()
    parse_formula(example, allow_aggregates=True, context="metric")


def test_every_error_code_is_documented() -> None:
    raised = re.compile(r'FormulaError\(\s*"(formula_[a-z_]+)"')
    codes = {code for path in SOURCES for code in raised.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(code for code in codes if f"`{code}`" not in DOCS)
    assert codes and not missing, missing
