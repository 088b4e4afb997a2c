/**
 * One connection's contents: schemas → tables (row counts) → columns; pick tables as extract (copied
 * into the warehouse, refreshed on a schedule: interval or cron, full or incremental by a column)
 * or direct (queried in place); the picked tables with "refresh now" (a job with progress) and
 * their refresh history (start, end, rows, bytes, error).
 */
import { HistoryOutlined, SyncOutlined, TableOutlined } from "@ant-design/icons";
import { Alert, App as AntApp, type ButtonProps, Button, Card, Col, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useI18n } from "../i18n";
import { useDataT } from "./i18n";
import { JobProgress } from "./JobProgress";
import { fmtBytes, fmtTime } from "./types";

type Conn = Schemas["ConnectionOut"];
type SrcTable = Schemas["shuzhi__api__routers__connections__TableOut"];
type SrcColumns = Schemas["ColumnsOut"];
type Extract = Schemas["ExtractOut"];
type Run = Schemas["RunOut"];
interface PickForm { mode: "extract" | "direct"; target?: string; refresh: "full" | "incremental"; incremental_column?: string; incremental_kind?: "key" | "updated_at"; schedule: "none" | "interval" | "cron"; minutes?: number; cron?: string }

function PickModal({ conn, schema, tables, onClose, onPicked }: { conn: Conn; schema: string | null; tables: SrcTable[]; onClose: () => void; onPicked: (out: Schemas["PickOut"]) => void }) {
  const t = useDataT();
  const [form] = Form.useForm<PickForm>();
  const [cols, setCols] = useState<SrcColumns["columns"]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const v = Form.useWatch([], form) as PickForm | undefined;
  const single = tables.length === 1 ? tables[0] : null;
  useEffect(() => {
    if (!single) return;
    unwrap(api.GET("/api/v1/connections/{ref}/tables/{table}/columns", { params: { path: { ref: conn.name, table: single.name }, query: { schema } } }))
      .then((c) => setCols(c.columns), () => setCols([]));
  }, [conn.name, schema, single]);

  async function submit() {
    const f = await form.validateFields();
    const sched = f.mode === "extract" && f.schedule !== "none"
      ? (f.schedule === "cron" ? { cron: f.cron!.trim(), interval_s: null, timezone: "Asia/Shanghai" } : { cron: null, interval_s: Math.round((f.minutes ?? 60) * 60), timezone: "Asia/Shanghai" })
      : null;
    setSaving(true);
    setError(null);
    try {
      const out = await unwrap(api.POST("/api/v1/connections/{ref}/tables", {
        params: { path: { ref: conn.name } },
        body: {
          refresh_now: true,
          tables: tables.map((tb) => ({
            table: tb.name, schema, mode: f.mode, target: single && f.target?.trim() ? f.target.trim() : null,
            refresh: single ? f.refresh : "full", incremental_column: single && f.refresh === "incremental" ? f.incremental_column ?? null : null,
            incremental_kind: single && f.refresh === "incremental" ? f.incremental_kind ?? "key" : null, schedule: sched, columns: null, primary_key: null,
          })),
        },
      }));
      onPicked(out);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open onCancel={onClose} onOk={() => void submit()} confirmLoading={saving} width={600} okButtonProps={{ "data-testid": "pick-ok" } as ButtonProps}
      title={t("conn.pickTitle", { n: tables.length })}>
      <Typography.Paragraph type="secondary">{tables.map((x) => x.name).join(", ")}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ mode: "extract", refresh: "full", schedule: "none", minutes: 60, cron: "0 2 * * *", incremental_kind: "key" }}>
        <Form.Item name="mode" label={t("conn.mode")}>
          <Radio.Group optionType="button" options={[{ value: "extract", label: t("conn.extract") }, { value: "direct", label: t("conn.directMode") }]} />
        </Form.Item>
        {v?.mode !== "direct" && (
          <>
            {single && <Form.Item name="target" label={t("conn.target")} extra={t("conn.targetHint", { name: `${conn.name}_${single.name}` })}><Input className="mono" /></Form.Item>}
            {single && (
              <Row gutter={12}>
                <Col span={8}><Form.Item name="refresh" label={t("conn.refresh")}><Select options={[{ value: "full", label: t("conn.full") }, { value: "incremental", label: t("conn.incremental") }]} /></Form.Item></Col>
                {v?.refresh === "incremental" && (
                  <>
                    <Col span={8}><Form.Item name="incremental_column" label={t("conn.incColumn")} rules={[{ required: true }]}><Select options={cols.map((c) => ({ value: c.name, label: `${c.name} · ${c.source_type}` }))} /></Form.Item></Col>
                    <Col span={8}><Form.Item name="incremental_kind" label={t("conn.incKind")}><Select options={[{ value: "key", label: t("conn.incKey") }, { value: "updated_at", label: t("conn.incUpdated") }]} /></Form.Item></Col>
                  </>
                )}
              </Row>
            )}
            <Form.Item name="schedule" label={t("conn.schedule")}>
              <Radio.Group options={[{ value: "none", label: t("conn.schedNone") }, { value: "interval", label: t("conn.schedInterval") }, { value: "cron", label: "Cron" }]} />
            </Form.Item>
            {v?.schedule === "interval" && <Form.Item name="minutes" label={t("conn.everyMinutes")}><InputNumber min={1} style={{ width: 160 }} /></Form.Item>}
            {v?.schedule === "cron" && <Form.Item name="cron" label={t("conn.cron")} extra={t("conn.cronHint")} rules={[{ required: true }]}><Input className="mono" /></Form.Item>}
          </>
        )}
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}

