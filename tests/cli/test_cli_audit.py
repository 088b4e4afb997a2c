"""`shuzhi audit list|verify|export` as the outside checks drive them: JSON events, filters, an intact
chain exits 0, a broken one exits non-zero naming the first broken record."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from shuzhi_testing import TEST_PASSWORD


def test_list_verify_and_a_broken_chain(cli, _isolated_env: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "SHUZHI_ADMIN_PASSWORD": TEST_PASSWORD}
    for name, role in (("li", "editor"), ("wang", "viewer")):
        r = cli("user", "create", name, "--role", role, "--attr", "region=华东", input="Strong-Pass-2026\n" * 2, env=env)
        assert r.code == 0, r
    r = cli("audit", "list", "--format", "json", env=env)
    assert r.code == 0, r
    events = json.loads(r.out)["events"]
    assert [e["action"] for e in events[:2]] == ["user.create", "user.create"]
    assert {"at", "user", "action", "target"} <= set(events[0]) and events[0]["target"] == "wang"
    r = cli("audit", "list", "--action", "user", "--user", "cli", "--since", "2020-01-01", "--format", "json", env=env)
    assert {e["target"] for e in json.loads(r.out)["events"]} == {"li", "wang"}
    assert json.loads(cli("audit", "list", "--since", "2999-01-01", "--format", "json", env=env).out)["events"] == []
    bad = cli("audit", "list", "--since", "yesterday", env=env)
    assert bad.code != 0 and "--since" in bad.err and "Traceback" not in bad.err

    ok = cli("audit", "verify", env=env)
    assert ok.code == 0, ok
    out = tmp_path / "audit.xlsx"
    assert cli("audit", "export", "-o", str(out), env=env).code == 0 and out.stat().st_size > 0

    with sqlite3.connect(_isolated_env / "meta.db") as con:  # someone rewrites who created li
        seq = con.execute("SELECT seq FROM audit_events WHERE action = 'user.create' AND target = 'li'").fetchone()[0]
        con.execute("UPDATE audit_events SET actor = 'someone' WHERE seq = ?", (seq,))
    broken = cli("audit", "verify", env={**env, "SHUZHI_LANG": "en"})
    assert broken.code != 0 and f"#{seq}" in broken.out and "changed" in broken.out
