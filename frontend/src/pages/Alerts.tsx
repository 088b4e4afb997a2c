/**
 * 告警: the caller's alert rules (create, edit, check now with its result, delete, their firings) and the
 * inbox (firings delivered to me, read/unread; below it what subscriptions sent me in-app). Everything through /api/v1/alerts and /api/v1/inbox; the
 * form, the list (table / phone cards) and the check result live in ../alerts.
 */
import { Alert, App, Button, Card, Grid, Space, Table, Tabs, Tag, Typography } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import CheckResult, { type CheckState } from "../alerts/CheckResult";
import { plainError } from "../alerts/errors";
import RuleForm from "../alerts/RuleForm";
import RuleList from "../alerts/RuleList";
import { useAlertText } from "../alerts/text";
import { api, unwrap, type Schemas } from "../api/client";
import { useAuth, useCan } from "../auth";
import { useI18n } from "../i18n";
import ReceivedPushes from "../dashboards/ReceivedPushes";
import { INBOX_CHANGED } from "../insights/InboxBadge";
import { useText } from "../insights/text";

type Rule = Schemas["AlertRuleOut"];
type Firing = Schemas["FiringOut"];
type InboxItem = Schemas["InboxItem"];

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

function RulesTab() {
  const at = useAlertText();
  const { message } = App.useApp();
  const phone = !Grid.useBreakpoint().md;
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Rule | null | "new">(null);
  const [checked, setChecked] = useState<CheckState | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  // Rules are authored with content:edit; a rule is changed, checked or deleted by its owner or an admin.
  const { me } = useAuth();
  const canEdit = useCan()("content:edit");
  const mayChange = (r: Rule) => canEdit && (me?.role === "admin" || r.owner === me?.username);
  const [firings, setFirings] = useState<Record<number, Firing[]>>({});
  const load = useCallback(() => {
    unwrap(api.GET("/api/v1/alerts")).then(setRules).catch((e) => setError(plainError(e, at)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(load, [load]);
  const loadFirings = (id: number) =>
    unwrap(api.GET("/api/v1/alerts/{rule_id}/firings", { params: { path: { rule_id: id }, query: { limit: 100 } } }))
      .then((f) => setFirings((m) => ({ ...m, [id]: f })))
      .catch(() => undefined);
  const check = async (r: Rule) => {
    setChecked({ ruleName: r.name, out: null, error: null });
    requestAnimationFrame(() => resultRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" }));
    try {
      const out = await unwrap(api.POST("/api/v1/alerts/{rule_id}/check", { params: { path: { rule_id: r.id } } }));
      setChecked({ ruleName: r.name, out, error: null });
      load();
      void loadFirings(r.id);
      window.dispatchEvent(new Event(INBOX_CHANGED));
    } catch (e) {
      setChecked({ ruleName: r.name, out: null, error: plainError(e, at) });
    }
  };
  const remove = async (r: Rule) => {
    try {
      await unwrap(api.DELETE("/api/v1/alerts/{rule_id}", { params: { path: { rule_id: r.id } } }));
      message.success(at("deleted"));
    } catch (e) {
      message.error(plainError(e, at));
    }
    load();
  };
  return (
    <>
      {error && <Alert type="error" showIcon message={error} />}
      {canEdit && <Space style={{ marginBottom: 12 }}><Button type="primary" onClick={() => setEditing("new")} data-testid="new-rule">{at("newRule")}</Button></Space>}
      <div ref={resultRef}>{checked && <CheckResult state={checked} phone={phone} onClose={() => setChecked(null)} />}</div>
      <RuleList rules={rules} phone={phone} mayChange={mayChange} onCheck={(r) => void check(r)} onEdit={setEditing} onDelete={(r) => void remove(r)}
        onExpand={(r) => void loadFirings(r.id)} firings={(r) => <FiringTable rows={firings[r.id] ?? []} />} />
      <RuleForm open={editing !== null} phone={phone} rule={editing === "new" ? null : editing} onDone={(saved) => { setEditing(null); if (saved) load(); }} />
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
      <ReceivedPushes />
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
