"""Make warehouse data analyzable: add a table (imported or extracted) to a semantic model.

The table becomes a model dataset with typed, labelled fields (labels from the import record),
plus generated metrics (row count, a sum per numeric column; shuzhi.model.auto). Saved as a new
model version, so it shows in the metric center, the analysis page and questions at once.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.catalog import semantic
from shuzhi.catalog import tables as imported
from shuzhi.engines import profile as prof
from shuzhi.errors import ShuzhiError
from shuzhi.model.auto import auto_metrics, field_name, table_dataset
from shuzhi.model.schema import DatasetDef, SemanticModel

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime


def with_dataset(model: SemanticModel, ds: DatasetDef, *, replace: bool, metrics: bool = True) -> SemanticModel:
    """The model with `ds` added (or swapped in when replace), and its generated metrics refreshed:
    metrics named `<ds>__…` tagged 自动生成 are regenerated; the user's own metrics are kept."""
    exists = any(d.name == ds.name for d in model.datasets)
    if exists and not replace:
        raise ShuzhiError("model_dataset_exists", f"模型 {model.name} 中已有数据集 {ds.name}；如要更新请选择替换。",
                          f"The model {model.name} already has a dataset {ds.name}; choose replace to update it.", 409)
    datasets = [ds if d.name == ds.name else d for d in model.datasets] if exists else [*model.datasets, ds]
    kept = [m for m in model.metrics
            if not (m.dataset == ds.name and m.name.startswith(f"{ds.name}__") and "自动生成" in m.tags)]
    if metrics:
        kept += auto_metrics(ds, {m.label for m in kept}, {m.name for m in kept})
    return model.model_copy(update={"datasets": datasets, "metrics": kept})


def add_table_to_model(rt: Runtime, db: Session, table: str, *, model: str | None = None, actor: str | None,
                       replace: bool = False, label: str | None = None,
                       may_change_rules: bool = False) -> dict[str, Any]:
    columns = prof.table_schema(rt.published(), table)
    current, _ = semantic.get_model(db, model)
    users = [d.name for d in current.datasets if d.table == table and d.name != table]
    if users:
        raise ShuzhiError("table_in_model", f"表 {table} 已经是模型 {current.name} 的数据集 {users[0]}。",
                          f"The table {table} is already the dataset {users[0]} of the model {current.name}.", 409)
    rec = imported.get_imported(db, table)
    labels = {c["name"]: c.get("label") for c in (rec.columns or [])} if rec else {}
    name = field_name(table, {d.name for d in current.datasets} - {table})
    ds = table_dataset(name, table, [(c, t, labels.get(c)) for c, t in columns],
                       label=label or (PurePath(rec.source_file).stem if rec else None) or table)
    updated = with_dataset(current, ds, replace=replace)
    version = semantic.save_model(db, updated, actor=actor, comment=f"add table {table}",
                                  may_change_rules=may_change_rules)
    new = [m for m in updated.metrics if m.dataset == name and m.name.startswith(f"{name}__")]
    return {"model": current.name, "model_version": version, "dataset": name,
            "metrics": [{"name": m.name, "label": m.label} for m in new]}
