"""Optional LLM help, against a fake OpenAI-compatible server on 127.0.0.1: a valid spec is returned,
anything else (invalid spec, unknown metric, SQL, garbage, HTTP errors, timeouts) gives None."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shuzhi.ai.nl.llm import describe_model, endpoint, extract_json, llm_assist
from shuzhi_testing import free_port

VALID = {"metrics": ["revenue"], "dimensions": ["customers.region"], "time_range": {"field": "time",
         "relative": "last_month"}, "order_by": [{"field": "revenue", "desc": True}], "limit": 5}
ANSWERS: dict[str, Any] = {
    "valid": json.dumps(VALID),
    "fenced": "Here you are:\n```json\n" + json.dumps({"spec": VALID}) + "\n```",
    "invalid": json.dumps({"metrics": ["revenue"], "limit": -3}),
    "unknown-metric": json.dumps({"metrics": ["employee_happiness"]}),
    "unknown-field": json.dumps({"metrics": ["revenue"], "dimensions": ["customers.shoe_size"]}),
    "sql": json.dumps({"metrics": ["revenue"], "sql": "SELECT 1"}),
    "other-model": json.dumps({"model": "elsewhere", "metrics": ["revenue"]}),
    "null": json.dumps({"spec": None}),
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
            content = ANSWERS.get(mode, ANSWERS["valid"])
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


def _ask(env: dict[str, Any], url: str, model: str, timeout: float = 5.0, key: str | None = "k-123") -> Any:
    return llm_assist("上个月销售额前五的大区", env["lex"], env["today"], url=url, api_key=key, model=model,
                      timeout=timeout)


def test_valid_spec_is_returned(server: str, nl_env: dict[str, Any]) -> None:
    SEEN.clear()
    assert _ask(nl_env, server, "valid") == VALID
    req = SEEN[-1]
    assert req["path"] == "/v1/chat/completions"
    assert req["auth"] == "Bearer k-123"
    prompt = json.dumps(req["body"]["messages"], ensure_ascii=False)
    for word in ("revenue", "销售额", "customers.region", "last_month", "percent_of_total", "quarter", "华东",
                 "2026-11-26", "上个月销售额前五的大区"):
        assert word in prompt
    assert "new_product_revenue\"" not in prompt  # hidden metrics are not offered


def test_fenced_answer_with_spec_key(server: str, nl_env: dict[str, Any]) -> None:
    assert _ask(nl_env, server, "fenced", key=None) == VALID
    assert SEEN[-1]["auth"] is None


@pytest.mark.parametrize("mode", ["invalid", "unknown-metric", "unknown-field", "sql", "other-model", "null",
                                  "garbage", "http-500", "not-openai"])
def test_bad_answers_give_none(server: str, nl_env: dict[str, Any], mode: str) -> None:
    assert _ask(nl_env, server, mode) is None


def test_timeout_gives_none_quickly(server: str, nl_env: dict[str, Any]) -> None:
    t0 = time.perf_counter()
    assert _ask(nl_env, server, "slow", timeout=0.3) is None
    assert time.perf_counter() - t0 < 1.2


def test_unreachable_or_unset_gives_none(nl_env: dict[str, Any]) -> None:
    port = free_port()  # nothing listens there
    assert _ask(nl_env, f"http://127.0.0.1:{port}/v1", "valid", timeout=1) is None
    assert _ask(nl_env, "", "valid") is None
    assert _ask(nl_env, "file:///etc/passwd", "valid") is None
    assert llm_assist("销售额", nl_env["lex"], nl_env["today"], url="http://127.0.0.1:1", api_key=None,
                      model=None, timeout=1) is None


def test_helpers(nl_env: dict[str, Any]) -> None:
    assert endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert endpoint("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
    assert extract_json('sure: {"metrics": ["revenue"]} ok') == {"metrics": ["revenue"]}
    d = describe_model(nl_env["lex"])
    assert "gross_margin" in d["metrics"] and "products.product_line" in d["dimensions"]
    assert len(json.dumps(d, ensure_ascii=False)) < 20_000
