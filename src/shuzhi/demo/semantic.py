"""The demo company's semantic model (model.yaml beside this file) and its installation."""

from __future__ import annotations

from importlib import resources

from sqlalchemy.orm import Session

from shuzhi.catalog.semantic import save_model
from shuzhi.model.schema import SemanticModel
from shuzhi.model.yaml_io import load_model_yaml

MODEL_FILE = "model.yaml"


def demo_model_text() -> str:
    return resources.files("shuzhi.demo").joinpath(MODEL_FILE).read_text(encoding="utf-8")


def demo_model() -> SemanticModel:
    return load_model_yaml(demo_model_text(), "shuzhi/demo/model.yaml")


def install_demo_model(s: Session, *, actor: str = "shuzhi demo") -> int:
    """Install (or update) the demo model as the default model; returns its version."""
    # Installed by the operator (shuzhi demo), who owns the catalog: its rules are theirs to set.
    return save_model(s, demo_model(), actor=actor, comment="installed by shuzhi demo", make_default=True,
                      may_change_rules=True)
