"""Where a firing's message points: the web app's 「为什么变化?」 page for that point (/why), pure.

/why?metric=M&to=PERIOD&from=PERIOD&where=JSON&grain=G&member=X opens the explanation (POST /explain) of
the metric between the firing's period and the one it is compared with, restricted to the fired member
(a filter on the rule's split) and the rule's filters; the page also draws the series around the point.
With &print=1 the page shows only that chart: it is what a firing's picture is drawn from.

Periods follow the explain endpoint (ai.insights.attribution.parse_period): 2025-06 (month), 2025-Q2,
2025, 2025-06-15 (day). A week has no period of its own there: its month is explained.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

COMPARE_LAST_YEAR = "last_year"


def _label(day: dt.date, grain: str) -> str:
    if grain == "day":
        return day.isoformat()
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if grain == "year":
        return str(day.year)
    return f"{day:%Y-%m}"  # month, and week (explained as its month)


def _minus(day: dt.date, grain: str, years: int = 0) -> dt.date:
    if years:
        return day.replace(year=day.year - years, day=min(day.day, 28))
    if grain == "day":
        return day - dt.timedelta(days=1)
    months = {"quarter": 3, "year": 12}.get(grain, 1)
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(y, m + 1, 1)


def explain_query(firing: dict[str, Any], condition: dict[str, Any] | None = None) -> dict[str, str] | None:
    """The /why page's parameters for a firing (None when its evidence has no series spec)."""
    ev = firing.get("evidence") or {}
    spec = ev.get("spec") or {}
    metrics = spec.get("metrics") or []
    if not metrics or not firing.get("period"):
        return None
    dims = spec.get("dimensions") or []
    grain = next((d.get("grain") for d in dims if isinstance(d, dict) and d.get("field") == "time"), "month")
    by = next((d.get("field") for d in dims if isinstance(d, dict) and d.get("field") != "time"), None)
    where = list(spec.get("where") or [])
    member = firing.get("series")
    if by and member is not None:
        where.append({"field": by, "op": "=", "value": member})
    day = dt.date.fromisoformat(str(firing["period"])[:10])
    explain_grain = "month" if grain == "week" else grain
    before = _minus(
        day, explain_grain, years=1 if (condition or ev).get("compare") == COMPARE_LAST_YEAR else 0
    )
    out = {
        "metric": str(metrics[0]),
        "to": _label(day, explain_grain),
        "from": _label(before, explain_grain),
        "grain": grain,
        "period": day.isoformat(),
    }
    if where:
        out["where"] = json.dumps(where, ensure_ascii=False)
    if by and member is not None:
        out["by"], out["member"] = by, str(member)
    if firing.get("rule_name"):
        out["title"] = str(firing["rule_name"])
    return out


def explain_path(
    firing: dict[str, Any], condition: dict[str, Any] | None = None, *, chart_only: bool = False
) -> str | None:
    q = explain_query(firing, condition)
    if q is None:
        return None
    if chart_only:
        q["print"] = "1"
    return f"/why?{urlencode(q)}"


def explain_link(
    public_url: str | None, firing: dict[str, Any], condition: dict[str, Any] | None = None
) -> str | None:
    path = explain_path(firing, condition)
    return f"{public_url.rstrip('/')}{path}" if public_url and path else None
