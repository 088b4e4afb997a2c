"""Uploaded files waiting to be previewed and imported (SHUZHI_HOME/uploads/<id>/).

Invariants
- An upload id is 24 random hex characters; the folder holds `data` (the bytes, written to a
  temporary name and renamed when complete, so a half-written upload is never visible) and
  `meta.json` (original file name, size, owner, time).
- Uploads larger than SHUZHI_UPLOAD_MAX_MB are refused while streaming (nothing is kept), and
  only the user who uploaded a file (or an administrator) may use it.
- Uploads older than KEEP_HOURS are removed when a new one arrives.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from shuzhi.errors import ShuzhiError
from shuzhi.settings import Settings

KEEP_HOURS = 24
_ID = re.compile(r"^[0-9a-f]{24}$")


@dataclass
class Upload:
    id: str
    path: Path  # the bytes
    filename: str  # as the user named it
    size: int
    owner: str | None


def too_large(limit_mb: int) -> ShuzhiError:
    return ShuzhiError("upload_too_large", f"文件超过上传上限 {limit_mb} MB（SHUZHI_UPLOAD_MAX_MB）。",
                       f"The file exceeds the upload limit of {limit_mb} MB (SHUZHI_UPLOAD_MAX_MB).", 413)


def save_upload(settings: Settings, chunks: Iterable[bytes], filename: str, owner: str | None) -> Upload:
    """Store an upload from its byte chunks; refuses it as soon as it exceeds the size limit."""
    name = Path((filename or "upload").replace("\\", "/")).name[:200] or "upload"
    root = settings.uploads_dir
    root.mkdir(parents=True, exist_ok=True)
    _prune(root)
    uid = secrets.token_hex(12)
    folder = root / uid
    folder.mkdir()
    limit = settings.upload_max_mb * 1024 * 1024
    size = 0
    part = folder / "data.part"
    try:
        with open(part, "wb") as f:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_large(settings.upload_max_mb)
                f.write(chunk)
        if size == 0:
            raise ShuzhiError("empty_file", "文件是空的，没有可导入的数据。", "The file is empty; there is nothing to import.")
        part.rename(folder / "data")
        (folder / "meta.json").write_text(json.dumps({"filename": name, "size": size, "owner": owner,
                                                      "created": time.time()}, ensure_ascii=False), "utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Upload(uid, folder / "data", name, size, owner)


def get_upload(settings: Settings, upload_id: str, user: str | None, *, is_admin: bool = False) -> Upload:
    folder = settings.uploads_dir / upload_id if _ID.match(upload_id or "") else None
    if folder is None or not (folder / "meta.json").is_file() or not (folder / "data").is_file():
        raise ShuzhiError("upload_not_found", "找不到这个上传的文件（可能已过期），请重新上传。",
                          "This upload does not exist (it may have expired); upload the file again.", 404)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    if meta.get("owner") != user and not is_admin:
        raise ShuzhiError("upload_not_found", "找不到这个上传的文件（可能已过期），请重新上传。",
                          "This upload does not exist (it may have expired); upload the file again.", 404)
    return Upload(upload_id, folder / "data", meta["filename"], int(meta["size"]), meta.get("owner"))


def _prune(root: Path) -> None:
    cutoff = time.time() - KEEP_HOURS * 3600
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
