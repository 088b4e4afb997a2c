"""Pictures served to robots that show images by URL only (DingTalk markdown, Feishu's link).

store() keeps a PNG under a random token (32 bytes, URL-safe) and returns the token; the public route
GET /api/v1/channel-images/{token}.png (api/routers/channels.py) serves it without a login until it
expires, like a share link: whoever has the message has the picture, nobody can guess another.
Only the token's SHA-256 is stored. Expired pictures are removed whenever a new one is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shuzhi.catalog.channels import ChannelImage
from shuzhi.catalog.models import utcnow

ROUTE = "/api/v1/channel-images/{token}.png"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def store(db: Session, png: bytes, days: int) -> str:
    now = utcnow()
    db.execute(delete(ChannelImage).where(ChannelImage.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.add(ChannelImage(token_hash=_hash(token), data=png, expires_at=now + dt.timedelta(days=days)))
    db.flush()
    return token


def url(public_url: str, token: str) -> str:
    return public_url.rstrip("/") + ROUTE.format(token=token)


def load(db: Session, token: str) -> bytes | None:
    """The picture, or None when the token is unknown or expired."""
    if not token or len(token) > 64:
        return None
    img = db.scalar(select(ChannelImage).where(ChannelImage.token_hash == _hash(token)))
    if img is None or img.expires_at <= utcnow():
        return None
    return img.data
