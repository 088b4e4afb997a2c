"""The client side of forwarded commands: while `shuzhi serve` holds the warehouse of this
SHUZHI_HOME, a `shuzhi` command runs inside that server (cli/served.py) instead of failing on the lock.

Which commands: all but `serve`, `--version`, help and a bare `shuzhi` (they need no warehouse, or
are the server). The decision is made before the command starts (SHUZHI_HOME/run/server.json names a
live server), and again when a command run here finds the warehouse locked (a server that was just
starting). The command's output is printed here as it comes, prompts appear on this terminal, and
this process exits with the command's exit code.

One WebSocket per command (cli/served.py has the messages). No tight timeouts: a long import streams
its output, and WebSocket pings keep the connection alive while it is silent.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sys
import time
from typing import Any

import typer

from shuzhi.cli import local_server
from shuzhi.cli.common import LANG_VARS, t

NOT_FORWARDED = {"serve"}
CONNECT_WAIT_S = 10.0  # a server that wrote server.json but does not listen yet (starting)
PART = 256 * 1024  # characters per message of a long answer (standard input)


def forwardable(argv: list[str]) -> bool:
    if not argv or argv[0].startswith("-") or argv[0] in NOT_FORWARDED:
        return False
    return "--help" not in argv


def live_server(wait_s: float = 0.0) -> local_server.ServerInfo | None:
    """The live server of this SHUZHI_HOME (waiting up to `wait_s` for its server.json), or None.
    Served commands use the server's settings, so the caller's other SHUZHI_* variables play no part."""
    home = local_server.home_dir()
    deadline = time.monotonic() + wait_s
    while True:
        info = local_server.read(home)
        if info is not None or time.monotonic() >= deadline:
            return info
        time.sleep(0.2)


class RecordingStdin:
    """sys.stdin of a command run here: remembers what it read, so that if the command must be sent
    to the server after all (the warehouse was locked), the server gets the whole input again."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.seen = stream, []  # type: ignore[var-annotated]

    def read(self, size: int = -1) -> str:
        data = self.stream.read(size)
        self.seen.append(data)
        return data  # type: ignore[no-any-return]

    def readline(self, size: int = -1) -> str:
        data = self.stream.readline(size)
        self.seen.append(data)
        return data  # type: ignore[no-any-return]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.readline, "")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _stdin_text() -> str:
    """All of this process's standard input (what a command run here already read, then the rest)."""
    stream = sys.stdin
    if stream is None:
        return ""
    seen = "".join(stream.seen) if isinstance(stream, RecordingStdin) else ""
    try:
        return seen + stream.read()
    except (OSError, ValueError):
        return seen


def _answer(kind: str, prompt: str, stdin_tty: bool) -> str | None:
    try:
        if kind == "stdin":
            return _stdin_text()
        if kind == "secret":
            return getpass.getpass(prompt + ": ")
        if kind == "confirm":
            return "y" if typer.confirm(prompt) else "n"
    except EOFError:
        return None
    return None


def forward(info: local_server.ServerInfo, argv: list[str]) -> int | None:
    """Run `argv` in the server; its exit code, or None when the server cannot be reached (the caller
    then runs the command here, which reports what is wrong)."""
    from websockets.exceptions import InvalidStatus, WebSocketException
    from websockets.sync.client import connect

    stdin_tty = bool(sys.stdin is not None and sys.stdin.isatty())
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else None
    hello = {
        "argv": argv,
        "cwd": os.getcwd(),
        "env": {k: os.environ[k] for k in LANG_VARS if k in os.environ},
        "stdin_tty": stdin_tty,
        "width": width,
    }
    url = info.url.replace("http://", "ws://", 1) + local_server.LOCAL_PREFIX + "/cli"
    deadline = time.monotonic() + CONNECT_WAIT_S
    while True:
        try:
            # proxy=None: never through an HTTP proxy from the environment. No read timeout: a long command
            # streams its output, and WebSocket pings keep the connection alive while it is silent.
            ws = connect(
                url,
                additional_headers={local_server.KEY_HEADER: info.key},
                proxy=None,
                open_timeout=30,
                max_size=None,
                close_timeout=5,
                ping_interval=60,  # generous: a busy server must not look dead
                ping_timeout=120,
            )
            break
        except InvalidStatus as exc:
            typer.echo(
                t(
                    f"错误：运行中的 shuzhi serve 拒绝了这个命令（HTTP {exc.response.status_code}）。",
                    f"Error: the running shuzhi serve refused the command (HTTP {exc.response.status_code}).",
                ),
                err=True,
            )
            return 1
        except (OSError, WebSocketException, TimeoutError):
            if time.monotonic() >= deadline or not local_server.alive(info.pid):
                return None
            time.sleep(0.3)
    with ws:
        try:
            ws.send(json.dumps(hello))
            for message in ws:
                frame = json.loads(message)
                if "o" in frame:
                    _out(frame["o"])
                elif "e" in frame:
                    typer.echo(frame["e"], nl=False, err=True)
                elif "ask" in frame:
                    _send_answer(ws, _answer(frame["ask"], frame.get("prompt", ""), stdin_tty))
                elif "exit" in frame:
                    return int(frame["exit"])
        except (OSError, WebSocketException):
            pass
    typer.echo(
        t(
            "错误：shuzhi serve 在命令完成前停止了，命令的结果未知（请检查后再试）。",
            "Error: shuzhi serve stopped before the command finished; its outcome is unknown (check, then retry).",
        ),
        err=True,
    )
    return 1


def _out(text: str) -> None:
    """The command's output; a reader that went away (`| head -1`) takes no more of it, and the command still
    finishes in the server with its own exit code, as a local run would."""
    try:
        typer.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the rest (and the flush at exit) goes nowhere, quietly
        os.close(devnull)


def _send_answer(ws: Any, text: str | None) -> None:
    """An answer in parts of at most PART characters (the server's message size limit is far above)."""
    if text is None:
        ws.send(json.dumps({"text": None}))
        return
    chunks = [text[i : i + PART] for i in range(0, len(text), PART)] or [""]
    for chunk in chunks[:-1]:
        ws.send(json.dumps({"part": chunk}))
    ws.send(json.dumps({"text": chunks[-1]}))
