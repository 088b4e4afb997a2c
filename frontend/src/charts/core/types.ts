/**
 * The contracts every chart type folder (charts/types/<key>/) implements, and the chart configuration
 * the renderer takes. Pure types: no React, no I/O.
 *
 * Invariants:
 * - ChartConfig is the server's one chart-config schema (model/charts.py: the analysis page, dashboards and
 *   POST /ask share it), so a config stored by a dashboard or recommended by the NL parser renders unchanged.
 * - Column references in a ChartConfig are result column names (dimension/metric output names).
 */
import type { EChartsCoreOption } from "echarts/core";
import type { Cell, QuerySpec, QueryResult, Schemas } from "../../api/client";
import type { Lang } from "../../i18n";
import type { Shelves } from "./shelves";

export type ChartKey = Schemas["ChartConfig"]["type"];

/** A bilingual text. */
export interface L {
  zh: string;
  en: string;
}

/** 目标线 (target) or 警戒线 (warning) drawn across value axes. */
export type RefLine = Schemas["RefLine"];

/** Number display: "auto" follows each column's format (¥ 万/亿 for money, % for ratios). */
export type NumberFormat = NonNullable<ChartConfig["numberFormat"]>;

/** Table conditional formatting. */
export type CondRule = Schemas["CondRule"];

/** The one chart configuration (server: src/shuzhi/model/charts.py), generated from the OpenAPI document. */
export type ChartConfig = Schemas["ChartConfig"];

/** What a click on a chart element means, for cross-filtering and drill-down. */
export interface ElementDatum {
  field: string; // the result column of the clicked category (x / region / slice)
  value: Cell;
  row: Record<string, Cell> | null; // the clicked row, by column name
  series?: { field: string; value: Cell }; // the series member, when the chart has a series dimension
}

export interface TransformCtx {
  lang: Lang;
  /** text for a missing province etc. */
  noValue?: string;
}

/** An ECharts chart: the option, and how to turn a click's params back into the row it shows. */
export interface EChartsProps {
  option: EChartsCoreOption;
  click?: (params: { dataIndex?: number; seriesIndex?: number; seriesName?: string; name?: string; data?: unknown }) => ElementDatum | null;
}

/** A control in a chart type's panel; `key` is the ChartConfig field it sets. */
export interface Control {
  key: keyof ChartConfig;
  kind: "switch" | "segmented" | "select" | "number" | "refLines" | "cond";
  label: L;
  options?: { value: string | number | boolean; label: L }[];
  default?: unknown;
}

/** Fit rules read this summary of the shelves (or of a spec), never the UI state. */
export interface ShelfSummary {
  timeDims: number;
  otherDims: number;
  /** the first non-time dimension's column is a province */
  province: boolean;
  /** plain metrics (no compute) and all metric outputs */
  metrics: number;
  outputs: number;
  computes: string[];
  /** distinct number formats of the plain metrics (currency, percent, integer…) */
  units: number;
  /** the number formats of the plain metrics, in order */
  formats: string[];
  size: boolean;
  color: boolean;
  rowCount?: number;
  longLabels?: boolean;
  sorted?: boolean;
}

export interface ChartTypeDef {
  key: ChartKey;
  name: L;
  /** an @ant-design/icons name (the picker maps it), kept as a string so this stays pure */
  icon: string;
  /** what it needs, shown when greyed out */
  needs: L;
  fits: (s: ShelfSummary) => boolean;
  /** how it renders: through ECharts, or one of the React components */
  render: "echarts" | "kpi" | "table" | "pivot";
  /** shelves → the QuerySpec this type needs and the column roles it draws */
  buildQuery: (s: Shelves) => { spec: Partial<QuerySpec>; chart: ChartConfig };
  /** result → ECharts option (echarts types) or the component's props (others) */
  transformProps: (result: QueryResult, chart: ChartConfig, ctx: TransformCtx) => unknown;
  controls: Control[];
}
