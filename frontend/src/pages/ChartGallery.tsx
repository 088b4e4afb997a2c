/**
 * /dev/charts (not in the menu): every chart type on the demo company's data, for the e2e gallery check
 * and the docs screenshot. Each card runs its own QuerySpec through POST /query and renders it with
 * ResultView, exactly like the analysis page and dashboards do.
 */
import { Alert, Card, Col, Row, Spin, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { errorMessage, runQuery, type QuerySpec, type QueryResult } from "../api/client";
import type { ChartConfig } from "../charts/core/types";
import { chartType } from "../charts/registry";
import { ResultView } from "../charts/ResultView";
import { useI18n } from "../i18n";

interface Example {
  id: string;
  title: string;
  spec: Partial<QuerySpec>;
  chart: ChartConfig;
}

const thisYear = { field: "time", relative: "this_year" } as QuerySpec["time_range"];
const last12 = { field: "time", relative: "last_12_months" } as QuerySpec["time_range"];

export const EXAMPLES: Example[] = [
  { id: "bar-grouped", title: "各大区 × 产品线销售额（分组）", spec: { metrics: ["revenue"], dimensions: ["customers.region", "product_line"], time_range: thisYear }, chart: { type: "bar", x: "customers.region", series: "product_line", y: ["revenue"] } },
  { id: "bar-stacked", title: "各大区 × 产品线销售额（堆叠）", spec: { metrics: ["revenue"], dimensions: ["customers.region", "product_line"], time_range: thisYear }, chart: { type: "bar", x: "customers.region", series: "product_line", y: ["revenue"], stack: "stacked", refLines: [{ kind: "target", value: 10_000_000 }] } },
  { id: "bar-percent", title: "各大区产品线构成（百分比堆叠）", spec: { metrics: ["revenue"], dimensions: ["customers.region", "product_line"], time_range: thisYear }, chart: { type: "bar", x: "customers.region", series: "product_line", y: ["revenue"], stack: "percent" } },
  { id: "bar-horizontal", title: "客户销售额前 10（条形）", spec: { metrics: ["revenue"], dimensions: ["customers.customer_name"], time_range: thisYear, order_by: [{ field: "revenue", desc: true }], limit: 10 }, chart: { type: "bar", x: "customers.customer_name", y: ["revenue"], horizontal: true, labels: true } },
  { id: "line", title: "近 12 个月销售额与同比", spec: { metrics: ["revenue", { name: "revenue_yoy", compute: { yoy: "revenue" } }], dimensions: [{ field: "time", grain: "month" }], time_range: last12 }, chart: { type: "line", x: "time_month", y: ["revenue", "revenue_yoy"], line_y2: ["revenue_yoy"] } },
  { id: "area", title: "各产品线月度销售额（堆叠面积）", spec: { metrics: ["revenue"], dimensions: [{ field: "time", grain: "month" }, "product_line"], time_range: last12 }, chart: { type: "area", x: "time_month", series: "product_line", y: ["revenue"], stack: "stacked" } },
  { id: "combo", title: "销售额与毛利率（双轴组合）", spec: { metrics: ["revenue", "gross_margin"], dimensions: [{ field: "time", grain: "quarter" }], time_range: { field: "time", relative: "last_12_months" } as QuerySpec["time_range"] }, chart: { type: "combo", x: "time_quarter", y: ["revenue", "gross_margin"], bar: "revenue", line: ["gross_margin"], labels: true } },
  { id: "pie", title: "产品线销售额占比（环形）", spec: { metrics: ["revenue"], dimensions: ["product_line"], time_range: thisYear, order_by: [{ field: "revenue", desc: true }] }, chart: { type: "pie", x: "product_line", y: ["revenue"], donut: true } },
  { id: "pie-plain", title: "销售渠道构成（饼图）", spec: { metrics: ["revenue"], dimensions: ["sales_orders.channel"], time_range: thisYear }, chart: { type: "pie", x: "sales_orders.channel", y: ["revenue"], donut: false } },
  { id: "scatter", title: "客户：销售额 × 毛利率，气泡=订单数", spec: { metrics: ["revenue", "gross_margin", "order_count"], dimensions: ["customers.customer_name", "customers.region"], time_range: thisYear, order_by: [{ field: "revenue", desc: true }], limit: 40 }, chart: { type: "scatter", x: "customers.customer_name", y: ["revenue", "gross_margin"], size: "order_count", color: "customers.region" } },
  { id: "kpi", title: "今年销售额（指标卡）", spec: { metrics: ["revenue", { name: "revenue_yoy", compute: { yoy: "revenue" } }], time_range: thisYear }, chart: { type: "kpi", value: "revenue", compare: "revenue_yoy", refLines: [{ kind: "target", value: 80_000_000 }] } },
  { id: "table", title: "各省经营表（条件格式、分页）", spec: { metrics: ["revenue", "gross_margin", "order_count", { name: "revenue_yoy", compute: { yoy: "revenue" } }], dimensions: ["customers.province"], time_range: thisYear, order_by: [{ field: "revenue", desc: true }] }, chart: { type: "table", pageSize: 8, cond: [{ column: "revenue", mode: "databar" }, { column: "gross_margin", mode: "below", value: 0.375 }] } },
  { id: "pivot", title: "大区 × 产品线 × 年度（透视表，小计与合计）", spec: { metrics: ["revenue", "gross_margin"], dimensions: ["customers.region", "product_line", { field: "time", grain: "year" }], time_range: { field: "time", start: "2025-01-01", end: "2026-12-31" } as QuerySpec["time_range"] }, chart: { type: "pivot", rows: ["customers.region", "product_line"], columns: ["time_year"], y: ["revenue", "gross_margin"], subtotals: true, totals: true } },
  { id: "map", title: "各省销售额（中国地图）", spec: { metrics: ["revenue"], dimensions: ["customers.province"], time_range: thisYear }, chart: { type: "map", region: "customers.province", y: ["revenue"] } },
  { id: "funnel", title: "商机阶段（漏斗）", spec: { metrics: ["pipeline_amount"], dimensions: ["opportunities.stage"], order_by: [{ field: "pipeline_amount", desc: true }] }, chart: { type: "funnel", x: "opportunities.stage", y: ["pipeline_amount"] } },
  { id: "gauge", title: "今年毛利率（仪表盘，目标 35%）", spec: { metrics: ["gross_margin"], time_range: thisYear }, chart: { type: "gauge", value: "gross_margin", refLines: [{ kind: "target", value: 0.35 }] } },
  { id: "heatmap", title: "各工厂月度不良率（热力图）", spec: { metrics: ["defect_rate"], dimensions: [{ field: "time", grain: "month" }, "production_orders.plant"], time_range: last12 }, chart: { type: "heatmap", x: "time_month", series: "production_orders.plant", y: ["defect_rate"] } },
  { id: "treemap", title: "产品线 → 产品销售额（矩形树图）", spec: { metrics: ["revenue"], dimensions: ["product_line", "products.product_name"], time_range: thisYear }, chart: { type: "treemap", x: "product_line", series: "products.product_name", y: ["revenue"] } },
  { id: "radar", title: "各大区经营画像（雷达图）", spec: { metrics: ["revenue", "gross_margin", "order_count", "customer_count"], dimensions: ["customers.region"], time_range: thisYear }, chart: { type: "radar", x: "customers.region", y: ["revenue", "gross_margin", "order_count", "customer_count"] } },
  { id: "waterfall", title: "各大区对销售额的贡献（瀑布图）", spec: { metrics: ["revenue"], dimensions: ["customers.region"], time_range: thisYear, order_by: [{ field: "revenue", desc: true }] }, chart: { type: "waterfall", x: "customers.region", y: ["revenue"] } },
];

function GalleryCard({ ex }: { ex: Example }) {
  const { pick } = useI18n();
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    runQuery(ex.spec).then(setResult).catch((e) => setError(errorMessage(e)));
  }, [ex]);
  const def = chartType(ex.chart.type);
  return (
    <Card size="small" title={ex.title} extra={<Tag>{pick(def.name.zh, def.name.en)}</Tag>} data-testid={`gallery-${ex.id}`} data-type={def.key} data-render={def.render} data-ready={result ? "1" : "0"}>
      {error ? <Alert type="error" showIcon message={error} /> : !result ? <Spin style={{ display: "block", margin: "100px auto" }} /> : <ResultView result={result} chart={ex.chart} spec={ex.spec} height={300} />}
    </Card>
  );
}

export default function ChartGallery() {
  const { pick } = useI18n();
  return (
    <div className="page chart-gallery">
      <Typography.Title level={4}>{pick("图表类型一览（演示数据）", "Chart types on the demo data")}</Typography.Title>
      <Row gutter={[16, 16]}>
        {EXAMPLES.map((ex) => (
          <Col key={ex.id} xs={24} lg={12} xxl={8}>
            <GalleryCard ex={ex} />
          </Col>
        ))}
      </Row>
    </div>
  );
}
