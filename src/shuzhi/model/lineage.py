"""Lineage of a metric: the metrics it is built from, the fields they read and the tables behind them."""

from __future__ import annotations

from typing import Any

from shuzhi.model.checks import metric_closure, metric_field_refs
from shuzhi.model.index import ModelIndex


def metric_lineage(idx: ModelIndex, name: str) -> dict[str, Any]:
    closure = metric_closure(idx, name)
    fields: list[str] = []
    datasets: list[str] = []
    for m in closure:
        md = idx.metrics[m]
        if md.is_derived:
            continue
        for ds in [md.dataset, *[d for d, _ in metric_field_refs(idx, m)]]:
            if ds and ds not in datasets:
                datasets.append(ds)
        refs = [f"{d}.{f}" for d, f in metric_field_refs(idx, m)]
        if md.time:
            refs.append(f"{md.dataset}.{md.time}")
        for r in refs:
            if r not in fields:
                fields.append(r)
    tables = []
    for ds in datasets:
        d = idx.datasets[ds]
        tables.append({"dataset": ds, "table": d.table, "sql": d.sql is not None})
    return {
        "metric": name,
        "depends_on": [m for m in closure if m != name],
        "fields": fields,
        "datasets": datasets,
        "tables": tables,
        "used_by_metrics": [m for m in idx.metrics if m != name and name in metric_closure(idx, m)],
        "dashboards": [],  # filled in when dashboards exist (web app issue)
    }
