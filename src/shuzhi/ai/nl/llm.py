"""Optional LLM help for questions (off by default): an OpenAI-compatible chat-completions endpoint
(a local Qwen on vLLM or Ollama, or a hosted model) proposes a QuerySpec as JSON.

The model never writes SQL: it is shown a compact description of the semantic model (visible
metrics, dimension fields, a few values, allowed operators, grains, relative ranges, comparisons)
and must answer with one QuerySpec. The answer is used only after it validates as a QuerySpec
(`parse_spec`, which forbids unknown keys) AND resolves against the model (`resolve`, as the system
user — the caller still runs it as the real user, so row rules apply). Any failure — no endpoint,
timeout, HTTP error, bad JSON, invalid spec — returns None; nothing here raises to the caller.
The offline parser never depends on this module.

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
from shuzhi.spec.query_spec import COMPUTES, OPS, parse_spec
from shuzhi.spec.resolve import UserContext, resolve

MAX_RESPONSE_BYTES = 1_000_000
MAX_VALUES_PER_FIELD = 12
GRAINS = ("day", "week", "month", "quarter", "year")
RELATIVE = ("today", "yesterday", "this_week", "last_week", "last_7_days", "last_30_days", "last_90_days",
            "this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year", "ytd",
            "last_12_months")

_log = get_logger("shuzhi.ai.nl.llm")

_SYSTEM = """You translate a business question into ONE QuerySpec JSON object for a BI tool. Never write SQL.
Use only the metric and dimension names listed in MODEL. QuerySpec keys (omit what is not needed):
  "metrics": ["metric_name", {"name": "revenue_yoy", "compute": {"yoy": "revenue"}}],
  "dimensions": ["dataset.field", {"field": "time", "grain": "month"}],
  "where": [{"field": "dataset.field", "op": "=", "value": "华东"}]   (filters on dimensions),
  "having": [{"field": "metric_name", "op": ">", "value": 1000000}]   (filters on metrics; percents as 0.3),
  "time_range": {"field": "time", "relative": "last_month"} or {"field": "time", "start": "YYYY-MM-DD",
                 "end": "YYYY-MM-DD"} (inclusive),
  "order_by": [{"field": "output name", "desc": true}], "limit": 5.
Answer with the JSON object only. If the question cannot be answered with this model, answer {"spec": null}."""


def describe_model(lex: Lexicon) -> dict[str, Any]:
    """A compact, JSON-able description of what a spec may use."""
    idx = lex.index
    values: dict[str, list[str]] = {}
    for entries in lex.terms.values():
        for e in entries:
            if e.kind == "value" and e.exact:
                ds, f, v = e.key
                lst = values.setdefault(f"{ds}.{f}", [])
                if len(lst) < MAX_VALUES_PER_FIELD and v not in lst:
                    lst.append(v)
    metrics = {name: " / ".join(x for x in (m.label, m.label_en) if x) + (f" [{m.format}]" if m.format else "")
               for name, m in idx.metrics.items() if not m.hidden}
    dims: dict[str, str] = {}
    for (ds, f), fd in idx.fields.items():
        if fd.dimension and not fd.is_time:
            key = f"{ds}.{f}"
            dims[key] = " / ".join(x for x in (fd.label, fd.label_en) if x) + (
                f" e.g. {', '.join(map(str, values[key]))}" if key in values else "")
    shared = {sd.name: sd.label or sd.name for sd in getattr(idx.model, "shared_dimensions", [])}
    return {"model": idx.model.name, "metrics": metrics, "dimensions": dims, "shared_dimensions": shared,
            "ops": list(OPS), "computes": list(COMPUTES), "grains": list(GRAINS), "relative_ranges": list(RELATIVE)}


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


def validate(data: Any, lex: Lexicon, today: dt.date) -> dict[str, Any] | None:
    """The spec dict when it is a valid QuerySpec over this model, else None."""
    if isinstance(data, dict) and "spec" in data and "metrics" not in data and "dimensions" not in data:
        data = data["spec"]
    if not isinstance(data, dict) or not data:
        return None
    if data.get("model") not in (None, lex.index.model.name):
        return None
    qs = parse_spec(data)  # unknown keys (e.g. "sql") are refused here
    resolve(qs, lex.model_index or lex.index, UserContext.system(), today)  # the model's own metrics only
    return data


def llm_assist(question: str, lex: Lexicon, today: dt.date, *, url: str | None, api_key: str | None,
               model: str | None, timeout: float = 10.0) -> dict[str, Any] | None:
    """Ask the endpoint for a QuerySpec for `question`; the validated spec dict, or None."""
    if not url or not model or not question.strip() or not url.lower().startswith(("http://", "https://")):
        return None
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
        data = extract_json(content or "")
        stage = "spec"
        spec = validate(data, lex, today)
    except Exception as e:  # noqa: BLE001 - optional help: every failure means "no help"
        _log.warning("llm_assist_failed", stage=stage, error=f"{type(e).__name__}: {str(e)[:200]}")
        return None
    if spec is not None:
        _log.info("llm_assist_used", question_chars=len(question))
    return spec
