"""The CLI starts without importing what its commands need (issue 20): a fresh process that imports the
`shuzhi` app, checks for a running server and resolves a command has not loaded FastAPI, statsforecast,
jieba, the question lexicon, SQLAlchemy, pyarrow, DuckDB or the Runtime. Structure, not time:
benchmarks/cli_startup.py measures the time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = ["fastapi", "starlette", "uvicorn", "statsforecast", "jieba", "shuzhi.ai.nl.lexicon",
         "shuzhi.service.ask_lexicon", "sqlalchemy", "pyarrow", "duckdb", "pandas", "shuzhi.runtime",
         "shuzhi.service", "shuzhi.catalog", "pydantic_settings", "websockets"]

# main() as the `shuzhi` script runs it, stopped when typer enters the command's own function (every leaf
# command goes through TyperCommand.invoke): what start-up alone loaded.
PROBE = """
import json, sys
import typer.core
def stop(self, ctx):
    print(json.dumps({"command": ctx.command_path, "modules": sorted(sys.modules)}))
    sys.stdout.flush()
    raise SystemExit(0)
typer.core.TyperCommand.invoke = stop
from shuzhi.cli import main
sys.argv[0] = "shuzhi"
main()
"""


def _fresh(code: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SHUZHI_")}
    env.update({"SHUZHI_HOME": str(home), "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])})
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("argv", [
    ["import", "data.csv"],
    ["query", "spec.json"],
    ["ask", "上个月各大区的销售额"],
    ["dashboard", "list"],
    ["sql", "SELECT 1"],
    ["forecast", "--metric", "revenue"],
    ["user", "list"],
])
def test_start_up_of_a_command_loads_none_of_the_heavy_libraries(tmp_path: Path, argv: list[str]) -> None:
    done = _fresh(PROBE, *argv, home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["command"] == " ".join(["shuzhi", *argv[:2 if argv[0] in ("dashboard", "user") else 1]])
    loaded = set(seen["modules"])
    assert sorted(m for m in HEAVY if m in loaded) == []
    assert not (tmp_path / "home").exists(), "finding a running server created SHUZHI_HOME"


def test_importing_the_app_and_resolving_commands_loads_none_of_them(tmp_path: Path) -> None:
    code = """
import json, sys
import typer.main
from shuzhi.cli import app
group = typer.main.get_command(app)
ctx = group.context_class(group, info_name="shuzhi")
names = ["import", "query", "ask", "forecast", "dashboard", "rd", "export"]
assert all(group.get_command(ctx, n) is not None for n in names)
print(json.dumps(sorted(sys.modules)))
"""
    done = _fresh(code, home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert sorted(m for m in HEAVY + ["rich", "yaml", "pydantic"] if m in loaded) == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["import", "--help"], []])
def test_help_and_version_load_none_of_them(tmp_path: Path, argv: list[str]) -> None:
    code = "import json, sys\nfrom shuzhi.cli import run\nrc = run(sys.argv[1:])\n" \
           "print(json.dumps(sorted(sys.modules)))\n"
    done = _fresh(code, *argv, home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert sorted(m for m in HEAVY if m in loaded) == []


def test_python_m_shuzhi_is_the_command(tmp_path: Path) -> None:
    from shuzhi import __version__

    done = _fresh("import runpy; runpy.run_module('shuzhi', run_name='__main__')", "--version", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"shuzhi {__version__}"


@pytest.mark.parametrize("env", [
    {},
    {"SHUZHI_HOME": "/srv/bi"},
    {"SHUZHI_HOME": "~/bi-home"},
    {"shuzhi_home": "/srv/lower"},
    {"SHUZHI_HOME": "relative/dir"},
    {"SHUZHI_HOME": ""},
])
def test_the_home_found_without_settings_is_the_settings_home(monkeypatch: pytest.MonkeyPatch,
                                                               env: dict[str, str]) -> None:
    from shuzhi.cli.local_server import home_dir
    from shuzhi.settings import Settings

    for name in [k for k in os.environ if k.lower() == "shuzhi_home"]:
        monkeypatch.delenv(name)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert home_dir() == Settings().home
