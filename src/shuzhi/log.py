"""Structured logging: JSON lines in SHUZHI_HOME/logs/shuzhi.log, short lines on stderr.

Every record carries the request_id bound for the current request (structlog contextvars),
so one id ties the access line, errors and audit events of a request together.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

import structlog

_configured: Path | None = None


def configure_logging(logs_dir: Path | None, level: str = "INFO", json_stderr: bool = False) -> None:
    """Idempotent per logs_dir; safe to call from the CLI and the app factory."""
    global _configured
    if _configured == (logs_dir or Path("-")):
        return
    _configured = logs_dir or Path("-")
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_shuzhi", False):
            root.removeHandler(h)
    json_fmt = structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        foreign_pre_chain=shared,
    )
    console_fmt = structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback),
        ],
        foreign_pre_chain=shared,
    )
    if logs_dir is not None:
        fh = logging.handlers.RotatingFileHandler(
            logs_dir / "shuzhi.log", maxBytes=20 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
        fh.setFormatter(json_fmt)
        fh._shuzhi = True  # type: ignore[attr-defined]
        root.addHandler(fh)
    sh = logging.StreamHandler(sys.stderr)
    sh.setFormatter(json_fmt if json_stderr else console_fmt)
    sh.setLevel(logging.WARNING if not json_stderr else getattr(logging, level.upper(), logging.INFO))
    sh._shuzhi = True  # type: ignore[attr-defined]
    root.addHandler(sh)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    for noisy in ("alembic", "uvicorn.access", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
