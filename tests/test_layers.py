"""The folder tree is the data path: a module may import only its own layer or lower ones.

Layers, lowest first (DESIGN.md). Base modules (settings, errors, log) may be imported by all.
A package not listed here fails the test, so a new folder must take its place deliberately.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "shuzhi"

BASE = {"__init__", "settings", "errors", "log"}
LAYERS = [
    "sources",   # 1 where data lives; no SQL building
    "model",     # 2 the semantic model, pure
    "spec",      # 3 the QuerySpec contract
    "compile",   # 4 ResolvedQuery -> sqlglot -> SQL
    "engines",   # 5 the only layer that runs SQL
    "results",   # 6 Arrow results and encoders
    "service",   # 7 the pipeline
    "ai",        # 8 questions, forecasts, anomalies
    "catalog",   # 9 the metadata store
    "auth",      # 10 users, sessions, tokens
    "delivery",  # 11 schedules, alerts, channels
    "demo",      # 12 the demo company (warehouse data and, later, its model)
    "runtime",   # 13 the process's shared resources
    "api",       # 14 HTTP
    "cli",       # 15 the shuzhi command
]
RANK = {name: i for i, name in enumerate(LAYERS)}
# Pure layers open no connection and import no I/O library.
PURE = {"model", "spec", "compile"}
IO_LIBS = {"duckdb", "sqlalchemy", "psycopg", "pymysql", "redis", "httpx", "requests", "fastapi"}


def _layer_of(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def test_every_top_level_module_has_a_layer() -> None:
    names = {p.name.removesuffix(".py") for p in SRC.iterdir()
             if (p.is_dir() or p.suffix == ".py") and p.name != "__pycache__" and not p.name.startswith(".")}
    names = {n for n in names if n not in ("py.typed",)}
    unknown = names - BASE - set(LAYERS)
    assert not unknown, f"place these in LAYERS (tests/test_layers.py) deliberately: {sorted(unknown)}"


def test_imports_flow_one_way() -> None:
    violations = []
    for path in SRC.rglob("*.py"):
        layer = _layer_of(path)
        for lineno, mod in _imports(path):
            parts = mod.split(".")
            if parts[0] != "shuzhi" or len(parts) < 2:
                if layer in PURE and parts[0] in IO_LIBS:
                    violations.append(f"{path.relative_to(SRC)}:{lineno} pure layer imports {mod}")
                continue
            target = parts[1]
            if target in BASE or layer in BASE and target in BASE:
                continue
            if layer in BASE:
                violations.append(f"{path.relative_to(SRC)}:{lineno} base module imports {mod}")
                continue
            if RANK[target] > RANK[layer]:
                violations.append(f"{path.relative_to(SRC)}:{lineno} {layer} imports higher layer {mod}")
    assert not violations, "\n".join(violations)


def test_the_checker_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from shuzhi.api import create_app\nimport duckdb\n")
    assert (2, "duckdb") in _imports(bad) and (1, "shuzhi.api") in _imports(bad)
    assert RANK["api"] > RANK["engines"]
