"""What every generator receives: the arguments and independent random streams.

Invariant: each subject area draws from its own numpy Generator seeded by (seed, crc32(name)),
so the same (seed, scale, end) always yields the same numbers, and changing how one module
draws never shifts the numbers of another. DuckDB's random() is never used (it is not
reproducible under multithreading).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from shuzhi.demo.calendar import Window


@dataclass(frozen=True)
class DemoContext:
    seed: int
    scale: float
    window: Window

    def rng(self, stream: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(stream.encode("utf-8"))])
