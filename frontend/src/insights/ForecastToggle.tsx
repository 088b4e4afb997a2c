/**
 * 「预测 Forecast」 for a line chart's spec: when the spec is one metric over one time dimension with a
 * grain, a switch calls POST /api/v1/forecast (same metric, grain and filters) and draws the history,
 * the forecast line and its 80 % / 95 % bands (ECharts stacked areas: an invisible lower bound plus
 * the band's width). Clicking a history point opens 「为什么变化?」 for that period.
 */
import { Alert, Button, Space, Switch, Tag, Tooltip, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { api, errorMessage, unwrap, type QuerySpec } from "../api/client";
import { EChart } from "../charts/ResultView";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { useText } from "./text";
import { WhyDrawer, type WhyTarget } from "./WhyDrawer";

type Grain = "day" | "week" | "month" | "quarter" | "year";
export interface Point {
  period: string;
  label: string;
  value: number | null;
  lower80?: number;
  upper80?: number;
  lower95?: number;
  upper95?: number;
}
export interface SeriesOut {
  key: string | null;
  model: string | null;
  history: Point[];
  forecast: Point[];
  backtest: { mape: number | null; smape: number | null; mase: number | null } | null;
  candidates?: Record<string, { mape: number | null; smape: number | null; mase: number | null }>;
  weights?: Record<string, number> | null;
  notes?: { zh: string; en: string }[];
}
export interface ForecastOut {
  label: string;
  format?: string | null;
  series: SeriesOut[];
  notes: { zh: string; en: string }[];
}

/** The metric and grain of a spec that can be forecast, or null. */
export function forecastable(spec: Partial<QuerySpec>): { metric: string; grain: Grain } | null {
  const ms = spec.metrics ?? [];
  const ds = spec.dimensions ?? [];
  if (ms.length !== 1 || ds.length !== 1) return null;
  const m = ms[0] as string | { name: string; compute?: unknown };
  if (typeof m !== "string" && m.compute) return null;
  const d = ds[0] as string | { field: string; grain?: Grain | null };
  if (typeof d === "string" || !d.grain) return null;
  return { metric: typeof m === "string" ? m : m.name, grain: d.grain };
}

export const EXPLAINABLE: Grain[] = ["day", "month", "quarter", "year"];

export function forecastOption(s: SeriesOut, label: string, tx: ReturnType<typeof useText>, fmt: (v: number) => string): object {
  const x = [...s.history.map((p) => p.label), ...s.forecast.map((p) => p.label)];
  const nh = s.history.length;
  const pad = (n: number) => Array<string>(n).fill("-");
  const last = s.history[nh - 1]?.value ?? null;
  const fc = (k: keyof Point) => s.forecast.map((p) => p[k] as number);
  const width = (hi: keyof Point, lo: keyof Point) => s.forecast.map((p) => (p[hi] as number) - (p[lo] as number));
  const band = (name: string, lo: keyof Point, hi: keyof Point, color: string, stack: string) => [
    { name: `${name}-lo`, type: "line", stack, symbol: "none", lineStyle: { opacity: 0 }, data: [...pad(nh), ...fc(lo)], tooltip: { show: false } },
    { name, type: "line", stack, symbol: "none", lineStyle: { opacity: 0 }, itemStyle: { color }, areaStyle: { color }, data: [...pad(nh), ...width(hi, lo)] },
  ];
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, data: [tx("history"), tx("predicted"), tx("band80"), tx("band95")] },
    tooltip: {
      trigger: "axis",
      formatter: (ps: { dataIndex: number }[]) => {
        const i = ps[0]?.dataIndex ?? 0;
        if (i < nh) return `${x[i]}<br/>${label}: ${s.history[i].value === null ? "—" : fmt(s.history[i].value as number)}`;
        const p = s.forecast[i - nh];
        return `${x[i]}<br/>${tx("predicted")}: ${fmt(p.value as number)}<br/>80%: ${fmt(p.lower80!)} – ${fmt(p.upper80!)}<br/>95%: ${fmt(p.lower95!)} – ${fmt(p.upper95!)}`;
      },
    },
    xAxis: { type: "category", data: x, boundaryGap: false },
    yAxis: { type: "value", scale: true, axisLabel: { formatter: (v: number) => fmt(v) } },
    series: [
      ...band(tx("band95"), "lower95", "upper95", "rgba(22,100,255,0.12)", "b95"),
      ...band(tx("band80"), "lower80", "upper80", "rgba(22,100,255,0.22)", "b80"),
      { name: tx("history"), type: "line", data: [...s.history.map((p) => p.value), ...pad(s.forecast.length)], itemStyle: { color: "#1664ff" }, symbolSize: 6 },
      { name: tx("predicted"), type: "line", data: [...pad(nh - 1), last, ...fc("value")], lineStyle: { type: "dashed" }, itemStyle: { color: "#fa8c16" } },
    ],
  };
}

