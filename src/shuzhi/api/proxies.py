"""The client's address behind reverse proxies — believed only from proxies the operator names.

SHUZHI_TRUSTED_PROXIES lists the proxies (IPs or CIDRs, comma-separated); empty, the default,
trusts none, and the peer address of the connection is the client. When the peer is a trusted
proxy, X-Forwarded-For is read from the right: each trusted hop is skipped and the first address
that is not a trusted proxy is the client (whatever a client writes on the left is ignored); when
there is no X-Forwarded-For, X-Real-IP is used. A malformed entry stops the walk at the last hop
we trust. The middleware rewrites scope["client"], so the access log, the audit log, sessions and
login throttling all see the same address. uvicorn's own proxy handling is switched off
(cli/serve.py): it would trust 127.0.0.1 by default.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from shuzhi.errors import ShuzhiError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(value: str | None) -> list[Network]:
    nets: list[Network] = []
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ShuzhiError(
                "bad_trusted_proxies",
                f"SHUZHI_TRUSTED_PROXIES 中的「{item}」不是 IP 地址或网段（例如 127.0.0.1, 10.0.0.0/8）。",
                f"'{item}' in SHUZHI_TRUSTED_PROXIES is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8).",
            ) from None
    return nets


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(addr: ipaddress.IPv4Address | ipaddress.IPv6Address | None, nets: Sequence[Network]) -> bool:
    return addr is not None and any(addr in n for n in nets)


def real_client(peer: str, forwarded_for: Iterable[str], real_ip: str | None, nets: Sequence[Network]) -> str:
    """The client's address given the connection's peer and the proxy headers."""
    if not _trusted(_ip(peer), nets):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    if not hops:
        addr = _ip(real_ip) if real_ip else None
        return str(addr) if addr is not None else peer
    client = peer
    for hop in reversed(hops):
        addr = _ip(hop)
        if addr is None:
            break
        client = str(addr)
        if not _trusted(addr, nets):
            break
    return client


class TrustedProxyMiddleware:
    def __init__(self, app: ASGIApp, trusted: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted = list(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if self.trusted and scope["type"] in ("http", "websocket") and client:
            headers = [(k.lower(), v) for k, v in scope.get("headers", [])]
            xff = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
            real_ip = next((v.decode("latin-1") for k, v in headers if k == b"x-real-ip"), None)
            host = real_client(client[0], xff, real_ip, self.trusted)
            if host != client[0]:
                scope = {**scope, "client": (host, 0)}
        await self.app(scope, receive, send)
