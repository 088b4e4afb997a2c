"""Instances starting together on an empty metadata store: migrations run once (an advisory lock on
PostgreSQL), the first admin is created once, and no instance fails because another was quicker."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from shuzhi.auth import users
from shuzhi.runtime import Runtime
from shuzhi.settings import Settings
from shuzhi_testing import TEST_PASSWORD

_START = """
import sys, time
from pathlib import Path
from shuzhi.runtime import Runtime
from shuzhi.settings import Settings
home, url, at = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
rt = Runtime(Settings(home=home, metadata_url=url, admin_password=sys.argv[4]))
time.sleep(max(0.0, at - time.time()))
info = rt.start(with_logging=False)
rt.close()
print("created" if info.admin_created else "found")
"""


@pytest.mark.slow
def test_instances_starting_together_create_one_admin(tmp_path: Path, metadata_url: str) -> None:
    """Three processes start at the same instant on an empty store (the first start of a cluster)."""
    at = time.time() + 4  # every process imported and waiting by then
    procs = [subprocess.Popen([sys.executable, "-c", _START, str(tmp_path / f"i{i}"), metadata_url, str(at),
                               TEST_PASSWORD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 3, [err[-2000:] for _, err in outs]
    assert sorted(out.strip() for out, _ in outs) == ["created", "found", "found"]
    rt = Runtime(Settings(home=tmp_path / "check", metadata_url=metadata_url))
    with rt.catalog.session() as db:
        assert [u.username for u in users.list_users(db)] == ["admin"]
    assert rt.catalog.at_head()
    rt.close()


def test_losing_the_race_after_counting_no_users_is_not_an_error(tmp_path: Path, metadata_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The window that crashed the second instance (「用户「admin」已存在」): it counted no users, then
    the other instance committed the admin before this one inserted it."""
    rt = Runtime(Settings(home=tmp_path, metadata_url=metadata_url, admin_password=TEST_PASSWORD))
    assert rt.start(with_logging=False).admin_created
    monkeypatch.setattr(users, "count_users", lambda s: 0)
    with rt.catalog.session() as db:
        assert users.ensure_first_admin(db, TEST_PASSWORD) == (False, None)
        db.execute(users.select(users.User))  # the session is still usable (a savepoint rolled back)
    rt.close()
