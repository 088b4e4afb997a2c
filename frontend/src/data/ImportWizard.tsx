/**
 * 导入文件: upload → preview (encoding, delimiter, sheet, header row, column names / labels / types,
 * flagged totals rows, target table, mode) → import as a job with a progress bar → done (rows,
 * rejects with line numbers, "查看数据" and "去分析").
 *
 * The upload is stored once (POST /api/v1/imports/preview, multipart); changing a detection option
 * previews the same upload again by its upload_id. Column edits are sent with the import
 * (ImportRequest.columns) in file order, so the server maps them one to one.
 */
import { BarChartOutlined, InboxOutlined, ReloadOutlined, TableOutlined, WarningOutlined } from "@ant-design/icons";
import {
  Alert, App as AntApp, Button, Card, Checkbox, Col, Form, Input, InputNumber, Radio, Result, Row, Select, Space, Spin, Steps, Table, Tag, Typography, Upload,
} from "antd";
import { useCallback, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useI18n } from "../i18n";
import { analyzeTable } from "./analyzeTable";
import { HeaderRows } from "./HeaderRows";
import { useDataT } from "./i18n";
import { JobProgress } from "./JobProgress";
import { RowsTable } from "./TablesPanel";
import type { Job } from "./jobs";
import { fmtCell, IMPORT_ACCEPT, IMPORT_TYPES, tableNameProblem } from "./types";

type Preview = Schemas["ImportPreview"];
type ColEdit = { name: string; label: string; type: string };
interface Options { encoding?: string | null; delimiter?: string | null; sheet?: string | null; header_row?: number | null; keep_totals?: boolean }
interface ImportResult {
  table: string; rows: number; inserted: number; updated: number; duplicates_removed?: number; table_rows: number; rejected: number;
  rejects: { line: number | null; column?: string | null; error?: string; text?: string; message?: string }[]; rejects_table?: string | null;
}

const ENCODINGS = ["UTF-8", "GB18030", "GBK", "GB2312", "UTF-16", "Big5", "latin-1"];
const DELIMITERS = [",", "\t", ";", "|"];

async function postPreview(form: FormData): Promise<Preview> {
  return unwrap(api.POST("/api/v1/imports/preview", { body: form as never }));
}

