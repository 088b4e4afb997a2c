/**
 * KPI card: the value, 同比 / 环比 arrows and a sparkline. Colours come from changes.ts (the company's
 * or the user's 涨跌颜色; a lower-is-better metric's rise has the colour of a worse change); a rate's
 * change is in percentage points. A period without data shows no change at all (never ↓100%); the
 * windows say what is compared (同比: the period against the same days a year before; 环比 of a longer
 * period: its latest month against the month before — 「月环比」).
 */
import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Tooltip } from "antd";
import type { QueryResult, Schemas } from "../../api/client";
import { changeColor, changeMagnitude, useChangeColors } from "../../changes";
import { sparkline } from "../../charts/buildOption";
import { PALETTE } from "../../charts/echarts";
import { EChart } from "../../charts/ResultView";
import { columnFormat, formatValue } from "../../format";
import { useFreshText } from "../../freshness/text";
import { useDT } from "../i18n";

export default function KpiTile({ result, spark, higherIsBetter = true, color = PALETTE[0], theme, windows, empty }: {
  result: QueryResult;
  spark: QueryResult | null;
  higherIsBetter?: boolean;
  color?: string;
  theme?: string;
  windows?: Record<string, Schemas["KpiWindow"]> | null;
  /** The card's period has no data: no change is shown. */
  empty?: boolean;
}) {
  const { dt, lang } = useDT();
  const ft = useFreshText();
  const colors = useChangeColors();
  const row = result.rows[0] ?? [];
  const col = result.columns[0];
  const value = row[0] ?? null;
  const points = columnFormat(col) === "percent";
  const deltas = result.columns.slice(1).map((c, i) => ({
    kind: c.compute?.startsWith("pop") ? "pop" : "yoy",
    v: empty ? null : (row[i + 1] as number | null),
    // a rate's change is a difference (yoy_value) in percentage points; a relative growth of a rate (yoy) stays a percent
    points: points && !!c.compute?.endsWith("_value"),
  }));
  const series = spark ? spark.rows.map((r) => r[1] as number | null) : [];
  return (
    <div className="kpi-tile" data-testid="kpi-tile">
      <Tooltip title={formatValue(value, columnFormat(col), lang, { compact: false })}>
        <div className="kpi-tile-value">{formatValue(value, columnFormat(col), lang)}</div>
      </Tooltip>
      <div className="kpi-tile-deltas">
        {deltas.map((d) => {
          const w = windows?.[d.kind];
          const label = d.kind === "pop" && w?.scope === "month" ? ft("monthPop") : dt(d.kind === "pop" ? "kpi.pop" : "kpi.yoy");
          const tip = w ? ft("compared", { a: `${w.start} ~ ${w.end}`, b: `${w.base_start} ~ ${w.base_end}` }) : undefined;
          return (
            <Tooltip key={d.kind} title={tip}>
              <span className="kpi-tile-delta" style={{ color: changeColor(d.v, { higherIsBetter, colors }) }} data-testid={`kpi-${d.kind}`}>
                {label}{" "}
                {d.v === null ? ft("noCompare") : <>{d.v >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {changeMagnitude(d.v, lang, d.points)}</>}
              </span>
            </Tooltip>
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
