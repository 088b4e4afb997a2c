/** Metric highlights: year-to-date value, 同比 (yoy) arrow and a 12-month sparkline, all from POST /query. */
import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Alert, Card, Col, Row, Skeleton, Tooltip } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { errorMessage, runQuery, type QueryResult } from "../../api/client";
import { sparkline } from "../../charts/buildOption";
import { PALETTE } from "../../charts/echarts";
import { EChart } from "../../charts/ResultView";
import { columnFormat, formatValue } from "../../format";
import { useI18n } from "../../i18n";
import { KpiWhy } from "../../insights/KpiWhy";

/** The four highlights (metric names of the demo model; cards for metrics a model lacks are hidden). */
export const HIGHLIGHTS = ["revenue", "gross_margin", "order_count", "inventory_value"];

export default function KpiCards() {
  const { t, lang } = useI18n();
  const [ytd, setYtd] = useState<QueryResult | null>(null);
  const [trend, setTrend] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([
      runQuery({
        metrics: [...HIGHLIGHTS, ...HIGHLIGHTS.map((m) => ({ name: `${m}_yoy`, compute: { yoy: m } }))],
        time_range: { field: "time", relative: "this_year" },
      }),
      runQuery({
        metrics: HIGHLIGHTS,
        dimensions: [{ field: "time", grain: "month" }],
        time_range: { field: "time", relative: "last_12_months" },
      }),
    ])
      .then(([a, b]) => {
        setYtd(a);
        setTrend(b);
      })
      .catch((e) => setError(errorMessage(e)));
  }, []);

  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <Row gutter={[16, 16]}>
      {HIGHLIGHTS.map((m, i) => {
        const ci = ytd?.columns.findIndex((c) => c.name === m) ?? -1;
        const col = ytd?.columns[ci];
        const value = ytd?.rows[0]?.[ci] ?? null;
        const yi = ytd?.columns.findIndex((c) => c.name === `${m}_yoy`) ?? -1;
        const yoy = (ytd?.rows[0]?.[yi] ?? null) as number | null;
        const ti = trend?.columns.findIndex((c) => c.name === m) ?? -1;
        const series = trend ? [...trend.rows].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map((r) => r[ti] as number | null) : [];
        // for a margin, "up" is good; all four highlights are better when higher
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
                  <div className={`kpi-delta ${yoy === null ? "" : yoy >= 0 ? "up" : "down"}`}>
                    {t("home.kpi.yoy")}{" "}
                    {yoy === null ? (
                      t("home.kpi.noCompare")
                    ) : (
                      <>
                        {yoy >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {formatValue(Math.abs(yoy), "percent", lang)}
                      </>
                    )}
                  </div>
                  <KpiWhy metric={m} percent={columnFormat(col) === "percent"} />
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
  );
}
