from __future__ import annotations

import pytest

from shuzhi.ai.nl.numbers import cn_int, find_numbers, parse_number


@pytest.mark.parametrize("text,value", [
    ("两千万", 20_000_000), ("百分之二十", 0.2), ("1.5万", 15_000), ("3亿", 300_000_000), ("100万元", 1_000_000),
    ("20%", 0.2), ("1.2 million", 1_200_000), ("500k", 500_000), ("five", 5), ("五", 5), ("十二", 12),
    ("1,000,000", 1_000_000),
])
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


def test_small_integers_and_search() -> None:
    assert cn_int("五") == 5 and cn_int("10") == 10 and cn_int("两") == 2
    assert [v for _, _, v in find_numbers("销售额大于100万的前五名")] == [1_000_000, 5]
    assert parse_number("abc") is None
