"""Optional LLM help, against a fake OpenAI-compatible server on 127.0.0.1: the LLM only rephrases. Its
rephrasings are read by the offline parser: one complete reading answers (marked, confidence ≤ 0.7), two
are a question back, none (garbage, SQL, HTTP errors, timeouts) leaves the parser's own answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shuzhi.ai.nl.llm import describe_model, endpoint, extract_json, llm_rephrase, rephrasings
from shuzhi_testing import free_port

ANSWERS: dict[str, Any] = {
    "one": json.dumps({"rephrasings": ["上个月销售额"]}),
    "fenced": "Here you are:\n```json\n" + json.dumps({"rephrasings": ["上个月各大区销售额", "上个月各大区销售额"]}) + "\n```",
    "two": json.dumps({"rephrasings": ["上个月销售额", "上个月销量"]}),
    "sql": json.dumps({"rephrasings": ["SELECT * FROM customers"]}),
    "none": json.dumps({"rephrasings": []}),
    "garbage": "I think revenue went up, probably {not json",
}
SEEN: list[dict[str, Any]] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        SEEN.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        mode = body["model"]
        if mode == "slow":
            time.sleep(1.5)
        if mode == "http-500":
            self.send_response(500)
            self.end_headers()
            return
        if mode == "not-openai":
            out = b"<html>hello</html>"
        else:
            content = ANSWERS.get(mode, ANSWERS["one"])
            out = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()
    srv.server_close()


def _rephrase(env: dict[str, Any], url: str, model: str, timeout: float = 5.0, key: str | None = "k-123") -> Any:
    return llm_rephrase("上个月流水多少", env["lex"], env["today"], url=url, api_key=key, model=model, timeout=timeout)


def test_rephrasings_are_returned_and_the_request_is_well_formed(server: str, nl_env: dict[str, Any]) -> None:
    SEEN.clear()
    assert _rephrase(nl_env, server, "one") == ["上个月销售额"]
    assert _rephrase(nl_env, server, "fenced") == ["上个月各大区销售额"]  # duplicates dropped
    req = SEEN[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer k-123"
    assert req["body"]["temperature"] == 0 and "上个月流水多少" in req["body"]["messages"][1]["content"]
    assert "销售额" in req["body"]["messages"][1]["content"]  # the model's words are shown, not its SQL
    assert "SQL" in req["body"]["messages"][0]["content"]


@pytest.mark.parametrize("mode", ["garbage", "http-500", "not-openai", "none"])
def test_bad_answers_give_nothing(server: str, nl_env: dict[str, Any], mode: str) -> None:
    assert _rephrase(nl_env, server, mode) == []


def test_timeout_gives_nothing_quickly(server: str, nl_env: dict[str, Any]) -> None:
    t = time.perf_counter()
    assert _rephrase(nl_env, server, "slow", timeout=0.3) == []
    assert time.perf_counter() - t < 1.4


def test_unreachable_or_unset_gives_nothing(nl_env: dict[str, Any]) -> None:
    SEEN.clear()
    assert _rephrase(nl_env, f"http://127.0.0.1:{free_port()}/v1", "x", timeout=1) == []
    assert _rephrase(nl_env, None, "x") == [] and _rephrase(nl_env, "file:///etc/passwd", "x") == []
    assert not SEEN


def test_helpers(nl_env: dict[str, Any]) -> None:
    assert endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert endpoint("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
    assert extract_json('noise {"rephrasings": ["a"]} tail') == {"rephrasings": ["a"]}
    assert rephrasings({"rephrasings": ["q", " a  b ", 3, "a b", "x" * 300]}, "q") == ["a b"]
    desc = describe_model(nl_env["lex"])
    assert any("销售额" in m for m in desc["metrics"]) and desc["dimensions"]


@pytest.fixture
def llm_rt(ask_rt: Any, server: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(ask_rt.settings, "llm_url", server)
    monkeypatch.setattr(ask_rt.settings, "llm_model", "one")
    monkeypatch.setattr(ask_rt.settings, "llm_timeout_s", 5.0)
    return ask_rt


def test_one_reading_answers_marked_and_below_confident(llm_rt: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from shuzhi.service.ask import ask
    from shuzhi.spec.resolve import UserContext

    a = ask(llm_rt, "上个月流水多少", UserContext.system())
    assert a["spec"]["metrics"] == ["revenue"] and a["result"]["rows"] and a["confidence"] <= 0.7
    assert any(c["kind"] == "source" and "上个月销售额" in c["text"] for c in a["interpretation"])
    SEEN.clear()
    ask(llm_rt, "上个月销售额", UserContext.system())  # read completely offline: the LLM is not asked
    assert not SEEN


def test_two_readings_ask_back_and_a_choice_answers(llm_rt: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from shuzhi.service.ask import ask
    from shuzhi.spec.resolve import UserContext

    monkeypatch.setattr(llm_rt.settings, "llm_model", "two")
    a = ask(llm_rt, "上个月流水多少", UserContext.system())
    assert a["spec"] is None and a["result"] is None
    assert [c["text"] for c in a["clarify"]["choices"]] == ["上个月销售额", "上个月销量"]
    b = ask(llm_rt, "上个月流水多少", UserContext.system(), choice=2)
    assert b["spec"]["metrics"] == ["sales_quantity"] and b["result"]["rows"]


def test_sql_or_nothing_leaves_the_parser_answer(llm_rt: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from shuzhi.service.ask import ask
    from shuzhi.spec.resolve import UserContext

    for mode in ("sql", "garbage"):
        monkeypatch.setattr(llm_rt.settings, "llm_model", mode)
        a = ask(llm_rt, "上个月流水多少", UserContext.system())
        assert not any(c.get("value") == "llm" for c in a["interpretation"])
        assert a["spec"] is None or a["confidence"] < 0.75
