"""Imported warehouse tables in the catalog: labels, source file, last mode, rows, who and when.

Invariants
- One row per warehouse table that a file import created or changed (`name` is the warehouse
  table name). Each import updates it after the warehouse transaction committed, so the
  catalog never describes data that does not exist; `imports` counts how often it was loaded.
- `columns` is the list of {"name", "label", "type"} in table order: `name` is the warehouse column
  (the cleaned header, 销售额; imports before issue 14 used hashed names until upgraded by
  service.name_migration), `label` the header as the user wrote it, shown everywhere people read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow


class ImportedTable(Base):
    __tablename__ = "imported_tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    source_file: Mapped[str] = mapped_column(String(512), nullable=False)
    source_format: Mapped[str] = mapped_column(String(16), nullable=False)
    source_sheet: Mapped[str | None] = mapped_column(String(128))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imports: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(64))
    job_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


def record_import(db: Session, name: str, *, columns: list[dict[str, Any]], source_file: str, source_format: str,
                  source_sheet: str | None, options: dict[str, Any], mode: str, rows: int, rejected: int,
                  imported_by: str | None, job_id: int | None) -> ImportedTable:
    """Create or update the table's record after a committed import (labels of new columns are merged)."""
    rec = db.scalar(select(ImportedTable).where(ImportedTable.name == name))
    if rec is None:
        rec = ImportedTable(name=name, imports=0)
        db.add(rec)
    elif mode != "replace":
        known = {c["name"]: c for c in rec.columns or []}
        known.update({c["name"]: c for c in columns})
        columns = list(known.values())
    rec.columns = columns
    rec.source_file, rec.source_format, rec.source_sheet = source_file, source_format, source_sheet
    rec.options, rec.mode, rec.rows, rec.rejected = options, mode, rows, rejected
    rec.imports = (rec.imports or 0) + 1
    rec.imported_at, rec.imported_by, rec.job_id = utcnow(), imported_by, job_id
    db.flush()
    return rec


def get_imported(db: Session, name: str) -> ImportedTable | None:
    return db.scalar(select(ImportedTable).where(ImportedTable.name == name))


def list_imported(db: Session) -> dict[str, ImportedTable]:
    return {r.name: r for r in db.scalars(select(ImportedTable))}


def forget(db: Session, name: str) -> None:
    rec = get_imported(db, name)
    if rec is not None:
        db.delete(rec)
        db.flush()


def to_dict(rec: ImportedTable) -> dict[str, Any]:
    return {"name": rec.name, "columns": rec.columns, "source_file": rec.source_file,
            "source_format": rec.source_format, "source_sheet": rec.source_sheet, "mode": rec.mode,
            "rows": rec.rows, "rejected": rec.rejected, "imports": rec.imports,
            "imported_at": rec.imported_at.isoformat(), "imported_by": rec.imported_by, "job_id": rec.job_id}
