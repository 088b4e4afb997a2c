"""Mining, the expensive step, done once per data version: terms, phrases, topics.

    mined = mine(corpus)        # Mined: the corpus, its topics (clusters and rising phrases), timings

Topics come in two kinds:
- "cluster": the NMF/LDA topics of ai.innovation.topics (the method that measured more coherent).
- "phrase" (a merged phrase or a term of three or more characters: a bare two-character word is too
  generic to stand alone): a domain phrase whose share of applications jumped — at least doubled between the
  previous twelve months and the last twelve, on enough patents to be no accident (z ≥ 3) — is a
  topic of its own: the patents whose title or abstract contains it. Clustering describes the
  bulk of a corpus and merges a young subject into an older neighbour; this keeps it visible.
  Nested or overlapping phrases (one's patents mostly the other's) make one topic, labelled by the
  longest phrase that still covers 90 % of the group's patents.
- "phrase" too: a domain phrase in many patents (at least max(10, 1 % of all)), more in the last
  twelve months than in the twelve before, 60 % or more of them in one tech_field, and the company
  in at most a quarter of its usual share of them, and compact: three quarters of its patents fall
  in one or two clusters (a sub-field shares its vocabulary; a generic phrase such as a field's
  boiler-plate runs through many) — a candidate white space. Clustering may split such a
  sub-field by product ("…臂杆", "…柔轮"); the phrase keeps it whole.
A phrase topic that is mostly the same set of patents as a cluster or an earlier phrase topic
(Jaccard ≥ 0.5) is dropped.

Invariants: deterministic; nothing here knows a domain word (see ai.innovation.phrases); the result is
picklable (service.rd_hotspots keeps it per data version, in memory and on disk).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from shuzhi.ai.innovation.corpus import Corpus
from shuzhi.ai.innovation.phrases import tokenize_all
from shuzhi.ai.innovation.topics import TopicModel, fit_topics

RISE_RATIO = 2.0
RISE_Z = 3.0
MAX_PHRASE_TOPICS = 12
SAME = 0.5  # Jaccard of two patent sets above which a phrase topic repeats a cluster
GAP_THIN = 0.25  # a gap phrase: the company's share of its patents at most this × its overall share
GAP_FOCUS = 0.6  # … and at least this share of its patents in one tech_field
COMPACT = 0.75  # … and at least this share of its clustered patents in its two largest clusters


@dataclass
class Topic:
    id: str
    label: str
    terms: list[str]
    kind: str                   # "cluster" | "phrase"
    docs: np.ndarray            # patent indices, ascending
    weights: np.ndarray         # per doc in `docs`: how strongly it belongs (0..1)


@dataclass
class Mined:
    corpus: Corpus
    topics: list[Topic]
    method: str
    scores: dict[str, dict[str, float]]
    phrases: list[tuple[str, int]]            # the domain dictionary's most frequent phrases
    seconds: dict[str, float] = field(default_factory=dict)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


def z_score(c_r: float, n_r: float, c_p: float, n_p: float) -> float:
    """Two-proportion z statistic of c_r/n_r against c_p/n_p (0 when undefined)."""
    if n_r <= 0 or n_p <= 0:
        return 0.0
    p = (c_r + c_p) / (n_r + n_p)
    se = math.sqrt(p * (1 - p) * (1 / n_r + 1 / n_p)) if 0 < p < 1 else 0.0
    return (c_r / n_r - c_p / n_p) / se if se > 0 else 0.0


def share_ratio(c_r: float, n_r: float, c_p: float, n_p: float, prior: float = 0.5) -> float:
    """The recent share over the previous share, each with `prior` added to the count (no ∞ on 0)."""
    if n_r <= 0 or n_p <= 0:
        return 1.0
    return ((c_r + prior) / n_r) / ((c_p + prior) / n_p)


def label_of(terms: list[str]) -> str:
    """A cluster's name: two of its five top terms, phrases of three or more characters first (a bare
    two-character word such as "时间" or "平台" says little on its own), in their order of weight."""
    top = terms[:5]
    pick = [t for t in top if len(t) >= 3][:2]
    pick += [t for t in top if t not in pick][: 2 - len(pick)]
    return " · ".join(sorted(pick, key=top.index))


def _cluster_topics(model: TopicModel) -> list[Topic]:
    out = []
    for k, terms in enumerate(model.terms):
        docs = np.flatnonzero(model.doc_topic == k)
        if len(docs) == 0:
            continue
        out.append(Topic(f"c{k}", label_of(terms), terms[:10], "cluster", docs, model.doc_weight[docs]))
    return out


def _rising_terms(corpus: Corpus, model: TopicModel, recent: np.ndarray, previous: np.ndarray) -> list[str]:
    m = model.matrix
    if m is None or m.shape[1] == 0:
        return []
    n_r, n_p = int(recent.sum()), int(previous.sum())
    c_r = np.asarray(m[recent].sum(axis=0)).ravel()
    c_p = np.asarray(m[previous].sum(axis=0)).ravel()
    floor = max(5, 0.003 * n_r)
    found = []
    for j in np.flatnonzero(c_r >= floor):
        ratio = share_ratio(c_r[j], n_r, c_p[j], n_p)
        z = z_score(c_r[j], n_r, c_p[j], n_p)
        if ratio >= RISE_RATIO and z >= RISE_Z:
            found.append((z, model.vocabulary[j]))
    found.sort(key=lambda x: (-x[0], x[1]))
    return [w for _, w in found[: MAX_PHRASE_TOPICS * 4]]


def _gap_terms(corpus: Corpus, model: TopicModel, recent: np.ndarray, previous: np.ndarray) -> list[str]:
    """Phrases the industry uses in many, growing patents of mostly one tech field while the company uses
    them in few or none: white-space candidates at the phrase level (clusters may split such a sub-field
    by product)."""
    m = model.matrix
    if m is None or m.shape[1] == 0:
        return []
    company = corpus.is_company()
    overall = float(company.mean()) if len(company) else 0.0
    df = np.asarray(m.sum(axis=0)).ravel()
    c_co = np.asarray(m[company].sum(axis=0)).ravel()
    c_r = np.asarray(m[recent].sum(axis=0)).ravel()
    c_p = np.asarray(m[previous].sum(axis=0)).ravel()
    fields = sorted(set(corpus.fields))
    onehot = np.zeros((len(corpus), len(fields)))
    onehot[np.arange(len(corpus)), [fields.index(f) for f in corpus.fields]] = 1
    by_field = (m.T @ onehot)  # terms × fields
    focus = by_field.max(axis=1) / np.maximum(df, 1)
    floor = max(10, 0.01 * len(corpus))
    ok = (df >= floor) & (c_r > c_p) & (c_co <= GAP_THIN * overall * df) & (focus >= GAP_FOCUS)
    found = sorted(np.flatnonzero(ok), key=lambda j: (-df[j], model.vocabulary[j]))
    return [model.vocabulary[j] for j in found[: MAX_PHRASE_TOPICS * 4]]


def _compact(docs: frozenset[int], assign: np.ndarray) -> bool:
    """Whether three quarters of the patents (those in a cluster) fall in one or two clusters: a sub-field
    shares its vocabulary; a generic phrase ("机械传动", a field's boiler-plate) runs through many."""
    a = assign[np.fromiter(docs, dtype=np.int64)]
    a = a[a >= 0]
    if len(a) == 0:
        return False
    counts = np.sort(np.bincount(a))[::-1]
    return bool(counts[:2].sum() >= COMPACT * len(a))


def _phrase_topics(corpus: Corpus, model: TopicModel, taken: list[frozenset[int]], words: list[str],
                   start: int, assign: np.ndarray | None = None) -> list[Topic]:
    """One topic per group of overlapping phrases among `words` (see the module docstring), unless its
    patents are mostly those of a topic already `taken`; with `assign` (patent → cluster), only groups
    whose patents are compact (`_compact`)."""
    texts = [t + "\n" + a for t, a in zip(corpus.titles, corpus.abstracts, strict=True)]
    sets = {w: frozenset(i for i, tx in enumerate(texts) if w in tx) for w in words}
    groups: list[list[str]] = []
    for w in sorted(words, key=lambda w: (-len(sets[w]), w)):
        for g in groups:
            head = sets[g[0]]
            if len(sets[w] & head) >= 0.7 * min(len(sets[w]), len(head)):
                g.append(w)
                break
        else:
            groups.append([w])
    out: list[Topic] = []
    vocab_col = {w: j for j, w in enumerate(model.vocabulary)}
    for g in groups[:MAX_PHRASE_TOPICS]:
        union = frozenset().union(*(sets[w] for w in g))
        # the longest phrase still covering 90 % of the group (specific, yet the same evidence)
        label = max((w for w in g if len(sets[w]) >= 0.9 * len(union)), key=lambda w: (len(w), len(sets[w])),
                    default=g[0])
        if any(len(sets[label] & c) >= SAME * len(sets[label] | c) for c in taken):
            continue
        if assign is not None and not _compact(sets[label], assign):
            continue
        taken.append(sets[label])
        docs = np.array(sorted(sets[label]), dtype=np.int64)
        sub = model.matrix[docs] if model.matrix is not None else None
        terms = [label] + [w for w in g if w != label]
        if sub is not None and sub.shape[0]:
            freq = np.asarray(sub.sum(axis=0)).ravel()
            for j in np.argsort(-freq, kind="stable")[:12]:
                w = model.vocabulary[j]
                if freq[j] > 0 and w not in terms and w not in label and vocab_col.get(w) is not None:
                    terms.append(w)
        out.append(Topic(f"p{start + len(out)}", label, terms[:10], "phrase", docs, np.ones(len(docs))))
    return out


def _only(words: list[str], allowed: list[str]) -> list[str]:
    keep = set(allowed)
    return [w for w in words if w in keep]


def mine(corpus: Corpus, *, k: int | None = None, methods: tuple[str, ...] = ("nmf", "lda")) -> Mined:
    """Terms, phrases and topics of `corpus` (see the module docstring)."""
    t0 = time.perf_counter()
    n = len(corpus)
    tokens = tokenize_all(corpus.titles + corpus.abstracts)  # one dictionary for titles and abstracts
    title_docs, body_docs = tokens.docs[:n], tokens.docs[n:]
    t1 = time.perf_counter()
    model = fit_topics(title_docs, body_docs, k=k, methods=methods)
    t2 = time.perf_counter()
    clusters = _cluster_topics(model)
    recent, previous = corpus.windows(12)
    taken = [frozenset(c.docs.tolist()) for c in clusters]
    # a bare two-character word ("时间", "平台") is too generic to stand for a topic; phrases and longer terms may
    specific = [w for w in model.vocabulary if len(w) >= 3 or w in tokens.phrases]
    rising = _phrase_topics(corpus, model, taken, _only(_rising_terms(corpus, model, recent, previous), specific),
                            len(model.terms))
    gaps = _phrase_topics(corpus, model, taken, _only(_gap_terms(corpus, model, recent, previous), specific),
                          len(model.terms) + len(rising), assign=model.doc_topic)
    phrases = rising + gaps
    t3 = time.perf_counter()
    return Mined(corpus, clusters + phrases, model.method, model.scores, list(tokens.phrases.items())[:200],
                 {"tokenize": round(t1 - t0, 3), "topics": round(t2 - t1, 3), "phrase_topics": round(t3 - t2, 3)})

