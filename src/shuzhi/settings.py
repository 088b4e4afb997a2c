"""All configuration in one place (environment variables prefixed SHUZHI_).

SHUZHI_HOME holds the embedded warehouse (warehouse.duckdb), the default metadata store
(meta.db) and logs/. Everything else derives from this object; no other module reads the
environment.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shuzhi.errors import ShuzhiError

DEFAULT_TZ = "Asia/Shanghai"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHI_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".shuzhi")
    metadata_url: str | None = None
    today: date | None = None
    timezone: str = DEFAULT_TZ

    duckdb_memory_limit: str = "4GB"
    duckdb_threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))

    host: str = "127.0.0.1"
    port: int = 8000

    admin_password: str | None = None
    session_ttl_hours: float = 12.0
    cookie_secure: bool = False
    login_max_failures: int = 5
    login_window_minutes: float = 15.0
    login_lockout_minutes: float = 15.0
    token_default_days: int | None = None

    query_timeout_s: float = 60.0
    row_cap_ui: int = 50_000
    row_cap_api: int = 200_000
    row_cap_export: int = 1_000_000
    cache_max_mb: int = 256
    # File imports: the largest upload POST /api/v1/imports/preview accepts, in MB (kept in uploads/).
    upload_max_mb: int = 1024

    # Optional LLM help for questions the offline parser cannot fully understand (off when unset).
    llm_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout_s: float = 20.0

    # Database connections (sources/databases): the key that encrypts stored passwords (a Fernet key or
    # any passphrase; default: a generated key file SHUZHI_HOME/secret.key, mode 0600), the kinds that
    # may be connected (comma-separated, default every installed driver), and extract batching.
    secret_key: str | None = None
    allowed_dialects: str | None = None
    connect_timeout_s: int = 10
    extract_batch_rows: int = 50_000
    direct_cache_s: int = 60

    # -- bounded work (issue 12): request bodies, insights (Excel limits are constants in sources/files/excel.py)
    # The largest request body in MB (JSON and forms); file uploads use upload_max_mb instead.
    body_max_mb: float = Field(default=2.0, gt=0)
    # Forecasts and anomaly checks: most series × periods (a forecast adds its horizon), and wall time.
    insight_forecast_max_points: int = Field(default=30_000, ge=1)
    insight_anomaly_max_points: int = Field(default=300_000, ge=1)
    insight_timeout_s: float = Field(default=60.0, gt=0)

    log_level: str = "INFO"
    log_json_stderr: bool = False

    @field_validator("home", mode="before")
    @classmethod
    def _expand_home(cls, v: object) -> object:
        if isinstance(v, str) and v:
            return Path(v).expanduser()
        return v

    @field_validator("today", mode="before")
    @classmethod
    def _empty_today(cls, v: object) -> object:
        return None if v == "" else v

    # -- derived paths -------------------------------------------------------------------
    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def meta_path(self) -> Path:
        return self.home / "meta.db"

    @property
    def secret_key_path(self) -> Path:
        return self.home / "secret.key"

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def effective_metadata_url(self) -> str:
        return self.metadata_url or f"sqlite:///{self.meta_path}"

    def today_date(self, timezone: str | None = None) -> date:
        """'Today' for relative dates: SHUZHI_TODAY when set, else the date now in `timezone`
        (default: SHUZHI_TIMEZONE, Asia/Shanghai)."""
        if self.today is not None:
            return self.today
        return datetime.now(ZoneInfo(timezone or self.timezone)).date()

    def ensure_home(self) -> Path:
        """Create SHUZHI_HOME and logs/ if needed; fail with a clear message if unusable."""
        home = self.home
        if home.exists() and not home.is_dir():
            raise ShuzhiError(
                "home_not_a_directory",
                f"SHUZHI_HOME 指向的 {home} 不是文件夹，请改为一个文件夹路径。",
                f"SHUZHI_HOME points to {home}, which is not a folder; set it to a folder path.",
            )
        try:
            home.mkdir(parents=True, exist_ok=True)
            self.logs_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise ShuzhiError(
                "home_not_writable",
                f"无法创建数据目录 {home}：{exc.strerror}。请检查权限或设置 SHUZHI_HOME。",
                f"Cannot create the data folder {home}: {exc.strerror}. Check permissions or set SHUZHI_HOME.",
            ) from None
        if not os.access(home, os.W_OK | os.X_OK):
            raise ShuzhiError(
                "home_not_writable",
                f"数据目录 {home} 不可写，请检查权限或设置 SHUZHI_HOME。",
                f"The data folder {home} is not writable; check permissions or set SHUZHI_HOME.",
            )
        return home


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic ValidationError: show which variable is wrong
        raise ShuzhiError(
            "bad_settings",
            f"环境变量配置有误：{_first_line(exc)}",
            f"Invalid configuration in SHUZHI_* environment variables: {_first_line(exc)}",
        ) from None


def _first_line(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for e in errors():
            loc = "SHUZHI_" + "_".join(str(p) for p in e.get("loc", ())).upper()
            parts.append(f"{loc}: {e.get('msg')}")
        return "; ".join(parts)
    return str(exc).splitlines()[0]
