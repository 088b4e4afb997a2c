"""Connect the use cases of service/ to a started Runtime, once per runtime.

The runtime is the process's resources and knows no use case; wire() registers the ones that react
to schedules and data changes: extract refreshes (schedule kind "refresh"), self-service datasets
(kind "dataset", and refreshes after their parents change), alert rules (kind "alert", checks
after data_refreshed) and subscriptions (kind "subscription"), in that order. Before them it upgrades the column names of imports made by
older versions (service.name_migration; a no-op once done; a failure is logged and retried at the
next start, never stops the start). The API (api.app.create_app) and the CLI (cli.common.runtime)
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
        from shuzhi.service import alerts, audit, datasets_refresh, directory_sync, refresh, subscriptions

        audit.install(rt)
        directory_sync.install(rt)
        upgrade_names(rt)
        refresh.install(rt)
        datasets_refresh.install(rt)
        alerts.install(rt)
        subscriptions.install(rt)
    return rt


def upgrade_names(rt: Runtime) -> None:
    """The upgrade of older imports' column names; a failure is logged (the next start tries again)."""
    from shuzhi.log import get_logger

    if not rt.settings.warehouse_path.exists():
        return  # nothing was ever imported here (or the runtime is a throw-away one, e.g. the OpenAPI export)
    try:
        if not rt.catalog.at_head():
            return  # a runtime that was not started: its catalog is not migrated yet
        from shuzhi.catalog.tables import list_imported

        with rt.catalog.session() as db:
            if not list_imported(db):
                return  # no import to upgrade (and the upgrade's modules are not imported: `shuzhi ask` starts faster)
        from shuzhi.service.name_migration import upgrade_column_names

        upgrade_column_names(rt)
    except Exception as exc:  # noqa: BLE001 - never stop a start; the next start tries again
        get_logger(__name__).warning("column_names_upgrade_failed", error=str(exc)[:300])
