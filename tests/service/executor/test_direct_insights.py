"""Forecast, anomalies and explain on a direct-mode model (the demo live on PostgreSQL, and on MariaDB)
answer exactly as on the warehouse: the same series are read through the executor in the database's
dialect, so the same numbers come out (floating sums within 1e-6 relative)."""

from __future__ import annotations

import math
from typing import Any

from direct_env import add_direct_model

from shuzhi_testing import client_over, login


def _post(c, h, path: str, body: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = c.post(f"/api/v1/{path}", json=body, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def same(a: Any, b: Any, path: str = "") -> None:
    """Equal JSON, numbers within 1e-6 relative (sums of doubles in another order)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, sorted(set(a) ^ set(b)))
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (path, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6), (path, a, b)
    else:
        assert a == b, (path, a, b)


CALLS = [
    ("forecast", {"metric": "revenue", "grain": "month", "horizon": 3}),
    ("forecast", {"metric": "revenue", "grain": "quarter", "horizon": 2,
                  "where": [{"field": "customers.region", "op": "=", "value": "华东"}]}),
    ("anomalies", {"metric": "defect_rate", "grain": "month", "by": "production_orders.plant"}),
    ("anomalies", {"metric": "revenue", "grain": "month"}),
    ("explain", {"metric": "revenue", "to": "2026-10"}),
    ("explain", {"metric": "gross_margin", "to": "2026-Q3", "by": ["customers.region", "products.product_line"]}),
]


def test_forecast_anomalies_and_explain_answer_on_postgresql_as_on_the_warehouse(direct) -> None:  # type: ignore[no-untyped-def]
    c, h = direct
    for path, body in CALLS:
        on_wh = _post(c, h, path, body)
        on_pg = _post(c, h, path, {**body, "model": "huajing_pg"})
        same(on_wh, on_pg, f"{path} {body}")
    # The forecast actually forecasts, and the plant incident is found live on PostgreSQL too.
    fc = _post(c, h, "forecast", {"metric": "revenue", "horizon": 3, "model": "huajing_pg"})
    assert len(fc["series"][0]["forecast"]) == 3
    an = _post(c, h, "anomalies", {"metric": "defect_rate", "by": "production_orders.plant", "model": "huajing_pg"})
    assert any(a["series"] == "常州工厂" for a in an["anomalies"]), an["anomalies"]


def test_an_unknown_model_is_a_404(direct) -> None:  # type: ignore[no-untyped-def]
    c, h = direct
    r = c.post("/api/v1/forecast", json={"metric": "revenue", "model": "nope"}, headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found", r.text


def test_insights_on_mariadb(make_client, settings, direct_demo, maria_db) -> None:  # type: ignore[no-untyped-def]
    c = client_over(make_client, settings, direct_demo)
    add_direct_model(c.app.state.runtime, maria_db, "huajing_my")
    h = login(c)
    for path, body in CALLS[1::2]:
        same(_post(c, h, path, body), _post(c, h, path, {**body, "model": "huajing_my"}), f"{path} {body}")


def test_the_shell_forecasts_a_direct_mode_model(settings, direct_demo, pg_db) -> None:  # type: ignore[no-untyped-def]
    """`shuzhi forecast --model huajing_pg` reads PostgreSQL and says what the warehouse model says."""
    import json
    import os
    import shutil

    import cli_zygote
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.runtime import Runtime

    settings.ensure_home()
    shutil.copy(direct_demo, settings.warehouse_path)
    rt = Runtime(settings)
    rt.start(create_admin=False)
    try:
        with rt.catalog.session() as s:
            install_demo_model(s)
            s.commit()
        add_direct_model(rt, pg_db, "huajing_pg")
    finally:
        rt.close()
    args = ["forecast", "--metric", "revenue", "--grain", "quarter", "--horizon", "1", "--format", "json"]
    outs = []
    for extra in ([], ["--model", "huajing_pg"]):
        r = cli_zygote.run([*args, *extra], env=dict(os.environ), timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append(json.loads(r.stdout))
    same(outs[0], outs[1])
    r = cli_zygote.run([*args, "--model", "nope"], env=dict(os.environ), timeout=300)
    assert r.returncode != 0 and "nope" in r.stderr and "Traceback" not in r.stderr
