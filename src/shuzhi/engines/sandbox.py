"""Sandboxed DuckDB connections: no file, URL, ATTACH or extension access outside named paths.

    con = sandboxed_connect(path, memory_limit="4GB", threads=2, dirs=[home / "uploads"])

Invariants
- Every DuckDB database Shuzhi opens to run queries or imports goes through sandboxed_connect()
  (the warehouse, import scratch connections). After it returns, the connection has
  enable_external_access=false and lock_configuration=true: read_text('/etc/passwd'), glob('/*'),
  'http://...' URLs, ATTACH, COPY TO, INSTALL and LOAD fail with a Permission Error, and no
  setting (memory_limit, allowed_directories, autoload ...) can be changed by any SQL afterwards.
- Files are readable only inside `dirs` (directories Shuzhi itself writes: uploads, its own temp
  folders, DuckDB's spill directory) and the exact `paths` a local operator named on the command
  line (`shuzhi import FILE`). The database file itself stays readable to DuckDB.
- Extensions are never installed or loaded automatically; Python objects are not scanned by name
  (python_enable_replacements=false), so `FROM some_variable` cannot read process memory.
- DuckDB keeps one configuration per database file per process: a second connect of the same
  file with a different sandbox fails, so a process opens its warehouse once (engines/warehouse.py).
- Connection-local settings (e.g. progress reporting) cannot be SET once locked; `prepare(con)`
  runs before the lock for whatever must be set up front (pre-made cursors).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
from sqlglot import exp

BASE_CONFIG: dict[str, str | int | bool] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "python_enable_replacements": False,
}


def _forms(p: Path | str, *, directory: bool) -> list[str]:
    """The path as given and resolved (symlinked homes), absolute, directories ending in a separator."""
    out: list[str] = []
    for form in (os.path.abspath(str(p)), os.path.realpath(str(p))):
        text = form.rstrip(os.sep) + os.sep if directory else form
        if text not in out:
            out.append(text)
    return out


def _list_literal(values: list[str]) -> str:
    return exp.Array(expressions=[exp.Literal.string(v) for v in values]).sql(dialect="duckdb")


def sandboxed_connect(
    database: str | Path = ":memory:",
    *,
    read_only: bool = False,
    memory_limit: str = "1GB",
    threads: int = 2,
    dirs: Iterable[Path | str] = (),
    paths: Iterable[Path | str] = (),
    temp_directory: str | Path | None = None,
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open `database` with external access off and the configuration locked (see module docstring).

    temp_directory: where DuckDB may spill (default: DuckDB's `<database>.tmp`; "" disables spilling)."""
    config: dict[str, str | int | bool] = {**BASE_CONFIG, "memory_limit": memory_limit, "threads": int(threads)}
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(str(database), read_only=read_only, config=config)
    try:
        allowed_dirs = [f for d in dirs for f in _forms(d, directory=True)]
        spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]  # type: ignore[index]
        if spill:
            allowed_dirs += [f for f in _forms(spill, directory=True) if f not in allowed_dirs]
        allowed_paths = [f for p in paths for f in _forms(p, directory=False)]
        if allowed_dirs:
            con.execute(f"SET allowed_directories = {_list_literal(allowed_dirs)}")
        if allowed_paths:
            con.execute(f"SET allowed_paths = {_list_literal(allowed_paths)}")
        con.execute("SET enable_external_access = false")
        if prepare is not None:
            prepare(con)
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con
