"""The startup sweep: work a dead process left unfinished ends as interrupted, and its leftovers go.

    recover(rt, server=False)   at every Runtime.start (CLI commands, the server, tests)
    recover(rt, server=True)    at the server's start (start_background), which owns the warehouse

Invariants
- A queued or running job, or a running refresh run, is ended only when its owner process is
  certainly gone (shuzhi.owners.alive is False): a CLI import running while the server starts, or
  another server worker, is never touched. Records of this very process are never touched.
- Records from before owners were recorded (owner NULL) are ended only at a server start, as every
  unfinished job was before.
- Jobs end as failed with job_interrupted (the job states stay queued → running → succeeded |
  failed | cancelled); refresh runs end as "interrupted" (中断) with refresh_interrupted, and their
  extract's last status says so. The warehouse was never changed by them (a refresh swaps its
  target in one transaction; an import stages inside its transaction).
- Stage tables: only at a server start (the one process that holds the warehouse read-write), every
  `_shuzhi_stage_*` table no write of this process is using is dropped (engines.extract.sweep_stages;
  every refresh does the same before it stages). Imports never commit a stage, so none is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shuzhi import owners
from shuzhi.catalog import jobs as job_records
from shuzhi.catalog.connections import interrupt_orphan_runs
from shuzhi.log import get_logger

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

log = get_logger(__name__)


@dataclass
class Recovered:
    jobs: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)


def _orphan(owner: str | None, *, server: bool) -> bool:
    if owner is None:
        return server
    return owners.alive(owner) is False


def recover(rt: Runtime, *, server: bool) -> Recovered:
    out = Recovered()
    with rt.catalog.session() as db:
        out.jobs = [j.id for j in job_records.unfinished(db) if _orphan(j.owner, server=server)]
        job_records.fail_interrupted(db, out.jobs)
        out.runs = interrupt_orphan_runs(db, lambda r: _orphan(r.owner, server=server))
    if server:
        from shuzhi.engines.extract import sweep_warehouse

        wh = rt.warehouse()
        if not wh.read_only:
            out.stages = sweep_warehouse(wh)
    if out.jobs or out.runs or out.stages:
        log.warning("interrupted_work_ended", jobs=out.jobs, runs=out.runs, stages=out.stages)
    return out
