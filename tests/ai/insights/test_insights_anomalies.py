"""Anomalies: precision/recall on injected spikes and drops, and both planted demo anomalies."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from insights_env import make_source

from shuzhi.ai.insights.anomalies import anomalies, detect_series
from shuzhi.ai.insights.series import shift


def _inject(seed: int, n: int = 36, k: int = 2) -> tuple[np.ndarray, set[int]]:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 1000 * (1 + 0.01 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) * np.exp(rng.normal(0, 0.05, n))
    where = set(rng.choice(np.arange(2, n - 1), size=k, replace=False).tolist())
    for i in where:
        y[i] *= rng.choice([0.35, 0.5, 1.8, 2.5])
    return y, where


def test_precision_recall_on_injected_anomalies() -> None:
    periods = [shift(dt.date(2022, 1, 1), "month", i) for i in range(36)]
    tp = fp = fn = 0
    for seed in range(40):
        y, truth = _inject(seed)
        found = {periods.index(dt.date.fromisoformat(a["period"]))
                 for a in detect_series(y, periods, "month", 12, log=True)}
        tp += len(found & truth)
        fp += len(found - truth)
        fn += len(truth - found)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"synthetic: precision {precision:.2f} recall {recall:.2f} (tp {tp}, fp {fp}, fn {fn})")
    assert recall >= 0.9
    assert precision >= 0.7


def test_short_series_uses_robust_z() -> None:
    periods = [shift(dt.date(2025, 1, 1), "month", i) for i in range(6)]
    out = detect_series(np.array([10.0, 11, 9, 10, 30, 10]), periods, "month", 12, log=False)
    assert [a["period"] for a in out] == ["2025-05-01"]
    assert out[0]["method"] == "robust_z"
    assert out[0]["lower"] <= out[0]["expected"] <= out[0]["upper"]


def test_demo_planted_anomalies_found(tmp_path_factory: pytest.TempPathFactory) -> None:
    src, truth = make_source(tmp_path_factory.getbasetemp())
    qi, sd = truth["quality_incident"], truth["sales_drop"]
    q = anomalies(src, "defect_rate", "month", by="production_orders.plant")
    s = anomalies(src, "revenue", "month", by="customers.province")
    hits_q = [a for a in q["anomalies"] if a["series"] == qi["plant"] and a["period"] == qi["month"].isoformat()]
    hits_s = [a for a in s["anomalies"] if a["series"] == sd["province"] and a["period"] == sd["month"].isoformat()]
    reported = len(q["anomalies"]) + len(s["anomalies"])
    tp = len(hits_q) + len(hits_s)
    print(f"demo: reported {reported}, true {tp}/2 -> precision {tp / reported:.2f}, recall {tp / 2:.2f}")
    for a in q["anomalies"] + s["anomalies"]:
        print(" ", a["severity"], a["description_zh"])
    assert hits_q and hits_q[0]["direction"] == "up" and hits_q[0]["severity"] in ("medium", "high")
    assert hits_s and hits_s[0]["direction"] == "down"
    assert reported <= 4
    for a in hits_q + hits_s:
        assert a["lower"] <= a["expected"] <= a["upper"]
        assert a["description_zh"] and a["description_en"]
    # the answer carries each checked series with its expectation and band, for a chart to draw
    plant = next(x for x in q["series"] if x["key"] == qi["plant"])
    i = q["periods"].index(qi["month"].isoformat())
    assert len(plant["values"]) == len(q["periods"]) == len(q["labels"]) == len(plant["upper"])
    assert plant["values"][i] > plant["upper"][i] >= plant["expected"][i] >= plant["lower"][i]
    assert q["labels"][i] == f"{qi['month']:%Y-%m}"
    assert "Defect" in hits_q[0]["description_en"] and "%" in hits_q[0]["description_en"]
