"""The shared building blocks of clarify's questions back (docs/ask-clarify.md): a choice, its spec and frame.

`_add` appends a reading as a choice only when its spec is new and resolves against the model as the system
(`runnable`; no SQL runs here), and keeps its frame in st.choice_frames in the same order as the choices;
`_with_metric` swaps the asked metric (a model metric or an ad-hoc aggregate item); `count_item` is a thing's
count; `content_unknowns`, `_count_asked` and `_is_count` are the predicates several rules share.
Invariant: nothing here decides whether to ask: the rule modules (clarify_rules_*.py) do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.frame import Frame, describe
from shuzhi.ai.nl.lexicon import Lexicon

Choice = dict[str, Any]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def content_unknowns(unknown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unknown words that bear meaning: not explained with a reason (a typo repaired, a split the model
    cannot make, an unknown concept), not a question without a metric."""
    return [u for u in unknown if not u.get("reason")]


def _count_asked(text: str) -> re.Match[str] | None:
    return C.COUNT_THINGS.search(text)


def _is_count(lex: Lexicon, name: str) -> bool:
    m = lex.index.metrics.get(name)
    return m is not None and (m.agg in ("count", "count_distinct") or m.format == "integer")


def count_item(lex: Lexicon, ds: str) -> str | dict[str, Any] | None:
    """The thing's count: the dataset's plain count metric, else an ad-hoc distinct count of its key."""
    for name, m in lex.index.metrics.items():
        if m.dataset == ds and m.agg in ("count", "count_distinct") and not m.filter and not m.hidden:
            return name
    d = lex.index.datasets.get(ds)
    if d is None or not d.primary_key or len(d.primary_key) != 1:
        return None
    label = d.label or ds
    return {"name": f"{ds}_count", "field": f"{ds}.{d.primary_key[0]}", "aggregate": "count_distinct",
            "label": f"{label}数"}


def _with_metric(frame: Frame, item: str | dict[str, Any]) -> Frame:
    alt = frame.copy()
    name = item if isinstance(item, str) else item["name"]
    alt.replace_metrics([name])
    if isinstance(item, dict):
        alt.items[name] = item
    return alt


def _add(choices: list[Choice], st: Any, frame: Frame, note: str | None) -> None:
    """Append the reading as a choice when its spec is new and resolves against the model (its frame is kept
    in st.choice_frames, for ParseResult.chosen)."""
    spec = frame.to_spec()
    if spec is None or any(c["spec"] == spec for c in choices) or not runnable(spec, st.lex, st.today):
        return
    zh, en = describe(frame, st.lex, st.today)
    if note:
        zh, en = f"{zh}（不考虑「{note}」）", f"{en} (without “{note}”)"
    choices.append({"text": zh, "text_en": en, "spec": spec})
    st.choice_frames.append(frame)


_RUNNABLE: dict[tuple[int, dt.date, str], tuple[Any, bool]] = {}  # (id(index), today, spec) → (index, resolves)


def runnable(spec: dict[str, Any], lex: Lexicon, today: dt.date) -> bool:
    """The spec validates and resolves against the model (as the system; no SQL is run). Remembered per
    model index, day and spec (resolving takes ~2 ms)."""
    from shuzhi.spec.query_spec import parse_spec
    from shuzhi.spec.resolve import UserContext, resolve

    key = (id(lex.index), today, json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str))
    known = _RUNNABLE.get(key)
    if known is not None and known[0] is lex.index:  # the same model object, not a new one at a reused id
        return known[1]
    if len(_RUNNABLE) > 4096:
        _RUNNABLE.clear()
    try:
        resolve(parse_spec(spec), lex.index, UserContext.system(), today)
        ok = True
    except Exception:  # noqa: BLE001 - any refusal means this reading cannot be offered
        ok = False
    _RUNNABLE[key] = (lex.index, ok)
    return ok
