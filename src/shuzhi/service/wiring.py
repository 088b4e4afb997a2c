"""The use cases that react to schedules and data changes, registered with the runtime.

Importing shuzhi.service registers install() with runtime.wiring; every Runtime.start() then runs it
once: extract refreshes (schedule kind "refresh"), self-service datasets (kind "dataset", and
refreshes after their parents change) and alert rules (kind "alert", checks after data_refreshed),
in that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shuzhi.runtime.wiring import on_start

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


@on_start
def install(rt: Runtime) -> None:
    # Imported here, at start, not when shuzhi.service is: the alert checks import modules that
    # themselves import shuzhi.service (its pipeline), which would make a cycle at import time.
    from shuzhi.runtime import alerts
    from shuzhi.service import datasets_refresh, refresh

    refresh.install(rt)
    datasets_refresh.install(rt)
    alerts.install(rt)
