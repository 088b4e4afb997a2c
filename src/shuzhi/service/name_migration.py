"""Upgrade imports made before issue 14: their columns get the header text as their name.

    upgrade_column_names(rt, dry_run=False) -> Report   run on start (service.wiring) and by
                                                        `shuzhi upgrade-names`

Older imports named a column by a hashed or snake_case identifier (销售额 → c_9e4f1d, "Order ID" →
order_id) and kept the header as its label. This upgrade renames those columns in the warehouse to
what an import names them now (sources.files.names.make_identifiers of the labels) and rewrites what
refers to them, so everything that worked before keeps working:
- the import record (catalog.tables): column names and upsert keys;
- semantic models: a field reading a renamed column keeps its field name (dashboards, alerts,
  QuerySpecs and formulas name fields, so they are untouched) and gets `column: <new name>`; a SQL
  dataset's column references are rewritten with sqlglot (a bare select item keeps its old output
  name through an alias);
- self-service datasets reading a renamed table first rename the columns back to their old names
  (a rename step prepended), so their steps, outputs, materialized tables and the models built on
  them stay exactly as they were; a join's other side is rewritten (keys, and the brought fields
  keep their old names). A union with a renamed table cannot be rewritten that way: it is listed in
  the report (`needs_attention`) and left as it was.

Invariants
- Only records of older imports are looked at (new imports and upgraded records say
  options.column_names = "header"), and only columns whose name is exactly what the old code gave
  their label are renamed: a column a user named in the preview keeps its name. New names never collide (ignoring case) with the
  table's other columns.
- Safe to run again and after a crash: the warehouse renames are one transaction, then all catalog
  rewrites are one catalog transaction; a column already renamed in the warehouse (a crash between
  the two) is only recorded. A second run finds nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from shuzhi.catalog import datasets as ds_store
from shuzhi.catalog import semantic
from shuzhi.catalog import tables as store
from shuzhi.engines.column_renames import rename_columns, table_columns
from shuzhi.log import get_logger
from shuzhi.model.datasets.steps import parse_dataset
from shuzhi.model.schema import SemanticModel
from shuzhi.sources.files.names import legacy_identifier, legacy_identifiers, make_identifiers

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

log = get_logger(__name__)
ACTOR = "system"
COMMENT = "导入列名升级为表头文字 / imported column names upgraded to the header text"


@dataclass
class Report:
    tables: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # table -> [(old, new)]
    models: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    needs_attention: list[str] = field(default_factory=list)  # datasets left as they were (a union)

    def as_dict(self) -> dict[str, Any]:
        return {"tables": {t: [{"old": o, "new": n} for o, n in p] for t, p in self.tables.items()},
                "models": self.models, "datasets": self.datasets, "needs_attention": self.needs_attention}


def _renames(columns: list[dict[str, Any]], physical: list[str]) -> list[tuple[str, str]]:
    """(old, new) for the columns an old import named (see the module docstring)."""
    names = [c["name"] for c in columns]
    labels = [str(c.get("label") or c["name"]) for c in columns]
    legacy, wanted = legacy_identifiers(labels), make_identifiers(labels)
    candidates = {i for i, n in enumerate(names)
                  if n != wanted[i] and n in (legacy[i], legacy_identifier(labels[i], i + 1))}
    if not candidates:
        return []
    taken = {n.lower() for i, n in enumerate(names) if i not in candidates} | {
        p.lower() for p in physical if p not in names}
    out = []
    for i in sorted(candidates):
        new, k = wanted[i], 1
        while new.lower() in taken:
            k += 1
            new = f"{wanted[i][:60]}_{k}"
        taken.add(new.lower())
        out.append((names[i], new))
    return out


def _rewrite_sql(sql: str, mapping: dict[str, str]) -> str:
    """A SQL dataset's text with renamed columns (old output names kept by an alias)."""
    tree = sqlglot.parse_one(sql, dialect="duckdb")

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and node.name in mapping:
            new = node.copy()
            new.set("this", exp.to_identifier(mapping[node.name], quoted=True))
            if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
                return exp.alias_(new, exp.to_identifier(node.name, quoted=True))
            return new
        return node

    return tree.transform(swap).sql(dialect="duckdb")


def _rewrite_model(model: SemanticModel, plan: dict[str, dict[str, str]]) -> SemanticModel | None:
    changed = False
    datasets = []
    for d in model.datasets:
        table = (d.table or "").removeprefix("main.")
        if d.table and table in plan:
            fields = []
            for f in d.fields:
                col = f.column or f.name
                if f.expr is None and col in plan[table]:
                    f = f.model_copy(update={"column": plan[table][col]})
                    changed = True
                fields.append(f)
            d = d.model_copy(update={"fields": fields})
        elif d.sql:
            refs = {t.name for t in sqlglot.parse_one(d.sql, dialect="duckdb").find_all(exp.Table)}
            mapping = {o: n for t in refs if t in plan for o, n in plan[t].items()}
            if mapping:
                d = d.model_copy(update={"sql": _rewrite_sql(d.sql, mapping)})
                changed = True
        datasets.append(d)
    return model.model_copy(update={"datasets": datasets}) if changed else None


