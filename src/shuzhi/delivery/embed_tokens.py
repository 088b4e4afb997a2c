"""Guest tokens for embedding (嵌入): a portal's backend asks for one, its page frames /embed/... with it.

A token is `sze_<payload>.<signature>`: the payload is base64url JSON (dashboard id and name, optional
component, fixed filters, row attributes, issuer, issued and expiry times, a random id); the signature
is HMAC-SHA256 over the payload text with a key derived from the installation's secret key
(auth/secrets.py SecretBox.signing_key("embed")) — nothing to store, nothing to configure.

Invariants
- Nothing in a token can be changed without the key: any change to the payload or the signature, a
  token signed for another purpose, or one past its expiry is refused (401 embed_token_invalid /
  embed_token_expired) before anything is read.
- The token names exactly one dashboard (by id: renaming it keeps the token working, another
  dashboard never answers) and optionally one chart or KPI of it; the guest reads only that.
- Fixed filters are where-conditions on model dimensions, added to every query of the token's
  dashboard on the server (AND: a request's own filters can only narrow them further); a component
  whose metrics cannot use a fixed filter answers an error rather than unfiltered data.
- The guest queries as role `viewer` with the token's attributes: viewers' column rules and row rules
  apply, row rules reading `{{ user.<attr> }}` from the token.
- Tokens live SHUZHI_EMBED_TOKEN_MINUTES (default 10) up to SHUZHI_EMBED_TOKEN_MAX_MINUTES; a token works
  only while its issuer is active and still holds `embed:issue` (disable the portal's account to cut
  every token it issued).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from shuzhi.auth.users import check_attrs
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.models import utcnow
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.index import ModelIndex

TOKEN_PREFIX = "sze_"
MAX_FILTERS, MAX_VALUES = 20, 200
GUEST_ROLE = "viewer"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def invalid() -> ShuzhiError:
    return ShuzhiError("embed_token_invalid", "嵌入令牌无效。", "The embed token is not valid.", 401)


@dataclass(frozen=True)
class Guest:
    """What a verified token allows."""

    dashboard_id: int
    dashboard: str
    component: str | None
    filters: dict[str, list[Any]]
    attributes: dict[str, Any]
    issuer_id: int
    expires_at: dt.datetime
    jti: str = field(default="")

    def pieces(self) -> list[dict[str, Any]]:
        """The fixed filters as dashboard filter pieces (where-conditions)."""
        out = []
        for f, values in sorted(self.filters.items()):
            cond = (
                {"field": f, "op": "=", "value": values[0]}
                if len(values) == 1
                else {"field": f, "op": "in", "values": list(values)}
            )
            out.append({"where": cond})
        return out


def check_filters(filters: dict[str, Any] | None, idx: ModelIndex) -> dict[str, list[Any]]:
    """Fixed filters: model dimensions (by name) → one value or a list of values."""
    out: dict[str, list[Any]] = {}
    items = list((filters or {}).items())
    if len(items) > MAX_FILTERS:
        raise ShuzhiError(
            "embed_bad_filters", f"固定筛选最多 {MAX_FILTERS} 个。", f"At most {MAX_FILTERS} fixed filters."
        )
    for name, value in items:
        try:
            idx.resolve_field(name, dimension_only=True)
        except ShuzhiError:
            raise ShuzhiError(
                "embed_bad_filters",
                f"固定筛选的字段 {name} 不是模型中的维度。",
                f"The fixed filter field {name} is not a dimension of the model.",
            ) from None
        values = value if isinstance(value, list) else [value]
        if (
            not values
            or len(values) > MAX_VALUES
            or not all(
                isinstance(v, (str, int, float, bool)) and not (isinstance(v, str) and len(v) > 200)
                for v in values
            )
        ):
            raise ShuzhiError(
                "embed_bad_filters",
                f"固定筛选 {name} 的取值需为 1 到 {MAX_VALUES} 个文本或数字。",
                f"The fixed filter {name} needs 1 to {MAX_VALUES} text or number values.",
            )
        out[name] = values
    return out


def check_component(d: DashboardDef, component: str | None) -> str | None:
    if component is None:
        return None
    c = d.component(component)
    if c is None or c.kind not in ("chart", "kpi"):
        raise ShuzhiError(
            "embed_bad_component",
            f"仪表板没有图表或指标卡 {component}。",
            f"The dashboard has no chart or KPI {component}.",
        )
    return component


def issue(
    key: bytes,
    rec: DashboardRecord,
    *,
    component: str | None,
    filters: dict[str, list[Any]],
    attributes: dict[str, Any] | None,
    issuer_id: int,
    minutes: int,
) -> tuple[str, Guest]:
    attrs = check_attrs(dict(attributes or {}))
    now = utcnow()
    exp = now + dt.timedelta(minutes=minutes)
    payload = {
        "v": 1,
        "d": rec.id,
        "n": rec.name,
        "c": component,
        "f": filters,
        "a": attrs,
        "i": issuer_id,
        "iat": int(now.timestamp()),
        "exp": int(exp.timestamp()),
        "j": secrets.token_urlsafe(8),
    }
    body = _b64(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    )
    mac = _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())
    guest = Guest(
        rec.id,
        rec.name,
        component,
        filters,
        attrs,
        issuer_id,
        dt.datetime.fromtimestamp(payload["exp"], dt.UTC),
        payload["j"],
    )
    return f"{TOKEN_PREFIX}{body}.{mac}", guest


def verify(key: bytes, token: str | None) -> Guest:
    """The guest of a token whose signature and expiry are good; 401 otherwise."""
    t = (token or "").strip()
    if not t.startswith(TOKEN_PREFIX) or len(t) > 16_000 or t.count(".") != 1:
        raise invalid()
    body, mac = t[len(TOKEN_PREFIX) :].split(".")
    good = _b64(hmac.new(key, body.encode("ascii", "replace"), hashlib.sha256).digest())
    if not hmac.compare_digest(mac.encode("ascii", "replace"), good.encode("ascii")):
        raise invalid()
    try:
        p = json.loads(_unb64(body))
        exp = int(p["exp"])
        guest = Guest(
            int(p["d"]),
            str(p["n"]),
            p["c"],
            {str(k): list(v) for k, v in p["f"].items()},
            dict(p["a"]),
            int(p["i"]),
            dt.datetime.fromtimestamp(exp, dt.UTC),
            str(p.get("j", "")),
        )
        if p.get("v") != 1:
            raise ValueError("version")
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, UnicodeDecodeError):
        raise invalid() from None
    if guest.expires_at <= utcnow():
        raise ShuzhiError(
            "embed_token_expired",
            "嵌入令牌已过期，请刷新页面。",
            "The embed token has expired; reload the page.",
            401,
        )
    return guest
