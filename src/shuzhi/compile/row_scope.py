"""Row and column rules outside metric queries: which rows and columns of a model dataset — or of a
warehouse table that backs model datasets — a user may see. Used by the raw-data routes (table
preview and profile, self-service dataset previews) and by the question parser's value look-up.

    sel = scoped_select(idx, "customers", user)        # FROM customers AS t0 [LEFT JOIN …] WHERE rules
    rel = scope_table(indexes, "sales_orders", user, columns)   # a SELECT of the allowed rows/columns

Invariants
- The same rules and the same rendering as a metric query: apply_security.rules_for() picks the
  rules, apply_security.rule_tree() renders them (user attributes only as literals). A rule binds a
  dataset when the rule's dataset (and every dataset its filter names) is reached without fan-out;
  those datasets are LEFT JOINed as plan_joins would, so rows are never repeated.
- A table backing several model datasets (in one model or several) gets every binding rule: the
  filters are chained, so the result is the intersection.
- Denied columns are the physical columns behind fields a column rule denies to the role and
  behind the fields read by denied metrics (cogs denied → sales_orders.cost hidden). Calculated
  fields are followed to the columns they read.
- scope_signature() is equal for two users exactly when every rendered rule and the denied set are
  equal, so per-user caches (the question lexicon) key on it instead of on the user name.
"""

from __future__ import annotations

import hashlib

from sqlglot import exp

from shuzhi.compile.apply_security import rule_tree, rules_for
from shuzhi.compile.context import col, dataset_subquery, ident
from shuzhi.compile.fields import field_expr
from shuzhi.model.checks import (
    PLACEHOLDER_PREFIX,
    _collect,
    field_ref_key,
    metric_closure,
    metric_field_refs,
    template_to_formula,
)
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import RowRuleDef
from shuzhi.spec.resolve import UserContext

BASE = "t0"


def source_of(idx: ModelIndex, dataset: str) -> exp.Expression:
    """The dataset's table (schema.table allowed) or its SQL as a subquery."""
    ds = idx.datasets[dataset]
    if ds.table:
        parts = ds.table.split(".")
        return exp.Table(this=ident(parts[-1]), db=ident(parts[-2]) if len(parts) > 1 else None)
    return dataset_subquery(ds.sql or "")


def _rule_datasets(idx: ModelIndex, rule: RowRuleDef) -> set[str]:
    out = {rule.dataset}
    for parts in _collect(template_to_formula(rule.filter)):
        if not parts[-1].startswith(PLACEHOLDER_PREFIX):
            out.add(field_ref_key(idx, rule.dataset, parts)[0])
    return out


def binding_rules(idx: ModelIndex, dataset: str, user: UserContext) -> list[RowRuleDef]:
    """The rules that filter `dataset`'s rows for `user` (as in a metric query whose fact it is)."""
    out = []
    for rule in rules_for(idx, user):
        path = idx.join_path(dataset, rule.dataset)
        if path is not None and not any(s.fans_out for s in path):
            out.append(rule)
    return out


def scoped_select(idx: ModelIndex, dataset: str, user: UserContext,
                  base: exp.Expression | None = None) -> exp.Select | None:
    """A SELECT with no projections: `base` (default: the dataset's own source) AS t0, LEFT JOINed to
    the datasets the binding rules read, WHERE the rendered rules. None when no rule binds."""
    rules = binding_rules(idx, dataset, user)
    if not rules:
        return None
    aliases = {dataset: BASE}
    joins = []
    wanted: set[str] = set()
    for rule in rules:
        wanted |= _rule_datasets(idx, rule)
    wanted.discard(dataset)
    for target in sorted(wanted, key=lambda ds: (len(idx.join_path(dataset, ds) or []), ds)):
        path = idx.join_path(dataset, target)
        if path is None or any(s.fans_out for s in path):
            # The filter names a dataset the fact cannot reach safely: nothing can be shown.
            return exp.select().from_(exp.alias_(base or source_of(idx, dataset), ident(BASE), table=True)) \
                .where(exp.false())
        for step in path:
            if step.right not in aliases:
                aliases[step.right] = f"t{len(aliases)}"
                joins.append(step)
    sel = exp.select().from_(exp.alias_(base if base is not None else source_of(idx, dataset), ident(BASE),
                                        table=True))
    for step in joins:
        on = exp.and_(*[exp.EQ(this=field_expr(idx, (step.left, lf), aliases),
                               expression=field_expr(idx, (step.right, rf), aliases))
                        for lf, rf in zip(step.left_fields, step.right_fields, strict=True)])
        sel = sel.join(exp.alias_(source_of(idx, step.right), ident(aliases[step.right]), table=True),
                       on=on, join_type="left", copy=False)
    conds = [rule_tree(idx, r, user.attributes, aliases) for r in rules]
    return sel.where(exp.and_(*conds), copy=False)


