"""Connect the use cases of service/ to a started Runtime, once per runtime.

The runtime is the process's resources and knows no use case; wire() registers the ones that react
to schedules and data changes: extract refreshes (schedule kind "refresh"), self-service datasets
(kind "dataset", and refreshes after their parents change) and alert rules (kind "alert", checks
after data_refreshed), in that order. The API (api.app.create_app) and the CLI (cli.common.runtime)
call it; calling it again does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def wire(rt: Runtime) -> Runtime:
    if rt.first_wiring("service"):
        # Imported here, not at module import: the alert checks import modules that themselves import
        # shuzhi.service, which would make a cycle at import time.
        from shuzhi.service import alerts, datasets_refresh, refresh

        refresh.install(rt)
        datasets_refresh.install(rt)
        alerts.install(rt)
    return rt
