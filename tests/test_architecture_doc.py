"""docs/architecture.md lists the modules from the tree itself (scripts/gen_architecture.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_architecture_tree_is_current() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_architecture.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr + "\n(run: python scripts/gen_architecture.py)"


def test_the_tour_names_only_files_that_exist() -> None:
    import re

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tour = text.split("## A newcomer's tour", 1)[1].split("## The tree", 1)[0]
    missing = []
    for ref in sorted(set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.(?:py|ts|json))`", tour))):
        base = ROOT / "frontend" if ref.startswith("frontend/") else ROOT / "src" / "shuzhi"
        path = ROOT / ref if ref.startswith(("frontend/", "scripts/", "tests/")) else base / ref
        if not path.exists():
            missing.append(ref)
    assert not missing, f"the tour names files that do not exist: {missing}"
