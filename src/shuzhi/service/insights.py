"""The insights use case: forecast, anomalies and explain over the executor.

Series are read through QuerySpecs run by the executor as the calling user (row and column rules
apply, answers are cached, direct-mode models are read live on their own connection, in their
database's dialect); ai.insights receives a Source whose runner is that executor and runs no SQL.
Every use case takes `model` (default: the default model), so any saved model, on the warehouse or
on its own PostgreSQL / MySQL connection, is forecast, checked and explained the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.ai.insights.series import Limits, Source
from shuzhi.model.index import ModelIndex
from shuzhi.service.executor import Executor
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def limits(rt: Runtime) -> Limits:
    """The work limits of one insight request (SHUZHI_INSIGHT_*)."""
    s = rt.settings
    return Limits(s.insight_forecast_max_points, s.insight_anomaly_max_points, s.insight_timeout_s)


def source_of(ex: Executor, lim: Limits | None = None) -> Source:
    """A Source reading through `ex` (its user, its model, its purpose's limits)."""

    def run(spec: dict[str, Any], index: ModelIndex | None = None) -> list[dict[str, Any]]:
        return ex.rows(spec, index=index)

    return Source(ex.index, ex.rt.settings.today_date(), run, lim or Limits())


def source(rt: Runtime, user: UserContext, *, model: str | None = None, db: Session | None = None,
           purpose: str = "insight") -> Source:
    """The Source of `user` over `model` (default: the default model), with the settings' limits."""
    return source_of(Executor.open(rt, user, model=model, purpose=purpose, db=db), limits(rt))


def forecast(rt: Runtime, user: UserContext, metric: str, grain: str, horizon: int, *, by: str | None = None,
             where: list[dict[str, Any]] | None = None, model: str | None = None) -> dict[str, Any]:
    from shuzhi.ai.insights.forecast import forecast as run

    return run(source(rt, user, model=model), metric, grain, horizon, by=by, where=where)


def anomalies(rt: Runtime, user: UserContext, metric: str, grain: str, *, by: str | None = None,
              where: list[dict[str, Any]] | None = None, model: str | None = None) -> dict[str, Any]:
    from shuzhi.ai.insights.anomalies import anomalies as run

    return run(source(rt, user, model=model), metric, grain, by=by, where=where)


def explain(rt: Runtime, user: UserContext, metric: str, to: str, frm: str | None = None, *,
            by: list[str] | None = None, where: list[dict[str, Any]] | None = None,
            model: str | None = None) -> dict[str, Any]:
    from shuzhi.ai.insights.attribution import explain as run

    return run(source(rt, user, model=model), metric, to, frm, by=by, where=where)
