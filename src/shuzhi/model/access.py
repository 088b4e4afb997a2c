"""Who-sees-what in a model: what a save changes in the security rules, and the model as a reader
without edit rights may see it.

Invariants
- rule_changes compares rules structurally: keyed by name, order of rules and of their role and
  field lists ignored, whitespace in a filter ignored outside quoted literals; anything else in a
  rule (its dataset, filter, roles, fields, description) counts as a change. When in doubt it
  reports a change: a false report only asks for an admin, a missed one would let a rule slip.
- Besides the rules themselves, a save must not make a rule stop filtering rows: a join removed
  from a filtered dataset, or a new dataset over a filtered table without the rule, counts as a rule
  change (coverage_changes).
- restricted(index, role) is what queries refuse the role (spec/resolve checks the same closure):
  a denied metric or field, and every metric that reads one, directly or through other metrics.
- reader_view never returns row or column rules, dataset SQL, or a restricted metric or field.
"""

from __future__ import annotations

import re
from typing import Any

import sqlglot
from sqlglot import exp

from shuzhi.model.checks import metric_closure, metric_field_refs
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import SemanticModel

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\s+|[^\s'\"]+|['\"]")


def _normal_filter(text: str) -> str:
    """The filter with every whitespace run outside quotes folded to one space (quoted text kept)."""
    out = []
    for tok in _TOKEN.findall(text.strip()):
        out.append(" " if tok.isspace() else tok)
    return "".join(out)


def _row_rule(r: Any) -> dict[str, Any]:
    return {"dataset": r.dataset, "filter": _normal_filter(r.filter), "roles": sorted(set(r.roles)),
            "description": r.description}


def _column_rule(r: Any) -> dict[str, Any]:
    return {"fields": sorted(set(r.fields)), "deny_roles": sorted(set(r.deny_roles)), "description": r.description}


def _diff(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    out = {"added": sorted(new.keys() - old.keys()), "removed": sorted(old.keys() - new.keys()),
           "changed": sorted(k for k in old.keys() & new.keys() if old[k] != new[k])}
    return {k: v for k, v in out.items() if v}


def _sources(ds: Any) -> set[str]:
    """The warehouse tables a dataset reads (lower case; an unreadable SQL reads "*", everything)."""
    if ds.table:
        return {ds.table.lower().split(".")[-1]}
    try:
        return {t.name.lower() for t in sqlglot.parse_one(ds.sql, read="duckdb").find_all(exp.Table)} or {"*"}
    except sqlglot.errors.ParseError:
        return {"*"}


def _coverage(index: ModelIndex) -> dict[str, set[str]]:
    """Dataset → the row rules that filter it (apply_security: its own dataset's rules and those of
    every dataset it reaches without fan-out)."""
    out: dict[str, set[str]] = {d.name: set() for d in index.model.datasets}
    for rule in index.model.row_rules:
        for name in out:
            path = index.join_path(name, rule.dataset)
            if path is not None and not any(s.fans_out for s in path):
                out[name].add(rule.name)
    return out


def coverage_changes(old: SemanticModel | None, new: SemanticModel) -> dict[str, list[str]]:
    """Row rules that stop filtering rows although the rules themselves stay the same:
    - "unfiltered": a dataset a rule filtered before and no longer does (a join removed or changed);
    - "bypass": a new or re-pointed dataset that reads a table some rule filters elsewhere in the model,
      without that rule (a second dataset over the same table would show every row).
    Entries read "dataset (rule)"."""
    if not new.row_rules:
        return {}
    new_idx = ModelIndex.build(new)
    cov_new = _coverage(new_idx)
    old_ds = {d.name: d for d in old.datasets} if old else {}
    cov_old = _coverage(ModelIndex.build(old)) if old and old.row_rules else {}
    unfiltered = sorted(f"{ds} ({r})" for ds, rules in cov_old.items() if ds in cov_new
                        for r in rules - cov_new[ds])
    ruled: dict[str, set[str]] = {}  # rule → the tables it filters
    for d in new.datasets:
        for r in cov_new[d.name]:
            ruled.setdefault(r, set()).update(_sources(d))
    bypass = []
    for d in new.datasets:
        before = old_ds.get(d.name)
        if before is not None and (before.table, before.sql) == (d.table, d.sql):
            continue
        src = _sources(d)
        for r, tables in sorted(ruled.items()):
            if r not in cov_new[d.name] and (src & tables or "*" in src):
                bypass.append(f"{d.name} ({r})")
    return {k: v for k, v in (("unfiltered", unfiltered), ("bypass", bypass)) if v}


def rule_changes(old: SemanticModel | None, new: SemanticModel) -> dict[str, dict[str, list[str]]]:
    """{"row_rules": {"added"|"removed"|"changed": [names]}, "column_rules": {...},
    "row_rule_coverage": {"unfiltered"|"bypass": [...]}}; empty when nobody would see anything new.
    `old` None is a new model (every rule it has is added)."""

    def keyed(rules: list[Any], norm: Any) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for i, r in enumerate(rules):
            # Two rules of one name (refused by validation anyway) must not hide each other.
            out[r.name if r.name not in out else f"{r.name}#{i}"] = norm(r)
        return out

    out = {}
    for kind, norm in (("row_rules", _row_rule), ("column_rules", _column_rule)):
        d = _diff(keyed(getattr(old, kind) if old else [], norm), keyed(getattr(new, kind), norm))
        if d:
            out[kind] = d
    if "row_rules" not in out:  # changed rules are reported (and guarded) as such already
        cov = coverage_changes(old, new)
        if cov:
            out["row_rule_coverage"] = cov
    return out


def restricted(index: ModelIndex, role: str) -> set[str]:
    """Metrics and fields (as named in the column rules) `role` may not query."""
    denied = index.model.denied_for(role)
    if not denied:
        return set()
    out = set(denied)
    for name in index.metrics:
        for dep in metric_closure(index, name):
            d = index.metrics[dep]
            if dep in denied or (d.dataset and any(f"{ds}.{f}" in denied for ds, f in metric_field_refs(index, dep))):
                out.add(name)
                break
    return out


def reader_view(model: SemanticModel, role: str) -> dict[str, Any]:
    """The model's definition for a reader who may not edit it: no rules, no dataset SQL, and nothing
    restricted to `role` (those metrics and fields are left out entirely)."""
    denied = restricted(ModelIndex.build(model), role)
    d = model.model_dump(mode="json", by_alias=True)
    d["row_rules"] = []
    d["column_rules"] = []
    d["metrics"] = [m for m in d.get("metrics", []) if m["name"] not in denied]
    for ds in d.get("datasets", []):
        ds["sql"] = None
        ds["fields"] = [f for f in ds.get("fields", [])
                        if f["name"] not in denied and f"{ds['name']}.{f['name']}" not in denied]
    return d
