/**
 * 「异常」 on line charts: POST /api/v1/anomalies for the chart's metric, grain, split and filters, drawn as
 * the history with the expected range and the flagged points (anomalyChart.ts). On the analysis page a
 * switch shows the chart and a list of the anomalies, each with 为什么变化? (that period against the one
 * before, narrowed to the anomaly's member); on a dashboard tile the chart takes the tile's place.
 */
import { Alert, Button, Skeleton, Space, Switch, Table, Tag, Tooltip, Typography } from "antd";
import { useMemo, useState } from "react";
import type { QuerySpec } from "../api/client";
import { EChart } from "../charts/ResultView";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { anomalyOption, SEVERITY_COLOR, type AnomaliesOut, type Anomaly } from "./anomalyChart";
import { EXPLAINABLE, MAX_LINES } from "./forecastChart";
import { useText } from "./text";
import { useInsight, useShown } from "./useInsight";
import { WhyDrawer, type WhyTarget } from "./WhyDrawer";

function useChart(data: AnomaliesOut | null) {
  const { lang } = useI18n();
  const tx = useText();
  const fmt = (v: number) => formatValue(v, data?.format === "percent" ? "percent" : "number", lang);
  const option = useMemo(() => (data ? anomalyOption(data, lang, fmt, { expected: tx("expectedRange"), anomaly: tx("anomaly") }) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, lang]);
  return { option, fmt };
}

/** The analysis page's 异常 switch, chart and list. */
export function AnomalyToggle({ spec, onShown }: { spec: Partial<QuerySpec>; onShown?: (shown: boolean) => void }) {
  const { lang } = useI18n();
  const tx = useText();
  const [on, setOn] = useState(false);
  const [why, setWhy] = useState<WhyTarget | null>(null);
  const { target, data, error } = useInsight<AnomaliesOut>("/api/v1/anomalies", spec, on);
  const { option } = useChart(data);
  useShown(!!(target && on && option), onShown);
  if (!target) return null;
  const explainable = EXPLAINABLE.includes(target.grain);
  const whyOf = (a: Anomaly) => {
    const i = data!.periods.indexOf(a.period);
    if (i < 1) return;
    const where = [...((spec.where ?? []) as object[]), ...(target.by && a.series !== null ? [{ field: target.by, op: "=", value: a.series }] : [])];
    setWhy({ metric: target.metric, to: data!.labels[i], from: data!.labels[i - 1], where, format: data!.format === "percent" ? "percent" : "number" });
  };
  return (
    <div style={{ marginTop: 12 }} data-testid="anomaly-panel">
      <Space wrap>
        <Tooltip title={tx("anomalyHint")}>
          <Switch checked={on} onChange={setOn} data-testid="anomaly-toggle" checkedChildren={tx("anomaly")} unCheckedChildren={tx("anomaly")} />
        </Tooltip>
        {data && <Tag color={data.anomalies.length ? "red" : "green"} data-testid="anomaly-count">{tx("anomalyCount", { n: data.anomalies.length })}</Tag>}
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} />}
      {on && !data && !error && <Skeleton active paragraph={{ rows: 4 }} title={false} />}
      {option && data && (
        <>
          <div data-testid="anomaly-chart"><EChart option={option} height={320} /></div>
          {data.anomalies.length > 0 && (
            <Table<Anomaly> size="small" rowKey={(a) => `${a.series}|${a.period}`} pagination={data.anomalies.length > 8 ? { pageSize: 8 } : false}
              dataSource={data.anomalies} data-testid="anomaly-table"
              columns={[
                { title: tx("severity"), dataIndex: "severity", width: 84, render: (s: Anomaly["severity"]) => <Tag color={SEVERITY_COLOR[s]}>{tx(`sev_${s}`)}</Tag> },
                { title: tx("description"), key: "d", render: (_: unknown, a) => (lang === "en" ? a.description_en : a.description_zh) },
                ...(explainable ? [{ title: "", key: "why", width: 120, render: (_: unknown, a: Anomaly) => (
                  <Button size="small" onClick={() => whyOf(a)} data-testid="anomaly-why">{tx("why")}</Button>) }] : []),
              ]} />
          )}
          {data.series.length > MAX_LINES && <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }}>* {tx("linesShown", { n: MAX_LINES, total: data.series.length })}</Typography.Paragraph>}
          {data.notes.map((n, i) => <Typography.Paragraph key={i} type="secondary" style={{ fontSize: 12, margin: 0 }}>* {lang === "en" ? n.en : n.zh}</Typography.Paragraph>)}
        </>
      )}
      <WhyDrawer target={why} onClose={() => setWhy(null)} />
    </div>
  );
}

/** A dashboard tile's anomalies: the chart in the tile's place, the count underneath. */
export function TileAnomalies({ spec, height, theme }: { spec: Partial<QuerySpec>; height: number; theme?: string }) {
  const tx = useText();
  const { lang } = useI18n();
  const { data, error } = useInsight<AnomaliesOut>("/api/v1/anomalies", spec, true);
  const { option } = useChart(data);
  if (error) return <Alert type="warning" showIcon message={error} />;
  if (!option || !data) return <Skeleton active paragraph={{ rows: 3 }} title={false} />;
  const first = data.anomalies[0];
  return (
    <div data-testid="tile-anomalies">
      <EChart option={option} height={Math.max(120, height - 22)} theme={theme} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis data-testid="tile-anomaly-count">
        {tx("anomalyCount", { n: data.anomalies.length })}
        {first ? ` · ${lang === "en" ? first.description_en : first.description_zh}` : ""}
      </Typography.Text>
    </div>
  );
}
