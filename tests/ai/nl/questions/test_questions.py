"""The question sets: every question parsed with today = 2026-11-26 and compared on its essential
spec parts (shuzhi.ai.nl.evaluate, the same code as `shuzhi eval-ask`); accuracy by category is
printed (run with -s).

- questions.yaml (307): the set the parser was built with; must stay ≥ 99 % overall.
- heldout_style.yaml (220+): written afterwards, the way a factory boss, a sales manager, a quality
  engineer and an English-speaking investor ask (colloquial, typos, traditional characters, mixed
  Chinese/English, ratios, concepts the model lacks), deliberately not reusing the first set's
  phrasings; it judges generalisation and must stay ≥ 95 % overall.
- blind_users.yaml (188): written by another engineer from the model, the 口径 and docs/ask.md before
  reading the parser, the way managers type on a phone, over every metric family (each case's `fam`);
  accuracy by category and by family is printed; the threshold sits a little below the measured value
  (81.4 % before the fixes it prompted, 99.5 % after; the set has since been tuned on, so it no longer
  predicts unseen questions — docs/ask.md gives an untuned estimate).
- probe_round2.yaml (80): written from the schema, the model and docs/ask.md before the parser was read
  (round 2), 15 in English, every metric family; 61/80 (76.2 %) before the fixes it prompted, 79/80 after;
  tuned on since, so the threshold keeps the gains, not an estimate. fresh_probe.yaml and
  probe_round3.yaml are never run here: they are measured with `shuzhi eval-ask` (docs/ask.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shuzhi.ai.nl.evaluate import Report, evaluate, load_cases, run_case

HERE = Path(__file__).parent
CASES = load_cases(HERE / "questions.yaml")
HELDOUT = load_cases(HERE / "heldout_style.yaml")
BLIND = load_cases(HERE / "blind_users.yaml")
ROUND2 = load_cases(HERE / "probe_round2.yaml")
CATEGORIES = {"metric", "groupby", "grain", "time", "filter", "negation", "having", "topn", "share", "yoy_pop",
              "total", "followup", "unknown"}


def _print(name: str, report: Report) -> None:
    print(f"\n{name}\ncategory      correct/total  accuracy")
    for cat, (ok, n, acc) in report.by_category().items():
        print(f"{cat:<13} {ok:>4}/{n:<4}       {acc:6.1%}")
    print(f"{'overall':<13} {report.correct:>4}/{report.total:<4}       {report.accuracy:6.1%}")
    for r in report.failures:
        print(f"  {r.case['q']!r}\n    expected {r.want}\n    got      {r.got}")


def _evaluated(name: str, cases: list[dict[str, Any]], env: dict[str, Any], floor: float,
               category_floor: float | None = 0.75, by_family: bool = False) -> Report:
    """Evaluate a set, print it (by category, and by metric family when asked), and hold it to its floors:
    no crash or invalid spec, overall accuracy >= floor, every category >= category_floor (None: unchecked)."""
    report = evaluate(cases, env["lex"], env["today"])
    _print(name, report)
    if by_family:
        fams: dict[str, list[int]] = {}
        for r in report.results:
            f = fams.setdefault(str(r.case.get("fam")), [0, 0])
            f[0] += r.ok
            f[1] += 1
        print("family        correct/total  accuracy")
        for fam, (ok, n) in sorted(fams.items()):
            print(f"{fam:<13} {ok:>4}/{n:<4}       {ok / n:6.1%}")
    assert not [r for r in report.results if r.error], "the parser crashed or produced an invalid spec"
    assert report.accuracy >= floor
    if category_floor is not None:
        assert all(acc >= category_floor for _, _, acc in report.by_category().values())
    return report


@pytest.mark.parametrize("cases", [CASES, HELDOUT], ids=["questions", "heldout_style"])
def test_question_set_size(cases: list[dict[str, Any]]) -> None:
    assert len(cases) >= 210
    assert {c["cat"] for c in cases} >= CATEGORIES
    assert len({c["q"] + "|" + str(c.get("previous")) for c in cases}) == len(cases), "duplicate questions"
    english = [c for c in cases if c["q"].isascii()]
    assert 0.2 * len(cases) <= len(english) <= 0.6 * len(cases)


def test_heldout_does_not_reuse_phrasings() -> None:
    seen = {c["q"].strip().lower() for c in CASES}
    assert not [c["q"] for c in HELDOUT if c["q"].strip().lower() in seen]


def test_blind_set_shape() -> None:
    assert len(BLIND) >= 150
    assert {c["cat"] for c in BLIND} >= CATEGORIES | {"ratio", "mixed"}
    assert {c.get("fam") for c in BLIND} >= {"sales", "margin", "customers", "products", "inventory", "production",
                                             "quality", "purchasing", "crm", "rd"}
    assert len({c["q"] + "|" + str(c.get("previous")) for c in BLIND}) == len(BLIND), "duplicate questions"
    seen = {c["q"].strip().lower() for c in CASES + HELDOUT}
    assert not [c["q"] for c in BLIND if c["q"].strip().lower() in seen], "reuses a phrasing of the other sets"
    assert 20 <= sum(c["q"].isascii() for c in BLIND) <= 0.3 * len(BLIND)


def test_accuracy_by_category(nl_env: dict[str, Any]) -> None:
    _evaluated("questions.yaml", CASES, nl_env, 0.99)


def test_heldout_accuracy_by_category(nl_env: dict[str, Any]) -> None:
    _evaluated("heldout_style.yaml", HELDOUT, nl_env, 0.95)


def test_blind_accuracy_by_category(nl_env: dict[str, Any]) -> None:
    # measured 153/188 (81.4 %) before the parser was read, 187/188 (99.5 %) after the general fixes
    _evaluated("blind_users.yaml", BLIND, nl_env, 0.97, by_family=True)


def test_round2_probe_shape() -> None:
    assert len(ROUND2) == 80
    assert {c.get("fam") for c in ROUND2} >= {"sales", "margin", "customers", "products", "inventory", "production",
                                              "quality", "purchasing", "crm", "rd", "none"}
    assert len({c["q"] + "|" + str(c.get("previous")) for c in ROUND2}) == len(ROUND2), "duplicate questions"
    seen = {c["q"].strip().lower() for c in CASES + HELDOUT + BLIND + load_cases(HERE / "fresh_probe.yaml")}
    assert not [c["q"] for c in ROUND2 if c["q"].strip().lower() in seen], "reuses a phrasing of the other sets"
    assert sum(c["q"].isascii() for c in ROUND2) == 15


def test_round2_probe_accuracy(nl_env: dict[str, Any]) -> None:
    # measured 61/80 (76.2 %) before the parser was read, 79/80 (98.8 %) after the round-2 fixes
    _evaluated("probe_round2.yaml", ROUND2, nl_env, 0.95, category_floor=None)


@pytest.mark.parametrize("case", [c for c in CASES + HELDOUT if c["cat"] in ("followup", "unknown")],
                         ids=lambda c: c["q"])
def test_followup_and_unknown_cases(case: dict[str, Any], nl_env: dict[str, Any]) -> None:
    r = run_case(case, nl_env["lex"], nl_env["today"])
    assert r.ok, r.got
