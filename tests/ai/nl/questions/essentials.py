"""Kept for old imports: the comparison now lives in the package (shuzhi.ai.nl.evaluate)."""

from shuzhi.ai.nl.evaluate import essentials, expected

__all__ = ["essentials", "expected"]
