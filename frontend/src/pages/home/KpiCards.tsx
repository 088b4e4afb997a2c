/**
 * Metric highlights: the year-to-date value, 同比 and a 12-month sparkline, all from POST /query.
 *
 * Freshness (service/freshness.py): when this year has no data yet (an old export, any January) the
 * cards show the latest year that has data and say so; when the data ends inside this year, the year
 * is cut at the data's last date so 同比 compares the same days of both years. A rate's 同比 is a
 * difference in percentage points; colours come from changes.ts (涨跌颜色).
 */
import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Alert, Card, Col, Row, Skeleton, Tooltip } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { errorMessage, runQuery, type QuerySpec, type QueryResult } from "../../api/client";
import { changeColor, changeMagnitude, useChangeColors } from "../../changes";
import { sparkline } from "../../charts/buildOption";
import { PALETTE } from "../../charts/echarts";
import { EChart } from "../../charts/ResultView";
import { columnFormat, formatValue } from "../../format";
import { DataAsOf } from "../../freshness/EmptyPeriod";
import { periodLabel } from "../../freshness/period";
import { useFreshText } from "../../freshness/text";
import { useI18n } from "../../i18n";
import { KpiWhy } from "../../insights/KpiWhy";

/** The four highlights (metric names of the demo model; cards for metrics a model lacks are hidden). */
export const HIGHLIGHTS = ["revenue", "gross_margin", "order_count", "inventory_value"];

type Range = NonNullable<QuerySpec["time_range"]>;

const ytdSpec = (time_range: Range) => ({
  metrics: [
    ...HIGHLIGHTS,
    ...HIGHLIGHTS.map((m) => ({ name: `${m}_yoy`, compute: { yoy: m } })),
    ...HIGHLIGHTS.map((m) => ({ name: `${m}_yoy_pp`, compute: { yoy_value: m } })),
  ],
  time_range,
});

/** The 12 whole months ending with the month of `end` (the sparkline beside a period that ended before today). */
function twelveMonths(end: string): Range {
  const [y, m] = end.split("-").map(Number);
  const start = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 10);
  return { field: "time", start, end };
}

export default function KpiCards() {
  const { t, lang } = useI18n();
  const ft = useFreshText();
  const colors = useChangeColors();
  const [ytd, setYtd] = useState<QueryResult | null>(null);
  const [trend, setTrend] = useState<QueryResult | null>(null);
  const [moved, setMoved] = useState<{ asked: string; shown: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    (async () => {
      let a = await runQuery(ytdSpec({ field: "time", relative: "this_year" }));
      const f = a.freshness;
      let trendRange: Range = { field: "time", relative: "last_12_months" };
      if (f?.empty && f.latest?.start && f.latest.end) {
        // this year has no data yet: the latest year that has, and say so
        setMoved({ asked: periodLabel(f.period ?? {}, lang), shown: periodLabel(f.latest, lang) });
        a = await runQuery(ytdSpec({ field: "time", start: f.latest.start, end: f.latest.end }));
        trendRange = twelveMonths(f.latest.end);
      } else if (f && f.period?.start && f.period.end && f.last_date < f.period.end) {
        // the data ends inside this year: compare the same days of both years
        a = await runQuery(ytdSpec({ field: "time", start: f.period.start, end: f.last_date }));
        trendRange = twelveMonths(f.last_date);
      }
      const b = await runQuery({ metrics: HIGHLIGHTS, dimensions: [{ field: "time", grain: "month" }], time_range: trendRange });
      setYtd(a);
      setTrend(b);
    })().catch((e) => setError(errorMessage(e)));
  }, [lang]);

  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <>
      {ytd?.freshness && (
        <div className="kpi-freshness">
          <DataAsOf date={ytd.freshness.last_date} />
          {moved && <Alert type="info" showIcon data-testid="home-period-moved" style={{ marginBottom: 12 }}
            message={ft("anchored", { period: moved.asked, shown: moved.shown, date: ytd.freshness.last_date })} />}
        </div>
      )}
      <Row gutter={[16, 16]}>
        {HIGHLIGHTS.map((m, i) => {
          const ci = ytd?.columns.findIndex((c) => c.name === m) ?? -1;
          const col = ytd?.columns[ci];
          const value = ytd?.rows[0]?.[ci] ?? null;
          const rate = columnFormat(col) === "percent";  // a rate compares in percentage points
          const yi = ytd?.columns.findIndex((c) => c.name === (rate ? `${m}_yoy_pp` : `${m}_yoy`)) ?? -1;
          const yoy = ytd?.freshness?.empty ? null : ((ytd?.rows[0]?.[yi] ?? null) as number | null);
          const ti = trend?.columns.findIndex((c) => c.name === m) ?? -1;
          const series = trend ? [...trend.rows].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map((r) => r[ti] as number | null) : [];
          // all four highlights are better when higher
          return (
            <Col xs={24} sm={12} xl={6} key={m}>
              <Card className="kpi-card" size="small" data-testid={`kpi-${m}`}>
                {!ytd ? (
                  <Skeleton active paragraph={{ rows: 2 }} />
                ) : (
                  <>
                    <div className="kpi-title">
                      <Link to={`/metrics/${m}`}>{col?.label ?? m}</Link>
                    </div>
                    <Tooltip title={formatValue(value, columnFormat(col), lang, { compact: false })}>
                      <div className="kpi-value">{formatValue(value, columnFormat(col), lang)}</div>
                    </Tooltip>
                    <div className="kpi-delta" style={{ color: changeColor(yoy, { colors }) }} data-testid={`kpi-${m}-yoy`}>
                      {t("home.kpi.yoy")}{" "}
                      {yoy === null ? (
                        t("home.kpi.noCompare")
                      ) : (
                        <>
                          {yoy >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {changeMagnitude(yoy, lang, rate)}
                        </>
                      )}
                    </div>
                    <KpiWhy metric={m} percent={rate} />
                    <div className="kpi-spark" title={t("home.kpi.trend")}>
                      {trend && <EChart option={sparkline(series, PALETTE[i % PALETTE.length])} height={44} />}
                    </div>
                  </>
                )}
              </Card>
            </Col>
          );
        })}
      </Row>
    </>
  );
}