/** Each candidate's backtest MASE (and its weight when the forecast combines them), best first. */
function BacktestTable({ s }: { s: SeriesOut }) {
  const tx = useText();
  const rows = Object.entries(s.candidates ?? {}).sort((a, b) => (a[1].mase ?? Infinity) - (b[1].mase ?? Infinity));
  if (!rows.length) return null;
  return (
    <div data-testid="forecast-candidates">
      <div>{tx("backtestTitle")}</div>
      {rows.map(([name, sc]) => (
        <div key={name}>
          {name === "Combination" ? tx("combination") : name}: {sc.mase == null ? "—" : sc.mase.toFixed(2)}
          {s.weights?.[name] != null ? ` · ${tx("weight")} ${Math.round(s.weights[name] * 100)}%` : ""}
          {name === s.model ? " ✓" : ""}
        </div>
      ))}
    </div>
  );
}

/** onShown(true) while the forecast chart (history + forecast + bands) is drawn, so the page can let it
 * take the place of its own line chart. */
export function ForecastToggle({ spec, horizon = 6, onShown }: {
  spec: Partial<QuerySpec>; horizon?: number; onShown?: (shown: boolean) => void;
}) {
  const { lang } = useI18n();
  const tx = useText();
  const target = forecastable(spec);
  const [on, setOn] = useState(false);
  const [data, setData] = useState<ForecastOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [why, setWhy] = useState<WhyTarget | null>(null);
  const key = JSON.stringify([target, spec.where ?? []]);

  useEffect(() => {
    setData(null);
    setError(null);
    if (!on || !target) return;
    unwrap(api.POST("/api/v1/forecast", { body: { metric: target.metric, grain: target.grain, horizon, where: (spec.where ?? []) as never } }))
      .then((d) => setData(d as unknown as ForecastOut))
      .catch((e) => setError(errorMessage(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [on, key]);

  const fmtKind = data?.format === "percent" ? "percent" : "number";
  const fmt = (v: number) => formatValue(v, fmtKind, lang);
  const s = data?.series[0];
  const option = useMemo(() => (s && data ? forecastOption(s, data.label, tx, fmt) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [s, data, lang]);
  const shown = !!(target && on && option);
  useEffect(() => {
    onShown?.(shown);
    return () => onShown?.(false);
  }, [shown, onShown]);
  if (!target) return null;
  const explainable = EXPLAINABLE.includes(target.grain);
  const whyAt = (i: number) => {
    if (!s || !explainable || i < 1 || i >= s.history.length) return;
    setWhy({ metric: target.metric, to: s.history[i].label, from: s.history[i - 1].label, where: spec.where as object[] | undefined, format: fmtKind });
  };

  return (
    <div className="forecast-panel" style={{ marginTop: 12 }} data-testid="forecast-panel">
      <Space wrap>
        <Tooltip title={tx("forecastHint")}>
          <Switch checked={on} onChange={setOn} data-testid="forecast-toggle" checkedChildren={tx("forecast")} unCheckedChildren={tx("forecast")} />
        </Tooltip>
        {s?.model && (
          <Tooltip title={<BacktestTable s={s} />}>
            <Tag data-testid="forecast-model">{tx("model")}: {s.model === "Combination" ? tx("combination") : s.model}{s.backtest?.mape != null ? ` · MAPE ${formatValue(s.backtest.mape, "percent", lang)}` : ""}</Tag>
          </Tooltip>
        )}
        {s && explainable && s.history.length > 1 && (
          <Button size="small" onClick={() => whyAt(s.history.length - 1)} data-testid="why-last">{tx("why")}</Button>
        )}
        {s && explainable && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{tx("whyHint")}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} />}
      {option && (
        <div data-testid="forecast-chart">
          <EChart option={option} height={320} onClick={(p) => p.seriesName === tx("history") && whyAt(p.dataIndex ?? -1)} />
        </div>
      )}
      {[...(data?.notes ?? []), ...(s?.notes ?? [])].map((n, i) => <Typography.Paragraph key={i} type="secondary" style={{ fontSize: 12, margin: 0 }}>* {lang === "en" ? n.en : n.zh}</Typography.Paragraph>)}
      <WhyDrawer target={why} onClose={() => setWhy(null)} />
    </div>
  );
}
