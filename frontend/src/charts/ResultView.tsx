/** Shows a query result as the recommended chart (or KPI card / table), with an optional data table. */
import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Empty, Spin, Table } from "antd";
import ReactEChartsCore from "echarts-for-react/lib/core";
import { useEffect, useMemo, useState } from "react";
import type { ChartRec, QueryResult } from "../api/client";
import { columnFormat, formatPeriod, formatValue, grainOf } from "../format";
import { useI18n } from "../i18n";
import { buildOption, columnLabel } from "./buildOption";
import { ensureChinaMap } from "./chinaMap";
import { echarts } from "./echarts";

export function EChart({ option, height = 320, className }: { option: object; height?: number | string; className?: string }) {
  return (
    <ReactEChartsCore
      echarts={echarts}
      option={option}
      notMerge
      lazyUpdate
      className={className}
      style={{ height, width: "100%" }}
      opts={{ renderer: "canvas" }}
    />
  );
}

export function DataTable({ result, pageSize = 10 }: { result: QueryResult; pageSize?: number }) {
  const { lang } = useI18n();
  const columns = result.columns.map((c, i) => {
    const fmt = columnFormat(c);
    const numeric = c.type === "number" || c.type === "integer";
    return {
      key: c.name,
      dataIndex: i,
      title: columnLabel(c, lang),
      align: numeric ? ("right" as const) : ("left" as const),
      sorter: (a: unknown[], b: unknown[]) => {
        const x = a[i] as number | string | null;
        const y = b[i] as number | string | null;
        if (x === null) return 1;
        if (y === null) return -1;
        return typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
      },
      render: (v: unknown) =>
        c.type === "date" ? formatPeriod(v as string, grainOf(c.name), lang) : formatValue(v as never, fmt, lang, { compact: false }),
    };
  });
  return (
    <Table
      size="small"
      rowKey={(_, i) => String(i)}
      columns={columns}
      dataSource={result.rows as unknown as unknown[][]}
      pagination={result.rows.length > pageSize ? { pageSize, size: "small", showSizeChanger: false } : false}
      scroll={{ x: "max-content" }}
    />
  );
}

export function KpiValue({ result, chart }: { result: QueryResult; chart: ChartRec }) {
  const { lang, t } = useI18n();
  const row = result.rows[0] ?? [];
  const vCol = result.columns.find((c) => c.name === chart.value) ?? result.columns.find((c) => c.role === "metric" && !c.compute);
  const cCol = result.columns.find((c) => c.name === chart.compare) ?? result.columns.find((c) => c.compute === "yoy" || c.compute === "pop");
  const v = vCol ? row[result.columns.indexOf(vCol)] : null;
  const cmp = cCol ? (row[result.columns.indexOf(cCol)] as number | null) : null;
  return (
    <div className="kpi-big">
      <div className="kpi-big-label">{columnLabel(vCol, lang)}</div>
      <div className="kpi-big-value">{formatValue(v, columnFormat(vCol), lang)}</div>
      {cCol && (
        <div className={`kpi-delta ${cmp === null ? "" : cmp >= 0 ? "up" : "down"}`}>
          {cCol.compute === "pop" ? t("analysis.compute.pop") : t("home.kpi.yoy")}{" "}
          {cmp === null ? t("home.kpi.noCompare") : <>{cmp >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {formatValue(Math.abs(cmp), "percent", lang)}</>}
        </div>
      )}
    </div>
  );
}

export function ResultView({ result, chart, height = 340 }: { result: QueryResult; chart: ChartRec; height?: number }) {
  const { lang, t } = useI18n();
  const [mapReady, setMapReady] = useState(chart.type !== "map");
  useEffect(() => {
    if (chart.type === "map") {
      setMapReady(false);
      ensureChinaMap().then(() => setMapReady(true));
    }
  }, [chart.type]);
  const option = useMemo(
    () => (["kpi", "table"].includes(chart.type) ? null : buildOption(result, chart, { lang, noProvince: t("chart.noProvince") })),
    [result, chart, lang, t],
  );
  if (!result.rows.length) return <Empty description={t("common.empty")} />;
  if (chart.type === "kpi") return <KpiValue result={result} chart={chart} />;
  if (chart.type === "table" || !option) return <DataTable result={result} />;
  if (!mapReady) return <Spin style={{ display: "block", margin: "80px auto" }} />;
  return <EChart option={option} height={height} className={`chart-${chart.type}`} />;
}
