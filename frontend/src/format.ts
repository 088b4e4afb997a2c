/**
 * Number formats in Chinese habit: 万 / 亿 units, ¥ for money, % for ratios (the API sends ratios,
 * rates, growth and shares as fractions: 0.153 → 15.3%). English uses K / M / B.
 */
import type { Cell, ResultColumn } from "./api/client";
import type { Lang } from "./i18n";

export type Fmt = "currency" | "percent" | "integer" | "number" | string | undefined;

const PERCENT_COMPUTES = new Set(["yoy", "pop", "percent_of_total"]);

/** The display format of a result column (computes change it: yoy is a percent, rank an integer). */
export function columnFormat(c: ResultColumn | undefined): Fmt {
  if (!c) return undefined;
  if (c.compute && PERCENT_COMPUTES.has(c.compute)) return "percent";
  if (c.compute === "rank") return "integer";
  return c.format ?? (c.type === "integer" ? "integer" : c.type === "number" ? "number" : undefined);
}

function trim(n: number, digits: number): string {
  const [i, f] = n.toFixed(digits).split(".");
  const frac = (f ?? "").replace(/0+$/, "");
  const int = i.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${int}.${frac}` : int;
}

/** Compact: 2.54亿, 1,234.5万, 8,765 (zh) or 254M, 12.3K (en). */
export function compact(n: number, lang: Lang = "zh", digits = 2): string {
  const a = Math.abs(n);
  if (lang === "zh") {
    if (a >= 1e8) return trim(n / 1e8, digits) + "亿";
    if (a >= 1e4) return trim(n / 1e4, digits) + "万";
  } else {
    if (a >= 1e9) return trim(n / 1e9, digits) + "B";
    if (a >= 1e6) return trim(n / 1e6, digits) + "M";
    if (a >= 1e4) return trim(n / 1e3, digits) + "K";
  }
  return n.toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: Number.isInteger(n) ? 0 : 2 });
}

export function formatValue(v: Cell | undefined, fmt: Fmt, lang: Lang = "zh", opts: { compact?: boolean } = {}): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "boolean") return lang === "zh" ? (v ? "是" : "否") : v ? "Yes" : "No";
  if (typeof v !== "number") return String(v);
  const useCompact = opts.compact ?? true;
  switch (fmt) {
    case "percent":
      return trim(v * 100, Math.abs(v) < 0.1 ? 2 : 1) + "%";
    case "currency":
      return (v < 0 ? "-¥" : "¥") + (useCompact ? compact(Math.abs(v), lang) : Math.abs(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 }));
    case "integer":
      return useCompact ? compact(Math.round(v), lang) : Math.round(v).toLocaleString("zh-CN");
    default:
      return useCompact ? compact(v, lang) : v.toLocaleString("zh-CN", { maximumFractionDigits: 4 });
  }
}

/** Axis labels: short, no currency sign. */
export function axisLabel(v: number, fmt: Fmt, lang: Lang): string {
  if (fmt === "percent") return trim(v * 100, 1) + "%";
  return compact(v, lang, 1);
}

/** Dates come as ISO strings (the first day of the period); label them by grain. */
export function formatPeriod(v: Cell, grain: string | undefined, lang: Lang): string {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v)) return v === null ? "—" : String(v);
  const [y, m, d] = v.slice(0, 10).split("-");
  const zh = lang === "zh";
  switch (grain) {
    case "year":
      return zh ? `${y}年` : y;
    case "quarter":
      return zh ? `${y}年Q${Math.floor((Number(m) - 1) / 3) + 1}` : `${y} Q${Math.floor((Number(m) - 1) / 3) + 1}`;
    case "month":
      return zh ? `${y}年${Number(m)}月` : `${y}-${m}`;
    default:
      return `${y}-${m}-${d}`;
  }
}

/** Guess the grain of a time column from its name (<field>_<grain>, time_month…). */
export function grainOf(name: string): string | undefined {
  const m = name.match(/_(day|week|month|quarter|year)$/);
  return m ? m[1] : undefined;
}
