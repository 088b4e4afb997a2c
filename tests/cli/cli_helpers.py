"""Run the real `shuzhi` entry point in its own process with the test's SHUZHI_HOME (tests/cli_zygote.py:
a child of a warm interpreter, so a call does not pay Python's start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import cli_zygote

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
        return Run(cli_zygote.run(args, input=input, env=e, timeout=timeout))

    return run
