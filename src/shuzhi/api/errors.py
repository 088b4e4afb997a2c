"""Every error the API returns is {"error": {"code", "message", "request_id"}}.

The message is Chinese or English by Accept-Language. Unexpected exceptions are logged with
their traceback and answered with a generic 500 carrying the request id, never the trace.
Messages never carry server paths (runtime/redact.py) and stay short whatever the input: at most
1,000 characters, and validation errors list the first four distinct problems without the input.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shuzhi.api.body_limit import BodyTooLarge, refusal
from shuzhi.api.i18n import pick_language
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger
from shuzhi.runtime.redact import redact_error
from shuzhi.spec.messages import name_branch, zh_problem

log = get_logger("shuzhi.api")

_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求无效。", "Bad request."),
    401: ("not_authenticated", "请先登录。", "Please log in."),
    403: ("forbidden", "没有权限。", "Forbidden."),
    404: ("not_found", "找不到请求的资源。", "The requested resource was not found."),
    405: ("method_not_allowed", "不支持该请求方法。", "Method not allowed."),
    413: ("payload_too_large", "请求内容过大。", "The request body is too large."),
    415: ("unsupported_media_type", "不支持的内容类型，请发送 JSON。", "Unsupported content type; send JSON."),
}


_MAX_PROBLEMS = 4
_MAX_MESSAGE = 1000
_MAX_TEXT = 160


def _branch_name(part: object) -> bool:
    return isinstance(part, str) and ("[" in part or part[:1].isupper())


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def error_body(code: str, message: str, request: Request, details: Any = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    rid = getattr(request.state, "request_id", None)
    if rid:
        err["request_id"] = rid
    if details:
        err["details"] = details
    return {"error": err}


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ShuzhiError)
    async def _shuzhi(request: Request, exc: ShuzhiError) -> JSONResponse:
        if exc.status >= 500:
            log.error("request_failed", code=exc.code, detail=exc.en)  # the log keeps server paths
        rt = getattr(request.app.state, "runtime", None)
        exc = redact_error(exc, rt.settings.home if rt is not None else "")  # users do not see them
        message = exc.message(_lang(request))
        if len(message) > _MAX_MESSAGE:  # a message that quotes a huge input stays short
            message = message[: _MAX_MESSAGE - 1] + "…"
        return JSONResponse(
            error_body(exc.code, message, request, exc.details or None),
            status_code=exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = _lang(request)
        fields: list[dict[str, str]] = []
        # The first few distinct problems, clipped: a hostile body (deep trees, huge lists) must not
        # produce a huge answer, and the input itself is never echoed (pydantic's `input` is left out).
        # Union branch names (Condition, AndNode, function-after[...]) are dropped from paths.
        errors = [e for e in exc.errors() if not name_branch(e)] or list(exc.errors())
        first = ""
        for e in errors:
            loc = ".".join(str(p) for p in e.get("loc", ())
                           if p not in ("body", "query", "path") and not _branch_name(p))
            item = {"field": _clip(loc), "problem": _clip(str(e.get("msg", "")).removeprefix("Value error, "))}
            if item not in fields:
                fields.append(item)
            if not first:  # the first problem itself, in the asked language
                first = _clip(zh_problem(e.get("type", ""), item["problem"], e.get("ctx"))
                              if lang == "zh" else item["problem"])
            if len(fields) == _MAX_PROBLEMS:
                break
        unique = list(dict.fromkeys(f["field"] for f in fields))
        names = "、".join(f or "请求体" for f in unique) if lang == "zh" else ", ".join(f or "body" for f in unique)
        msg = f"请求参数有误：{names}（{first}）。" if lang == "zh" else f"Invalid request parameters: {names} ({first})."
        return JSONResponse(error_body("invalid_request", msg, request, fields), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, BodyTooLarge):  # a streamed body over its limit (api/body_limit.py)
            code, msg = refusal(exc.limit_mb, exc.upload, _lang(request))
            return JSONResponse(error_body(code, msg, request), status_code=413, headers={"Connection": "close"})
        code, zh, en = _HTTP_MESSAGES.get(exc.status_code, ("http_error", "请求失败。", "Request failed."))
        msg = en if _lang(request) == "en" else zh
        return JSONResponse(
            error_body(code, msg, request), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        rid = getattr(request.state, "request_id", "")
        if _lang(request) == "en":
            msg = f"Internal error. Tell your administrator the request id {rid}."
        else:
            msg = f"服务器内部错误。请把请求编号 {rid} 告诉管理员。"
        return JSONResponse(error_body("internal_error", msg, request), status_code=500)
