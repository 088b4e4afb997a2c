"""One chart rule table: the server's recommender agrees with it, and the web app's copy is generated from it."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

from shuzhi.ai.nl.chart import recommend_chart
from shuzhi.model.chart_rules import RULES, chart_rule

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("currency", "percent", "integer")


def _shape(time_dims: int, other: int, province: bool, plain: int, units: int, share: bool) -> tuple[dict, list]:
    dims: list = [{"field": "time", "grain": "month"}, {"field": "sales_orders.order_date", "grain": "day"}][:time_dims]
    others = ["customers.province" if province else "customers.region", "products.product_line", "customers.city",
              "products.category"]
    dims += others[:other]
    names = [f"m{i}" for i in range(plain)]
    metrics: list = list(names)
    columns = [{"name": n, "format": FORMATS[min(i, units - 1)]} for i, n in enumerate(names)]
    if share:
        metrics.append({"name": "m0_share", "compute": {"percent_of_total": "m0"}})
        columns.append({"name": "m0_share", "format": "percent"})
    return {"metrics": metrics, "dimensions": dims}, columns


def test_the_recommender_follows_the_table() -> None:
    seen = set()
    for t, o, prov, plain, units, share, rows in itertools.product(
            range(3), range(5), (False, True), range(1, 4), range(1, 3), (False, True), (None, 3, 6, 7, 40)):
        if units > plain or (prov and not o):
            continue
        spec, columns = _shape(t, o, prov, plain, units, share)
        got = recommend_chart(spec, columns, rows=None if rows is None else [["x"]] * rows)["type"]
        want = chart_rule({"dims": t + o, "time_dims": t, "other_dims": o, "metrics": plain, "units": units,
                           "province": prov, "percent_of_total": share, "rows": rows})
        assert got == want.type, (spec, rows, want)
        seen.add(want)
    assert seen == set(RULES), "every rule is reached by some shape"


def test_the_web_apps_table_is_current() -> None:
    spec = importlib.util.spec_from_file_location("export_chart_rules", ROOT / "scripts" / "export_chart_rules.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.TARGET.read_text(encoding="utf-8") == mod.generate(), (
        "frontend/src/charts/rules.generated.ts is stale: run `python scripts/export_chart_rules.py`")
