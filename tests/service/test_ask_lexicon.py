"""Question lexicons (service/ask_lexicon.py): built once per model version, data version and rule
signature across requests and threads; a data change or a model change gives a new one; kept on disk,
where a second process (a new runtime, the real `shuzhi ask`) loads it and a stale or broken file is
rebuilt; row rules still bind the values a loaded lexicon knows."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading

import duckdb
import pytest

import cli_zygote
from shuzhi.ai.nl import parse_question
from shuzhi.catalog.semantic import get_model, save_model
from shuzhi.demo import build_demo
from shuzhi.demo.semantic import install_demo_model
from shuzhi.runtime import Runtime
from shuzhi.service import ask_lexicon
from shuzhi.service.ask import ask
from shuzhi.spec.resolve import UserContext

TODAY = dt.date(2026, 11, 26)
EAST = UserContext("hd_viewer", "viewer", {"region": "华东"})
QUESTIONS = ["上个月华东区各产品线销售额", "今年销售额前五的客户", "what is our revenue by region", "苏州仓的库存数量",
             "各大区毛利率同比"]


@pytest.fixture
def rt(settings):  # type: ignore[no-untyped-def]
    settings.ensure_home()
    con = duckdb.connect(str(settings.warehouse_path))
    build_demo(con, scale=0.01, seed=3, end=dt.date(2026, 10, 31), today=TODAY)
    con.close()
    r = Runtime(settings)
    r.start(create_admin=False)
    r.warehouse().open()  # read-write, as the one-worker server holds it: the tests change the data through it
    with r.catalog.session() as s:
        install_demo_model(s)
    yield r
    r.close()


def _values(lex, ds: str, f: str) -> set:  # type: ignore[no-untyped-def,type-arg]
    return {e.key[2] for entries in lex.terms.values() for e in entries
            if e.kind == "value" and e.key[0] == ds and e.key[1] == f}


def _files(rt) -> list:  # type: ignore[no-untyped-def,type-arg]
    return sorted(ask_lexicon.cache_dir(rt).glob("*.pickle"))


def _fresh(settings) -> Runtime:  # type: ignore[no-untyped-def]
    """A runtime with nothing in memory: what a new process starts with."""
    r = Runtime(settings)
    r.start(create_admin=False)
    return r


def test_built_once_across_requests_and_users_of_one_signature(rt) -> None:  # type: ignore[no-untyped-def]
    st = ask_lexicon.state(rt)
    first = ask(rt, "各大区销售额", UserContext.system())
    assert first["result"]["rows"]
    lex = ask_lexicon.lexicon(rt)
    for q in QUESTIONS:
        ask(rt, q, UserContext.system())
    assert ask_lexicon.lexicon(rt, None, None, UserContext("someone", "admin", {})) is lex  # same rules, same one
    assert st.built == 1 and st.loaded == 0
    east = ask_lexicon.lexicon(rt, None, None, EAST)
    assert east is not lex and _values(east, "customers", "region") == {"华东"}
    assert ask_lexicon.lexicon(rt, None, None, UserContext("other", "viewer", {"region": "华东"})) is east
    assert st.built == 2 and len(_files(rt)) == 2


def test_concurrent_askers_wait_for_one_build(rt) -> None:  # type: ignore[no-untyped-def]
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(ask_lexicon.lexicon(rt))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 6 and all(x is got[0] for x in got)
    assert ask_lexicon.state(rt).built == 1


def test_a_data_change_gives_a_new_lexicon_even_before_a_checkpoint(rt) -> None:  # type: ignore[no-untyped-def]
    lex = ask_lexicon.lexicon(rt)
    assert "西域" not in _values(lex, "customers", "region")
    with rt.warehouse().cursor() as cur:  # a write DuckDB keeps in its write-ahead log for now
        cur.execute("UPDATE customers SET region = '西域' WHERE customer_id = (SELECT min(customer_id) FROM customers)")
    changed = ask_lexicon.lexicon(rt)
    assert changed is not lex and "西域" in _values(changed, "customers", "region")
    assert ask_lexicon.state(rt).built == 2
    assert len(ask_lexicon.state(rt).lexicons) == 1  # the older data version's lexicon is gone
    with rt.warehouse().cursor() as cur:
        cur.execute("CHECKPOINT")
    assert ask_lexicon.lexicon(rt) is not changed  # the file changed: again a new data version
    answer = ask(rt, "西域的销售额", UserContext.system())
    assert any(w.get("value") == "西域" or "西域" in (w.get("values") or []) for w in answer["spec"]["where"])


def test_a_model_change_gives_a_new_lexicon(rt) -> None:  # type: ignore[no-untyped-def]
    lex = ask_lexicon.lexicon(rt)
    assert "营业进账" not in lex.terms
    with rt.catalog.session() as db:
        model, _ = get_model(db, "huajing")
        revenue = next(m for m in model.metrics if m.name == "revenue")
        revenue.synonyms = [*revenue.synonyms, "营业进账"]
        save_model(db, model, actor="t")
    changed = ask_lexicon.lexicon(rt)
    assert changed is not lex and "营业进账" in changed.terms
    assert ask(rt, "营业进账", UserContext.system())["spec"]["metrics"] == ["revenue"]


def test_a_new_runtime_loads_from_disk_and_answers_alike(rt, settings) -> None:  # type: ignore[no-untyped-def]
    built = ask_lexicon.lexicon(rt)
    built_east = ask_lexicon.lexicon(rt, None, None, EAST)
    rt.close()
    other = _fresh(settings)
    try:
        loaded = ask_lexicon.lexicon(other)
        loaded_east = ask_lexicon.lexicon(other, None, None, EAST)
        st = ask_lexicon.state(other)
        assert st.loaded == 2 and st.built == 0
        assert loaded.terms == built.terms and loaded.partial == built.partial
        # Row rules still bind what a loaded lexicon knows.
        assert _values(loaded_east, "customers", "region") == {"华东"} == _values(built_east, "customers", "region")
        assert _values(loaded_east, "customers", "customer_name") < _values(loaded, "customers", "customer_name")
        for q in QUESTIONS:
            assert loaded.tokenizer.lcut(q) == built.tokenizer.lcut(q)
            a, b = parse_question(q, loaded, today=TODAY), parse_question(q, built, today=TODAY)
            assert a.to_dict() == b.to_dict()
    finally:
        other.close()


def test_a_stale_or_broken_file_is_rebuilt(rt, settings) -> None:  # type: ignore[no-untyped-def]
    ask_lexicon.lexicon(rt)
    [old] = _files(rt)
    with rt.warehouse().cursor() as cur:
        cur.execute("UPDATE customers SET region = '西域' WHERE customer_id = (SELECT min(customer_id) FROM customers)")
        cur.execute("CHECKPOINT")
    rt.close()
    other = _fresh(settings)
    try:
        # The older data version's file put where the current one's belongs: its recorded key differs.
        from shuzhi.compile.row_scope import scope_signature
        from shuzhi.service.executor import Executor

        ex = Executor.open(other, UserContext.system(), purpose="ui")
        key = (ex.index.model.name, ex.version, ask_lexicon.data_version(ex), scope_signature(ex.index, UserContext.system()))
        current = ask_lexicon.cache_path(other, key, ex.index)
        assert current != old
        shutil.copyfile(old, current)
        lex = ask_lexicon.lexicon(other)
        assert ask_lexicon.state(other).built == 1 and "西域" in _values(lex, "customers", "region")
        # A file that does not load (cut short) is rebuilt too, without an error.
        ask_lexicon.state(other).lexicons.clear()
        current.write_bytes(current.read_bytes()[:1000])
        lex = ask_lexicon.lexicon(other)
        assert ask_lexicon.state(other).built == 2 and "西域" in _values(lex, "customers", "region")
        ask_lexicon.state(other).lexicons.clear()
        assert _values(ask_lexicon.lexicon(other), "customers", "region") == _values(lex, "customers", "region")
        assert ask_lexicon.state(other).loaded == 1  # the rewritten file is good
    finally:
        other.close()


def test_files_are_written_whole_and_private(rt) -> None:  # type: ignore[no-untyped-def]
    ask_lexicon.lexicon(rt)
    [f] = _files(rt)
    assert f.stat().st_mode & 0o777 == 0o600
    assert not list(ask_lexicon.cache_dir(rt).glob(".lexicon-*"))  # no temporary file left behind


def test_warm_builds_before_the_first_question(rt) -> None:  # type: ignore[no-untyped-def]
    ask_lexicon.warm(rt).join(timeout=120)
    st = ask_lexicon.state(rt)
    assert st.built == 1
    ask(rt, "上个月各大区销售额", UserContext.system())
    assert st.built == 1 and st.loaded == 0


@pytest.mark.slow
def test_shuzhi_ask_in_a_new_process_loads_the_file(rt) -> None:  # type: ignore[no-untyped-def]
    ask_lexicon.lexicon(rt)
    [f] = _files(rt)
    before = f.stat().st_mtime_ns
    rt.close()  # the CLI opens the warehouse itself
    p = cli_zygote.run(["ask", "各大区销售额", "--format", "json"], env={**os.environ, "SHUZHI_LANG": "zh"}, timeout=300)
    assert p.returncode == 0, p.stderr
    assert '"华东"' in p.stdout
    assert _files(rt) == [f] and f.stat().st_mtime_ns == before  # read, not built and written again


def test_a_file_of_another_model_definition_with_the_same_version_is_not_used(rt) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from shuzhi.compile.row_scope import scope_signature
    from shuzhi.model.index import ModelIndex
    from shuzhi.service.executor import Executor

    ask_lexicon.lexicon(rt)
    ex = Executor.open(rt, UserContext.system(), purpose="ui")
    key = (ex.index.model.name, ex.version, ask_lexicon.data_version(ex), scope_signature(ex.index, UserContext.system()))
    assert ask_lexicon._load(rt, key, ex) is not None
    model = ex.index.model.model_copy(deep=True)  # e.g. a new metadata database next to the same warehouse
    model.metrics[0].synonyms = [*model.metrics[0].synonyms, "营业进账"]
    other = dataclasses.replace(ex, index=ModelIndex.build(model))
    assert ask_lexicon._load(rt, key, other) is None
