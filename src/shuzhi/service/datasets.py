"""Self-service datasets, orchestrated: resolve sources, check, save, preview, materialize, refresh
dependants, lineage, and add a dataset to a semantic model.

Invariants
- Sources resolve recursively: a table's columns come from the warehouse; a dataset's from planning
  its own definition (shuzhi.model.datasets.flow), so the whole chain is checked on every save and
  preview. A dataset met again while it is being resolved is a cycle: refused with the path.
- A parent dataset is read from its warehouse table ds_<name> when that table holds the parent's
  current version; otherwise its SQL is inlined (a virtual dataset is always inlined).
- Pivot steps saved without values get the column's distinct values (at most MAX_PIVOT_VALUES) from
  the data at save time; the stored step always lists them (a static column list).
- Row and column rules: a check, save or preview for a user reads every warehouse table through
  that user's view of it (runtime.scopes: rows the row rules leave, columns the column rules do
  not deny), and a user whom any rule binds never reads a parent's materialized table (it was
  written without rules): the parent's definition is inlined over the user's views instead.
  Materialization and refresh run as the system (no rules): the stored table is for the model.
- Refresh: materializing a dataset also re-materializes, in dependency order, every materialized
  dataset downstream of it. A "data_refreshed" event about warehouse tables (any reason but
  "dataset", which this module emits itself) submits one job doing the same for every dataset that
  reads those tables.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from sqlglot import exp

from shuzhi.catalog import datasets as store
from shuzhi.catalog import semantic
from shuzhi.compile.datasets import compile_dataset
from shuzhi.engines import datasets_runner as runner
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.model.auto import field_name
from shuzhi.model.datasets import steps as S
from shuzhi.model.datasets.flow import Column, DatasetPlan, plan_dataset
from shuzhi.model.schema import DatasetDef, FieldDef, JoinDef
from shuzhi.results.encoders import to_rows

if TYPE_CHECKING:
    import duckdb

    from shuzhi.runtime import Runtime
    from shuzhi.runtime.jobs import JobContext
    from shuzhi.spec.resolve import UserContext

log = get_logger(__name__)
MAX_PIVOT_VALUES = 50
PREVIEW_DEFAULT, PREVIEW_MAX = 100, 1000
JOB_KIND = "dataset_materialize"


class Resolver:
    """Columns and relations of sources, for one check/preview/materialization (pure lookups cached)."""

    def __init__(self, db: Session, cur: duckdb.DuckDBPyConnection, overrides: dict[str, S.DatasetSpec] | None = None,
                 view: TableView | None = None):
        self.db, self.cur = db, cur
        self.overrides = overrides or {}
        self.plans: dict[str, DatasetPlan] = {}
        self._stack: list[str] = []
        self.view = view

    def spec(self, name: str) -> S.DatasetSpec:
        if name in self.overrides:
            return self.overrides[name]
        rec = store.find_dataset(self.db, name)
        if rec is None:
            raise ShuzhiError("dataset_source_missing", f"数据源中的数据集 {name} 不存在。",
                              f"The source dataset {name} does not exist.", 400, details={"dataset": name})
        return rec.spec

    def plan(self, spec: S.DatasetSpec) -> DatasetPlan:
        if spec.name in self._stack:
            path = " → ".join([*self._stack[self._stack.index(spec.name):], spec.name])
            raise ShuzhiError("dataset_cycle", f"数据集之间形成了循环引用：{path}。", f"The datasets form a cycle: {path}.",
                              400, details={"cycle": path})
        if spec.name in self.plans and spec.name not in self.overrides:
            return self.plans[spec.name]
        self._stack.append(spec.name)
        try:
            plan = plan_dataset(spec, self.columns_of)
        finally:
            self._stack.pop()
        self.plans[spec.name] = plan
        return plan

    def columns_of(self, ref: S.SourceRef) -> list[Column]:
        if ref.table:
            cols = runner.table_columns(self.cur, ref.table)
            if cols is None:
                raise ShuzhiError("dataset_source_missing", f"数据仓库中没有表 {ref.table}。",
                                  f"The warehouse has no table {ref.table}.", 400, details={"table": ref.table})
            if self.view is not None:
                allowed = set(self.view.of(ref.table, [c.name for c in cols])[1])
                cols = [c for c in cols if c.name in allowed]
            return cols
        assert ref.dataset is not None
        try:
            return self.plan(self.spec(ref.dataset)).output
        except ShuzhiError as err:
            if err.code in ("dataset_cycle", "dataset_source_missing") or ref.dataset in self.overrides:
                raise
            raise ShuzhiError("dataset_source_broken", f"数据集 {ref.dataset} 本身有问题：{err.zh}",
                              f"The dataset {ref.dataset} itself is broken: {err.en}", 400,
                              details={"dataset": ref.dataset, **err.details}) from None

    def relation_of(self, ref: S.SourceRef) -> exp.Expression:
        if ref.table:
            if self.view is not None:
                cols = runner.table_columns(self.cur, ref.table) or []
                scoped = self.view.of(ref.table, [c.name for c in cols])[0]
                if scoped is not None:
                    return scoped
            return exp.table_(ref.table, quoted=True)
        assert ref.dataset is not None
        spec = self.spec(ref.dataset)
        rec = store.find_dataset(self.db, ref.dataset) if ref.dataset not in self.overrides else None
        if (self.view is None or not self.view.restricted) and (rec is not None and rec.mode == "materialized" and rec.materialized_version == rec.version
                and runner.table_exists(self.cur, spec.table_name)):
            return exp.table_(spec.table_name, quoted=True)
        return compile_dataset(self.plan(spec), self.relation_of)


class TableView:
    """One user's view of warehouse tables (cached per table for one request)."""

    def __init__(self, rt: Runtime, db: Session, user: UserContext):
        from shuzhi.compile.row_scope import is_restricted
        from shuzhi.runtime.scopes import model_indexes

        self.user = user
        self.indexes = model_indexes(rt, db)
        self.restricted = is_restricted(self.indexes, user)
        self._cache: dict[str, tuple[exp.Select | None, list[str]]] = {}

    def of(self, table: str, columns: list[str]) -> tuple[exp.Select | None, list[str]]:
        from shuzhi.compile.row_scope import scope_table

        if not self.restricted:
            return None, columns
        if table not in self._cache:
            self._cache[table] = scope_table(self.indexes, table, self.user, columns)
        scoped, allowed = self._cache[table]
        return (scoped.copy() if scoped is not None else None), allowed