def _field_columns(idx: ModelIndex, ds: str, f: str, seen: set[str] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    if f in seen or (ds, f) not in idx.fields:
        return set()
    seen.add(f)
    fd = idx.fields[(ds, f)]
    if fd.expr is None:
        return {fd.column or fd.name}
    out: set[str] = set()
    for parts in _collect(fd.expr):
        key = idx.field_key(ds, parts[-1])
        if key is not None:
            out |= _field_columns(idx, ds, key[1], seen)
    return out


def denied_fields(idx: ModelIndex, dataset: str, role: str) -> set[str]:
    """Field names of `dataset` denied to `role`, directly or as inputs of a denied metric."""
    denied = idx.model.denied_for(role)
    out = {f for (d, f) in idx.fields if d == dataset and (f"{d}.{f}" in denied)}
    for name in denied:
        if name not in idx.metrics:
            continue
        for m in metric_closure(idx, name):
            if idx.metrics[m].dataset:
                out |= {f for d, f in metric_field_refs(idx, m) if d == dataset}
    return out


def denied_columns(idx: ModelIndex, dataset: str, role: str) -> set[str]:
    """Physical columns of `dataset` that `role` may not see (lower-case)."""
    out: set[str] = set()
    for f in denied_fields(idx, dataset, role):
        out |= _field_columns(idx, dataset, f)
    return {c.lower() for c in out}


def datasets_of_table(idx: ModelIndex, table: str) -> list[str]:
    """Datasets of the model whose `table:` is this warehouse table (main schema)."""
    t = table.lower()
    out = []
    for ds in idx.model.datasets:
        if ds.table:
            parts = ds.table.lower().split(".")
            if parts[-1] == t and (len(parts) == 1 or parts[-2] == "main"):
                out.append(ds.name)
    return out


def scope_table(indexes: list[ModelIndex], table: str, user: UserContext,
                columns: list[str]) -> tuple[exp.Select | None, list[str]]:
    """(a SELECT of the rows and columns of `table` that `user` may see — None when nothing is
    restricted —, the allowed columns in table order)."""
    rel: exp.Expression = exp.Table(this=ident(table))
    denied: set[str] = set()
    filtered = False
    for idx in indexes:
        if idx.model.connection:  # a direct-query model's datasets live in another database
            continue
        for ds in datasets_of_table(idx, table):
            denied |= denied_columns(idx, ds, user.role)
            sel = scoped_select(idx, ds, user, base=rel)
            if sel is not None:
                rel = sel.select(exp.Column(this=exp.Star(), table=ident(BASE)), copy=False).subquery()
                filtered = True
    allowed = [c for c in columns if c.lower() not in denied]
    if not filtered and len(allowed) == len(columns):
        return None, allowed
    return exp.select(*[col(c, "s") for c in allowed]).from_(exp.alias_(rel, ident("s"), table=True)), allowed


def is_restricted(indexes: list[ModelIndex], user: UserContext) -> bool:
    """Whether any row rule binds `user` or any column rule denies its role something."""
    return any(rules_for(idx, user) or idx.model.denied_for(user.role) for idx in indexes)


def scope_signature(idx: ModelIndex, user: UserContext) -> str:
    """Equal for users who see the same rows and columns of this model (see the module invariants)."""
    parts = [f"deny:{sorted(idx.model.denied_for(user.role))}"]
    for rule in rules_for(idx, user):
        aliases = {d: d for d in idx.datasets}
        parts.append(f"{rule.name}:{rule_tree(idx, rule, user.attributes, aliases).sql('duckdb')}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
