"""industry_patents: the patent landscape of the industry around 华精科技 over six years.

Invariants:
- N_ROWS x max(scale, 1) rows (华精科技's rows included), application dates in the 72 months
  ending at `end`; filings grow INDUSTRY_GROWTH a year with a seasonal pattern.
- 华精科技's rows are exactly its `patents` rows (same patent_id, title, abstract, tech_field,
  dates); every other row belongs to one of the twelve other applicants of industry_text, with
  its field focus and growth; its sub-field topic follows the topic's trend (shares that grow,
  shrink or stay over the window, decided from the seed).
- Two planted facts (InnovationPlan, decided from the seed only):
  * emerging_topic: a term that never occurs in the background. Its rows are chosen by
    systematic sampling among a few driving applicants' rows, with a share of all applications
    of EMERGING_END x EMERGING_RATIO^(-days before end / 365); so its share in the last quarter
    (application_date > end - 3 months) is about EMERGING_RATIO times its share in the quarter a
    year earlier (end - 15 months, end - 12 months] (at least fivefold, see ground_truth).
  * white_space: a sub-field label (in another field than the emerging term) that 华精科技's
    wording never contains, large (hundreds of rows): its share of all applications grows from
    WHITE_SPACE_START by WHITE_SPACE_GROWTH over the window (rows chosen the same systematic way, weighted by the applicants' field focus), so
    its rows rise about 1.8x from one 24 months to the next; every one of its rows carries the label.
- patent_id: CN application numbers (patents.check_digits); the other applicants' serials never
  collide with the company's. Rows are stored by (application_date, patent_id).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shuzhi.demo import industry_text as tx
from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import activity, make_window, sample_days
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import APPLICANT_TYPES, TECH_FIELDS
from shuzhi.demo.patents import check_digits

N_ROWS = 6000
YEARS = 6
INDUSTRY_GROWTH = 0.12
INVENTION_P = 0.6
DECISION_MONTHS = np.array([22.0, 8.0])  # 发明, 实用新型
GRANT_P = np.array([0.6, 0.92])
# Share multiple of a base topic over the whole window, by trend class: declining, steady, growing.
TREND_CLASSES = ((0.45, 0.7), (0.85, 1.2), (1.5, 2.5))
TREND_P = (0.2, 0.55, 0.25)
WHITE_SPACE_START = 0.03
WHITE_SPACE_GROWTH = 3.0
EMERGING_END = 0.07
EMERGING_RATIO = 9.0
DESIGN_IPC = "LOC 15-99"  # 外观设计 rows of the company: Locarno class, not IPC


@dataclass(frozen=True)
class InnovationPlan:
    emerging: int  # index into industry_text.EMERGING_TOPICS
    white_space: int  # index into industry_text.WHITE_SPACE_TOPICS
    drivers: tuple[int, ...]  # applicants (indices into industry_text.APPLICANTS) driving the emerging term

    @property
    def emerging_term(self) -> str:
        return tx.EMERGING_TOPICS[self.emerging].label

    @property
    def white_space_term(self) -> str:
        return tx.WHITE_SPACE_TOPICS[self.white_space].label


def plan(ctx: DemoContext) -> InnovationPlan:
    """The two planted facts, from the seed only (never the scale)."""
    rng = ctx.rng("anomaly.innovation")
    emerging = int(rng.integers(len(tx.EMERGING_TOPICS)))
    # The white space lies in another field than the emerging term (two separate stories).
    em_field = tx.EMERGING_TOPICS[emerging].field
    white = int(rng.choice([k for k, tp in enumerate(tx.WHITE_SPACE_TOPICS) if tp.field != em_field]))
    drivers = (
        *(int(a) for a in rng.choice(tx.DOMESTIC_FIRMS, 2, replace=False)),
        int(rng.choice(tx.UNIVERSITIES)),
        int(rng.choice(tx.OTHER_DRIVERS)),
    )
    return InnovationPlan(emerging, white, tuple(sorted(drivers)))


@dataclass(frozen=True)
class IndustryFacts:
    """What the planted facts measured in the generated rows (for demo_ground_truth)."""

    emerging_factor: float  # share in the last quarter / share in the quarter a year earlier
    emerging_last_share: float
    emerging_rows: int
    white_space_rows: int
    white_space_factor: float  # rows in the last 24 months / rows in the 24 months before


def _inverse_cdf(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One draw per row from row-wise weights [n, k]."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), weights.shape[1] - 1)


def months_before(end: np.datetime64, months: int) -> np.datetime64:
    """end - N months, the day clipped to the month's length (as SQL's `DATE - INTERVAL N MONTH`)."""
    end_m = end.astype("datetime64[M]")
    m = end_m - months
    dom = end - end_m.astype("datetime64[D]")
    return np.minimum(m.astype("datetime64[D]") + dom, (m + 1).astype("datetime64[D]") - 1)


def _systematic(
    rng: np.random.Generator, order: np.ndarray, weight: np.ndarray, target: np.ndarray, month: np.ndarray,
    month_all: np.ndarray,
) -> np.ndarray:
    """Rows chosen so that each month holds about target x month_all rows (within one row over any
    date range), each row as likely as its weight: systematic sampling over the rows in date order."""
    per_month = np.bincount(month, weights=weight, minlength=len(month_all))
    prob = np.where(weight > 0, target * weight * month_all[month] / np.maximum(per_month[month], 1e-9), 0.0)
    prob = np.minimum(prob, 1.0)
    cum = np.floor(np.cumsum(prob[order]) + rng.random())
    chosen = np.zeros(len(order), dtype=bool)
    chosen[order] = np.diff(cum, prepend=0.0) > 0  # floor(u) = 0
    return chosen


def _quarter_masks(days: np.ndarray, end: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """(last quarter, the quarter a year earlier) by application date, as the ground truth measures."""
    last = days > months_before(end, 3)
    earlier = (days > months_before(end, 15)) & (days <= months_before(end, 12))
    return last, earlier


def generate(
    ctx: DemoContext, own: pa.Table, p: InnovationPlan
) -> tuple[pa.Table, IndustryFacts]:
    """The table (company rows from `own`, the patents table) and the measured facts."""
    rng = ctx.rng("industry_patents")
    w = make_window(ctx.window.end, 12 * YEARS)
    end = w.end_day
    n_own = own.num_rows
    n = int(round(N_ROWS * max(ctx.scale, 1.0))) - n_own
    act = activity(w, growth=INDUSTRY_GROWTH)
    month = np.sort(rng.choice(w.n_months, n, p=act / act.sum()))
    app = sample_days(rng, w, month)
    t = month / w.n_months  # 0..1 over the window

    # Applicant (time-varying shares), then field by the applicant's focus.
    aw = tx.APPLICANT_SHARE[None, :] * (1 + tx.APPLICANT_GROWTH[None, :]) ** (YEARS * t[:, None])
    applicant = _inverse_cdf(rng, aw)
    field = _inverse_cdf(rng, tx.FOCUS[applicant])

    # Topics: the base topics with seed-drawn trends and the white-space candidates as small side
    # topics; the chosen white space and the emerging term are placed below.
    topics = (*tx.BASE_TOPICS, *tx.WHITE_SPACE_TOPICS, tx.EMERGING_TOPICS[p.emerging])
    n_base = len(tx.BASE_TOPICS)
    ws_topic, em_topic = n_base + p.white_space, len(topics) - 1
    trend_cls = rng.choice(3, n_base, p=TREND_P)
    lo = np.array([c[0] for c in TREND_CLASSES])[trend_cls]
    hi = np.array([c[1] for c in TREND_CLASSES])[trend_cls]
    growth = np.concatenate([rng.uniform(lo, hi), np.full(len(tx.WHITE_SPACE_TOPICS), 0.8)])
    share = np.concatenate([np.ones(n_base), np.full(len(tx.WHITE_SPACE_TOPICS), tx.SIDE_TOPIC_SHARE)])
    share[ws_topic] = 0.0
    topic_field = np.array([tp.field for tp in topics[:-1]])
    topic = np.empty(n, dtype=np.int64)
    for f in range(len(TECH_FIELDS)):  # five fields
        rows = np.flatnonzero(field == f)
        ks = np.flatnonzero(topic_field == f)
        tw = share[ks][None, :] * growth[ks][None, :] ** t[rows][:, None]
        topic[rows] = ks[_inverse_cdf(rng, tw)]

    # Shares of all applications (the company's included) are met month by month.
    own_days = np.asarray(own.column("application_date").to_numpy(), "datetime64[D]")
    month_all = np.bincount(month, minlength=w.n_months) + np.bincount(
        w.month_index(own_days), minlength=w.n_months
    )
    order = np.lexsort((rng.random(n), app))
    # White space: WHITE_SPACE_START of all applications, growing WHITE_SPACE_GROWTH over the window,
    # filed by applicants as much as their focus on its field.
    ws_field = tx.WHITE_SPACE_TOPICS[p.white_space].field
    ws_target = WHITE_SPACE_START * WHITE_SPACE_GROWTH**t
    ws = _systematic(rng, order, tx.FOCUS[applicant, ws_field], ws_target, month, month_all)
    topic[ws], field[ws] = ws_topic, ws_field
    # The emerging term: the drivers' rows (not the white space's).
    days_back = (end - app).astype(np.int64)
    em_target = EMERGING_END * EMERGING_RATIO ** (-days_back / 365.0)
    driver = np.isin(applicant, p.drivers) & ~ws
    hit = _systematic(rng, order, driver.astype(float), em_target, month, month_all)
    topic[hit], field[hit] = em_topic, tx.EMERGING_TOPICS[p.emerging].field

    invention = rng.random(n) < INVENTION_P
    title, abstract = tx.texts(rng, topics, topic, invention, hit | ws)
    ipc_pick = rng.integers(0, 2, n)
    ipc = np.asarray([tp.ipc for tp in topics], dtype=object)[topic, ipc_pick]
    ptype = np.where(invention, 0, 1)
    decision = app + np.round(DECISION_MONTHS[ptype] * 30.44 * np.exp(rng.normal(0, 0.25, n))).astype(
        "timedelta64[D]"
    )
    granted = (decision <= end) & (rng.random(n) < GRANT_P[ptype])
    grant = np.where(granted, decision, np.datetime64("NaT"))

    # Application numbers that never collide with the company's.
    own_ids = own.column("patent_id").to_pylist()
    own_numbers = np.array([int(s[2:14]) for s in own_ids], dtype=np.int64)
    year = app.astype("datetime64[Y]").astype(np.int64) + 1970
    serial = rng.choice(10_000_000, n + n_own, replace=False)
    number = year * 10**8 + (ptype + 1) * 10**7 + serial[:n]
    clash = np.isin(number, own_numbers)
    number[clash] = year[clash] * 10**8 + (ptype[clash] + 1) * 10**7 + serial[n : n + int(clash.sum())]
    patent_id = pc.binary_join_element_wise(
        "CN", pa.array(number).cast(pa.string()), ".", pa.array(check_digits(number), pa.string()), ""
    )

    own_field = np.asarray([TECH_FIELDS.index(f) for f in own.column("tech_field").to_pylist()])
    own_type = own.column("patent_type").to_pylist()
    own_ipc = np.where(
        np.asarray(own_type, dtype=object) == "外观设计",
        DESIGN_IPC,
        _own_ipc(rng, own_field),
    )
    company = len(tx.APPLICANTS) - 1
    names = [a[0] for a in tx.APPLICANTS]
    kinds = APPLICANT_TYPES
    countries = sorted({a[2] for a in tx.APPLICANTS})
    all_app = np.concatenate([applicant, np.full(n_own, company)])
    table = pa.table(
        {
            "patent_id": pa.concat_arrays([patent_id, own.column("patent_id").combine_chunks()]),
            "applicant": wh.strings(all_app, names),
            "applicant_type": wh.strings(
                np.array([kinds.index(a[1]) for a in tx.APPLICANTS])[all_app], kinds
            ),
            "country": wh.strings(np.array([countries.index(a[2]) for a in tx.APPLICANTS])[all_app], countries),
            "title": pa.concat_arrays([title, own.column("title").combine_chunks()]),
            "abstract": pa.concat_arrays([abstract, own.column("abstract").combine_chunks()]),
            "tech_field": wh.strings(np.concatenate([field, own_field]), TECH_FIELDS),
            "ipc": pa.array(np.concatenate([ipc, own_ipc]), pa.string()),
            "application_date": pa.concat_arrays(
                [wh.dates(app), own.column("application_date").combine_chunks()]
            ),
            "grant_date": pa.concat_arrays([wh.dates(grant), own.column("grant_date").combine_chunks()]),
        }
    )
    e_factor, e_share, e_rows, _ = measure(table, p.emerging_term, end)
    _, _, ws_rows, ws_factor = measure(table, p.white_space_term, end)
    return table, IndustryFacts(e_factor, e_share, e_rows, ws_rows, ws_factor)


def _own_ipc(rng: np.random.Generator, field: np.ndarray) -> np.ndarray:
    """An IPC code of a base topic of the company's field (its wording comes from those objects)."""
    out = np.empty(len(field), dtype=object)
    for f in range(len(TECH_FIELDS)):
        rows = np.flatnonzero(field == f)
        codes = [c for tp in tx.BASE_TOPICS if tp.field == f for c in tp.ipc]
        out[rows] = np.asarray(codes, dtype=object)[rng.integers(0, len(codes), len(rows))]
    return out


def measure(table: pa.Table, term: str, end: np.datetime64) -> tuple[float, float, int, float]:
    """(share in the last quarter / share a year earlier, share in the last quarter, rows, rows in the last
    24 months / rows in the 24 months before) of the rows whose title or abstract contains `term`."""
    has = pc.or_(pc.match_substring(table.column("title"), term), pc.match_substring(table.column("abstract"), term))
    has = has.to_numpy(zero_copy_only=False)
    days = table.column("application_date").to_numpy().astype("datetime64[D]")
    last, earlier = _quarter_masks(days, end)
    s_last = has[last].sum() / max(int(last.sum()), 1)
    s_earlier = has[earlier].sum() / max(int(earlier.sum()), 1)
    b24, b48 = months_before(end, 24), months_before(end, 48)
    recent, before = has & (days > b24), has & (days > b48) & (days <= b24)
    return (
        float(s_last / s_earlier) if s_earlier > 0 else float("inf"),
        float(s_last),
        int(has.sum()),
        float(recent.sum() / max(int(before.sum()), 1)),
    )


ORDER_BY = "application_date, patent_id"
