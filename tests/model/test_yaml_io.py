"""Models round-trip through YAML; errors name the file, the line and the field, with a suggestion."""

from __future__ import annotations

import pytest

from shuzhi.demo.semantic import demo_model, demo_model_text
from shuzhi.errors import ShuzhiError
from shuzhi.model.yaml_io import dump_model_yaml, load_model_yaml


def test_demo_model_round_trips() -> None:
    model = demo_model()
    again = load_model_yaml(dump_model_yaml(model), "dumped.yaml")
    assert again == model


def test_on_and_no_stay_text() -> None:
    text = demo_model_text()
    assert '"on"' in text or "on:" in text
    model = load_model_yaml(text.replace('"on":', "on:"), "m.yaml")
    assert all(j.on for ds in model.datasets for j in ds.joins)


def _err(text: str) -> ShuzhiError:
    with pytest.raises(ShuzhiError) as e:
        load_model_yaml(text, "broken.yaml")
    return e.value


def test_unknown_field_in_a_metric_names_line_and_suggests() -> None:
    text = demo_model_text().replace("expr: amount\n", "expr: amout\n", 1)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "expr: amout" in ln)
    e = _err(text)
    assert e.code == "model_invalid"
    p = e.details["problems"][0]
    assert p["file"] == "broken.yaml" and p["field"].startswith("metrics[")
    assert p["line"] == line and p["field"].endswith(".expr")
    assert "amount" in e.en and "broken.yaml:" in e.en


def test_shape_errors_point_at_the_line() -> None:
    text = demo_model_text().replace("agg: sum", "agg: total", 1)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "agg: total" in ln)
    e = _err(text)
    assert e.details["problems"][0]["line"] == line and "agg" in e.details["problems"][0]["field"]


def test_yaml_syntax_error() -> None:
    e = _err("name: x\ndatasets: [\n  - oops")
    assert e.code == "model_yaml_syntax" and "broken.yaml:" in e.en


def test_join_to_a_missing_dataset_suggests() -> None:
    text = demo_model_text().replace("to: customers", "to: customer", 1)
    e = _err(text)
    assert "customers" in e.en and e.details["problems"][0]["suggestion"] == "customers"


def test_derived_metric_cycle() -> None:
    text = demo_model_text().replace("formula: revenue - cogs", "formula: revenue - gross_margin", 1)
    e = _err(text)
    assert "cycle" in e.en
