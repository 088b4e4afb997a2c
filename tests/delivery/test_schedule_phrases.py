"""Schedule phrases people write (每天 8:00, 每周一, 每月 1 日, English) → the cron the scheduler runs."""

from __future__ import annotations

import pytest

from shuzhi.delivery.schedule_phrases import to_cron
from shuzhi.errors import ShuzhiError


@pytest.mark.parametrize(
    ("phrase", "cron"),
    [
        ("每天 8:00", "0 8 * * *"),
        ("每天8点", "0 8 * * *"),
        ("每日 8点30", "30 8 * * *"),
        ("每周一", "0 8 * * 1"),
        ("每周一 (8:00)", "0 8 * * 1"),
        ("每周日 18:30", "30 18 * * 0"),
        ("每月 1 日 8:00", "0 8 1 * *"),
        ("每月 1 日 (8:00)", "0 8 1 * *"),
        ("每月15号", "0 8 15 * *"),
        ("工作日 9:00", "0 9 * * 1-5"),
        ("daily 8:00", "0 8 * * *"),
        ("every day at 6pm", "0 18 * * *"),
        ("every monday", "0 8 * * 1"),
        ("weekly on friday 9:30", "30 9 * * 5"),
        ("monthly 1", "0 8 1 * *"),
        ("every month on the 1st at 9:00", "0 9 1 * *"),
        ("0 8 * * 1", "0 8 * * 1"),
        ("*/30 * * * *", "*/30 * * * *"),
    ],
)
def test_phrases(phrase: str, cron: str) -> None:
    assert to_cron(phrase) == cron


@pytest.mark.parametrize("phrase", ["", "sometimes", "每天 25:00", "每月 32 日", "every blue moon"])
def test_what_is_not_a_schedule_says_what_is(phrase: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        to_cron(phrase)
    assert e.value.code == "schedule_phrase" and "每天 8:00" in e.value.zh and "daily 8:00" in e.value.en
