"""Fixed filter values of a dashboard export (service/renders.py): FIELD=VALUE resolved against the
dashboard's filter controls — by id, title, label, field or the field's model label and synonyms — and
read by the control's kind; every bad name or value is a bilingual 4xx before anything is drawn. Also the
render session (made for one render, gone after) and the atomic write."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuzhi.delivery.render import FOOTER, _header_template, check_width, screen_height
from shuzhi.demo.dashboards import load_dashboard_yaml
from shuzhi.demo.semantic import demo_model
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.service import renders

DASH = Path(renders.__file__).resolve().parents[1] / "demo" / "dashboards"


@pytest.fixture(scope="module")
def idx() -> ModelIndex:
    return ModelIndex.build(demo_model())


def _dash(name: str):  # type: ignore[no-untyped-def]
    return load_dashboard_yaml((DASH / f"{name}.yaml").read_text(encoding="utf-8"), name)


@pytest.mark.parametrize("name", ["region", "大区", "Region", "customers.region", "地区", "区域"])
def test_a_filter_is_named_by_id_title_field_label_or_synonym(idx: ModelIndex, name: str) -> None:
    assert renders.resolve_filters(_dash("cockpit"), idx, [f"{name}=华东"]) == {"region": ["华东"]}


def test_values_are_read_by_the_control_kind(idx: ModelIndex) -> None:
    cockpit, quality = _dash("cockpit"), _dash("quality")
    assert renders.resolve_filters(cockpit, idx, ["大区=华东,华南", "大区=西南", "期间=last_year"]) == {
        "region": ["华东", "华南", "西南"],
        "period": {"relative": "last_year"},
    }
    assert renders.resolve_filters(cockpit, idx, ["期间=2025-01-01..2025-06-30"]) == {
        "period": {"start": "2025-01-01", "end": "2025-06-30"}
    }
    assert renders.resolve_filters(quality, idx, ["工厂=常州工厂"]) == {"plant": "常州工厂"}
    # the web app's own values pass as they are
    assert renders.resolve_filters(cockpit, idx, {"region": ["华北"]}) == {"region": ["华北"]}


@pytest.mark.parametrize(
    ("pairs", "code"),
    [
        (["颜色=红"], "unknown_filter"),
        (["大区"], "bad_filter_pair"),
        (["期间=2025-13-01..2025-12-31"], "filter_value_invalid"),
        (["期间=next_century"], "filter_value_invalid"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(idx: ModelIndex, pairs: list[str], code: str) -> None:
    with pytest.raises(ShuzhiError) as e:
        renders.resolve_filters(_dash("cockpit"), idx, pairs)
    assert e.value.code == code and e.value.zh and e.value.en and e.value.status == 400


def test_two_values_for_a_dropdown_are_refused(idx: ModelIndex) -> None:
    with pytest.raises(ShuzhiError, match="Invalid value"):
        renders.resolve_filters(_dash("quality"), idx, ["工厂=常州工厂", "工厂=苏州工厂"])


def test_filters_in_words_and_the_print_page(idx: ModelIndex) -> None:
    d = _dash("cockpit")
    values = {"region": ["华东", "华南"]}
    assert renders.filters_text(d, values) == "期间：今年；大区：华东、华南"
    assert renders.filters_text(d, values, "en") == "Period: This year; Region: 华东、华南"
    p = renders.Prepared("cockpit", "经营驾驶舱", d, idx, 1, None, values)  # type: ignore[arg-type]
    assert renders.page_path(p).startswith("/dashboards/cockpit?print=1&f=")
    assert renders.download_name(p, "pdf") == "经营驾驶舱.pdf"


def test_page_sizes_and_the_header_band() -> None:
    assert screen_height(1280) == 800 and screen_height(390) == 844
    with pytest.raises(ShuzhiError):
        check_width(100)
    head = _header_template("<b>驾驶舱</b>", "大区：华东", "数据截至 2026-11-25")
    assert "&lt;b&gt;" in head and "<b>" not in head and "数据截至" in head
    assert "pageNumber" in FOOTER


def test_files_are_written_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    renders.write_atomic(out, b"%PDF-1.4")
    assert out.read_bytes() == b"%PDF-1.4" and [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_the_render_session_is_gone_after_the_render(make_client) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from sqlalchemy import func, select

    from shuzhi.auth.credentials import resolve_session
    from shuzhi.catalog.models import WebSession

    rt = make_client().app.state.runtime
    with rt.catalog.session() as db:
        before = db.scalar(select(func.count()).select_from(WebSession))
    with renders.render_session(rt, 1, 60) as cookies:
        with rt.catalog.session() as db:
            assert (
                resolve_session(db, cookies["shuzhi_session"], ttl=dt.timedelta(hours=1)).username == "admin"
            )
    with rt.catalog.session() as db:
        assert db.scalar(select(func.count()).select_from(WebSession)) == before


def test_a_wildcard_bind_is_reached_on_loopback() -> None:
    assert renders.loopback_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert renders.loopback_url("::", 8000) == "http://[::1]:8000"
    assert renders.loopback_url("127.0.0.1", 9) == "http://127.0.0.1:9"