export function ImportWizard() {
  const t = useDataT();
  const { lang } = useI18n();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [cols, setCols] = useState<ColEdit[]>([]);
  const [opts, setOpts] = useState<Options>({});
  const [table, setTable] = useState("");
  const [mode, setMode] = useState<"replace" | "append" | "upsert">("replace");
  const [key, setKey] = useState<string[]>([]);
  const [skipBad, setSkipBad] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  const accept = (p: Preview, keepTotals = false) => {
    setPreview(p);
    setCols(p.columns.map((c) => ({ name: c.name, label: c.label, type: c.type })));
    setOpts({ encoding: p.encoding, delimiter: p.delimiter, sheet: p.sheet, header_row: p.header_row, keep_totals: keepTotals });
    setKey((k) => k.filter((x) => p.columns.some((c) => c.name === x)));
  };

  async function upload(file: File) {
    setError(null);
    setBusy(true);
    const fd = new FormData();
    fd.append("file", file, file.name);
    try {
      const p = await postPreview(fd);
      accept(p);
      setTable(p.table);
      setStep(1);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  /** Preview the same upload again with changed detection options. */
  async function repreview(change: Options) {
    if (!preview) return;
    const next = { ...opts, ...change };
    setOpts(next);
    const fd = new FormData();
    fd.append("upload_id", preview.upload_id);
    if (next.encoding && preview.format === "csv") fd.append("encoding", next.encoding);
    if (next.delimiter && preview.format === "csv") fd.append("delimiter", next.delimiter === "\t" ? "tab" : next.delimiter);
    if (next.sheet) fd.append("sheet", next.sheet);
    if (next.header_row !== null && next.header_row !== undefined) fd.append("header_row", String(next.header_row));
    fd.append("keep_totals", next.keep_totals ? "true" : "false");
    setBusy(true);
    setError(null);
    try {
      // a changed sheet or header: let the server detect the rest again
      accept(await postPreview(fd), !!next.keep_totals);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function start() {
    if (!preview) return;
    const problem = tableNameProblem(table);
    if (problem) return setError(problem[lang === "en" ? 1 : 0]);
    if (mode === "upsert" && !key.length) return setError(t("imp.keyRequired"));
    setError(null);
    setBusy(true);
    try {
      const body: Schemas["ImportRequest"] = {
        upload_id: preview.upload_id, table: table.trim().toLowerCase(), mode, key, sheet: opts.sheet ?? null,
        encoding: preview.format === "csv" ? opts.encoding ?? null : null, delimiter: preview.format === "csv" ? (opts.delimiter === "\t" ? "tab" : opts.delimiter ?? null) : null,
        header_row: opts.header_row ?? null, skip_bad_rows: skipBad, keep_totals: !!opts.keep_totals, force: false,
        columns: cols.map((c) => ({ name: c.name.trim(), label: c.label.trim() || null, type: c.type })),
      };
      const started = await unwrap(api.POST("/api/v1/imports", { body }));
      setFailed(null);
      setResult(null);
      setJobId(started.job_id);
      setStep(2);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const onDone = useCallback((job: Job) => {
    if (job.status === "succeeded") {
      setResult(job.result as unknown as ImportResult);
      setStep(3);
      message.success(t("imp.done", { rows: (job.result as { rows?: number })?.rows ?? 0, table: (job.result as { table?: string })?.table ?? "" }));
    } else {
      setFailed(job.status);
    }
  }, [message, t]);

  const reset = () => {
    setStep(0);
    setPreview(null);
    setCols([]);
    setOpts({});
    setJobId(null);
    setResult(null);
    setFailed(null);
    setError(null);
    setMode("replace");
    setKey([]);
  };

  const said = (key: string) => t(key as Parameters<typeof t>[0]); // imp.reason.* / imp.confidence.* from the server's codes
  const reasons = (preview?.confidence_reasons ?? []).map((r) => said(`imp.reason.${r}`)).join("；");
  const editCol = (i: number, patch: Partial<ColEdit>) => setCols((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const tableProblem = table ? tableNameProblem(table) : null;

  return (
    <div data-testid="import-wizard">
      <Steps
        current={step}
        size="small"
        style={{ marginBottom: 16 }}
        items={[{ title: t("imp.step.upload") }, { title: t("imp.step.preview") }, { title: t("imp.step.import") }, { title: t("imp.step.done") }]}
      />
      {error && <Alert type="error" showIcon closable onClose={() => setError(null)} message={error} style={{ marginBottom: 12 }} data-testid="import-error" />}

      {step === 0 && (
        <Spin spinning={busy} tip={t("imp.uploading")}>
          <Upload.Dragger
            accept={IMPORT_ACCEPT}
            multiple={false}
            showUploadList={false}
            beforeUpload={(file) => {
              void upload(file as unknown as File);
              return false;
            }}
            data-testid="import-upload"
          >
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p className="ant-upload-text">{t("imp.drop")}</p>
            <p className="ant-upload-hint">{t("imp.dropHint")}</p>
          </Upload.Dragger>
        </Spin>
      )}

      {step === 1 && preview && (
        <Spin spinning={busy} tip={t("imp.reloading")}>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Form layout="vertical" requiredMark={false}>
              <Row gutter={12}>
                <Col xs={24} md={8}>
                  <Form.Item label={t("imp.file")}>
                    <Space wrap>
                      <Typography.Text strong data-testid="import-filename">{preview.filename}</Typography.Text>
                      <Tag>{preview.format}</Tag>
                      <Tag data-testid="import-confidence" color={preview.confidence === "high" ? "green" : preview.confidence === "low" ? "orange" : "blue"}
                        title={reasons}>
                        {t("imp.confidence")}: {said(`imp.confidence.${preview.confidence}`)}{reasons ? `（${reasons}）` : ""}
                      </Tag>
                    </Space>
                  </Form.Item>
                </Col>
                {preview.format === "csv" && (
                  <>
                    <Col xs={12} md={4}>
                      <Form.Item label={t("imp.encoding")}>
                        <Select data-testid="import-encoding" value={opts.encoding ?? undefined} showSearch
                          options={[...new Set([...(opts.encoding ? [opts.encoding] : []), ...ENCODINGS])].map((e) => ({ value: e, label: e }))}
                          onChange={(v) => void repreview({ encoding: v })} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={4}>
                      <Form.Item label={t("imp.delimiter")}>
                        <Select data-testid="import-delimiter" value={opts.delimiter ?? undefined}
                          options={[...new Set([...(opts.delimiter ? [opts.delimiter] : []), ...DELIMITERS])].map((d) => ({ value: d, label: d === "\t" ? t("imp.tab") : d }))}
                          onChange={(v) => void repreview({ delimiter: v })} />
                      </Form.Item>
                    </Col>
                  </>
                )}
                {preview.sheets.length > 0 && (
                  <Col xs={12} md={4}>
                    <Form.Item label={t("imp.sheet")}>
                      <Select data-testid="import-sheet" value={opts.sheet ?? undefined}
                        options={preview.sheets.map((s) => ({ value: s.name, label: `${s.name}（${s.rows}×${s.columns}）` }))}
                        onChange={(v) => void repreview({ sheet: v, header_row: null })} />
                    </Form.Item>
                  </Col>
                )}
                {preview.format !== "parquet" && preview.format !== "json" && preview.format !== "ndjson" && (
                  <Col xs={12} md={4}>
                    <Form.Item label={t("imp.headerRow")} tooltip={t("imp.headerRowHint")}>
                      <InputNumber data-testid="import-header-row" min={0} value={opts.header_row ?? undefined} style={{ width: "100%" }}
                        onChange={(v) => typeof v === "number" && v !== opts.header_row && void repreview({ header_row: v })} />
                    </Form.Item>
                  </Col>
                )}
              </Row>
              {preview.totals_rows.length > 0 && (
                <Alert type="warning" showIcon icon={<WarningOutlined />} style={{ marginBottom: 12 }} data-testid="import-totals"
                  message={t("imp.totals", { rows: preview.totals_rows.join(", ") })}
                  action={<Checkbox checked={!!opts.keep_totals} onChange={(e) => void repreview({ keep_totals: e.target.checked })}>{t("imp.keepTotals")}</Checkbox>} />
              )}
              {(preview.footer_rows ?? []).length > 0 && (
                <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="import-footer"
                  message={t("imp.footer", { rows: (preview.footer_rows ?? []).join(", ") })} />
              )}
              <Row gutter={12}>
                <Col xs={24} md={8}>
                  <Form.Item label={t("imp.table")} validateStatus={tableProblem ? "error" : undefined} help={tableProblem?.[lang === "en" ? 1 : 0]} required>
                    <Input data-testid="import-table" value={table} onChange={(e) => setTable(e.target.value)} addonBefore="main." />
                  </Form.Item>
                </Col>
                <Col xs={24} md={10}>
                  <Form.Item label={t("imp.mode")}>
                    <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)} optionType="button" data-testid="import-mode"
                      options={(["replace", "append", "upsert"] as const).map((m) => ({ value: m, label: t(`imp.mode.${m}`) }))} />
                  </Form.Item>
                </Col>
                {mode === "upsert" && (
                  <Col xs={24} md={6}>
                    <Form.Item label={t("imp.key")} required>
                      <Select mode="multiple" value={key} onChange={setKey} data-testid="import-key"
                        options={cols.map((c) => ({ value: c.name, label: c.label && c.label !== c.name ? `${c.label} (${c.name})` : c.name }))} />
                    </Form.Item>
                  </Col>
                )}
              </Row>
              <Checkbox checked={skipBad} onChange={(e) => setSkipBad(e.target.checked)}>{t("imp.skipBad")}</Checkbox>
            </Form>
          </Card>
          {(preview.top_rows ?? []).length > 0 && (
            <Card size="small" title={t("imp.headerRow")} style={{ marginBottom: 12 }}>
              <HeaderRows rows={preview.top_rows ?? []} headerRow={preview.header_row} rowsBeforeData={preview.rows_before_data}
                onPick={(n) => void repreview({ header_row: n })} />
            </Card>
          )}
          <Card size="small" title={t("imp.columns")} className="import-columns" style={{ marginBottom: 12 }}
            extra={preview.data_rows != null && <Typography.Text type="secondary" data-testid="import-data-rows">{t("imp.dataRows", { n: preview.data_rows.toLocaleString() })}</Typography.Text>}>
            <Table
              size="small"
              rowKey="i"
              pagination={false}
              scroll={{ x: 720 }}
              dataSource={cols.map((c, i) => ({ ...c, i }))}
              columns={[
                { title: "#", dataIndex: "i", width: 44, render: (i: number) => i + 1 },
                { title: t("imp.colLabel"), key: "label", width: 220, render: (_, c) => <Input size="small" value={c.label} onChange={(e) => editCol(c.i, { label: e.target.value })} data-testid={`import-col-label-${c.i}`} /> },
                { title: t("imp.colName"), key: "name", width: 200, render: (_, c) => <Input size="small" value={c.name} className="mono" onChange={(e) => editCol(c.i, { name: e.target.value })} data-testid={`import-col-name-${c.i}`} /> },
                {
                  title: t("imp.colType"), key: "type", width: 170, render: (_, c) => (
                    <Select size="small" value={c.type} onChange={(v) => editCol(c.i, { type: v })} style={{ width: "100%" }} data-testid={`import-col-type-${c.i}`}
                      options={[...new Set([c.type, ...IMPORT_TYPES])].map((x) => ({ value: x, label: x }))} />
                  ),
                },
                {
                  title: t("imp.examples"), key: "ex", render: (_, c) => (
                    <Typography.Text type="secondary" className="import-examples">
                      {preview.rows.slice(0, 3).map((r) => fmtCell(r[c.i])).filter((x) => x !== "").join(" · ")}
                    </Typography.Text>
                  ),
                },
              ]}
            />
          </Card>
          <Card size="small" title={t("imp.sample")}>
            <RowsTable columns={cols.map((c) => ({ name: c.name, label: c.label, type: c.type }))} rows={preview.rows.slice(0, 20)} testId="import-sample" />
          </Card>
          <Space style={{ marginTop: 12 }}>
            <Button onClick={reset}>{t("common.back")}</Button>
            <Button icon={<ReloadOutlined />} onClick={() => void repreview({})}>{t("common.refresh")}</Button>
            <Button type="primary" onClick={() => void start()} disabled={!!tableProblem || !table} loading={busy} data-testid="import-start">{t("imp.start")}</Button>
          </Space>
        </Spin>
      )}

      {step === 2 && jobId && (
        <Card>
          <Typography.Paragraph>{t("imp.importing", { table })}</Typography.Paragraph>
          <JobProgress jobId={jobId} onDone={onDone} testId="import-progress" />
          {failed && (
            <Space style={{ marginTop: 12 }}>
              <Button onClick={() => setStep(1)}>{t("common.back")}</Button>
              <Button onClick={reset}>{t("imp.again")}</Button>
            </Space>
          )}
        </Card>
      )}

      {step === 3 && result && (
        <Card data-testid="import-done">
          <Result
            status={result.rejected ? "warning" : "success"}
            title={t("imp.done", { rows: result.rows.toLocaleString(), table: result.table })}
            subTitle={<>
              {t("imp.doneDetail", { inserted: result.inserted, updated: result.updated, total: result.table_rows })}
              {result.duplicates_removed ? <div data-testid="import-duplicates">{t("imp.duplicatesRemoved", { n: result.duplicates_removed.toLocaleString() })}</div> : null}
            </>}
            extra={[
              <Button key="view" type="primary" icon={<TableOutlined />} onClick={() => navigate(`/data/tables/${result.table}`)} data-testid="import-view">{t("imp.viewData")}</Button>,
              <Button key="analyze" icon={<BarChartOutlined />} data-testid="analyze-table" onClick={() => analyzeTable(result.table).then((to) => navigate(to)).catch((e) => message.error(errorMessage(e)))}>{t("imp.analyze")}</Button>,
              <Button key="again" onClick={reset}>{t("imp.again")}</Button>,
            ]}
          />
          {result.rejected > 0 && (
            <>
              <Alert type="warning" showIcon style={{ marginBottom: 8 }} message={t("imp.rejects", { n: result.rejected })}
                description={result.rejects_table ? t("imp.rejectsTable", { table: result.rejects_table }) : undefined} />
              <Table size="small" rowKey={(r, i) => `${r.line}-${i}`} pagination={false} dataSource={result.rejects} data-testid="import-rejects"
                columns={[
                  { title: t("imp.line"), dataIndex: "line", width: 80 },
                  { title: t("imp.column"), dataIndex: "column", width: 140 },
                  { title: t("imp.text"), dataIndex: "text", ellipsis: true },
                  { title: t("imp.error"), dataIndex: "message", ellipsis: true },
                ]} />
            </>
          )}
        </Card>
      )}
    </div>
  );
}
