"""Innovation questions answered by their analysis (docs/ask-innovation.md): hot spots and white spaces
(service/rd_hotspots.py), the allocation of an R&D budget (service/rd_allocate.py) and the 专精特新
self-assessment (service/assess.py), run as the asker with the arguments the parser read
(ai/nl/innovation.py); ask_intents.complete calls `answer` for these intents.

The answer gets `summary` (one or two sentences in the question's language, every number from the analysis)
and `innovation`: {"kind", "link" (the full page, with the arguments), "args", "columns" [{"name", "label",
"label_en", "format"}], "rows" (at most ROWS), "total" (the analysis's full count)}, a small table the web
and the CLI show as they are.

Invariants: the analyses are imported when asked, so a missing one is a ShuzhiError (analysis_unavailable,
501) and never an ImportError; an analysis that refuses its input (a ShuzhiError) leaves the table empty and
says why in the summary — the link to the page stays; nothing here builds SQL.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from shuzhi.errors import ShuzhiError
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

ROWS = 10
# intent → (module, function, page, the arguments the function takes)
ANALYSES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "hotspots": ("rd_hotspots", "hotspots", "/innovation/hotspots", ("field", "years")),
    "whitespace": ("rd_hotspots", "whitespace", "/innovation/hotspots", ("field", "years")),
    "allocate": ("rd_allocate", "allocate", "/innovation/allocate", ("budget", "headcount")),
    "assess": ("assess", "assess", "/innovation/assess", ("year",)),
}
_NAMES = {"hotspots": ("技术热点", "technology hot spots"), "whitespace": ("专利空白", "patent white spaces"),
          "allocate": ("研发预算分配", "R&D budget allocation"), "assess": ("专精特新自评", "专精特新 self-assessment")}


def analysis(intent: str) -> Callable[..., dict[str, Any]]:
    """The service function answering `intent`, imported now; a missing module or function is refused."""
    module, name, _page, _args = ANALYSES[intent]
    try:
        fn = getattr(importlib.import_module(f"shuzhi.service.{module}"), name, None)
    except ModuleNotFoundError as exc:
        if exc.name != f"shuzhi.service.{module}":
            raise
        fn = None
    if fn is None:
        zh, en = _NAMES[intent]
        raise ShuzhiError("analysis_unavailable", f"这个版本还没有{zh}分析（shuzhi.service.{module}.{name}），无法回答这个问题。",
                          f"This version has no {en} analysis (shuzhi.service.{module}.{name}) to answer the question.", 501)
    return fn  # type: ignore[no-any-return]


def link(intent: str, args: dict[str, Any]) -> str:
    """The full page of the analysis, with the arguments read (the page's own query parameters)."""
    page, names = ANALYSES[intent][2], ANALYSES[intent][3]
    params = {k: (int(args[k]) if isinstance(args[k], float) and args[k] == int(args[k]) else args[k])
              for k in names if args.get(k) is not None}
    if intent == "whitespace":
        params = {"tab": "whitespace", **params}
    return page + ("?" + urlencode(params) if params else "")


def answer(rt: Runtime, user: UserContext, parsed: Any, out: dict[str, Any]) -> None:
    """Run the analysis of `parsed.intent` as `user` and fill `out["summary"]` and `out["innovation"]`."""
    intent, args, lang = parsed.intent, dict(parsed.intent_args or {}), parsed.lang
    fn = analysis(intent)
    card: dict[str, Any] = {"kind": intent, "link": link(intent, args), "args": args, "columns": [], "rows": [],
                            "total": 0}
    out["innovation"] = card
    kwargs = {k: args[k] for k in ANALYSES[intent][3] if args.get(k) is not None}
    try:
        data = fn(rt, user, **kwargs)
    except ShuzhiError as exc:
        out["summary"] = f"无法计算：{exc.zh}" if lang == "zh" else f"Could not compute it: {exc.en}"
        return
    from shuzhi.service import ask_innovation_text as T

    columns, rows, total, summary = {"hotspots": T.hotspots, "whitespace": T.whitespace, "allocate": T.allocate,
                                     "assess": T.assess}[intent](data, args, lang)
    card.update(columns=columns, rows=rows[:ROWS], total=total)
    out["summary"] = summary
