"""Run the real `shuzhi` entry point in a subprocess with the test's SHUZHI_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SHUZHI = str(Path(sys.executable).parent / "shuzhi")


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout: {self.out}\nstderr: {self.err}>"


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> Run:
        e = {k: v for k, v in os.environ.items()}
        e.update(env or {})
        proc = subprocess.run([SHUZHI, *args], input=input, capture_output=True, text=True, env=e, timeout=timeout)
        return Run(proc)

    return run
