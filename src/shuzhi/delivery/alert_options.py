"""What the alert form offers for a metric: the split dimensions (拆分维度) a rule on it can use.

Invariants
- A split is offered only when the rule's series QuerySpec (metric × time × split) resolves and
  compiles for the caller, i.e. under their column rules and without fan-out: a rule saved with an
  offered split always validates (delivery.alert_rules.validate checks the same spec).
- Shared dimensions come first (their model name), then each dataset's text dimension fields
  (dataset.field); keys and codes (…_id, …_no, …_code) are left out. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuzhi.ai.insights.series import series_spec
from shuzhi.compile import compile_query
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.spec.query_spec import parse_spec
from shuzhi.spec.resolve import UserContext, resolve

_SKIP_SUFFIX = ("_id", "_no", "_code")


def _usable(idx: ModelIndex, ctx: UserContext, metric: str, by: str, today: dt.date) -> bool:
    try:
        compile_query(resolve(parse_spec(series_spec(metric, "month", by=by)), idx, ctx, today))
    except ShuzhiError:
        return False
    return True


def split_options(idx: ModelIndex, ctx: UserContext, metric: str, today: dt.date) -> list[dict[str, Any]]:
    """[{"field", "label", "label_en", "group", "group_en"}] for `metric` (unknown metric: unknown_metric)."""
    idx.metric(metric)
    out: list[dict[str, Any]] = []
    for sd in idx.model.shared_dimensions:
        if _usable(idx, ctx, metric, sd.name, today):
            out.append({"field": sd.name, "label": sd.label or sd.name, "label_en": sd.label_en,
                        "group": "共享维度", "group_en": "Shared dimensions"})
    for ds in idx.model.datasets:
        for f in ds.fields:
            if not f.dimension or f.is_time or f.type != "string" or f.name.lower().endswith(_SKIP_SUFFIX):
                continue
            ref = f"{ds.name}.{f.name}"
            if _usable(idx, ctx, metric, ref, today):
                out.append({"field": ref, "label": f.label or f.name, "label_en": f.label_en,
                            "group": ds.label or ds.name, "group_en": ds.label_en or ds.label or ds.name})
    return out
