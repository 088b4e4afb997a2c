"""Reduce a QuerySpec to its essential parts, to compare with tests/nlq/questions.yaml."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuzhi.spec.time_ranges import relative_range


def essentials(spec: dict[str, Any] | None, today: dt.date) -> dict[str, Any]:
    if spec is None:
        return {"spec": None}
    metrics = []
    for m in spec.get("metrics", []):
        if isinstance(m, str):
            metrics.append(m)
        else:
            kind, base = next(iter(m["compute"].items()))
            metrics.append(f"{kind}:{base}")
    dims = [d if isinstance(d, str) else f"{d['field']}:{d['grain']}" if d.get("grain") else d["field"]
            for d in spec.get("dimensions", [])]
    out: dict[str, Any] = {"metrics": metrics, "dims": dims}

    def cond(c: dict[str, Any]) -> list[Any]:
        v = c.get("values", c.get("value"))
        return [c["field"], c["op"], sorted(v) if isinstance(v, list) else v]

    out["where"] = sorted((cond(c) for c in spec.get("where", [])), key=str)
    out["having"] = sorted(([h["field"], h["op"], [float(v) for v in h["values"]] if "values" in h
                             else float(h["value"])] for h in spec.get("having", [])), key=str)
    tr = spec.get("time_range")
    if tr:
        s, e = relative_range(tr["relative"], today) if tr.get("relative") else (tr.get("start"), tr.get("end"))
        out["time"] = [str(s), str(e)]
    else:
        out["time"] = None
    ob = spec.get("order_by") or []
    out["order"] = f"{ob[0]['field']} {'desc' if ob[0].get('desc') else 'asc'}" if ob else None
    out["limit"] = spec.get("limit")
    return out


def expected(exp: dict[str, Any]) -> dict[str, Any]:
    if "spec" in exp and exp["spec"] is None:
        return {"spec": None}
    return {
        "metrics": list(exp.get("metrics", [])),
        "dims": list(exp.get("dims", [])),
        "where": sorted(([w[0], w[1], sorted(w[2]) if isinstance(w[2], list) else w[2]]
                         for w in exp.get("where", [])), key=str),
        "having": sorted(([h[0], h[1], float(h[2])] for h in exp.get("having", [])), key=str),
        "time": [str(x) for x in exp["time"]] if exp.get("time") else None,
        "order": exp.get("order"),
        "limit": exp.get("limit"),
    }
