"""Self-service datasets, the use case: save (checked), restore, preview, compiled SQL, delete,
lineage, and adding a dataset to a semantic model. Resolving sources and checking a definition is
service.datasets_resolve; materialization and refreshing dependants is service.datasets_refresh.

Invariants
- Row and column rules: a check, save or preview for a user reads every warehouse table through
  that user's view of it (datasets_resolve.TableView); without a user it reads as the system.
- A dataset never takes the name of an imported table (materializing would overwrite it).
- The warehouse is read through engines.datasets_runner.Tables, never a cursor held here.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.catalog import datasets as store
from shuzhi.catalog import semantic
from shuzhi.compile.datasets import compile_dataset, render_for
from shuzhi.engines import datasets_runner as runner
from shuzhi.errors import ShuzhiError
from shuzhi.model.auto import field_name
from shuzhi.model.datasets import steps as S
from shuzhi.model.schema import DatasetDef, FieldDef, JoinDef
from shuzhi.results.encoders import to_rows
from shuzhi.service.datasets_refresh import downstream
from shuzhi.service.datasets_resolve import check, user_view
from shuzhi.service.executor import row_cap

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.spec.resolve import UserContext

PREVIEW_DEFAULT, PREVIEW_MAX = 100, 1000


# -- save / read -----------------------------------------------------------------------------------
def save(rt: Runtime, db: Session, data: Any, *, actor: str | None, create: bool | None = None,
         comment: str | None = None, user: UserContext | None = None) -> store.DatasetRecord:
    """Validate (shape, names, types, cycles), fill pivot values, and store as a new version. With
    `user`, the definition is checked (and pivot values read) over that user's view of the data."""
    spec = S.parse_dataset(data)
    from shuzhi.catalog.tables import get_imported

    if get_imported(db, spec.table_name) is not None:
        # Materializing would overwrite a table someone imported under that name.
        raise ShuzhiError("dataset_table_taken", f"数据表 {spec.table_name} 是导入的表，请给数据集换个名字。",
                          f"The table {spec.table_name} was imported; give the dataset another name.", 409)
    view = user_view(rt, db, user)
    with runner.tables(rt.external() or rt.warehouse(read_only=True)) as tables:
        spec, plan, _ = check(rt, db, tables, spec, fill_pivots=True, view=view)
    return store.save_dataset(db, spec, [c.as_dict() for c in plan.output], actor=actor, comment=comment,
                              create=create)


def restore(rt: Runtime, db: Session, name: str, version: int, *, actor: str | None,
            user: UserContext | None = None) -> store.DatasetRecord:
    old = store.dataset_at(db, name, version)
    return save(rt, db, old, actor=actor, create=False, comment=f"restore version {version}", user=user)


def preview(rt: Runtime, db: Session, data: Any, *, upto: int | None = None, limit: int | None = None,
            cancel: threading.Event | None = None, user: UserContext | None = None) -> dict[str, Any]:
    """Rows after step `upto` (default: the last), with columns, SQL and every step's columns; with
    `user`, over that user's view of the warehouse (row and column rules)."""
    spec = S.parse_dataset({"name": "preview", **data} if isinstance(data, dict) and "name" not in data else data)
    if upto is not None and not 0 <= upto <= len(spec.steps):
        raise ShuzhiError("dataset_bad_upto", f"upto 应在 0 到 {len(spec.steps)} 之间。",
                          f"upto must be between 0 and {len(spec.steps)}.")
    n = min(max(1, limit or PREVIEW_DEFAULT), PREVIEW_MAX, row_cap(rt, "ui"))
    k = len(spec.steps) if upto is None else upto
    head = spec.model_copy(update={"steps": spec.steps[:k]})
    view = user_view(rt, db, user)
    with runner.tables(rt.external() or rt.warehouse(read_only=True)) as tables:
        head, plan, res = check(rt, db, tables, head, fill_pivots=True, view=view)
        tree = compile_dataset(plan, res.relation_of, limit=n)
        table = tables.run(tree, cancel)
    return {"columns": [c.as_dict() for c in plan.output], "rows": to_rows(table), "sql": tree.sql("duckdb", pretty=True),
            "upto": k, "limit": n, "truncated": table.num_rows >= n,
            "steps": [[c.as_dict() for c in plan.columns_after(i)] for i in range(len(plan.steps) + 1)]}


def compiled_sql(rt: Runtime, db: Session, name: str) -> str:
    rec = store.get_dataset(db, name)
    with runner.tables(rt.external() or rt.warehouse(read_only=True)) as tables:
        _, plan, res = check(rt, db, tables, rec.spec)
        ext = rt.external()
        return compile_dataset(plan, res.relation_of).sql(ext.dialect if ext is not None else "duckdb")


def delete(rt: Runtime, db: Session, name: str) -> None:
    rec = store.delete_dataset(db, name)
    if rec.mode == "materialized" or rec.materialized_at is not None:
        wh = rt.external() or rt.warehouse()
        if not getattr(wh, "read_only", False):
            with runner.tables(wh) as tables:
                tables.drop(f"ds_{name}")


