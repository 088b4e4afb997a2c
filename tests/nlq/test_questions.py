"""The question set: every question parsed with today = 2026-11-26 and compared on its essential
spec parts (shuzhi.ai.nl.evaluate, the same code as `shuzhi eval-ask`); accuracy by category is
printed (run with -s) and must be ≥ 90 % overall."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shuzhi.ai.nl.evaluate import evaluate, load_cases, run_case

CASES = load_cases(Path(__file__).parent / "questions.yaml")
CATEGORIES = {"metric", "groupby", "grain", "time", "filter", "negation", "having", "topn", "share", "yoy_pop",
              "total", "followup", "unknown"}


def test_question_set_size() -> None:
    assert len(CASES) >= 210
    assert {c["cat"] for c in CASES} >= CATEGORIES
    assert len({c["q"] + "|" + str(c.get("previous")) for c in CASES}) == len(CASES), "duplicate questions"
    english = [c for c in CASES if c["q"].isascii()]
    assert 0.25 * len(CASES) <= len(english) <= 0.6 * len(CASES)


def test_accuracy_by_category(nl_env: dict[str, Any]) -> None:
    report = evaluate(CASES, nl_env["lex"], nl_env["today"])
    print("\ncategory      correct/total  accuracy")
    for cat, (ok, n, acc) in report.by_category().items():
        print(f"{cat:<13} {ok:>4}/{n:<4}       {acc:6.1%}")
    print(f"{'overall':<13} {report.correct:>4}/{report.total:<4}       {report.accuracy:6.1%}")
    for r in report.failures:
        print(f"  {r.case['q']!r}\n    expected {r.want}\n    got      {r.got}")
    assert not [r for r in report.results if r.error], "the parser crashed or produced an invalid spec"
    assert report.accuracy >= 0.90
    assert all(acc >= 0.75 for _, _, acc in report.by_category().values())


@pytest.mark.parametrize("case", [c for c in CASES if c["cat"] in ("followup", "unknown")], ids=lambda c: c["q"])
def test_followup_and_unknown_cases(case: dict[str, Any], nl_env: dict[str, Any]) -> None:
    r = run_case(case, nl_env["lex"], nl_env["today"])
    assert r.ok, r.got
