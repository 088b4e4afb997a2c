"""innovation.yaml: questions answered by the innovation analyses (hot spots, white spaces, the allocation of an
R&D budget, the 专精特新 self-assessment) and near misses that must stay ordinary questions, parsed over the
small demo's lexicon (today = 2026-11-26) and scored on the intent and the arguments read (run with -s to print).

First measured with the first version of the cue words, before any change for this set: 78/80 (97.5 %) — the two misses were a gap word with only a tech field for its area (white spaces in
sensing) and a hot-spot word said of patents (the patent hot spots in smart manufacturing);
after the general fixes it prompted: 80/80. innovation_probe.yaml (33, 9 near misses) was written after that and
measured once before any change for it: 27/33 (81.8 %), one ordinary question stolen ("how much did we spend on R&D
projects this year" read as an allocation) — the honest estimate for unseen wording; 33/33 after the general
fixes it prompted (so it is tuned on too). A near miss that turns into an innovation answer would steal an
ordinary question, so the near misses must all hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nl_fixtures import ask
from shuzhi.ai.nl.innovation import INTENTS

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "innovation.yaml").read_text(encoding="utf-8"))
PROBE: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "innovation_probe.yaml").read_text(encoding="utf-8"))
FLOOR = 0.95
PROBE_FLOOR = 0.95


def _check(env: dict[str, Any], case: dict[str, Any]) -> str | None:
    """None when the question is read as expected, else why not."""
    r = ask(env, case["q"])
    want = case["intent"]
    if want == "other":
        return None if r.intent not in INTENTS else f"stolen as {r.intent} {r.intent_args}"
    if r.intent != want:
        return f"read as {r.intent}"
    for k, v in (case.get("args") or {}).items():
        got = r.intent_args.get(k)
        if got != v and not (isinstance(v, int | float) and isinstance(got, int | float) and float(got) == float(v)):
            return f"{k}: {got!r} != {v!r}"
    if r.spec is not None or r.confidence < 0.75 or r.clarify is not None:
        return "not answered by the analysis"
    return None


def test_set_shape() -> None:
    positive = [c for c in CASES if c["intent"] != "other"]
    near = [c for c in CASES if c["intent"] == "other"]
    assert len(positive) >= 40 and len(near) >= 15
    assert {c["intent"] for c in positive} == set(INTENTS)
    assert any(c["q"].isascii() for c in positive) and any(not c["q"].isascii() for c in positive)
    assert len({c["q"] for c in CASES}) == len(CASES), "duplicate questions"


@pytest.mark.parametrize("name, cases, floor", [("innovation.yaml", CASES, FLOOR),
                                                ("innovation_probe.yaml", PROBE, PROBE_FLOOR)])
def test_innovation_questions_score(nl_env: dict[str, Any], name: str, cases: list[dict[str, Any]], floor: float) -> None:
    results = [(c, _check(nl_env, c)) for c in cases]
    ok = sum(why is None for _, why in results)
    by: dict[str, list[int]] = {}
    for c, why in results:
        key = f"{c['intent']}/{'en' if c['q'].isascii() else 'zh'}"
        by.setdefault(key, [0, 0])
        by[key][0] += why is None
        by[key][1] += 1
    print(f"\n{name}: {ok}/{len(cases)} ({ok / len(cases):.1%}); "
          + ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(by.items())))
    for c, why in results:
        if why:
            print(f"  ✗ {c['q']}: {why}")
    stolen = [c["q"] for c, why in results if c["intent"] == "other" and why]
    assert not stolen, f"ordinary questions read as innovation questions: {stolen}"
    assert ok / len(cases) >= floor


@pytest.mark.parametrize("q", ["哪些技术方向在升温", "明年3000万研发预算怎么分", "我们离小巨人还差什么"])
def test_a_follow_up_changes_the_argument_it_names(nl_env: dict[str, Any], q: str) -> None:
    first = ask(nl_env, q)
    follow = {"hotspots": "那精密传动呢", "allocate": "那2000万呢", "assess": "那2025年呢"}[first.intent]
    r = ask(nl_env, follow, first)
    assert r.intent == first.intent
    changed = {"hotspots": ("field", "精密传动"), "allocate": ("budget", 20_000_000), "assess": ("year", 2025)}[r.intent]
    assert r.intent_args[changed[0]] == changed[1]
    assert ask(nl_env, "那华东呢", first).intent not in INTENTS  # names nothing the analysis takes


def test_a_follow_up_adds_to_the_budget_or_the_people(nl_env: dict[str, Any]) -> None:
    first = ask(nl_env, "预算2000万、30个人，先做哪些项目")
    more = ask(nl_env, "再加5个人呢", first)
    assert more.intent == "allocate" and more.intent_args == {"budget": 20_000_000.0, "headcount": 35}
    less = ask(nl_env, "那减少500万呢", more)
    assert less.intent_args == {"budget": 15_000_000.0, "headcount": 35}
    unknown = ask(nl_env, "明年研发预算怎么分")  # the budget comes from rd_capacity: there is nothing to add to
    assert ask(nl_env, "再加5个人呢", unknown).intent != "allocate"
