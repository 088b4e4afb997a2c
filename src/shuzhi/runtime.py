"""The process's shared resources: settings, the metadata catalog and the warehouse.

One Runtime per process. start() makes SHUZHI_HOME usable, applies catalog migrations and
creates the first admin on a fresh install; it returns that admin's generated password so the
caller can print it exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from shuzhi.auth.users import ensure_first_admin
from shuzhi.catalog import Catalog
from shuzhi.engines.warehouse import Warehouse
from shuzhi.log import configure_logging
from shuzhi.settings import Settings


@dataclass
class StartInfo:
    admin_created: bool = False  # this start created the first admin
    admin_password: str | None = None  # its generated password (None if SHUZHI_ADMIN_PASSWORD)


@dataclass
class Runtime:
    settings: Settings
    _catalog: Catalog | None = field(default=None, init=False)
    _warehouse: Warehouse | None = field(default=None, init=False)

    def start(self, *, with_logging: bool = True) -> StartInfo:
        s = self.settings
        s.ensure_home()
        if with_logging:
            configure_logging(s.logs_dir, s.log_level, s.log_json_stderr)
        self.catalog.migrate()
        info = StartInfo()
        try:
            with self.catalog.session() as db:
                info.admin_created, info.admin_password = ensure_first_admin(db, s.admin_password)
        except IntegrityError:
            # Another process created the first admin at the same moment: nothing to print.
            info = StartInfo()
        return info

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self.settings.effective_metadata_url)
        return self._catalog

    def warehouse(self, *, read_only: bool = False, external_access: bool = True) -> Warehouse:
        """The process's warehouse handle (opened lazily, read-write unless asked otherwise)."""
        if self._warehouse is None:
            s = self.settings
            self._warehouse = Warehouse(
                s.warehouse_path,
                read_only=read_only,
                memory_limit=s.duckdb_memory_limit,
                threads=s.duckdb_threads,
                external_access=external_access,
            )
        return self._warehouse

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None
        if self._catalog is not None:
            self._catalog.dispose()
            self._catalog = None
