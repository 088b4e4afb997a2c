"""The parser's vocabulary, built once from a ModelIndex and the distinct values of its dimensions
(got through a callable: `Lexicon.from_queries`; the lexicon runs no SQL).

Terms are normalised (NFKC, lower case) surface strings mapped to entries:
- ("metric", name): a visible metric's name, label, English label and synonyms, and (not exact, when
  free) its everyday words from the model (销售, 出了多少货); a hidden one by its own words, never exact;
- ("dim", (dataset, field)): a dimension field's name, labels and synonyms (several fields may
  share a word, e.g. 产品线; the parser picks one the metric can reach);
- ("value", (dataset, field, value)): a distinct value, its short forms (江苏 → 江苏省, 华东区 → 华东)
  and glossary aliases (servo motors → 伺服电机).
- ("dataset", name): a dataset's own word (研发项目, 专利, patents) when no field or metric has it: it
  names the thing counted or qualified and is used as context (专利领域 → patents.tech_field);
- partial terms (`partial`): the trailing words of a metric's or dimension's Chinese label or synonym
  (研发层级 → 层级, 项目成功率 → 成功率), scanned only where no full term matched and resolved by what
  else the question asks (the metric's dataset wins);
- typo repair (`correct`): one wrong character in a Chinese label of three or more characters, one
  wrong letter in an English word of five or more, when exactly one vocabulary word is that close.
A jieba tokenizer with every Chinese term as a user word segments what the scanner did not match.
Traditional characters are read as simplified ones (`hant.py`).
The words learned from measures, verbs and statuses are built in lexicon_measures.py, the partial terms and the
longest-match scan in lexicon_partials.py, `normalize` in lexicon_normal.py (importable from here); the
Lexicon's attributes stay declared here only (service/ask_lexicon.py pickles them).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shuzhi.ai.nl.glossary import BOOLEAN_ALIASES, BOOLEAN_BOTH, VALUE_ALIASES, short_forms
from shuzhi.ai.nl.lexicon_measures import add_count_stems, add_dataset_words, add_measures, add_status_verbs
from shuzhi.ai.nl.lexicon_normal import ASCII_WORD as _ASCII_WORD
from shuzhi.ai.nl.lexicon_normal import normalize
from shuzhi.ai.nl.lexicon_partials import add_partials, longest
from shuzhi.ai.nl.measures import Measure
from shuzhi.ai.nl.tokenizer import new_tokenizer
from shuzhi.ai.nl.types import Entry
from shuzhi.ai.nl.typos import fuzzy_index, repair
from shuzhi.model.checks import metric_closure
from shuzhi.model.index import ModelIndex

# fetch_values(dataset, field, limit) → distinct non-null values (at most limit), or None: see Lexicon.from_queries
FetchValues = Callable[[str, str, int], Sequence[Any] | None]

MAX_DISTINCT = 5000
GROUP_PREFIXES = ("各", "按", "分", "每个", "每")
COUNT_PREFIXES = ("个", "几个", "两个", "条", "几条", "家", "几家")  # 两个厂 / 三条线: a count word before a one-character dimension
WHICH_PREFIXES = ("哪个", "哪些", "哪条", "哪家")
# 最高的省 / 超过500万的省: 的 + a one-character dimension word, only at the end of the question (or before 有哪些 …)
_OF_PREFIX = "的"
_TAIL_AFTER = re.compile(r"\s*(?:$|[?？,，。!！]|有|是|排|吗|呢|都)")
# A person word (销售员, 销售代表, 销售人员) names the person by its stem (销售) after 各/每个/哪个/每位 …
_PERSON = re.compile(r"([\u4e00-\u9fff]{2})(?:员|代表|人员)")
_PERSON_PREFIXES = ("每位", "各位", "哪位", "各个")
MAX_VALUE_LEN = 40
# a status value 已 + verb (已取消, 已发货, 已授权): also said 被取消, 取消了, 已经取消
_DONE = re.compile(r"已([\u4e00-\u9fff]{2})")
# a value saying something is absent (无缺陷): 有缺陷 / 发现缺陷 means any other value
_ABSENT = re.compile(r"无([\u4e00-\u9fff]{2,4})")


@dataclass
class Lexicon:
    index: ModelIndex
    terms: dict[str, list[Entry]] = field(default_factory=dict)
    max_len: int = 1
    tokenizer: Any = None
    hierarchy_rank: dict[tuple[str, str], int] = field(default_factory=dict)
    shared_of: dict[tuple[str, str], str] = field(default_factory=dict)
    _reach: dict[str, frozenset[str]] = field(default_factory=dict)
    partial: dict[str, list[Entry]] = field(default_factory=dict)
    entity_of: dict[str, str] = field(default_factory=dict)      # 客户 / customers → dataset
    both_sides: set[str] = field(default_factory=set)            # 国内外: both sides of a yes/no field → group by it
    prefixed: dict[str, int] = field(default_factory=dict)       # 各省, 哪个仓, 各销售: prefix + short word → its length
    tail_only: set[str] = field(default_factory=set)             # 的省: only at the end of the question
    person_fields: list[tuple[str, str]] = field(default_factory=list)  # 谁 / who: 销售代表, 商机负责人
    _fuzzy: dict[str, set[str]] = field(default_factory=dict)    # 销?额 → {销售额}
    _ascii_vocab: set[str] = field(default_factory=set)
    _words: set[str] = field(default_factory=set)
    model_index: Any = None                                      # the model's own index (`index` adds the measures)
    measures: dict[str, Measure] = field(default_factory=dict)   # ad-hoc aggregates by name (measures.py)
    things: dict[str, str] = field(default_factory=dict)         # 供应商 / deals → the count measure of the thing
    qualifier: dict[str, tuple[str, list[dict[str, Any]]]] = field(default_factory=dict)  # 在途 → (dataset, where)
    person_stems: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # 销售 → [(sales_orders, sales_rep)]
    verb_metrics: dict[str, list[str]] = field(default_factory=dict)  # buy → [revenue, purchase_amount] (glossary VERBS)
    verb_of: dict[str, str] = field(default_factory=dict)  # 买了 / bought → buy
    value_count: dict[tuple[str, str], str] = field(default_factory=dict)  # (warehouse field) → its distinct count
    date_verb: dict[str, tuple[str, str]] = field(default_factory=dict)  # 开工 → (production_orders, start_date)
    _status_verbs: list[tuple[str, tuple[str, str, str]]] = field(default_factory=list)  # (取消, 已取消's key)
    field_of: dict[str, tuple[str, str]] = field(default_factory=dict)  # planned_qty → the field it sums, unfiltered
    qty_verbs: dict[str, str] = field(default_factory=dict)  # 报废 / 送检 → the metric or measure of 报废数量 / 送检数量
    tech_fields: list[str] | None = None  # the values of tech_field dimensions, read once by ai/nl/innovation.py

    # -- construction --------------------------------------------------------------------
    @classmethod
    def build(cls, index: ModelIndex, values: dict[tuple[str, str], list[Any]] | None = None,
              aliases: dict[str, list[str]] | None = None) -> Lexicon:
        lex = cls(index)
        for name, m in index.metrics.items():
            # a hidden building block by its name, label and the model's synonyms for it (计划数 → planned_qty),
            # never exact: it is read as a metric of its own or inside a ratio (良品数占计划数的比例)
            words = [name, m.label, m.label_en, *m.synonyms]
            for w in words:
                lex._add(w, Entry("metric", name, exact=not m.hidden))
        for (ds, f), fd in index.fields.items():
            if not fd.dimension or fd.is_time:
                continue
            for w in [f if "_" in f else "", fd.label, fd.label_en, *fd.synonyms]:
                lex._add(w, Entry("dim", (ds, f)))
                if w and len(w) == 1 and not _ASCII_WORD.search(w):  # 省 → 各省 / 按省 / 每个省 / 哪个省
                    for g in GROUP_PREFIXES + WHICH_PREFIXES + COUNT_PREFIXES:
                        lex._add(g + w, Entry("dim", (ds, f)))
                        lex.prefixed[g + w] = 1
                    lex._add(_OF_PREFIX + w, Entry("dim", (ds, f)))
                    lex.prefixed[_OF_PREFIX + w] = 1
                    lex.tail_only.add(_OF_PREFIX + normalize(w))
                if w and (_PERSON.fullmatch(normalize(w)) or normalize(w).endswith("负责人")) \
                        and (ds, f) not in lex.person_fields:
                    lex.person_fields.append((ds, f))
                person = _PERSON.fullmatch(normalize(w or ""))
                if person:  # 销售员 → 各销售 / 每个销售 / 哪个销售: the person, only after a group or which word
                    lex.person_stems.setdefault(person.group(1), [])
                    if (ds, f) not in lex.person_stems[person.group(1)]:
                        lex.person_stems[person.group(1)].append((ds, f))
                    for g in GROUP_PREFIXES + WHICH_PREFIXES + _PERSON_PREFIXES:
                        lex._add(g + person.group(1), Entry("dim", (ds, f)))
                        lex.prefixed[g + person.group(1)] = len(person.group(1))
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
        for (ds, f), fd in index.fields.items():  # 进口 → is_domestic = false (words the model lacks)
            if fd.dimension and fd.type == "boolean":
                for v, words in BOOLEAN_ALIASES.get(f, {}).items():
                    for w in words:
                        if not any(e.kind == "dim" and e.key == (ds, f) for e in lex.terms.get(normalize(w), [])):
                            lex._add(w, Entry("value", (ds, f, v), exact=False))
                for w in BOOLEAN_BOTH.get(f, []):
                    lex._add(w, Entry("dim", (ds, f)))
                    lex.both_sides.add(normalize(w))
        for name, m in index.metrics.items():  # the model's everyday words (销售 → revenue), when free
            for word in [] if m.hidden else m.everyday_words:
                if normalize(word) not in lex.terms:
                    lex._add(word, Entry("metric", name, exact=False))
        add_count_stems(lex)
        add_dataset_words(lex)
        add_measures(lex)
        add_status_verbs(lex)
        lex.max_len = max((len(t) for t in lex.terms), default=1)
        lex._init_tokenizer()
        return lex

    @classmethod
    def from_queries(cls, index: ModelIndex, fetch_values: FetchValues, *, max_distinct: int = MAX_DISTINCT,
                     aliases: dict[str, list[str]] | None = None) -> Lexicon:
        """Build with the distinct values of every string dimension, got through `fetch_values(dataset,
        field, limit)`: the field's distinct non-null values, at most `limit` (the lexicon asks for one
        more than `max_distinct` and keeps none of a field that has more), or None when it has none to
        give (a column missing in this warehouse, a field the user may not see); an error it raises
        stops the build. The lexicon runs no SQL itself: the caller's fetcher runs a QuerySpec per field
        through the application's executor, with the user's row and column rules (service/ask.py)."""
        values: dict[tuple[str, str], list[Any]] = {}
        for (ds, f), fd in index.fields.items():
            if not fd.dimension or fd.type != "string":
                continue
            rows = fetch_values(ds, f, max_distinct + 1)
            if rows is not None and len(rows) <= max_distinct:
                values[(ds, f)] = list(rows)
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
        for s in short_forms(f, v, glossary):
            self._add(s, Entry("value", key, exact=False))
        done = _DONE.fullmatch(v)
        if done:  # 已取消 → 被取消 / 取消了 / 已经取消 (added last, where free: `_add_status_verbs`)
            self._status_verbs.append((done.group(1), key))
        absent = _ABSENT.fullmatch(v)
        if absent:  # 无缺陷 → 有缺陷 / 发现缺陷: every other value (added last, where free)
            self._status_verbs.append(("!" + absent.group(1), key))

    def _init_tokenizer(self) -> None:
        tok = new_tokenizer()  # jieba's dictionary is shared by every lexicon of the process (tokenizer.py)
        add_partials(self, tok)
        self._init_fuzzy()
        for t in list(self.terms) + list(self.partial):
            if not _ASCII_WORD.search(t):
                tok.add_word(t, freq=2_000_000)
        for w in _EXTRA_WORDS:
            tok.add_word(w, freq=2_000_000)
        self.tokenizer = tok

    def _init_fuzzy(self) -> None:
        self._fuzzy, self._ascii_vocab = fuzzy_index(self.terms)

    def correct(self, text: str, free: list[bool], soft: list[tuple[int, int]] = ()  # type: ignore[assignment]
                ) -> tuple[str, str, str] | None:
        """The question with one typo repaired, or None (`typos.repair`): (repaired text, typed word, word read)."""
        return repair(text, free, soft, self._fuzzy, self._ascii_vocab, self.tokenizer)

    # -- lookups -------------------------------------------------------------------------
    def scan(self, text: str, taken: list[bool]) -> list[tuple[int, int, str, list[Entry]]]:
        """Longest dictionary terms at each free position, left to right: (start, end, term, entries).
        ASCII terms must sit on word boundaries."""

        def ok(t: str, i: int, j: int) -> bool:
            # 各仓库: 仓库 is the word, not 各仓 + 库
            if t in self.tail_only and not _TAIL_AFTER.match(text, j):
                return False
            return self._bounded(text, i, j) and not (t in self.prefixed and self._longer_at(text, j - self.prefixed[t], j))

        return longest(text, taken, self.terms, self.max_len, 1, ok)

    def _longer_at(self, text: str, i: int, j: int) -> bool:
        """A term starting at i runs past j."""
        return any(text[i:k] in self.terms for k in range(j + 1, min(len(text), i + self.max_len) + 1))

    def scan_partial(self, text: str, taken: list[bool]) -> list[tuple[int, int, str, list[Entry]]]:
        """Partial terms (层级, 成功率) at positions no full term took, longest first."""
        return longest(text, taken, self.partial, 8, 2)

    @staticmethod
    def _bounded(text: str, i: int, j: int) -> bool:
        def ascii_word(c: str) -> bool:
            return c.isascii() and c.isalnum()
        if ascii_word(text[i]) and i > 0 and ascii_word(text[i - 1]):
            return False
        return not (ascii_word(text[j - 1]) and j < len(text) and ascii_word(text[j]))

    def ascii_words(self) -> set[str]:
        """Every English word that occurs in a term (purchase, of purchase amount)."""
        if not self._words:
            self._words = {w for term in self.terms for w in re.findall(r"[a-z]+", term)}
        return self._words

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
