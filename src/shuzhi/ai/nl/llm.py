"""Optional LLM help for questions (off by default): an OpenAI-compatible chat-completions endpoint
(a local Qwen on vLLM or Ollama, or a hosted model) REPHRASES a question the offline parser could not
fully read — nothing more.

The model is shown the words the model knows (metric and dimension labels in Chinese and English, a few
values, time words) and returns up to three short rephrasings, one per plausible reading. Each is read
by the offline parser like any question; only rephrasings it reads completely (a spec, no unknown word,
no question back) count. The service answers with the one reading left, or offers two or three as a
question back (the choices are the rephrased questions). So the LLM never writes a spec, never SQL, and
never chooses a metric by itself: what runs is always the offline parser's reading, validated against
the model and run as the asking user (row rules apply).

Any failure — no endpoint, timeout, HTTP error, bad JSON — gives no rephrasing; nothing here raises to
the caller. The offline parser never depends on this module; with no URL set nothing is sent.

Standard library only (urllib), so the runtime needs no HTTP client dependency.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from typing import Any

from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.log import get_logger

MAX_RESPONSE_BYTES = 1_000_000
MAX_VALUES_PER_FIELD = 12

_log = get_logger("shuzhi.ai.nl.llm")

_SYSTEM = """You help a BI tool understand a business question. The tool only understands the words listed in
MODEL (metric names, dimension names, values, and ordinary time words such as 上个月 / last month / 2025年).
Rewrite the QUESTION as up to 3 short questions in the same language that use only those words, one for each
plausible reading (one when the meaning is clear). Keep every condition, time and number of the question.
Never write SQL or code. Answer with JSON only: {"rephrasings": ["...", "..."]}; {"rephrasings": []} when the
question cannot be asked with these words."""
MAX_REPHRASINGS = 3
MAX_REPHRASING_CHARS = 200


def describe_model(lex: Lexicon) -> dict[str, Any]:
    """The words a rephrasing may use: visible metrics' and dimension fields' labels (zh / en), a few values."""
    idx = lex.model_index or lex.index
    values: dict[str, list[str]] = {}
    for entries in lex.terms.values():
        for e in entries:
            if e.kind == "value" and e.exact:
                ds, f, v = e.key
                lst = values.setdefault(f"{ds}.{f}", [])
                if len(lst) < MAX_VALUES_PER_FIELD and v not in lst:
                    lst.append(v)
    metrics = sorted({" / ".join(x for x in (m.label, m.label_en) if x) for m in idx.metrics.values() if not m.hidden})
    dims = {}
    for (ds, f), fd in idx.fields.items():
        if fd.dimension and not fd.is_time:
            label = " / ".join(x for x in (fd.label, fd.label_en) if x) or f
            dims[label] = [str(v) for v in values.get(f"{ds}.{f}", [])]
    return {"metrics": metrics, "dimensions": dims,
            "also": ["同比 / year over year", "环比 / month over month", "占比 / share", "排名 / rank", "前N / top N",
                     "按月 / by month", "多少个 / how many"]}


def build_messages(question: str, lex: Lexicon, today: dt.date) -> list[dict[str, str]]:
    model = json.dumps(describe_model(lex), ensure_ascii=False, separators=(",", ":"))
    return [{"role": "system", "content": _SYSTEM},
            {"role": "user", "content": f"MODEL: {model}\nTODAY: {today.isoformat()}\nQUESTION: {question}"}]


def endpoint(url: str) -> str:
    """Accept a base URL (http://host:11434/v1) or the full chat-completions URL."""
    u = url.rstrip("/")
    return u if u.endswith("/chat/completions") else u + "/chat/completions"


def extract_json(content: str) -> Any:
    """The JSON object in a chat answer (bare, in a ```json fence, or surrounded by prose)."""
    text = content.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    if fence:
        text = fence.group(1).strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        s, e = text.find("{"), text.rfind("}")
        if s < 0 or e <= s:
            raise
        return json.loads(text[s:e + 1])


def rephrasings(data: Any, question: str) -> list[str]:
    """The distinct usable rephrasings in an answer: strings, not the question itself, not too long."""
    items = data.get("rephrasings") if isinstance(data, dict) else data
    out: list[str] = []
    for x in items if isinstance(items, list) else []:
        if isinstance(x, str):
            x = " ".join(x.split())
            if x and x != question.strip() and len(x) <= MAX_REPHRASING_CHARS and x not in out:
                out.append(x)
    return out[:MAX_REPHRASINGS]


def llm_rephrase(question: str, lex: Lexicon, today: dt.date, *, url: str | None, api_key: str | None,
                 model: str | None, timeout: float = 10.0) -> list[str]:
    """Ask the endpoint to rephrase `question` in the model's words; up to three rephrasings, or []."""
    if not url or not model or not question.strip() or not url.lower().startswith(("http://", "https://")):
        return []
    body = json.dumps({"model": model, "temperature": 0, "stream": False,
                       "messages": build_messages(question, lex, today)}).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    stage = "request"
    try:
        req = urllib.request.Request(endpoint(url), data=body, headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - an admin-configured URL
            raw = resp.read(MAX_RESPONSE_BYTES + 1)
        if len(raw) > MAX_RESPONSE_BYTES:
            raise ValueError("response too large")
        stage = "response"
        content = json.loads(raw.decode("utf-8"))["choices"][0]["message"]["content"]
        stage = "json"
        found = rephrasings(extract_json(content or ""), question)
    except Exception as e:  # noqa: BLE001 - optional help: every failure means "no help"
        _log.warning("llm_rephrase_failed", stage=stage, error=f"{type(e).__name__}: {str(e)[:200]}")
        return []
    _log.info("llm_rephrase_used", question_chars=len(question), rephrasings=len(found))
    return found
