"""What reacts to schedules and data changes, registered from above: the runtime wires, it does not know.

    on_start(install)   service/wiring.py registers its installers when shuzhi.service is imported
    installers()        what Runtime.start() runs, once per process (in registration order)

Invariants
- runtime/ imports no use case (tests/test_layers.py): the application layer (service/) registers
  `install(rt)` functions here, and Runtime.start() calls each once per Runtime.
- Registering the same function twice keeps one entry, so re-imports do not double-subscribe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

Installer = Callable[["Runtime"], None]
_installers: list[Installer] = []
_lock = threading.Lock()


def on_start(install: Installer) -> Installer:
    """Run `install(rt)` when a Runtime starts (once per Runtime); returns it (usable as a decorator)."""
    with _lock:
        if install not in _installers:
            _installers.append(install)
    return install


def installers() -> list[Installer]:
    with _lock:
        return list(_installers)
