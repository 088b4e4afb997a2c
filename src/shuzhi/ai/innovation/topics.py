"""Topics: clusters of patents that share their terms, found by NMF or LDA (scikit-learn), whichever
is more coherent on this corpus.

    model = fit_topics(token_docs)        # TopicModel: terms, doc -> topic, the method that won

Method
- The document-term matrix counts each patent's terms (title terms twice: a title says what the
  patent is about); terms in fewer than `min_df` patents or in more than 30 % of them are dropped.
- NMF runs on its TF-IDF (sublinear tf, l2 rows), LDA on the raw counts, both with `k` topics
  (k = √n / 3 clamped to 8…40 unless given) and a fixed seed.
- Coherence, the measure that picks the method: the mean NPMI of each topic's ten top terms over the
  patents (how much more often those terms occur in the same patent than by chance; −1 … 1). The
  methods are compared on an evenly spaced sample of at most SAMPLE patents (the whole corpus when
  smaller); the one with the higher mean wins and is fitted on all patents. Both scores and times
  are kept in `scores` and reported.
- A patent belongs to its strongest topic when that topic holds at least 20 % of its weight (so a
  patent about nothing in particular belongs to none). The topic's label is its two top terms.

Invariants: deterministic (fixed seeds, sorted vocabulary); pure numpy / scipy / scikit-learn.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

MAX_DF = 0.30
MIN_SHARE = 0.20
TOP_TERMS = 10
SAMPLE = 3000


@dataclass
class TopicModel:
    """The winning topic model, reduced to what the reports need (picklable, no sklearn objects)."""

    method: str                       # "nmf" or "lda"
    terms: list[list[str]]            # per topic: its top terms, strongest first
    doc_topic: np.ndarray             # per patent: its topic (-1: none)
    doc_weight: np.ndarray            # per patent: the share of its weight in that topic
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # method -> coherence, seconds, k
    vocabulary: list[str] = field(default_factory=list)
    matrix: sparse.csr_matrix | None = None  # patents x vocabulary, binary (for term lookups)


def default_k(n_docs: int) -> int:
    return int(min(40, max(8, round(math.sqrt(n_docs) / 3))))


def doc_term_matrix(title_docs: list[list[str]], body_docs: list[list[str]], min_df: int
                    ) -> tuple[sparse.csr_matrix, list[str]]:
    """Counts (patents × terms): title terms twice, body terms once; rare and ubiquitous terms dropped."""
    df: dict[str, int] = {}
    for t, b in zip(title_docs, body_docs, strict=True):
        for w in set(t) | set(b):
            df[w] = df.get(w, 0) + 1
    n = max(1, len(title_docs))
    vocab = sorted(w for w, c in df.items() if c >= min_df and c <= MAX_DF * n)
    col = {w: i for i, w in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for r, (t, b) in enumerate(zip(title_docs, body_docs, strict=True)):
        counts: dict[int, float] = {}
        for w in t:
            if w in col:
                counts[col[w]] = counts.get(col[w], 0) + 2
        for w in b:
            if w in col:
                counts[col[w]] = counts.get(col[w], 0) + 1
        for c, v in counts.items():
            rows.append(r)
            cols.append(c)
            vals.append(v)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(title_docs), len(vocab)), dtype=np.float64)
    return m, vocab


def tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()


def coherence(top: list[list[int]], binary: sparse.csc_matrix) -> float:
    """Mean NPMI of each topic's top-term pairs over patents (document co-occurrence)."""
    n = binary.shape[0]
    if n == 0:
        return 0.0
    per_topic = []
    for idx in top:
        sub = binary[:, idx]
        co = (sub.T @ sub).toarray()
        df = np.diag(co)
        vals = []
        for i in range(len(idx)):
            for j in range(i + 1, len(idx)):
                if co[i, j] == 0:
                    vals.append(-1.0)
                    continue
                p_ij = co[i, j] / n
                if p_ij >= 1:
                    vals.append(1.0)
                    continue
                vals.append(math.log(p_ij / ((df[i] / n) * (df[j] / n))) / -math.log(p_ij))
        if vals:
            per_topic.append(float(np.mean(vals)))
    return float(np.mean(per_topic)) if per_topic else 0.0


def _top(components: np.ndarray, n: int = TOP_TERMS) -> list[list[int]]:
    return [list(np.argsort(-row, kind="stable")[:n]) for row in components]


def _fit(method: str, counts: sparse.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(doc × topic weights, topic × term weights) of one method."""
    if method == "nmf":
        from sklearn.decomposition import NMF

        nmf = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=200, tol=1e-3)
        w = nmf.fit_transform(tfidf(counts))
        return w, nmf.components_
    from sklearn.decomposition import LatentDirichletAllocation

    lda = LatentDirichletAllocation(n_components=k, learning_method="online", batch_size=512, max_iter=10,
                                    random_state=0, doc_topic_prior=0.1, topic_word_prior=0.05)
    w = lda.fit_transform(counts)
    return w, lda.components_


def fit_topics(title_docs: list[list[str]], body_docs: list[list[str]], *, k: int | None = None,
               methods: tuple[str, ...] = ("nmf", "lda"), min_df: int | None = None) -> TopicModel:
    """The more coherent of `methods` on this corpus (see the module docstring)."""
    n = len(title_docs)
    counts, vocab = doc_term_matrix(title_docs, body_docs, min_df or max(3, int(n * 0.001)))
    binary = counts.copy()
    binary.data[:] = 1.0
    k = min(k or default_k(n), max(1, min(counts.shape) - 1)) if counts.shape[1] > 1 else 1
    best: tuple[float, str] | None = None
    scores: dict[str, dict[str, float]] = {}
    if counts.shape[1] == 0 or n == 0:
        return TopicModel(methods[0], [], np.full(n, -1), np.zeros(n), {}, vocab, binary.tocsr())
    sample = np.linspace(0, n - 1, min(n, SAMPLE)).round().astype(int) if n > SAMPLE else np.arange(n)
    part, csc = counts[sample], binary[sample].tocsc()
    for method in methods:
        t0 = time.perf_counter()
        _, h = _fit(method, part, k)
        seconds = time.perf_counter() - t0
        score = coherence(_top(h), csc)
        scores[method] = {"coherence": round(score, 4), "seconds": round(seconds, 3), "k": k}
        if best is None or score > best[0]:
            best = (score, method)
    assert best is not None
    method = best[1]
    w, h = _fit(method, counts, k)
    sums = w.sum(axis=1)
    share = np.divide(w.max(axis=1), sums, out=np.zeros(n), where=sums > 0)
    doc_topic = np.where(share >= MIN_SHARE, w.argmax(axis=1), -1)
    terms = [[vocab[i] for i in idx] for idx in _top(h)]
    return TopicModel(method, terms, doc_topic, share, scores, vocab, binary.tocsr())
