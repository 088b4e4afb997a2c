"""ai.nl.tokenizer: lexicons share jieba's dictionary (their own words in front of it), and the SQLite
copy a one-question process looks words up in (engines.word_table) segments exactly as the loaded
dictionary does."""

from __future__ import annotations

from collections import ChainMap
from pathlib import Path

import jieba

from shuzhi.ai.nl import tokenizer as T
from shuzhi.engines import word_table

TEXTS = ["上个月华东区各产品线销售额是多少", "今年销售额前五的客户有哪些", "苏州仓的伺服电机库存数量",
         "为什么11月销售额涨了", "去年和今年各大区毛利率对比", "在途商机的金额", "what is our revenue"]


def test_lexicons_share_the_dictionary_and_keep_their_own_words() -> None:
    a, b = T.new_tokenizer(), T.new_tokenizer()
    a.add_word("途商机", freq=2_000_000)
    assert a.FREQ.maps[1] is b.FREQ.maps[1]  # one dictionary per process
    assert "途商机" in a.FREQ and "途商机" not in b.FREQ
    words, total = T.own_words(a)
    assert words["途商机"] == 2_000_000 and "途商" in words and total == b.total + 2_000_000
    again = T.restore(words, total)
    for text in TEXTS:
        assert again.lcut(text) == a.lcut(text)


def test_the_looked_up_dictionary_segments_alike(tmp_path: Path) -> None:
    freq, total = T.base_dictionary()
    path = tmp_path / "jieba.sqlite"
    assert word_table.write(path, freq, total)
    table = word_table.open_table(path)
    assert table is not None and not list(tmp_path.glob(".words-*"))
    assert table.total == total and len(table) == len(freq)
    loaded, looked_up = jieba.Tokenizer(), jieba.Tokenizer()
    for tok, base in ((loaded, freq), (looked_up, table)):
        tok.FREQ, tok.total, tok.initialized = ChainMap({}, base), total, True
        tok.add_word("华东区", freq=2_000_000)
    for text in TEXTS:
        assert looked_up.lcut(text) == loaded.lcut(text)
        assert looked_up.lcut(text, HMM=False) == loaded.lcut(text, HMM=False)
    assert table.get("销售") == freq["销售"] and table.get("没有这个词吧") is None


def test_a_table_that_is_not_one_is_not_opened(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database")
    assert word_table.open_table(bad) is None and word_table.open_table(tmp_path / "missing.sqlite") is None
