"""Warm-up at server start, in the background: the first view after a start is answered from memory.

    thread = start(rt, answer)     # `shuzhi serve` (one worker), after the app is made

What it does, in one daemon thread, in this order:
1. builds the model indexes (every model's ModelIndex: validation, formulas) and loads the query
   path's first-use code (sqlglot's generator, pydantic schemas) by planning one spec;
2. answers the frequent dashboard views through `answer` (the API's own path: dates, plans, queries,
   the whole answer), as their viewers: the (dashboard, viewer) pairs of dashboard_views most viewed
   in the last RECENT_DAYS days, one per (dashboard, rule signature), at most MAX_ANSWERS; on a
   fresh install (no views yet) the first dashboards in list order, as the first active admin.
Every answer is computed as the viewer (row and column rules apply) and kept under that viewer's
rule signature, exactly as if they had asked; nothing is shared that would not be shared anyway.
A request that arrives while its answer is being warmed waits for that same computation
(single-flight) instead of starting another. Failures are logged and never stop the server; the
warm-up is an optimisation, and every request still works without it. Settings.warm_up = False
(SHUZHI_WARM_UP=0) turns it off.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import desc, select

from shuzhi.catalog.dashboard_models import DashboardRecord, DashboardView
from shuzhi.catalog.models import User, utcnow
from shuzhi.log import get_logger
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

MAX_ANSWERS = 6
RECENT_DAYS = 30
# (record, definition, model index, model version, viewer) → the answer, as the data API computes it
Answer = Callable[[DashboardRecord, DashboardDef, ModelIndex, int, UserContext], Any]


def views_to_warm(rt: Runtime, limit: int = MAX_ANSWERS) -> list[tuple[DashboardRecord, UserContext]]:
    """The (dashboard, viewer) pairs worth answering at start, most viewed first; one per dashboard and
    rule signature; only active users and dashboards they may still see."""
    from shuzhi.catalog.dashboards import Viewer, can_view

    since = utcnow() - dt.timedelta(days=RECENT_DAYS)
    out: list[tuple[DashboardRecord, UserContext]] = []
    seen: set[tuple[int, str, str]] = set()
    with rt.catalog.session() as db:
        rows = db.execute(select(DashboardRecord, User).join(DashboardView, DashboardView.dashboard_id == DashboardRecord.id)
                          .join(User, User.id == DashboardView.user_id)
                          .where(DashboardView.viewed_at >= since, User.is_active.is_(True))
                          .order_by(desc(DashboardView.views), desc(DashboardView.viewed_at)).limit(limit * 4)).all()
        if not rows:  # a fresh install: the first dashboards, as the first admin
            admin = db.scalar(select(User).where(User.role == "admin", User.is_active.is_(True)).order_by(User.id))
            if admin is not None:
                rows = [(rec, admin) for rec in db.scalars(select(DashboardRecord).order_by(DashboardRecord.id)
                                                           .limit(limit))]
        for rec, user in rows:
            ctx = UserContext(user.username, user.role, dict(user.attributes or {}))
            key = (rec.id, ctx.role, repr(sorted(ctx.attributes.items())))
            if key in seen or not can_view(rec, Viewer(user.id, user.username, user.role)):
                continue
            seen.add(key)
            db.expunge(rec)
            out.append((rec, ctx))
            if len(out) >= limit:
                break
    return out


def warm(rt: Runtime, answer: Answer, limit: int = MAX_ANSWERS) -> dict[str, Any]:
    """Do the warm-up now (in this thread); returns what was warmed (for the log)."""
    from shuzhi.catalog.semantic import list_models
    from shuzhi.service.pipeline import plan_query

    t0 = time.perf_counter()
    done: dict[str, Any] = {"models": 0, "answers": 0, "failed": 0}
    with rt.catalog.session() as db:
        names = [m.name for m in list_models(db)]
    for name in names:
        idx, _ = rt.model_index(name)
        done["models"] += 1
        metric = next(iter(idx.metrics), None)
        if metric is not None:  # the compiler's first use (imports, sqlglot's dialect tables)
            try:
                plan_query({"metrics": [metric]}, idx, UserContext.system(), rt.settings.today_date())
            except Exception:  # noqa: BLE001,S110 - a metric the system user may not compile alone
                pass
    for rec, user in views_to_warm(rt, limit):
        try:
            d = DashboardDef.model_validate(rec.definition)
            idx, version = rt.model_index()
            answer(rec, d, idx, version, user)
            done["answers"] += 1
        except Exception as exc:  # noqa: BLE001 - warming is an optimisation: the view computes instead
            done["failed"] += 1
            get_logger(__name__).info("warm_up_answer_failed", dashboard=rec.name, error=str(exc)[:300])
    done["ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return done


def start(rt: Runtime, answer: Answer) -> threading.Thread | None:
    """Warm up in a daemon thread (None when Settings.warm_up is off)."""
    if not rt.settings.warm_up:
        return None

    def run() -> None:
        log = get_logger(__name__)
        try:
            log.info("warm_up_done", **warm(rt, answer))
        except Exception as exc:  # noqa: BLE001 - never stop the server
            log.warning("warm_up_failed", error=str(exc)[:300])

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread
