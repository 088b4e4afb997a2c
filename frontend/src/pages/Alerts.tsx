/**
 * 告警: the caller's alert rules (create, edit, check now, delete, their firings) and the inbox
 * (firings delivered to me, read/unread). Everything through /api/v1/alerts and /api/v1/inbox.
 */
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Switch, Table, Tabs, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useAuth, useCan } from "../auth";
import { useI18n } from "../i18n";
import { INBOX_CHANGED } from "../insights/InboxBadge";
import { useText } from "../insights/text";

type Rule = Schemas["AlertRuleOut"];
type Firing = Schemas["FiringOut"];
type InboxItem = Schemas["InboxItem"];
type RuleIn = Schemas["AlertRuleIn"];

const SEV_COLOR: Record<string, string> = { high: "red", medium: "orange", low: "blue" };

function FiringTable({ rows }: { rows: Firing[] }) {
  const { lang } = useI18n();
  const tx = useText();
  return (
    <Table<Firing> size="small" rowKey="id" dataSource={rows} pagination={{ pageSize: 10, hideOnSinglePage: true }}
      locale={{ emptyText: tx("noFirings") }} data-testid="firings-table"
      columns={[
        { title: tx("period"), dataIndex: "period", width: 110 },
        { title: tx("series"), dataIndex: "series", width: 120, render: (v) => v ?? "—" },
        { title: tx("severity"), dataIndex: "severity", width: 90, render: (v: string) => <Tag color={SEV_COLOR[v]}>{v}</Tag> },
        { title: tx("condition"), render: (_, f) => (lang === "en" ? f.description_en : f.description_zh) },
      ]} />
  );
}

interface FormValues {
  name: string;
  metric: string;
  grain: RuleIn["grain"];
  by?: string;
  type: "threshold" | "change" | "anomaly";
  op?: ">" | ">=" | "<" | "<=";
  value?: number;
  compare?: "previous" | "last_year";
  direction?: "both" | "up" | "down";
  lookback?: number;
  scheduleKind: "none" | "cron" | "interval";
  cron?: string;
  interval_s?: number;
  enabled: boolean;
}

function toBody(v: FormValues): RuleIn {
  const condition: RuleIn["condition"] = { type: v.type, lookback: v.lookback ?? 1 };
  if (v.type !== "anomaly") Object.assign(condition, { op: v.op, value: v.value });
  if (v.type === "change") condition.compare = v.compare ?? "previous";
  if (v.type === "anomaly") condition.direction = v.direction ?? "both";
  const schedule = v.scheduleKind === "cron" ? { cron: v.cron } : v.scheduleKind === "interval" ? { interval_s: v.interval_s } : null;
  return { name: v.name, metric: v.metric, grain: v.grain, by: v.by || null, condition, schedule: schedule as RuleIn["schedule"], enabled: v.enabled } as RuleIn;
}

function fromRule(r: Rule): FormValues {
  const c = r.condition as Record<string, never>;
  return {
    name: r.name, metric: r.metric, grain: r.grain as RuleIn["grain"], by: r.by ?? undefined, type: c.type, op: c.op, value: c.value,
    compare: c.compare, direction: c.direction, lookback: c.lookback, enabled: r.enabled,
    scheduleKind: r.schedule?.cron ? "cron" : r.schedule?.interval_s ? "interval" : "none",
    cron: r.schedule?.cron ?? undefined, interval_s: r.schedule?.interval_s ?? undefined,
  };
}

