"""The demo company's five dashboards (one YAML file each beside this module) and their installation.

install_demo_dashboards() is idempotent: a dashboard that is missing is created, one whose
definition differs from its file gets a new version, an unchanged one is left alone (no version).
Each is validated against the installed model first, so a model change that breaks a dashboard
fails `shuzhi demo` (and the tests) with the component and the name at fault.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import yaml
from sqlalchemy.orm import Session

from shuzhi.catalog import dashboards as store
from shuzhi.catalog.semantic import get_model
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.index import ModelIndex
from shuzhi.spec.dashboards import check_against_model, parse_definition

DEMO_DASHBOARDS = ("cockpit", "sales", "supply", "quality", "rd")  # display order
OWNER = "admin"


def demo_dashboard_text(name: str) -> str:
    return resources.files("shuzhi.demo.dashboards").joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_dashboard_yaml(text: str, source: str) -> DashboardDef:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" {mark.line + 1}" if mark else ""
        raise ShuzhiError("dashboard_yaml_invalid", f"{source} 第{line} 行不是有效的 YAML。",
                          f"{source} line{line} is not valid YAML.") from None
    if not isinstance(data, dict):
        raise ShuzhiError("dashboard_yaml_invalid", f"{source} 应当是一个 YAML 映射（name、title、components…）。",
                          f"{source} must be a YAML mapping (name, title, components, ...).")
    return parse_definition(data, source)


def demo_dashboards() -> list[DashboardDef]:
    return [load_dashboard_yaml(demo_dashboard_text(n), f"shuzhi/demo/dashboards/{n}.yaml") for n in DEMO_DASHBOARDS]


def install_demo_dashboards(s: Session, today: dt.date) -> dict[str, int]:
    """Install or update the five demo dashboards; returns {name: version}."""
    model, _ = get_model(s, None)
    idx = ModelIndex.build(model)
    out: dict[str, int] = {}
    for d in demo_dashboards():
        check_against_model(d, idx, today)
        try:
            rec = store.get_record(s, d.name)
        except ShuzhiError:
            rec = store.create(s, d, owner=OWNER, comment="installed by shuzhi demo")
            out[d.name] = rec.version
            continue
        out[d.name] = store.update(s, rec, d, actor="shuzhi demo", comment="updated by shuzhi demo")
    return out
