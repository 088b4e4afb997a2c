"""Database connections: the kinds Shuzhi knows, URLs built from parts, and secret-safe messages.

Invariants
- A connection is stored as parts (kind, host, port, database, username, options) plus a password
  kept apart (encrypted by shuzhi.auth.secrets); the SQLAlchemy URL is built here, only when a
  connection is opened, and never rendered with its password except for the driver itself.
- `redact()` removes the password (raw and URL-encoded) from any text before a user or a log sees it.
- A kind is usable when its driver module is installed and the settings allow it (SHUZHI_ALLOWED_DIALECTS,
  default: every installed kind), so an administrator can forbid, e.g., sqlite file paths on a server.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from sqlalchemy.engine import URL

from shuzhi.errors import ShuzhiError


@dataclass(frozen=True)
class Kind:
    """A database kind: its SQLAlchemy driver name, default port and the compiler's dialect.

    sql_dialect is the shuzhi.compile dialect used for direct query (None: extract only)."""

    name: str
    label: str
    drivername: str
    driver_module: str
    pip: str
    default_port: int | None
    sql_dialect: str | None
    server: bool = True  # False: a file path instead of host/port (sqlite)
    extra_query: dict[str, str] = field(default_factory=dict)


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("postgresql", "PostgreSQL", "postgresql+psycopg", "psycopg", "psycopg[binary]", 5432, "postgres"),
    Kind("mysql", "MySQL", "mysql+pymysql", "pymysql", "pymysql", 3306, "mysql",
         extra_query={"charset": "utf8mb4"}),
    Kind("mariadb", "MariaDB", "mysql+pymysql", "pymysql", "pymysql", 3306, "mysql",
         extra_query={"charset": "utf8mb4"}),
    Kind("doris", "Apache Doris", "mysql+pymysql", "pymysql", "pymysql", 9030, "mysql",
         extra_query={"charset": "utf8mb4"}),
    Kind("starrocks", "StarRocks", "mysql+pymysql", "pymysql", "pymysql", 9030, "mysql",
         extra_query={"charset": "utf8mb4"}),
    Kind("sqlite", "SQLite", "sqlite", "sqlite3", "(built in)", None, None, server=False),
    Kind("mssql", "SQL Server", "mssql+pymssql", "pymssql", "pymssql", 1433, None),
    Kind("oracle", "Oracle", "oracle+oracledb", "oracledb", "oracledb", 1521, None),
    Kind("clickhouse", "ClickHouse", "clickhouse+http", "clickhouse_sqlalchemy", "clickhouse-sqlalchemy", 8123,
         None),
    Kind("trino", "Trino", "trino", "trino", "trino[sqlalchemy]", 8080, None),
)}


def installed_kinds() -> list[str]:
    """Kinds whose driver module can be imported in this environment."""
    return [k.name for k in KINDS.values() if importlib.util.find_spec(k.driver_module) is not None]


def allowed_kinds(allowed: str | None) -> list[str]:
    """Installed kinds, narrowed to the comma-separated `allowed` list when it is set."""
    kinds = installed_kinds()
    if allowed and allowed.strip():
        wanted = {a.strip().lower() for a in allowed.split(",") if a.strip()}
        kinds = [k for k in kinds if k in wanted]
    return kinds


def check_kind(kind: str, allowed: str | None) -> Kind:
    k = (kind or "").strip().lower()
    if k not in KINDS:
        raise ShuzhiError("connection_kind_unknown",
                          f"未知的数据库类型「{kind}」，可选：{'、'.join(KINDS)}。",
                          f"Unknown database kind '{kind}'; choose one of {', '.join(KINDS)}.")
    usable = allowed_kinds(allowed)
    if k not in usable:
        info = KINDS[k]
        if importlib.util.find_spec(info.driver_module) is None:
            raise ShuzhiError("connection_driver_missing",
                              f"{info.label} 的驱动未安装：请在服务器上执行 pip install {info.pip}。",
                              f"The {info.label} driver is not installed: run pip install {info.pip} on the server.")
        raise ShuzhiError("connection_kind_not_allowed",
                          f"管理员未允许连接 {info.label}（SHUZHI_ALLOWED_DIALECTS）。",
                          f"Connections to {info.label} are not allowed here (SHUZHI_ALLOWED_DIALECTS).", 403)
    return KINDS[k]


@dataclass(frozen=True)
class ConnectionParts:
    """Everything about a connection except its password."""

    kind: str
    host: str | None = None
    port: int | None = None
    database: str | None = None
    username: str | None = None
    options: dict[str, str] = field(default_factory=dict)


_HOST = re.compile(r"^[A-Za-z0-9._:\-\[\]]{1,253}$")
_OPTION_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def check_parts(parts: ConnectionParts, allowed: str | None) -> ConnectionParts:
    """Validate the parts of a connection; returns them normalized (kind lower-case, default port)."""
    kind = check_kind(parts.kind, allowed)
    port = parts.port
    if kind.server:
        if not parts.host or not _HOST.match(parts.host):
            raise ShuzhiError("connection_host_invalid", "请填写有效的主机名或 IP 地址。",
                              "Give a valid host name or IP address.")
        if port is None:
            port = kind.default_port
        if port is not None and not 0 < int(port) < 65536:
            raise ShuzhiError("connection_port_invalid", "端口必须在 1–65535 之间。", "The port must be 1–65535.")
    elif not parts.database:
        raise ShuzhiError("connection_database_missing", f"{kind.label} 需要数据库文件路径（database）。",
                          f"{kind.label} needs the database file path (database).")
    for key in parts.options:
        if not _OPTION_KEY.match(key):
            raise ShuzhiError("connection_option_invalid", f"连接选项名「{key}」无效。",
                              f"The connection option name '{key}' is invalid.")
    return ConnectionParts(kind.name, parts.host if kind.server else None, port if kind.server else None,
                           parts.database, parts.username if kind.server else None, dict(parts.options))


def build_url(parts: ConnectionParts, password: str | None) -> URL:
    """The SQLAlchemy URL of a connection (the password is only ever in this object)."""
    kind = KINDS[parts.kind]
    query = {**kind.extra_query, **{k: str(v) for k, v in parts.options.items()}}
    if not kind.server:
        return URL.create(kind.drivername, database=parts.database, query=query)
    return URL.create(kind.drivername, username=parts.username or None, password=password or None,
                      host=parts.host, port=parts.port, database=parts.database or None, query=query)


def display_url(parts: ConnectionParts) -> str:
    """A URL for people: never contains the password."""
    return build_url(parts, "***" if parts.username else None).render_as_string(hide_password=True)


def redact(text: str, password: str | None) -> str:
    """`text` with every form of `password` replaced by ***."""
    if not password:
        return text
    for form in {password, quote_plus(password), quote_plus(password).replace("+", "%20")}:
        if form:
            text = text.replace(form, "***")
    return text


def connect_args(kind: str, timeout_s: int) -> dict[str, Any]:
    """Driver arguments that bound how long opening a connection may take."""
    if kind == "postgresql":
        return {"connect_timeout": timeout_s}
    if kind in ("mysql", "mariadb", "doris", "starrocks"):
        return {"connect_timeout": timeout_s, "read_timeout": max(timeout_s, 600)}
    if kind == "mssql":
        return {"login_timeout": timeout_s}
    return {}
