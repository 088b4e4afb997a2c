"""The parser's vocabulary, built once from a ModelIndex and the distinct values of its dimensions.

Terms are normalised (NFKC, lower case) surface strings mapped to entries:
- ("metric", name): a visible metric's name, label, English label and synonyms; a hidden metric
  only by its exact name or label;
- ("dim", (dataset, field)): a dimension field's name, labels and synonyms (several fields may
  share a word, e.g. 产品线; the parser picks one the metric can reach);
- ("value", (dataset, field, value)): a distinct value, its short forms (江苏 → 江苏省, 华东区 → 华东)
  and glossary aliases (servo motors → 伺服电机).
A jieba tokenizer with every Chinese term as a user word segments what the scanner did not match.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import jieba

from shuzhi.ai.nl.glossary import (
    ADMIN_SUFFIXES,
    COMPANY_SUFFIXES,
    METRIC_ALIASES,
    PROVINCES_EN,
    REGION_SUFFIXES,
    VALUE_ALIASES,
)
from shuzhi.model.checks import metric_closure
from shuzhi.model.index import ModelIndex

jieba.setLogLevel(logging.WARNING)

MAX_DISTINCT = 5000
GROUP_PREFIXES = ("各", "按", "分", "每个", "每")
WHICH_PREFIXES = ("哪个", "哪些")
MAX_VALUE_LEN = 40
_ASCII_WORD = re.compile(r"[a-z0-9]")


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, one space between words."""
    t = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", t).strip()


@dataclass(frozen=True)
class Entry:
    kind: str          # metric | dim | value
    key: Any           # metric name | (dataset, field) | (dataset, field, value)
    exact: bool = True  # False for short forms and aliases


