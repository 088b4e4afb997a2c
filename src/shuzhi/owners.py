"""Which process owns a job or a refresh run, and whether that process is still alive.

A record that stays "running" after its process died (SIGKILL, a crash, a power cut) is an orphan;
the startup sweep (shuzhi.runtime.recovery) ends orphans as interrupted. It must never end work
of a process that is still running (a CLI import while the server starts, other server workers),
so every job and run records its owner:

    "<host>/<boot id>/<pid>/<process start time>"

Invariants
- alive(owner) is False only when the owner is certainly gone: same host, and the machine rebooted
  since (another boot id), or no process has that pid, or the pid now belongs to a process started
  at another time (pid reuse). On another host, or for an owner that does not parse, the answer is
  None (unknown): such records are left alone.
- current() is computed per pid, so a forked worker gets its own identity.
- Without /proc (not Linux) the boot id and start time are empty and only the pid is checked.
"""

from __future__ import annotations

import os
import socket
from functools import lru_cache


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return ""


def _boot_id() -> str:
    return _read("/proc/sys/kernel/random/boot_id")


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot ("" without /proc, None if no such process)."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        if os.path.isdir("/proc/self"):
            return None
        return "" if pid_exists(pid) else None
    # the command name (field 2) is in parentheses and may hold spaces; fields after it are plain
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else ""


def pid_exists(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@lru_cache(maxsize=4)
def _identity(pid: int) -> str:
    return f"{socket.gethostname()[:64]}/{_boot_id()}/{pid}/{_start_time(pid) or ''}"


def current() -> str:
    """This process's owner string."""
    return _identity(os.getpid())


def alive(owner: str | None) -> bool | None:
    """True / False when known (see the module doc), None when it cannot be told."""
    if not owner:
        return None
    parts = owner.split("/")
    if len(parts) != 4 or not parts[2].isdigit():
        return None
    host, boot, pid_s, started = parts
    if host != socket.gethostname()[:64]:
        return None
    if owner == current():
        return True
    if boot and _boot_id() and boot != _boot_id():
        return False
    now = _start_time(int(pid_s))
    if now is None:
        return False
    return not (started and now and started != now)