def _rewrite_dataset(definition: dict[str, Any], plan: dict[str, dict[str, str]],
                     columns: dict[str, list[str]]) -> dict[str, Any] | None:
    """A self-service dataset's definition over renamed tables, or None when it reads none of them."""
    d = dict(definition)
    steps = [dict(s) for s in d.get("steps") or []]
    changed = False
    for s in steps:
        other = (s.get("with") or {}).get("table")
        if s.get("op") != "join" or other not in plan:
            continue
        m = plan[other]
        same = {k["left"] for k in s["on"] if k["left"] == k["right"]}
        s["on"] = [{**k, "right": m.get(k["right"], k["right"])} for k in s["on"]]
        if s.get("fields") is None:
            wanted = [{"name": m.get(c, c), "as": c} if c in m else {"name": c}
                      for c in (o for o in _old_order(columns[other], m) if o not in same)]
        else:
            wanted = []
            for f in s["fields"]:
                f = {"name": f} if isinstance(f, str) else dict(f)
                if f["name"] in m:
                    f = {"name": m[f["name"]], "as": f.get("as") or f["name"]}
                wanted.append(f)
        s["fields"] = wanted
        changed = True
    source = (d.get("source") or {}).get("table")
    if source in plan:
        steps.insert(0, {"op": "rename", "columns": {n: o for o, n in plan[source].items()}})
        changed = True
    if not changed:
        return None
    d["steps"] = steps
    return d


def _old_order(current: list[str], m: dict[str, str]) -> list[str]:
    back = {n: o for o, n in m.items()}
    return [back.get(c, c) for c in current]


def upgrade_column_names(rt: Runtime, *, dry_run: bool = False) -> Report:
    """See the module docstring. dry_run: say what would change, change nothing."""
    report = Report()
    with rt.catalog.session() as db:
        records = store.list_imported(db)
    if not records or rt.settings.warehouse_url:  # an external warehouse only has tables named by this version
        return report
    wh = rt.warehouse()
    todo: dict[str, list[tuple[str, str]]] = {}
    physical: dict[str, list[str]] = {}
    for name, rec in records.items():
        if (rec.options or {}).get("column_names") == "header":
            continue  # imported (or already upgraded) by this version: its names are the user's
        cols = table_columns(wh, name)
        if cols is None:
            continue
        pairs = _renames(rec.columns or [], cols)
        if pairs:
            todo[name] = [(o, n) for o, n in pairs if o in cols or n in cols]
            physical[name] = cols
    todo = {t: p for t, p in todo.items() if p}
    report.tables = todo
    if not todo or dry_run:
        return report
    if wh.read_only:
        log.warning("column_names_not_upgraded", reason="the warehouse is read-only")
        return Report()
    rename_columns(wh, {t: [(o, n) for o, n in p if o in physical[t]] for t, p in todo.items()})
    plan = {t: dict(p) for t, p in todo.items()}
    after = {t: [plan[t].get(c, c) for c in physical[t]] for t in todo}
    with rt.catalog.session() as db:
        for t, m in plan.items():
            rec = store.get_imported(db, t)
            assert rec is not None
            rec.columns = [{**c, "name": m.get(c["name"], c["name"])} for c in rec.columns or []]
            opts = {**(rec.options or {}), "column_names": "header"}
            if opts.get("key"):
                opts["key"] = [m.get(k, k) for k in opts["key"]]
            rec.options = opts
        for mrec in semantic.list_models(db):
            model = _rewrite_model(SemanticModel.model_validate(mrec.definition), plan)
            if model is not None:
                semantic.save_model(db, model, actor=ACTOR, comment=COMMENT, may_change_rules=True)
                report.models.append(model.name)
        for drec in ds_store.list_datasets(db):
            unions = [s for s in drec.definition.get("steps") or []
                      if s.get("op") == "union" and (s.get("with") or {}).get("table") in plan]
            if unions:
                report.needs_attention.append(drec.name)
            new = _rewrite_dataset(drec.definition, plan, after)
            if new is not None:
                ds_store.save_dataset(db, parse_dataset(new), drec.columns, actor=ACTOR, comment=COMMENT)
                report.datasets.append(drec.name)
    log.info("column_names_upgraded", **report.as_dict())
    return report
