/** The editor's "add component" form: chart, KPI card, text, image or filter, built from the model's names. */
import { Form, Input, Modal, Select } from "antd";
import { useEffect } from "react";
import { useDT, type DashKey } from "./i18n";
import type { ModelInfo } from "./api";
import type { Component } from "./types";

export type AddKind = "chart" | "kpi" | "text" | "image" | "filter";
const RANGES = ["this_year", "last_year", "last_12_months", "this_quarter", "this_month", "last_month"];
const CHARTS = ["bar", "line", "combo", "pie", "map", "table", "area", "funnel"];

interface Values {
  title?: string;
  metrics?: string[];
  metric?: string;
  dimension?: string;
  chartType?: string;
  range?: string;
  text?: string;
  image?: string;
  field?: string;
  control?: string;
  hierarchy?: string;
}

/** The component a filled form describes (without id and position). */
export function buildComponent(kind: AddKind, v: Values, levels?: Record<string, string[]>): Omit<Component, "id" | "pos"> {
  const time_range = v.range ? { field: "time", relative: v.range } : undefined;
  switch (kind) {
    case "chart": {
      const grain = v.dimension?.startsWith("time:") ? v.dimension.slice(5) : null;
      const dim = grain ? { field: "time", grain, name: grain } : v.dimension;
      const dimName = grain ?? v.dimension;
      const metrics = v.metrics ?? [];
      return {
        kind,
        title: v.title,
        spec: {
          metrics,
          dimensions: dim ? [dim] : [],
          order_by: grain ? [{ field: grain }] : metrics.length ? [{ field: metrics[0], desc: true }] : [],
          ...(time_range ? { time_range } : {}),
        },
        chart: { type: (v.chartType ?? "bar") as never, x: dimName ?? null, ...(v.chartType === "combo" ? { bar: metrics[0], line: metrics.slice(1) } : {}) },
        cross_filter: true,
      } as never;
    }
    case "kpi":
      return { kind, title: v.title, spec: { metrics: [v.metric], ...(time_range ? { time_range } : {}) } } as never;
    case "text":
      return { kind, title: v.title, text: v.text } as never;
    case "image":
      return { kind, title: v.title, image: v.image } as never;
    default:
      return {
        kind: "filter",
        title: v.title,
        filter: {
          field: v.control === "date_range" ? "time" : v.control === "tree" ? (levels?.[v.hierarchy ?? ""]?.[0] ?? "") : v.field ?? "",
          control: v.control ?? "multi_select",
          scope: "all",
          ...(v.control === "tree" ? { hierarchy: v.hierarchy } : {}),
          ...(v.control === "date_range" ? { default: { relative: "this_year" } } : {}),
        },
      } as never;
  }
}

