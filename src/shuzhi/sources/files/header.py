"""Where the table is in a report-shaped sheet or text file: the header row(s), the totals and notes below
the data, and how sure the detection is. Shared by Excel (excel.py) and delimited text (text.py).

Invariants
- Input is a grid of cells as the file has them (`raw`: a merged range's value only in its top-left cell)
  and the merged ranges, 0-based ((r0, c0), (r1, c1)) inclusive; CSV has no merged ranges.
- A row's weight is its number of distinct filled cells: a merged range counts once, so a title merged
  across the width weighs 1, like a title in one cell. The table's width is the largest weight.
- The header is the first of the top MAX_SCAN rows that weighs at least half the width (and 2), is at
  least 60 % text that is not a number or a date, and is not a notes line (most cells "标签：值", as
  单位：元 / 期间：2025.01 / 制表：财务部). Title, unit, blank and notes lines above it are skipped.
- A second header line is taken (depth 2) when its cells are all text, and the first line has a group
  cell merged across columns, or cells merged down (a tall header), or (CSV) gaps after a group name that
  the second line fills. Labels join the lines with a space ("一季度 销售额"); a group name spreads over
  the gaps to its right.
- Below the data, from the bottom up: blank rows, totals rows (合计 / 总计 / 小计 / 本期合计 / 本年累计 /
  Total in one of the first three filled cells) and notes rows (备注：, 说明：, 制表人：, 审核：, 打印日期：..., or one
  long text cell) are split off and reported by row; the first row that is none of these ends the data.
- confidence is "low" with reasons (codes; the web app words them) when the header looks like a title
  (one cell or one merged range), holds numbers or dates, has missing or repeated names, no header row
  was found, or a third of the columns mix text with numbers/dates below the header (a header or title
  read as data).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

MAX_SCAN = 30  # rows searched for the header
TOTALS = re.compile(r"^\s*((本|上|当)?\s*(期|月|年|季|日)?\s*(合\s*计|总\s*计|小\s*计|累\s*计)|总\s*和|共\s*计"
                    r"|grand\s+total|sub\s*total|total|sum)\b", re.IGNORECASE)
NOTE = re.compile(r"^\s*(备\s*注|说\s*明|附\s*注|注\s*\d?|制\s*表人?|制\s*单人?|编\s*制(人|单位|日期)?|审\s*核人?|审\s*批人?"
                  r"|批\s*准人?|复\s*核人?|打\s*印(人|日期|时间)?|导\s*出(人|日期|时间)?|经\s*办人?|记\s*账人?|出\s*纳"
                  r"|会计主管|财务负责人|单位负责人|负责人|数据来源|填\s*表人?|填\s*报(人|单位|日期)?|notes?|remarks?)\s*[:：]",
                  re.IGNORECASE)
_LABELLED = re.compile(r"^[^：:]{1,12}[：:]\s*\S")  # 单位：元, 期间：2025.01, 制表人：张三
_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?%?$")
_DATE = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?([ T]\d{1,2}:\d{2}(:\d{2})?)?$")

Merged = list[tuple[tuple[int, int], tuple[int, int]]]


def filled(v: Any) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


def is_value(v: Any) -> bool:
    """A number, date or boolean cell, or text that reads as one ("1,234", "¥12.5", "15%", "2025年1月3日")."""
    if isinstance(v, bool | int | float | dt.date | dt.datetime | dt.time):
        return True
    if isinstance(v, str):
        s = v.strip().replace("¥", "").replace("￥", "").replace(" ", "")
        return bool(s) and bool(_NUMBER.match(s) or _DATE.match(s))
    return False


def _text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip()) and not is_value(v)


def is_totals(row: list[Any]) -> bool:
    firsts = [v for v in row if filled(v)][:3]
    return any(isinstance(v, str) and TOTALS.match(v) for v in firsts)


@dataclass
class Found:
    """The table in a grid: 0-based rows; `end` is one past the last data row."""

    row: int
    depth: int
    labels: list[str]
    end: int
    totals: list[int] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)
    confidence: str = "high"
    reasons: list[str] = field(default_factory=list)


def _weights(raw: list[list[Any]]) -> list[int]:
    return [sum(1 for v in row if filled(v)) for row in raw]


def _notes_line(cells: list[Any]) -> bool:
    labelled = sum(1 for v in cells if isinstance(v, str) and (_LABELLED.match(v.strip()) or NOTE.match(v)))
    return labelled * 2 >= len(cells)


def find_header(raw: list[list[Any]]) -> int | None:
    """The 0-based first header row, or None when no row looks like one."""
    weights = _weights(raw[:200])
    width = max(weights, default=0)
    for i, row in enumerate(raw[:MAX_SCAN]):
        cells = [v for v in row if filled(v)]
        if not cells or len(cells) < min(max(2, math.ceil(width / 2)), width):
            continue
        if sum(_text(v) for v in cells) >= 0.6 * len(cells) and not (len(cells) > 1 and _notes_line(cells)):
            return i
    return None


def header_depth(raw: list[list[Any]], merged: Merged, h: int) -> int:
    """1, or 2-3 when the header continues on the lines below (see the module doc)."""
    if h + 1 >= len(raw):
        return 1
    across = any(r0 == h and c1 > c0 for (r0, c0), (_r1, c1) in merged)
    down = max((r1 - r0 + 1 for (r0, _c0), (r1, _c1) in merged if r0 == h and r1 > r0), default=1)
    below = [v for v in raw[h + 1] if filled(v)]
    if any(not _text(v) for v in below):
        return 1
    if across and below:
        return max(2, min(down, 3))
    if down > 1:
        return min(down, 3)
    if merged or not below:
        return 1
    top, nxt = raw[h], raw[h + 1]
    gaps = [c for c in range(1, min(len(top), len(nxt))) if not filled(top[c]) and filled(nxt[c])
            and any(filled(top[k]) for k in range(c))]
    alone = any(filled(top[c]) and (c >= len(nxt) or not filled(nxt[c])) for c in range(len(top)))
    return 2 if gaps and alone else 1


def header_labels(raw: list[list[Any]], merged: Merged, h: int, depth: int, width: int) -> list[str]:
    """One label per column: the header lines' texts joined with a space, merged cells spread over their range."""
    lines = [[raw[r][c] if c < len(raw[r]) else None for c in range(width)] for r in range(h, min(h + depth, len(raw)))]
    for (r0, c0), (r1, c1) in merged:
        for r in range(max(r0, h), min(r1, h + len(lines) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                lines[r - h][c] = raw[r0][c0] if r0 < len(raw) and c0 < len(raw[r0]) else None
    if depth > 1 and not merged:  # CSV: a group name covers the gaps to its right that the next line fills
        for c in range(1, width):
            if not filled(lines[0][c]) and filled(lines[1][c]) and filled(lines[1][c - 1]):
                lines[0][c] = lines[0][c - 1]
    out = []
    for c in range(width):
        parts: list[str] = []
        for line in lines:
            v = line[c]
            text = _show(v).strip() if filled(v) else ""
            if text and text not in parts:
                parts.append(text)
        out.append(" ".join(parts) or f"列{c + 1}")
    return out


def _show(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def row_kind(row: list[Any], width: int) -> str:
    """blank | totals | note | data, for a row below the data."""
    cells = [v for v in row if filled(v)]
    if not cells:
        return "blank"
    if is_totals(row):
        return "totals"
    if all(_text(v) for v in cells):
        if any(NOTE.match(v) for v in cells):
            return "note"
        if len(cells) == 1 and width >= 3 and (len(cells[0]) > 12 or any(ch in cells[0] for ch in "：:。；")):
            return "note"
    return "data"


def split_footer(raw: list[list[Any]], start: int, width: int) -> tuple[int, list[int], list[int]]:
    """(end of the data, totals rows, notes rows) from the bottom of `raw` up to `start` (0-based rows)."""
    end, totals, notes = len(raw), [], []
    while end > start:
        kind = row_kind(raw[end - 1], width)
        if kind == "data":
            break
        if kind == "totals":
            totals.insert(0, end - 1)
        elif kind == "note":
            notes.insert(0, end - 1)
        end -= 1
    return end, totals, notes


def judge(raw: list[list[Any]], merged: Merged, h: int | None, depth: int, labels: list[str],
          end: int) -> tuple[str, list[str]]:
    """("high" | "low", reasons) for a header at `h` (None: none was found) over the data rows up to `end`."""
    reasons = []
    width = len(labels)
    if h is None:
        reasons.append("no_header_found")
        h, depth = 0, 1
    row = raw[h] if h < len(raw) else []
    cells = [v for v in row if filled(v)]
    spans_all = any(r0 == h and c0 == 0 and c1 >= width - 1 for (r0, c0), (_r1, c1) in merged)
    if width > 1 and (len(cells) <= 1 or spans_all):
        reasons.append("header_like_title")
    if any(is_value(v) for v in cells):
        reasons.append("header_has_values")
    if len(set(labels)) < len(labels) or any(not filled(v) for v in row[:width]) and depth == 1:
        reasons.append("header_incomplete")
    body = [r for r in raw[h + depth:end][:200] if any(filled(v) for v in r)]
    mixed = 0
    for c in range(width):
        col = [r[c] for r in body if c < len(r) and filled(r[c])]
        values = sum(is_value(v) for v in col)
        if col and values < len(col) and values * 2 >= len(col):
            mixed += 1
    if width and mixed * 3 >= width:
        reasons.append("mixed_columns")
    return ("low" if reasons else "high"), reasons


def locate(raw: list[list[Any]], merged: Merged, width: int, header_row: int | None = None) -> Found:
    """Find the table in `raw` (header_row: the user's 0-based choice, or None to detect)."""
    h = find_header(raw) if header_row is None else header_row
    start = 0 if h is None else h
    depth = header_depth(raw, merged, start) if h is not None else 1
    labels = header_labels(raw, merged, start, depth, width)
    end, totals, notes = split_footer(raw, start + depth, width)
    confidence, reasons = judge(raw, merged, h, depth, labels, end)
    return Found(start, depth, labels, end, totals, notes, confidence, reasons)
