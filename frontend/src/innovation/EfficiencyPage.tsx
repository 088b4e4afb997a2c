/** /innovation/efficiency: the R&D funnel per field with its lags, budget overruns and time to grant
 * (GET /api/v1/rd/efficiency; docs/innovation-efficiency.md). */
import { Alert, Card, Col, Grid, Row, Select, Space, Spin, Statistic, Switch, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { BudgetTable, FunnelView, GrantTimeView, IndustryView, LagsView, RevenueLinkView } from "./EfficiencyParts";
import { useEfficiencyText } from "./EfficiencyText";

type Out = Schemas["EfficiencyOut"];

export default function EfficiencyPage() {
  const t = useEfficiencyText();
  const { lang } = useI18n();
  const phone = !Grid.useBreakpoint().md;
  const [field, setField] = useState<string>("");
  const [data, setData] = useState<Out | null>(null);
  const [fields, setFields] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [all, setAll] = useState(false);

  useEffect(() => {
    setError(null);
    setData(null);
    unwrap(api.GET("/api/v1/rd/efficiency", { params: { query: { field: field || undefined } } }))
      .then((d) => {
        setData(d as Out);
        setFields((d as Out).fields);
      })
      .catch((e) => setError(errorMessage(e)));
  }, [field]);

  const b = data?.budget;
  const projects = b ? (all ? b.projects : b.projects.filter((p) => p.flagged)) : [];
  const kpi = (testid: string, title: string, value: string) => (
    <Col xs={12} md={8} xl={4} key={testid}>
      <Card size="small" data-testid={testid}>
        <Statistic title={title} value={value} />
      </Card>
    </Col>
  );
  return (
    <div className="page efficiency-page" data-testid="efficiency-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t("title")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          data-testid="eff-field"
          style={{ width: 160 }}
          value={field}
          onChange={setField}
          aria-label={t("field")}
          options={[{ value: "", label: t("allFields") }, ...fields.map((f) => ({ value: f, label: f }))]}
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} data-testid="eff-error" />}
      {!data && !error && <Spin />}
      {data && (
        <>
          <Alert type="info" showIcon data-testid="eff-summary" message={lang === "en" ? data.summary.en : data.summary.zh} style={{ marginBottom: 12 }} />
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            {kpi("eff-kpi-spend", t("spend"), formatValue(data.totals.rd_spend, "currency", lang))}
            {kpi("eff-kpi-cost", t("costPerPatent"), formatValue(data.totals.cost_per_invention_patent ?? null, "currency", lang))}
            {kpi("eff-kpi-months", t("grantMonths"), data.grant_time.avg_months == null ? "—" : t("months", { n: data.grant_time.avg_months.toFixed(1) }))}
            {kpi("eff-kpi-rate", t("commercialization"), formatValue(data.totals.commercialization_rate ?? null, "percent", lang))}
            {kpi("eff-kpi-over", t("overBudget"), String(data.budget.over_budget_count))}
            {kpi("eff-kpi-ahead", t("aheadOfPlan"), String(data.budget.ahead_of_plan_count))}
          </Row>
          <Card title={t("funnel")} size="small" style={{ marginBottom: 12 }}>
            <Typography.Paragraph type="secondary">{t("funnelHelp")}</Typography.Paragraph>
            <FunnelView data={data} phone={phone} />
          </Card>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={24} lg={14}>
              <Card title={t("lags")} size="small">
                <Typography.Paragraph type="secondary">{t("lagsHelp")}</Typography.Paragraph>
                <LagsView data={data} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card title={t("grantTime")} size="small">
                <GrantTimeView data={data} />
              </Card>
            </Col>
          </Row>
          <Card
            title={t("budget")}
            size="small"
            style={{ marginBottom: 12 }}
            extra={<Space><span>{t("showAll")}</span><Switch size="small" checked={all} onChange={setAll} data-testid="eff-show-all" /></Space>}
          >
            <Typography.Paragraph type="secondary">{t("budgetHelp")}</Typography.Paragraph>
            <BudgetTable rows={projects} phone={phone} />
          </Card>
          <Row gutter={[12, 12]}>
            {(data.industry ?? []).length > 0 && (
              <Col xs={24} lg={12}>
                <Card title={t("industry")} size="small">
                  <IndustryView data={data} />
                </Card>
              </Col>
            )}
            <Col xs={24} lg={(data.industry ?? []).length > 0 ? 12 : 24}>
              <Card title={t("link")} size="small">
                <RevenueLinkView data={data} />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </div>
  );
}
