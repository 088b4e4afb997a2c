"""The chance that an R&D project succeeds, learned from the company's finished projects.

A finished project is one with status 已完成 or 已终止 (the model's metric closed_projects); it
succeeded when it is 已完成 and industrialized (successful_projects). Few projects share one
(rd_layer, tech_field) cell, so the raw rate of a cell is noisy (1 of 2 is not 50 %). The estimate
is shrunk step by step toward a broader group (Beta-binomial shrinkage, an empirical-Bayes prior):

    overall        p_all   = (S + 1) / (N + 2)                        (Laplace: a uniform prior)
    layer          p_layer = (S_l + k · p_all) / (N_l + k)
    layer × field  p_cell  = (S_lf + k · p_layer) / (N_lf + k)

k ("prior strength", default 4) is how many finished projects of evidence it takes for a cell's own
record to weigh as much as its layer's rate. A cell with no finished project gets its layer's rate;
a layer with none gets the overall rate. Every estimate carries the counts it rests on.

Pure: the counts come in as rows; nothing here reads data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DEFAULT_PRIOR_STRENGTH = 4.0


@dataclass(frozen=True)
class Estimate:
    """The success probability of one (layer, field) with the counts behind it."""

    rd_layer: str
    tech_field: str
    probability: float
    successes: int  # finished projects of this layer and field that succeeded
    finished: int  # finished projects of this layer and field
    layer_probability: float
    layer_successes: int
    layer_finished: int
    overall_probability: float
    overall_successes: int
    overall_finished: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "probability": self.probability,
            "successes": self.successes, "finished": self.finished,
            "layer": {"probability": self.layer_probability, "successes": self.layer_successes,
                      "finished": self.layer_finished},
            "overall": {"probability": self.overall_probability, "successes": self.overall_successes,
                        "finished": self.overall_finished},
        }


class SuccessModel:
    """Per (rd_layer, tech_field) counts of finished and successful projects, and their estimates."""

    def __init__(self, counts: Iterable[tuple[str, str, int, int]], prior_strength: float = DEFAULT_PRIOR_STRENGTH):
        """counts: (rd_layer, tech_field, successes, finished) rows; repeated cells add up."""
        if prior_strength <= 0:
            raise ValueError("prior_strength must be positive")
        self.k = float(prior_strength)
        self.cells: dict[tuple[str, str], tuple[int, int]] = {}
        self.layers: dict[str, tuple[int, int]] = {}
        s_all = n_all = 0
        for layer, field, s, n in counts:
            s, n = int(s or 0), int(n or 0)
            if s < 0 or n < s:
                raise ValueError(f"bad counts for {layer}/{field}: {s} of {n}")
            cs, cn = self.cells.get((layer, field), (0, 0))
            self.cells[(layer, field)] = (cs + s, cn + n)
            ls, ln = self.layers.get(layer, (0, 0))
            self.layers[layer] = (ls + s, ln + n)
            s_all += s
            n_all += n
        self.overall = (s_all, n_all)

    def overall_probability(self) -> float:
        s, n = self.overall
        return (s + 1.0) / (n + 2.0)

    def layer_probability(self, layer: str) -> float:
        s, n = self.layers.get(layer, (0, 0))
        return (s + self.k * self.overall_probability()) / (n + self.k)

    def estimate(self, layer: str, field: str) -> Estimate:
        s, n = self.cells.get((layer, field), (0, 0))
        ls, ln = self.layers.get(layer, (0, 0))
        p_layer = self.layer_probability(layer)
        p = (s + self.k * p_layer) / (n + self.k)
        return Estimate(layer, field, p, s, n, p_layer, ls, ln, self.overall_probability(), *self.overall)

    def table(self) -> list[dict[str, Any]]:
        """Every known (layer, field) cell with its estimate and counts, for display."""
        return [{"rd_layer": layer, "tech_field": field, **self.estimate(layer, field).as_dict()}
                for layer, field in sorted(self.cells)]
