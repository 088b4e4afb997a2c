/**
 * The chart matrix: every chart type × the options the analysis page offers for it, on the demo model's
 * fields, built by the page's own code (buildChart). chartMatrix.test.ts writes the cells to
 * tests/web/chart_matrix.json (SHUZHI_UPDATE_GOLDEN=1) and checks the file is current; the browser test
 * tests/web/test_e2e_chart_matrix.py saves every cell to a dashboard through the API call 保存到仪表板
 * makes, checks each tile is painted and reopens each in the analysis page.
 */
import type { QuerySpec } from "../../api/client";
import { buildChart, type ChartOptions } from "../../pages/analysis/builder";
import type { Compute, DimItem, FieldRef, Grain, MetricPick, Shelves } from "../core/shelves";
import type { ChartConfig, ChartKey, RefLine } from "../core/types";
import { pivotLevelSpecs } from "../types/pivot/buildQuery";

// the analysis page's field list for the demo model (pages/Analysis.tsx builds these from the model)
const METRICS: Record<string, string> = {
  revenue: "currency", gross_margin: "percent", order_count: "integer", cogs: "currency", plan_attainment: "percent",
  pipeline_amount: "currency", gross_profit: "currency",
};
export const FIELDS: FieldRef[] = [
  ...Object.entries(METRICS).map(([name, format]): FieldRef => ({ kind: "metric", name, label: name, format })),
  { kind: "time", name: "time", label: "时间", type: "date" },
  { kind: "dimension", name: "product_line", label: "产品线", type: "string" },
  ...["customers.region", "customers.province", "customers.city", "products.product_name", "sales_orders.channel", "opportunities.stage"]
    .map((name): FieldRef => ({ kind: "dimension", name, label: name, type: "string" })),
];
const f = (name: string): FieldRef => FIELDS.find((x) => x.name === name)!;
const dim = (name: string, grain?: Grain): DimItem => (grain ? { field: f(name), grain } : { field: f(name) });
const met = (name: string, compute?: Compute): MetricPick => (compute ? { field: f(name), compute } : { field: f(name) });
const month = dim("time", "month");

function shelves(s: Partial<Shelves>): Shelves {
  return { dims: [], series: [], metrics: [met("revenue")], color: null, size: null, tooltip: [], filters: [], range: "this_year", sort: "none", limit: null, ...s };
}

const byRegion = shelves({ dims: [dim("customers.region")] });
const regionByLine = shelves({ dims: [dim("customers.region")], series: [dim("product_line")] });
const monthByLine = shelves({ dims: [month], series: [dim("product_line")] });
const overMonths = shelves({ dims: [month] });
const REF: RefLine[] = [{ kind: "target", value: 2_000_000, label: "目标" }, { kind: "warning", value: 500_000 }];

export interface Cell {
  id: string;
  /** what the cell protects, for the test's messages */
  title: string;
  type: ChartKey;
  shelves: Shelves;
  options: ChartOptions;
}

