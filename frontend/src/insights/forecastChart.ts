/**
 * The forecast chart's pieces, shared by the analysis page's 预测 switch and a dashboard tile's 预测
 * button: which specs can be forecast, and the ECharts options — one series with its 80 % / 95 % bands
 * (stacked areas: an invisible lower bound plus the band's width), or several series (one per member
 * of `by`), each a solid history and a dashed forecast in its own colour, with the 80 % band when there
 * are at most MAX_BANDS series. Pure: data in, option out.
 */
import type { QuerySpec, Schemas } from "../api/client";
import { PALETTE } from "../charts/core/palette";
import { html, joinHtml } from "../safeHtml";
import type { useText } from "./text";

type Grain = "day" | "week" | "month" | "quarter" | "year";
export type Point = Schemas["HistoryPoint"] | Schemas["ForecastPoint"];
export type SeriesOut = Schemas["ForecastSeries"];
export type ForecastOut = Schemas["ForecastOut"];

/** The answer's notes and every series' notes, each said once (a split repeats the same note per member). */
export function forecastNotes(data: ForecastOut | null): { zh: string; en: string }[] {
  return [...(data?.notes ?? []), ...(data?.series ?? []).flatMap((x) => x.notes ?? [])]
    .filter((n, i, all) => all.findIndex((m) => m.zh === n.zh) === i);
}

/** What a spec can be forecast as: one metric (no quick calculation) over one time dimension with a grain,
 * and at most one other dimension (`by`: one forecast per member, e.g. defect rate by month per plant). */
export function forecastable(spec: Partial<QuerySpec>): { metric: string; grain: Grain; by?: string } | null {
  const ms = spec.metrics ?? [];
  const ds = (spec.dimensions ?? []) as (string | { field: string; grain?: Grain | null })[];
  if (ms.length !== 1 || ds.length < 1 || ds.length > 2) return null;
  const m = ms[0] as string | { name: string; compute?: unknown };
  if (typeof m !== "string" && m.compute) return null;
  const timed = ds.filter((d) => typeof d !== "string" && d.grain);
  if (timed.length !== 1) return null;
  const grain = (timed[0] as { grain: Grain }).grain;
  const other = ds.find((d) => d !== timed[0]);
  const metric = typeof m === "string" ? m : m.name;
  if (other === undefined) return { metric, grain };
  return { metric, grain, by: typeof other === "string" ? other : other.field };
}

export const EXPLAINABLE: Grain[] = ["day", "month", "quarter", "year"];

export function forecastOption(s: SeriesOut, label: string, tx: ReturnType<typeof useText>, fmt: (v: number) => string): object {
  const x = [...s.history.map((p) => p.label), ...s.forecast.map((p) => p.label)];
  const nh = s.history.length;
  const pad = (n: number) => Array<string>(n).fill("-");
  const last = s.history[nh - 1]?.value ?? null;
  const fc = (k: keyof Schemas["ForecastPoint"]) => s.forecast.map((p) => p[k] as number);
  const width = (hi: keyof Schemas["ForecastPoint"], lo: keyof Schemas["ForecastPoint"]) => s.forecast.map((p) => (p[hi] as number) - (p[lo] as number));
  const band = (name: string, lo: keyof Schemas["ForecastPoint"], hi: keyof Schemas["ForecastPoint"], color: string, stack: string) => [
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
        if (i < nh) return html`${x[i]}<br/>${label}: ${s.history[i].value === null ? "—" : fmt(s.history[i].value as number)}`.html;
        const p = s.forecast[i - nh];
        return html`${x[i]}<br/>${tx("predicted")}: ${fmt(p.value as number)}<br/>80%: ${fmt(p.lower80!)} – ${fmt(p.upper80!)}<br/>95%: ${fmt(p.lower95!)} – ${fmt(p.upper95!)}`.html;
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

const MAX_BANDS = 3;

function hexA(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/** Several series (one per member of `by`): the legend toggles a member's history, forecast and band together. */
/** A chart draws at most this many members; the rest are named in a caption. */
export const MAX_LINES = 10;

/** The `n` members to draw: those in `first` (e.g. with anomalies), then the largest by their summed values. */
export function largest<T>(items: T[], values: (t: T) => (number | null | undefined)[], first: (t: T) => boolean = () => false,
  n = MAX_LINES): T[] {
  if (items.length <= n) return items;
  const size = (t: T) => values(t).reduce<number>((a, v) => a + Math.abs(v ?? 0), 0);
  const ranked = [...items].sort((a, b) => Number(first(b)) - Number(first(a)) || size(b) - size(a)).slice(0, n);
  return items.filter((t) => ranked.includes(t)); // keep the API's order
}

export function multiForecastOption(all: SeriesOut[], tx: ReturnType<typeof useText>, fmt: (v: number) => string): object {
  const ss = largest(all, (s) => s.history.map((p) => p.value));
  const ref = ss.find((s) => s.forecast.length) ?? ss[0]; // a member too short to forecast has none
  const x = [...ref.history.map((p) => p.label), ...ref.forecast.map((p) => p.label)];
  const nh = ref.history.length;
  const nf = ref.forecast.length;
  const pad = (n: number) => Array<string>(n).fill("-");
  const names = ss.map((s) => s.key ?? "—");
  const bands = ss.length <= MAX_BANDS;
  const series = ss.flatMap((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const name = names[i];
    const last = s.history[nh - 1]?.value ?? null;
    const out: object[] = [
      { id: `h:${name}`, name, type: "line", data: [...s.history.map((p) => p.value), ...pad(nf)], itemStyle: { color }, symbolSize: 4 },
      { id: `f:${name}`, name, type: "line", data: s.forecast.length ? [...pad(nh - 1), last, ...s.forecast.map((p) => p.value)] : [], lineStyle: { type: "dashed" }, itemStyle: { color }, symbolSize: 4 },
    ];
    if (bands && s.forecast.length) {
      const stack = `b:${name}`;
      out.push(
        { id: `lo:${name}`, name, type: "line", stack, symbol: "none", lineStyle: { opacity: 0 }, data: [...pad(nh), ...s.forecast.map((p) => p.lower80 as number)], tooltip: { show: false } },
        { id: `w:${name}`, name, type: "line", stack, symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: hexA(color, 0.16) }, data: [...pad(nh), ...s.forecast.map((p) => (p.upper80 as number) - (p.lower80 as number))], tooltip: { show: false } },
      );
    }
    return out;
  });
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, type: "scroll", data: names },
    tooltip: {
      trigger: "axis",
      formatter: (ps: { dataIndex: number }[]) => {
        const i = ps[0]?.dataIndex ?? 0;
        const rows = ss.map((s, k) => {
          if (i < nh) return html`${names[k]}: ${s.history[i].value === null ? "—" : fmt(s.history[i].value as number)}`;
          const p = s.forecast[i - nh];
          return p ? html`${names[k]}: ${fmt(p.value as number)} (80% ${fmt(p.lower80!)} – ${fmt(p.upper80!)})` : html`${names[k]}: —`;
        });
        return html`${x[i]}${i >= nh ? ` · ${tx("predicted")}` : ""}<br/>${joinHtml(rows, "<br/>")}`.html;
      },
    },
    xAxis: { type: "category", data: x, boundaryGap: false },
    yAxis: { type: "value", scale: true, axisLabel: { formatter: (v: number) => fmt(v) } },
    series,
  };
}
