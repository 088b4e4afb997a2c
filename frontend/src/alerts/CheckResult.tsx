/**
 * What 立即检查 found: fired or not (new alerts, already alerted, nothing met, failed), which periods and
 * how many series were checked, and the values per split — met rows first — with the compared value or
 * the expected range. Non-modal (a panel above the list), so the page stays usable.
 */
import { CloseOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Spin, Table, Tag, Typography } from "antd";
import type { Schemas } from "../api/client";
import { format } from "../format";
import { useI18n } from "../i18n";
import { useAlertText } from "./text";

type Check = Schemas["CheckOut"];
type Row = Schemas["CheckedValue"];

export interface CheckState {
  ruleName: string;
  out: Check | null;
  error: string | null;
}

export default function CheckResult({ state, phone, onClose }: { state: CheckState; phone: boolean; onClose: () => void }) {
  const at = useAlertText();
  const { lang, pick } = useI18n();
  const { out, error } = state;
  const fmt = out?.format ?? undefined;
  const v = (x: number | null | undefined) => format(x ?? null, fmt, lang, "sentence");
  const metAgain = out ? out.observed.filter((r) => r.met && r.new === false).length : 0;
  let summary: { type: "success" | "warning" | "info" | "error"; text: string } | null = null;
  if (error) summary = { type: "error", text: error };
  else if (out?.status === "failed" || out?.status === "skipped") summary = { type: "error", text: `${at("failed")}：${out.error ? String(lang === "en" ? out.error.en : out.error.zh) : ""}` };
  else if (out?.firings.length) summary = { type: "warning", text: at("firedN", { n: out.firings.length }) };
  else if (out && metAgain) summary = { type: "info", text: at("metAgain", { n: metAgain }) };
  else if (out) summary = { type: "success", text: at("notFired") };
  const split = out?.observed.some((r) => r.series !== null && r.series !== undefined);
  const anomaly = out?.observed.some((r) => r.expected !== null && r.expected !== undefined);
  const change = out?.observed.some((r) => r.change !== null && r.change !== undefined);
  const periods = out?.periods_checked ?? [];
  return (
    <Card size="small" className="alert-check" data-testid="check-result"
      title={at("result", { name: state.ruleName })}
      extra={<Button type="text" size="small" icon={<CloseOutlined />} aria-label={at("close")} onClick={onClose} data-testid="check-close" />}>
      {!out && !error ? (
        <Spin tip={at("checking")}><div style={{ height: 48 }} /></Spin>
      ) : (
        <>
          {summary && <Alert type={summary.type} showIcon message={summary.text} data-testid="check-summary" data-status={error ? "error" : out?.status} />}
          {out && out.status !== "failed" && out.status !== "skipped" && (
            <>
              <Typography.Paragraph type="secondary" style={{ margin: "8px 0" }}>
                {pick(out.metric_label, out.metric_label_en)}
                {" · "}
                {at("checkedWhat", { p: periods.length > 2 ? `${periods[0]} … ${periods[periods.length - 1]}` : periods.join("、") || "—", s: out.series_checked ?? 0 })}
              </Typography.Paragraph>
              <Table<Row> size="small" rowKey={(r) => `${r.series ?? ""}|${r.period}`} dataSource={out.observed} data-testid="check-values"
                pagination={{ pageSize: phone ? 6 : 10, hideOnSinglePage: true, size: "small" }}
                scroll={phone ? undefined : { x: "max-content" }}
                rowClassName={(r) => (r.met ? "alert-check-met" : "")}
                columns={[
                  ...(split ? [{ title: at("seriesCol"), key: "s", render: (_: unknown, r: Row) => r.series ?? "—" }] : []),
                  { title: at("periodCol"), dataIndex: "label", key: "p" },
                  { title: at("valueCol"), key: "v", align: "right" as const, render: (_: unknown, r: Row) => v(r.value) },
                  ...(change && !phone ? [{ title: at("vsCol"), key: "c", render: (_: unknown, r: Row) => (r.change === null || r.change === undefined ? "—" : `${r.change >= 0 ? "+" : ""}${(r.change * 100).toFixed(1)}%（${r.compare_label}：${v(r.compare_value)}）`) }] : []),
                  ...(anomaly && !phone ? [{ title: at("expectedCol"), key: "e", render: (_: unknown, r: Row) => (r.lower === null || r.lower === undefined ? "" : `${v(r.lower)} ~ ${v(r.upper)}`) }] : []),
                  { title: "", key: "m", render: (_: unknown, r: Row) => (r.met ? <Tag color={r.new ? "red" : "orange"}>{r.new ? at("isNew") : at("already")}</Tag> : <Tag>{at("notMet")}</Tag>) },
                ]} />
              {(out.observed_total ?? 0) > out.observed.length && (
                <Typography.Text type="secondary">{at("shownOf", { n: out.observed.length, total: out.observed_total ?? 0 })}</Typography.Text>
              )}
            </>
          )}
        </>
      )}
    </Card>
  );
}
