"""Self-service datasets: resolving sources and checking a definition against the warehouse.

Invariants
- Sources resolve recursively: a table's columns come from the warehouse; a dataset's from planning
  its own definition (shuzhi.model.datasets.flow), so the whole chain is checked on every save and
  preview. A dataset met again while it is being resolved is a cycle: refused with the path.
- A parent dataset is read from its warehouse table ds_<name> when that table holds the parent's
  current version; otherwise its SQL is inlined (a virtual dataset is always inlined).
- Pivot steps saved without values get the column's distinct values (at most MAX_PIVOT_VALUES) from
  the data at save time; the stored step always lists them (a static column list).
- Row and column rules: a TableView shows a user every warehouse table as their rules leave it
  (runtime.scopes: rows the row rules leave, columns the column rules do not deny), and a user whom
  any rule binds never reads a parent's materialized table (it was written without rules): the
  parent's definition is inlined over the user's views instead.
- The warehouse is read through engines.datasets_runner.Tables, never a cursor held here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from sqlglot import exp

from shuzhi.catalog import datasets as store
from shuzhi.compile.datasets import compile_dataset
from shuzhi.engines import datasets_runner as runner
from shuzhi.errors import ShuzhiError
from shuzhi.model.datasets import steps as S
from shuzhi.model.datasets.flow import Column, DatasetPlan, plan_dataset

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.spec.resolve import UserContext

MAX_PIVOT_VALUES = 50


class Resolver:
    """Columns and relations of sources, for one check/preview/materialization (pure lookups cached)."""

    def __init__(self, db: Session, tables: runner.Tables, overrides: dict[str, S.DatasetSpec] | None = None,
                 view: TableView | None = None):
        self.db, self.tables = db, tables
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
            cols = self.tables.columns(ref.table)
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
                cols = self.tables.columns(ref.table) or []
                scoped = self.view.of(ref.table, [c.name for c in cols])[0]
                if scoped is not None:
                    return scoped
            return exp.table_(ref.table, quoted=True)
        assert ref.dataset is not None
        spec = self.spec(ref.dataset)
        rec = store.find_dataset(self.db, ref.dataset) if ref.dataset not in self.overrides else None
        if (self.view is None or not self.view.restricted) and (rec is not None and rec.mode == "materialized" and rec.materialized_version == rec.version
                and self.tables.exists(spec.table_name)):
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


def user_view(rt: Runtime, db: Session, user: UserContext | None) -> TableView | None:
    return None if user is None else TableView(rt, db, user)


def check(rt: Runtime, db: Session, tables: runner.Tables, spec: S.DatasetSpec,
          *, fill_pivots: bool = False, view: TableView | None = None) -> tuple[S.DatasetSpec, DatasetPlan, Resolver]:
    """Plan a definition against the warehouse (as `view` shows it) and the other datasets (cycles refused)."""
    if fill_pivots:
        spec = _fill_pivot_values(db, tables, spec, view)
    res = Resolver(db, tables, {spec.name: spec}, view)
    return spec, res.plan(spec), res


def _fill_pivot_values(db: Session, tables: runner.Tables, spec: S.DatasetSpec,
                       view: TableView | None = None) -> S.DatasetSpec:
    steps = list(spec.steps)
    for i, st in enumerate(steps):
        if not isinstance(st, S.PivotStep) or st.values is not None:
            continue
        head = spec.model_copy(update={"steps": steps[:i]})
        res = Resolver(db, tables, {spec.name: head}, view)
        plan = res.plan(head)
        col = next((c.name for c in plan.output if c.name.casefold() == st.column.casefold()), st.column)
        if col not in {c.name for c in plan.output}:
            plan_dataset(spec.model_copy(update={"steps": [*steps[:i], st]}), res.columns_of)  # names the problem
        values = tables.distinct_values(compile_dataset(plan, res.relation_of), col, MAX_PIVOT_VALUES)
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
