"""The server side of forwarded commands: `shuzhi serve` runs a CLI process's command in-process.

    WebSocket /api/v1/local/cli

One connection per command (so it reaches the same process even under `--workers N`). The client sends
{"argv", "cwd", "env", "stdin_tty", "width"} first; the server sends {"o": text} (standard output),
{"e": text} (standard error), {"ask": "stdin" | "secret" | "confirm", "prompt": text} (the command wants
the caller's standard input, a secret typed at their terminal, or a yes/no; the client answers
{"part": text}... {"text": text | null}, null meaning end of input), and last {"exit": code}.

Invariants
- Only this machine, only whoever can read SHUZHI_HOME: the handshake must come from a loopback address
  (or this connection's own local address), carry no proxy header (X-Forwarded-For, X-Real-IP,
  Forwarded: a reverse proxy on this machine would otherwise make a remote request look local), and
  carry the control key of SHUZHI_HOME/run/server.json in X-Shuzhi-Control-Key, compared in constant
  time; anything else is refused with HTTP 403 before it is accepted. The route is not in the OpenAPI
  document, reads no cookie (so needs no CSRF token), and, being a WebSocket, is outside the admission
  queue of web requests (api/admission.py counts HTTP only).
- A command runs in a thread of its own with the server's Runtime (cli/common.runtime() lends it),
  exactly as the `shuzhi` entry point runs it (cli.run), with the caller's working directory for
  relative paths (cli/common.cli_path) and the caller's language. Its output is routed per thread to
  its own stream: sys.stdout / sys.stderr / sys.stdin are replaced once by routing proxies that fall
  back to the server's own streams outside a forwarded command.
- Standard input is fetched from the caller only when the command reads it, so a command that reads
  nothing never waits for a pipe that does not close.
- If the caller goes away, the command still finishes (an import commits or rolls back as a whole);
  whatever it would ask then gets end-of-input.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import io
import ipaddress
import json
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from shuzhi.cli.common import LANG_VARS, SERVED
from shuzhi.cli.local_server import KEY_HEADER
from shuzhi.log import get_logger

log = get_logger("shuzhi.cli.served")
# Never sent by the shuzhi CLI: proxy headers (a reverse proxy on this machine makes remote requests come
# from a loopback address) and Origin (a browser: a web page must not reach this route).
FORBIDDEN_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host", "origin")


class CliRequest(BaseModel):
    argv: list[str] = Field(max_length=1000)
    cwd: str = Field(max_length=4096)
    env: dict[str, str] = Field(default_factory=dict)
    stdin_tty: bool = False
    width: int | None = Field(default=None, ge=20, le=1000)


class CliInput(BaseModel):
    part: str | None = None  # a piece of a long answer; more follow
    text: str | None = None  # the (last piece of the) answer; None alone: end of input


@dataclass
class ServedCall:
    """One forwarded command: what common.py reads (cwd, env, width, stdin_tty, runtime, ask) and the
    frames going back."""

    runtime: Any
    cwd: str
    env: dict[str, str]
    stdin_tty: bool
    width: int | None
    loop: asyncio.AbstractEventLoop
    frames: asyncio.Queue[dict[str, Any] | None]
    answers: queue.Queue[str | None] = field(default_factory=queue.Queue)
    gone: threading.Event = field(default_factory=threading.Event)
    stdin: io.StringIO | None = None

    def send(self, frame: dict[str, Any] | None) -> None:
        if self.gone.is_set() and frame is not None:
            return  # nobody reads it; the end (None) still goes, so the route returns
        with contextlib.suppress(RuntimeError):  # the loop closed: the server is stopping
            self.loop.call_soon_threadsafe(self.frames.put_nowait, frame)

    def ask(self, kind: str, prompt: str = "") -> str | None:
        """Ask the caller (kind: stdin | secret | confirm) and wait for the answer; None when they
        have none or went away."""
        if self.gone.is_set():
            return None
        self.send({"ask": kind, "prompt": prompt})
        while True:
            try:
                return self.answers.get(timeout=1.0)
            except queue.Empty:
                if self.gone.is_set():
                    return None

    def read_stdin(self) -> io.StringIO:
        if self.stdin is None:
            self.stdin = io.StringIO(self.ask("stdin") or "")
        return self.stdin


# -- per-thread routing of the standard streams ----------------------------------------------------
class _RoutedOut(io.TextIOBase):
    """sys.stdout / sys.stderr of the server process: a forwarded command's writes become frames of
    its call; everything else goes to the server's own stream."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, tag: str, fallback: Any) -> None:
        self.tag, self.fallback = tag, fallback

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError("write() argument must be str")
        call = SERVED.get()
        if call is None:
            return self.fallback.write(s)  # type: ignore[no-any-return]
        if s:
            call.send({self.tag: s})
        return len(s)

    def flush(self) -> None:
        if SERVED.get() is None:
            self.fallback.flush()

    def isatty(self) -> bool:
        return False if SERVED.get() is not None else bool(self.fallback.isatty())

    def fileno(self) -> int:
        if SERVED.get() is not None:
            raise io.UnsupportedOperation("fileno")
        return int(self.fallback.fileno())

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fallback, name)


