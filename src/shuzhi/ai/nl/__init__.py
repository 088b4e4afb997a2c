"""Offline natural-language questions → QuerySpec (see README.md and docs/ask.md)."""

from shuzhi.ai.nl.chart import recommend_chart
from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.parser import parse_question
from shuzhi.ai.nl.types import ParseResult

__all__ = ["Lexicon", "ParseResult", "parse_question", "recommend_chart"]
