"""What the allocation reads, all through the executor as the calling user (row and column rules apply).

- rd_proposals, rd_capacity, industry_patents: the model's datasets of those names. A model that does
  not (yet) have one gets it for this request only, as a plain table dataset over the warehouse table of
  the same name (`with_tables`: an in-memory variant of the model version, never saved), so the reading
  is the same either way and switches to the model's own definition as soon as the model has it.
- rd_projects (running ones, with their budget and dates) and rd_expenses (their spend so far).
- the success counts per (rd_layer, tech_field): the model's metrics successful_projects and
  closed_projects, so the numbers follow the model's 口径 of project_success_rate.
- the per-field signal (`field_signals`): the one place that chooses what feeds the score's
  field_signal part.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from typing import Any

from shuzhi.ai.innovation import field_signal
from shuzhi.engines import profile as prof
from shuzhi.errors import ShuzhiError
from shuzhi.model.auto import table_dataset
from shuzhi.model.index import ModelIndex
from shuzhi.service.executor import Executor

COMPANY = "华精科技"
EXTRA_TABLES = ("rd_proposals", "rd_capacity", "industry_patents")
PROPOSAL_COLUMNS = ("proposal_id", "project_name", "tech_field", "rd_layer", "requested_budget", "headcount",
                    "expected_annual_revenue", "strategic_fit", "risk", "submitted_date")


def with_tables(ex: Executor, tables: tuple[str, ...] = EXTRA_TABLES) -> ModelIndex:
    """The executor's model index, plus a plain dataset for each of `tables` the model lacks and the
    warehouse has (see the module docstring). A table neither has is left out: its reader says so."""
    model = ex.index.model
    have = {d.name for d in model.datasets}
    added = []
    for t in tables:
        if t in have or model.connection:
            continue
        try:
            columns = prof.table_schema(ex.rt.published(), t)
        except ShuzhiError:
            continue
        ds = table_dataset(t, t, [(c, ty, None) for c, ty in columns])
        keys = {"rd_capacity": "plan_year"}  # a year is a key to group by, not an amount
        fields = [f.model_copy(update={"dimension": True}) if f.name == keys.get(t) else f for f in ds.fields]
        added.append(ds.model_copy(update={"fields": fields}))
    if not added:
        return ex.index
    return ModelIndex.build(model.model_copy(update={"datasets": [*model.datasets, *added]}), check_formulas=False)


def _missing(table: str) -> ShuzhiError:
    return ShuzhiError("allocate_data_missing", f"找不到 {table} 的数据：请先运行 shuzhi demo 或导入该表。",
                       f"There is no {table} data: run `shuzhi demo` or import the table first.", 404)


def _rows(ex: Executor, idx: ModelIndex, dataset: str, key: str, columns: tuple[str, ...],
          where: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One dict per `key` value with `columns`: dimension fields group, the others (measures) are read
    as their max per key (one row per key, so the value itself). A key the model keeps as a measure
    cannot group: then the dataset must hold a single row, read whole."""
    if dataset not in idx.datasets:
        raise _missing(dataset)
    dims: list[dict[str, Any]] = []
    mets: list[dict[str, Any]] = []
    for c in columns:
        fk = idx.field_key(dataset, c)
        if fk is None:
            raise ShuzhiError("allocate_field_missing", f"数据集 {dataset} 没有字段 {c}。",
                              f"The dataset {dataset} has no field {c}.", 500)
        f = idx.fields[fk]
        if f.dimension:
            dims.append({"field": f"{dataset}.{fk[1]}", "name": c})
        else:
            mets.append({"name": c, "field": f"{dataset}.{fk[1]}", "aggregate": "max"})
    mets.append({"name": "_rows", "field": f"{dataset}.{key}", "aggregate": "count"})
    keyed = any(d["name"] == key for d in dims)
    spec: dict[str, Any] = {"metrics": mets, "dimensions": dims if keyed else [],
                            "order_by": [{"field": key}] if keyed else []}
    if where:
        spec["where"] = where
    rows = ex.rows(spec, index=idx)
    if not keyed and any(int(r["_rows"] or 0) > 1 for r in rows):
        raise ShuzhiError("allocate_key_not_dimension", f"数据集 {dataset} 的 {key} 不是维度，无法逐行读取。",
                          f"The field {key} of {dataset} is not a dimension, so its rows cannot be read one by one.",
                          500)
    return [{c: r.get(c) for c in columns} for r in rows if int(r["_rows"] or 0) > 0]


