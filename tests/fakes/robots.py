"""Local fake chat robots (DingTalk, WeCom, Feishu) and a webhook sink, for tests of anything that sends.

Each fake is a real HTTP server on 127.0.0.1 (a free port) that implements its provider's request
format and checks signatures exactly as the provider documents them, answering in the provider's own
error format when something is wrong (DingTalk/WeCom {"errcode", "errmsg"}, Feishu {"code", "msg"}).
What it accepted is in `.received` (the parsed JSON bodies, in order); `.rejected` keeps the refusals.
`fail_next(n, status)` makes the next n requests answer that HTTP status (to test retries).

    with FakeDingTalk(secret="SEC...") as ding:
        url = ding.url            # .../robot/send?access_token=...
        ...
        assert ding.received[0]["msgtype"] == "markdown"
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from shuzhi_testing import free_port


class _FakeServer:
    path = "/"

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []  # every request: path, query, headers, raw body
        self._fail: list[int] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                parts = urlsplit(self.path)
                req = {
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "headers": dict(self.headers),
                    "raw": raw,
                }
                with fake._lock:
                    fake.requests.append(req)
                    fail = fake._fail.pop(0) if fake._fail else None
                if fail is not None:
                    self._answer(fail, {"error": "injected failure"})
                    return
                status, body = fake.handle(req)
                self._answer(status, body)

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, n: int, status: int = 503) -> None:
        with self._lock:
            self._fail += [status] * n

    def handle(self, req: dict[str, Any]) -> tuple[int, Any]:
        raise NotImplementedError

    def _json(self, req: dict[str, Any]) -> Any:
        try:
            return json.loads(req["raw"].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None

    def __enter__(self) -> _FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeDingTalk(_FakeServer):
    """DingTalk custom robot: POST /robot/send?access_token=…[&timestamp=…&sign=…] (加签)."""

    def __init__(self, secret: str | None = None, token: str | None = None) -> None:
        super().__init__()
        self.secret, self.token = secret, token or uuid.uuid4().hex

    @property
    def url(self) -> str:
        return f"{self.base}/robot/send?access_token={self.token}"

    def _refuse(self, code: int, msg: str, body: Any) -> tuple[int, Any]:
        self.rejected.append({"errcode": code, "errmsg": msg, "body": body})
        return 200, {"errcode": code, "errmsg": msg}

    def handle(self, req: dict[str, Any]) -> tuple[int, Any]:
        q = req["query"]
        body = self._json(req)
        if req["path"] != "/robot/send" or q.get("access_token", [""])[0] != self.token:
            return self._refuse(300001, "token is not exist", body)
        if self.secret is not None:
            ts, sign = q.get("timestamp", [""])[0], q.get("sign", [""])[0]  # parse_qs url-decodes sign
            if not ts.isdigit() or abs(int(ts) - time.time() * 1000) > 3600_000:
                return self._refuse(310000, "sign not match, more: timestamp is invalid", body)
            expected = base64.b64encode(
                hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest()
            ).decode()
            if not hmac.compare_digest(sign, expected):
                return self._refuse(310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc]", body)
        if not isinstance(body, dict) or body.get("msgtype") not in (
            "text",
            "markdown",
            "link",
            "actionCard",
        ):
            return self._refuse(40035, "缺少参数 json", body)
        if body["msgtype"] == "markdown" and not (
            body.get("markdown", {}).get("title") and body.get("markdown", {}).get("text")
        ):
            return self._refuse(40035, "缺少参数 markdown.title or markdown.text", body)
        self.received.append(body)
        return 200, {"errcode": 0, "errmsg": "ok"}


class FakeWeCom(_FakeServer):
    """WeCom group robot: POST /cgi-bin/webhook/send?key=… and /cgi-bin/webhook/upload_media?key=…&type=file."""

    def __init__(self, key: str | None = None) -> None:
        super().__init__()
        self.key = key or str(uuid.uuid4())
        self.media: dict[str, tuple[str, bytes]] = {}  # media_id → (filename, bytes)

    @property
    def url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={self.key}"

    def _refuse(self, code: int, msg: str, body: Any = None) -> tuple[int, Any]:
        self.rejected.append({"errcode": code, "errmsg": msg, "body": body})
        return 200, {"errcode": code, "errmsg": msg}

    def handle(self, req: dict[str, Any]) -> tuple[int, Any]:
        q = req["query"]
        if q.get("key", [""])[0] != self.key:
            return self._refuse(93000, "invalid webhook url, hint: [key is invalid]")
        if req["path"] == "/cgi-bin/webhook/upload_media":
            return self._upload(req)
        if req["path"] != "/cgi-bin/webhook/send":
            return 404, {"errcode": 404, "errmsg": "not found"}
        body = self._json(req)
        if not isinstance(body, dict):
            return self._refuse(40001, "invalid json", None)
        kind = body.get("msgtype")
        if kind == "markdown":
            content = (body.get("markdown") or {}).get("content") or ""
            if not content or len(content.encode("utf-8")) > 4096:
                return self._refuse(40058, "markdown.content exceed max length 4096", body)
        elif kind == "image":
            img = body.get("image") or {}
            try:
                data = base64.b64decode(img.get("base64") or "", validate=True)
            except ValueError:
                return self._refuse(40009, "invalid image base64", body)
            if len(data) > 2 * 1024 * 1024:
                return self._refuse(40009, "invalid image size", body)
            if hashlib.md5(data).hexdigest() != img.get("md5"):  # noqa: S324 - WeCom's checksum
                return self._refuse(301019, "media md5 not match", body)
        elif kind == "file":
            if (body.get("file") or {}).get("media_id") not in self.media:
                return self._refuse(40007, "invalid media_id", body)
        elif kind != "text":
            return self._refuse(40008, "invalid message type", body)
        self.received.append(body)
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _upload(self, req: dict[str, Any]) -> tuple[int, Any]:
        if req["query"].get("type", [""])[0] != "file":
            return self._refuse(40004, "invalid media type")
        ctype = req["headers"].get("Content-Type") or req["headers"].get("content-type") or ""
        msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + req["raw"])
        for part in msg.iter_parts() if msg.is_multipart() else []:
            if part.get_param("name", header="content-disposition") == "media":
                data = part.get_payload(decode=True) or b""
                if len(data) <= 5:
                    return self._refuse(40006, "invalid media size")
                media_id = uuid.uuid4().hex
                self.media[media_id] = (part.get_filename() or "", data)
                return 200, {
                    "errcode": 0,
                    "errmsg": "ok",
                    "type": "file",
                    "media_id": media_id,
                    "created_at": str(int(time.time())),
                }
        return self._refuse(41001, "media data missing")


class FakeFeishu(_FakeServer):
    """Feishu custom bot: POST /open-apis/bot/v2/hook/<id>; with 签名校验, body "timestamp" and "sign"."""

    def __init__(self, secret: str | None = None, hook: str | None = None) -> None:
        super().__init__()
        self.secret, self.hook = secret, hook or str(uuid.uuid4())

    @property
    def url(self) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{self.hook}"

    def _refuse(self, code: int, msg: str, body: Any) -> tuple[int, Any]:
        self.rejected.append({"code": code, "msg": msg, "body": body})
        return 200, {"code": code, "msg": msg, "data": {}}

    def handle(self, req: dict[str, Any]) -> tuple[int, Any]:
        body = self._json(req)
        if req["path"] != f"/open-apis/bot/v2/hook/{self.hook}":
            return self._refuse(19001, "param invalid: incoming webhook access token invalid", body)
        if not isinstance(body, dict):
            return self._refuse(9499, "Bad Request", body)
        if self.secret is not None:
            ts, sign = str(body.get("timestamp") or ""), str(body.get("sign") or "")
            expected = base64.b64encode(
                hmac.new(f"{ts}\n{self.secret}".encode(), b"", hashlib.sha256).digest()
            ).decode()
            if (
                not ts.isdigit()
                or abs(int(ts) - time.time()) > 3600
                or not hmac.compare_digest(sign, expected)
            ):
                return self._refuse(
                    19021, "sign match fail or timestamp is not within one hour from current time", body
                )
        if body.get("msg_type") not in ("text", "post", "image", "share_chat", "interactive"):
            return self._refuse(19002, "params error, msg_type need", body)
        if body["msg_type"] == "interactive" and not isinstance(body.get("card"), dict):
            return self._refuse(11246, "create message content fail: card is empty", body)
        self.received.append(body)
        return 200, {"code": 0, "msg": "success", "data": {}}


class FakeWebhook(_FakeServer):
    """A receiver of generic webhooks: checks X-Shuzhi-Signature (sha256=<hex HMAC of the raw body>) when
    it has a secret; 401 for a bad one."""

    def __init__(self, secret: str | None = None) -> None:
        super().__init__()
        self.secret = secret

    @property
    def url(self) -> str:
        return f"{self.base}/hooks/shuzhi"

    def handle(self, req: dict[str, Any]) -> tuple[int, Any]:
        if self.secret is not None:
            got = req["headers"].get("X-Shuzhi-Signature") or ""
            want = "sha256=" + hmac.new(self.secret.encode(), req["raw"], hashlib.sha256).hexdigest()
            if not hmac.compare_digest(got, want):
                self.rejected.append({"status": 401, "body": req["raw"]})
                return 401, {"error": "bad signature"}
        self.received.append(self._json(req))
        return 200, {"ok": True}
