"""POST /api/v1/forecast, /anomalies and /explain over a small demo."""

from __future__ import annotations

import pytest

from shuzhi_testing import login


@pytest.fixture
def client(demo_api):  # type: ignore[no-untyped-def]
    return demo_api(scale=0.05, seed=42)


def test_forecast_anomalies_explain(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/forecast", json={"metric": "revenue", "grain": "month", "horizon": 3}, headers=h)
    assert r.status_code == 200, r.text
    series = r.json()["series"][0]
    assert len(series["forecast"]) == 3 and series["backtest"]["mase"] is not None
    row = series["forecast"][0]
    assert row["lower95"] <= row["lower80"] <= row["value"] <= row["upper80"] <= row["upper95"]

    r = client.post("/api/v1/anomalies", json={"metric": "defect_rate", "grain": "month",
                                                "by": "production_orders.plant"}, headers=h)
    assert r.status_code == 200, r.text
    truth = client.post("/api/v1/sql", json={"sql": "SELECT month FROM demo_ground_truth WHERE plant = '常州工厂'"},
                        headers=h).json()["rows"][0][0]
    assert any(a["series"] == "常州工厂" and a["period"] == truth for a in r.json()["anomalies"])

    r = client.post("/api/v1/explain", json={"metric": "revenue", "to": "2025-12", "by": ["customers.province"]},
                    headers=h)
    assert r.status_code == 200, r.text

    r = client.post("/api/v1/forecast", json={"metric": "revenu"}, headers={**h, "Accept-Language": "en"})
    assert r.status_code == 400 and "revenue" in r.json()["error"]["message"]
    assert client.post("/api/v1/forecast", json={"metric": "revenue", "horizon": 0}, headers=h).status_code == 422
