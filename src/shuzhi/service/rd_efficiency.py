"""The R&D efficiency use case: the funnel spend → patents → commercialised patents → new-product
revenue per technology field and year with its lags, budget against actual per project, the time from
application to grant and the R&D spend per granted invention patent.

Every number is read through QuerySpecs of the model's metrics (rd_spend, patent_applications,
patents_granted, granted_commercialized_patents, granted_invention_patents, new_product_revenue,
project_budget, avg_grant_months) run by the Executor as the calling user, so row and column rules
apply; ai.innovation.efficiency and ai.innovation.budget compute on the rows. The returned dict is the
CLI's `--format json` output and the body of GET /api/v1/rd/efficiency. docs/innovation-efficiency.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from shuzhi.ai.innovation.budget import budget_check
from shuzhi.ai.innovation.efficiency import FunnelInputs, funnel
from shuzhi.errors import ShuzhiError
from shuzhi.service.executor import Executor
from shuzhi.service.freshness import metric_dates
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

SPEND_FIELD = "rd_projects.tech_field"
PATENT_FIELD = "patents.tech_field"


def _q(field: str) -> dict[str, str]:
    return {"field": field, "grain": "quarter", "name": "quarter"}


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _series(rows: list[dict[str, Any]], key: str, metric: str) -> dict[tuple[str, dt.date], float]:
    out: dict[tuple[str, dt.date], float] = defaultdict(float)
    for r in rows:
        if r[key] is not None and r["quarter"] is not None and r[metric] is not None:
            out[(r[key], _date(r["quarter"]))] += float(r[metric])
    return dict(out)


def _month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


class _Reader:
    """The specs of this use case, run by one executor."""

    def __init__(self, ex: Executor) -> None:
        self.ex = ex

    def rows(self, metrics: list[str], dims: list[Any], where: list[dict[str, Any]] | None = None
             ) -> list[dict[str, Any]]:
        spec: dict[str, Any] = {"metrics": metrics, "dimensions": dims}
        if where:
            spec["where"] = where
        return self.ex.rows(spec)


def _window(rd: _Reader, today: dt.date) -> tuple[dt.date, dt.date]:
    months = [_date(r["month"]) for r in rd.rows(["rd_spend"], [{"field": "rd_expenses.expense_month", "grain": "month",
                                                                  "name": "month"}]) if r["month"] is not None]
    if not months:
        raise ShuzhiError("no_rd_data", "没有可见的研发费用数据，无法分析研发效率。",
                          "There is no R&D expense data you can see, so R&D efficiency cannot be analysed.", 404)
    # The last day with data: the latest day on which patents were filed or orders taken (day precision), never past
    # the end of the last expense month nor today.
    lasts = [d[1] for d in metric_dates(rd.ex, ["patent_applications", "revenue"]).values() if d is not None]
    end = min(_month_end(max(months)), today)
    return min(months), min(max(lasts), end) if lasts else end


def _fields(rd: _Reader) -> list[str]:
    got = {r[SPEND_FIELD] for r in rd.rows(["rd_spend"], [SPEND_FIELD])}
    got |= {r[PATENT_FIELD] for r in rd.rows(["patent_applications"], [PATENT_FIELD])}
    return sorted(f for f in got if f)


def _check_field(field: str | None, known: list[str]) -> None:
    if field is not None and field not in known:
        raise ShuzhiError("unknown_tech_field", f"没有技术领域「{field}」。可选：{'、'.join(known)}。",
                          f"There is no technology field {field!r}. Choose one of: {', '.join(known)}.", 404)


def _inputs(rd: _Reader, fields: list[str], start: dt.date, as_of: dt.date) -> FunnelInputs:
    spend = rd.rows(["rd_spend"], [SPEND_FIELD, _q("rd_expenses.expense_month")])
    apps = rd.rows(["patent_applications"], [PATENT_FIELD, _q("patents.application_date")])
    grants = rd.rows(["patents_granted", "granted_commercialized_patents", "granted_invention_patents"],
                     [PATENT_FIELD, _q("patents.grant_date")])
    revenue = rd.rows(["new_product_revenue"], ["products.product_line", _q("sales_orders.order_date")])
    link = [SPEND_FIELD, "rd_projects.product_line"]
    ind = rd.rows(["rd_spend"], link, [{"field": "rd_projects.industrialized", "op": "=", "value": True}])
    every = rd.rows(["rd_spend"], link)
    return FunnelInputs(
        spend=_series(spend, SPEND_FIELD, "rd_spend"),
        applications=_series(apps, PATENT_FIELD, "patent_applications"),
        granted=_series(grants, PATENT_FIELD, "patents_granted"),
        commercialized=_series(grants, PATENT_FIELD, "granted_commercialized_patents"),
        invention_granted=_series(grants, PATENT_FIELD, "granted_invention_patents"),
        line_revenue=_series(revenue, "products.product_line", "new_product_revenue"),
        line_spend_industrialized={(r["rd_projects.product_line"], r[SPEND_FIELD]): float(r["rd_spend"] or 0)
                                   for r in ind if r["rd_projects.product_line"] and r[SPEND_FIELD]},
        line_spend_all={(r["rd_projects.product_line"], r[SPEND_FIELD]): float(r["rd_spend"] or 0)
                        for r in every if r["rd_projects.product_line"] and r[SPEND_FIELD]},
        data_start=start, as_of=as_of, fields=fields)


def _projects(rd: _Reader, where: list[dict[str, Any]], start: dt.date, as_of: dt.date) -> dict[str, Any]:
    dims = ["rd_projects.project_id", "rd_projects.project_name", SPEND_FIELD, "rd_projects.status",
            "rd_projects.start_date", "rd_projects.planned_end_date"]
    rows = rd.rows(["project_budget"], dims, where)
    projects = [{"project_id": r["rd_projects.project_id"], "project_name": r["rd_projects.project_name"],
                 "tech_field": r[SPEND_FIELD], "status": r["rd_projects.status"],
                 "start_date": _date(r["rd_projects.start_date"]),
                 "planned_end_date": _date(r["rd_projects.planned_end_date"]), "budget": r["project_budget"]}
                for r in rows if r["rd_projects.start_date"] is not None and r["rd_projects.planned_end_date"]]
    spend = {r["rd_projects.project_id"]: float(r["rd_spend"] or 0)
             for r in rd.rows(["rd_spend"], ["rd_projects.project_id"], where)}
    return budget_check(projects, spend, start, as_of)


def _grant_time(rd: _Reader, where: list[dict[str, Any]]) -> dict[str, Any]:
    total = rd.rows(["avg_grant_months", "patents_granted"], [], where)
    def part(dim: str) -> list[dict[str, Any]]:
        return [{dim.split(".")[1]: r[dim], "avg_months": r["avg_grant_months"], "granted": int(r["patents_granted"] or 0)}
                for r in rd.rows(["avg_grant_months", "patents_granted"], [dim], where) if r[dim] is not None]
    t = total[0] if total else {}
    return {"avg_months": t.get("avg_grant_months"), "granted": int(t.get("patents_granted") or 0),
            "by_type": part("patents.patent_type"), "by_field": part(PATENT_FIELD)}


def _industry(rd: _Reader, field: str | None, start: dt.date, as_of: dt.date) -> list[dict[str, Any]]:
    """Per field: the industry's applications (industry_patents, the company's own included) and the company's,
    filed within the company's data window, and the company's share; [] when the model has no industry patents."""
    if "industry_patent_applications" not in rd.ex.index.metrics:
        return []
    spec: dict[str, Any] = {"metrics": ["industry_patent_applications", "patent_applications"], "dimensions": ["tech_field"],
                            "time_range": {"field": "time", "start": start.isoformat(), "end": as_of.isoformat()}}
    if field:
        spec["where"] = [{"field": "tech_field", "op": "=", "value": field}]
    out = []
    for r in rd.ex.rows(spec):
        ind, own = int(r["industry_patent_applications"] or 0), int(r["patent_applications"] or 0)
        if r["tech_field"] is not None:
            out.append({"tech_field": r["tech_field"], "industry_applications": ind, "company_applications": own,
                        "company_share": own / ind if ind else None})
    return sorted(out, key=lambda x: -x["industry_applications"])


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v / 1e4:,.1f}万"


def _summary(out: dict[str, Any]) -> dict[str, str]:
    t = out["totals"]
    b = out["budget"]
    gm = out["grant_time"]["avg_months"]
    zh = (f"{out['period']['start']} 至 {out['period']['end']}：研发投入 {_money(t['rd_spend'])}，申请专利 "
          f"{t['patent_applications']} 件，授权 {t['patents_granted']} 件（其中发明 {t['granted_invention_patents']} 件），"
          f"已转化 {t['commercialized_patents']} 件；每件授权发明专利对应研发投入 {_money(t['cost_per_invention_patent'])}；"
          f"授权平均用时 {'—' if gm is None else f'{gm:.1f}'} 个月。{b['over_budget_count']} 个项目已超预算，"
          f"{b['ahead_of_plan_count']} 个在研项目花钱快于计划。")
    en = (f"{out['period']['start']} to {out['period']['end']}: R&D spend {_money(t['rd_spend'])} (万 = 10,000 元), "
          f"{t['patent_applications']} patent applications, {t['patents_granted']} granted "
          f"({t['granted_invention_patents']} invention patents), {t['commercialized_patents']} commercialised; "
          f"R&D spend per granted invention patent {_money(t['cost_per_invention_patent'])}; grants took "
          f"{'—' if gm is None else f'{gm:.1f}'} months on average. {b['over_budget_count']} projects are over budget and "
          f"{b['ahead_of_plan_count']} running projects are spending faster than planned.")
    return {"zh": zh, "en": en}


def efficiency(rt: Runtime, user: UserContext, *, field: str | None = None, model: str | None = None
               ) -> dict[str, Any]:
    """The R&D efficiency report of `user` (optionally one technology field)."""
    rd = _Reader(Executor.open(rt, user, model=model, purpose="insight"))
    start, as_of = _window(rd, rt.settings.today_date())
    known = _fields(rd)
    _check_field(field, known)
    result = funnel(_inputs(rd, known, start, as_of))
    chosen = [f for f in result["fields"] if field is None or f["tech_field"] == field]
    keys = ("rd_spend", "patent_applications", "patents_granted", "commercialized_patents",
            "granted_invention_patents", "new_product_revenue")
    totals: dict[str, Any] = {k: sum(f["totals"][k] for f in chosen) for k in keys}
    totals["rd_spend"] = round(totals["rd_spend"], 2)
    totals["new_product_revenue"] = round(totals["new_product_revenue"], 2)
    g = totals["granted_invention_patents"]
    totals["cost_per_invention_patent"] = totals["rd_spend"] / g if g else None
    totals["commercialization_rate"] = (totals["commercialized_patents"] / totals["patents_granted"]
                                        if totals["patents_granted"] else None)
    totals["applications_per_million"] = (totals["patent_applications"] * 1e6 / totals["rd_spend"]
                                          if totals["rd_spend"] else None)
    totals["revenue_per_yuan"] = totals["new_product_revenue"] / totals["rd_spend"] if totals["rd_spend"] else None
    pw = [{"field": PATENT_FIELD, "op": "=", "value": field}] if field else []
    sw = [{"field": SPEND_FIELD, "op": "=", "value": field}] if field else []
    out: dict[str, Any] = {
        "field": field,
        "period": {"start": start.isoformat(), "end": as_of.isoformat()},
        "fields": known,
        "totals": totals,
        "funnel": chosen,
        "lags": result["lags"],
        "quarters_used": result["quarters_used"],
        "revenue_link": result["revenue_link"],
        "budget": _projects(rd, sw, start, as_of),
        "grant_time": _grant_time(rd, pw),
        "industry": _industry(rd, field, start, as_of),
    }
    if field:
        out["notes"] = [{"zh": "滞后分析使用全部技术领域的数据（单个领域的季度数太少）；新产品销售额按产品线拆分到领域。",
                         "en": "Lags are fitted over all technology fields (one field has too few quarters); "
                               "new-product revenue is split from product lines to fields."}]
    else:
        out["notes"] = [{"zh": "新产品销售额按产品线记录，按服务该产品线的已产业化项目的研发投入拆分到技术领域。",
                         "en": "New-product revenue is recorded per product line and split to fields by the R&D spend "
                               "of the industrialised projects serving each line."}]
    out["summary"] = _summary(out)
    return out
