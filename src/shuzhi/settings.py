"""All configuration in one place (environment variables prefixed SHUZHI_).

SHUZHI_HOME holds the embedded warehouse (warehouse.duckdb), the default metadata store
(meta.db) and logs/. Everything else derives from this object; no other module reads the
environment.
"""

from __future__ import annotations

import os
import re
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
    # The warehouse (docs/warehouse.md): unset, the embedded DuckDB file SHUZHI_HOME/warehouse.duckdb;
    # postgresql+psycopg://…, mysql+pymysql://… or sc://… an external one. Never shown: it may hold a password.
    warehouse_url: str | None = Field(default=None, repr=False)
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

    # -- sign-in hardening (issue 12)
    # Reverse proxies whose X-Forwarded-For / X-Real-IP are believed: comma-separated IPs or CIDRs
    # (e.g. "127.0.0.1, 10.0.0.0/8"); empty trusts none and the connection's peer is the client.
    trusted_proxies: str = ""
    # The longest an API token may live, in days; a token created without a lifetime gets
    # SHUZHI_TOKEN_DEFAULT_DAYS, or this when that is unset or longer.
    token_max_days: int = Field(default=365, ge=1, le=3650)

    query_timeout_s: float = 60.0
    row_cap_ui: int = 50_000
    row_cap_api: int = 200_000
    row_cap_export: int = 1_000_000
    cache_max_mb: int = 256
    # -- several instances (issue 18, docs/deployment.md): a Redis shared by every instance holds the
    # query cache (in front of it each process keeps its own LRU of cache_max_mb) and carries the
    # invalidation when data changes. None: the cache lives in this process only.
    redis_url: str | None = None
    redis_prefix: str = "shuzhi"  # key prefix of this deployment (several deployments may share one Redis)
    redis_cache_ttl_s: int = Field(default=3600, ge=1)  # how long a result stays in Redis
    redis_cache_max_kb: int = Field(default=8192, ge=1)  # larger results stay in the process only
    # A scheduled run is claimed with a lease its instance renews while it runs; a lease not renewed
    # for this long (a dead instance) lets another instance take the run over.
    schedule_lease_s: float = Field(default=90.0, ge=5)
    scheduler_period_s: float = Field(default=5.0, gt=0, le=60)  # how often the server looks for due schedules
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

    # -- concurrency (issue 12) -- sized from the machine; see docs/configuration.md.
    # Requests served at once per process (the rest wait in a bounded queue, then get 503 +
    # Retry-After); worker threads and metadata connections are derived from it so an admitted
    # request never waits for either.
    max_concurrent_requests: int = Field(default_factory=lambda: 2 * max(1, os.cpu_count() or 1) + 2, ge=1)
    max_queued_requests: int = Field(default_factory=lambda: 200 * max(1, os.cpu_count() or 1), ge=0)
    queue_timeout_s: float = Field(default=10.0, gt=0)
    retry_after_s: int = Field(default=2, ge=1)
    # Warehouse queries of one dashboard request run in a process-wide pool of this many threads.
    dashboard_query_threads: int = Field(default_factory=lambda: 2 * max(1, os.cpu_count() or 1), ge=1)
    # `shuzhi serve` answers the most viewed dashboards in the background at start (service/warmup.py).
    warm_up: bool = True
    metadata_pool_size: int | None = Field(default=None, ge=1)  # default: worker threads + query threads + 4
    metadata_pool_timeout_s: float = Field(default=10.0, gt=0)
    workers: int = Field(default=1, ge=1, le=64)  # `shuzhi serve --workers`; > 1 opens the warehouse read-only

    # -- sign-in with LDAP / Active Directory (issue 19; docs/auth.md). Unset URL: local passwords only.
    ldap_url: str | None = None  # ldap://host:389 or ldaps://host:636
    ldap_base_dn: str | None = None  # where people and groups are searched, e.g. dc=huajing,dc=com
    ldap_bind_dn: str | None = None  # the service account that searches (None: anonymous search)
    ldap_bind_password: str | None = Field(default=None, repr=False)
    ldap_user_filter: str = "(|(uid={username})(sAMAccountName={username}))"
    ldap_group_roles: str | None = None  # JSON: {"cn=bi-admins,ou=groups,dc=huajing,dc=com": "admin", "bi-editors": "editor"}
    ldap_default_role: str | None = "viewer"  # people in no mapped group ("" refuses them)
    ldap_attributes: str | None = None  # JSON: directory attribute -> Shuzhi attribute, e.g. {"l": "region"}
    ldap_org_root: str | None = None  # the department path people's organisational units hang under, e.g. 华精科技
    ldap_sync_cron: str | None = "0 2 * * *"  # org sync from the directory (service/directory_sync.py); "" turns it off

    # -- audit log (issue 19): events older than this many days are removed (0 keeps everything; the
    # default keeps three years, beyond the six months China's Cybersecurity Law asks for).
    audit_retention_days: int = Field(default=1095, ge=0)

    # -- sandboxed warehouse (issue 12): administrator SQL (POST /api/v1/sql, `shuzhi sql`) streams at
    # most sql_row_cap rows and sql_result_max_mb of Arrow data, and is cancelled after sql_timeout_s.
    sql_row_cap: int = Field(default=10_000, ge=1)
    sql_result_max_mb: int = Field(default=64, ge=1)
    sql_timeout_s: float = Field(default=30.0, gt=0)
    # -- bounded work (issue 12): request bodies, insights (Excel limits are constants in sources/files/excel.py)
    # The largest request body in MB (JSON and forms); file uploads use upload_max_mb instead.
    body_max_mb: float = Field(default=2.0, gt=0)
    # Forecasts and anomaly checks: most series × periods (a forecast adds its horizon), and wall time.
    insight_forecast_max_points: int = Field(default=30_000, ge=1)
    insight_anomaly_max_points: int = Field(default=300_000, ge=1)
    insight_timeout_s: float = Field(default=60.0, gt=0)
    # 专精特新 self-assessment (issue 17): a criteria file to use instead of the packaged one
    # (shuzhi/ai/innovation/assess_criteria.yaml), e.g. with a province's own 细则.
    assess_rules: Path | None = None

    # -- delivery channels (issue 15): the address people reach this server at (links in messages, pictures
    # served to DingTalk), e.g. https://bi.example.com; sends' timeout, tries per request, and the first
    # backoff between tries (doubling); a channel whose last channel_failing_after sends failed is flagged.
    public_url: str | None = None
    channel_timeout_s: float = Field(default=10.0, gt=0, le=120)
    channel_max_attempts: int = Field(default=3, ge=1, le=10)
    channel_backoff_s: float = Field(default=2.0, ge=0, le=300)
    channel_failing_after: int = Field(default=3, ge=1, le=100)
    channel_image_days: int = Field(default=7, ge=1, le=365)
    # -- dashboard rendering (issue 15, delivery/render.py): the headless Chromium that draws PDF/PNG exports
    # (never downloaded: Debian's /usr/bin/chromium by default) and the longest a render may take.
    chromium_path: Path = Path("/usr/bin/chromium")
    render_timeout_s: float = Field(default=90.0, gt=0)

    log_level: str = "INFO"
    log_json_stderr: bool = False

    # -- browser security headers (issue 12): who may frame the web app (CSP frame-ancestors sources,
    # space-separated, e.g. "'self' https://portal.example.com"; default 'none' = nobody, X-Frame-Options DENY).
    frame_ancestors: str = "'none'"

    # -- publishing (issue 15): share links and embed URLs start with public_url when it is set, else with
    # the address `shuzhi serve` uses by default (links_base).
    # Share links (docs/delivery/share.md): lifetime when --days is not given, and the longest allowed.
    share_default_days: int = Field(default=7, ge=1, le=3650)
    share_max_days: int = Field(default=365, ge=1, le=3650)
    # Embedding: who may frame the /embed/ pages (CSP frame-ancestors sources, like SHUZHI_FRAME_ANCESTORS;
    # only /embed/ pages use it), and the lifetime of guest tokens in minutes (default and longest).
    embed_frame_ancestors: str = "'self'"
    embed_token_minutes: int = Field(default=10, ge=1, le=1440)
    embed_token_max_minutes: int = Field(default=1440, ge=1, le=10080)

    # -- request cost (issue 12): seconds a browser session's principal stays cached in a server
    # process (auth/session_cache.py; 0 = off). Changes made in this process apply at once; another
    # worker process or the CLI sees them after at most this long. Kept a few seconds at most.
    session_cache_seconds: float = Field(default=2.0, ge=0, le=10)

    @field_validator("frame_ancestors", "embed_frame_ancestors")
    @classmethod
    def _frame_ancestors(cls, v: str) -> str:
        return frame_ancestors(v)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, v: str | None) -> str | None:
        if not v or not v.strip():
            return None
        v = v.strip().rstrip("/")
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", v):
            raise ValueError(f"{v!r}: 应是 http(s):// 开头的地址，例如 https://bi.example.com / "
                             "must be an http(s):// address such as https://bi.example.com")
        return v

    @property
    def links_base(self) -> str:
        """Where links people open start: SHUZHI_PUBLIC_URL, else http://127.0.0.1:8000 (`shuzhi serve`'s default)."""
        return self.public_url or "http://127.0.0.1:8000"

    @field_validator("home", mode="before")
    @classmethod
    def _expand_home(cls, v: object) -> object:
        if isinstance(v, str) and v:
            return Path(v).expanduser()
        return v

    @field_validator("today", "redis_url", mode="before")
    @classmethod
    def _empty_today(cls, v: object) -> object:
        return None if v == "" else v

    # -- concurrency (issue 12) --------------------------------------------------------
    @property
    def worker_threads(self) -> int:
        """Threads for blocking request work: one per admitted request, plus a few for cleanup."""
        return self.max_concurrent_requests + 4

    @property
    def effective_metadata_pool_size(self) -> int:
        """Every thread that may touch the catalog at once can hold a connection without waiting."""
        return self.metadata_pool_size or self.worker_threads + self.dashboard_query_threads + 4

    # -- derived paths -------------------------------------------------------------------
    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def scratch_dir(self) -> Path:
        """With an external warehouse: where each process parses and stages files before loading them."""
        return self.home / "scratch"

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


# -- browser security headers (issue 12): a CSP source list ('self', 'none', scheme:, [scheme://]host[:port][/path])
_CSP_SOURCE = re.compile(r"'self'|'none'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[A-Za-z0-9.-]+(?::(?:\d{1,5}|\*))?(?:/[A-Za-z0-9._~/%-]*)?")


def frame_ancestors(value: str | None) -> str:
    """The validated frame-ancestors source list (default 'none'); ValueError when malformed — no `;`, `,` or
    control character can smuggle in another CSP directive."""
    sources = (value or "").split() or ["'none'"]
    if not all(_CSP_SOURCE.fullmatch(s) for s in sources) or ("'none'" in sources and len(sources) > 1):
        raise ValueError(f"{value!r}: 请用空格分隔的来源，例如 'self' https://portal.example.com，或 'none' / "
                         "use space-separated sources such as 'self' https://portal.example.com, or 'none'")
    return " ".join(sources)


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
