"""Pure parts: URL building, kinds, redaction, the secret box and its key file."""

from __future__ import annotations

import os

import pytest

from shuzhi.auth.secrets import SecretBox
from shuzhi.errors import ShuzhiError
from shuzhi.settings import Settings
from shuzhi.sources.databases import ConnectionParts, build_url, check_parts, display_url, redact


def test_urls_are_built_from_parts_and_shown_without_the_password() -> None:
    p = check_parts(ConnectionParts("doris", "10.0.0.5", None, "dw", "bi"), None)
    assert p.port == 9030
    url = build_url(p, "p@ss:/word")
    assert url.drivername == "mysql+pymysql" and url.password == "p@ss:/word" and url.query["charset"] == "utf8mb4"
    assert "p@ss" not in display_url(p) and display_url(p).startswith("mysql+pymysql://bi:***@10.0.0.5:9030/dw")
    assert build_url(check_parts(ConnectionParts("sqlite", database="/data/erp.db"), None), None).database \
        == "/data/erp.db"


@pytest.mark.parametrize(("parts", "code"), [
    (ConnectionParts("db2", "h"), "connection_kind_unknown"),
    (ConnectionParts("postgresql", "bad host;"), "connection_host_invalid"),
    (ConnectionParts("postgresql", "h", 70000), "connection_port_invalid"),
    (ConnectionParts("sqlite"), "connection_database_missing"),
    (ConnectionParts("postgresql", "h", options={"x;y": "1"}), "connection_option_invalid"),
])
def test_bad_parts_are_refused(parts: ConnectionParts, code: str) -> None:
    with pytest.raises(ShuzhiError) as ei:
        check_parts(parts, None)
    assert ei.value.code == code and ei.value.zh and ei.value.en


def test_kinds_outside_the_allowed_list_or_without_a_driver_are_refused() -> None:
    with pytest.raises(ShuzhiError) as ei:
        check_parts(ConnectionParts("mysql", "h"), "postgresql, sqlite")
    assert ei.value.code == "connection_kind_not_allowed" and ei.value.status == 403
    with pytest.raises(ShuzhiError) as ei:
        check_parts(ConnectionParts("oracle", "h"), None)  # oracledb is not installed here
    assert ei.value.code == "connection_driver_missing" and "pip install oracledb" in ei.value.en


def test_redact_removes_raw_and_url_encoded_passwords() -> None:
    assert redact("failed for p@ss w0rd and p%40ss+w0rd", "p@ss w0rd") == "failed for *** and ***"
    assert redact("nothing", None) == "nothing"


def test_secret_box_key_file_and_key_setting(settings: Settings) -> None:
    box = SecretBox.from_settings(settings)
    token = box.seal("口令-secret")
    assert "secret" not in token and box.open(token) == "口令-secret"
    key = settings.secret_key_path
    assert (key.stat().st_mode & 0o777) == 0o600
    os.chmod(key, 0o644)  # too open: fixed on next use, same key
    assert SecretBox.from_settings(settings).open(token) == "口令-secret"
    assert (key.stat().st_mode & 0o777) == 0o600
    other = SecretBox.from_settings(settings.model_copy(update={"secret_key": "a passphrase from the vault"}))
    with pytest.raises(ShuzhiError) as ei:
        other.open(token)
    assert ei.value.code == "secret_undecryptable"
    assert other.open(other.seal("x")) == "x"
