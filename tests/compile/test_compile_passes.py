"""Each compile pass against its own fixtures (tests/compile/fixtures/<pass>.yaml; runner: pass_fixtures.py).

SHUZHI_UPDATE_GOLDEN=1 rewrites the `expect` of every case from the current compiler; review the diff.
A case whose `expect` is missing is written (and the test fails, asking for a review).
"""

from __future__ import annotations

import pytest
from pass_fixtures import CASE_KEYS, PASSES, UPDATE, load, render, rewrite

from shuzhi.compile import CORE_PASSES

CASES = {p: load(p) for p in PASSES}


def _params() -> list:
    return [pytest.param(p, i, id=f"{p}:{c['name']}") for p in PASSES for i, c in enumerate(CASES[p])]


@pytest.mark.parametrize(("pass_name", "i"), _params())
def test_pass(pass_name: str, i: int) -> None:
    case = CASES[pass_name][i]
    actual = render(pass_name, case)
    if UPDATE or "expect" not in case:
        missing = "expect" not in case
        case["expect"] = actual
        rewrite(pass_name, CASES[pass_name])
        if missing and not UPDATE:
            pytest.fail(f"{pass_name}.yaml: {case['name']} had no expect; written, review it")
    assert actual == case["expect"].rstrip("\n"), (
        f"fixtures/{pass_name}.yaml case {case['name']} ({case.get('why', '')}) differs; "
        f"SHUZHI_UPDATE_GOLDEN=1 to accept after review\n--- actual\n{actual}")


def test_every_pass_has_fixtures() -> None:
    """A new pass in compile/__init__.py needs a fixture file; every file is a pass; cases are well formed."""
    core = [p.__name__ for p in CORE_PASSES]
    assert set(core) <= set(PASSES), f"passes without fixtures: {set(core) - set(PASSES)}"
    for p in PASSES:
        names = [c["name"] for c in CASES[p]]
        assert len(CASES[p]) >= 3, f"{p}.yaml: give each pass a few meaningful cases"
        assert len(names) == len(set(names)), f"{p}.yaml: duplicate case names"
        for c in CASES[p]:
            assert set(c) <= CASE_KEYS and {"name", "why", "spec"} <= set(c), f"{p}.yaml {c.get('name')}: keys {set(c)}"
