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
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.glossary import (
    BOOLEAN_ALIASES,
    BOOLEAN_BOTH,
    QUALIFIER_ALIASES,
    THING_ALIASES,
    VALUE_ALIASES,
    VERBS,
    short_forms,
)
from shuzhi.ai.nl.hant import to_simplified
from shuzhi.ai.nl.measures import (
    Measure,
    countables,
    date_verbs,
    field_measures,
    metric_defs,
    qualifiers,
    value_counts,
)
from shuzhi.ai.nl.tokenizer import new_tokenizer
from shuzhi.ai.nl.types import Entry
from shuzhi.ai.nl.typos import fuzzy_index, repair
from shuzhi.model.aggregations import metric_over
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
_ASCII_WORD = re.compile(r"[a-z0-9]")


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, one space between words."""
    t = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"\s+", " ", t).strip()


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
        lex._add_count_stems()
        lex._add_dataset_words()
        lex._add_measures()
        lex._add_status_verbs()
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

    def _add_status_verbs(self) -> None:
        """已取消 → 被取消, 取消了, 已经取消: a done-status said with its verb (and 无缺陷 → 有缺陷 / 发现缺陷, a
        qualifier for the other values), only where the verb is no word of
        its own (授权 is the granted-patents metric and a date verb: 授权了几项专利 counts grants)."""
        taken = set(self.terms)
        for verb, key in self._status_verbs:
            if verb.startswith("!"):  # 无缺陷: 有缺陷 / 发现缺陷 / with defects is the field's other values
                ds, f, v = key
                for w in (f"有{verb[1:]}", f"发现{verb[1:]}", f"存在{verb[1:]}", f"出现{verb[1:]}"):
                    if w not in taken:
                        self.qualifier[w] = (ds, [{"field": f"{ds}.{f}", "op": "!=", "value": v}])
                        self._add(w, Entry("qualifier", w))
                continue
            if verb in taken or verb in self.date_verb or any(w.startswith(verb) for w in self.date_verb):
                continue
            for w in (f"被{verb}", f"{verb}了", f"已经{verb}"):
                if w not in taken:
                    self._add(w, Entry("value", key, exact=False))

    def _add_count_stems(self) -> None:
        """专利申请数 → 专利申请: a count metric's word without its final 数/量 (when that word is free)."""
        for name, m in self.index.metrics.items():
            if m.hidden or (m.agg not in ("count", "count_distinct") and m.format != "integer"):
                continue
            for w in [m.label, *m.synonyms]:
                w = normalize(w or "")
                for suf in ("数量", "数", "量"):
                    stem = w[: -len(suf)]
                    if w.endswith(suf) and len(stem) >= 3 and not _ASCII_WORD.search(stem) and stem not in self.terms:
                        self._add(stem, Entry("metric", name, exact=False))
                        break

    def _add_dataset_words(self) -> None:
        """A dataset's label (研发项目, 专利) and English label (patents, patent) name its rows."""
        for name, d in self.index.datasets.items():
            en = normalize(d.label_en or "")
            words = [normalize(d.label or ""), en, en[:-1] if en.endswith("s") else ""]
            for w in words:
                if len(w) < 2:
                    continue
                self.entity_of.setdefault(w, name)
                if w not in self.terms:
                    self._add(w, Entry("dataset", name, exact=False))

    def _add_measures(self) -> None:
        """Countable things (供应商, 工单, 批次, deals), numeric fields (库存数量, 预算, unit price) and qualifier
        words (在途) learned from the model (measures.py), each word only where no other entry has it; the
        lexicon's `index` then holds the measures' hidden metrics too (labels, formats, datasets for grounding)."""
        self.model_index = self.index
        things = countables(self.index)
        fields, covered = field_measures(self.index)
        distinct = value_counts(self.index, {m.name for m in things + fields})
        for m in distinct:
            self.value_count[(m.dataset, m.field)] = m.name
        self.date_verb = {normalize(w): k for w, k in date_verbs(self.index).items()}
        for m in things + fields + distinct:
            self.measures[m.name] = m
        for m in things:
            words = list(m.words)
            for w in list(words):
                words += THING_ALIASES.get(w, [])
            for w in words:
                nw = normalize(w)
                if len(nw) < 2:
                    continue
                self.things.setdefault(nw, m.name)
                self.entity_of.setdefault(nw, m.dataset)
                if " " in nw and re.fullmatch(r"[a-z ]+[^s]", nw):  # order line → order lines
                    self.things.setdefault(nw + "s", m.name)
                if nw not in self.terms:
                    self._add(w, Entry("dataset", m.dataset, exact=False))
        for m in things:  # 商机数 / 采购单数 / 项目个数: the thing's count, where no metric has the word
            for w in m.words:
                nw = normalize(w)
                if len(nw) >= 2 and not _ASCII_WORD.search(nw):
                    for suf in ("数", "数量", "个数", "总数"):
                        if nw + suf not in self.terms:
                            self._add(nw + suf, Entry("metric", m.name))
        for m in fields:
            for w in m.words:
                forms = [w, re.sub(r"(?i)\bqty\b", "quantity", w)]  # on-hand qty / on-hand quantity
                for x in dict.fromkeys(forms):
                    if normalize(x) not in self.terms and normalize(x) not in _BARE:  # 数量 alone says nothing
                        self._add(x, Entry("metric", m.name))
        for (ds, f), metric in covered.items():  # 不良品数量 → defect_qty: the model's metric over the field
            fd = self.index.fields[(ds, f)]
            self.field_of[metric] = (ds, f)
            for w in [fd.label, fd.label_en, *fd.synonyms]:
                nw = normalize(w or "")
                if nw and nw not in self.terms:
                    self._add(w, Entry("metric", metric, exact=False))
                for suf in ("数量", "数", "量"):  # 不良品有多少件: the word without 数量
                    stem = nw[: -len(suf)]
                    if nw.endswith(suf) and len(stem) >= 3 and not _ASCII_WORD.search(stem) and stem not in self.terms:
                        self._add(stem, Entry("metric", metric, exact=False))
                        break
        # 报废了多少件 / 送检了多少: a quantity field's word without 数量 is the verb that produced the quantity
        for (ds, f), fd in self.index.fields.items():
            if fd.dimension or fd.type != "integer":
                continue
            kept = metric_over(self.index, ds, f, filtered=True)  # 订购数量 of valid lines: sales_quantity
            name = covered.get((ds, f)) or (kept.name if kept is not None and not kept.hidden else None) \
                or next((m.name for m in fields if (m.dataset, m.field) == (ds, f)), None)
            for w in [fd.label, *fd.synonyms]:
                stem = re.sub(r"(?:数量|件数|数|量)$", "", normalize(w or ""))
                if name and stem != normalize(w or "") and len(stem) >= 2 and not _ASCII_WORD.search(stem):
                    self.qty_verbs.setdefault(stem, name)
        quals = qualifiers(self.index, {w: self.measures[n].dataset for w, n in self.things.items()
                                                          if self.measures[n].field in (self.index.datasets[
                                                              self.measures[n].dataset].primary_key or [])})
        for word, alias in QUALIFIER_ALIASES.items():  # open deals: the everyday word for a qualifier the model has
            for a in alias:
                if word in quals:
                    quals.setdefault(a, quals[word])
        for word, (ds, conds) in quals.items():
            nw = normalize(word)
            if nw not in self.terms:
                self.qualifier[nw] = (ds, conds)
                self._add(word, Entry("qualifier", nw))
        for verb, (stems, english) in VERBS.items():  # buy → the metrics whose everyday words say 买 / 采购
            cands = [n for n, md in self.index.metrics.items() if not md.hidden
                     and any(st in w for w in md.everyday_words for st in stems)]
            if len(cands) < 1:
                continue
            self.verb_metrics[verb] = cands
            for n in cands:
                for w in self.index.metrics[n].everyday_words:
                    if any(st in w for st in stems):
                        self.verb_of.setdefault(normalize(w), verb)
            for w in english:
                self.verb_of.setdefault(normalize(w), verb)
                if normalize(w) not in self.terms:
                    self._add(w, Entry("verb", verb))
        extra = metric_defs(self.index, things + fields + distinct)
        self.index = replace(self.index, metrics={**self.index.metrics, **extra})

    def _init_tokenizer(self) -> None:
        tok = new_tokenizer()  # jieba's dictionary is shared by every lexicon of the process (tokenizer.py)
        self._add_partials(tok)
        self._init_fuzzy()
        for t in list(self.terms) + list(self.partial):
            if not _ASCII_WORD.search(t):
                tok.add_word(t, freq=2_000_000)
        for w in _EXTRA_WORDS:
            tok.add_word(w, freq=2_000_000)
        self.tokenizer = tok

    def _add_partials(self, tok: Any) -> None:
        """Trailing words of Chinese metric and dimension words, cut where jieba's general dictionary
        cuts them (项目成功率 → 成功率; 研发层级 → 层级), except generic words (金额, 名称, 占比 …)."""
        words: list[tuple[str, Entry]] = []
        for name, m in self.index.metrics.items():
            if not m.hidden:
                words += [(w, Entry("metric", name, exact=False)) for w in [m.label, *m.synonyms]]
        for (ds, f), fd in self.index.fields.items():
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
                if len(suf) < 2 or suf in self.terms or suf in C.STOP or suf in _GENERIC or _is_cue(suf):
                    continue
                lst = self.partial.setdefault(suf, [])
                if entry not in lst:
                    lst.append(entry)

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

        return _longest(text, taken, self.terms, self.max_len, 1, ok)

    def _longer_at(self, text: str, i: int, j: int) -> bool:
        """A term starting at i runs past j."""
        return any(text[i:k] in self.terms for k in range(j + 1, min(len(text), i + self.max_len) + 1))

    def scan_partial(self, text: str, taken: list[bool]) -> list[tuple[int, int, str, list[Entry]]]:
        """Partial terms (层级, 成功率) at positions no full term took, longest first."""
        return _longest(text, taken, self.partial, 8, 2)

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


# Field labels too bare to name one field's measure (数量: of what?).
_BARE = {"数量", "金额", "数额", "总额", "比例", "占比", "比率", "quantity", "amount", "qty"}

# Trailing words too generic to stand for one metric or dimension on their own.
_GENERIC = {"金额", "数量", "日期", "时间", "编号", "编码", "名称", "比例", "占比", "总额", "数额", "情况", "指标",
            "比率", "成本金额", "人数", "次数", "个数", "件数", "笔数", "单价"}


def _is_cue(word: str) -> bool:
    return any(p.fullmatch(word) for p in (C.SHARE, C.YOY, C.POP, C.GROWTH, C.RANK, C.CUMUL, C.TOTAL, C.COUNT))


# Function words the tokenizer should keep whole (so they are recognised as noise, not unknown).
_EXTRA_WORDS = ["多少", "哪些", "哪个", "哪家", "是多少", "情况", "怎么样", "看一下", "看看", "分别", "一共", "总共",
                "合计", "前五", "前十", "排名", "占比", "同比", "环比", "累计"]


def _longest(text: str, taken: list[bool], table: dict[str, list[Entry]], max_len: int, min_len: int,
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
