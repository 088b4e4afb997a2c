"""Formula-level checks of a model and the dependency questions the compiler asks.

- Calculated fields: formulas over their own dataset's fields, no aggregates, no cycles.
- Aggregate metrics: expr and filter over the metric's dataset (bare names) and datasets reached
  from it through joins that do not fan out (dataset.field); the time field is a date field.
- Derived metrics: formulas over metric names only; no cycles.
- Hierarchy levels, row rules (with {{ user.x }} placeholders) and column rules name real things.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from shuzhi.errors import ShuzhiError
from shuzhi.model.formula import parse_formula

if TYPE_CHECKING:
    from shuzhi.model.index import ModelIndex

USER_ATTR = re.compile(r"\{\{\s*user\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
PLACEHOLDER_PREFIX = "__user_attr__"


def template_to_formula(text: str) -> str:
    """Turn {{ user.region }} into an identifier the formula parser accepts (never user text)."""
    return USER_ATTR.sub(lambda m: PLACEHOLDER_PREFIX + m.group(1), text)


def _collect(text: str, *, allow_aggregates: bool = False) -> list[tuple[str, ...]]:
    refs: list[tuple[str, ...]] = []

    def resolve(parts: tuple[str, ...]) -> exp.Expression:
        refs.append(parts)
        return exp.column(parts[-1])

    parse_formula(text, resolve=resolve, allow_aggregates=allow_aggregates)
    return refs


def metric_deps(index: ModelIndex, name: str) -> list[str]:
    m = index.metrics[name]
    if not m.formula:
        return []
    out = []
    for parts in _collect(m.formula):
        ref = ".".join(parts)
        if ref not in index.metrics:
            raise index.unknown_metric(ref)
        if ref not in out:
            out.append(ref)
    return out


def metric_closure(index: ModelIndex, name: str, _stack: tuple[str, ...] = ()) -> list[str]:
    """name and every metric it depends on, depth first, each once."""
    if name in _stack:
        cycle = " → ".join([*_stack, name])
        raise ShuzhiError("metric_cycle", f"指标循环引用：{cycle}", f"Metrics depend on each other in a cycle: {cycle}",
                          422)
    out = [name]
    for dep in metric_deps(index, name):
        for x in metric_closure(index, dep, (*_stack, name)):
            if x not in out:
                out.append(x)
    return out


def leaf_metrics(index: ModelIndex, name: str) -> list[str]:
    return [m for m in metric_closure(index, name) if not index.metrics[m].is_derived]


def field_ref_key(index: ModelIndex, home: str, parts: tuple[str, ...]) -> tuple[str, str]:
    """A formula reference seen from dataset `home`: bare → home's field; a.b → dataset a's field b."""
    if len(parts) == 1:
        key = (home, parts[0])
    else:
        key = (parts[0], parts[1])
        if parts[0] not in index.datasets:
            raise index.unknown_field(".".join(parts))
    if key not in index.fields:
        if len(parts) == 1 and len(index.bare.get(parts[0], [])) == 1 and index.bare[parts[0]][0][0] != home:
            other = index.bare[parts[0]][0]
            raise ShuzhiError("unknown_field", f"{home} 没有字段 {parts[0]}；其他数据集的字段请写成 {other[0]}.{other[1]}。",
                              f"{home} has no field {parts[0]}; write {other[0]}.{other[1]} for another dataset's field.")
        raise index.unknown_field(".".join(parts))
    return key


def metric_field_refs(index: ModelIndex, name: str) -> list[tuple[str, str]]:
    m = index.metrics[name]
    assert m.dataset is not None
    refs: list[tuple[str, str]] = []
    for text in (m.expr, m.filter):
        if text:
            for parts in _collect(text):
                key = field_ref_key(index, m.dataset, parts)
                if key not in refs:
                    refs.append(key)
    return refs


def check_dataset_sql(sql: str) -> None:
    """A SQL dataset is one read-only SELECT over warehouse tables (it is embedded as a subquery in
    every query); see model/sql_guard.py for what it may not read."""
    from shuzhi.model.sql_guard import dataset_query

    dataset_query(sql)


def _check_aggregations(idx: ModelIndex, path: str, f) -> None:  # type: ignore[no-untyped-def]
    """A field's aggregations must mean something for its type, and its default must be one of them."""
    from shuzhi.model.aggregations import allowed_aggregations, compatible
    from shuzhi.model.index import Problem

    for k, agg in enumerate(f.aggregations or []):
        if not compatible(agg, f.type):
            idx.problems.append(Problem(f"{path}.aggregations[{k}]", f"{f.type} 类型的字段 {f.name} 不能用 {agg} 汇总。",
                                        f"Field {f.name} of type {f.type} cannot be aggregated with {agg}."))
    if f.default_aggregation is not None and f.default_aggregation not in allowed_aggregations(f):
        allowed = allowed_aggregations(f)
        idx.problems.append(Problem(
            f"{path}.default_aggregation",
            f"字段 {f.name} 的默认汇总方式 {f.default_aggregation} 不在允许的方式中（{'、'.join(allowed) or '无'}）。",
            f"Field {f.name}'s default_aggregation {f.default_aggregation} is not one it allows "
            f"({', '.join(allowed) or 'none'})."))


