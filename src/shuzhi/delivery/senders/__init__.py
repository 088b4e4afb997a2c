"""One module per channel kind; each maps a Message to its provider's requests.

Every sender module has KIND, LABEL, LABEL_EN, SECRETS (the config keys sealed at rest), check(cfg)
(validate and normalise a config, secrets included), shown(cfg) (what may be displayed: never a
secret), recipient(cfg) (what a send record names) and parts(cfg, message, timeout) (the requests).
"""

from __future__ import annotations

from types import ModuleType

from shuzhi.delivery.senders import dingtalk, email, feishu, webhook, wecom
from shuzhi.errors import ShuzhiError

SENDERS: dict[str, ModuleType] = {m.KIND: m for m in (dingtalk, wecom, feishu, email, webhook)}
KINDS = tuple(SENDERS)


def sender(kind: str) -> ModuleType:
    s = SENDERS.get(kind)
    if s is None:
        raise ShuzhiError(
            "channel_kind_invalid",
            f"渠道类型只能是 {'、'.join(KINDS)}，不是 {kind!r}。",
            f"The channel kind must be one of {', '.join(KINDS)}, not {kind!r}.",
        )
    return s