function RunsModal({ extract, onClose }: { extract: Extract; onClose: () => void }) {
  const t = useDataT();
  const { lang } = useI18n();
  const [runs, setRuns] = useState<Run[] | null>(null);
  useEffect(() => {
    unwrap(api.GET("/api/v1/extracts/{ref}/runs", { params: { path: { ref: String(extract.id) } } })).then(setRuns, () => setRuns([]));
  }, [extract.id]);
  const err = (e: Run["error"]) => (e ? String((e as Record<string, unknown>)[lang] ?? (e as Record<string, unknown>).zh ?? JSON.stringify(e)) : "");
  return (
    <Modal open onCancel={onClose} footer={null} width={860} title={t("conn.runsTitle", { table: extract.target_table ?? extract.table })}>
      <Table<Run> rowKey="id" size="small" loading={!runs} dataSource={runs ?? []} pagination={false} scroll={{ x: 760 }} data-testid="runs-table"
        columns={[
          { title: t("conn.runStart"), dataIndex: "started_at", render: fmtTime },
          { title: t("conn.runEnd"), dataIndex: "finished_at", render: fmtTime },
          { title: t("conn.runKind"), dataIndex: "kind" },
          { title: t("conn.runStatus"), dataIndex: "status", render: (s: string) => <Tag color={s === "succeeded" ? "green" : s === "failed" ? "red" : "blue"}>{t(`job.${s as "queued"}`) || s}</Tag> },
          { title: t("common.rows"), dataIndex: "rows_read", align: "right", render: (n: number | null) => (n ?? "—").toLocaleString() },
          { title: t("conn.bytes"), dataIndex: "bytes", align: "right", render: fmtBytes },
          { title: t("conn.runError"), dataIndex: "error", ellipsis: true, render: err },
        ]} />
    </Modal>
  );
}

