"""The folder READMEs of src/shuzhi tell the truth about the tree.

- Every module (and sub-package) of a folder that has a README.md is named in that README, as
  `name.py`, `` `name` `` or `name/` (a sub-package also as `` `name/` ``).
- Every non-trivial folder (at least MIN_MODULES modules besides __init__.py) has a README.md.

When this fails after adding or moving a module: add one line to the folder's README saying what the
module does (the README is the folder's table of contents), or write the README the folder lacks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "shuzhi"
MIN_MODULES = 3
# Folders that need no README of their own, and why.
NO_README = {
    "catalog/migrations/versions": "Alembic revisions, one per schema change; catalog/README.md describes them",
}


def _folders() -> list[Path]:
    """src/shuzhi and every folder under it that holds Python modules."""
    return sorted(p for p in [SRC, *SRC.rglob("*")]
                  if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py")))


def _modules(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.py") if p.name != "__init__.py")


def _subpackages(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _rel(folder: Path) -> str:
    return folder.relative_to(SRC).as_posix() or "."


def _named(text: str, name: str, package: bool = False) -> bool:
    forms = [rf"\b{re.escape(name)}\.py\b", rf"`{re.escape(name)}`"]
    if package:
        forms += [rf"(?<![\w/.-]){re.escape(name)}/", rf"`{re.escape(name)}/`"]
    return any(re.search(f, text) for f in forms)


def unnamed(folder: Path) -> list[str]:
    """The modules and sub-packages of `folder` its README.md does not name."""
    text = (folder / "README.md").read_text(encoding="utf-8")
    missing = [f"{m}.py" for m in _modules(folder) if not _named(text, m)]
    return missing + [f"{p}/" for p in _subpackages(folder) if not _named(text, p, package=True)]


READMES = sorted(p.parent for p in SRC.rglob("README.md"))


@pytest.mark.parametrize("folder", READMES, ids=_rel)
def test_readme_names_every_module(folder: Path) -> None:
    missing = unnamed(folder)
    assert not missing, (
        f"src/shuzhi/{_rel(folder)}/README.md does not name {', '.join(missing)}: add a line saying what each does")


def test_every_non_trivial_folder_has_a_readme() -> None:
    lacking = [f"{_rel(f)} ({len(_modules(f))} modules)" for f in _folders()
               if len(_modules(f)) >= MIN_MODULES and not (f / "README.md").exists() and _rel(f) not in NO_README]
    assert not lacking, f"these folders of src/shuzhi have no README.md: {'; '.join(lacking)}"


def test_the_check_sees_the_tree() -> None:
    """Guards the guard: the walk finds the layers, and a missing name is reported."""
    rels = {_rel(f) for f in _folders()}
    assert {"compile", "engines", "api/routers"} <= rels
    assert _named("- `plan_groups` — ...", "plan_groups") and _named("see `warehouse.py`", "warehouse")
    assert not _named("the warehouse is ...", "warehouse")
    assert _named("- `routers/` — one module per resource", "routers", package=True)
