/**
 * 「导出」: a menu of Excel and CSV (the spec's answer from the server, as the viewer may see it) and,
 * for a chart, 「导出图片」 (the drawn chart's PNG, made in the browser by ECharts).
 */
import { DownloadOutlined } from "@ant-design/icons";
import { App, Button, Dropdown } from "antd";
import type { MenuProps } from "antd";
import { useState } from "react";
import { errorMessage, type QuerySpec } from "../api/client";
import { chartPng, exportQuery, pngName, save, type TableFormat } from "./download";
import { useXT } from "./i18n";

export default function ExportMenu({ spec, title, chartRoot, background, compact, testid = "export" }: {
  spec: QuerySpec | Record<string, unknown>;
  /** The title row and the file's name (the server names it after the metrics when absent). */
  title?: string;
  /** Where the chart is drawn, for 「导出图片」 (omit for tables and KPIs). */
  chartRoot?: () => HTMLElement | null;
  background?: string;
  compact?: boolean;
  testid?: string;
}) {
  const xt = useXT();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  const table = async (format: TableFormat) => {
    setBusy(true);
    const key = `export-${testid}`;
    message.loading({ content: xt("working"), key, duration: 0 });
    try {
      const name = await exportQuery(spec, format, title || undefined);
      message.success({ content: xt("done", { name }), key });
    } catch (e) {
      message.error({ content: errorMessage(e), key });
    } finally {
      setBusy(false);
    }
  };
  const png = () => {
    const url = chartPng(chartRoot?.() ?? null, background);
    if (!url) return void message.warning(xt("noChart"));
    save(url, pngName(title || "chart"));
  };
  const items: MenuProps["items"] = [
    { key: "xlsx", label: <span data-testid={`${testid}-xlsx`}>{xt("xlsx")}</span> },
    { key: "csv", label: <span data-testid={`${testid}-csv`}>{xt("csv")}</span> },
    ...(chartRoot ? [{ key: "png", label: <span data-testid={`${testid}-png`}>{xt("png")}</span> }] : []),
  ];
  return (
    <Dropdown
      trigger={["click"]}
      menu={{ items, onClick: ({ key, domEvent }) => { domEvent.stopPropagation(); if (key === "png") png(); else void table(key as TableFormat); } }}
    >
      <Button size={compact ? "small" : "middle"} type={compact ? "text" : "default"} icon={<DownloadOutlined />} loading={busy}
        data-testid={testid} aria-label={xt("export")} onMouseDown={(e) => e.stopPropagation()}>
        {compact ? null : xt("export")}
      </Button>
    </Dropdown>
  );
}
