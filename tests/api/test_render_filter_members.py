"""A dashboard export's or subscription's filter values typed as words must be members the user can see:
大区=火星 is a typo and an error naming the values there are, not an empty report (service/renders.check_members)."""

from __future__ import annotations

import datetime as dt

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.service import renders


def test_a_typed_value_nobody_has_is_refused_with_the_values_there_are(demo_api) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.demo.dashboards import install_demo_dashboards

    rt = demo_api(scale=0.01, seed=5).app.state.runtime
    with rt.catalog.session() as s:
        install_demo_dashboards(s, dt.date(2026, 11, 26))
    with pytest.raises(ShuzhiError) as e:
        renders.prepare(rt, "cockpit", "admin", ["大区=华东,火星"])
    assert e.value.code == "filter_value_unknown" and e.value.status == 400
    assert "火星" in e.value.message("zh") and "华东" in e.value.message("zh").split("取值：")[1]
    assert renders.prepare(rt, "cockpit", "admin", ["大区=华东,华南"]).filters == {"region": ["华东", "华南"]}
    # the web app's own values (a mapping) are its picker's: not looked up again
    assert renders.prepare(rt, "cockpit", "admin", {"region": ["火星"]}).filters == {"region": ["火星"]}
