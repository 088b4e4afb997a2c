/**
 * The analysis page's builder state (the chart shelves plus the chart type's options) and what it
 * becomes: the QuerySpec and the ChartConfig of the chosen type (charts/types/<type>/buildQuery.ts), and
 * which types fit (charts/registry.ts mirrors the server's shuzhi.ai.nl.chart rules).
 */
import type { QuerySpec } from "../../api/client";
import { summarize, type Shelves } from "../../charts/core/shelves";
import type { ChartConfig, ChartKey } from "../../charts/core/types";
import { CHART_KEYS, chartType, fitMap, recommend } from "../../charts/registry";

export {
  COMPUTES,
  GRAINS,
  RANGES,
  computeName,
  dimOutput,
  toSpec,
  type Compute,
  type DimItem,
  type FieldRef,
  type FilterItem,
  type Grain,
  type MetricPick,
  type RangeKey,
} from "../../charts/core/shelves";

export type ChartType = ChartKey;
export const CHART_TYPES: ChartType[] = CHART_KEYS;
export type BuilderState = Shelves;

/** Options the user set in the chart panel (stacking, labels, number format, reference lines…). */
export type ChartOptions = Partial<Omit<ChartConfig, "type" | "x" | "y" | "series">>;

/** Which chart types can show the current shelves, and the recommended one. */
export function chartChoices(s: BuilderState, rowCount?: number, longLabels?: boolean): { fits: Record<ChartType, boolean>; recommended: ChartType } {
  const sum = summarize(s, { rowCount, longLabels });
  return { fits: fitMap(sum), recommended: recommend(sum) };
}

/** The chosen type's spec and chart config, with the user's options on top. */
export function buildChart(s: BuilderState, type: ChartType, options: ChartOptions, longLabels: boolean): { spec: Partial<QuerySpec>; chart: ChartConfig } {
  const q = chartType(type).buildQuery(s);
  const chart: ChartConfig = { ...q.chart, ...options };
  if (type === "bar" && options.horizontal === undefined) chart.horizontal = !s.dims.some((d) => d.grain) && longLabels;
  return { spec: q.spec, chart };
}

/** The ChartRec for the renderer (kept for callers of the first builder). */
export function chartRec(s: BuilderState, type: ChartType, longLabels: boolean): ChartConfig {
  return buildChart(s, type, {}, longLabels).chart;
}
