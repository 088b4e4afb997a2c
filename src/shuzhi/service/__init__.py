"""The application layer: the executor and one module per use case (see README.md).

`run_query` / `plan_query` / `Engine` are re-exported from service.pipeline while the layers above
move onto the executor.
"""

from shuzhi.service.pipeline import Engine, plan_query, run_query

__all__ = ["Engine", "plan_query", "run_query"]
