"""Semantic models in the catalog: save (validated, versioned), read, history, restore.

Invariants
- Every save validates the whole model (ModelIndex.build) and appends a new version; nothing is
  ever updated in place without a version row.
- Metric history is derived from the model versions: a metric's versions are the model versions in
  which its definition changed. Restoring a metric (or a whole model) writes a new version.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuzhi.catalog.models import ModelRecord, ModelVersion, utcnow
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex, closest
from shuzhi.model.schema import MetricDef, SemanticModel


def _not_found(name: str | None, known: list[str]) -> ShuzhiError:
    if name is None:
        return ShuzhiError("no_model", "还没有语义模型：运行 shuzhi demo 安装演示模型，或用 shuzhi model apply 导入。",
                           "There is no semantic model yet: run `shuzhi demo`, or import one with "
                           "`shuzhi model apply`.", 404)
    near = closest(name, known)
    zh = f"你是不是想用：{'、'.join(near)}？" if near else ""
    en = f" Did you mean: {', '.join(near)}?" if near else ""
    return ShuzhiError("model_not_found", f"模型 {name} 不存在。{zh}", f"Model {name} does not exist.{en}", 404)


def _record(s: Session, name: str | None) -> ModelRecord:
    if name is None:
        rec = s.scalar(select(ModelRecord).where(ModelRecord.is_default.is_(True)))
        rec = rec or s.scalar(select(ModelRecord).order_by(ModelRecord.id))
    else:
        rec = s.scalar(select(ModelRecord).where(ModelRecord.name == name))
    if rec is None:
        raise _not_found(name, [r.name for r in s.scalars(select(ModelRecord))])
    return rec


def current_version(s: Session, name: str | None = None) -> tuple[str, int]:
    """(name, version) of a model without loading its definition (cheap, for cache checks)."""
    q = select(ModelRecord.name, ModelRecord.version)
    if name is None:
        row = s.execute(q.where(ModelRecord.is_default.is_(True))).first() or s.execute(
            q.order_by(ModelRecord.id)).first()
    else:
        row = s.execute(q.where(ModelRecord.name == name)).first()
    if row is None:
        raise _not_found(name, [r.name for r in s.scalars(select(ModelRecord))])
    return row[0], row[1]


def list_models(s: Session) -> list[ModelRecord]:
    return list(s.scalars(select(ModelRecord).order_by(ModelRecord.name)))


def get_model(s: Session, name: str | None = None) -> tuple[SemanticModel, int]:
    rec = _record(s, name)
    return SemanticModel.model_validate(rec.definition), rec.version


def save_model(s: Session, model: SemanticModel, *, actor: str | None, comment: str | None = None,
               make_default: bool | None = None) -> int:
    """Validate and store; returns the new version number (unchanged models are not re-versioned)."""
    ModelIndex.build(model)
    definition = model.model_dump(mode="json", by_alias=True)
    rec = s.scalar(select(ModelRecord).where(ModelRecord.name == model.name))
    if rec is None:
        has_default = s.scalar(select(ModelRecord).where(ModelRecord.is_default.is_(True))) is not None
        rec = ModelRecord(name=model.name, version=0, definition=definition,
                          is_default=make_default if make_default is not None else not has_default)
        s.add(rec)
        s.flush()
    elif rec.definition == definition and rec.version > 0:
        return rec.version
    rec.version += 1
    rec.definition = definition
    rec.updated_at = utcnow()
    rec.updated_by = actor
    if make_default:
        for other in s.scalars(select(ModelRecord).where(ModelRecord.id != rec.id)):
            other.is_default = False
        rec.is_default = True
    s.add(ModelVersion(model_id=rec.id, version=rec.version, definition=definition, created_by=actor,
                       comment=comment))
    s.flush()
    return rec.version


def model_versions(s: Session, name: str | None) -> list[ModelVersion]:
    rec = _record(s, name)
    return list(s.scalars(select(ModelVersion).where(ModelVersion.model_id == rec.id).order_by(ModelVersion.version)))


def model_at(s: Session, name: str | None, version: int) -> SemanticModel:
    rec = _record(s, name)
    row = s.scalar(select(ModelVersion).where(ModelVersion.model_id == rec.id, ModelVersion.version == version))
    if row is None:
        raise ShuzhiError("version_not_found", f"模型 {rec.name} 没有第 {version} 版。",
                          f"Model {rec.name} has no version {version}.", 404)
    return SemanticModel.model_validate(row.definition)


def metric_history(s: Session, name: str | None, metric: str) -> list[dict[str, Any]]:
    """The versions in which the metric's definition changed (first appearance included)."""
    out: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None
    for v in model_versions(s, name):
        d = next((m for m in v.definition.get("metrics", []) if m.get("name") == metric), None)
        if d != last:
            out.append({"version": v.version, "definition": d, "created_at": v.created_at.isoformat(),
                        "created_by": v.created_by, "comment": v.comment, "deleted": d is None})
            last = d
    if not out:
        current, _ = get_model(s, name)
        raise ModelIndex.build(current).unknown_metric(metric)
    return out


def restore_metric(s: Session, name: str | None, metric: str, version: int, *, actor: str | None) -> int:
    old = next((m for m in model_at(s, name, version).metrics if m.name == metric), None)
    if old is None:
        raise ShuzhiError("version_not_found", f"第 {version} 版中没有指标 {metric}。",
                          f"Version {version} has no metric {metric}.", 404)
    current, _ = get_model(s, name)
    metrics = [m for m in current.metrics if m.name != metric]
    pos = next((i for i, m in enumerate(current.metrics) if m.name == metric), len(metrics))
    metrics.insert(pos, MetricDef.model_validate(old.model_dump()))
    restored = current.model_copy(update={"metrics": metrics})
    return save_model(s, restored, actor=actor, comment=f"restore metric {metric} from version {version}")


def restore_model(s: Session, name: str | None, version: int, *, actor: str | None) -> int:
    return save_model(s, model_at(s, name, version), actor=actor, comment=f"restore version {version}")
