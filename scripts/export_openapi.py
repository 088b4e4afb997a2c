"""Write the API's OpenAPI document to frontend/openapi.json (the web client is generated from it).

Runs the app factory without starting a server, against a throw-away SHUZHI_HOME, so it needs no
demo data and no running services:  python scripts/export_openapi.py [--check]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "frontend" / "openapi.json"


def generate() -> str:
    """The app's OpenAPI document as stable, pretty-printed JSON text (ends with a newline)."""
    with tempfile.TemporaryDirectory(prefix="shuzhi-openapi-") as home:
        saved = {k: os.environ.get(k) for k in ("SHUZHI_HOME", "SHUZHI_ADMIN_PASSWORD")}
        os.environ["SHUZHI_HOME"] = home
        os.environ.setdefault("SHUZHI_ADMIN_PASSWORD", "openapi-export-only-1")
        try:
            from shuzhi.api import create_app
            from shuzhi.settings import Settings

            app = create_app(Settings(), start=False)
            doc = app.openapi()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    text = generate()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run `python scripts/export_openapi.py`", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
