"""--skip-bad-rows keeps every good row and rejects exactly the bad ones, each with its true line and text.

The files are generated: ids 1..N (one row per id), with bad rows at known ids — an unterminated
quote (which, read naively, swallows the rows after it), an over-long row, too few and too many
columns, a value that does not convert — and good rows whose quoted fields span lines. Line numbers
are physical lines of the file, 1-based, the header being line 1.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import cli_zygote
from shuzhi.errors import ShuzhiError
from shuzhi.service.imports import ImportOptions, run_import_inline

TYPES = [{"type": "BIGINT"}, {"type": "VARCHAR"}, {"type": "DOUBLE"}]
LONG = 2_100_000  # over the 2,000,000-byte record limit


@dataclass
class Generated:
    path: Path
    n: int
    bad: dict[int, tuple[int, str, str]] = field(default_factory=dict)  # id -> (line, error type, text)
    multiline: dict[int, str] = field(default_factory=dict)  # id -> the name spanning lines


def generate(path: Path, n: int, *, quote: set[int] = frozenset(), long: set[int] = frozenset(),  # type: ignore[assignment]
             newline: set[int] = frozenset(), few: set[int] = frozenset(), many: set[int] = frozenset(),  # type: ignore[assignment]
             cast: set[int] = frozenset(), eol: str = "\n") -> Generated:  # type: ignore[assignment]
    g = Generated(path, n)
    line = 1
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,name,amount" + eol)
        for i in range(1, n + 1):
            line += 1
            if i in quote:
                row, kind = f'{i},"broken quote,{i}.5', "UNQUOTED VALUE"
            elif i in long:
                row, kind = f"{i},{'x' * LONG},{i}.5", "LINE SIZE OVER MAXIMUM"
            elif i in few:
                row, kind = f"{i},only two", "MISSING COLUMNS"
            elif i in many:
                row, kind = f"{i},a,1.5,extra", "TOO MANY COLUMNS"
            elif i in cast:
                row, kind = f"{i},name {i},not a number", "CAST"
            elif i in newline:
                name = f'multi{eol}line, "quoted" {i}{eol}end'
                g.multiline[i] = name
                f.write(f'{i},"{name.replace(chr(34), chr(34) * 2)}",{i}.5{eol}')
                line += 2
                continue
            else:
                f.write(f"{i},name {i},{i}.5{eol}")
                continue
            f.write(row + eol)
            g.bad[i] = (line, kind, row)
    return g


def _import(rt, g: Generated, **kw):  # type: ignore[no-untyped-def]
    return run_import_inline(rt, g.path, g.path.name, ImportOptions(table="t", columns=TYPES, **kw), user="admin")


def _check(rt, g: Generated, r: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    good = g.n - len(g.bad)
    assert (r["rows"], r["rejected"]) == (good, len(g.bad))
    with rt.warehouse().cursor() as cur:
        assert cur.execute("SELECT count(*), count(DISTINCT id) FROM t").fetchone() == (good, good)
        missing = [x[0] for x in cur.execute(
            "SELECT i FROM range(1, ? + 1) r(i) ANTI JOIN t ON t.id = r.i ORDER BY i", [g.n]).fetchall()]
        assert missing == sorted(g.bad)
        assert cur.execute("SELECT count(*) FROM t WHERE amount IS DISTINCT FROM id + 0.5 "
                           "OR (name IS DISTINCT FROM 'name ' || id AND name NOT LIKE 'multi%')").fetchone()[0] == 0
        for i, name in g.multiline.items():
            assert cur.execute("SELECT name FROM t WHERE id = ?", [i]).fetchone()[0] == name
        rows = cur.execute("SELECT line, error_type, text FROM t__rejects ORDER BY line").fetchall()
    assert rows == [g.bad[i] for i in sorted(g.bad)]
    assert [(x["line"], x["error"]) for x in r["rejects"]] == [g.bad[i][:2] for i in sorted(g.bad)][:20]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_exactly_the_bad_rows_are_rejected_with_their_lines(rt, tmp_path: Path, eol: str) -> None:  # type: ignore[no-untyped-def]
    # The unterminated quote at 2,000 comes before a quoted field that spans lines (3,000): a reader
    # that trusts the quote reads 2,000..3,000 as one value.
    g = generate(tmp_path / "bad.csv", 6000, quote={2000}, long={4500}, newline={10, 3000, 5999},
                 few={1200}, many={700}, cast={3500}, eol=eol)
    with pytest.raises(ShuzhiError) as e:
        _import(rt, g)
    assert e.value.code == "import_bad_rows"
    assert [x["line"] for x in e.value.details["rejects"]] == [g.bad[i][0] for i in sorted(g.bad)]
    assert "t" not in rt.warehouse().tables()
    _check(rt, g, _import(rt, g, skip_bad_rows=True))


def test_an_unterminated_quote_at_the_end_and_a_clean_file(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    g = generate(tmp_path / "end.csv", 300, quote={299}, newline={5})
    _check(rt, g, _import(rt, g, skip_bad_rows=True))
    clean = generate(tmp_path / "clean.csv", 300, newline={5, 150})
    r = _import(rt, clean)
    assert (r["rows"], r["rejected"], r["rejects_table"]) == (300, 0, None)


@pytest.mark.slow  # a CLI process start (migrations on a fresh home) takes seconds on a busy machine
def test_the_cli_reports_true_lines(tmp_path: Path) -> None:
    g = generate(tmp_path / "cli.csv", 500, quote={100}, newline={50}, many={400})
    env = {**os.environ, "SHUZHI_LANG": "en", "SHUZHI_ADMIN_PASSWORD": "Test-Passw0rd!",
           "SHUZHI_HOME": str(tmp_path / "home")}
    r = cli_zygote.run(["import", str(g.path), "--table", "t", "--type", "id=BIGINT", "--skip-bad-rows"],
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "498" in r.stdout + r.stderr and "Traceback" not in r.stderr
    for i in (100, 400):
        assert str(g.bad[i][0]) in r.stderr


@pytest.mark.slow
def test_a_million_rows_with_bad_rows_lose_nothing(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    g = generate(tmp_path / "big.csv", 1_000_000, quote={500_000}, long={750_000}, newline={10, 333_333, 600_000},
                 few={200_000}, many={142_857}, cast={900_000})
    _check(rt, g, _import(rt, g, skip_bad_rows=True))


def test_odd_lines_are_rejected_alone(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [f"{i},name {i},{i}.5" for i in range(1, 41)]
    rows[4] = "5,na\rme,5.5"  # a carriage return inside an unquoted value
    rows[9] = '10,"a"b,10.5'  # text after a closing quote
    rows[14] = "   "  # blanks only
    rows[19] = '20,"say ""hi"", ok",20.5'  # good: doubled quotes and a delimiter inside quotes
    rows[24] = '25, "padded" ,25.5'  # good: blanks around a quoted value
    path = tmp_path / "odd.csv"
    path.write_bytes(("id,name,amount\n" + "\n".join(rows) + "\n").encode())
    r = run_import_inline(rt, path, path.name, ImportOptions(table="t", columns=TYPES, skip_bad_rows=True),
                          user="admin")
    assert (r["rows"], [(x["line"], x["error"]) for x in r["rejects"]]) == (
        37, [(6, "UNQUOTED VALUE"), (11, "UNQUOTED VALUE"), (16, "MISSING COLUMNS")])
    assert [x["text"] for x in r["rejects"]] == ["5,na\rme,5.5", '10,"a"b,10.5', "   "]
    with rt.warehouse().cursor() as cur:
        assert cur.execute("SELECT name FROM t WHERE id IN (20, 25) ORDER BY id").fetchall() == [
            ('say "hi", ok',), ("padded",)]
