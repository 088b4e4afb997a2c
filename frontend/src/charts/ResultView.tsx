/**
 * The single entry that renders a query result as any chart type (charts/registry.ts): ECharts types
 * through EChart, and the KPI card, table and pivot table as React components. Used by the analysis page,
 * the ask box, metric pages and dashboards.
 *
 * Props: result, chart (the server's ChartRec or a ChartConfig with the type's options), height;
 * optional spec (the pivot fetches its subtotal levels with it) and onElementClick(datum: {field, value, row,
 * series?}) for cross-filtering and drill-down (bars, points, slices, provinces, cells, table rows).
 */
import { Empty, Spin } from "antd";
import ReactEChartsCore from "echarts-for-react/lib/core";
import { useEffect, useMemo, useState } from "react";
import type { ChartRec, QuerySpec, QueryResult } from "../api/client";
import { useI18n } from "../i18n";
import { ensureChinaMap } from "./chinaMap";
import type { ChartConfig, EChartsProps, ElementDatum } from "./core/types";
import { echarts } from "./echarts";
import { ensureEnglishLabels } from "./englishLabels";
import { chartType } from "./registry";
import KpiCard from "./types/kpi/Component";
import type { KpiProps } from "./types/kpi/transformProps";
import PivotTable from "./types/pivot/Component";
import DataGrid from "./types/table/Component";
import { transformProps as tableProps, type TableProps } from "./types/table/transformProps";

export type { ChartConfig, ElementDatum } from "./core/types";

type ClickParams = Parameters<NonNullable<EChartsProps["click"]>>[0];

type DrawnWatch = { getDom: () => HTMLElement; getZr: () => { animation: { isFinished: () => boolean } };
  on: (event: string, fn: () => void) => void; isDisposed: () => boolean };

/**
 * Marks a chart's element `data-echart-ready="1"` once ECharts has drawn it: its `finished` event (after any
 * animation), or — when it drew before the listener was bound (echarts-for-react re-creates instances) —
 * three frames in a row with no pending update and no animation. The dashboard page's render-ready signal
 * (headless exports, dashboards/printView.ts) waits for every chart.
 */
function watchDrawn(chart: DrawnWatch) {
  const dom = chart.getDom();
  const mark = () => dom.setAttribute("data-echart-ready", "1");
  dom.setAttribute("data-echart-ready", "0");
  chart.on("finished", mark);
  let idleFrames = 0;
  const tick = () => {
    if (chart.isDisposed() || dom.getAttribute("data-echart-ready") === "1") return;
    const idle = chart.getZr().animation.isFinished() && !(chart as unknown as Record<string, unknown>).__pendingUpdate;
    idleFrames = idle ? idleFrames + 1 : 0;
    if (idleFrames >= 3) mark();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

export function EChart({ option, height = 320, className, onClick, theme }: { option: object; height?: number | string; className?: string; onClick?: (p: ClickParams) => void; theme?: string }) {
  const events = useMemo(() => (onClick ? { click: onClick } : undefined), [onClick]);
  return (
    <ReactEChartsCore
      echarts={echarts}
      option={option}
      notMerge
      lazyUpdate
      className={className}
      style={{ height, width: "100%" }}
      opts={{ renderer: "canvas" }}
      onEvents={events}
      onChartReady={watchDrawn as never}
      theme={theme}
    />
  );
}

/** The result as a plain data table ("view data"): full numbers, sortable, paged. */
export function DataTable({ result, pageSize = 10 }: { result: QueryResult; pageSize?: number }) {
  const { lang } = useI18n();
  const p = useMemo(() => tableProps(result, { type: "table", pageSize }, { lang }), [result, pageSize, lang]);
  return <DataGrid p={p} compact={false} />;
}

export function KpiValue({ result, chart }: { result: QueryResult; chart: ChartRec }) {
  const { lang } = useI18n();
  const p = useMemo(() => chartType("kpi").transformProps(result, chart, { lang }) as KpiProps, [result, chart, lang]);
  return <KpiCard p={p} />;
}

export function ResultView({
  result,
  chart,
  height = 340,
  spec,
  onElementClick,
  theme,
}: {
  result: QueryResult;
  chart: ChartRec | ChartConfig;
  height?: number;
  spec?: Partial<QuerySpec>;
  onElementClick?: (datum: ElementDatum) => void;
  /** an ECharts theme registered with echarts.registerTheme (dashboards: dark, 大屏) */
  theme?: string;
}) {
  const { lang, t } = useI18n();
  const def = chartType(chart.type);
  const [mapReady, setMapReady] = useState(def.key !== "map");
  useEffect(() => {
    if (def.key === "map") {
      setMapReady(false);
      ensureChinaMap().then(() => setMapReady(true));
    }
  }, [def.key]);
  const [labelsVersion, setLabelsVersion] = useState(0);
  useEffect(() => {
    if (lang === "en") ensureEnglishLabels().then(() => setLabelsVersion((v) => v + 1));
  }, [lang]);
  const props = useMemo(
    () => (result.rows.length ? def.transformProps(result, chart, { lang, noValue: t("chart.noProvince") }) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [def, result, chart, lang, t, labelsVersion],
  );
  const echartsProps = def.render === "echarts" ? (props as EChartsProps | null) : null;
  const onClick = useMemo(() => {
    if (!onElementClick || !echartsProps?.click) return undefined;
    const resolve = echartsProps.click;
    return (p: ClickParams) => {
      const d = resolve(p);
      if (d) onElementClick(d);
    };
  }, [onElementClick, echartsProps]);
  if (!result.rows.length || !props) return <Empty description={t("common.empty")} />;
  if (def.render === "kpi") return <KpiCard p={props as KpiProps} />;
  if (def.render === "table") return <DataGrid p={props as TableProps} onRowClick={onElementClick} compact />;
  if (def.render === "pivot") return <PivotTable result={result} chart={chart} spec={spec} onCellClick={onElementClick} />;
  if (!mapReady) return <Spin style={{ display: "block", margin: "80px auto" }} />;
  return <EChart option={echartsProps!.option} height={height} className={`chart-${def.key}`} onClick={onClick} theme={theme} />;
}
