"""The column and CSV source types of file imports, shared by imports.py and its exact path (csv_exact.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Column:
    name: str  # safe identifier
    label: str
    type: str  # DuckDB type


@dataclass
class CsvSource:
    path: Path  # UTF-8 (or UTF-16) text
    delimiter: str
    has_header: bool
    skip_lines: int  # lines before the header (or before the data without a header)
    thousands: bool = False
    encoding: str = "utf-8"  # DuckDB's name: utf-8 or utf-16
    workdir: Path | None = None  # where the exact path writes its cleaned copy (default: the system temp)
    width: int = 0  # fields per record as detected (0: unknown); the exact path's inference needs it
