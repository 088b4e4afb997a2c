"""Typo repair for the lexicon (`Lexicon.correct`): one wrong character in a Chinese metric or
dimension word of three or more characters, typed with a pinyin keyboard (律 for 率), or one wrong
letter in an English word of five or more, when exactly one vocabulary word is that close."""

from __future__ import annotations

import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.glossary import HOMOPHONES
from shuzhi.ai.nl.types import Entry

_ASCII_WORD = re.compile(r"[a-z0-9]")


def fuzzy_index(terms: dict[str, list[Entry]]) -> tuple[dict[str, set[str]], set[str]]:
    """The model's own words (never everyday aliases) with each character in turn wildcarded
    (销?额 → {销售额}), and the English words of 4+ letters in its English terms."""
    fuzzy: dict[str, set[str]] = {}
    ascii_vocab: set[str] = set()
    for t, entries in terms.items():
        if not any(e.kind in ("metric", "dim") and e.exact for e in entries):
            continue  # the model's own words only, never everyday aliases
        if not _ASCII_WORD.search(t) and len(t) >= 3:
            for i in range(len(t)):
                fuzzy.setdefault(t[:i] + "?" + t[i + 1:], set()).add(t)
        elif _ASCII_WORD.search(t):
            ascii_vocab.update(x for x in re.findall(r"[a-z]+", t) if len(x) >= 4)
    return fuzzy, ascii_vocab


def repair(text: str, free: list[bool], soft: list[tuple[int, int]], fuzzy: dict[str, set[str]],
           ascii_vocab: set[str], tokenizer: Any) -> tuple[str, str, str] | None:
    """The question with one typo repaired, or None: a Chinese window of 3–6 characters that is one
    character away from exactly one metric/dimension word (the differing character not yet
    understood; other characters free or words found wholly inside the window, as 毛利 in 毛利律),
    or an unknown English word of 5+ letters one edit away from exactly one vocabulary word.
    The differing Chinese character must sound like the word's (a pinyin keyboard's typo, 率/律).
    Returns (repaired text, the typed word, the word read)."""
    n = len(text)
    inside = list(free)
    for s, e in soft:
        for k in range(s, e):
            inside[k] = True
    for i in range(n):
        for size in range(min(6, n - i), 2, -1):
            w = text[i:i + size]
            if _ASCII_WORD.search(w) or " " in w or not all(inside[i:i + size]):
                continue
            if any(s < i < e or s < i + size < e for s, e in soft):
                continue  # a word found across the window's edge
            for k in range(size):
                if not free[i + k] or w[k] in C.STOP_CHARS:
                    continue
                hits = fuzzy.get(w[:k] + "?" + w[k + 1:], set())
                # a pinyin typo: the typed character sounds like the word's (律 for 率); a real word
                # of its own (净利润) is never "repaired"
                hits = {h for h in hits if w[k] in HOMOPHONES.get(h[k], "")}
                if hits and tokenizer.FREQ.get(w):
                    continue
                if len(hits) == 1:
                    right = next(iter(hits))
                    return text[:i] + right + text[i + size:], w, right
    for m in re.finditer(r"[a-z]{5,}", text):
        word = m.group()
        if word in ascii_vocab or word in C.STOP or not all(free[m.start():m.end()]):
            continue
        near = {v for v in ascii_vocab if v[0] == word[0] and _one_edit(word, v)}
        if len(near) == 1:
            right = next(iter(near))
            return text[:m.start()] + right + text[m.end():], word, right
    return None


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1, or one swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