export default function AddComponent({ kind, model, onCancel, onAdd }: { kind: AddKind | null; model: ModelInfo | null; onCancel: () => void; onAdd: (c: Omit<Component, "id" | "pos">) => void }) {
  const { dt, lang } = useDT();
  const [form] = Form.useForm<Values>();
  useEffect(() => form.resetFields(), [kind, form]);
  const label = (l: { label: string; label_en?: string | null }) => (lang === "en" && l.label_en ? l.label_en : l.label);
  // An untitled component is named after what it shows (a filter after its field), so tiles never go unlabelled.
  const defaultTitle = (k: AddKind, v: Values): string | undefined => {
    const m = (n?: string) => (n && model?.metrics.get(n) ? label(model.metrics.get(n)!) : n);
    if (k === "filter") {
      if (v.control === "date_range") return lang === "en" ? "Period" : "期间";
      const f = v.field ? model?.fields.get(v.field) : undefined;
      return f ? label(f) : v.hierarchy ?? v.field;
    }
    if (k === "kpi") return m(v.metric);
    if (k === "chart") return (v.metrics ?? []).map(m).join(lang === "en" ? ", " : "、") || undefined;
    return undefined;
  };
  const metricOptions = [...(model?.metrics ?? new Map()).entries()].filter(([, m]) => !m.hidden).map(([name, m]) => ({ value: name, label: `${label(m)} · ${name}` }));
  const fieldOptions = [...(model?.fields ?? new Map()).entries()].filter(([, f]) => f.dimension && f.type !== "date").map(([name, f]) => ({ value: name, label: `${label(f)} · ${name}` }));
  const dimOptions = [
    { value: "time:month", label: lang === "en" ? "Time · month" : "时间 · 按月" },
    { value: "time:quarter", label: lang === "en" ? "Time · quarter" : "时间 · 按季度" },
    { value: "time:year", label: lang === "en" ? "Time · year" : "时间 · 按年" },
    ...fieldOptions,
  ];
  const control = Form.useWatch("control", form);
  const titleKey: Record<AddKind, DashKey> = { chart: "edit.addChart", kpi: "edit.addKpi", text: "edit.addText", image: "edit.addImage", filter: "edit.addFilter" };
  const search = { showSearch: true, optionFilterProp: "label" };
  return (
    <Modal
      open={kind !== null}
      title={kind ? `${dt("edit.add")} · ${dt(titleKey[kind])}` : ""}
      onCancel={onCancel}
      onOk={() => form.validateFields().then((v) => kind && onAdd(buildComponent(kind, { ...v, title: v.title || defaultTitle(kind, v) }, Object.fromEntries((model?.hierarchies ?? []).map((h) => [h.name, h.levels])))))}
      destroyOnClose
      data-testid="add-component-modal"
    >
      <Form form={form} layout="vertical" initialValues={{ chartType: "bar", range: "this_year", control: "multi_select" }}>
        <Form.Item name="title" label={dt("edit.compTitle")}>
          <Input data-testid="add-title" />
        </Form.Item>
        {kind === "chart" && (
          <>
            <Form.Item name="metrics" label={dt("edit.metrics")} rules={[{ required: true }]}>
              <Select mode="multiple" options={metricOptions} {...search} data-testid="add-metrics" />
            </Form.Item>
            <Form.Item name="dimension" label={dt("edit.dimension")}>
              <Select allowClear options={dimOptions} {...search} data-testid="add-dimension" />
            </Form.Item>
            <Form.Item name="chartType" label={dt("edit.chartType")}>
              <Select options={CHARTS.map((c) => ({ value: c, label: c }))} />
            </Form.Item>
          </>
        )}
        {kind === "kpi" && (
          <Form.Item name="metric" label={dt("edit.metric")} rules={[{ required: true }]}>
            <Select options={metricOptions} {...search} />
          </Form.Item>
        )}
        {(kind === "chart" || kind === "kpi") && (
          <Form.Item name="range" label={dt("edit.range")}>
            <Select allowClear options={RANGES.map((r) => ({ value: r, label: dt(`range.${r}` as DashKey) }))} />
          </Form.Item>
        )}
        {kind === "text" && (
          <Form.Item name="text" label={dt("edit.text")} rules={[{ required: true }]}>
            <Input.TextArea rows={4} />
          </Form.Item>
        )}
        {kind === "image" && (
          <Form.Item name="image" label={dt("edit.imageUrl")} rules={[{ required: true, pattern: /^(https?:\/\/|\/[^/]|data:image\/)/ }]}>
            <Input />
          </Form.Item>
        )}
        {kind === "filter" && (
          <>
            <Form.Item name="control" label={dt("edit.control")}>
              <Select options={(["dropdown", "multi_select", "date_range", "numeric_range", "tree"] as const).map((c) => ({ value: c, label: dt(`control.${c}`) }))} />
            </Form.Item>
            {control === "tree" ? (
              <Form.Item name="hierarchy" label={dt("edit.hierarchy")} rules={[{ required: true }]}>
                <Select options={(model?.hierarchies ?? []).map((h) => ({ value: h.name, label: label({ label: h.label ?? h.name, label_en: h.label_en }) }))} />
              </Form.Item>
            ) : control === "date_range" ? null : (
              <Form.Item name="field" label={dt("edit.field")} rules={[{ required: true }]}>
                <Select options={control === "numeric_range" ? metricOptions : fieldOptions} {...search} />
              </Form.Item>
            )}
          </>
        )}
      </Form>
    </Modal>
  );
}
