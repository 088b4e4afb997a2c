/**
 * Every chart type, in picker order, and the rules that grey out what cannot fit and recommend one.
 *
 * recommend() mirrors the server's recommender (src/shuzhi/ai/nl/chart.py, used by the NL answers), rule
 * for rule, first match wins:
 *   no dimension → kpi · a time dimension → line (combo when 2+ plain metrics of different units) ·
 *   a province dimension alone → map · percent_of_total over one dimension of ≤ 6 rows → pie ·
 *   2+ metrics of different units over one dimension → combo · more than two dimensions → table ·
 *   otherwise → bar.
 * The recommended type always fits; if the mirrored rule names one that does not, the first fitting
 * type in picker order is used. Adding a type: a folder under types/ and one line in CHART_TYPES.
 */
import type { ChartKey, ChartTypeDef, ShelfSummary } from "./core/types";
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

/** The server's rule for these shelves (before the fit check). */
export function serverRule(s: ShelfSummary): ChartKey {
  const dims = s.timeDims + s.otherDims;
  if (!dims) return "kpi";
  if (s.timeDims) return s.metrics >= 2 && s.units > 1 ? "combo" : "line";
  if (s.province && s.otherDims === 1) return "map";
  const rows = s.rowCount;
  if (s.computes.includes("percent_of_total") && s.otherDims === 1 && rows !== undefined && rows <= 6) return "pie";
  if (s.metrics >= 2 && s.units > 1 && s.otherDims === 1) return "combo";
  if (s.otherDims > 2) return "table";
  return "bar";
}

export function recommend(s: ShelfSummary): ChartKey {
  const want = serverRule(s);
  const fits = fitMap(s);
  if (fits[want]) return want;
  return CHART_TYPES.find((t) => fits[t.key])?.key ?? "table";
}