def check_model(idx: ModelIndex) -> None:
    from shuzhi.model.index import Problem

    def problem(path: str, err: ShuzhiError) -> None:
        idx.problems.append(Problem(path, err.zh, err.en, (err.details or {}).get("suggestions", [None])[0]
                                    if (err.details or {}).get("suggestions") else None))

    for i, ds in enumerate(idx.model.datasets):
        if ds.sql:
            try:
                check_dataset_sql(ds.sql)
            except ShuzhiError as e:
                problem(f"datasets[{i}].sql", e)
        for j, f in enumerate(ds.fields):
            _check_aggregations(idx, f"datasets[{i}].fields[{j}]", f)
            if f.expr:
                try:
                    for parts in _collect(f.expr):
                        if len(parts) != 1 or (ds.name, parts[0]) not in idx.fields:
                            raise idx.unknown_field(".".join(parts))
                        if parts[0] == f.name:
                            raise ShuzhiError("field_cycle", f"计算字段 {f.name} 引用了自己。",
                                              f"Calculated field {f.name} refers to itself.")
                except ShuzhiError as e:
                    problem(f"datasets[{i}].fields[{j}].expr", e)
    for i, m in enumerate(idx.model.metrics):
        base = f"metrics[{i}]"
        try:
            if m.is_derived:
                metric_closure(idx, m.name)
                continue
            assert m.dataset is not None
            if m.dataset not in idx.datasets:
                from shuzhi.model.index import did_you_mean

                zh, en = did_you_mean(m.dataset, set(idx.datasets))
                raise ShuzhiError("unknown_dataset", f"数据集 {m.dataset} 不存在。{zh}",
                                  f"Dataset {m.dataset} does not exist.{en}")
            for attr in ("expr", "filter"):
                text = getattr(m, attr)
                if not text:
                    continue
                try:
                    for parts in _collect(text):
                        key = field_ref_key(idx, m.dataset, parts)
                        if key[0] != m.dataset:
                            path = idx.join_path(m.dataset, key[0])
                            if path is None or any(s.fans_out for s in path):
                                raise ShuzhiError(
                                    "unreachable_field",
                                    f"指标 {m.name} 引用的 {key[0]}.{key[1]} 无法从 {m.dataset} 按多对一关联到达。",
                                    f"Metric {m.name} uses {key[0]}.{key[1]}, which {m.dataset} cannot reach "
                                    "through many-to-one joins.")
                except ShuzhiError as e:
                    problem(f"{base}.{attr}", e)
            if m.time:
                fd = idx.fields.get((m.dataset, m.time))
                if fd is None:
                    raise idx.unknown_field(f"{m.dataset}.{m.time}")
                if not fd.is_time:
                    raise ShuzhiError("time_not_date", f"指标 {m.name} 的 time 字段 {m.time} 不是日期。",
                                      f"Metric {m.name}'s time field {m.time} is not a date.")
        except ShuzhiError as e:
            problem(f"{base}.formula" if m.is_derived else base, e)
    for i, h in enumerate(idx.model.hierarchies):
        for j, lvl in enumerate(h.levels):
            try:
                idx.resolve_field(lvl)
            except ShuzhiError as e:
                problem(f"hierarchies[{i}].levels[{j}]", e)
    for i, r in enumerate(idx.model.row_rules):
        if r.dataset not in idx.datasets:
            problem(f"row_rules[{i}].dataset", ShuzhiError("unknown_dataset", f"数据集 {r.dataset} 不存在。",
                                                            f"Dataset {r.dataset} does not exist."))
            continue
        try:
            for parts in _collect(template_to_formula(r.filter)):
                if not parts[-1].startswith(PLACEHOLDER_PREFIX):
                    field_ref_key(idx, r.dataset, parts)
        except ShuzhiError as e:
            problem(f"row_rules[{i}].filter", e)
    for i, c in enumerate(idx.model.column_rules):
        for j, name in enumerate(c.fields):
            if name in idx.metrics:
                continue
            try:
                idx.resolve_field(name)
            except ShuzhiError as e:
                problem(f"column_rules[{i}].fields[{j}]", e)
