"""What the parser did not understand: runs of content words left over, with suggestions.

Filler (cues.FILLER_RE, cues.FILLER: 请问, 帮我看看, 一下, 吧, please, show me) and neutral words (cues.NEUTRAL:
the measured action itself, evaluative adjectives, generic words for "the figure") are not content words:
they are never reported, so they neither lower the confidence nor make the parser ask back (clarify.py)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from shuzhi.ai.nl import cues as C
from shuzhi.ai.nl.lexicon import Lexicon, normalize
from shuzhi.ai.nl.types import Text

_MEASURE_TAIL = ("率", "数", "额", "量", "值", "金额", "数量")


def chunks(t: Text) -> list[tuple[int, int]]:
    out, start = [], None
    for i, taken in enumerate([*t.taken, True]):
        if not taken and start is None:
            start = i
        elif taken and start is not None:
            out.append((start, i))
            start = None
    return out


def unknown_words(lex: Lexicon, chunk: str) -> list[dict[str, Any]]:
    """Runs of content words (not function words) in a chunk nobody understood, as phrases."""
    phrases, cur = [], ""
    chunk = C.FILLER_RE.sub(" ", chunk)
    for w in [*lex.tokenizer.lcut(chunk), " "]:
        w = w.strip(" ?？!！,，。.、:：;；'\"()（）[]【】-_/\\+*")
        if cur and w in _MEASURE_TAIL and re.search(r"[\u4e00-\u9fff]$", cur):
            cur += w  # 退货率: the rate of an unknown thing is reported whole
            continue
        noise = not w or w in C.STOP or not_content(w) or bool(re.fullmatch(r"[\d.%]+", w))
        if noise:
            if cur:
                phrases.append(cur)
            cur = ""
        else:
            cur += w if (not cur or re.search(r"[\u4e00-\u9fff]", w + cur[-1])) else " " + w
    out = []
    for p in phrases:
        cjk = bool(re.search(r"[\u4e00-\u9fff]", p))
        if (not cjk and len(p) < 3) or not_content(p):
            continue
        out.append({"text": p, "suggestions": suggest(lex, p)})
    return out


def not_content(word: str) -> bool:
    """A filler or neutral word (cues.FILLER, cues.NEUTRAL): never reported, never asked about."""
    w = word.strip().lower()
    return w in C.FILLER or w in C.NEUTRAL


def suggest(lex: Lexicon, word: str) -> list[str]:
    labels = list(lex.visible_metric_labels())
    for (_ds, _f), fd in lex.index.fields.items():
        if fd.dimension and not fd.is_time:
            labels += [normalize(x) for x in (fd.label, fd.label_en) if x]
    return difflib.get_close_matches(normalize(word), sorted(set(labels)), n=3, cutoff=0.3)
