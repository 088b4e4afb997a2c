"""The folder tree is the data path: a module may import only its own layer or lower ones.

Layers, lowest first (DESIGN.md). Base modules (settings, errors, log, owners) may be imported by all.
A package not listed here fails the test, so a new folder must take its place deliberately.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "shuzhi"

BASE = {"__init__", "settings", "errors", "log", "owners"}
LAYERS = [
    "sources",   # 1 where data lives; no SQL building
    "model",     # 2 the semantic model, pure
    "spec",      # 3 the QuerySpec contract
    "compile",   # 4 ResolvedQuery -> sqlglot -> SQL
    "engines",   # 5 the only layer that runs SQL
    "results",   # 6 Arrow results and encoders
    "ai",        # 7 questions, forecasts, anomalies (specs run by a callable they are given)
    "catalog",   # 8 the metadata store
    "auth",      # 9 users, sessions, tokens
    "delivery",  # 10 schedules, alerts, channels
    "demo",      # 11 the demo company (warehouse data and, later, its model)
    "runtime",   # 12 the process's shared resources
    "service",   # 13 the application layer: the executor and one module per use case
    "api",       # 14 HTTP
    "cli",       # 15 the shuzhi command
    "__main__",  # 16 `python -m shuzhi`: the same command
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


def test_ai_runs_no_sql() -> None:
    """The ai layer is given its data (specs run by a callable, the lexicon's values by a fetcher): it
    imports neither the compiler nor an engine nor a database library."""
    bad = [f"{path.relative_to(SRC)}:{lineno} imports {mod}"
           for path in (SRC / "ai").rglob("*.py") for lineno, mod in _imports(path)
           if mod.split(".")[0] in IO_LIBS or mod.startswith(("shuzhi.compile", "shuzhi.engines"))]
    assert not bad, "\n".join(bad)


def test_the_checker_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from shuzhi.api import create_app\nimport duckdb\n")
    assert (2, "duckdb") in _imports(bad) and (1, "shuzhi.api") in _imports(bad)
    assert RANK["api"] > RANK["engines"]


# Import cycles inside a package that cannot be broken yet: (package, the cycle's modules) → why.
KNOWN_CYCLES: dict[tuple[str, frozenset[str]], str] = {}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _module_level_imports(path: Path) -> list[str]:
    """Modules a module imports at its top level (also inside top-level if/try/with, `if TYPE_CHECKING:`
    included: a cycle of annotations is still a knot), not imports inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                out.extend(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")
                    up = up[: len(up) - node.level + 1]
                    base = ".".join([*up, base]) if base else ".".join(up)
                out.append(base)
                out.extend(f"{base}.{a.name}" for a in node.names)  # from pkg import module
            elif isinstance(node, ast.If):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for h in node.handlers:
                    visit(h.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, ast.With):
                visit(node.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_no_import_cycle_inside_a_package() -> None:
    """Inside one package (e.g. shuzhi.ai.nl), modules import each other one way only: a package's
    __init__ may gather its modules, but no two modules of it may need each other at load time."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    found = []
    for pkg in sorted({m.rsplit(".", 1)[0] for m in modules if "." in m}):
        members = {m for m in modules if m.rsplit(".", 1)[0] == pkg and modules[m].name != "__init__.py"}
        graph = {m: {t for t in _module_level_imports(modules[m]) if t in members and t != m} for m in members}
        for cycle in _cycles(graph):
            if (pkg, frozenset(cycle)) not in KNOWN_CYCLES:
                found.append(f"{pkg}: {' ↔ '.join(cycle)}")
    assert not found, "import cycles inside a package (break them, or list one in KNOWN_CYCLES with the reason):\n" \
        + "\n".join(found)


def test_the_cycle_check_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
