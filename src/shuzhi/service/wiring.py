"""Connect the use cases of service/ to a started Runtime, once per process.

The runtime wires what lives below it (extract refreshes, dataset refreshes); wire() adds what
lives here: alert rules (schedule kind "alert", checks after data_refreshed). The API
(api.app.create_app) and the CLI (cli.common.runtime) call it; calling it again does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def wire(rt: Runtime) -> Runtime:
    if rt.first_wiring("service"):
        from shuzhi.service import alerts

        alerts.install(rt)
    return rt
