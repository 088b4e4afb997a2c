"""The priority score of an R&D candidate (a proposal or a running project), with its parts.

    score = 100 × Σ weight_k × part_k          (each part on 0–1, the weights add up to 1)

parts (DEFAULT_WEIGHTS; callers may pass their own, which are scaled to add up to 1):
- strategic_fit  (0.30): the review's 1–5 rating, (fit - 1) / 4;
- expected_value (0.35): expected annual revenue × the success probability of its layer and field
  (ai/innovation/success.py), divided by the largest expected value among all the candidates (so the
  best one has 1; excluding a candidate or changing the budget never changes anyone's score);
- risk           (0.15): 低 → 1, 中 → 0.5, 高 → 0 (low risk earns points);
- field_signal   (0.20): the hot-spot / white-space signal of its tech_field, 0–1 (0.5 when unknown).
The score is rounded to two decimals, and that rounded number is what the portfolio maximizes.
Pure: candidates and their inputs come in as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shuzhi.ai.innovation.success import SuccessModel
from shuzhi.errors import ShuzhiError

DEFAULT_WEIGHTS: dict[str, float] = {"strategic_fit": 0.30, "expected_value": 0.35, "risk": 0.15,
                                     "field_signal": 0.20}
PART_LABELS: dict[str, tuple[str, str]] = {
    "strategic_fit": ("战略契合度", "strategic fit"), "expected_value": ("预期价值", "expected value"),
    "risk": ("风险", "risk"), "field_signal": ("领域热度与空白", "field hot spot / white space"),
}
RISK_POINTS = {"低": 1.0, "中": 0.5, "高": 0.0}
NEUTRAL_SIGNAL = 0.5


@dataclass
class Candidate:
    """One thing that can be funded: a proposal waiting for approval or a running project."""

    id: str
    name: str
    kind: str  # "proposal" | "running"
    tech_field: str
    rd_layer: str
    cost: float  # 元: the requested budget, or a running project's remaining budget
    headcount: float
    expected_annual_revenue: float  # 元
    strategic_fit: float  # 1–5
    risk: str  # 低 / 中 / 高
    estimated: list[str] = field(default_factory=list)  # inputs that are estimates, not recorded values
    facts: dict[str, Any] = field(default_factory=dict)  # what the estimates rest on (shown with the candidate)


def weights_from(given: dict[str, float] | None) -> dict[str, float]:
    """The weights to use: DEFAULT_WEIGHTS with `given` laid over them, scaled to add up to 1."""
    w = dict(DEFAULT_WEIGHTS)
    for k, v in (given or {}).items():
        if k not in DEFAULT_WEIGHTS:
            raise ShuzhiError("allocate_bad_weight", f"未知的评分权重：{k}（可选 {'、'.join(DEFAULT_WEIGHTS)}）。",
                              f"Unknown score weight: {k} (one of {', '.join(DEFAULT_WEIGHTS)}).")
        try:
            fv = float(v)
        except (TypeError, ValueError):
            raise ShuzhiError("allocate_bad_weight", f"权重 {k} 应是数字，不能是 {v!r}。",
                              f"The weight {k} must be a number, not {v!r}.") from None
        if not fv >= 0 or fv == float("inf"):
            raise ShuzhiError("allocate_bad_weight", f"权重 {k} 应是非负数，不能是 {v}。",
                              f"The weight {k} must be zero or more, not {v}.")
        w[k] = fv
    total = sum(w.values())
    if total <= 0:
        raise ShuzhiError("allocate_bad_weight", "评分权重不能全为 0。", "The score weights cannot all be 0.")
    return {k: v / total for k, v in w.items()}


def _part(name: str, value: Any, normalized: float, weight: float, **more: Any) -> dict[str, Any]:
    zh, en = PART_LABELS[name]
    return {"name": name, "label": zh, "label_en": en, "value": value, "normalized": round(normalized, 4),
            "weight": round(weight, 4), "points": round(100 * weight * normalized, 2), **more}


def score_candidates(cands: list[Candidate], success: SuccessModel, signals: dict[str, dict[str, Any]],
                     weights: dict[str, float]) -> list[dict[str, Any]]:
    """One dict per candidate (same order): the fixed keys (id, name, score, cost, headcount), the parts,
    the success estimate and its counts. `weights` are already scaled (weights_from)."""
    estimates = [success.estimate(c.rd_layer, c.tech_field) for c in cands]
    evs = [max(c.expected_annual_revenue, 0.0) * e.probability for c, e in zip(cands, estimates, strict=True)]
    top_ev = max(evs, default=0.0)
    out = []
    for c, est, ev in zip(cands, estimates, evs, strict=True):
        sig = signals.get(c.tech_field)
        fit = min(max(c.strategic_fit, 1.0), 5.0)
        parts = [
            _part("strategic_fit", c.strategic_fit, (fit - 1.0) / 4.0, weights["strategic_fit"]),
            _part("expected_value", round(ev, 2), ev / top_ev if top_ev > 0 else 0.0, weights["expected_value"],
                  expected_annual_revenue=c.expected_annual_revenue, success_probability=round(est.probability, 4)),
            _part("risk", c.risk, RISK_POINTS.get(c.risk, 0.5), weights["risk"]),
            _part("field_signal", None if sig is None else round(float(sig["signal"]), 4),
                  NEUTRAL_SIGNAL if sig is None else float(sig["signal"]), weights["field_signal"]),
        ]
        raw = sum(100 * weights[p["name"]] * float(p["normalized"]) for p in parts)
        out.append({
            "id": c.id, "name": c.name, "kind": c.kind, "tech_field": c.tech_field, "rd_layer": c.rd_layer,
            "score": round(raw, 2), "cost": round(float(c.cost), 2), "headcount": c.headcount,
            "parts": parts,
            "success": {"rd_layer": c.rd_layer, "tech_field": c.tech_field, **est.as_dict()},
            "estimated": list(c.estimated), "facts": dict(c.facts),
        })
    return out
