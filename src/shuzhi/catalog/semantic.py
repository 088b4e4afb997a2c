"""Semantic models in the catalog: save (validated, versioned), read, history, restore.

Invariants
- Every save validates the whole model (ModelIndex.build) and appends a new version; nothing is
  ever updated in place without a version row.
- Metric history is derived from the model versions: a metric's versions are the model versions in
  which its definition changed. Restoring a metric (or a whole model) writes a new version.
- Row and column rules change only when the caller says it may (may_change_rules, from the
  security:manage permission; False by default, so an HTTP route that forgets to ask cannot change
  them); every rule change is also an audit event `model.rules` naming what was added, removed or
  changed, in the same transaction as the new version.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuzhi.catalog.audit import append
from shuzhi.catalog.models import ModelRecord, ModelVersion, utcnow
from shuzhi.errors import ShuzhiError
from shuzhi.model.access import rule_changes
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


def model_versions_key(s: Session) -> list[tuple[str, int, bool]]:
    """(name, version, is_default) of every model: what decides the model list (cheap)."""
    q = select(ModelRecord.name, ModelRecord.version, ModelRecord.is_default).order_by(ModelRecord.name)
    return [(r[0], r[1], bool(r[2])) for r in s.execute(q)]


def list_models(s: Session) -> list[ModelRecord]:
    return list(s.scalars(select(ModelRecord).order_by(ModelRecord.name)))


def get_model(s: Session, name: str | None = None) -> tuple[SemanticModel, int]:
    rec = _record(s, name)
    return SemanticModel.model_validate(rec.definition), rec.version


def rules_forbidden(name: str, changes: dict[str, dict[str, list[str]]]) -> ShuzhiError:
    hint_zh = hint_en = ""
    if "row_rule_coverage" in changes:
        hint_zh = "（规则本身未变，但改动后有数据集不再受行级规则过滤：删除了关联，或新数据集读取了受规则保护的表。）"
        hint_en = (" (The rules themselves are unchanged, but a dataset would no longer be filtered by a row rule: "
                   "a join was removed, or a new dataset reads a table a rule protects.)")
    what = "; ".join(f"{kind} {verb}: {', '.join(names)}" for kind, d in changes.items() for verb, names in d.items())
    return ShuzhiError(
        "rules_forbidden",
        f"只有管理员可以修改模型 {name} 的行级或列级权限规则（需要 security:manage；本次改动：{what}）。"
        f"其余部分可以照常修改，请保留原有规则后再保存。{hint_zh}",
        f"Only administrators may change the row or column rules of the model {name} (needs "
        f"security:manage; this change: {what}). Keep the rules as they are to save the rest.{hint_en}",
        403, details={"changes": changes})


def _make_default(s: Session, rec: ModelRecord) -> None:
    for other in s.scalars(select(ModelRecord).where(ModelRecord.id != rec.id)):
        other.is_default = False
    rec.is_default = True


def save_model(s: Session, model: SemanticModel, *, actor: str | None, comment: str | None = None,
               make_default: bool | None = None, may_change_rules: bool = False) -> int:
    """Validate and store; returns the new version number (unchanged models are not re-versioned, but
    make_default=True still makes them the default).

    A change to the row or column rules needs may_change_rules (else 403 rules_forbidden, nothing
    written) and is audited as `model.rules`."""
    ModelIndex.build(model)
    definition = model.model_dump(mode="json", by_alias=True)
    rec = s.scalar(select(ModelRecord).where(ModelRecord.name == model.name))
    changes = rule_changes(SemanticModel.model_validate(rec.definition) if rec is not None else None, model)
    if changes and not may_change_rules:
        raise rules_forbidden(model.name, changes)
    if rec is None:
        has_default = s.scalar(select(ModelRecord).where(ModelRecord.is_default.is_(True))) is not None
        rec = ModelRecord(name=model.name, version=0, definition=definition,
                          is_default=make_default if make_default is not None else not has_default)
        s.add(rec)
        s.flush()
    elif rec.definition == definition and rec.version > 0:
        if make_default:
            _make_default(s, rec)
            s.flush()
        return rec.version
    rec.version += 1
    rec.definition = definition
    rec.updated_at = utcnow()
    rec.updated_by = actor
    if make_default:
        _make_default(s, rec)
    s.add(ModelVersion(model_id=rec.id, version=rec.version, definition=definition, created_by=actor,
                       comment=comment))
    if changes:
        append(s, "model.rules", actor=actor, target=f"{model.name} v{rec.version}", detail=changes)
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


def restore_metric(s: Session, name: str | None, metric: str, version: int, *, actor: str | None,
                   may_change_rules: bool = False) -> int:
    old = next((m for m in model_at(s, name, version).metrics if m.name == metric), None)
    if old is None:
        raise ShuzhiError("version_not_found", f"第 {version} 版中没有指标 {metric}。",
                          f"Version {version} has no metric {metric}.", 404)
    current, _ = get_model(s, name)
    metrics = [m for m in current.metrics if m.name != metric]
    pos = next((i for i, m in enumerate(current.metrics) if m.name == metric), len(metrics))
    metrics.insert(pos, MetricDef.model_validate(old.model_dump()))
    restored = current.model_copy(update={"metrics": metrics})
    return save_model(s, restored, actor=actor, comment=f"restore metric {metric} from version {version}",
                      may_change_rules=may_change_rules)


def restore_model(s: Session, name: str | None, version: int, *, actor: str | None,
                  may_change_rules: bool = False) -> int:
    return save_model(s, model_at(s, name, version), actor=actor, comment=f"restore version {version}",
                      may_change_rules=may_change_rules)
