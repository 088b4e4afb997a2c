"""The audit trail of the API: every route that changes content, runs SQL, exports or delivers is
recorded with who, when, from where and what (catalog/audit.py chains the records).

Invariants
- ACTIONS names every such route by (method, route template). Routes that audit themselves in the
  service they call (sign-in, users, tokens, shares, channels, embed tokens, rules, settings,
  answers) and routes that only read (queries, questions, previews, what-ifs) are listed in
  SELF_AUDITED / READS; tests/api/test_audit_trail.py fails when an unsafe route is in none of the
  three, so a new route cannot slip by unrecorded.
- Success (2xx) is recorded as the action; a refusal (401/403) as the action with outcome
  "denied". Other failures change nothing and are not recorded.
- The event is written after the response is sent, in a worker thread: a request never waits
  on the audit log, and a failure to write it is logged, never shown to the caller.
- What is recorded of the request: the route's path parameters, and from a JSON body only the
  naming fields (name, title, key, table, dashboard) and, for SQL, the statement (2,000 characters);
  never passwords or channel secrets.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuzhi.log import get_logger

log = get_logger("shuzhi.audit")
P = "/api/v1"

ACTIONS: dict[tuple[str, str], str] = {
    ("POST", f"{P}/auth/logout"): "auth.logout",
    ("POST", f"{P}/sql"): "sql.run",
    ("POST", f"{P}/metrics"): "metric.create",
    ("PUT", f"{P}/metrics/{{name}}"): "metric.update",
    ("POST", f"{P}/metrics/{{name}}/versions/{{version}}/restore"): "metric.restore",
    ("PUT", f"{P}/models/{{name}}"): "model.update",
    ("POST", f"{P}/models/{{name}}/versions/{{version}}/restore"): "model.restore",
    ("POST", f"{P}/jobs/{{job_id}}/cancel"): "job.cancel",
    ("POST", f"{P}/dashboards"): "dashboard.create",
    ("PUT", f"{P}/dashboards/{{key}}"): "dashboard.update",
    ("DELETE", f"{P}/dashboards/{{key}}"): "dashboard.delete",
    ("POST", f"{P}/dashboards/{{key}}/duplicate"): "dashboard.duplicate",
    ("POST", f"{P}/dashboards/{{key}}/versions/{{version}}/restore"): "dashboard.restore",
    ("POST", f"{P}/datasets"): "dataset.create",
    ("PUT", f"{P}/datasets/{{name}}"): "dataset.update",
    ("DELETE", f"{P}/datasets/{{name}}"): "dataset.delete",
    ("POST", f"{P}/datasets/{{name}}/versions/{{version}}/restore"): "dataset.restore",
    ("POST", f"{P}/datasets/{{name}}/materialize"): "dataset.materialize",
    ("POST", f"{P}/datasets/{{name}}/add-to-model"): "model.add_dataset",
    ("POST", f"{P}/connections"): "connection.create",
    ("PATCH", f"{P}/connections/{{ref}}"): "connection.update",
    ("DELETE", f"{P}/connections/{{ref}}"): "connection.delete",
    ("POST", f"{P}/connections/{{ref}}/tables"): "extract.create",
    ("PATCH", f"{P}/extracts/{{ref}}"): "extract.update",
    ("DELETE", f"{P}/extracts/{{ref}}"): "extract.delete",
    ("POST", f"{P}/extracts/{{ref}}/refresh"): "extract.refresh",
    ("POST", f"{P}/imports"): "import.start",
    ("POST", f"{P}/tables/{{name}}/add-to-model"): "model.add_table",
    ("POST", f"{P}/alerts"): "alert.create",
    ("PATCH", f"{P}/alerts/{{rule_id}}"): "alert.update",
    ("DELETE", f"{P}/alerts/{{rule_id}}"): "alert.delete",
    ("POST", f"{P}/alerts/{{rule_id}}/check"): "alert.check",
    ("POST", f"{P}/exports/query"): "export.query",
    ("POST", f"{P}/exports/dashboards/{{name}}"): "export.dashboard",
    ("GET", f"{P}/exports/renders/{{job_id}}/file"): "export.download",
    ("GET", f"{P}/assess/report"): "export.assess_report",
    ("GET", f"{P}/audit/export"): "export.audit",
    ("POST", f"{P}/channels/{{name}}/test"): "channel.test",
    ("POST", f"{P}/subscriptions"): "subscription.create",
    ("PATCH", f"{P}/subscriptions/{{sub_id}}"): "subscription.update",
    ("DELETE", f"{P}/subscriptions/{{sub_id}}"): "subscription.delete",
    ("POST", f"{P}/subscriptions/{{sub_id}}/run"): "subscription.run",
}

# Unsafe routes whose service writes its own, more precise event.
SELF_AUDITED: frozenset[tuple[str, str]] = frozenset({
    ("POST", f"{P}/auth/login"), ("POST", f"{P}/auth/password"), ("POST", f"{P}/auth/tokens"),
    ("DELETE", f"{P}/auth/tokens/{{token_id}}"), ("POST", f"{P}/users"), ("PATCH", f"{P}/users/{{username}}"),
    ("DELETE", f"{P}/users/{{username}}"), ("POST", f"{P}/users/{{username}}/password"),
    ("PUT", f"{P}/preferences/company"), ("POST", f"{P}/channels"), ("DELETE", f"{P}/channels/{{name}}"),
    ("POST", f"{P}/shares"), ("DELETE", f"{P}/shares/{{share_id}}"), ("POST", f"{P}/public/share/unlock"),
    ("POST", f"{P}/embed/tokens"), ("PUT", f"{P}/assess/answers"),
    ("POST", f"{P}/departments"), ("PATCH", f"{P}/departments/{{dept_id}}"), ("DELETE", f"{P}/departments/{{dept_id}}"),
    ("PUT", f"{P}/dashboards/{{key}}/grants"),
})

# Unsafe methods that only read or touch the caller's own view (nothing shared changes).
READS: frozenset[tuple[str, str]] = frozenset({
    ("POST", f"{P}/query"), ("POST", f"{P}/ask"), ("POST", f"{P}/forecast"), ("POST", f"{P}/anomalies"),
    ("POST", f"{P}/explain"), ("POST", f"{P}/metrics/validate"), ("POST", f"{P}/dashboards/{{key}}/data"),
    ("PUT", f"{P}/dashboards/{{key}}/favourite"), ("DELETE", f"{P}/dashboards/{{key}}/favourite"),
    ("POST", f"{P}/datasets/preview"), ("POST", f"{P}/datasets/{{name}}/preview"),
    ("POST", f"{P}/connections/test"), ("POST", f"{P}/connections/{{ref}}/test"), ("POST", f"{P}/imports/preview"),
    ("POST", f"{P}/inbox/{{item_id}}/read"), ("POST", f"{P}/inbox/read-all"), ("PUT", f"{P}/preferences"),
    ("POST", f"{P}/public/share/data"), ("POST", f"{P}/embed/data"),
    ("POST", f"{P}/subscriptions/received/{{item_id}}/read"), ("POST", f"{P}/rd/allocate"),
})

NAMING = ("name", "title", "key", "table", "dashboard", "metric", "label")
BODY_CAP = 16 * 1024
SQL_CAP = 2000


def _what(body: bytes, action: str) -> dict[str, Any]:
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    out = {k: data[k] for k in NAMING if isinstance(data.get(k), str | int)}
    if action == "sql.run" and isinstance(data.get("sql"), str):
        out["sql"] = data["sql"][:SQL_CAP]
    return out


class AuditTrailMiddleware:
    """Pure ASGI: watches the status, keeps the first BODY_CAP bytes of a JSON body, and records
    the event after the response when the route is in ACTIONS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(P):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        status = 0

        async def receive_wrapper() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(body) < BODY_CAP:
                body.extend(message.get("body", b"")[: BODY_CAP - len(body)])
            return message

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive_wrapper, send_wrapper)
        action = ACTIONS.get((scope.get("method", ""), _template(scope)))
        if action is None or not (200 <= status < 300 or status in (401, 403)):
            return
        principal = (scope.get("state") or {}).get("principal")
        params = {k: str(v) for k, v in (scope.get("path_params") or {}).items()}
        detail: dict[str, Any] = {**params, **_what(bytes(body), action)}
        if status >= 400:
            detail["outcome"] = "denied"
        target = next((str(detail[k]) for k in ("key", "name", "ref", "rule_id", "sub_id", "job_id", "title",
                                                 "table", "dashboard") if k in detail), None)
        rt = scope["app"].state.runtime
        event = {"action": action, "actor": getattr(principal, "username", None), "target": target,
                 "detail": detail or None}
        try:
            await anyio.to_thread.run_sync(_write, rt, event)
        except Exception as exc:  # noqa: BLE001 - the response is sent; the log says what was lost
            log.warning("audit_write_failed", action=action, error=type(exc).__name__)


def _template(scope: Scope) -> str:
    """The full route template of the request ("/api/v1/dashboards/{key}"): the matched route's own
    path is relative to the routers that include it, so the request's leading segments are its prefix."""
    route_path = getattr(scope.get("route"), "path", None)
    if not route_path:
        return ""
    tail = route_path.strip("/").split("/")
    parts = scope.get("path", "").strip("/").split("/")
    if len(parts) < len(tail):
        return ""
    return "/" + "/".join([*parts[: len(parts) - len(tail)], *tail])


def _write(rt: Any, event: dict[str, Any]) -> None:
    from shuzhi.catalog.audit import append

    with rt.catalog.session() as s:
        append(s, event["action"], actor=event["actor"], target=event["target"], detail=event["detail"])
