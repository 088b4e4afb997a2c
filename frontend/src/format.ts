/**
 * Number formats in Chinese habit: 万 / 亿 units, ¥ for money, % for ratios (the API sends ratios,
 * rates, growth and shares as fractions: 0.153 → 15.3%). English uses K / M / B.
 *
 * This mirrors the server's one formatter (src/shuzhi/results/format.py): the rules table is generated
 * from it into format.generated.ts; this file only interprets the table, the same way.
 */
import type { Cell, ResultColumn } from "./api/client";
import { FORMAT_RULES } from "./format.generated";
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

/** The styles of src/shuzhi/results/format.py (compact: cards, tooltips, labels; table: full cells; axis: ticks). */
export type Style = "compact" | "table" | "axis" | "sentence" | "cli" | "raw";

interface Rule {
  units?: "none" | "auto" | "fixed";
  decimals?: number;
  unit_decimals?: number;
  trim?: boolean;
  group?: boolean;
  small?: [number, number] | null;
  sig?: number;
  round?: boolean;
  symbol?: boolean;
  plain_int?: boolean;
  huge?: number;
  bare_zero?: boolean;
}

interface Rules {
  missing: string;
  boolean: Record<Lang, [string, string]>;
  currency: string;
  points: Record<Lang, string>;
  units: Record<Lang, [number, number, string][]>;
  fixed_units: Record<string, Record<Lang, [number, string]>>;
  styles: Record<Style, Record<string, Rule | null | string | Record<Lang, [string, string]>>>;
}

/** The rules table, generated from the server's formatter (scripts/export_format_rules.py). */
export const RULES = FORMAT_RULES as unknown as Rules;

const KINDS = new Set(["number", "integer", "percent", "currency", "wan", "yi"]);
const kindOf = (fmt: Fmt): string => (fmt && KINDS.has(fmt) ? fmt : "number");

function ruleOf(style: Style, fmt: Fmt): Rule {
  const rules = RULES.styles[style];
  return (rules[kindOf(fmt)] as Rule | null | undefined) ?? (rules.number as Rule);
}

function digitsOf(a: number, decimals: number, trim: boolean, group: boolean): string {
  const [i, f] = a.toFixed(decimals).split(".");
  const frac = trim ? (f ?? "").replace(/0+$/, "") : f ?? "";
  const int = group ? i.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : i;
  return frac ? `${int}.${frac}` : int;
}

/** A finite number under one rule: sign, currency sign, digits, unit, percent sign (as results/format.py). */
function numberText(v: number, kind: string, rule: Rule, lang: Lang): string {
  if (kind === "percent") v = v * 100;
  else if (rule.round) v = Math.round(v);
  let a = Math.abs(v);
  let unit = "";
  if (rule.huge && a >= rule.huge) {  // six significant digits, as Python's "%.6g" writes them (1.5e+16)
    const [m, e] = v.toExponential(5).split("e");
    return `${m.replace(/\.?0+$/, "")}e${e[0]}${e.slice(1).padStart(2, "0")}`;
  }
  if (rule.plain_int && Number.isInteger(v)) return String(v);  // (huge first: JS has no int/float split)
  let decimals = rule.decimals ?? 2;
  if (rule.small && a < rule.small[0] * (kind === "percent" ? 100 : 1)) decimals = rule.small[1];
  const units = rule.units ?? "none";
  if (units === "fixed" && RULES.fixed_units[kind]) {
    const [div, u] = RULES.fixed_units[kind][lang];
    if (rule.bare_zero && v === 0) return "0";
    a = a / div;
    unit = u;
  } else if (units === "auto") {
    for (const [atLeast, div, suffix] of RULES.units[lang]) {
      if (a >= atLeast) {
        a = a / div;
        unit = suffix;
        break;
      }
    }
  }
  if (unit && rule.unit_decimals !== undefined && rule.unit_decimals !== null) decimals = rule.unit_decimals;
  if (rule.sig && !unit && a > 0) decimals = Math.max(0, rule.sig - 1 - Math.floor(Math.log10(a)));
  const digits = digitsOf(a, decimals, rule.trim ?? true, rule.group ?? true);
  const negative = v < 0 && digits.replace(/[0.,]/g, "") !== "";
  return `${negative ? "-" : ""}${rule.symbol ? RULES.currency : ""}${digits}${unit}${kind === "percent" ? "%" : ""}`;
}

/** Any cell value in a named style; numbers by the column's display format. */
export function format(v: Cell | undefined, fmt: Fmt, lang: Lang = "zh", style: Style = "compact"): string {
  const rules = RULES.styles[style];
  if (v === null || v === undefined || v === "" || (typeof v === "number" && !Number.isFinite(v))) return (rules.missing as string | undefined) ?? RULES.missing;
  if (typeof v === "boolean") {
    const [yes, no] = ((rules.boolean as Record<Lang, [string, string]> | undefined) ?? RULES.boolean)[lang];
    return v ? yes : no;
  }
  if (typeof v !== "number") return String(v);
  return numberText(v, style === "raw" ? "number" : kindOf(fmt), style === "raw" ? (rules.number as Rule) : ruleOf(style, fmt), lang);
}

/** A value for people: compact by default (2.54亿, 1.23万, 8,765; 254M, 12.35K), full precision with { compact: false }. */
export function formatValue(v: Cell | undefined, fmt: Fmt, lang: Lang = "zh", opts: { compact?: boolean } = {}): string {
  return format(v, fmt, lang, opts.compact ?? true ? "compact" : "table");
}

/** Axis labels: short, no currency sign. */
export function axisLabel(v: number, fmt: Fmt, lang: Lang): string {
  return format(v, fmt, lang, "axis");
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