# -- lineage and the semantic model -----------------------------------------------------------------
def lineage(rt: Runtime, db: Session, name: str) -> dict[str, Any]:
    rec = store.get_dataset(db, name)

    def upstream(r: store.DatasetRecord, path: tuple[str, ...]) -> list[dict[str, Any]]:
        out = []
        for key in r.sources:
            kind, _, ref = key.partition(":")
            node: dict[str, Any] = {"kind": kind, "name": ref}
            parent = store.find_dataset(db, ref) if kind == "dataset" else None
            if parent is not None and ref not in path:
                node["mode"] = parent.mode
                node["upstream"] = upstream(parent, (*path, ref))
            out.append(node)
        return out

    used_in_models = []
    for m in semantic.list_models(db):
        for d in m.definition.get("datasets", []):
            if d.get("table") == f"ds_{name}" or (d.get("sql") and d.get("name") == name):
                used_in_models.append({"model": m.name, "dataset": d.get("name")})
    return {"dataset": name, "mode": rec.mode, "table": f"ds_{name}" if rec.mode == "materialized" else None,
            "upstream": upstream(rec, (name,)),
            "tables": sorted({k.partition(":")[2] for k in _closure_sources(db, rec)}),
            "downstream": [n for n in downstream(db, [name]) if n != name],
            "models": used_in_models}


def _closure_sources(db: Session, rec: store.DatasetRecord) -> set[str]:
    out, stack, seen = set(), [rec], set()
    while stack:
        r = stack.pop()
        if r.name in seen:
            continue
        seen.add(r.name)
        for key in r.sources:
            if key.startswith("table:"):
                out.add(key)
            elif (p := store.find_dataset(db, key[8:])) is not None:
                stack.append(p)
    return out


def dataset_def(rt: Runtime, db: Session, name: str, *, joins: list[JoinDef] | None = None,
                dialect: str = "duckdb") -> DatasetDef:
    """A semantic-model DatasetDef for a saved dataset: `table: ds_<name>` when materialized (and
    up to date), else `sql:` (its compiled query); fields typed and labelled from its columns.
    For a direct-mode model (`dialect` postgres / mysql: its connection's) the dataset must be
    virtual (a materialized table lives in the warehouse, not on that database) and its query must
    render in that dialect (compile.datasets.render_for; else 400 sql_unsupported_dialect)."""
    rec = store.get_dataset(db, name)
    if dialect != "duckdb" and rec.mode == "materialized":
        raise ShuzhiError("dataset_materialized_direct", f"数据集 {name} 是物化数据集（表在数据仓库中），"
                          "不能加入直连模型；请改为虚拟数据集。",
                          f"Dataset {name} is materialized (its table is in the warehouse) and cannot be added "
                          "to a direct-mode model; make it virtual.", 400)
    spec = rec.spec
    with runner.tables(rt.external() or rt.warehouse(read_only=True)) as tables:
        _, plan, res = check(rt, db, tables, spec)
        fresh = (rec.mode == "materialized" and rec.materialized_version == rec.version
                 and tables.exists(spec.table_name))
        tree = None if fresh else compile_dataset(plan, res.relation_of)
    if tree is not None and dialect != "duckdb":
        render_for(tree, dialect)
    sql = None if tree is None else tree.sql("duckdb")
    if rec.mode == "materialized" and not fresh:
        raise ShuzhiError("dataset_not_materialized", f"数据集 {name} 还没有物化（或已修改），请先物化再加入模型。",
                          f"Dataset {name} has not been materialized since it last changed; materialize it first.",
                          409)
    taken: set[str] = set()
    fields = []
    for c in plan.output:
        fname = field_name(c.name, taken)
        fields.append(FieldDef(name=fname, type=c.type, column=c.name if fname != c.name else None,  # type: ignore[arg-type]
                               label=c.label or c.name))
    return DatasetDef(name=name, label=spec.label, label_en=spec.label_en, description=spec.description,
                      table=spec.table_name if fresh else None, sql=sql, fields=fields, joins=joins or [])


def model_dialect(db: Session, connection: str | None) -> str:
    """The SQL dialect a model is answered in: duckdb on the warehouse, else its connection's."""
    if not connection:
        return "duckdb"
    from shuzhi.catalog import connections as conns
    from shuzhi.sources.databases import KINDS

    return KINDS[conns.get_connection(db, connection).kind].sql_dialect


def add_to_model(rt: Runtime, db: Session, name: str, *, model: str | None, actor: str | None,
                 joins: list[JoinDef] | None = None, replace: bool = False,
                 may_change_rules: bool = False) -> dict[str, Any]:
    """Append (or with replace, swap in) the dataset as a model dataset; saves a new model version.
    A dataset that reads a table a row rule protects, without that rule, is a rule change
    (catalog.semantic.save_model): only callers with security:manage, or the operator's CLI."""
    from shuzhi.service.modeling import with_dataset

    current, _ = semantic.get_model(db, model)
    dd = dataset_def(rt, db, name, joins=joins, dialect=model_dialect(db, current.connection))
    updated = with_dataset(current, dd, replace=replace)  # + generated metrics (row count, sums)
    version = semantic.save_model(db, updated, actor=actor, comment=f"add self-service dataset {name}",
                                  may_change_rules=may_change_rules)
    metrics = [{"name": m.name, "label": m.label} for m in updated.metrics
               if m.dataset == name and m.name.startswith(f"{name}__")]
    return {"model": current.name, "model_version": version, "dataset": dd.model_dump(mode="json", exclude_none=True),
            "metrics": metrics}