class _RoutedIn(io.TextIOBase):
    """sys.stdin of the server process: a forwarded command reads its caller's standard input."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, fallback: Any) -> None:
        self.fallback = fallback

    def _src(self) -> Any:
        call = SERVED.get()
        return self.fallback if call is None else call.read_stdin()

    def read(self, size: int | None = -1) -> str:
        return self._src().read(size)  # type: ignore[no-any-return]

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self._src().readline(size)  # type: ignore[no-any-return]

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        call = SERVED.get()
        return bool(call.stdin_tty) if call is not None else bool(self.fallback and self.fallback.isatty())

    def fileno(self) -> int:
        if SERVED.get() is not None:
            raise io.UnsupportedOperation("fileno")
        return int(self.fallback.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fallback, name)


_install_lock = threading.Lock()


def _install_streams() -> None:
    """Route sys.stdin/stdout/stderr per forwarded command (once; again if something swapped them)."""
    import sys

    with _install_lock:
        if not isinstance(sys.stdout, _RoutedOut):
            sys.stdout = _RoutedOut("o", sys.stdout)
        if not isinstance(sys.stderr, _RoutedOut):
            sys.stderr = _RoutedOut("e", sys.stderr)
        if not isinstance(sys.stdin, _RoutedIn):
            sys.stdin = _RoutedIn(sys.stdin)


# -- the route --------------------------------------------------------------------------------------
def _same_machine(ws: WebSocket) -> bool:
    peer = ws.client.host if ws.client else ""
    local = (ws.scope.get("server") or ("",))[0]
    try:
        addr = ipaddress.ip_address(peer)
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return addr.is_loopback or (mapped is not None and mapped.is_loopback) or (bool(local) and peer == local)


def allowed(ws: WebSocket, key: str) -> bool:
    if any(h in ws.headers for h in FORBIDDEN_HEADERS) or not _same_machine(ws):
        return False
    given = ws.headers.get(KEY_HEADER, "")
    return bool(key) and hmac.compare_digest(given.encode("utf-8", "replace"), key.encode("utf-8"))


def local_cli_router(key: str) -> APIRouter:
    """The route of forwarded commands, guarded by `key` (see the module docstring)."""
    router = APIRouter(include_in_schema=False)

    @router.websocket("/local/cli")
    async def run_cli(ws: WebSocket) -> None:
        if not allowed(ws, key):
            await ws.close(code=1008)  # before accept: the handshake is answered with HTTP 403
            return
        await ws.accept()
        try:
            body = CliRequest.model_validate_json(await ws.receive_text())
        except (ValueError, WebSocketDisconnect):
            await _close(ws, 1003)
            return
        call = ServedCall(
            runtime=ws.app.state.runtime,
            cwd=body.cwd,
            env={k: v for k, v in body.env.items() if k in LANG_VARS},
            stdin_tty=body.stdin_tty,
            width=body.width,
            loop=asyncio.get_running_loop(),
            frames=asyncio.Queue(),
        )
        _install_streams()
        threading.Thread(target=_run, args=(call, body.argv), name="shuzhi-cli", daemon=True).start()
        answers = asyncio.create_task(_answers(ws, call))
        try:
            while (frame := await call.frames.get()) is not None:
                await ws.send_text(json.dumps(frame, ensure_ascii=False))
            await _close(ws, 1000)
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the caller went away: the command finishes without them
        finally:
            call.gone.set()
            call.answers.put(None)
            answers.cancel()

    return router


async def _answers(ws: WebSocket, call: ServedCall) -> None:
    """The caller's answers to "ask", each possibly in parts (a large standard input)."""
    parts: list[str] = []
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, ValueError, OSError):
        while True:
            msg = CliInput.model_validate_json(await ws.receive_text())
            if msg.part is not None:
                parts.append(msg.part)
                continue
            call.answers.put(None if msg.text is None and not parts else "".join(parts) + (msg.text or ""))
            parts = []
    call.gone.set()
    call.answers.put(None)


async def _close(ws: WebSocket, code: int) -> None:
    with contextlib.suppress(RuntimeError, OSError):
        await ws.close(code=code)


def _run(call: ServedCall, argv: list[str]) -> None:
    from shuzhi.cli import run

    SERVED.set(call)  # this thread's context: the thread was started for this call alone
    code = 1
    try:
        code = run(argv)
    except BaseException:  # noqa: BLE001 - the call must end with an exit frame whatever happens
        log.exception("served_cli_crash")
    finally:
        log.info("served_cli", command=(argv or [""])[0], exit=code)
        call.send({"exit": code})
        call.send(None)
