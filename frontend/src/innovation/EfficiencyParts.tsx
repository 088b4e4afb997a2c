/** The parts of /innovation/efficiency: the funnel chart and table, the lags, the budget table, time to grant. */
import { Table, Tag, Typography } from "antd";
import { useMemo } from "react";
import type { Schemas } from "../api/client";
import { EChart } from "../charts/ResultView";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { useEfficiencyText } from "./EfficiencyText";

type Out = Schemas["EfficiencyOut"];

export function FunnelView({ data, phone }: { data: Out; phone: boolean }) {
  const t = useEfficiencyText();
  const { lang } = useI18n();
  const fields = data.funnel.map((f) => f.tech_field);
  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: fields, axisLabel: { interval: 0, rotate: phone ? 30 : 0 } },
      yAxis: [
        { type: "value", name: lang === "en" ? "patents" : "件" },
        { type: "value", name: lang === "en" ? "CNY" : "元", axisLabel: { formatter: (v: number) => formatValue(v, "number", lang) } },
      ],
      series: [
        { name: t("applied"), type: "bar", data: data.funnel.map((f) => f.totals.patent_applications) },
        { name: t("granted"), type: "bar", data: data.funnel.map((f) => f.totals.patents_granted) },
        { name: t("commercialized"), type: "bar", data: data.funnel.map((f) => f.totals.commercialized_patents) },
        { name: t("spend"), type: "line", yAxisIndex: 1, data: data.funnel.map((f) => f.totals.rd_spend) },
        { name: t("newRevenue"), type: "line", yAxisIndex: 1, data: data.funnel.map((f) => f.totals.new_product_revenue) },
      ],
    }),
    [data, fields, lang, phone, t],
  );
  const rows = data.funnel.flatMap((f) => f.years.map((y) => ({ key: `${f.tech_field}-${y.year}`, field: f.tech_field, ...y })));
  const money = (v: number | null | undefined) => formatValue(v ?? null, "currency", lang);
  return (
    <div data-testid="eff-funnel">
      <EChart option={option} height={phone ? 300 : 340} />
      <Table
        size="small"
        data-testid="eff-funnel-table"
        pagination={false}
        scroll={{ x: 760 }}
        dataSource={rows}
        columns={[
          { title: t("field"), dataIndex: "field", fixed: phone ? undefined : "left" },
          { title: t("year"), dataIndex: "year" },
          { title: t("spend"), dataIndex: "rd_spend", align: "right", render: money },
          { title: t("applied"), dataIndex: "patent_applications", align: "right" },
          { title: t("granted"), dataIndex: "patents_granted", align: "right" },
          { title: t("commercialized"), dataIndex: "commercialized_patents", align: "right" },
          { title: t("newRevenue"), dataIndex: "new_product_revenue", align: "right", render: money },
          { title: t("costPerPatent"), dataIndex: "cost_per_invention_patent", align: "right", render: money },
        ]}
      />
    </div>
  );
}

export function LagsView({ data }: { data: Out }) {
  const t = useEfficiencyText();
  const { lang } = useI18n();
  const stageName: Record<string, string> = { patent_applications: t("applied"), patents_granted: t("granted"), new_product_revenue: t("newRevenue") };
  const option = {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 36, containLabel: true },
    xAxis: { type: "category", name: t("lagAxis"), nameLocation: "middle", nameGap: 26, data: data.lags[0]?.by_lag.map((p) => p.lag_quarters) ?? [] },
    yAxis: { type: "value", min: -1, max: 1, name: "r" },
    series: data.lags.map((l) => ({ name: stageName[l.stage] ?? l.stage, type: "line", data: l.by_lag.map((p) => p.r) })),
  };
  return (
    <div data-testid="eff-lags">
      <ul className="eff-lag-list">
        {data.lags.map((l) => (
          <li key={l.stage} data-testid={`eff-lag-${l.stage}`}>
            <Tag color={l.reliable ? "blue" : "default"}>{stageName[l.stage] ?? l.stage}</Tag>
            {lang === "en" ? l.text.en : l.text.zh}
          </li>
        ))}
      </ul>
      <EChart option={option} height={240} />
    </div>
  );
}

type Project = Schemas["ProjectBudget"];

