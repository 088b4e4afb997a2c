"""Engines: the only layer that runs SQL. Every engine returns pyarrow.Table."""
