"""The application layer: the executor and one module per use case (see README.md).

`run_query` / `plan_query` / `Engine` are re-exported from service.pipeline while the layers above
move onto the executor. Importing this package registers the use cases that react to schedules and
data changes with the runtime (service/wiring.py).
"""

from shuzhi.service.pipeline import Engine, plan_query, run_query

__all__ = ["Engine", "plan_query", "run_query", "wiring"]

# After the pipeline names: modules the wiring imports read them from this package.
from shuzhi.service import wiring  # noqa: E402
