"""The ask use case: a question → QuerySpec (never SQL) → an answer run as the asker, with how it was
understood.

Invariants
- A question is 1–500 characters after trimming; anything else is refused with bad_question.
- The vocabulary (ai.nl.Lexicon) holds the dimension values the asker may see: it is read through the
  executor with their row and column rules, and kept once per model version, data version and rule
  signature (users whom the same rendered rules bind share one; at most 16 signatures per model), in
  the process and on disk (service/ask_lexicon.py).
- Follow-ups refine the previous answer of the same conversation (per user; the last 1000 kept).
- With SHUZHI_LLM_URL set, a question the offline parser could not fully read is offered to the
  model for rephrasing only; the rephrasings are read by the offline parser (service/ask_llm.py), and
  the parser's answer stands when none is read completely.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.errors import ShuzhiError
from shuzhi.service import ask_lexicon
from shuzhi.service.query import query
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

MAX_CONVERSATIONS = 1000


@dataclass
class AskState:
    """The process's conversations (one per runtime; the lexicons: service/ask_lexicon.py)."""

    conversations: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _state(rt: Runtime) -> AskState:
    return rt.attached("ask", AskState)


def lexicon(rt: Runtime, name: str | None = None, db: Session | None = None, user: UserContext | None = None) -> Any:
    """The NL vocabulary of a model version and the dimension values `user` may see (default: the
    system, every value): built once per model version, data version and rule signature, in the
    process and on disk (service/ask_lexicon.py)."""
    return ask_lexicon.lexicon(rt, name, db, user)


def check_question(question: str | None) -> str:
    question = (question or "").strip()
    if not question or len(question) > 500:
        raise ShuzhiError("bad_question", "请输入 1–500 个字的问题。", "Ask a question of 1–500 characters.")
    return question


def ask(rt: Runtime, question: str, user: UserContext, *, conversation: str | None = None,
        db: Session | None = None, choice: int | None = None) -> dict[str, Any]:
    """Answer a question: parse it over the model into a QuerySpec (never SQL), run that spec as
    `user` (row rules apply), and say how it was understood. Follow-ups refine the previous answer
    of the same conversation. `choice` N answers the question's clarification with its Nth choice;
    why, forecast and yes/no questions and the summary are filled by ask_intents.py."""
    from shuzhi.ai.nl import parse_question
    from shuzhi.service.ask_intents import apply_choice, complete
    from shuzhi.service.ask_llm import llm_rephrased
    from shuzhi.service.ask_shapes import count_rows

    question = check_question(question)
    lex = lexicon(rt, None, db, user)
    st = _state(rt)
    key = f"{user.username}:{conversation}" if conversation else None
    with st.lock:
        previous = st.conversations.get(key) if key else None
    parsed = parse_question(question, lex, today=rt.settings.today_date(), previous=previous)
    parsed = llm_rephrased(rt, question, lex, parsed)  # only with SHUZHI_LLM_URL set (service/ask_llm.py)
    parsed = apply_choice(parsed, choice, lex, rt.settings.today_date())
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
