"""Run the real `shuzhi` command in its own process, without paying Python's start-up for each call.

A CLI test makes dozens of `shuzhi ...` calls; each new interpreter spends about a second importing
typer, pydantic, SQLAlchemy, DuckDB, pyarrow and the command modules before the command starts. Here one
warm interpreter per test process imports them once and forks a child per call. The child is a separate
process like `subprocess.run([shuzhi, ...])` gives: its own working directory, environment (replaced
whole), stdin, stdout and stderr files, DuckDB handles and exit code; it runs the same entry point
(`shuzhi.cli.main`) and exits through the normal interpreter shutdown. The warm parent never opens a
runtime, a database or a thread, so nothing of one call reaches the next.

`run(args, input=..., env=..., cwd=..., timeout=...)` returns a `subprocess.CompletedProcess` (text)
and raises `subprocess.TimeoutExpired` like `subprocess.run`. SHUZHI_TEST_CLI_SUBPROCESS=1 (or a platform
without fork) runs a fresh interpreter per call instead.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

SHUZHI = str(Path(sys.executable).parent / "shuzhi")

_WARM = r"""
import json, os, sys
import shuzhi.cli, shuzhi.cli.common, shuzhi.runtime, shuzhi.service.wiring, shuzhi.catalog.semantic  # noqa
import duckdb, pyarrow, sqlalchemy.dialects.sqlite  # noqa
import rich.console, rich.progress, rich.table, typer._adapters, typer.rich_utils, yaml  # noqa  (commands import them lazily)
reply = os.fdopen(os.dup(1), "w")
requests = os.fdopen(os.dup(0), "r")
print("ready", file=reply, flush=True)
child = None
for line in requests:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child = req
        break
    print(json.dumps({"pid": pid}), file=reply, flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), file=reply, flush=True)
if child is None:
    raise SystemExit(0)
reply.close(); requests.close()
os.chdir(child["cwd"])
os.environ.clear(); os.environ.update(child["env"])
for fd, path, mode in ((0, child["stdin"], os.O_RDONLY), (1, child["stdout"], os.O_WRONLY), (2, child["stderr"], os.O_WRONLY)):
    f = os.open(path, mode)
    os.dup2(f, fd)
    os.close(f)
sys.stdin = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)
sys.stdout = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)
sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
sys.argv = ["shuzhi", *child["args"]]
shuzhi.cli.main()
"""


class _Warm:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _WARM], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     bufsize=0, env=dict(os.environ))
        self.buf = b""
        self.lock = threading.Lock()
        if self._line(120) != "ready":
            raise RuntimeError("the warm shuzhi interpreter did not start")

    def _line(self, timeout: float | None) -> str | None:
        assert self.proc.stdout is not None
        while b"\n" not in self.buf:
            ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("the warm shuzhi interpreter ended")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def run(self, args: Sequence[str], input: str | None, env: Mapping[str, str], cwd: str,
            timeout: float | None) -> subprocess.CompletedProcess[str]:
        with self.lock, tempfile.TemporaryDirectory(prefix="shuzhi-cli-") as d:
            paths = {k: str(Path(d) / k) for k in ("stdin", "stdout", "stderr")}
            Path(paths["stdin"]).write_text(input or "", encoding="utf-8")
            for k in ("stdout", "stderr"):
                Path(paths[k]).touch()
            assert self.proc.stdin is not None
            self.proc.stdin.write((json.dumps({"args": list(args), "env": dict(env), "cwd": cwd, **paths}) + "\n").encode())
            started = self._line(60)
            if started is None:
                raise RuntimeError("the warm shuzhi interpreter did not fork")
            pid = json.loads(started)["pid"]
            done = self._line(timeout)
            timed_out = done is None
            if timed_out:
                os.kill(pid, signal.SIGKILL)
                done = self._line(60)
            out = Path(paths["stdout"]).read_text(encoding="utf-8", errors="replace")
            err = Path(paths["stderr"]).read_text(encoding="utf-8", errors="replace")
            if timed_out:
                raise subprocess.TimeoutExpired([SHUZHI, *args], timeout or 0, out, err)
            return subprocess.CompletedProcess([SHUZHI, *args], json.loads(done or "{}")["code"], out, err)


_warm: _Warm | None = None
_warm_lock = threading.Lock()


def run(args: Sequence[str], *, input: str | None = None, env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None, timeout: float | None = 300) -> subprocess.CompletedProcess[str]:
    """`shuzhi *args` as its own process (see the module doc); env is the whole environment (default: ours)."""
    global _warm
    env = dict(os.environ if env is None else env)
    where = str(cwd or os.getcwd())
    if os.environ.get("SHUZHI_TEST_CLI_SUBPROCESS") == "1" or not hasattr(os, "fork"):
        return subprocess.run([SHUZHI, *args], input=input, capture_output=True, text=True, env=env, cwd=where,
                              timeout=timeout)
    with _warm_lock:
        if _warm is None or _warm.proc.poll() is not None:
            _warm = _Warm()
        warm = _warm
    return warm.run(args, input, env, where, timeout)
