/**
 * 审计日志 (administrators, audit:view): who did what, when and from where. Search by time, user,
 * action (or a family such as "dashboard") and free text; a page of events at a time from the server;
 * export the matches as XLSX / CSV; verify the hash chain (GET /api/v1/audit/verify).
 */
import { DownloadOutlined, ReloadOutlined, SafetyCertificateOutlined, SearchOutlined } from "@ant-design/icons";
import { Alert, Button, Card, DatePicker, Grid, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useCallback, useEffect, useState } from "react";
import { api, ApiError, errorMessage, unwrap, type Schemas } from "../api/client";
import { filenameOf, save } from "../exports/download";
import { useI18n } from "../i18n";

type AuditEvent = Schemas["AuditEventOut"];
type Page = Schemas["AuditPage"];
type Verdict = Schemas["AuditVerdict"];

type Filters = { range: [Dayjs | null, Dayjs | null] | null; user: string; action: string | undefined; q: string };
const EMPTY: Filters = { range: null, user: "", action: undefined, q: "" };
const PAGE = 50;

const TEXT = {
  zh: { title: "审计日志", sub: "谁在何时、从哪里、做了什么；每条记录都链入哈希链，改动或删除可被校验发现。",
    user: "用户", action: "操作", q: "搜索对象或详情", search: "查询", reset: "重置", verify: "校验审计链",
    time: "时间", target: "对象", ip: "来源", detail: "详情", total: (n: number) => `共 ${n} 条`, system: "系统",
    denied: "被拒绝", family: "类" },
  en: { title: "Audit log", sub: "Who did what, when and from where; every record is chained by hash, so a change or a removal is found by verifying.",
    user: "User", action: "Action", q: "Search target or detail", search: "Search", reset: "Reset", verify: "Verify the chain",
    time: "Time", target: "Target", ip: "From", detail: "Detail", total: (n: number) => `${n} events`, system: "system",
    denied: "denied", family: "family" },
};

const TIME = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

/** 2026-12-08 11:39:03 (Beijing time, as the rest of the app shows times). */
function when(iso: string): string {
  return TIME.format(new Date(iso));
}

function query(f: Filters) {
  return {
    ...(f.range?.[0] ? { since: f.range[0].startOf("day").toISOString() } : {}),
    ...(f.range?.[1] ? { until: f.range[1].add(1, "day").startOf("day").toISOString() } : {}),
    ...(f.user.trim() ? { user: f.user.trim() } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
  };
}

/** Actions and their families (dashboard.update → dashboard) for the filter. */
function actionOptions(actions: string[], family: string) {
  const families = [...new Set(actions.map((a) => a.split(".")[0]))].sort();
  return [
    ...families.map((f) => ({ value: f, label: `${f}.*（${family}）` })),
    ...actions.map((a) => ({ value: a, label: a })),
  ];
}

function Detail({ e }: { e: AuditEvent }) {
  if (!e.detail) return null;
  const text = Object.entries(e.detail).filter(([k, v]) => k !== "outcome" && !(k === "ip" && v === e.ip)).map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join("　");
  return <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: "break-all" }} ellipsis={{ tooltip: text }}>{text}</Typography.Text>;
}