def proposals(ex: Executor, idx: ModelIndex) -> list[dict[str, Any]]:
    return _rows(ex, idx, "rd_proposals", "proposal_id", PROPOSAL_COLUMNS)


def capacity(ex: Executor, idx: ModelIndex) -> dict[str, Any] | None:
    """The rd_capacity row of the latest plan year (the year being planned), or None."""
    if "rd_capacity" not in idx.datasets:
        return None
    rows = _rows(ex, idx, "rd_capacity", "plan_year", ("plan_year", "budget", "headcount"))
    rows = [r for r in rows if r["plan_year"] is not None]
    return max(rows, key=lambda r: int(r["plan_year"])) if rows else None


def running_projects(ex: Executor) -> list[dict[str, Any]]:
    """Running projects (status 进行中) with budget, dates and spend so far."""
    rows = _rows(ex, ex.index, "rd_projects", "project_id",
                 ("project_id", "project_name", "tech_field", "rd_layer", "start_date", "planned_end_date",
                  "budget"), where=[{"field": "rd_projects.status", "op": "=", "value": "进行中"}])
    spend = {r["project_id"]: float(r["spend"] or 0) for r in ex.rows({
        "metrics": [{"name": "spend", "field": "rd_expenses.amount", "aggregate": "sum"}],
        "dimensions": [{"field": "rd_expenses.project_id", "name": "project_id"}],
        "where": [{"field": "rd_projects.status", "op": "=", "value": "进行中"}]})}
    for r in rows:
        r["spend"] = spend.get(r["project_id"], 0.0)
    return rows


def success_counts(ex: Executor) -> list[tuple[str, str, int, int]]:
    """(rd_layer, tech_field, successes, finished) from the model's successful_projects / closed_projects."""
    rows = ex.rows({"metrics": ["successful_projects", "closed_projects"],
                    "dimensions": [{"field": "rd_projects.rd_layer", "name": "rd_layer"},
                                   {"field": "rd_projects.tech_field", "name": "tech_field"}]})
    return [(r["rd_layer"], r["tech_field"], int(r["successful_projects"] or 0), int(r["closed_projects"] or 0))
            for r in rows if r["rd_layer"] is not None and r["tech_field"] is not None]


def field_signals(ex: Executor, idx: ModelIndex) -> dict[str, dict[str, Any]]:
    """Per tech_field, the hot-spot / white-space signal (0–1) and what it rests on.

    The hot-spot analysis' evidence (service.rd_hotspots.field_signals: industry growth, the company's
    share, white spaces found in the text) when that module is installed and answers; otherwise
    allocation's own signal from industry_patents counts (ai/innovation/field_signal.py). No industry
    data: {} (every field scores neutral). This is the one place that chooses."""
    if importlib.util.find_spec("shuzhi.service.rd_hotspots") is not None:
        hot = importlib.import_module("shuzhi.service.rd_hotspots")
        if hasattr(hot, "field_signals"):
            try:
                return field_signal.from_hotspots(hot.field_signals(ex.rt, ex.user))
            except ShuzhiError:
                pass  # e.g. too little text to mine: the counts below still tell growth and share
    return own_field_signals(ex, idx)


def own_field_signals(ex: Executor, idx: ModelIndex) -> dict[str, dict[str, Any]]:
    """Allocation's own per-field signal from industry_patents counts by quarter (ai/innovation/field_signal.py)."""
    if "industry_patents" not in idx.datasets:
        return {}
    ds = "industry_patents"
    last = ex.rows({"metrics": [{"name": "last", "field": f"{ds}.application_date", "aggregate": "max"}]}, index=idx)
    last_day = last[0]["last"] if last else None
    if last_day is None:
        return {}
    if isinstance(last_day, dt.datetime):
        last_day = last_day.date()
    rows = ex.rows({"metrics": [{"name": "n", "field": f"{ds}.patent_id", "aggregate": "count"}],
                    "dimensions": [{"field": f"{ds}.tech_field", "name": "tech_field"},
                                   {"field": f"{ds}.applicant", "name": "applicant"},
                                   {"field": f"{ds}.application_date", "grain": "quarter", "name": "quarter"}]},
                   index=idx)
    return field_signal.field_signals(rows, last_day, COMPANY)
