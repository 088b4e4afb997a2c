"""The one number formatter: named styles over one rules table, mirrored by the web from a generated file."""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.util
from pathlib import Path

import pytest

from shuzhi.results.format import RULES, format_change, format_growth, format_value

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("v", "fmt", "lang", "style", "want"), [
    # sentences (alerts, anomalies, attribution): 万/亿, four significant digits, rates with two decimals
    (2_949_500, "currency", "zh", "sentence", "¥294.95万"),
    (142_000_000, "currency", "zh", "sentence", "¥1.42亿"),
    (-35_000, "currency", "zh", "sentence", "-¥3.5万"),
    (142_000_000, "currency", "en", "sentence", "¥142M"),
    (0.0422, "percent", "zh", "sentence", "4.22%"),
    (0.042, "percent", "en", "sentence", "4.20%"),
    (1234.567, None, "zh", "sentence", "1,235"),
    (0.012345, None, "zh", "sentence", "0.01235"),
    (12_345, None, "en", "sentence", "12.35K"),
    (9999.99, None, "zh", "sentence", "10,000"),
    # the terminal's tables
    (1234.5678, None, "zh", "cli", "1,234.5678"),
    (12, "integer", "zh", "cli", "12"),
    (0.153, "percent", "zh", "cli", "15.3%"),
    (0.1, "percent", "zh", "cli", "10.0%"),
    (125_000_000, "currency", "zh", "cli", "¥1.25亿"),
    (35_000, "wan", "zh", "cli", "3.5万"),
    (True, None, "zh", "cli", "是"),
    (None, "currency", "zh", "cli", "—"),
    (float("nan"), None, "zh", "cli", "—"),
    (dt.date(2026, 1, 31), None, "zh", "cli", "2026-01-31"),
    (decimal.Decimal("1234.5"), "currency", "zh", "cli", "¥1,234.5"),
    ("华东", None, "zh", "cli", "华东"),
    # the web
    (125_000, "wan", "zh", "compact", "12.5万"),
    (250_000_000, "yi", "zh", "compact", "2.5亿"),
    (0.0423, "percent", "zh", "compact", "4.23%"),
    (-0.004, None, "zh", "compact", "0"),
    (1_234_567.891, "currency", "zh", "table", "¥1,234,567.89"),
    (50_000_000, "currency", "zh", "axis", "5,000万"),
    (0, "wan", "zh", "axis", "0"),
    # `shuzhi sql`: integers as they are, no display format
    (100234, "currency", "zh", "raw", "100234"),
    (1234.56789, None, "zh", "raw", "1,234.5679"),
    (1e16, None, "zh", "raw", "1e+16"),
    (None, None, "zh", "raw", "∅"),
    (False, None, "en", "raw", "false"),
])
def test_styles(v: object, fmt: str | None, lang: str, style: str, want: str) -> None:
    assert format_value(v, fmt, lang, style=style) == want  # type: ignore[arg-type]


def test_changes_and_growth() -> None:
    assert format_change(0.0158, "percent", "zh") == "+1.58 个百分点"
    assert format_change(-0.0158, "percent", "en") == "-1.58 pp"
    assert format_change(-1_200_000, "currency", "zh") == "-¥120万"
    assert format_change(None) == "—"
    assert format_growth(0.153) == "+15.3%"
    assert format_growth(-0.153, 0) == "-15%"
    assert format_growth(float("inf")) == "—"


def test_every_style_has_a_number_rule() -> None:
    for name, rules in RULES["styles"].items():
        assert isinstance(rules.get("number"), dict), name


def test_the_web_copy_is_fresh() -> None:
    spec = importlib.util.spec_from_file_location("export_format_rules", ROOT / "scripts" / "export_format_rules.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    stale = [str(p.relative_to(ROOT)) for p in mod.stale()]
    assert not stale, f"stale: {stale}; run `python scripts/export_format_rules.py`"