def _view(rt: Runtime, db: Session, user: UserContext | None) -> TableView | None:
    return None if user is None else TableView(rt, db, user)


def _write_cursor(rt: Runtime) -> Any:
    return _writable(rt).cursor()


def _writable(rt: Runtime) -> Any:
    wh = rt.warehouse()
    if wh.read_only:
        raise ShuzhiError("warehouse_read_only", "数据仓库以只读方式打开，无法物化数据集；请在 shuzhi serve 所在进程中操作。",
                          "The warehouse is open read-only, so datasets cannot be materialized here; do it in the "
                          "process running `shuzhi serve`.", 409)
    return wh


def check(rt: Runtime, db: Session, cur: duckdb.DuckDBPyConnection, spec: S.DatasetSpec,
          *, fill_pivots: bool = False, view: TableView | None = None) -> tuple[S.DatasetSpec, DatasetPlan, Resolver]:
    """Plan a definition against the warehouse (as `view` shows it) and the other datasets (cycles refused)."""
    if fill_pivots:
        spec = _fill_pivot_values(db, cur, spec, view)
    res = Resolver(db, cur, {spec.name: spec}, view)
    return spec, res.plan(spec), res


def _fill_pivot_values(db: Session, cur: duckdb.DuckDBPyConnection, spec: S.DatasetSpec,
                       view: TableView | None = None) -> S.DatasetSpec:
    steps = list(spec.steps)
    for i, st in enumerate(steps):
        if not isinstance(st, S.PivotStep) or st.values is not None:
            continue
        head = spec.model_copy(update={"steps": steps[:i]})
        res = Resolver(db, cur, {spec.name: head}, view)
        plan = res.plan(head)
        col = next((c.name for c in plan.output if c.name.casefold() == st.column.casefold()), st.column)
        if col not in {c.name for c in plan.output}:
            plan_dataset(spec.model_copy(update={"steps": [*steps[:i], st]}), res.columns_of)  # names the problem
        values = runner.distinct_values(cur, compile_dataset(plan, res.relation_of), col, MAX_PIVOT_VALUES)
        if len(values) > MAX_PIVOT_VALUES:
            zh, en = S.step_prefix(i + 1, "pivot")
            raise ShuzhiError("dataset_pivot_too_many", f"{zh}{col} 有超过 {MAX_PIVOT_VALUES} 个不同取值，请在 values 中列出要转成列的取值。",
                              f"{en}{col} has more than {MAX_PIVOT_VALUES} distinct values; list the ones that "
                              "become columns in values.", details={"step": i + 1})
        if not values:
            zh, en = S.step_prefix(i + 1, "pivot")
            raise ShuzhiError("dataset_pivot_no_values", f"{zh}{col} 没有任何取值，无法行转列。",
                              f"{en}{col} has no values to pivot on.", details={"step": i + 1})
        steps[i] = st.model_copy(update={"values": [S.PivotValue(value=v) for v in values]})
    return spec.model_copy(update={"steps": steps})


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
    view = _view(rt, db, user)
    with rt.warehouse(read_only=True).cursor() as cur:
        spec, plan, _ = check(rt, db, cur, spec, fill_pivots=True, view=view)
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
    n = min(max(1, limit or PREVIEW_DEFAULT), PREVIEW_MAX, rt.row_cap("ui"))
    k = len(spec.steps) if upto is None else upto
    head = spec.model_copy(update={"steps": spec.steps[:k]})
    view = _view(rt, db, user)
    with rt.warehouse(read_only=True).cursor() as cur:
        head, plan, res = check(rt, db, cur, head, fill_pivots=True, view=view)
        tree = compile_dataset(plan, res.relation_of, limit=n)
        table = runner.run_query(cur, tree, cancel)
    return {"columns": [c.as_dict() for c in plan.output], "rows": to_rows(table), "sql": tree.sql("duckdb", pretty=True),
            "upto": k, "limit": n, "truncated": table.num_rows >= n,
            "steps": [[c.as_dict() for c in plan.columns_after(i)] for i in range(len(plan.steps) + 1)]}


