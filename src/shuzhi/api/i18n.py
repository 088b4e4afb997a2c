"""Pick the response language from Accept-Language: zh (default) or en."""

from __future__ import annotations


def pick_language(accept_language: str | None) -> str:
    """Return "en" when English is preferred over Chinese, else "zh" (Chinese first)."""
    if not accept_language:
        return "zh"
    best: tuple[float, int, str] | None = None
    for i, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        primary = tag.split("-")[0]
        if primary in ("zh", "en") and q > 0 and (best is None or (q, -i) > (best[0], best[1])):
            best = (q, -i, primary)
    return best[2] if best else "zh"