export function ConnectionBrowser({ conn }: { conn: Conn }) {
  const t = useDataT();
  const { message } = AntApp.useApp();
  const [schemas, setSchemas] = useState<string[] | null>(null);
  const [schema, setSchema] = useState<string | null>(null);
  const [tables, setTables] = useState<SrcTable[] | null>(null);
  const [columns, setColumns] = useState<Record<string, SrcColumns>>({});
  const [checked, setChecked] = useState<string[]>([]);
  const [picking, setPicking] = useState(false);
  const [extracts, setExtracts] = useState<Extract[]>([]);
  const [jobs, setJobs] = useState<Record<number, number>>({});
  const [runsOf, setRunsOf] = useState<Extract | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadExtracts = useCallback(() => {
    unwrap(api.GET("/api/v1/extracts", { params: { query: { connection: conn.name } } })).then(setExtracts, () => undefined);
  }, [conn.name]);
  useEffect(() => {
    unwrap(api.GET("/api/v1/connections/{ref}/schemas", { params: { path: { ref: conn.name } } })).then((s) => {
      setSchemas(s);
      setSchema(s.includes("public") ? "public" : s[0] ?? null);
    }, (e) => setError(errorMessage(e)));
    loadExtracts();
  }, [conn.name, loadExtracts]);
  useEffect(() => {
    if (schemas === null) return;
    setTables(null);
    setChecked([]);
    unwrap(api.GET("/api/v1/connections/{ref}/tables", { params: { path: { ref: conn.name }, query: { schema } } })).then(setTables, (e) => setError(errorMessage(e)));
  }, [conn.name, schema, schemas]);

  const loadColumns = (table: string) => {
    if (columns[table]) return;
    unwrap(api.GET("/api/v1/connections/{ref}/tables/{table}/columns", { params: { path: { ref: conn.name, table }, query: { schema } } }))
      .then((c) => setColumns((m) => ({ ...m, [table]: c })), (e) => message.error(errorMessage(e)));
  };

  async function refresh(x: Extract) {
    try {
      const r = await unwrap(api.POST("/api/v1/extracts/{ref}/refresh", { params: { path: { ref: String(x.id) } }, body: { full: false, accept_schema_changes: false } }));
      setJobs((j) => ({ ...j, [x.id]: r.job_id }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  }

  return (
    <Card className="conn-browser" style={{ marginTop: 16 }} data-testid="conn-browser"
      title={<Space><TableOutlined />{t("conn.browseTitle", { name: conn.label || conn.name })}</Space>}
      extra={schemas && schemas.length > 0 && (
        <Select value={schema ?? undefined} onChange={setSchema} style={{ minWidth: 160 }} data-testid="conn-schema"
          options={schemas.map((s) => ({ value: s, label: s }))} placeholder={t("conn.schema")} />
      )}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Space style={{ marginBottom: 8 }}>
        <Button type="primary" disabled={!checked.length} onClick={() => setPicking(true)} data-testid="conn-pick">{t("conn.pick", { n: checked.length })}</Button>
      </Space>
      <Table<SrcTable>
        rowKey="name" size="small" loading={!tables && !error} dataSource={tables ?? []} pagination={(tables?.length ?? 0) > 15 ? { pageSize: 15 } : false}
        rowSelection={{ selectedRowKeys: checked, onChange: (k) => setChecked(k as string[]) }}
        expandable={{
          onExpand: (open, r) => open && loadColumns(r.name),
          expandedRowRender: (r) => columns[r.name] ? (
            <div className="schema-chips" data-testid={`src-columns-${r.name}`}>
              {columns[r.name].columns.map((c) => <Tag key={c.name} color={c.primary_key ? "gold" : undefined}>{c.name} <span className="col-head-meta">{c.source_type}</span></Tag>)}
            </div>
          ) : <Typography.Text type="secondary">…</Typography.Text>,
        }}
        columns={[
          { title: t("tables.name"), dataIndex: "name", render: (n: string) => <span data-testid={`src-table-${n}`}>{n}</span> },
          { title: t("common.type"), dataIndex: "type", render: (x: string) => <Tag>{x === "view" ? t("conn.view") : t("conn.table")}</Tag> },
          { title: t("common.rows"), dataIndex: "row_count", align: "right", render: (n: number | null, r) => (n === null || n === undefined ? "—" : `${r.row_count_estimated ? "≈" : ""}${n.toLocaleString()}`) },
        ]}
      />
      <div className="section-title" style={{ marginTop: 16 }}>{t("conn.picked")}</div>
      <Table<Extract>
        rowKey="id" size="small" dataSource={extracts} pagination={false} scroll={{ x: 720 }} locale={{ emptyText: t("conn.noPicked") }} data-testid="extracts-table"
        columns={[
          { title: t("conn.sourceTable"), key: "src", render: (_, x) => `${x.schema ? `${x.schema}.` : ""}${x.table}` },
          { title: t("conn.mode"), dataIndex: "mode", render: (m: string) => <Tag color={m === "direct" ? "blue" : "green"}>{m === "direct" ? t("conn.directMode") : t("conn.extract")}</Tag> },
          { title: t("conn.target"), dataIndex: "target_table", render: (x: string | null) => x ?? "—" },
          { title: t("common.rows"), dataIndex: "row_count", align: "right", render: (n: number | null) => (n ?? "—").toLocaleString() },
          { title: t("conn.lastRefresh"), key: "last", render: (_, x) => <Space size={4}>{fmtTime(x.last_refresh_at)}{x.last_status && <Tag color={x.last_status === "succeeded" ? "green" : x.last_status === "failed" ? "red" : "blue"}>{t(`job.${x.last_status as "queued"}`)}</Tag>}</Space> },
          { title: t("conn.schedule"), dataIndex: "schedule", render: (s: Record<string, unknown> | null) => (s ? String(s.cron ?? (s.interval_s ? t("conn.everyN", { n: Math.round(Number(s.interval_s) / 60) }) : "—")) : "—") },
          {
            title: t("common.actions"), key: "a", width: 260, render: (_, x) => (
              <div>
                <Space size={0}>
                  {x.mode === "extract" && <Button type="link" size="small" icon={<SyncOutlined />} onClick={() => void refresh(x)} data-testid={`extract-refresh-${x.id}`}>{t("conn.refreshNow")}</Button>}
                  <Button type="link" size="small" icon={<HistoryOutlined />} onClick={() => setRunsOf(x)}>{t("conn.runs")}</Button>
                </Space>
                {jobs[x.id] && <JobProgress jobId={jobs[x.id]} onDone={loadExtracts} testId={`extract-progress-${x.id}`} />}
              </div>
            ),
          },
        ]}
      />
      {picking && tables && (
        <PickModal conn={conn} schema={schema} tables={tables.filter((x) => checked.includes(x.name))} onClose={() => setPicking(false)}
          onPicked={(out) => {
            setPicking(false);
            setChecked([]);
            message.success(t("conn.pickedOk", { n: out.extracts.length }));
            // job_ids are the refresh jobs of the picked extracts, in order
            const ids = out.extracts.filter((x) => x.mode === "extract").map((x) => x.id);
            setJobs((j) => ({ ...j, ...Object.fromEntries(ids.map((id, i) => [id, out.job_ids[i]]).filter(([, jid]) => jid)) }));
            loadExtracts();
          }} />
      )}
      {runsOf && <RunsModal extract={runsOf} onClose={() => setRunsOf(null)} />}
    </Card>
  );
}
