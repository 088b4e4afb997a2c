"""The query use case: answer a QuerySpec for a user, through the executor (row rules, cache, row caps).

Every route and command that answers a spec (POST /query, dashboard widgets, the metric editor's
preview, `shuzhi query`) calls query(); the spec's own `model` picks the model (default: the
default model).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.model.index import ModelIndex
from shuzhi.results.result import QueryResult
from shuzhi.service.executor import Executor
from shuzhi.spec.query_spec import QuerySpec, parse_spec
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def query(rt: Runtime, spec: QuerySpec | dict[str, Any], user: UserContext, *, purpose: str = "api",
          use_cache: bool = True, db: Session | None = None, cancel: threading.Event | None = None,
          index: ModelIndex | None = None) -> QueryResult:
    """Answer a QuerySpec for `user` (row and column rules applied) with the limits of `purpose`.

    `index` answers over a candidate model that is not saved (the metric editor's preview); such
    answers are never cached."""
    qs = spec if isinstance(spec, QuerySpec) else parse_spec(spec)
    ex = Executor.open(rt, user, model=qs.model, purpose=purpose, db=db, index=index)
    return ex.run(qs, use_cache=use_cache, cancel=cancel)
