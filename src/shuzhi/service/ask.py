"""The ask use case: a question → QuerySpec (never SQL) → an answer run as the asker, with how it was
understood.

Invariants
- A question is 1–500 characters after trimming; anything else is refused with bad_question.
- The vocabulary (ai.nl.Lexicon) holds the dimension values the asker may see: it is read through the
  executor with their row and column rules, and kept once per model version, data version and rule
  signature (users whom the same rendered rules bind share one; at most 16 signatures per model).
- Follow-ups refine the previous answer of the same conversation (per user; the last 1000 kept).
- With SHUZHI_LLM_URL set, a question the offline parser could not fully read is offered to the
  model; its spec is validated against the semantic model before use, and the parser's answer
  stands when it fails.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.errors import ShuzhiError
from shuzhi.service.executor import Executor
from shuzhi.service.query import query
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

MAX_SIGNATURES = 16
MAX_CONVERSATIONS = 1000


@dataclass
class AskState:
    """The process's question lexicons and conversations (one per runtime)."""

    lexicons: dict[tuple[str, int, Any, str], Any] = field(default_factory=dict)
    conversations: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _state(rt: Runtime) -> AskState:
    return rt.attached("ask", AskState)


def _values_of(ex: Executor) -> Callable[[str, str, int], list[Any] | None]:
    """The lexicon's fetch_values(dataset, field, limit): the field's distinct non-null values as a
    QuerySpec answered by the executor as its user (row rules applied; a field the column rules deny,
    or a column missing from the data, gives None)."""

    def fetch(ds: str, f: str, limit: int) -> list[Any] | None:
        ref = f"{ds}.{f}"
        spec = {"dimensions": [ref], "where": [{"field": ref, "op": "not_null"}],
                "order_by": [{"field": ref}], "limit": limit}
        try:
            table = ex.run(spec, use_cache=False).table
        except ShuzhiError:
            return None
        return table.column(0).to_pylist() if table.num_columns else []

    return fetch


def lexicon(rt: Runtime, name: str | None = None, db: Session | None = None, user: UserContext | None = None) -> Any:
    """The NL vocabulary of a model version and the dimension values `user` may see (default: the
    system, every value)."""
    from shuzhi.ai.nl import Lexicon
    from shuzhi.compile.row_scope import scope_signature

    user = user or UserContext.system()
    ex = Executor.open(rt, user, model=name, purpose="ui", db=db)
    idx, version = ex.index, ex.version
    data_version = rt.warehouse(read_only=True).open().data_version
    key = (idx.model.name, version, data_version, scope_signature(idx, user))
    st = _state(rt)
    with st.lock:
        cached = st.lexicons.get(key)
    if cached is not None:
        return cached
    lex = Lexicon.from_queries(idx, _values_of(ex))
    with st.lock:
        # Older versions of this model go; at most 16 rule signatures of the current one stay.
        st.lexicons = {k: v for k, v in st.lexicons.items() if k[0] != key[0] or k[:3] == key[:3]}
        while len([k for k in st.lexicons if k[0] == key[0]]) >= MAX_SIGNATURES:
            st.lexicons.pop(next(k for k in st.lexicons if k[0] == key[0]))
        st.lexicons[key] = lex
    return lex


def check_question(question: str | None) -> str:
    question = (question or "").strip()
    if not question or len(question) > 500:
        raise ShuzhiError("bad_question", "请输入 1–500 个字的问题。", "Ask a question of 1–500 characters.")
    return question


def _llm_fallback(rt: Runtime, question: str, lex: Any, parsed: Any) -> None:
    """Optional help from an OpenAI-compatible model; its spec is validated against the model before
    use (never SQL), and the offline parser's answer stands when it fails."""
    from shuzhi.ai.nl import recommend_chart
    from shuzhi.ai.nl.llm import llm_assist

    st = rt.settings
    spec = llm_assist(question, lex, st.today_date(), url=st.llm_url, api_key=st.llm_api_key,
                      model=st.llm_model, timeout=st.llm_timeout_s)
    if spec is None:
        return
    parsed.spec = spec
    parsed.chart = recommend_chart(spec, index=lex.index)
    parsed.interpretation = [*parsed.interpretation, {
        "kind": "source", "text": "由大模型辅助解析", "text_en": "interpreted with the LLM's help", "value": "llm"}]
    parsed.confidence = min(parsed.confidence, 0.6) if parsed.confidence else 0.6


def ask(rt: Runtime, question: str, user: UserContext, *, conversation: str | None = None,
        db: Session | None = None, choice: int | None = None) -> dict[str, Any]:
    """Answer a question: parse it over the model into a QuerySpec (never SQL), run that spec as
    `user` (row rules apply), and say how it was understood. Follow-ups refine the previous answer
    of the same conversation. `choice` N answers the question's clarification with its Nth choice;
    why, forecast and yes/no questions and the summary are filled by ask_intents.py."""
    from shuzhi.ai.nl import parse_question
    from shuzhi.service.ask_intents import apply_choice, complete, count_rows

    question = check_question(question)
    lex = lexicon(rt, None, db, user)
    st = _state(rt)
    key = f"{user.username}:{conversation}" if conversation else None
    with st.lock:
        previous = st.conversations.get(key) if key else None
    parsed = parse_question(question, lex, today=rt.settings.today_date(), previous=previous)
    parsed = apply_choice(parsed, choice, lex, rt.settings.today_date())
    if rt.settings.llm_url and parsed.clarify is None and (parsed.spec is None or parsed.unknown):
        _llm_fallback(rt, question, lex, parsed)
    conversation = conversation or uuid.uuid4().hex
    with st.lock:
        st.conversations[f"{user.username}:{conversation}"] = parsed
        while len(st.conversations) > MAX_CONVERSATIONS:
            st.conversations.pop(next(iter(st.conversations)))
    answer = {"conversation_id": conversation, **parsed.to_dict(), "result": None}
    if parsed.spec is not None:
        result = query(rt, parsed.spec, user, purpose="ui", db=db, freshness=True)
        answer["result"] = result.to_json_obj()
        count_rows(parsed, answer, lex)
    complete(rt, user, parsed, answer, lex, db)
    return answer
