/**
 * An explanation (POST /api/v1/explain's answer, or an ask answer's `explanation`) drawn: its summary, a tab
 * per dimension (the best-scoring ones and every two-member dimension), a waterfall (before → the largest
 * member contributions → after) and a ranked table. Shared by the why-drawer and the ask panel's why answers.
 * All text is rendered as React text (escaped).
 */
import { Segmented, Table, Typography } from "antd";
import { useMemo, useState } from "react";
import type { Schemas } from "../api/client";
import { changeColor } from "../changes";
import { EChart } from "../charts/ResultView";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { useText } from "./text";
import { waterfallOption } from "./waterfall";

type DimResult = Schemas["DimensionResult"];
type Member = Schemas["Member"];
export type Explanation = Schemas["Explanation"];

const MAX_STEPS = 8;
const NARROW_STEPS = 5; // a phone's width: fewer steps, so the waterfall's labels stay readable
const MAX_TABS = 6;

/** The dimensions offered as tabs: the best-scoring ones, and every two-member dimension (a plant, a
 * domestic/overseas split), which cannot be scored against its members' spread but is often the answer. */
export function tabs(dims: DimResult[]): DimResult[] {
  const scored = dims.filter((d) => d.members >= 3).slice(0, MAX_TABS);
  const small = dims.filter((d) => d.members === 2);
  const keep = new Set([...scored, ...small].map((d) => d.dimension));
  return dims.filter((d) => keep.has(d.dimension));
}

export function ExplanationView({ data, showSummary = true, height = 300 }: { data: Explanation; showSummary?: boolean; height?: number }) {
  const { lang } = useI18n();
  const tx = useText();
  const [dim, setDim] = useState<string | null>(null);
  const percent = data.format === "percent" || data.format === "percentage";
  const fmt = (v: number) => formatValue(v, percent ? "percent" : "number", lang);
  const dimLabel = (d: DimResult) => (lang === "en" && d.label_en ? d.label_en : d.label);
  const current = data.dimensions.find((d) => d.dimension === dim) ?? data.dimensions[0];
  const option = useMemo(() => {
    if (!current) return null;
    const shown = current.top.slice(0, window.innerWidth < 576 ? NARROW_STEPS : MAX_STEPS);
    const rest = data.change - shown.reduce((a, m) => a + m.contribution, 0);
    const steps = shown.map((m) => ({ label: String(m.member), value: m.contribution }));
    if (Math.abs(rest) > 1e-9 * Math.max(1, Math.abs(data.change))) steps.push({ label: tx("other"), value: rest });
    return waterfallOption({ label: `${tx("start")} ${data.from.period}`, value: data.from.value }, steps,
      { label: `${tx("end")} ${data.to.period}`, value: data.to.value }, fmt);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, current, lang]);

  return (
    <>
      {showSummary && <Typography.Paragraph data-testid="why-summary">{lang === "en" ? data.summary_en : data.summary_zh}</Typography.Paragraph>}
      {data.dimensions.length > 1 && (
        <div style={{ overflowX: "auto", marginBottom: 12 }}>
          <Segmented size="small" value={current?.dimension} onChange={(v) => setDim(String(v))}
            options={tabs(data.dimensions).map((d) => ({ value: d.dimension, label: dimLabel(d) }))} />
        </div>
      )}
      {option && <div data-testid="why-waterfall"><EChart option={option} height={height} /></div>}
      {current && (
        // sideways scrolling on a phone without the table's own scroll (no measure row: tests and readers see data rows first)
        <div style={{ overflowX: "auto" }}><div style={{ minWidth: 520 }}>
        <Table<Member> size="small" rowKey="member" pagination={false} dataSource={current.top} data-testid="why-table"
          columns={[
            { title: "#", dataIndex: "rank", width: 48 },
            { title: dimLabel(current), dataIndex: "member" },
            { title: tx("before"), dataIndex: "from", align: "right", render: (v: number) => fmt(v) },
            { title: tx("after"), dataIndex: "to", align: "right", render: (v: number) => fmt(v) },
            { title: tx("contribution"), dataIndex: "contribution", align: "right",
              render: (v: number) => <span style={{ color: changeColor(v) }}>{v >= 0 ? "+" : ""}{fmt(v)}</span> },
            { title: tx("share"), dataIndex: "share_of_change", align: "right",
              render: (v: number | null | undefined) => (v === null || v === undefined ? "—" : formatValue(v, "percent", lang)) },
          ]} />
        </div></div>
      )}
    </>
  );
}