def compiled_sql(rt: Runtime, db: Session, name: str) -> str:
    rec = store.get_dataset(db, name)
    with rt.warehouse(read_only=True).cursor() as cur:
        _, plan, res = check(rt, db, cur, rec.spec)
        return compile_dataset(plan, res.relation_of).sql("duckdb")


# -- materialize and refresh ----------------------------------------------------------------------
def downstream(db: Session, names: list[str], tables: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Datasets reading `tables` or the datasets `names` (directly or not), dependencies first."""
    recs = {r.name: r for r in store.list_datasets(db)}
    start = set(names) | {r.name for r in recs.values() if any(f"table:{t}" in r.sources for t in tables)}
    seen: set[str] = set()
    frontier = list(start)
    while frontier:
        n = frontier.pop()
        if n in seen:
            continue
        seen.add(n)
        frontier += [r.name for r in recs.values() if f"dataset:{n}" in r.sources
                     or f"table:ds_{n}" in r.sources]
    order: list[str] = []

    def visit(n: str, path: tuple[str, ...] = ()) -> None:
        if n in order or n in path or n not in recs:
            return
        for key in recs[n].sources:
            kind, _, parent = key.partition(":")
            dep = parent if kind == "dataset" else parent[3:] if parent.startswith("ds_") else None
            if dep in seen:
                visit(dep, (*path, n))
        order.append(n)

    for n in sorted(seen):
        visit(n)
    return order


def materialize_now(rt: Runtime, name: str, ctx: JobContext | None = None, *,
                    with_dependants: bool = True) -> dict[str, Any]:
    """Materialize `name` (and the materialized datasets downstream of it), in dependency order."""
    with rt.catalog.session() as db:
        store.get_dataset(db, name)
        order = downstream(db, [name]) if with_dependants else [name]
        todo = [n for n in order if n == name or store.get_dataset(db, n).mode == "materialized"]
    return _materialize_all(rt, todo, ctx)


def _materialize_all(rt: Runtime, names: list[str], ctx: JobContext | None) -> dict[str, Any]:
    done: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for i, n in enumerate(names):
        if ctx is not None:
            ctx.check_cancelled()
            ctx.progress(i / max(1, len(names)), f"{n} ({i + 1}/{len(names)})")
        try:
            with rt.catalog.session() as db:
                rec = store.get_dataset(db, n)
                with _write_cursor(rt) as cur:
                    _, plan, res = check(rt, db, cur, rec.spec)
                    rows = runner.materialize(cur, compile_dataset(plan, res.relation_of), rec.spec.table_name,
                                              ctx.cancelled if ctx is not None else None)
                store.record_materialized(db, n, version=rec.version, rows=rows)
            done.append({"dataset": n, "table": f"ds_{n}", "rows": rows})
        except ShuzhiError as err:
            if ctx is not None and err.code in ("job_cancelled", "query_cancelled"):
                raise
            with rt.catalog.session() as db:
                store.record_refresh_error(db, n, err)
            if i == 0:
                raise  # the first one is what the others were waiting for
            failed.append({"dataset": n, "code": err.code, "message_zh": err.zh, "message_en": err.en})
    if done:
        rt.data_refreshed([d["table"] for d in done], "dataset")
    if ctx is not None:
        ctx.progress(1.0)
    return {"materialized": done, "failed": failed}


def submit_materialize(rt: Runtime, name: str, *, actor: str | None) -> int:
    with rt.catalog.session() as db:
        rec = store.get_dataset(db, name)
    _writable(rt)  # refuse now, not in the job, when the warehouse is read-only
    return rt.jobs.submit(JOB_KIND, lambda ctx: materialize_now(rt, rec.name, ctx),
                          title=f"物化数据集 {rec.name} / materialize dataset {rec.name}", created_by=actor)


def on_data_refreshed(rt: Runtime, payload: dict[str, Any]) -> int | None:
    """Refresh the materialized datasets downstream of changed tables (one job); its id, or None."""
    if payload.get("reason") == "dataset":
        return None
    tables = [t for t in payload.get("tables") or [] if isinstance(t, str)]
    with rt.catalog.session() as db:
        order = [n for n in downstream(db, [], tables) if store.get_dataset(db, n).mode == "materialized"]
    if not order:
        return None
    return rt.jobs.submit(JOB_KIND, lambda ctx: _materialize_all(rt, order, ctx),
                          title=f"刷新数据集 / refresh datasets: {', '.join(order)}", created_by="system")


def install(rt: Runtime) -> None:
    """Subscribe to data_refreshed and register the schedule kind "dataset" (target: its name).
    Called once per process by Runtime._wire()."""
    rt.events.subscribe("data_refreshed", lambda payload: on_data_refreshed(rt, payload))
    rt.register_schedule_kind("dataset", lambda rt_, target, ctx: materialize_now(rt_, target, ctx))


def delete(rt: Runtime, db: Session, name: str) -> None:
    rec = store.delete_dataset(db, name)
    if rec.mode == "materialized" or rec.materialized_at is not None:
        wh = rt.warehouse()
        if not wh.read_only:
            with wh.cursor() as cur:
                runner.drop_table(cur, f"ds_{name}")


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


def dataset_def(rt: Runtime, db: Session, name: str, *, joins: list[JoinDef] | None = None) -> DatasetDef:
    """A semantic-model DatasetDef for a saved dataset: `table: ds_<name>` when materialized (and
    up to date), else `sql:` (its compiled query); fields typed and labelled from its columns."""
    rec = store.get_dataset(db, name)
    spec = rec.spec
    with rt.warehouse(read_only=True).cursor() as cur:
        _, plan, res = check(rt, db, cur, spec)
        fresh = (rec.mode == "materialized" and rec.materialized_version == rec.version
                 and runner.table_exists(cur, spec.table_name))
        sql = None if fresh else compile_dataset(plan, res.relation_of).sql("duckdb")
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


def add_to_model(rt: Runtime, db: Session, name: str, *, model: str | None, actor: str | None,
                 joins: list[JoinDef] | None = None, replace: bool = False,
                 may_change_rules: bool = False) -> dict[str, Any]:
    """Append (or with replace, swap in) the dataset as a model dataset; saves a new model version.
    A dataset that reads a table a row rule protects, without that rule, is a rule change
    (catalog.semantic.save_model): only callers with security:manage, or the operator's CLI."""
    from shuzhi.service.modeling import with_dataset

    current, _ = semantic.get_model(db, model)
    dd = dataset_def(rt, db, name, joins=joins)
    updated = with_dataset(current, dd, replace=replace)  # + generated metrics (row count, sums)
    version = semantic.save_model(db, updated, actor=actor, comment=f"add self-service dataset {name}",
                                  may_change_rules=may_change_rules)
    metrics = [{"name": m.name, "label": m.label} for m in updated.metrics
               if m.dataset == name and m.name.startswith(f"{name}__")]
    return {"model": current.name, "model_version": version, "dataset": dd.model_dump(mode="json", exclude_none=True),
            "metrics": metrics}
