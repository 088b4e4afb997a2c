"""Self-service datasets: materialization and refresh of dependants.

Invariants
- Materialization and refresh run as the system (no rules): the stored table ds_<name> is for the
  model. Materializing a dataset also re-materializes, in dependency order, every materialized
  dataset downstream of it.
- A "data_refreshed" event about warehouse tables (any reason but "dataset", which this module emits
  itself) submits one job doing the same for every dataset that reads those tables; the schedule
  kind "dataset" materializes one dataset (install(), registered by service.wiring).
- Writes go through engines.datasets_runner.Tables on the process's read-write warehouse; a
  read-only one refuses with warehouse_read_only before any job starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.catalog import datasets as store
from shuzhi.compile.datasets import compile_dataset
from shuzhi.engines import datasets_runner as runner
from shuzhi.engines.external import ExternalWarehouse
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError
from shuzhi.service.datasets_resolve import check

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime
    from shuzhi.runtime.jobs import JobContext

JOB_KIND = "dataset_materialize"


def writable(rt: Runtime) -> Warehouse | ExternalWarehouse:
    ext = rt.external()
    if ext is not None:  # datasets are CREATE TABLE … AS in the external warehouse's dialect
        return ext
    wh = rt.warehouse()
    if wh.read_only:
        raise ShuzhiError("warehouse_read_only", "数据仓库以只读方式打开，无法物化数据集；请在 shuzhi serve 所在进程中操作。",
                          "The warehouse is open read-only, so datasets cannot be materialized here; do it in the "
                          "process running `shuzhi serve`.", 409)
    return wh


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
                with runner.tables(writable(rt)) as tables:
                    _, plan, res = check(rt, db, tables, rec.spec)
                    rows = tables.materialize(compile_dataset(plan, res.relation_of), rec.spec.table_name,
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
    writable(rt)  # refuse now, not in the job, when the warehouse is read-only
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
    Called once per process by Runtime.start() (registered by service.wiring)."""
    rt.events.subscribe("data_refreshed", lambda payload: on_data_refreshed(rt, payload))
    rt.register_schedule_kind("dataset", lambda rt_, target, ctx: materialize_now(rt_, target, ctx))
