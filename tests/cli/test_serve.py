"""`shuzhi serve` end to end: a real server process, the first admin's password, a login."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cli_helpers import SHUZHI

from shuzhi_testing import free_port


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_serve_prints_first_admin_and_accepts_login(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    proc = subprocess.Popen([SHUZHI, "serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        lines = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Ctrl+C" in line:
                break
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}" in text, text
        password = next(x.split(":", 1)[1].strip() for x in lines if x.strip().startswith("密码"))
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base) as c:
            r = c.post("/api/v1/auth/login", json={"username": "admin", "password": password})
            assert r.status_code == 200, r.text
            assert c.get("/api/v1/auth/me").json()["username"] == "admin"
        # The port is now taken: a second server says so in one line.
        r = cli("serve", "--port", str(port))
        assert r.code == 1 and "端口" in r.err, r
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # A restart does not create or print a new password.
    port2 = free_port()
    proc = subprocess.Popen([SHUZHI, "serve", "--port", str(port2)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        out = []
        while True:
            line = proc.stdout.readline()
            out.append(line)
            if "Ctrl+C" in line or not line:
                break
        assert "shuzhi user password admin" in "".join(out) and "密码:" not in "".join(out)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
