/** The chosen chart type's controls (its controlPanel.ts): switches, segmented choices, selects, numbers, 目标线/警戒线 and table conditional formatting. */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, InputNumber, Segmented, Select, Space, Switch } from "antd";
import type { ChartConfig, CondRule, Control, RefLine } from "../../charts/core/types";
import { useI18n } from "../../i18n";

type Opts = Partial<ChartConfig>;

function RefLines({ value, onChange }: { value: RefLine[]; onChange: (v: RefLine[]) => void }) {
  const { pick } = useI18n();
  return (
    <Space size={4} wrap>
      {value.map((l, i) => (
        <Space.Compact key={i} size="small">
          <Select size="small" value={l.kind} style={{ width: 84 }} onChange={(k) => onChange(value.map((x, j) => (j === i ? { ...x, kind: k } : x)))}
            options={[{ value: "target", label: pick("目标线", "Target") }, { value: "warning", label: pick("警戒线", "Warning") }]} />
          <InputNumber size="small" value={l.value} style={{ width: 120 }} onChange={(v) => onChange(value.map((x, j) => (j === i ? { ...x, value: Number(v ?? 0) } : x)))} data-testid={`refline-value-${i}`} />
          <Button size="small" icon={<DeleteOutlined />} onClick={() => onChange(value.filter((_, j) => j !== i))} />
        </Space.Compact>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...value, { kind: value.length ? "warning" : "target", value: 0 }])} data-testid="refline-add">
        {pick("添加", "Add")}
      </Button>
    </Space>
  );
}

function CondRules({ value, columns, onChange }: { value: CondRule[]; columns: { value: string; label: string }[]; onChange: (v: CondRule[]) => void }) {
  const { pick } = useI18n();
  const modes = [
    { value: "databar", label: pick("数据条", "Data bar") },
    { value: "scale", label: pick("色阶", "Colour scale") },
    { value: "above", label: pick("高于阈值标红", "Above → red") },
    { value: "below", label: pick("低于阈值标绿", "Below → green") },
  ];
  return (
    <Space size={4} wrap>
      {value.map((r, i) => (
        <Space.Compact key={i} size="small">
          <Select size="small" value={r.column} style={{ width: 110 }} options={[{ value: "*", label: pick("全部指标", "All metrics") }, ...columns]} onChange={(c) => onChange(value.map((x, j) => (j === i ? { ...x, column: c } : x)))} />
          <Select size="small" value={r.mode} style={{ width: 120 }} options={modes} onChange={(m) => onChange(value.map((x, j) => (j === i ? { ...x, mode: m } : x)))} />
          {(r.mode === "above" || r.mode === "below") && <InputNumber size="small" value={r.value} style={{ width: 100 }} onChange={(v) => onChange(value.map((x, j) => (j === i ? { ...x, value: Number(v ?? 0) } : x)))} />}
          <Button size="small" icon={<DeleteOutlined />} onClick={() => onChange(value.filter((_, j) => j !== i))} />
        </Space.Compact>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...value, { column: "*", mode: "databar" }])} data-testid="cond-add">
        {pick("添加", "Add")}
      </Button>
    </Space>
  );
}

/** `value` holds what the user set; `effective` is the chart as drawn (e.g. bars turned horizontal for long labels), shown when the user set nothing. */
export default function ChartControls({ controls, value, effective = {}, columns, onChange }: { controls: Control[]; value: Opts; effective?: Opts; columns: { value: string; label: string }[]; onChange: (v: Opts) => void }) {
  const { pick } = useI18n();
  if (!controls.length) return null;
  const set = (k: keyof ChartConfig, v: unknown) => onChange({ ...value, [k]: v });
  return (
    <Space wrap size={[16, 8]} className="chart-controls" data-testid="chart-controls">
      {controls.map((c) => {
        const cur = (value[c.key] ?? effective[c.key] ?? c.default) as never;
        const opts = (c.options ?? []).map((o) => ({ value: o.value as string, label: pick(o.label.zh, o.label.en) }));
        let input;
        if (c.kind === "switch") input = <Switch size="small" checked={!!cur} onChange={(v) => set(c.key, v)} data-testid={`ctl-${c.key}`} />;
        else if (c.kind === "segmented") input = <Segmented size="small" value={cur} options={opts} onChange={(v) => set(c.key, v)} data-testid={`ctl-${c.key}`} />;
        else if (c.kind === "select") input = <Select size="small" value={cur} options={opts} onChange={(v) => set(c.key, v)} style={{ minWidth: 120 }} popupMatchSelectWidth={false} data-testid={`ctl-${c.key}`} />;
        else if (c.kind === "number") input = <InputNumber size="small" value={cur} placeholder={pick("自动", "auto")} onChange={(v) => set(c.key, v ?? undefined)} style={{ width: 120 }} data-testid={`ctl-${c.key}`} />;
        else if (c.kind === "refLines") input = <RefLines value={(value.refLines ?? []) as RefLine[]} onChange={(v) => set("refLines", v)} />;
        else input = <CondRules value={(value.cond ?? []) as CondRule[]} columns={columns} onChange={(v) => set("cond", v)} />;
        return (
          <span className="tool" key={c.key}>
            <span className="tool-label">{pick(c.label.zh, c.label.en)}</span>
            {input}
          </span>
        );
      })}
    </Space>
  );
}
