"""Self-service datasets in the catalog: save (versioned), read, history, restore, delete, lineage.

Invariants
- The definition stored is the validated DatasetSpec as JSON (by alias: a join's "with"); `sources`
  holds its references as "table:<name>" / "dataset:<name>" keys and `columns` the planned output
  columns, so lineage and the editor's field lists need no recomputation.
- Every save that changes the definition appends a DatasetVersion; restoring writes a new version.
  Callers (shuzhi.service.datasets) check names, types and cycles before saving.
- Materialization state (materialized_at/_version, row_count, refresh_error) is written only by the
  runtime after the warehouse table was swapped in (or the refresh failed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow
from shuzhi.errors import ShuzhiError
from shuzhi.model.datasets.steps import DatasetSpec, parse_dataset
from shuzhi.model.index import did_you_mean


class DatasetRecord(Base):
    """A self-service dataset: its current definition (JSON of DatasetSpec) and materialization state."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    label: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    sources: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    owner: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    materialized_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    materialized_version: Mapped[int | None] = mapped_column(Integer)
    row_count: Mapped[int | None] = mapped_column(BigInteger)
    refresh_error: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def spec(self) -> DatasetSpec:
        return parse_dataset(self.definition)


class DatasetVersion(Base):
    """Every saved state of a dataset, append-only."""

    __tablename__ = "dataset_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ux_dataset_versions", "dataset_id", "version", unique=True),)


def definition_json(spec: DatasetSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True)


def not_found(s: Session, name: str) -> ShuzhiError:
    hz, he = did_you_mean(name, list(s.scalars(select(DatasetRecord.name))))
    return ShuzhiError("dataset_not_found", f"数据集 {name} 不存在。{hz}", f"Dataset {name} does not exist.{he}", 404)


def find_dataset(s: Session, name: str) -> DatasetRecord | None:
    return s.scalar(select(DatasetRecord).where(DatasetRecord.name == name))


def get_dataset(s: Session, name: str) -> DatasetRecord:
    rec = find_dataset(s, name)
    if rec is None:
        raise not_found(s, name)
    return rec


def list_datasets(s: Session) -> list[DatasetRecord]:
    return list(s.scalars(select(DatasetRecord).order_by(DatasetRecord.name)))


def save_dataset(s: Session, spec: DatasetSpec, columns: list[dict[str, Any]], *, actor: str | None,
                 comment: str | None = None, create: bool | None = None) -> DatasetRecord:
    """Insert or update; a changed definition becomes a new version (an unchanged one does not).

    create=True refuses an existing name (409), create=False a missing one (404), None accepts both."""
    definition = definition_json(spec)
    rec = find_dataset(s, spec.name)
    if rec is not None and create:
        raise ShuzhiError("dataset_exists", f"数据集 {spec.name} 已存在。", f"Dataset {spec.name} already exists.", 409)
    if rec is None and create is False:
        raise not_found(s, spec.name)
    if rec is None:
        rec = DatasetRecord(name=spec.name, version=0, definition=definition, mode=spec.mode, sources=[],
                            columns=[], owner=actor)
        s.add(rec)
        s.flush()
    elif rec.definition == definition and rec.version > 0:
        return rec
    rec.version += 1
    rec.definition = definition
    rec.label, rec.description, rec.mode = spec.label, spec.description, spec.mode
    rec.sources = [r.key for r in spec.references()]
    rec.columns = columns
    rec.updated_at = utcnow()
    rec.updated_by = actor
    s.add(DatasetVersion(dataset_id=rec.id, version=rec.version, definition=definition, created_by=actor,
                         comment=comment))
    s.flush()
    return rec


def dataset_versions(s: Session, name: str) -> list[DatasetVersion]:
    rec = get_dataset(s, name)
    return list(s.scalars(select(DatasetVersion).where(DatasetVersion.dataset_id == rec.id)
                          .order_by(DatasetVersion.version)))


def dataset_at(s: Session, name: str, version: int) -> DatasetSpec:
    rec = get_dataset(s, name)
    row = s.scalar(select(DatasetVersion).where(DatasetVersion.dataset_id == rec.id, DatasetVersion.version == version))
    if row is None:
        raise ShuzhiError("version_not_found", f"数据集 {name} 没有第 {version} 版。",
                          f"Dataset {name} has no version {version}.", 404)
    return parse_dataset(row.definition)


def dependants(s: Session, name: str) -> list[DatasetRecord]:
    """Datasets that read dataset `name` directly."""
    key = f"dataset:{name}"
    return [r for r in list_datasets(s) if key in (r.sources or [])]


def readers_of_table(s: Session, table: str) -> list[DatasetRecord]:
    """Datasets that read the warehouse table `table` directly."""
    key = f"table:{table}"
    return [r for r in list_datasets(s) if key in (r.sources or [])]


def delete_dataset(s: Session, name: str) -> DatasetRecord:
    rec = get_dataset(s, name)
    users = [r.name for r in dependants(s, name)]
    if users:
        raise ShuzhiError("dataset_in_use", f"数据集 {name} 正被 {'、'.join(users)} 使用，请先修改或删除它们。",
                          f"Dataset {name} is used by {', '.join(users)}; change or delete those first.", 409,
                          details={"used_by": users})
    s.delete(rec)
    s.flush()
    return rec


def record_materialized(s: Session, name: str, *, version: int, rows: int) -> None:
    rec = get_dataset(s, name)
    rec.materialized_at, rec.materialized_version, rec.row_count, rec.refresh_error = utcnow(), version, rows, None


def record_refresh_error(s: Session, name: str, err: ShuzhiError) -> None:
    rec = find_dataset(s, name)
    if rec is not None:
        rec.refresh_error = {"code": err.code, "message_zh": err.zh, "message_en": err.en, "at": utcnow().isoformat()}
