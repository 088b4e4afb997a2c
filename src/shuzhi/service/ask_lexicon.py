"""Question lexicons, kept warm: built once per model version, data version and rule signature, kept
in the process and on disk, and built at server start in the background.

Invariants
- A lexicon (ai.nl.Lexicon) holds the dimension values its askers may see: they are read through the
  executor as the asker, row and column rules applied. Its key is (model, model version, data
  version, rule signature): users whom the same rendered rules bind share one; an older model or
  data version is never answered from (it is dropped when the current one is stored); at most 16
  signatures per model stay in the process.
- The data version of a model on the warehouse is the warehouse file's and its write-ahead log's size
  and modification time, so an import, a refresh or a dataset materialisation gives a new key, even
  before DuckDB checkpoints. A model with its own connection (direct mode: live data, which has no
  version) keeps its lexicon per warehouse version, as before, and never on disk.
- Single flight: concurrent askers of one key wait for one build (or one load from disk).
- On disk (models on the warehouse only): SHUZHI_HOME/cache/lexicons/<hash>.pickle, the hash of the
  key, the model's definition and the code signature (the source of shuzhi.ai.nl, of this module and
  of the model index; Shuzhi's, jieba's and Python's versions). The file records all three and is used
  only when they equal the current ones; one that does not load is ignored and rebuilt. Written to a
  temporary file in the same folder (mode 0600) and renamed, so readers never see half a file; the
  32 most recently written files are kept. The model index and jieba's general dictionary are not
  stored: the loader has the index, and the tokenizer keeps only its own words (ai.nl.tokenizer).
- A process that answers one question (`shuzhi ask`, one_question_process) looks jieba's dictionary up
  in SHUZHI_HOME/cache rather than loading it whole (ai.nl.tokenizer).
- warm(rt) builds the default model's lexicon for the system user (every value: an administrator's
  signature) and imports and exercises the parser, in a daemon thread; `shuzhi serve` calls it.
  A failure there is logged, never raised: the first question builds instead.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import platform
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.errors import ShuzhiError
from shuzhi.service.executor import Executor
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

MAX_SIGNATURES = 16
MAX_FILES = 32
FORMAT = 1  # of the pickled state; a change here makes every file on disk stale

Key = tuple[str, int, str, str]


@dataclass
class LexiconState:
    """The process's question lexicons (one per runtime) and what it did to get them."""

    lexicons: dict[Key, Any] = field(default_factory=dict)
    building: dict[Key, threading.Lock] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    built: int = 0    # lexicons built from the data
    loaded: int = 0   # lexicons read from disk


def state(rt: Runtime) -> LexiconState:
    return rt.attached("ask_lexicons", LexiconState)


def values_of(ex: Executor) -> Callable[[str, str, int], list[Any] | None]:
    """The lexicon's fetch_values(dataset, field, limit): the field's distinct non-null values as a
    QuerySpec answered by the executor as its user (row rules applied; a field the column rules deny,
    or a column missing from the data, gives None)."""

    def fetch(ds: str, f: str, limit: int) -> list[Any] | None:
        ref = f"{ds}.{f}"
        spec = {"dimensions": [ref], "where": [{"field": ref, "op": "not_null"}],
                "order_by": [{"field": ref}], "limit": limit}
        try:
            table = ex.run(spec, use_cache=False).table
        except ShuzhiError:
            return None
        return table.column(0).to_pylist() if table.num_columns else []

    return fetch


def data_version(ex: Executor) -> str:
    """The version of the data the executor reads (see the module invariants)."""
    if ex.index.model.connection:  # live data, not versioned: kept per warehouse version, as always
        return "direct+" + ex.rt.warehouse(read_only=True).open().data_version
    _, version = ex.engine()
    wal = Path(f"{ex.rt.settings.warehouse_path}.wal")
    try:
        st = wal.stat()
        return f"{version}+wal:{st.st_mtime_ns}:{st.st_size}"
    except OSError:
        return version


def lexicon(rt: Runtime, name: str | None = None, db: Session | None = None,
            user: UserContext | None = None) -> Any:
    """The NL vocabulary of a model's current version and the dimension values `user` may see
    (default: the system, every value)."""
    from shuzhi.compile.row_scope import scope_signature

    user = user or UserContext.system()
    ex = Executor.open(rt, user, model=name, purpose="ui", db=db)
    key: Key = (ex.index.model.name, ex.version, data_version(ex), scope_signature(ex.index, user))
    st = state(rt)
    with st.lock:
        lex = st.lexicons.get(key)
        if lex is not None:
            return lex
        gate = st.building.setdefault(key, threading.Lock())
    with gate:  # one build per key; the others wait for it
        try:
            return _get_or_build(rt, st, key, ex)
        finally:
            with st.lock:
                st.building.pop(key, None)


def _get_or_build(rt: Runtime, st: LexiconState, key: Key, ex: Executor) -> Any:
    with st.lock:
        lex = st.lexicons.get(key)
    if lex is None:
        on_disk = not ex.index.model.connection
        lex = _load(rt, key, ex) if on_disk else None
        if lex is None:
            from shuzhi.ai.nl import Lexicon

            lex = Lexicon.from_queries(ex.index, values_of(ex))
            with st.lock:
                st.built += 1
            if on_disk:
                _save(rt, key, lex)
        else:
            with st.lock:
                st.loaded += 1
        with st.lock:
            # Older versions of this model go; at most 16 rule signatures of the current one stay.
            st.lexicons = {k: v for k, v in st.lexicons.items() if k[0] != key[0] or k[:3] == key[:3]}
            while len([k for k in st.lexicons if k[0] == key[0]]) >= MAX_SIGNATURES:
                st.lexicons.pop(next(k for k in st.lexicons if k[0] == key[0]))
            st.lexicons[key] = lex
    return lex


