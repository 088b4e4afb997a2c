"""Org sync from LDAP / Active Directory: departments from organisational units, accounts from people
(role from groups, attributes, department), people who left disabled — so admins can share with
departments and people see their region before their first sign-in.

    shuzhi ldap sync                 # now
    SHUZHI_LDAP_SYNC_CRON="0 2 * * *"  # and on this schedule (the default; "" turns it off), once across instances

Invariants
- Runs only when SHUZHI_LDAP_URL is set; local accounts are never touched (auth.users.sync_directory).
- The schedule is the catalog's (kind "ldap_sync", target "ldap"), so with several instances it runs
  once per firing (runtime/scheduler.py); changing SHUZHI_LDAP_SYNC_CRON changes it at the next start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

KIND, TARGET = "ldap_sync", "ldap"
log = get_logger(__name__)


def sync(rt: Runtime) -> dict[str, int]:
    from shuzhi.auth.ldap import LdapDirectory
    from shuzhi.auth.users import sync_directory

    directory = LdapDirectory.from_settings(rt.settings)
    if directory is None:
        raise ShuzhiError("ldap_not_configured", "未配置 LDAP：请先设置 SHUZHI_LDAP_URL 等（见 docs/auth.md）。",
                          "LDAP is not configured: set SHUZHI_LDAP_URL and friends first (see docs/auth.md).")
    people, units = directory.people()
    with rt.catalog.session() as s:
        counts = sync_directory(s, people, units)
    log.info("ldap_synced", **counts)
    return counts


def install(rt: Runtime) -> None:
    """Register the schedule kind and keep its schedule in line with the settings."""
    from shuzhi.delivery.schedules import Timing, get_schedule, set_schedule

    def run(rt_: Runtime, target: str, ctx: Any) -> dict[str, Any]:
        return dict(sync(rt_))

    rt.register_schedule_kind(KIND, run)
    cron = (rt.settings.ldap_sync_cron or "").strip() if rt.settings.ldap_url else ""
    try:
        if not rt.catalog.at_head():
            return
        with rt.catalog.session() as db:
            current = get_schedule(db, KIND, TARGET)
            if not cron:
                if current is not None:
                    set_schedule(db, KIND, TARGET, None)
            elif current is None or current.cron != cron:
                set_schedule(db, KIND, TARGET, Timing(cron=cron), created_by="settings")
    except ShuzhiError as exc:
        log.warning("ldap_sync_schedule_invalid", error=exc.message("en"))
