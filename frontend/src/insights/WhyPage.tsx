/**
 * /why — 「为什么变化?」 for one point, the page an alert message links to (delivery/alert_links.py):
 * ?metric=M&to=PERIOD&from=PERIOD&where=JSON&grain=G&period=YYYY-MM-DD&member=X&title=RULE.
 * It draws the metric's series around the point (up to 12 periods before, 2 after; the point marked) and
 * opens the explanation (WhyDrawer: POST /explain) of `to` against `from` with the same filters.
 * With &print=1 it shows only the chart and sets data-render-ready="1" once drawn: a firing's picture is
 * drawn from it by headless Chromium.
 */
import { Alert, Button, Card, Skeleton, Space, Typography } from "antd";
import { QuestionCircleOutlined } from "@ant-design/icons";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Cell, type QueryResult } from "../api/client";
import { EChart } from "../charts/ResultView";
import { axisLabel, formatPeriod, formatValue, type Fmt } from "../format";
import { useI18n } from "../i18n";
import { useText } from "./text";
import { WhyDrawer, type WhyTarget } from "./WhyDrawer";

const GRAINS = ["day", "week", "month", "quarter", "year"] as const;
type Grain = (typeof GRAINS)[number];
const BEFORE = 12;
const AFTER = 2;

/** The first day `n` periods of `grain` away from `day` (ISO dates, UTC). */
export function shiftPeriod(day: string, grain: Grain, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (grain === "day") d.setUTCDate(d.getUTCDate() + n);
  else if (grain === "week") d.setUTCDate(d.getUTCDate() + 7 * n);
  else d.setUTCMonth(d.getUTCMonth() + n * (grain === "quarter" ? 3 : grain === "year" ? 12 : 1));
  return d.toISOString().slice(0, 10);
}

function parseWhere(text: string | null): object[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x) => x && typeof x === "object") : [];
  } catch {
    return [];
  }
}

export default function WhyPage() {
  const [params] = useSearchParams();
  const { lang } = useI18n();
  const tx = useText();
  const metric = params.get("metric") ?? "";
  const grain: Grain = (GRAINS as readonly string[]).includes(params.get("grain") ?? "") ? (params.get("grain") as Grain) : "month";
  const period = params.get("period") ?? "";
  const print = params.get("print") === "1";
  const where = useMemo(() => parseWhere(params.get("where")), [params]);
  const [rows, setRows] = useState<[string, number | null][] | null>(null);
  const [fmt, setFmt] = useState<Fmt>("number");
  const [label, setLabel] = useState(metric);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<WhyTarget | null>(null);
  const [drawn, setDrawn] = useState(false);

  useEffect(() => {
    if (!metric || !/^\d{4}-\d{2}-\d{2}$/.test(period)) {
      setError(lang === "en" ? "The link lacks the metric or the period." : "链接缺少指标或期间。");
      return;
    }
    const spec = {
      metrics: [metric], dimensions: [{ field: "time", grain, name: "period" }], where,
      time_range: { field: "time", start: shiftPeriod(period, grain, -BEFORE), end: shiftPeriod(shiftPeriod(period, grain, AFTER + 1), "day", -1) },
      order_by: [{ field: "period" }],
    };
    (unwrap(api.POST("/api/v1/query", { body: spec as never })) as Promise<QueryResult>)
      .then((r) => {
        const col = r.columns[1];
        setFmt((col?.format as Fmt) ?? "number");
        setLabel(col?.label ?? metric);
        setRows(r.rows.map((x: Cell[]) => [String(x[0]).slice(0, 10), x[1] === null ? null : Number(x[1])]));
        const to = params.get("to");
        if (!print && to) setTarget({ metric, to, from: params.get("from") ?? undefined, where, format: col?.format === "percent" ? "percent" : "number" });
      })
      .catch((e) => setError(errorMessage(e)));
  }, [metric, grain, period, where, print, params, lang]);

  const option = useMemo(() => {
    if (!rows) return null;
    const x = rows.map((r) => formatPeriod(r[0], grain, lang));
    const at = rows.findIndex((r) => r[0] === period);
    return {
      animation: false,
      grid: { left: 64, right: 44, top: 36, bottom: 36 },
      tooltip: { trigger: "axis", valueFormatter: (v: number) => formatValue(v, fmt, lang) },
      xAxis: { type: "category", data: x, boundaryGap: false },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: (v: number) => axisLabel(v, fmt, lang) } },
      series: [{
        type: "line", name: label, smooth: false, symbolSize: 6, lineStyle: { width: 2.5 },
        // the fired point: red, larger, its value labelled (no markPoint: the chart bundle registers mark lines only)
        data: rows.map((r, i) => (i === at && r[1] !== null ? {
          value: r[1], symbolSize: 14, itemStyle: { color: "#e8543e", borderColor: "#fff", borderWidth: 2 },
          label: { show: true, position: "top", color: "#e8543e", fontWeight: "bold", formatter: () => formatValue(r[1], fmt, lang, { compact: true }) },
        } : r[1])),
        markLine: at >= 0 ? { symbol: "none", silent: true, lineStyle: { color: "#e8543e", type: "dashed", opacity: 0.6 }, label: { show: false }, data: [{ xAxis: at }] } : undefined,
      }],
    };
  }, [rows, grain, lang, fmt, label, period]);

  useEffect(() => {
    if (!option) return;
    const id = window.setTimeout(() => setDrawn(true), 300); // ECharts draws synchronously; a frame for the canvas
    return () => window.clearTimeout(id);
  }, [option]);

  const title = params.get("title");
  const member = params.get("member");
  const heading = [title, label, member].filter(Boolean).join(" · ");
  const chart = (
    <div data-testid="why-series" style={{ background: "#fff", padding: print ? 12 : 0 }}>
      {print && <Typography.Title level={5} style={{ margin: "0 0 4px" }}>{heading}</Typography.Title>}
      {option ? <EChart option={option} height={print ? 300 : 320} /> : !error && <Skeleton active paragraph={{ rows: 6 }} />}
    </div>
  );
  return (
    <div className={print ? "why-print" : "page"} data-testid="why-page" data-render-ready={drawn ? "1" : "0"} style={print ? { width: 720 } : undefined}>
      {error && <Alert type="error" showIcon message={error} />}
      {print ? chart : (
        <>
          <Typography.Title level={3} style={{ marginTop: 0 }}>{heading || tx("why")}</Typography.Title>
          <Card>
            {chart}
            <Space style={{ marginTop: 12 }}>
              <Button type="primary" icon={<QuestionCircleOutlined />} disabled={!params.get("to")} data-testid="why-open"
                onClick={() => setTarget({ metric, to: params.get("to") ?? "", from: params.get("from") ?? undefined, where, format: fmt === "percent" ? "percent" : "number" })}>
                {tx("why")}
              </Button>
            </Space>
          </Card>
          <WhyDrawer target={target} onClose={() => setTarget(null)} />
        </>
      )}
    </div>
  );
}
