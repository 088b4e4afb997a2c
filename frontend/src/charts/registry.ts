/**
 * Every chart type, in picker order, and the rules that grey out what cannot fit and recommend one.
 *
 * recommend() follows the server's rule table (src/shuzhi/model/chart_rules.py, also used by the NL answers),
 * generated into rules.generated.ts by scripts/export_chart_rules.py; first match wins.
 * The recommended type always fits; if the mirrored rule names one that does not, the first fitting
 * type in picker order is used. Adding a type: a folder under types/ and one line in CHART_TYPES.
 */
import type { ChartKey, ChartTypeDef, ShelfSummary } from "./core/types";
import { CHART_RULES, type RuleSummary } from "./rules.generated";
import { area } from "./types/area";
import { bar } from "./types/bar";
import { combo } from "./types/combo";
import { funnel } from "./types/funnel";
import { gauge } from "./types/gauge";
import { heatmap } from "./types/heatmap";
import { kpi } from "./types/kpi";
import { line } from "./types/line";
import { map } from "./types/map";
import { pie } from "./types/pie";
import { pivot } from "./types/pivot";
import { radar } from "./types/radar";
import { scatter } from "./types/scatter";
import { table } from "./types/table";
import { treemap } from "./types/treemap";
import { waterfall } from "./types/waterfall";

export const CHART_TYPES: ChartTypeDef[] = [bar, line, area, combo, pie, scatter, map, kpi, table, pivot, funnel, gauge, heatmap, treemap, radar, waterfall];
export const CHART_KEYS = CHART_TYPES.map((t) => t.key);

const BY_KEY = new Map<string, ChartTypeDef>(CHART_TYPES.map((t) => [t.key, t]));

export function isChartKey(k: string | null | undefined): k is ChartKey {
  return !!k && BY_KEY.has(k);
}

/** The type of a key; an unknown key (from an older or newer server) renders as a table. */
export function chartType(key: string | null | undefined): ChartTypeDef {
  return BY_KEY.get(key ?? "") ?? table;
}

export function fitMap(s: ShelfSummary): Record<ChartKey, boolean> {
  return Object.fromEntries(CHART_TYPES.map((t) => [t.key, t.fits(s)])) as Record<ChartKey, boolean>;
}

/** The shape the rule table reads, from the shelves' summary. */
export function ruleSummary(s: ShelfSummary): RuleSummary {
  return {
    dims: s.timeDims + s.otherDims, time_dims: s.timeDims, other_dims: s.otherDims, metrics: s.metrics, units: s.units,
    province: s.province, percent_of_total: s.computes.includes("percent_of_total"), rows: s.rowCount ?? null,
  };
}

const holds = (v: number | boolean | null, op: string, want: number | boolean) =>
  v !== null && (op === "==" ? v === want : op === ">=" ? v >= want : v <= want);

/** The server's rule for these shelves (before the fit check): the first rule of the generated table that holds. */
export function serverRule(s: ShelfSummary): ChartKey {
  const sum = ruleSummary(s);
  return (CHART_RULES.find((r) => r.when.every(([f, op, want]) => holds(sum[f], op, want))) ?? CHART_RULES[CHART_RULES.length - 1]).type;
}

export function recommend(s: ShelfSummary): ChartKey {
  const want = serverRule(s);
  const fits = fitMap(s);
  if (fits[want]) return want;
  return CHART_TYPES.find((t) => fits[t.key])?.key ?? "table";
}
