"""Lineage of a metric: the metrics it is built from, the fields they read and the tables behind them,
the metrics built on it, and the dashboards whose components use it (directly, or through a metric built
on it). Pure: the caller passes the dashboards it may show (catalog.dashboards.list_records)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shuzhi.model.checks import metric_closure, metric_field_refs
from shuzhi.model.index import ModelIndex


def spec_metrics(spec: dict[str, Any] | None) -> list[str]:
    """The metric names a (JSON) QuerySpec asks for: its metrics, their computes' metrics, its having."""
    out: list[str] = []
    for m in (spec or {}).get("metrics") or []:
        if isinstance(m, str):
            names = [m]
        elif isinstance(m, dict):
            compute = m.get("compute")
            names = [v for v in compute.values() if isinstance(v, str)] if isinstance(compute, dict) and compute \
                else [m.get("name")]
        else:
            names = []
        out += [n for n in names if isinstance(n, str)]
    out += [h.get("field") for h in (spec or {}).get("having") or [] if isinstance(h, dict)
            and isinstance(h.get("field"), str)]
    return list(dict.fromkeys(out))


def dashboards_using(idx: ModelIndex, name: str, dashboards: Iterable[tuple[str, str, str | None, dict[str, Any]]]
                     ) -> list[dict[str, Any]]:
    """The dashboards (name, title, title_en, definition) whose components use `name` or a metric built on
    it: [{name, title, title_en, components: [component ids], via: [metrics used that need it]}]."""
    users = {name} | {m for m in idx.metrics if m != name and name in metric_closure(idx, m)}
    out = []
    for dname, title, title_en, definition in dashboards:
        components, via = [], []
        for c in definition.get("components") or []:
            used = [m for m in spec_metrics(c.get("spec")) if m in users]
            if used:
                components.append(c.get("id"))
                via += [m for m in used if m not in via]
        if components:
            out.append({"name": dname, "title": title, "title_en": title_en, "components": components, "via": via})
    return out


def metric_lineage(idx: ModelIndex, name: str,
                   dashboards: Iterable[tuple[str, str, str | None, dict[str, Any]]] = ()) -> dict[str, Any]:
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
        "dashboards": dashboards_using(idx, name, dashboards),
    }
