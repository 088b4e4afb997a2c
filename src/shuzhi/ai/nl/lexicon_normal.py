"""The one surface form of every term and question (`normalize`, imported from lexicon.py by callers): NFKC
(full-width → half-width), traditional → simplified (hant.py), lower case, one space between words.
Invariant: normalize is idempotent; the lexicon's terms and the scanned text are both normalised by it.
"""

from __future__ import annotations

import re
import unicodedata

from shuzhi.ai.nl.hant import to_simplified

ASCII_WORD = re.compile(r"[a-z0-9]")


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, one space between words."""
    t = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"\s+", " ", t).strip()
