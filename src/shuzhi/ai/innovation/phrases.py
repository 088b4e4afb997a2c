"""Terms of patent texts: jieba words merged into domain phrases found in the data itself.

    docs = tokenize_all(texts)             # one token list per text, phrases merged
    vocab = docs.phrases                   # the domain dictionary built from the data

Method (plain words in docs/innovation-hotspots.md)
- Texts are split into clauses at punctuation; each distinct clause is cut once by jieba (no HMM) and
  remembered, so boiler-plate sentences repeated across thousands of patents cost one cut.
- Function words and patent boiler-plate (STOP: 一种, 本发明, 包括, 所述 …) are breakpoints: a phrase
  never spans them.
- Phrase merging (the domain dictionary): adjacent tokens a, b that occur together far more often
  than chance — normalised pointwise mutual information NPMI(a, b) ≥ `npmi` and at least `min_count`
  times — are joined into one term ("谐波" + "减速器" → "谐波减速器"). Two passes join phrases of up to
  four jieba words. Nothing here knows any domain word: the dictionary is what the corpus repeats.
- Kept terms: phrases, words of two or more characters, and Latin/digit codes of two or more
  characters (RV, EtherCAT); single characters and numbers are dropped.

Invariants: deterministic for the same texts (no randomness, sorted tie-breaks); pure (no I/O beyond
jieba's dictionary, shared through ai.nl.tokenizer).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from shuzhi.ai.nl.tokenizer import new_tokenizer

# Function words and patent boiler-plate: never a term, always a phrase boundary.
STOP = frozenset("""
一种 一个 本 本发明 发明 本实用新型 实用新型 本外观设计 外观设计 公开 公开了 涉及 提供 提出 包括 包含 所述 其中 以及
及其 及 和 与 或 的 了 在 对 为 是 由 于 将 使 使得 通过 基于 用于 适用 适用于 应用 应用于 具有 设有 设置 可 能 能够 可以
有效 进一步 从而 实现 采用 利用 其 该 等 并 且 而 至 到 以 之 间 个 多个 若干 至少 一 二 三 第一 第二 在于 表明 图片 照片
最能 所示 如图 实施例 权利要求 说明书 附图
方法 装置 系统 结构 产品 名称 用途 设计 要点 视图 立体图 主视图 技术 领域 方案 问题 效果 现有 解决 提高 降低 减少 增加
""".split())

_CLAUSE = re.compile(r"[，。、；：！？,.;:!?（）()\[\]【】《》“”\"'\s/]+")
_KEEP = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[A-Za-z][A-Za-z0-9\-]+|[\u4e00-\u9fffA-Za-z0-9\-]*[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9\-]*)$")
_NUMERIC = re.compile(r"^[0-9.\-%]+$")
MAX_PHRASE_CHARS = 10


@dataclass
class Tokenized:
    """Token lists (one per text) and the phrases the corpus gave (the domain dictionary)."""

    docs: list[list[str]]
    phrases: dict[str, int] = field(default_factory=dict)  # phrase -> occurrences


def is_term(tok: str) -> bool:
    """A token worth keeping as a feature: not a stop word, not a number, two characters or more."""
    return len(tok) >= 2 and tok not in STOP and not _NUMERIC.match(tok) and bool(_KEEP.match(tok))


class _Cutter:
    """jieba cuts of clauses, remembered (patent texts repeat clauses a lot)."""

    def __init__(self) -> None:
        self.tok = new_tokenizer()
        self.memo: dict[str, list[str]] = {}

    def segments(self, text: str) -> list[list[str]]:
        """The text's runs of content tokens: split at punctuation and at stop words."""
        out: list[list[str]] = []
        for clause in _CLAUSE.split(text or ""):
            if not clause:
                continue
            words = self.memo.get(clause)
            if words is None:
                words = [w for w in self.tok.lcut(clause, HMM=False) if w.strip()]
                self.memo[clause] = words
            run: list[str] = []
            for w in words:
                if w in STOP or _NUMERIC.match(w):
                    if run:
                        out.append(run)
                    run = []
                else:
                    run.append(w)
            if run:
                out.append(run)
        return out


def _merge_pass(segs: list[list[list[str]]], min_count: int, npmi: float) -> tuple[list[list[list[str]]], set[str]]:
    """One phrase-merging pass over every document's segments: the pairs that cohere are joined."""
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    for doc in segs:
        for run in doc:
            uni.update(run)
            bi.update(zip(run, run[1:], strict=False))
    total = sum(uni.values()) or 1
    good: dict[tuple[str, str], float] = {}
    for (a, b), c in bi.items():
        if c < min_count or len(a) + len(b) > MAX_PHRASE_CHARS:
            continue
        p_ab = c / total
        if p_ab >= 1:
            continue
        score = math.log(p_ab / ((uni[a] / total) * (uni[b] / total))) / -math.log(p_ab)
        if score >= npmi:
            good[(a, b)] = score
    joined: set[str] = set()
    out = []
    for doc in segs:
        new_doc = []
        for run in doc:
            merged: list[str] = []
            i = 0
            while i < len(run):
                # join greedily left to right, the better-scoring pair wins an overlap
                if i + 1 < len(run) and (run[i], run[i + 1]) in good and not (
                        i + 2 < len(run) and good.get((run[i + 1], run[i + 2]), -1) > good[(run[i], run[i + 1])]):
                    merged.append(run[i] + run[i + 1])
                    joined.add(run[i] + run[i + 1])
                    i += 2
                else:
                    merged.append(run[i])
                    i += 1
            new_doc.append(merged)
        out.append(new_doc)
    return out, joined


def tokenize_all(texts: Iterable[str], *, min_count: int | None = None, npmi: float = 0.45,
                 passes: int = 2) -> Tokenized:
    """Token lists of `texts` with the corpus's phrases merged (see the module docstring)."""
    cutter = _Cutter()
    segs = [cutter.segments(t) for t in texts]
    n = len(segs)
    threshold = min_count if min_count is not None else max(3, int(n * 0.002))
    phrases: set[str] = set()
    for _ in range(passes):
        segs, joined = _merge_pass(segs, threshold, npmi)
        phrases |= joined
        if not joined:
            break
    docs = [[w for run in doc for w in run if is_term(w)] for doc in segs]
    counts: Counter[str] = Counter()
    for d in docs:
        counts.update(w for w in d if w in phrases)
    return Tokenized(docs, dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
