/** The technology map: a heat map of the industry's applications by tech field × year (a click lists that
 * cell's applicants), and the applicants compared by field, last 12 months and growth. */
import { Table, Typography } from "antd";
import { useMemo, useState } from "react";
import type { Schemas } from "../api/client";
import { EChart } from "../charts/ResultView";
import { pct, useHotspotsText } from "./HotspotsText";

type TechMap = Schemas["TechMapOut"];

export function TechMapView({ data, phone }: { data: TechMap; phone: boolean }) {
  const t = useHotspotsText();
  const [cell, setCell] = useState<{ f: string; y: number } | null>(null);
  const option = useMemo(() => {
    const max = Math.max(1, ...data.grid.map((g) => g.count));
    return {
      animation: false,
      tooltip: { position: "top", confine: true },
      grid: { left: phone ? 84 : 96, right: 8, top: 8, bottom: 56 },
      xAxis: { type: "category", data: data.years.map(String), splitArea: { show: true }, axisLabel: { fontSize: phone ? 10 : 12 } },
      yAxis: { type: "category", data: data.fields, splitArea: { show: true }, axisLabel: { fontSize: phone ? 11 : 12 } },
      visualMap: { min: 0, max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: phone ? 120 : 200,
        inRange: { color: ["#f0f5ff", "#85a5ff", "#1d39c4"] } },
      series: [{
        type: "heatmap",
        data: data.grid.map((g) => [data.years.indexOf(g.year), data.fields.indexOf(g.tech_field), g.count]),
        label: { show: !phone, fontSize: 11 },
      }],
    };
  }, [data, phone]);
  const onClick = (p: { data?: unknown }) => {
    const d = p.data as number[] | undefined;
    if (d) setCell({ f: data.fields[d[1]], y: data.years[d[0]] });
  };
  const cellRows = cell
    ? data.cells.filter((c) => c.tech_field === cell.f && c.year === cell.y).sort((a, b) => b.count - a.count)
    : [];
  const columns = [
    { title: t("applicant"), dataIndex: "applicant", key: "a", fixed: "left" as const, width: 120,
      render: (v: string, r: TechMap["applicants"][number]) => (r.is_company ? <b>{v}</b> : v) },
    { title: t("total"), dataIndex: "patents", key: "p", width: 70, sorter: (a: { patents: number }, b: { patents: number }) => a.patents - b.patents },
    { title: t("last12"), dataIndex: "recent", key: "r", width: 70 },
    { title: t("growth"), dataIndex: "growth", key: "g", width: 80, render: (v: number | null) => pct(v) },
    ...data.fields.map((f) => ({ title: f, key: f, width: 80, render: (_: unknown, r: TechMap["applicants"][number]) => r.by_field[f] ?? 0 })),
  ];
  return (
    <div>
      <Typography.Paragraph type="secondary">{t("mapHelp")}</Typography.Paragraph>
      <div data-testid="techmap-heat">
        <EChart option={option} height={phone ? 300 : 340} onClick={onClick as never} />
      </div>
      {cell && (
        <div data-testid="techmap-cell" className="hs-cell">
          <Typography.Text strong>{t("cellApplicants", { f: cell.f, y: cell.y })}</Typography.Text>：
          {cellRows.map((c) => `${c.applicant} ${c.count}`).join("、") || "—"}
        </div>
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t("compare")}</Typography.Title>
      <Table
        data-testid="applicant-compare"
        size="small"
        rowKey="applicant"
        columns={columns}
        dataSource={data.applicants}
        pagination={false}
        scroll={{ x: 420 + 80 * data.fields.length }}
      />
    </div>
  );
}
