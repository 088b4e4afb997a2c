"""SHUZHI_HOME/run/server.json: how CLI commands find the `shuzhi serve` of their SHUZHI_HOME.

Invariants
- `shuzhi serve` writes the file once it holds the warehouse and just before it listens, and removes
  it when it stops (only the file it wrote: same pid). It holds the server's pid, the port and host
  it listens on, and a random control key.
- The file is created with mode 0600 in a 0700 folder, atomically (a temporary file renamed over
  it), so a reader sees a whole file or none. Whoever can read it can also open the warehouse and the
  metadata catalog in SHUZHI_HOME: the key proves exactly that and grants nothing more.
- A file whose process is gone (the server was killed, the machine restarted, the pid now belongs to
  another process: shuzhi/owners.py) is stale and treated as absent; so is one written on another host.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

from shuzhi import owners

KEY_HEADER = "X-Shuzhi-Control-Key"
LOCAL_PREFIX = "/api/v1/local"  # the route of forwarded commands (cli/served.py)


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    host: str
    port: int
    key: str
    home: str
    workers: int = 1
    owner: str = ""  # shuzhi.owners identity: host, boot id, pid, process start time

    @property
    def url(self) -> str:
        """Where a CLI on this machine reaches the server: its loopback address when it listens on
        every interface, else the address it listens on."""
        host = self.host
        if host in ("", "0.0.0.0"):  # noqa: S104 - a listen address, not a bind
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"


def home_dir() -> Path:
    """SHUZHI_HOME as shuzhi.settings reads it (the variable's name in any case, `~` expanded, else
    ~/.shuzhi), without building the Settings: the check for a running server happens before every
    command, and pydantic-settings alone would double the start-up. tests/cli/test_cli_startup.py
    holds it to Settings().home."""
    value = None
    for name, v in os.environ.items():  # case-insensitive like Settings: the last match wins
        if name.lower() == "shuzhi_home":
            value = v
    if value is None:
        return Path.home() / ".shuzhi"
    return Path(value).expanduser() if value else Path(value)


def server_file(home: Path) -> Path:
    return home / "run" / "server.json"


def new_key() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def write(home: Path, *, host: str, port: int, key: str, workers: int) -> ServerInfo:
    """Publish this process as the server of `home` (mode 0600, atomic)."""
    info = ServerInfo(
        pid=os.getpid(),
        host=host,
        port=port,
        key=key,
        home=str(home),
        workers=workers,
        owner=owners.current(),
    )
    run = server_file(home).parent
    run.mkdir(mode=0o700, exist_ok=True)
    tmp = run / f".server.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(asdict(info)).encode("utf-8"))
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)  # whatever the umask said
    os.replace(tmp, server_file(home))
    return info


def remove(home: Path) -> None:
    """Remove the file if this process wrote it (a second `serve` that failed must not remove the first's)."""
    path = server_file(home)
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()


def read(home: Path) -> ServerInfo | None:
    """The live server of `home`, or None (no file, unreadable, malformed, or its process is gone)."""
    try:
        data = json.loads(server_file(home).read_text(encoding="utf-8"))
        info = ServerInfo(
            pid=int(data["pid"]),
            host=str(data["host"]),
            port=int(data["port"]),
            key=str(data["key"]),
            home=str(data.get("home", home)),
            workers=int(data.get("workers", 1)),
            owner=str(data.get("owner", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if owners.alive(info.owner) is True else None


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def listening(info: ServerInfo, timeout: float = 0.5) -> bool:
    """Whether something accepts connections at the server's address."""
    host = info.url.split("//", 1)[1].rsplit(":", 1)[0].strip("[]")
    try:
        with socket.create_connection((host, info.port), timeout=timeout):
            return True
    except OSError:
        return False