@dataclass
class Lexicon:
    index: ModelIndex
    terms: dict[str, list[Entry]] = field(default_factory=dict)
    max_len: int = 1
    tokenizer: Any = None
    hierarchy_rank: dict[tuple[str, str], int] = field(default_factory=dict)
    shared_of: dict[tuple[str, str], str] = field(default_factory=dict)
    _reach: dict[str, frozenset[str]] = field(default_factory=dict)

    # -- construction --------------------------------------------------------------------
    @classmethod
    def build(cls, index: ModelIndex, values: dict[tuple[str, str], list[Any]] | None = None,
              aliases: dict[str, list[str]] | None = None) -> Lexicon:
        lex = cls(index)
        for name, m in index.metrics.items():
            words = [name, m.label, m.label_en] + ([] if m.hidden else list(m.synonyms))
            for w in words:
                lex._add(w, Entry("metric", name, exact=not m.hidden))
        for (ds, f), fd in index.fields.items():
            if not fd.dimension or fd.is_time:
                continue
            for w in [f if "_" in f else "", fd.label, fd.label_en, *fd.synonyms]:
                lex._add(w, Entry("dim", (ds, f)))
                if w and len(w) == 1 and not _ASCII_WORD.search(w):  # 省 → 各省 / 按省 / 每个省 / 哪个省
                    for g in GROUP_PREFIXES + WHICH_PREFIXES:
                        lex._add(g + w, Entry("dim", (ds, f)))
        for sd in getattr(index.model, "shared_dimensions", []):
            for w in [sd.name, sd.label, sd.label_en, *sd.synonyms]:
                lex._add(w, Entry("dim", ("", sd.name)))
            for ds, f in getattr(index, "shared", {}).get(sd.name, []):
                lex.shared_of[(ds, f)] = sd.name
        for h in index.model.hierarchies:
            for i, lvl in enumerate(h.levels):
                key = tuple(lvl.split(".", 1)) if isinstance(lvl, str) else (lvl.dataset, lvl.field)
                lex.hierarchy_rank[key] = i  # type: ignore[index]
        glossary = dict(VALUE_ALIASES)
        for k, v in (aliases or {}).items():
            glossary[k] = [*glossary.get(k, []), *v]
        for (ds, f), vals in (values or {}).items():
            for v in vals:
                lex._add_value(ds, f, v, glossary)
        for word, metric in METRIC_ALIASES.items():
            m = index.metrics.get(metric)
            if m is not None and not m.hidden and normalize(word) not in lex.terms:
                lex._add(word, Entry("metric", metric, exact=False))
        lex.max_len = max((len(t) for t in lex.terms), default=1)
        lex._init_tokenizer()
        return lex

    @classmethod
    def from_warehouse(cls, index: ModelIndex, con: Any, *, max_distinct: int = MAX_DISTINCT,
                       aliases: dict[str, list[str]] | None = None) -> Lexicon:
        """Read the DISTINCT values of every string dimension with ≤ max_distinct values through a
        DB-API/duckdb connection. SQL is built with sqlglot from model identifiers only."""
        import sqlglot
        from sqlglot import exp

        values: dict[tuple[str, str], list[Any]] = {}
        for (ds, f), fd in index.fields.items():
            if not fd.dimension or fd.type != "string":
                continue
            d = index.datasets[ds]
            if d.sql:
                source: exp.Expression = sqlglot.parse_one(d.sql, read="duckdb").subquery("t")
            else:
                source = exp.to_table(d.table or ds)
            col = exp.column(fd.column if getattr(fd, "column", None) else f, quoted=True)
            q = (exp.select(col).distinct().from_(source).where(exp.Not(this=exp.Is(this=col, expression=exp.Null())))
                 .limit(max_distinct + 1))
            try:
                rows = con.execute(q.sql(dialect="duckdb")).fetchall()
            except Exception:  # noqa: BLE001 - a column missing in this warehouse: no values for it
                continue
            if len(rows) <= max_distinct:
                values[(ds, f)] = [r[0] for r in rows]
        return cls.build(index, values, aliases)

    def _add(self, word: str | None, entry: Entry) -> None:
        if not word:
            return
        w = normalize(word)
        cjk = not _ASCII_WORD.search(w)
        if len(w) < 2 or (cjk and len(w) < 2):
            return
        forms = {w}
        if entry.kind != "value" and not cjk and re.fullmatch(r"[a-z &\-]+", w) and len(w) > 3:
            forms.add(w[:-1] + "ies" if w.endswith("y") else w + ("es" if w.endswith(("s", "x")) else "s"))
        for form in forms:
            lst = self.terms.setdefault(form, [])
            if entry not in lst:
                lst.append(entry)

    def _add_value(self, ds: str, f: str, v: Any, glossary: dict[str, list[str]]) -> None:
        if not isinstance(v, str) or not (2 <= len(v) <= MAX_VALUE_LEN) or v.strip().isdigit():
            return
        key = (ds, f, v)
        self._add(v, Entry("value", key))
        shorts: list[str] = []
        for suf in ADMIN_SUFFIXES:
            if v.endswith(suf) and len(v) - len(suf) >= 2 and f in ("province", "city", "state"):
                shorts.append(v[: -len(suf)])
                break
        for suf in COMPANY_SUFFIXES:
            if v.endswith(suf) and len(v) - len(suf) >= 4:
                shorts.append(v[: -len(suf)])
                break
        if f in ("region", "area", "sales_region"):
            shorts += [v + s for s in REGION_SUFFIXES]
        shorts += glossary.get(v, [])
        for s in list(shorts):
            if s in PROVINCES_EN:
                shorts.append(PROVINCES_EN[s])
        for s in shorts:
            self._add(s, Entry("value", key, exact=False))

    def _init_tokenizer(self) -> None:
        tok = jieba.Tokenizer()
        tok.initialize()
        for t in self.terms:
            if not _ASCII_WORD.search(t):
                tok.add_word(t, freq=2_000_000)
        for w in _EXTRA_WORDS:
            tok.add_word(w, freq=2_000_000)
        self.tokenizer = tok

    # -- lookups -------------------------------------------------------------------------
    def scan(self, text: str, taken: list[bool]) -> list[tuple[int, int, str, list[Entry]]]:
        """Longest dictionary terms at each free position, left to right: (start, end, term, entries).
        ASCII terms must sit on word boundaries."""
        out = []
        i, n = 0, len(text)
        while i < n:
            if taken[i] or text[i] == " ":
                i += 1
                continue
            found = None
            for j in range(min(n, i + self.max_len), i, -1):
                t = text[i:j]
                if t in self.terms and not any(taken[i:j]) and self._bounded(text, i, j):
                    found = (i, j, t, self.terms[t])
                    break
            if found:
                out.append(found)
                i = found[1]
            else:
                i += 1
        return out

    @staticmethod
    def _bounded(text: str, i: int, j: int) -> bool:
        def ascii_word(c: str) -> bool:
            return c.isascii() and c.isalnum()
        if ascii_word(text[i]) and i > 0 and ascii_word(text[i - 1]):
            return False
        return not (ascii_word(text[j - 1]) and j < len(text) and ascii_word(text[j]))

    def metric_datasets(self, metric: str) -> list[str]:
        out = []
        for m in metric_closure(self.index, metric):
            ds = self.index.metrics[m].dataset
            if ds and ds not in out:
                out.append(ds)
        return out

    def reachable(self, metric: str) -> frozenset[str]:
        """Datasets every input of `metric` reaches without fan-out (where its dimensions may live)."""
        if metric not in self._reach:
            sets = []
            for ds in self.metric_datasets(metric):
                seen, queue = {ds}, deque([ds])
                while queue:
                    node = queue.popleft()
                    for step in self.index.edges.get(node, []):
                        if not step.fans_out and step.right not in seen:
                            seen.add(step.right)
                            queue.append(step.right)
                sets.append(seen)
            self._reach[metric] = frozenset(set.intersection(*sets)) if sets else frozenset()
        return self._reach[metric]

    def shared_fits(self, name: str, metrics: list[str]) -> bool:
        """Every fact of every metric reaches a member of shared dimension `name`."""
        member = getattr(self.index, "shared_member", None)
        return bool(metrics) and member is not None and all(
            member(name, fact) is not None for m in metrics for fact in self.metric_datasets(m))

    def field_label(self, ds: str, f: str, en: bool = False) -> str:
        if not ds:
            sd = next((x for x in self.index.model.shared_dimensions if x.name == f), None)
            return ((sd.label_en if en else sd.label) or f) if sd else f
        fd = self.index.fields[(ds, f)]
        return (fd.label_en if en else fd.label) or f

    def metric_label(self, name: str, en: bool = False) -> str:
        m = self.index.metrics[name]
        return (m.label_en if en else m.label) or name

    def visible_metric_labels(self) -> dict[str, str]:
        out = {}
        for name, m in self.index.metrics.items():
            if not m.hidden:
                for w in [m.label, m.label_en, *m.synonyms]:
                    if w:
                        out[normalize(w)] = name
        return out


# Function words the tokenizer should keep whole (so they are recognised as noise, not unknown).
_EXTRA_WORDS = ["多少", "哪些", "哪个", "哪家", "是多少", "情况", "怎么样", "看一下", "看看", "分别", "一共", "总共",
                "合计", "前五", "前十", "排名", "占比", "同比", "环比", "累计"]