function RuleForm({ rule, open, onDone }: { rule: Rule | null; open: boolean; onDone: (saved: boolean) => void }) {
  const tx = useText();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [metrics, setMetrics] = useState<{ value: string; label: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const type = Form.useWatch("type", form);
  const scheduleKind = Form.useWatch("scheduleKind", form);
  useEffect(() => {
    if (!open) return;
    setError(null);
    form.setFieldsValue(rule ? fromRule(rule) : { grain: "month", type: "anomaly", lookback: 1, scheduleKind: "none", enabled: true, op: ">", compare: "previous", direction: "both" } as FormValues);
    api.GET("/api/v1/metrics").then((r) => setMetrics(((r.data ?? []) as { name: string; label: string }[]).map((m) => ({ value: m.name, label: `${m.label} (${m.name})` })))).catch(() => undefined);
  }, [open, rule, form]);
  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const body = toBody(v);
      if (rule) await unwrap(api.PATCH("/api/v1/alerts/{rule_id}", { params: { path: { rule_id: rule.id } }, body }));
      else await unwrap(api.POST("/api/v1/alerts", { body }));
      message.success(tx("saved"));
      onDone(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open={open} title={rule ? tx("editRule") : tx("newRule")} onCancel={() => onDone(false)} onOk={() => void save()} confirmLoading={saving}
      okText={tx("save")} cancelText={tx("cancel")} width={640} destroyOnClose>
      <Form form={form} layout="vertical" data-testid="rule-form">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="rule-error" />}
        <Form.Item name="name" label={tx("name")} rules={[{ required: true }]}><Input maxLength={128} /></Form.Item>
        <Space wrap align="start">
          <Form.Item name="metric" label={tx("metric")} rules={[{ required: true }]}>
            <Select showSearch options={metrics} style={{ width: 260 }} optionFilterProp="label" data-testid="rule-metric" />
          </Form.Item>
          <Form.Item name="grain" label={tx("grain")}>
            <Select style={{ width: 110 }} options={["day", "week", "month", "quarter", "year"].map((g) => ({ value: g, label: g }))} />
          </Form.Item>
          <Form.Item name="by" label={tx("by")}><Input placeholder="production_orders.plant" style={{ width: 200 }} /></Form.Item>
        </Space>
        <Form.Item name="type" label={tx("condition")}>
          <Radio.Group optionType="button" options={[{ value: "threshold", label: tx("threshold") }, { value: "change", label: tx("change") }, { value: "anomaly", label: tx("anomaly") }]} />
        </Form.Item>
        <Space wrap align="start">
          {type !== "anomaly" && <Form.Item name="op" label="op"><Select style={{ width: 80 }} options={[">", ">=", "<", "<="].map((o) => ({ value: o, label: o }))} /></Form.Item>}
          {type !== "anomaly" && <Form.Item name="value" label={type === "change" ? tx("valueFraction") : tx("threshold")} rules={[{ required: true }]}><InputNumber style={{ width: 200 }} /></Form.Item>}
          {type === "change" && <Form.Item name="compare" label={tx("change")}><Select style={{ width: 150 }} options={[{ value: "previous", label: tx("comparePrev") }, { value: "last_year", label: tx("compareYear") }]} /></Form.Item>}
          {type === "anomaly" && <Form.Item name="direction" label={tx("direction")}><Select style={{ width: 120 }} options={(["both", "up", "down"] as const).map((d) => ({ value: d, label: tx(d) }))} /></Form.Item>}
          <Form.Item name="lookback" label={tx("lookback")}><InputNumber min={1} max={60} /></Form.Item>
        </Space>
        <Form.Item name="scheduleKind" label={tx("schedule")}>
          <Radio.Group options={[{ value: "none", label: tx("none") }, { value: "cron", label: "cron" }, { value: "interval", label: tx("interval") }]} />
        </Form.Item>
        {scheduleKind === "cron" && <Form.Item name="cron" label={tx("cron")} rules={[{ required: true }]}><Input placeholder="0 8 * * *" /></Form.Item>}
        {scheduleKind === "interval" && <Form.Item name="interval_s" label={tx("interval")} rules={[{ required: true }]}><InputNumber min={60} /></Form.Item>}
        <Form.Item name="enabled" label={tx("enabled")} valuePropName="checked"><Switch /></Form.Item>
      </Form>
    </Modal>
  );
}

