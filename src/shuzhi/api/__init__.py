"""The HTTP API: thin FastAPI routers over the service layers (no SQL here)."""

from shuzhi.api.app import create_app

__all__ = ["create_app"]
