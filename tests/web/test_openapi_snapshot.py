"""frontend/openapi.json (the source of the generated TypeScript client) must match the app."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _exporter():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("export_openapi", ROOT / "scripts" / "export_openapi.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_openapi_snapshot_is_current() -> None:
    snapshot = ROOT / "frontend" / "openapi.json"
    assert snapshot.is_file(), "frontend/openapi.json is missing: run `python scripts/export_openapi.py`"
    current = json.loads(_exporter().generate())
    saved = json.loads(snapshot.read_text(encoding="utf-8"))
    assert saved == current, (
        "frontend/openapi.json differs from the API the app generates: run `python scripts/export_openapi.py` "
        "and rebuild the web app (npm run build regenerates src/api/schema.d.ts)"
    )