function RulesTab() {
  const { lang } = useI18n();
  const tx = useText();
  const { message } = App.useApp();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Rule | null | "new">(null);
  // Rules are authored with content:edit; a rule is changed, checked or deleted by its owner or an admin.
  const { me } = useAuth();
  const canEdit = useCan()("content:edit");
  const mayChange = (r: Rule) => canEdit && (me?.role === "admin" || r.owner === me?.username);
  const [firings, setFirings] = useState<Record<number, Firing[]>>({});
  const load = useCallback(() => {
    unwrap(api.GET("/api/v1/alerts")).then(setRules).catch((e) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);
  const loadFirings = (id: number) =>
    unwrap(api.GET("/api/v1/alerts/{rule_id}/firings", { params: { path: { rule_id: id }, query: { limit: 100 } } }))
      .then((f) => setFirings((m) => ({ ...m, [id]: f })));
  const check = async (r: Rule) => {
    try {
      const out = await unwrap(api.POST("/api/v1/alerts/{rule_id}/check", { params: { path: { rule_id: r.id } } }));
      if (out.error) message.error(lang === "en" ? String(out.error.en) : String(out.error.zh));
      else message.success(tx("newFirings", { n: out.firings.length, d: out.duplicates }));
      load();
      void loadFirings(r.id);
      window.dispatchEvent(new Event(INBOX_CHANGED));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  const remove = async (r: Rule) => {
    await unwrap(api.DELETE("/api/v1/alerts/{rule_id}", { params: { path: { rule_id: r.id } } })).catch((e) => message.error(errorMessage(e)));
    message.success(tx("deleted"));
    load();
  };
  const condText = (r: Rule) => {
    const c = r.condition as Record<string, string | number>;
    if (c.type === "anomaly") return `${tx("anomaly")} (${tx(String(c.direction ?? "both") as "both")})`;
    if (c.type === "change") return `${c.compare === "last_year" ? tx("compareYear") : tx("comparePrev")} ${c.op} ${(Number(c.value) * 100).toFixed(1)}%`;
    return `${c.op} ${c.value}`;
  };
  return (
    <>
      {error && <Alert type="error" showIcon message={error} />}
      {canEdit && <Space style={{ marginBottom: 12 }}><Button type="primary" onClick={() => setEditing("new")} data-testid="new-rule">{tx("newRule")}</Button></Space>}
      <Table<Rule> rowKey="id" loading={!rules && !error} dataSource={rules ?? []} size="middle" data-testid="rules-table"
        scroll={{ x: "max-content" }}
        expandable={{ onExpand: (open, r) => open && void loadFirings(r.id), expandedRowRender: (r) => <FiringTable rows={firings[r.id] ?? []} /> }}
        columns={[
          { title: tx("name"), dataIndex: "name" },
          { title: tx("metric"), render: (_, r) => `${r.metric} / ${r.grain}${r.by ? ` × ${r.by}` : ""}` },
          { title: tx("condition"), render: (_, r) => condText(r) },
          { title: tx("schedule"), render: (_, r) => r.schedule?.cron ?? (r.schedule?.interval_s ? `${r.schedule.interval_s}s` : "—") },
          { title: tx("owner"), dataIndex: "owner" },
          { title: tx("status"), render: (_, r) => <Space size={4}>{!r.enabled && <Tag>off</Tag>}{r.last_status && <Tag color={r.last_status === "fired" ? "red" : r.last_status === "failed" ? "orange" : "green"}>{r.last_status}</Tag>}<Typography.Text type="secondary">{r.firing_count}</Typography.Text></Space> },
          ...(canEdit ? [{ title: "", width: 220, render: (_: unknown, r: Rule) => mayChange(r) && (
            <Space size={4}>
              <Button size="small" onClick={() => void check(r)} data-testid={`check-${r.id}`}>{tx("checkNow")}</Button>
              <Button size="small" onClick={() => setEditing(r)}>{tx("edit")}</Button>
              <Popconfirm title={`${tx("delete")} ${r.name}?`} onConfirm={() => void remove(r)}><Button size="small" danger>{tx("delete")}</Button></Popconfirm>
            </Space>
          ) }] : []),
        ]} />
      <RuleForm open={editing !== null} rule={editing === "new" ? null : editing} onDone={(saved) => { setEditing(null); if (saved) load(); }} />
    </>
  );
}

function InboxTab() {
  const { lang } = useI18n();
  const tx = useText();
  const [box, setBox] = useState<{ unread: number; items: InboxItem[] } | null>(null);
  const load = useCallback(() => {
    unwrap(api.GET("/api/v1/inbox", { params: { query: { limit: 200 } } })).then(setBox).catch(() => undefined);
    window.dispatchEvent(new Event(INBOX_CHANGED));
  }, []);
  useEffect(load, [load]);
  const read = (id: number | null) =>
    (id === null ? unwrap(api.POST("/api/v1/inbox/read-all")) : unwrap(api.POST("/api/v1/inbox/{item_id}/read", { params: { path: { item_id: id } } }))).then(load);
  return (
    <>
      <Space style={{ marginBottom: 12 }}><Button onClick={() => void read(null)} disabled={!box?.unread} data-testid="read-all">{tx("readAll")}</Button></Space>
      <Table<InboxItem> rowKey="id" loading={!box} dataSource={box?.items ?? []} size="middle" data-testid="inbox-table" scroll={{ x: "max-content" }} locale={{ emptyText: tx("noFirings") }}
        columns={[
          { title: "", width: 70, render: (_, i) => (i.read ? null : <Tag color="red">{tx("unread")}</Tag>) },
          { title: tx("rules"), render: (_, i) => i.firing.rule_name },
          { title: tx("severity"), width: 90, render: (_, i) => <Tag color={SEV_COLOR[i.firing.severity]}>{i.firing.severity}</Tag> },
          { title: tx("condition"), render: (_, i) => (lang === "en" ? i.firing.description_en : i.firing.description_zh) },
          { title: "", width: 110, render: (_, i) => !i.read && <Button size="small" onClick={() => void read(i.id)}>{tx("markRead")}</Button> },
        ]} />
    </>
  );
}

export default function AlertsPage() {
  const tx = useText();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "inbox" ? "inbox" : "rules";
  return (
    <div className="page" data-testid="alerts-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{tx("alerts")}</Typography.Title>
      <Card>
        <Tabs activeKey={tab} onChange={(k) => setParams(k === "inbox" ? { tab: "inbox" } : {})} destroyInactiveTabPane
          items={[{ key: "rules", label: tx("rules"), children: <RulesTab /> }, { key: "inbox", label: tx("inbox"), children: <InboxTab /> }]} />
      </Card>
    </div>
  );
}