export const CELLS: Cell[] = [
  { id: "bar_grouped", title: "柱状 分组", type: "bar", shelves: regionByLine, options: { stack: "none" } },
  { id: "bar_stacked", title: "柱状 堆叠", type: "bar", shelves: regionByLine, options: { stack: "stacked" } },
  { id: "bar_percent", title: "柱状 百分比堆叠", type: "bar", shelves: regionByLine, options: { stack: "percent", labels: true } },
  { id: "bar_stacked_yoy", title: "柱状 堆叠 + 同比", type: "bar", shelves: { ...monthByLine, metrics: [met("revenue", "yoy")] }, options: { stack: "stacked" } },
  { id: "bar_grouped_pop", title: "柱状 分组 + 环比", type: "bar", shelves: { ...monthByLine, metrics: [met("revenue", "pop")] }, options: { stack: "none" } },
  { id: "bar_stacked_share", title: "柱状 堆叠 + 占比", type: "bar", shelves: { ...regionByLine, metrics: [met("revenue", "percent_of_total")] }, options: { stack: "stacked" } },
  { id: "bar_horizontal", title: "条形 横向 标签 万", type: "bar", shelves: { ...byRegion, sort: "desc", limit: 5 }, options: { horizontal: true, labels: true, numberFormat: "wan" } },
  { id: "bar_horizontal_yoy", title: "条形 横向 + 同比", type: "bar", shelves: { ...byRegion, metrics: [met("revenue", "yoy")] }, options: { horizontal: true } },
  { id: "bar_reflines", title: "柱状 目标线/警戒线", type: "bar", shelves: byRegion, options: { refLines: REF } },
  { id: "bar_filter_sort", title: "柱状 筛选 升序 近12个月 亿", type: "bar", shelves: { ...byRegion, range: "last_12_months", sort: "asc", filters: [{ field: f("product_line"), values: ["伺服电机", "精密减速机"] }] }, options: { numberFormat: "yi" } },
  { id: "bar_tooltip_color", title: "柱状 颜色 提示", type: "bar", shelves: { ...byRegion, color: dim("sales_orders.channel"), tooltip: [met("cogs")] }, options: {} },
  { id: "line_series", title: "折线 系列", type: "line", shelves: shelves({ dims: [month], series: [dim("customers.region")] }), options: { labels: true } },
  { id: "line_reflines", title: "折线 目标线 不平滑", type: "line", shelves: overMonths, options: { refLines: REF, smooth: false } },
  { id: "line_yoy", title: "折线 + 同比 (第二轴)", type: "line", shelves: { ...overMonths, metrics: [met("revenue", "yoy")] }, options: {} },
  { id: "area_stacked", title: "面积 堆叠", type: "area", shelves: monthByLine, options: {} },
  { id: "area_percent", title: "面积 百分比堆叠", type: "area", shelves: monthByLine, options: { stack: "percent", smooth: false } },
  { id: "area_grouped", title: "面积 不堆叠 标签", type: "area", shelves: monthByLine, options: { stack: "none", labels: true } },
  { id: "combo_dual_axis", title: "组合 双轴", type: "combo", shelves: { ...overMonths, metrics: [met("revenue"), met("gross_margin")] }, options: {} },
  { id: "combo_labels_ref", title: "组合 标签 目标线", type: "combo", shelves: { ...byRegion, metrics: [met("revenue"), met("gross_margin")] }, options: { labels: true, refLines: REF, numberFormat: "wan" } },
  { id: "pie_donut", title: "环形图", type: "pie", shelves: shelves({ dims: [dim("product_line")] }), options: { labels: true } },
  { id: "pie_plain", title: "饼图", type: "pie", shelves: shelves({ dims: [dim("product_line")] }), options: { donut: false } },
  { id: "scatter_bubble", title: "气泡图 颜色 大小", type: "scatter", shelves: shelves({ dims: [dim("customers.city")], metrics: [met("revenue"), met("gross_margin")], size: met("order_count"), color: dim("customers.region") }), options: { labels: true } },
  { id: "scatter_ref", title: "散点 目标线", type: "scatter", shelves: shelves({ dims: [dim("customers.city")], metrics: [met("revenue"), met("order_count")] }), options: { refLines: REF } },
  { id: "map_provinces", title: "地图 省份", type: "map", shelves: shelves({ dims: [dim("customers.province")] }), options: { labels: true, numberFormat: "wan" } },
  { id: "kpi_yoy", title: "指标卡 同比 目标", type: "kpi", shelves: shelves({ metrics: [met("revenue", "yoy")] }), options: { refLines: [{ kind: "target", value: 30_000_000 }] } },
  { id: "table_cond", title: "明细表 条件格式", type: "table", shelves: { ...regionByLine, metrics: [met("revenue"), met("gross_margin")] }, options: { pageSize: 20, cond: [{ column: "*", mode: "databar" }, { column: "gross_margin", mode: "above", value: 0.3 }] } },
  { id: "pivot_yoy", title: "透视表 同比", type: "pivot", shelves: { ...regionByLine, metrics: [met("revenue", "yoy")] }, options: {} },
  { id: "pivot_share", title: "透视表 占比", type: "pivot", shelves: { ...monthByLine, range: "last_quarter", metrics: [met("revenue", "percent_of_total")] }, options: {} },
  { id: "pivot_subtotals", title: "透视表 两级行 小计", type: "pivot", shelves: shelves({ dims: [dim("customers.region"), dim("product_line")], series: [dim("time", "quarter")] }), options: { numberFormat: "wan" } },
  { id: "pivot_no_totals", title: "透视表 无合计", type: "pivot", shelves: regionByLine, options: { subtotals: false, totals: false } },
  { id: "funnel_stages", title: "漏斗 阶段", type: "funnel", shelves: shelves({ dims: [dim("opportunities.stage")], metrics: [met("pipeline_amount")], range: "all" }), options: {} },
  { id: "funnel_metrics", title: "漏斗 指标", type: "funnel", shelves: shelves({ metrics: [met("revenue"), met("gross_profit")] }), options: { labels: false } },
  { id: "gauge_max_ref", title: "仪表盘 上限 目标", type: "gauge", shelves: shelves({ metrics: [met("plan_attainment")] }), options: { max: 1.2, refLines: [{ kind: "target", value: 0.95 }] } },
  { id: "heatmap_labels", title: "热力图 数值", type: "heatmap", shelves: regionByLine, options: { labels: true } },
  { id: "treemap_nested", title: "矩形树图 两级", type: "treemap", shelves: shelves({ dims: [dim("product_line"), dim("products.product_name")] }), options: { labels: false } },
  { id: "radar_metrics", title: "雷达图 三指标", type: "radar", shelves: shelves({ dims: [dim("customers.region")], metrics: [met("revenue"), met("gross_margin"), met("order_count")] }), options: {} },
  { id: "waterfall_ref", title: "瀑布图 标签 目标线", type: "waterfall", shelves: byRegion, options: { refLines: REF, numberFormat: "currency" } },
];

/** What 保存到仪表板 sends for a cell: the spec and the chart config the page builds. */
export function built(c: Cell): { spec: Partial<QuerySpec>; chart: ChartConfig } {
  return buildChart(c.shelves, c.type, c.options, false);
}

/** The cells as tests/web/chart_matrix.json holds them; a pivot also lists the subtotal/total queries it makes. */
export function matrixJson(): string {
  const cells = CELLS.map((c) => {
    const b = built(c);
    const levels = c.type === "pivot" ? pivotLevelSpecs(b.spec, b.chart.rows ?? [], b.chart.columns ?? [], b.chart.subtotals !== false, b.chart.totals !== false) : undefined;
    return { id: c.id, title: c.title, type: c.type, ...JSON.parse(JSON.stringify({ ...b, levels })) };
  });
  return `${JSON.stringify({ about: "Generated by frontend/src/charts/__tests__/chartMatrix.test.ts (SHUZHI_UPDATE_GOLDEN=1 npx vitest run chartMatrix); do not edit.", cells }, null, 1)}\n`;
}
