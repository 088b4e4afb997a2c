"""The QuerySpec contract and its resolution against a model (pure: no I/O)."""