export default function AuditPage() {
  const { lang } = useI18n();
  const tx = TEXT[lang === "en" ? "en" : "zh"];
  const screens = Grid.useBreakpoint();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    setLoading(true);
    unwrap(api.GET("/api/v1/audit", { params: { query: { ...query(filters), limit: PAGE, offset } } }))
      .then((p) => { setPage(p); setError(null); }, (e) => setError(errorMessage(e)))
      .finally(() => setLoading(false));
  }, [filters, offset]);
  useEffect(load, [load]);

  const verify = async () => {
    setBusy("verify");
    try {
      setVerdict(await unwrap(api.GET("/api/v1/audit/verify")));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const download = async (format: "xlsx" | "csv") => {
    setBusy(format);
    try {
      const r = await api.GET("/api/v1/audit/export", { params: { query: { ...query(filters), format } }, parseAs: "blob" });
      if (!r.response.ok || !r.data) {
        const body = r.error as { error?: { message?: string } } | undefined;
        throw new ApiError(body?.error?.message ?? `HTTP ${r.response.status}`, "http", r.response.status);
      }
      save(r.data as Blob, filenameOf(r.response.headers.get("content-disposition"), `audit.${format}`));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const apply = () => { setOffset(0); setFilters(draft); };
  const columns = [
    { title: tx.time, dataIndex: "at", width: 168, render: (v: string) => when(v) },
    { title: tx.user, dataIndex: "user", width: 110, render: (v: string | null) => v ?? <Typography.Text type="secondary">{tx.system}</Typography.Text> },
    { title: tx.action, dataIndex: "action", width: 190, render: (v: string, e: AuditEvent) => (
      <Space size={4} wrap>
        <Tag color={v.startsWith("auth.login_failed") || v.endsWith("_failed") ? "error" : v.startsWith("auth") ? "blue" : v.endsWith(".delete") ? "orange" : "default"}>{v}</Tag>
        {e.detail?.outcome === "denied" ? <Tag color="error">{tx.denied}</Tag> : null}
      </Space>) },
    { title: tx.target, dataIndex: "target", width: 160, ellipsis: true },
    { title: tx.ip, dataIndex: "ip", width: 120 },
    { title: tx.detail, key: "detail", render: (_: unknown, e: AuditEvent) => <Detail e={e} /> },
  ];

  return (
    <Card data-testid="audit-page" title={<Space direction="vertical" size={0}><span>{tx.title}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: "normal", whiteSpace: "normal" }}>{tx.sub}</Typography.Text></Space>}
      extra={screens.md ? <Button icon={<ReloadOutlined />} onClick={load} /> : null}>
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker allowEmpty={[true, true]} value={draft.range} onChange={(v) => setDraft({ ...draft, range: v as Filters["range"] })} style={{ width: 250 }} />
        <Input placeholder={tx.user} value={draft.user} onChange={(e) => setDraft({ ...draft, user: e.target.value })} style={{ width: 120 }} allowClear data-testid="audit-user" onPressEnter={apply} />
        <Select placeholder={tx.action} value={draft.action} onChange={(v) => setDraft({ ...draft, action: v })} allowClear showSearch style={{ width: 220 }}
          options={actionOptions(page?.actions ?? [], tx.family)} data-testid="audit-action" />
        <Input placeholder={tx.q} value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} style={{ width: 180 }} allowClear onPressEnter={apply} />
        <Button type="primary" icon={<SearchOutlined />} onClick={apply} data-testid="audit-search">{tx.search}</Button>
        <Button onClick={() => { setDraft(EMPTY); setOffset(0); setFilters(EMPTY); }}>{tx.reset}</Button>
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button icon={<DownloadOutlined />} loading={busy === "xlsx"} onClick={() => download("xlsx")} data-testid="audit-export-xlsx">XLSX</Button>
        <Button icon={<DownloadOutlined />} loading={busy === "csv"} onClick={() => download("csv")}>CSV</Button>
        <Button icon={<SafetyCertificateOutlined />} loading={busy === "verify"} onClick={verify} data-testid="audit-verify">{tx.verify}</Button>
      </Space>
      {verdict ? (
        <Alert style={{ marginBottom: 12 }} showIcon closable onClose={() => setVerdict(null)} type={verdict.ok ? "success" : "error"}
          data-testid="audit-verdict" message={lang === "en" ? verdict.message_en : verdict.message}
          description={verdict.ok ? <Typography.Text copyable={{ text: verdict.head_hash }} style={{ fontSize: 12 }}>{verdict.head_hash}</Typography.Text> : null} />
      ) : null}
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
      <Table<AuditEvent> rowKey="id" size="small" loading={loading} dataSource={page?.events ?? []} columns={columns}
        scroll={{ x: 900 }} data-testid="audit-table"
        pagination={{ current: Math.floor(offset / PAGE) + 1, pageSize: PAGE, total: page?.total ?? 0, showSizeChanger: false,
          showTotal: (n) => tx.total(n), onChange: (p) => setOffset((p - 1) * PAGE) }} />
    </Card>
  );
}
