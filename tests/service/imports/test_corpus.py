"""The header-detection corpus: 23 ERP / finance / MES / CRM exports (12 .xlsx, 3 .xls, 8 CSV/TXT in UTF-8,
UTF-8 with BOM, GBK and GB18030) in tests/data/imports/corpus, each previewed as a user's upload would be
and compared with its expected table (<file>.expected.json: header row, column labels and types, data-row
count, 合计 rows and notes rows left out, sample cells). make_corpus.py there says what each file is.

Score before the header-detection work (main at 803286c, 2026-12-07): 5 of 23 files read exactly right
(csv_two_titles_gbk.csv, xlsx_crm_blank_leading.xlsx, xlsx_inventory_notes.xlsx, xlsx_purchase_plain.xlsx,
xlsx_two_titles.xlsx: no merged cells, nothing below the data). Every file must be read exactly
right now; test_score prints the score.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from shuzhi.service import imports as imp
from shuzhi.sources.files import normalize_encoding

CORPUS = Path(__file__).resolve().parents[2] / "data" / "imports" / "corpus"
CASES = sorted(p.name.removesuffix(".expected.json") for p in CORPUS.glob("*.expected.json"))


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Previews need only a home for their scratch folder (no catalog, no warehouse)."""
    return SimpleNamespace(settings=SimpleNamespace(home=tmp_path_factory.mktemp("corpus-home")))


def _norm(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str) and len(v) >= 19 and v[10] == "T" and v[:4].isdigit():
        return v.replace("T", " ", 1)  # a timestamp as the Excel path's JSON values write it
    return v


def _same(got: Any, want: Any) -> bool:
    got = _norm(got)
    if isinstance(want, int | float) and isinstance(got, int | float) and not isinstance(got, bool):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    return got == want


def differences(rt: Any, name: str) -> list[str]:
    """What the preview of corpus file `name` gets wrong against its expected table (empty: exactly right)."""
    want = json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    try:
        p = imp.preview(rt, CORPUS / name, name, imp.ImportOptions(sheet=want["sheet"]))
    except Exception as exc:  # noqa: BLE001 - a failure to read is a difference like any other
        return [f"preview failed: {exc}"]
    out = []
    labels = [c["label"] for c in p["columns"]]
    types = [c["type"] for c in p["columns"]]
    for key, got in (("header_row", p["header_row"]), ("labels", labels), ("types", types),
                     ("data_rows", p["data_rows"]), ("totals_rows", p["totals_rows"]),
                     ("footer_rows", p.get("footer_rows", []))):
        if got != want[key]:
            out.append(f"{key}: {got!r} != {want[key]!r}")
    if p["encoding"] is not None and normalize_encoding(p["encoding"]) != normalize_encoding(want["encoding"]):
        out.append(f"encoding: {p['encoding']} != {want['encoding']}")
    for i, label, value in want["cells"]:
        if label not in labels:
            out.append(f"cell [{i}, {label}]: no such column")
            continue
        got = p["rows"][i][labels.index(label)] if i < len(p["rows"]) else "<no row>"
        if not _same(got, value):
            out.append(f"cell [{i}, {label}]: {_norm(got)!r} != {value!r}")
    return out


def test_the_corpus_is_large_enough() -> None:
    suffixes = [Path(n).suffix for n in CASES]
    assert len(CASES) >= 20 and suffixes.count(".xlsx") >= 8 and suffixes.count(".xls") >= 3
    assert suffixes.count(".csv") + suffixes.count(".txt") >= 6


@pytest.mark.parametrize("name", CASES)
def test_file_is_read_as_expected(rt: Any, name: str) -> None:
    diff = differences(rt, name)
    assert not diff, f"{name}:\n  " + "\n  ".join(diff)


def test_score(rt: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """How many files are read exactly right (printed; the per-file tests above say which are not)."""
    right = [n for n in CASES if not differences(rt, n)]
    with capsys.disabled():
        print(f"\nheader-detection corpus: {len(right)} of {len(CASES)} files read exactly right")
    assert right
