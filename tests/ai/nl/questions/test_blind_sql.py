"""The sets scored against SQL (service/ask_score.py, the same code as `shuzhi eval-ask`): the whole ask
use case — parse, intents, questions back, the query as the asker — on the small demo warehouse, today =
2026-11-26, compared with the numbers hand-written SQL gives (run with -s to print the scores).

- blind_sql.yaml (268, 69 in English): written by someone who had read neither the parser nor the earlier
  sets, from DEMO_SCHEMA.md and the model's 口径 only, each question with the SQL that answers it; every
  area, counts, raw fields, yes/no, why, forecasts, comparisons and everyday wording. First measured at
  113/268 (42.2 %) before the work it prompted (docs/ask.md); the floors keep what was reached since.
- ambiguous.yaml (39): questions with two or three close readings (each with its SQL); the right answer is
  a question back. First 0/39; 15/39 since.
- blind_sql_2.yaml (262, 57 in English): a second blind set, written by another helper after the first round
  of fixes, from the same sources; measured once before any fix for it: 224/262 (85.5 %), 18 wrong shown
  with confidence (6.9 %) — the honest estimate for unseen questions. The general fixes it prompted since
(240/262, 4 wrong shown with confidence) make it tuned on too.
The share of wrong answers shown with confidence (≥ 0.75) must stay at most 2 % on every set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shuzhi.service.ask_score import SetScore, score_set

HERE = Path(__file__).parent
# (set, accuracy floor, most wrong answers shown with confidence, as a share of the set)
SETS = [("blind_sql.yaml", 0.92, 0.02), ("ambiguous.yaml", 0.35, 0.02), ("blind_sql_2.yaml", 0.90, 0.02)]


def _load(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


def _print(name: str, s: SetScore) -> None:
    print(f"\n{name}: {s.correct}/{s.total} ({s.accuracy:.1%}); wrong shown with confidence: {s.wrong_confident}")
    for key in ("area", "kind", "lang", "shape"):
        print(f"  by {key}: " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in s.by(key).items()))
    for c in s.cases:
        if not c.ok:
            print(f"  {'!' if c.wrong_confident else '✗'} {c.q}: {c.why}")


@pytest.mark.parametrize("name, floor, wrong_max", SETS)
def test_sets_scored_against_sql(ask_rt: Any, name: str, floor: float, wrong_max: float) -> None:
    s = score_set(ask_rt, _load(name))
    _print(name, s)
    assert s.accuracy >= floor, f"{name}: {s.accuracy:.1%} < {floor:.0%}"
    assert s.wrong_confident <= wrong_max * s.total, f"{name}: {s.wrong_confident} wrong answers shown with confidence"
