"""The question set: every question parsed with today = 2026-11-26 and compared on its essential
spec parts; accuracy by category is printed (run with -s) and must be ≥ 90 % overall."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from essentials import essentials, expected

from shuzhi.ai.nl import parse_question
from shuzhi.spec.query_spec import parse_spec

CASES = yaml.safe_load((Path(__file__).parent / "questions.yaml").read_text(encoding="utf-8"))


def run_case(case: dict[str, Any], env: dict[str, Any]) -> tuple[bool, dict[str, Any], Any]:
    lex, today = env["lex"], env["today"]
    prev = parse_question(case["previous"], lex, today=today) if case.get("previous") else None
    r = parse_question(case["q"], lex, today=today, previous=prev)
    got = essentials(r.spec, today)
    exp = expected(case["expect"])
    ok = got == exp
    if ok and case["expect"].get("unknown"):
        said = " ".join(u["text"] for u in r.unknown)
        ok = all(w in said for w in case["expect"]["unknown"])
    return ok, got, r


def test_question_set_size() -> None:
    assert len(CASES) >= 120
    cats = {c["cat"] for c in CASES}
    assert cats >= {"metric", "groupby", "grain", "time", "filter", "negation", "having", "topn", "share",
                    "yoy_pop", "total", "followup", "unknown"}


def test_accuracy_by_category(nl_env: dict[str, Any]) -> None:
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    for case in CASES:
        ok, got, r = run_case(case, nl_env)
        by_cat[case["cat"]][1] += 1
        if ok:
            by_cat[case["cat"]][0] += 1
        else:
            failures.append(f"  {case['q']!r}\n    expected {expected(case['expect'])}\n    got      {got}")
        if r.spec is not None:
            parse_spec(r.spec)
    total_ok = sum(v[0] for v in by_cat.values())
    print("\ncategory      correct/total  accuracy")
    for cat, (ok, n) in sorted(by_cat.items()):
        print(f"{cat:<13} {ok:>4}/{n:<4}       {ok / n:6.1%}")
    print(f"{'overall':<13} {total_ok:>4}/{len(CASES):<4}       {total_ok / len(CASES):6.1%}")
    if failures:
        print("failures:\n" + "\n".join(failures))
    assert total_ok / len(CASES) >= 0.90


@pytest.mark.parametrize("case", [c for c in CASES if c["cat"] in ("followup", "unknown")], ids=lambda c: c["q"])
def test_followup_and_unknown_cases(case: dict[str, Any], nl_env: dict[str, Any]) -> None:
    ok, got, _ = run_case(case, nl_env)
    assert ok, got
