"""The query use case: answer a QuerySpec for a user, through the executor (row rules, cache, row caps).

Every route and command that answers a spec (POST /query, dashboard widgets, the metric editor's
preview, `shuzhi query`) calls query(); the spec's own `model` picks the model (default: the
default model).
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.model.index import ModelIndex
from shuzhi.results.result import QueryResult
from shuzhi.service.executor import Executor, row_cap
from shuzhi.spec.query_spec import QuerySpec, parse_spec
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def query(rt: Runtime, spec: QuerySpec | dict[str, Any], user: UserContext, *, purpose: str = "api",
          use_cache: bool = True, db: Session | None = None, cancel: threading.Event | None = None,
          index: ModelIndex | None = None, freshness: bool = False,
          current: tuple[ModelIndex, int] | None = None) -> QueryResult:
    """Answer a QuerySpec for `user` (row and column rules applied) with the limits of `purpose`.

    `index` answers over a candidate model that is not saved (the metric editor's preview); such
    answers are never cached. With `freshness` the answer says how fresh its data is (数据截至, an
    empty period and the latest period with data: service.freshness), as the caller sees the rows.
    `current` is (index, version) of the default model as the caller read it at the start of its
    request (a dashboard answer): its queries then need no catalog read each."""
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    if current is not None and index is None and qs.model in (None, current[0].model.name):
        row_cap(rt, purpose)  # an unknown purpose fails here
        ex = Executor(rt, user, current[0], current[1], purpose, db)
    else:
        ex = Executor.open(rt, user, model=qs.model, purpose=purpose, db=db, index=index)
    result = ex.run(qs, use_cache=use_cache, cancel=cancel)
    if freshness and index is None:
        from shuzhi.service.freshness import freshness as freshness_of

        result = dataclasses.replace(result, freshness=freshness_of(ex, qs))
    return result
