/** KPI card: the value, 同比 / 环比 arrows (green when the change is good for this metric) and a sparkline. */
import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Tooltip } from "antd";
import type { QueryResult } from "../../api/client";
import { sparkline } from "../../charts/buildOption";
import { PALETTE } from "../../charts/echarts";
import { EChart } from "../../charts/ResultView";
import { columnFormat, formatValue } from "../../format";
import { useDT } from "../i18n";

export default function KpiTile({ result, spark, higherIsBetter = true, color = PALETTE[0], theme }: {
  result: QueryResult;
  spark: QueryResult | null;
  higherIsBetter?: boolean;
  color?: string;
  theme?: string;
}) {
  const { dt, lang } = useDT();
  const row = result.rows[0] ?? [];
  const col = result.columns[0];
  const value = row[0] ?? null;
  const deltas = result.columns.slice(1).map((c, i) => ({ kind: c.compute === "pop" ? "pop" : "yoy", v: row[i + 1] as number | null }));
  const series = spark ? spark.rows.map((r) => r[1] as number | null) : [];
  return (
    <div className="kpi-tile" data-testid="kpi-tile">
      <Tooltip title={formatValue(value, columnFormat(col), lang, { compact: false })}>
        <div className="kpi-tile-value">{formatValue(value, columnFormat(col), lang)}</div>
      </Tooltip>
      <div className="kpi-tile-deltas">
        {deltas.map((d) => {
          const good = d.v === null ? null : d.v >= 0 === higherIsBetter;
          return (
            <span key={d.kind} className={`kpi-tile-delta ${good === null ? "" : good ? "good" : "bad"}`} data-testid={`kpi-${d.kind}`}>
              {dt(d.kind === "pop" ? "kpi.pop" : "kpi.yoy")}{" "}
              {d.v === null ? dt("kpi.none") : <>{d.v >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {formatValue(Math.abs(d.v), "percent", lang)}</>}
            </span>
          );
        })}
      </div>
      {series.length > 1 && (
        <div className="kpi-tile-spark">
          <EChart option={sparkline(series, color)} height={40} theme={theme} />
        </div>
      )}
    </div>
  );
}
