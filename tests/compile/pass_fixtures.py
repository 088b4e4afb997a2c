"""The runner of the compile-pass fixtures (tests/compile/fixtures/<pass>.yaml), sqlglot-style.

A case is a QuerySpec (plus the asking user and a dialect) resolved against tests/compile/model.yaml: that
is the ResolvedQuery, described compactly. `render(pass_name, case)` runs the passes up to and including
`pass_name` and writes down what that pass produced:

- plan_groups, apply_security, apply_filters, plan_joins: the plan (needed metrics; per group its fact,
  time binding, metrics, datasets reached, filters rendered as SQL, shared dimension members, joins);
- build_groups: the SQL of every group;
- combine_groups: the core SQL, each group's SELECT shown as a placeholder table "g0", "g1", …;
- comparisons: the final SELECT with its cores (a shifted core per yoy / pop);
- finalize: the outer query over a placeholder core "core", then the output columns.

A refusal renders as `error <code>: <English message>`.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlglot import exp

from shuzhi.compile import CORE_PASSES, build_core
from shuzhi.compile.build_groups import _filters
from shuzhi.compile.comparisons import SHIFTED, final_select, make_shift
from shuzhi.compile.context import CoreState
from shuzhi.compile.finalize import finalize, output_columns
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.model.yaml_io import load_model_yaml
from shuzhi.spec.query_spec import parse_spec
from shuzhi.spec.resolve import ResolvedQuery, UserContext, resolve

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
TODAY = dt.date(2026, 11, 26)
UPDATE = os.environ.get("SHUZHI_UPDATE_GOLDEN") == "1"
PLAN_PASSES = ("plan_groups", "apply_security", "apply_filters", "plan_joins")
PASSES = (*PLAN_PASSES, "build_groups", "combine_groups", "comparisons", "finalize")
CASE_KEYS = {"name", "why", "spec", "user", "dialect", "shift", "expect"}


@cache
def model_index() -> ModelIndex:
    return ModelIndex.build(load_model_yaml((HERE / "model.yaml").read_text(encoding="utf-8")))


def resolved(case: dict[str, Any]) -> ResolvedQuery:
    u = case.get("user") or {"role": "admin"}
    user = UserContext(u.get("name", "tester"), u["role"], u.get("attributes") or {})
    return resolve(parse_spec(case["spec"]), model_index(), user, TODAY)


def _sql(tree: exp.Expression, dialect: str) -> str:
    return tree.sql(dialect=dialect, pretty=True)


def _plan(st: CoreState) -> str:
    idx = st.rq.index
    lines = [f"needed: {', '.join(st.needed) or '(none)'}"]
    for g in st.groups:
        head = f"{g.name} {g.dataset}"
        head += f" time={g.time_field}" if g.time_field else ""
        head += f" semi={g.semi}" if g.semi else ""
        lines.append(f"{head} metrics=[{', '.join(g.metrics)}]")
        if g.datasets - {g.dataset}:
            lines.append(f"  reaches: {', '.join(sorted(g.datasets - {g.dataset}))}")
        for name, (ds, field) in sorted(g.shared_keys.items()):
            lines.append(f"  shared: {name} -> {ds}.{field}")
        if g.filters:
            aliases = g.aliases
            g.aliases = aliases or {ds: ds for ds in idx.datasets}  # before plan_joins: dataset names
            try:
                for tree in _filters(st, g):
                    lines.append(f"  filter: {tree.sql(dialect=st.dialect)}")
            finally:
                g.aliases = aliases
        for step in g.joins:
            on = " AND ".join(f"{step.left}.{lf} = {step.right}.{rf}"
                              for lf, rf in zip(step.left_fields, step.right_fields, strict=True))
            lines.append(f"  join: {g.aliases[step.right]} {step.right} ({step.relationship}) ON {on}")
    return "\n".join(lines)


def _core(case: dict[str, Any], rq: ResolvedQuery, dialect: str, upto: str) -> str:
    st = CoreState(rq, dialect, make_shift(rq, case["shift"]) if case.get("shift") else None)
    for p in CORE_PASSES:
        if p.__name__ == "combine_groups":
            for g in st.groups:  # what combine_groups adds, over placeholders for the groups
                g.select = exp.select("*").from_(g.name)
        st = p(st)
        if p.__name__ == upto:
            break
    if upto in PLAN_PASSES:
        return _plan(st)
    if upto == "build_groups":
        return "\n\n".join(f"-- {g.name}\n{_sql(g.select, dialect)}" for g in st.groups if g.select is not None)
    assert st.core is not None
    return _sql(st.core, dialect)


def _comparisons(rq: ResolvedQuery, dialect: str) -> str:
    cur = build_core(rq, dialect)
    prevs: dict[str, exp.Select] = {}
    for kind in ("yoy", "pop"):
        metrics = [o.metric for o in rq.outputs if o.compute and SHIFTED.get(o.compute) == kind]
        if metrics:
            prevs[kind] = build_core(rq, dialect, kind, only=list(dict.fromkeys(metrics)))
    return _sql(final_select(rq, cur, prevs), dialect)


def _finalize(rq: ResolvedQuery, dialect: str) -> str:
    placeholder = exp.select("*").from_("core")
    kinds = dict.fromkeys(SHIFTED[o.compute] for o in rq.outputs if o.compute in SHIFTED)
    tree = finalize(rq, final_select(rq, placeholder, {k: exp.select("*").from_(f"core_{k}") for k in kinds}))
    cols = [f"-- {c['name']}: {c['type']}, {c['role']}, label {c['label']}"
            + (f", format {c['format']}" if c.get("format") else "") for c in output_columns(rq)]
    return _sql(tree, dialect) + "\n" + "\n".join(cols)


def render(pass_name: str, case: dict[str, Any]) -> str:
    dialect = case.get("dialect", "duckdb")
    try:
        rq = resolved(case)
        if pass_name == "comparisons":
            return _comparisons(rq, dialect)
        if pass_name == "finalize":
            return _finalize(rq, dialect)
        return _core(case, rq, dialect, pass_name)
    except ShuzhiError as e:
        return f"error {e.code}: {e.en}"


def load(pass_name: str) -> list[dict[str, Any]]:
    path = FIXTURES / f"{pass_name}.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or []) if path.exists() else []


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def rewrite(pass_name: str, cases: list[dict[str, Any]]) -> None:
    """Write the cases back with their new expectations, keeping the file's leading comment block."""
    path = FIXTURES / f"{pass_name}.yaml"
    text = path.read_text(encoding="utf-8")
    head_lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        head_lines.append(line)
    header = "\n".join(head_lines) + ("\n" if head_lines else "")
    body = yaml.dump(cases, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120,
                     default_flow_style=None)
    path.write_text(header + body, encoding="utf-8")
