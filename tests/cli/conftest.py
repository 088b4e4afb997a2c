"""Fixtures for CLI tests (the helpers live in cli_helpers.py)."""

from cli_helpers import cli  # noqa: F401  (re-exported fixture)
