"""The patents being mined, as columns, and the periods they are counted in.

    corpus = Corpus.from_rows(rows, company="华精科技")   # rows: dicts (patent_id, applicant, title,
                                                          # abstract, tech_field, application_date, …)

Invariants
- Rows without an application date or a title are dropped (they cannot be counted in time); rows
  with the same patent_id are kept once (the first).
- Periods are calendar quarters ("2025Q3") and years; the "recent" window is the twelve months
  ending at the last application date in the data, the "previous" window the twelve before it
  (`windows(months)` for other lengths). The last quarter may be partial; shares, not counts, are
  compared across windows of equal length, so a partial quarter does not fake a fall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shuzhi.errors import ShuzhiError

REQUIRED = ("patent_id", "applicant", "title", "application_date")


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and v:
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


def quarter_of(d: dt.date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def months_before(d: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's end)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


@dataclass
class Corpus:
    """Patents as parallel columns (index i is one patent)."""

    company: str
    ids: list[str]
    applicants: list[str]
    titles: list[str]
    abstracts: list[str]
    fields: list[str]
    dates: list[dt.date]
    applicant_types: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]], *, company: str) -> Corpus:
        if rows and any(k not in rows[0] for k in REQUIRED):
            missing = [k for k in REQUIRED if k not in rows[0]]
            raise ShuzhiError("patents_columns_missing", f"专利数据缺少列：{'、'.join(missing)}。",
                              f"The patent data lacks the columns: {', '.join(missing)}.", 422)
        seen: set[str] = set()
        out = cls(company, [], [], [], [], [], [], [], [])
        for r in rows:
            pid, d, title = r.get("patent_id"), _date(r.get("application_date")), r.get("title")
            if not pid or d is None or not title or pid in seen:
                continue
            seen.add(pid)
            out.ids.append(str(pid))
            out.applicants.append(str(r.get("applicant") or "—"))
            out.titles.append(str(title))
            out.abstracts.append(str(r.get("abstract") or ""))
            out.fields.append(str(r.get("tech_field") or "—"))
            out.dates.append(d)
            out.applicant_types.append(str(r.get("applicant_type") or ""))
            out.countries.append(str(r.get("country") or ""))
        return out

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def end(self) -> dt.date:
        return max(self.dates) if self.dates else dt.date.today()

    def quarters(self) -> list[str]:
        return [quarter_of(d) for d in self.dates]

    def years(self) -> list[int]:
        return [d.year for d in self.dates]

    def windows(self, months: int = 12) -> tuple[np.ndarray, np.ndarray]:
        """Masks of the recent window (the `months` ending at the last date) and the one before it."""
        end = self.end
        start = months_before(end, months)
        before = months_before(end, 2 * months)
        days = np.array([d.toordinal() for d in self.dates], dtype=np.int64)
        recent = days > start.toordinal()
        previous = (days > before.toordinal()) & ~recent
        return recent, previous

    def is_company(self) -> np.ndarray:
        return np.array([a == self.company for a in self.applicants], dtype=bool)


def period_list(labels: list[str]) -> list[str]:
    """Every quarter from the first to the last label, in order (gaps filled)."""
    if not labels:
        return []
    first, last = min(labels), max(labels)
    y, q = int(first[:4]), int(first[-1])
    out = []
    while f"{y}Q{q}" <= last:
        out.append(f"{y}Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out
