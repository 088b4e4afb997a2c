/**
 * Editing a dashboard's chart on the analysis page (/analysis?dashboard=NAME&component=ID): the chart's
 * saved spec and options are put back onto the shelves (charts/core/fromSpec), and 「保存回仪表板」 replaces
 * that component's spec and chart in the dashboard (its place, size and title stay), as a new version.
 * A tag says whether the page shows the chart exactly as saved (与仪表板中相同: the same spec and chart
 * config, charts/core/fromSpec.sameChart) or changed.
 */
import { RollbackOutlined, SaveOutlined } from "@ant-design/icons";
import { Alert, App as AntApp, Button, Space, Tag } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { errorMessage, type QuerySpec } from "../../api/client";
import { fromSpec, resolverOf, sameChart, type FromSpec } from "../../charts/core/fromSpec";

export { resolverOf };
import type { FieldRef } from "../../charts/core/shelves";
import type { ChartConfig } from "../../charts/core/types";
import { getDashboard, saveDashboard } from "../../dashboards/api";
import type { Component } from "../../dashboards/types";
import { useI18n } from "../../i18n";

export interface EditTarget {
  dashboard: string;
  dashboardTitle: string;
  component: string;
  componentTitle: string;
  unsupported: string[];
  /** the component's saved spec and chart, to tell the user whether the page shows it unchanged */
  original: { spec: unknown; chart: unknown };
}

/** Loads the dashboard component and maps it onto the shelves. */
export async function loadForEdit(dashboard: string, component: string, fields: FieldRef[]): Promise<{ target: EditTarget; loaded: FromSpec }> {
  const d = await getDashboard(dashboard, false);
  const c = d.definition.components.find((x: Component) => x.id === component);
  if (!c || c.kind !== "chart")
    throw new Error(`仪表板「${d.title}」中没有图表 ${component} / The dashboard “${d.title}” has no chart ${component}`);
  const loaded = fromSpec((c as { spec: Partial<QuerySpec> }).spec, (c as { chart?: Partial<ChartConfig> }).chart, resolverOf(fields));
  return {
    loaded,
    target: {
      dashboard, dashboardTitle: d.title, component, componentTitle: c.title ?? component, unsupported: loaded.unsupported,
      original: { spec: (c as { spec?: unknown }).spec, chart: (c as { chart?: unknown }).chart },
    },
  };
}

export function EditFromDashboardBar({ target, spec, chart }: { target: EditTarget; spec: Partial<QuerySpec>; chart: ChartConfig }) {
  const { lang } = useI18n();
  const T = (zh: string, en: string) => (lang === "en" ? en : zh);
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const back = `/dashboards/${target.dashboard}`;
  const unchanged = sameChart({ spec, chart }, target.original);

  const save = async () => {
    setBusy(true);
    try {
      const d = await getDashboard(target.dashboard, false);
      const components = d.definition.components.map((c: Component) => (c.id === target.component ? ({ ...c, spec, chart } as unknown as Component) : c));
      await saveDashboard(target.dashboard, { ...d.definition, components });
      message.success(T("已保存回仪表板（新版本）。", "Saved back to the dashboard (a new version)."));
      navigate(back);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Alert
      type={target.unsupported.length ? "warning" : "info"}
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="edit-from-dashboard"
      message={<>
        {T(`正在编辑仪表板「${target.dashboardTitle}」中的图表「${target.componentTitle}」`,
          `Editing the chart “${target.componentTitle}” of the dashboard “${target.dashboardTitle}”`)}
        {unchanged
          ? <Tag style={{ marginLeft: 8 }} data-testid="edit-unchanged">{T("与仪表板中相同", "As on the dashboard")}</Tag>
          : <Tag color="orange" style={{ marginLeft: 8 }} data-testid="edit-changed">{T("已修改，未保存", "Changed, not saved")}</Tag>}
      </>}
      description={target.unsupported.length
        ? T(`分析页无法表达原图表的这些设置，保存回去将不再包含它们：${target.unsupported.join("；")}`,
          `The analysis page cannot express these settings of the chart; saving back drops them: ${target.unsupported.join("; ")}`)
        : undefined}
      action={
        <Space direction="vertical">
          <Button type="primary" size="small" icon={<SaveOutlined />} loading={busy} onClick={save} data-testid="save-back">
            {T("保存回仪表板", "Save to the dashboard")}
          </Button>
          <Button size="small" icon={<RollbackOutlined />} onClick={() => navigate(back)}>{T("返回", "Back")}</Button>
        </Space>
      }
    />
  );
}
