/** A metric's page: 口径, definition, owner, certification, unit/format, lineage, versions and a 24-month trend. */
import { ArrowLeftOutlined, BarChartOutlined, EditOutlined, BranchesOutlined, HistoryOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Skeleton, Space, Tag, Timeline, Typography } from "antd";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, errorMessage, runQuery, serverToday, unwrap, type MetricDetail, type QueryResult, type VersionOut } from "../api/client";
import { ResultView } from "../charts/ResultView";
import { useCan } from "../auth";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/zh";
import { StatusBadge } from "./Metrics";

function monthsBack(today: string, n: number): string {
  const [y, m] = today.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 10);
}

function definitionText(m: MetricDetail): string {
  if (m.formula) return m.formula;
  const agg = (m.agg ?? "").toUpperCase();
  let s = `${agg}(${m.dataset ? m.dataset + "." : ""}${m.expr ?? "*"})`;
  if (m.filter) s += `\n  WHERE ${m.filter}`;
  if (m.time_aggregation) s += `\n  -- time_aggregation: ${m.time_aggregation}`;
  return s;
}

export default function MetricPage() {
  const { name = "" } = useParams();
  const { t, pick, lang } = useI18n();
  const can = useCan();
  const [m, setM] = useState<MetricDetail | null>(null);
  const [versions, setVersions] = useState<VersionOut[] | null>(null);
  const [trend, setTrend] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [trendError, setTrendError] = useState<string | null>(null);

  useEffect(() => {
    setM(null);
    setTrend(null);
    setError(null);
    setTrendError(null);
    unwrap(api.GET("/api/v1/metrics/{name}", { params: { path: { name } } }))
      .then((d) => setM(d as unknown as MetricDetail))
      .catch((e) => setError(errorMessage(e)));
    unwrap(api.GET("/api/v1/metrics/{name}/versions", { params: { path: { name } } }))
      .then(setVersions)
      .catch(() => setVersions([]));
    serverToday()
      .then((today) =>
        runQuery({
          metrics: [name],
          dimensions: [{ field: "time", grain: "month" }],
          time_range: { field: "time", start: monthsBack(today, 23), end: today },
        }),
      )
      .then(setTrend)
      .catch((e) => setTrendError(errorMessage(e)));
  }, [name]);

  if (error)
    return (
      <div className="page">
        <Alert type="error" showIcon message={error} action={<Link to="/metrics">{t("metric.back")}</Link>} />
      </div>
    );
  if (!m)
    return (
      <div className="page">
        <Skeleton active />
      </div>
    );
  const lin = m.lineage;
  const list = (xs: string[] | undefined, link = false) =>
    xs && xs.length ? (
      <Space size={[4, 4]} wrap>
        {xs.map((x) =>
          link ? (
            <Link key={x} to={`/metrics/${x}`}>
              <Tag color="blue">{x}</Tag>
            </Link>
          ) : (
            <Tag key={x}>{x}</Tag>
          ),
        )}
      </Space>
    ) : (
      <Typography.Text type="secondary">{t("metric.none")}</Typography.Text>
    );

  return (
    <div className="page metric-page">
      <Link to="/metrics" className="back-link">
        <ArrowLeftOutlined /> {t("metric.back")}
      </Link>
      <div className="page-head">
        <div>
          <Space align="center" wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="metric-title">
              {pick(m.label, m.label_en)}
            </Typography.Title>
            <StatusBadge status={m.status} />
            <Tag bordered={false}>{t(`metrics.kind.${m.kind}` as MessageKey)}</Tag>
          </Space>
          <div className="metric-sub">
            {m.name} · {t("metric.owner")}：{m.owner ?? "—"}
          </div>
        </div>
        <Space>
          {can("content:edit") ? (
            <Link to={`/metrics/${encodeURIComponent(m.name)}/edit`}>
              <Button icon={<EditOutlined />} data-testid="metric-edit">{lang === "en" ? "Edit" : "编辑"}</Button>
            </Link>
          ) : null}
          <Link to={`/analysis?metric=${encodeURIComponent(m.name)}`}>
            <Button type="primary" icon={<BarChartOutlined />}>
              {t("metric.analyze")}
            </Button>
          </Link>
        </Space>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card title={t("metric.trend")} size="small" className="trend-card">
            {trendError ? (
              <Alert type="error" showIcon message={trendError} />
            ) : !trend ? (
              <Skeleton active />
            ) : (
              <ResultView result={trend} chart={{ type: "line", x: "time_month", y: [m.name] }} height={300} />
            )}
          </Card>
          <Card title={t("metric.definition")} size="small" style={{ marginTop: 16 }}>
            <Typography.Paragraph style={{ whiteSpace: "pre-wrap", marginBottom: 12 }} data-testid="metric-description">
              {m.description ?? t("metric.none")}
            </Typography.Paragraph>
            <div className="field-label">{t("metric.formula")}</div>
            <pre className="code-block">{definitionText(m)}</pre>
          </Card>
          <Card
            title={
              <span>
                <BranchesOutlined /> {t("metric.lineage")}
              </span>
            }
            size="small"
            style={{ marginTop: 16 }}
          >
            <Descriptions column={1} size="small" labelStyle={{ width: 120 }}>
              <Descriptions.Item label={t("metric.dependsOn")}>{list(lin?.depends_on, true)}</Descriptions.Item>
              <Descriptions.Item label={t("metric.fields")}>{list(lin?.fields)}</Descriptions.Item>
              <Descriptions.Item label={t("metric.tables")}>{list(lin?.tables?.map((x) => x.table ?? x.dataset))}</Descriptions.Item>
              <Descriptions.Item label={t("metric.usedBy")}>{list(lin?.used_by_metrics, true)}</Descriptions.Item>
              <Descriptions.Item label={t("metric.dashboards")}>
                {lin?.dashboards?.length ? (
                  <Space size={[4, 4]} wrap data-testid="metric-dashboards">
                    {lin.dashboards.map((d) => (
                      <Link key={d.name} to={`/dashboards/${encodeURIComponent(d.name)}`}>
                        <Tag color="geekblue" title={d.via.filter((x) => x !== m.name).join("、") || undefined}>
                          {pick(d.title, d.title_en)}
                        </Tag>
                      </Link>
                    ))}
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t("metric.none")}</Typography.Text>
                )}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t("metric.basic")} size="small">
            <Descriptions column={1} size="small" labelStyle={{ width: 90 }}>
              <Descriptions.Item label={t("metric.name")}>
                <Typography.Text code>{m.name}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t("metric.labelEn")}>{m.label_en ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("metric.owner")}>{m.owner ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("metric.unit")}>{m.unit ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("metric.format")}>{t(`format.${m.format}` as MessageKey) ?? m.format}</Descriptions.Item>
              <Descriptions.Item label={t("metric.dataset")}>{m.dataset ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("metric.timeField")}>{m.time ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("metric.tags")}>{list(m.tags)}</Descriptions.Item>
              <Descriptions.Item label={t("metric.synonyms")}>{list(m.synonyms)}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card
            title={
              <span>
                <HistoryOutlined /> {t("metric.versions")}
              </span>
            }
            size="small"
            style={{ marginTop: 16 }}
          >
            {!versions ? (
              <Skeleton active />
            ) : versions.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Timeline
                style={{ marginTop: 8 }}
                items={[...versions].reverse().map((v) => ({
                  color: v.deleted ? "red" : "blue",
                  children: (
                    <div>
                      <b>{t("metric.version", { v: v.version })}</b>{" "}
                      <Typography.Text type="secondary">{new Date(v.created_at).toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { timeZone: "Asia/Shanghai" })}</Typography.Text>
                      <div>
                        {v.created_by ?? "—"}
                        {v.comment ? ` · ${v.comment}` : ""}
                      </div>
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
