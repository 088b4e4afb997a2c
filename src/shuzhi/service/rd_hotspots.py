"""The hot-spot use case: patent topics, rising and falling ones, white spaces, the technology map,
and the per-field signals the allocation helper scores with.

    hotspots(rt, user, field=None, years=None)    # {"rising": [...], "falling": [...], "steady": [...], ...}
    whitespace(rt, user)                          # {"white_spaces": [...]}
    drill(rt, user, topic_id)                     # a topic's patents
    techmap(rt, user)                             # tech_field × year × applicant, applicant comparison
    field_signals(rt, user)                       # per tech_field: growth, company share, white space

Invariants
- Patents are read as QuerySpecs (dimensions only: one row per patent) run by the executor as the
  calling user, so row and column rules apply; no SQL here. The industry's patents come from the model's
  dataset `industry_patents`; a model without one is read through a variant of its index that adds the
  demo contract's table `industry_patents` (docs/DEMO_SCHEMA.md) as a plain dataset. When no industry
  patent carries the company's name, the model's `patents` (the company's own) are added under it.
- Mining (ai.innovation.mining: jieba, phrases, NMF/LDA) runs once per key (model, model version,
  data version, rule signature) — the key of the question lexicons (service.ask_lexicon) — with a
  single flight per key; the result is kept in the process (the current data version only, at most
  8 rule signatures) and on disk for warehouse models (SHUZHI_HOME/cache/hotspots/<hash>.pickle, the
  hash of the key, the model's definition and the source of ai.innovation and this module; written to a
  temporary file and renamed). Filters (field, years) and the lists are cheap and computed per request.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shuzhi.errors import ShuzhiError
from shuzhi.service.ask_lexicon import data_version, model_digest
from shuzhi.service.executor import Executor
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.ai.innovation.mining import Mined
    from shuzhi.model.index import ModelIndex
    from shuzhi.runtime import Runtime

COMPANY = "华精科技"  # the company's own applicant name (the demo's; docs/DEMO_SCHEMA.md)
DATASET = "industry_patents"
COLUMNS = ("patent_id", "applicant", "applicant_type", "country", "title", "abstract", "tech_field",
           "application_date")
MAX_SIGNATURES = 8
MAX_FILES = 16
Key = tuple[str, int, str, str]


@dataclass
class MinedState:
    mined: dict[Key, Any] = field(default_factory=dict)
    building: dict[Key, threading.Lock] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    built: int = 0
    loaded: int = 0


def state(rt: Runtime) -> MinedState:
    return rt.attached("rd_hotspots", MinedState)


# -- reading -------------------------------------------------------------------------------------
def _industry_index(idx: ModelIndex) -> ModelIndex | None:
    """None when the model has the dataset; else a variant with the demo contract's table added."""
    if DATASET in idx.datasets:
        return None
    from shuzhi.model.index import ModelIndex
    from shuzhi.model.schema import DatasetDef, FieldDef

    types = {"application_date": "date"}
    ds = DatasetDef(name=DATASET, table=DATASET, label="行业专利", label_en="Industry patents", primary_key=["patent_id"],
                    fields=[FieldDef(name=c, type=types.get(c, "string")) for c in COLUMNS])  # type: ignore[arg-type]
    return ModelIndex.build(idx.model.model_copy(update={"datasets": [*idx.model.datasets, ds]}))


def _spec(ds: str, cols: list[str]) -> dict[str, Any]:
    dims: list[Any] = [f"{ds}.{c}" for c in cols if c != "application_date"]
    dims.append({"name": "application_date", "field": f"{ds}.application_date", "grain": "day"})
    return {"dimensions": dims, "where": [{"field": f"{ds}.application_date", "op": "not_null"}]}


def read_patents(ex: Executor) -> list[dict[str, Any]]:
    """The industry's patents (and the company's own, see the invariants) as rows, as `ex`'s user."""
    variant = _industry_index(ex.index)
    idx = variant or ex.index
    cols = [c for c in COLUMNS if c in _field_names(idx, DATASET)]
    try:
        table = ex.run(_spec(DATASET, cols), index=variant, use_cache=False).table
    except ShuzhiError as exc:
        raise ShuzhiError("no_industry_patents", "没有可分析的行业专利数据（industry_patents）。请先运行 shuzhi demo 或导入该表。",
                          "There are no industry patents (industry_patents) to analyse. Run shuzhi demo or import the "
                          "table first.", 404, details={"cause": exc.code}) from None
    rows = _renamed(table.to_pylist(), DATASET)
    if not any(r.get("applicant") == COMPANY for r in rows) and "patents" in ex.index.datasets:
        own_cols = [c for c in ("patent_id", "title", "abstract", "tech_field", "application_date")
                    if c in _field_names(ex.index, "patents")]
        try:
            own = _renamed(ex.run(_spec("patents", own_cols), use_cache=False).table.to_pylist(), "patents")
        except ShuzhiError:
            own = []
        seen = {r["patent_id"] for r in rows}
        rows += [dict(r, applicant=COMPANY, applicant_type="企业", country="中国") for r in own if r["patent_id"] not in seen]
    return rows


def _field_names(idx: ModelIndex, ds: str) -> set[str]:
    return {f.name for f in idx.datasets[ds].fields}


