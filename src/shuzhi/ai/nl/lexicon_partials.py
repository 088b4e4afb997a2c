"""The lexicon's partial terms and its longest-match scan (used by lexicon.py).
- `add_partials`: the trailing words of Chinese metric and dimension words, cut where jieba's general
  dictionary cuts them (项目成功率 → 成功率; 研发层级 → 层级), never a generic word (金额, 名称, 占比 …), a function
  word, a cue word or a full term;
- `longest`: left to right, the longest term of a table at each free position (`Lexicon.scan`, `scan_partial`).
Invariant: a partial word only adds entries to `lex.partial` (read only where no full term matched); the scan
never returns a span with a taken character.
"""

from __future__ import annotations

from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.lexicon_normal import ASCII_WORD as _ASCII_WORD
from shuzhi.ai.nl.lexicon_normal import normalize
from shuzhi.ai.nl.types import Entry

# Trailing words too generic to stand for one metric or dimension on their own.
_GENERIC = {"金额", "数量", "日期", "时间", "编号", "编码", "名称", "比例", "占比", "总额", "数额", "情况", "指标",
            "比率", "成本金额", "人数", "次数", "个数", "件数", "笔数", "单价"}


def _is_cue(word: str) -> bool:
    return any(p.fullmatch(word) for p in (C.SHARE, C.YOY, C.POP, C.GROWTH, C.RANK, C.CUMUL, C.TOTAL, C.COUNT))


def add_partials(lex: Any, tok: Any) -> None:
    """Trailing words of Chinese metric and dimension words, cut where jieba's general dictionary
    cuts them (项目成功率 → 成功率; 研发层级 → 层级), except generic words (金额, 名称, 占比 …)."""
    words: list[tuple[str, Entry]] = []
    for name, m in lex.index.metrics.items():
        if not m.hidden:
            words += [(w, Entry("metric", name, exact=False)) for w in [m.label, *m.synonyms]]
    for (ds, f), fd in lex.index.fields.items():
        if fd.dimension and not fd.is_time:
            words += [(w, Entry("dim", (ds, f), exact=False)) for w in [fd.label, *fd.synonyms]]
    for word, entry in words:
        w = normalize(word or "")
        if len(w) < 3 or _ASCII_WORD.search(w):
            continue
        cuts, pos = [], 0
        for piece in tok.lcut(w, HMM=False)[:-1]:
            pos += len(piece)
            cuts.append(pos)
        for c in cuts:
            suf = w[c:]
            if len(suf) < 2 or suf in lex.terms or suf in C.STOP or suf in _GENERIC or _is_cue(suf):
                continue
            lst = lex.partial.setdefault(suf, [])
            if entry not in lst:
                lst.append(entry)



def longest(text: str, taken: list[bool], table: dict[str, list[Entry]], max_len: int, min_len: int,
             ok: Any = None) -> list[tuple[int, int, str, list[Entry]]]:
    """Left to right, the longest term of `table` (min_len..max_len characters, none of them taken,
    accepted by ok(term, start, end)) at each free non-space position: (start, end, term, entries)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        found = None
        if not taken[i] and text[i] != " ":
            for j in range(min(n, i + max_len), i + min_len - 1, -1):
                t = text[i:j]
                if t in table and not any(taken[i:j]) and (ok is None or ok(t, i, j)):
                    found = (i, j, t, table[t])
                    break
        if found:
            out.append(found)
            i = found[1]
        else:
            i += 1
    return out
