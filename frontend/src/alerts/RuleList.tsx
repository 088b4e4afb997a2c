/**
 * The alert rules in words — metric and split by their labels, the condition and the schedule as
 * sentences, the status as a tag — as a table on desktop and as cards on phones (no column squeezed
 * to one character a line). Each rule's firings open below it.
 */
import { Button, Card, Empty, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { format } from "../format";
import { useI18n } from "../i18n";
import { fromCondition, type ConditionIn } from "./condition";
import { describeSchedule } from "./schedule";
import "./alerts.css";
import { useAlertText } from "./text";

type Rule = Schemas["AlertRuleOut"];

export interface Labels {
  metric: (name: string) => { label: string; format?: string };
  field: (ref: string) => string;
}

/** Labels of metrics and fields from the default model (one request); names stay when it cannot be read. */
export function useLabels(): Labels {
  const { pick } = useI18n();
  const [model, setModel] = useState<Schemas["ModelOut"]["definition"] | null>(null);
  useEffect(() => {
    (async () => {
      const models = await unwrap(api.GET("/api/v1/models"));
      const name = (models.find((m) => m.is_default) ?? models[0])?.name;
      if (name) setModel((await unwrap(api.GET("/api/v1/models/{name}", { params: { path: { name } } }))).definition);
    })().catch(() => undefined);
  }, []);
  return {
    metric: (name) => {
      const m = model?.metrics.find((x) => x.name === name);
      return m ? { label: pick(m.label, m.label_en), format: m.format } : { label: name };
    },
    field: (ref) => {
      const shared = model?.shared_dimensions?.find((d) => d.name === ref);
      if (shared) return pick(shared.label ?? shared.name, shared.label_en);
      const [ds, f] = ref.split(".");
      const fd = model?.datasets.find((d) => d.name === ds)?.fields.find((x) => x.name === f);
      return fd ? pick(fd.label ?? fd.name, fd.label_en) : ref;
    },
  };
}

export function useDescribe(labels: Labels) {
  const at = useAlertText();
  const { lang } = useI18n();
  const what = (r: Rule) => {
    const m = labels.metric(r.metric).label;
    const g = at(`g_${r.grain}` as "g_month");
    return lang === "en" ? `${m} per ${g.toLowerCase()}${r.by ? `, by ${labels.field(r.by)}` : ""}` : `${m} · 按${g}${r.by ? ` · 按${labels.field(r.by)}拆分` : ""}`;
  };
  const condition = (r: Rule) => {
    const fmt = labels.metric(r.metric).format;
    const c = r.condition as unknown as ConditionIn;
    const f = fromCondition(c, fmt);
    if (f.kind === "anomaly") return `${at("anomaly")}（${at(`dir_${f.direction ?? "both"}` as "dir_both")}）`;
    const eq = f.inclusive ? (lang === "en" ? " (incl.)" : "（含）") : "";
    if (f.kind === "change") return `${c.compare === "last_year" ? at("yoy").split("（")[0] : at("prev").split("（")[0]}${at(`way_${f.way}` as "way_any")}${lang === "en" ? " over " : "超过 "}${f.pct}%${eq}`;
    return `${at(f.kind)} ${format(c.value ?? 0, fmt, lang, "sentence")}${eq}`;
  };
  const schedule = (r: Rule) => describeSchedule(r.schedule, lang);
  const status = (r: Rule) => {
    const s = r.last_status;
    const color = s === "fired" ? "red" : s === "failed" ? "orange" : s === "ok" ? "green" : "default";
    return (
      <Space size={4} wrap>
        {!r.enabled && <Tag>{at("off")}</Tag>}
        <Tag color={color}>{at(s === "fired" ? "st_fired" : s === "failed" ? "st_failed" : s === "ok" ? "st_ok" : "st_never")}</Tag>
        {r.firing_count > 0 && <Typography.Text type="secondary">{at("firingCount", { n: r.firing_count })}</Typography.Text>}
      </Space>
    );
  };
  return { what, condition, schedule, status };
}

export interface RuleListProps {
  rules: Rule[] | null;
  phone: boolean;
  mayChange: (r: Rule) => boolean;
  onCheck: (r: Rule) => void;
  onEdit: (r: Rule) => void;
  onDelete: (r: Rule) => void;
  firings: (r: Rule) => React.ReactNode;
  onExpand: (r: Rule) => void;
}

export default function RuleList({ rules, phone, mayChange, onCheck, onEdit, onDelete, firings, onExpand }: RuleListProps) {
  const at = useAlertText();
  const d = useDescribe(useLabels());
  const [open, setOpen] = useState<number | null>(null);
  const actions = (r: Rule) =>
    mayChange(r) && (
      <Space size={4} wrap>
        <Button size="small" type="primary" ghost onClick={() => onCheck(r)} data-testid={`check-${r.id}`}>{at("checkNow")}</Button>
        <Button size="small" onClick={() => onEdit(r)} data-testid={`edit-${r.id}`}>{at("edit")}</Button>
        <Popconfirm title={at("deleteQ", { name: r.name })} onConfirm={() => onDelete(r)}>
          <Button size="small" danger>{at("delete")}</Button>
        </Popconfirm>
      </Space>
    );
  if (phone) {
    if (rules && !rules.length) return <div className="alert-cards" data-testid="rules-cards"><Empty description={at("noRules")} /></div>;
    return (
      <div className="alert-cards" data-testid="rules-cards">
        {(rules ?? []).map((r) => (
          <Card key={r.id} size="small" className="alert-card" data-testid={`rule-card-${r.id}`} title={<span className="alert-card-title">{r.name}</span>} extra={d.status(r)}>
            <div className="alert-card-line"><span className="k">{at("metric")}</span><span className="v">{d.what(r)}</span></div>
            <div className="alert-card-line"><span className="k">{at("cardCond")}</span><span className="v">{d.condition(r)}</span></div>
            <div className="alert-card-line"><span className="k">{at("cardCheck")}</span><span className="v">{d.schedule(r)}</span></div>
            <div className="alert-card-line"><span className="k">{at("owner")}</span><span className="v">{r.owner ?? "—"}</span></div>
            <Space size={4} wrap style={{ marginTop: 8 }}>
              {actions(r)}
              <Button size="small" type="link" onClick={() => { setOpen(open === r.id ? null : r.id); if (open !== r.id) onExpand(r); }}>{at("firings")}</Button>
            </Space>
            {open === r.id && <div style={{ marginTop: 8 }}>{firings(r)}</div>}
          </Card>
        ))}
      </div>
    );
  }
  return (
    <Table<Rule> rowKey="id" loading={!rules} dataSource={rules ?? []} size="middle" data-testid="rules-table" locale={{ emptyText: at("noRules") }}
      scroll={{ x: "max-content" }}
      expandable={{ onExpand: (o, r) => o && onExpand(r), expandedRowRender: (r) => firings(r) }}
      columns={[
        { title: at("name"), dataIndex: "name", render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
        { title: at("what"), render: (_, r) => d.what(r) },
        { title: at("cardCond"), render: (_, r) => d.condition(r) },
        { title: at("cardCheck"), render: (_, r) => d.schedule(r) },
        { title: at("owner"), dataIndex: "owner" },
        { title: "", render: (_, r) => d.status(r) },
        { title: "", render: (_, r) => actions(r) },
      ]} />
  );
}