def _renamed(rows: list[dict[str, Any]], ds: str) -> list[dict[str, Any]]:
    prefix = f"{ds}."
    return [{k.removeprefix(prefix): v for k, v in r.items()} for r in rows]


# -- the mined state, once per key -------------------------------------------------------------------
def code_signature() -> str:
    import shuzhi.ai.innovation as pkg

    h = hashlib.sha256()
    folder = Path(pkg.__file__).parent
    for p in sorted([*folder.glob("*.py"), Path(__file__)]):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def mined(rt: Runtime, user: UserContext) -> Mined:
    """The mined topics of the default model's patents as `user` sees them (cached, see the invariants)."""
    from shuzhi.compile.row_scope import scope_signature

    ex = Executor.open(rt, user, purpose="insight")
    key: Key = (ex.index.model.name, ex.version, data_version(ex), scope_signature(ex.index, user))
    st = state(rt)
    with st.lock:
        found = st.mined.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        gate = st.building.setdefault(key, threading.Lock())
    with gate:
        try:
            return _get_or_build(rt, st, key, ex)
        finally:
            with st.lock:
                st.building.pop(key, None)


def _get_or_build(rt: Runtime, st: MinedState, key: Key, ex: Executor) -> Mined:
    from shuzhi.ai.innovation.corpus import Corpus
    from shuzhi.ai.innovation.mining import mine

    with st.lock:
        found = st.mined.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    on_disk = not ex.index.model.connection and ex.version >= 0
    result = _load(rt, key, ex) if on_disk else None
    if result is None:
        rows = read_patents(ex)
        if not rows:
            raise ShuzhiError("no_industry_patents", "行业专利表是空的（或当前用户看不到任何一行）。",
                              "The industry patents table is empty (or this user may see none of its rows).", 404)
        result = mine(Corpus.from_rows(rows, company=COMPANY))
        with st.lock:
            st.built += 1
        if on_disk:
            _save(rt, key, ex, result)
    else:
        with st.lock:
            st.loaded += 1
    with st.lock:
        st.mined = {k: v for k, v in st.mined.items() if k[0] != key[0] or k[:3] == key[:3]}
        while len([k for k in st.mined if k[0] == key[0]]) >= MAX_SIGNATURES:
            st.mined.pop(next(k for k in st.mined if k[0] == key[0]))
        st.mined[key] = result
    return result


def _path(rt: Runtime, key: Key, ex: Executor) -> Path:
    digest = hashlib.sha256(repr((key, model_digest(ex.index), code_signature())).encode()).hexdigest()[:32]
    return rt.settings.home / "cache" / "hotspots" / f"{digest}.pickle"


def _load(rt: Runtime, key: Key, ex: Executor) -> Mined | None:
    try:
        data = _path(rt, key, ex).read_bytes()
    except OSError:
        return None
    try:
        stored = pickle.loads(data)  # noqa: S301 - written by this module under SHUZHI_HOME, mode 0600
        if stored.get("key") != key or stored.get("code") != code_signature():
            return None
        return stored["mined"]  # type: ignore[no-any-return]
    except Exception as exc:  # noqa: BLE001 - a file that does not load is mined again
        from shuzhi.log import get_logger

        get_logger(__name__).warning("rd_hotspots_unreadable", error=str(exc)[:300])
        return None


def _save(rt: Runtime, key: Key, ex: Executor, result: Mined) -> None:
    path = _path(rt, key, ex)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hotspots-", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as f:
            pickle.dump({"key": key, "code": code_signature(), "mined": result}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        files = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in files[MAX_FILES:]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only or full disk: the result still serves this process
        from shuzhi.log import get_logger

        get_logger(__name__).warning("rd_hotspots_not_saved", error=str(exc)[:300])
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


# -- the use cases ----------------------------------------------------------------------------------
def hotspots(rt: Runtime, user: UserContext, *, field: str | None = None, years: int | None = None) -> dict[str, Any]:
    from shuzhi.ai.innovation.trends import hotspots as run

    return run(mined(rt, user), field=field, years=years)


def whitespace(rt: Runtime, user: UserContext, *, field: str | None = None, years: int | None = None) -> dict[str, Any]:
    from shuzhi.ai.innovation.whitespace import whitespace as run

    return run(mined(rt, user), field=field, years=years)


def drill(rt: Runtime, user: UserContext, topic_id: str, *, field: str | None = None, years: int | None = None,
          offset: int = 0, limit: int = 50) -> dict[str, Any]:
    from shuzhi.ai.innovation.trends import drill as run

    return run(mined(rt, user), topic_id, field=field, years=years, offset=offset, limit=limit)


def techmap(rt: Runtime, user: UserContext, *, field: str | None = None, years: int | None = None) -> dict[str, Any]:
    from shuzhi.ai.innovation.whitespace import techmap as run

    return run(mined(rt, user), field=field, years=years)


def field_signals(rt: Runtime, user: UserContext) -> dict[str, dict[str, Any]]:
    """Per tech_field: industry growth, the company's share, the white-space flag (the allocation's input)."""
    from shuzhi.ai.innovation.whitespace import field_signals as run

    return run(mined(rt, user))