export function BudgetTable({ rows, phone }: { rows: Project[]; phone: boolean }) {
  const t = useEfficiencyText();
  const { lang } = useI18n();
  const money = (v: number | null | undefined) => formatValue(v ?? null, "currency", lang);
  const pct = (v: number | null | undefined) => formatValue(v ?? null, "percent", lang);
  return (
    <Table
      size="small"
      data-testid="eff-budget-table"
      rowKey="project_id"
      dataSource={rows}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      scroll={{ x: 820 }}
      columns={[
        { title: t("project"), dataIndex: "project_name", fixed: phone ? undefined : "left", width: 200,
          render: (v: string, r: Project) => (
            <span>
              {v} <Typography.Text type="secondary">{r.project_id}</Typography.Text>
            </span>
          ) },
        { title: t("field"), dataIndex: "tech_field" },
        { title: t("status"), dataIndex: "status" },
        { title: t("budgetCol"), dataIndex: "budget", align: "right", render: money },
        { title: t("spend"), dataIndex: "spend", align: "right", render: money },
        { title: t("execution"), dataIndex: "execution", align: "right",
          render: (v: number | null) => <span className={v !== null && v > 1 ? "eff-over" : undefined}>{pct(v)}</span> },
        { title: t("pace"), dataIndex: "pace", align: "right", render: pct },
        { title: t("flag"), key: "flag",
          render: (_: unknown, r: Project) => (
            <>
              {r.over_budget && <Tag color="red">{t("overBudget")}</Tag>}
              {r.ahead_of_plan && <Tag color="orange">{t("aheadOfPlan")}</Tag>}
              {r.partial_history && <Tag>{t("partial")}</Tag>}
            </>
          ) },
      ]}
    />
  );
}

export function GrantTimeView({ data }: { data: Out }) {
  const t = useEfficiencyText();
  const { lang } = useI18n();
  const g = data.grant_time;
  const bar = (labels: string[], values: (number | null)[], counts: number[]) => ({
    tooltip: { trigger: "axis", formatter: (ps: { dataIndex: number; name: string; value: number }[]) =>
      `${ps[0].name}: ${ps[0].value?.toFixed(1)} ${lang === "en" ? "months" : "个月"} (${counts[ps[0].dataIndex]})` },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", name: lang === "en" ? "months" : "月" },
    yAxis: { type: "category", data: labels, inverse: true },
    series: [{ type: "bar", data: values.map((v) => (v === null ? null : Math.round(v * 10) / 10)), label: { show: true, position: "right" } }],
  });
  return (
    <div data-testid="eff-grant">
      <Typography.Text strong>{t("byType")}</Typography.Text>
      <EChart option={bar(g.by_type.map((r) => r.patent_type), g.by_type.map((r) => r.avg_months ?? null), g.by_type.map((r) => r.granted))} height={150} />
      <Typography.Text strong>{t("byField")}</Typography.Text>
      <EChart option={bar(g.by_field.map((r) => r.tech_field), g.by_field.map((r) => r.avg_months ?? null), g.by_field.map((r) => r.granted))} height={200} />
    </div>
  );
}

export function RevenueLinkView({ data }: { data: Out }) {
  const t = useEfficiencyText();
  const { lang } = useI18n();
  const basis = (b: string | null | undefined) => t(b === "industrialized" ? "basis_industrialized" : b === "all_projects" ? "basis_all_projects" : "basis_none");
  return (
    <div data-testid="eff-link">
      <ul className="eff-lag-list">
        {data.revenue_link.lines.map((l) => (
          <li key={l.product_line}>
            <Typography.Text strong>{l.product_line}</Typography.Text>：
            {Object.entries(l.shares).map(([f, s]) => `${f} ${formatValue(s, "percent", lang)}`).join("、") || t("none")}
            <Typography.Text type="secondary">（{basis(l.basis)}）</Typography.Text>
          </li>
        ))}
      </ul>
      {data.revenue_link.unattributed_revenue > 0 && (
        <Typography.Text type="warning">{t("unattributed", { v: formatValue(data.revenue_link.unattributed_revenue, "currency", lang) })}</Typography.Text>
      )}
    </div>
  );
}

export function IndustryView({ data }: { data: Out }) {
  const t = useEfficiencyText();
  const { lang } = useI18n();
  return (
    <Table
      size="small"
      data-testid="eff-industry"
      rowKey="tech_field"
      pagination={false}
      dataSource={data.industry ?? []}
      columns={[
        { title: t("field"), dataIndex: "tech_field" },
        { title: t("industryApps"), dataIndex: "industry_applications", align: "right" },
        { title: t("companyApps"), dataIndex: "company_applications", align: "right" },
        { title: t("companyShare"), dataIndex: "company_share", align: "right",
          render: (v: number | null) => formatValue(v ?? null, "percent", lang) },
      ]}
    />
  );
}