def warm(rt: Runtime) -> threading.Thread:
    """Build the default model's lexicon and load the parser in the background (server start)."""

    def run() -> None:
        try:
            from shuzhi.ai.nl import parse_question

            lex = lexicon(rt)
            for q in ("上个月各大区销售额", "今年销售额前五的产品"):  # the parser's first-use work (patterns, cn2an)
                parse_question(q, lex, today=rt.settings.today_date())
        except Exception as exc:  # noqa: BLE001 - warming is an optimisation: the first question builds instead
            from shuzhi.log import get_logger

            get_logger(__name__).info("ask_lexicon_warm_failed", error=str(exc)[:300])

    thread = threading.Thread(target=run, name="ask-lexicon-warm", daemon=True)
    thread.start()
    return thread


def one_question_process(rt: Runtime) -> None:
    """This process answers one question and ends (`shuzhi ask`): jieba's dictionary is looked up word
    by word in SHUZHI_HOME/cache/<dictionary name>.sqlite (engines.word_table) instead of loaded whole;
    the first such process writes that table. Never for a server, whose lexicons segment many questions."""
    from shuzhi.ai.nl.tokenizer import dictionary_name, look_up_from
    from shuzhi.engines import word_table

    path = rt.settings.home / "cache" / f"{dictionary_name()}.sqlite"

    def lookup() -> tuple[word_table.WordTable, int] | None:
        table = word_table.open_table(path)  # None: missing or unreadable, loaded as usual and written again
        return None if table is None else (table, table.total)

    def store(words: Any, total: int) -> None:
        word_table.write(path, words, total)

    look_up_from(lookup, store)


# -- on disk ---------------------------------------------------------------------------------
_code: str | None = None


def code_signature() -> str:
    """A hash of what a stored lexicon depends on besides its key (see the module invariants)."""
    global _code
    if _code is None:
        import jieba

        import shuzhi
        from shuzhi.ai import nl
        from shuzhi.model import index

        h = hashlib.sha256(f"{FORMAT}:{shuzhi.__version__}:{jieba.__version__}:{platform.python_version()}".encode())
        files = sorted(Path(nl.__file__).parent.rglob("*.py")) + [Path(__file__), Path(index.__file__)]
        for p in files:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        _code = h.hexdigest()
    return _code


def cache_dir(rt: Runtime) -> Path:
    return rt.settings.home / "cache" / "lexicons"


def model_digest(index: Any) -> str:
    """A hash of the model's definition: a version number alone could name another definition (a new
    metadata database next to the same warehouse)."""
    return hashlib.sha256(index.model.model_dump_json().encode()).hexdigest()


def cache_path(rt: Runtime, key: Key, index: Any) -> Path:
    digest = hashlib.sha256(repr((key, model_digest(index), code_signature())).encode()).hexdigest()[:32]
    return cache_dir(rt) / f"{digest}.pickle"


def _load(rt: Runtime, key: Key, ex: Executor) -> Any:
    from shuzhi.ai.nl import Lexicon
    from shuzhi.ai.nl.tokenizer import restore

    path = cache_path(rt, key, ex.index)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new objects: no collection passes while they are made (half the time)
    try:
        stored = pickle.loads(data)  # noqa: S301 - written by this module under SHUZHI_HOME, mode 0600
        if (stored.get("key") != key or stored.get("code") != code_signature()
                or stored.get("model") != model_digest(ex.index)):
            return None
        lex = Lexicon.__new__(Lexicon)
        lex.__dict__.update(stored["state"])
        # the model's own index, extended with the lexicon's ad-hoc metrics (counts, field aggregates: ai.nl.measures)
        lex.model_index = ex.index
        lex.index = replace(ex.index, metrics={**ex.index.metrics, **stored.get("extra_metrics", {})})
        lex.tokenizer = restore(stored["words"], stored["total"])
        return lex
    except Exception as exc:  # noqa: BLE001 - a file that does not load is rebuilt
        from shuzhi.log import get_logger

        get_logger(__name__).warning("ask_lexicon_unreadable", path=str(path), error=str(exc)[:300])
        return None
    finally:
        if enabled:
            gc.enable()


def _save(rt: Runtime, key: Key, lex: Any) -> None:
    from shuzhi.ai.nl.tokenizer import own_words

    words, total = own_words(lex.tokenizer)
    own = lex.model_index
    extra = {n: m for n, m in lex.index.metrics.items() if n not in own.metrics}
    stored = {"key": key, "code": code_signature(), "model": model_digest(own), "words": words, "total": total,
              "extra_metrics": extra,
              "state": {k: v for k, v in lex.__dict__.items() if k not in ("index", "model_index", "tokenizer")}}
    folder = cache_dir(rt)
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".lexicon-", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as f:
            pickle.dump(stored, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_path(rt, key, own))
        tmp = None
        files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in files[MAX_FILES:]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only or full disk: the lexicon still serves this process
        from shuzhi.log import get_logger

        get_logger(__name__).warning("ask_lexicon_not_saved", folder=str(folder), error=str(exc)[:300])
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
