/**
 * 自助数据集: the list of datasets, and the step editor (/data/datasets/:name, "new" for a new one).
 *
 * The editor holds the definition (source + ordered steps) in memory; clicking a step previews the
 * rows after it (POST /api/v1/datasets/preview with upto = its number, nothing saved). Steps are
 * added from a menu of the kinds the API supports, edited in a form whose fields come from the
 * columns after the previous step (the same preview call with upto = k - 1), reordered by dragging or
 * the arrows, and deleted. A step the server refuses is marked (error.details.step). Saving makes a
 * new version; versions can be restored; materialize is a job; "加入模型" adds it to the semantic model.
 */
import {
  ArrowDownOutlined, ArrowLeftOutlined, ArrowUpOutlined, CloudUploadOutlined, DatabaseOutlined, DeleteOutlined, EditOutlined,
  HistoryOutlined, HolderOutlined, PlusOutlined, SaveOutlined,
} from "@ant-design/icons";
import { Alert, App as AntApp, type ButtonProps, Button, Card, Col, Drawer, Dropdown, Empty, Form, Input, List, Modal, Row, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useI18n } from "../i18n";
import { useDataT } from "./i18n";
import { JobProgress } from "./JobProgress";
import { DetailedError, unwrapDetailed } from "./jobs";
import { StepFormFields } from "./StepForm";
import {
  followMove, followRemove, formToStep, moveStep, newStepForm, removeStep, STEP_LABELS, STEP_OPS, stepSummary, stepToForm, StepFormError, typeLabel,
  type Col as Column, type DatasetSpec, type Step, type StepForm, type StepOp,
} from "./steps";
import { RowsTable } from "./TablesPanel";
import { fmtTime } from "./types";

type Summary = Schemas["DatasetSummary"];
type Preview = Schemas["PreviewOut"];
type Version = Schemas["DatasetVersionOut"];

export function DatasetsList() {
  const t = useDataT();
  const navigate = useNavigate();
  const [items, setItems] = useState<Summary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    unwrap(api.GET("/api/v1/datasets")).then(setItems, (e) => setError(errorMessage(e)));
  }, []);
  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <div data-testid="datasets-list">
      <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => navigate("/data/datasets/new")} data-testid="dataset-new">{t("ds.new")}</Button>
      <Table<Summary> rowKey="name" size="middle" loading={!items} dataSource={items ?? []} pagination={false} scroll={{ x: 640 }} locale={{ emptyText: t("ds.empty") }}
        columns={[
          { title: t("common.name"), key: "n", render: (_, d) => <Link to={`/data/datasets/${d.name}`} data-testid={`dataset-link-${d.name}`}>{d.label || d.name}{d.label && <Typography.Text type="secondary"> ({d.name})</Typography.Text>}</Link> },
          { title: t("ds.mode"), dataIndex: "mode", render: (m: string) => <Tag color={m === "materialized" ? "green" : "blue"}>{t(m === "materialized" ? "ds.materialized" : "ds.virtual")}</Tag> },
          { title: t("ds.sources"), dataIndex: "sources", render: (s: string[]) => s.map((x) => <Tag key={x}>{x.replace(/^(table|dataset):/, "")}</Tag>) },
          { title: t("ds.version"), dataIndex: "version", align: "right" },
          { title: t("common.rows"), dataIndex: "row_count", align: "right", render: (n: number | null) => (n ?? "—").toLocaleString() },
          { title: t("ds.updated"), key: "u", render: (_, d) => `${fmtTime(d.updated_at)}${d.updated_by ? ` · ${d.updated_by}` : ""}` },
        ]} />
    </div>
  );
}

/** The columns after the previewed step, the ones this step added or changed in green. */
function SchemaChips({ preview }: { preview: Preview }) {
  const { lang } = useI18n();
  const before = preview.upto > 0 ? preview.steps[preview.upto - 1] ?? [] : null;
  const changed = (c: Preview["columns"][number]) => before !== null && !before.some((b) => b.name === c.name && b.type === c.type);
  return (
    <div className="schema-chips" style={{ marginBottom: 8 }} data-testid="dataset-schema">
      {preview.columns.map((c) => (
        <Tag key={c.name} color={changed(c) ? "green" : undefined} style={{ marginInlineEnd: 0 }}>
          {c.label && c.label !== c.name ? `${c.label} ` : ""}<span className="mono">{c.name}</span> · {typeLabel(c.type, lang)}
        </Tag>
      ))}
    </div>
  );
}

const emptySpec = (): DatasetSpec => ({ name: "", source: { table: null, dataset: null }, steps: [], mode: "virtual" });

function StepItem({ step, index, selected, failed, onSelect, onEdit, onMove, onDelete, drag }: {
  step: Step; index: number; selected: boolean; failed: boolean; onSelect: () => void; onEdit: () => void; onMove: (to: number) => void; onDelete: () => void;
  drag: { from: number | null; over: number | null; set: (from: number | null, over: number | null) => void; drop: (to: number) => void };
}) {
  const { lang } = useI18n();
  const cls = ["step-item", selected && "selected", failed && "failed", drag.from === index && "dragging", drag.over === index && drag.from !== index && "drop-target"].filter(Boolean).join(" ");
  return (
    <div className={cls} onClick={onSelect} draggable data-testid={`step-${index + 1}`}
      onDragStart={(e) => { e.dataTransfer.effectAllowed = "move"; drag.set(index, null); }}
      onDragOver={(e) => { e.preventDefault(); if (drag.over !== index) drag.set(drag.from, index); }}
      onDragEnd={() => drag.set(null, null)}
      onDrop={(e) => { e.preventDefault(); drag.drop(index); }}>
      <div className="step-head">
        <HolderOutlined className="step-drag" />
        <span className="step-no">{index + 1}</span>
        <span className="step-title">{STEP_LABELS[step.op][lang === "en" ? 1 : 0]}</span>
        <span className="step-actions" onClick={(e) => e.stopPropagation()}>
          <Button size="small" type="text" icon={<ArrowUpOutlined />} onClick={() => onMove(index - 1)} aria-label="up" />
          <Button size="small" type="text" icon={<ArrowDownOutlined />} onClick={() => onMove(index + 1)} aria-label="down" />
          <Button size="small" type="text" icon={<EditOutlined />} onClick={onEdit} data-testid={`step-edit-${index + 1}`} aria-label="edit" />
          <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onDelete} data-testid={`step-delete-${index + 1}`} aria-label="delete" />
        </span>
      </div>
      <div className="step-summary">{stepSummary(step, lang)}</div>
    </div>
  );
}

export function DatasetEditor({ name }: { name: string }) {
  const t = useDataT();
  const { lang } = useI18n();
  const navigate = useNavigate();
  const { message, modal } = AntApp.useApp();
  const isNew = name === "new";
  const [spec, setSpec] = useState<DatasetSpec | null>(isNew ? emptySpec() : null);
  const [version, setVersion] = useState<number | null>(null);
  const [sources, setSources] = useState<{ tables: string[]; datasets: string[] }>({ tables: [], datasets: [] });
  const [selected, setSelected] = useState(0);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [pError, setPError] = useState<{ message: string; step: number | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ index: number; isNew: boolean; cols: Column[] } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [rightCols, setRightCols] = useState<Column[]>([]);
  const [form] = Form.useForm<StepForm>();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const [drag, setDragState] = useState<{ from: number | null; over: number | null }>({ from: null, over: null });
  const seq = useRef(0);

  useEffect(() => {
    unwrap(api.GET("/api/v1/tables")).then((ts) => setSources((s) => ({ ...s, tables: ts.map((x) => x.name) })), () => undefined);
    unwrap(api.GET("/api/v1/datasets")).then((ds) => setSources((s) => ({ ...s, datasets: ds.map((x) => x.name).filter((x) => x !== name) })), () => undefined);
    if (isNew) return;
    unwrap(api.GET("/api/v1/datasets/{name}", { params: { path: { name } } })).then((d) => {
      setSpec(d.definition);
      setVersion(d.version);
      setSelected(d.definition.steps.length);
    }, (e) => setLoadError(errorMessage(e)));
  }, [name, isNew]);

  const definition = useCallback((s: DatasetSpec, steps?: Step[]) => {
    const { name: n, ...rest } = s;
    return { ...rest, ...(n ? { name: n } : {}), steps: steps ?? s.steps } as DatasetSpec;
  }, []);
  const hasSource = !!(spec?.source.table || spec?.source.dataset);

  /** Rows and columns after `upto` steps of `steps` (throws DetailedError). */
  const runPreview = useCallback(async (s: DatasetSpec, upto: number, limit = 100, steps?: Step[]) =>
    unwrapDetailed(api.POST("/api/v1/datasets/preview", { body: { definition: definition(s, steps), upto, limit } as never })), [definition]);

  useEffect(() => {
    if (!spec || !hasSource) return;
    const mine = ++seq.current;
    setLoading(true);
    const timer = window.setTimeout(() => {
      runPreview(spec, Math.min(selected, spec.steps.length)).then((p) => {
        if (mine !== seq.current) return;
        setPreview(p);
        setPError(null);
      }, (e) => {
        if (mine !== seq.current) return;
        setPreview(null);
        setPError({ message: errorMessage(e), step: e instanceof DetailedError && typeof e.details.step === "number" ? e.details.step : null });
      }).finally(() => mine === seq.current && setLoading(false));
    }, 250);
    return () => window.clearTimeout(timer);
  }, [spec, selected, hasSource, runPreview]);

  const change = (next: DatasetSpec, sel?: number) => {
    setSpec(next);
    setDirty(true);
    if (sel !== undefined) setSelected(sel);
  };

  async function openStep(index: number, op?: StepOp) {
    if (!spec) return;
    setFormError(null);
    let cols: Column[] = [];
    try {
      cols = (await runPreview(spec, index, 1, spec.steps.slice(0, index))).columns;
    } catch (e) {
      message.error(errorMessage(e));
      return;
    }
    const values = op ? newStepForm(op, cols) : stepToForm(spec.steps[index]);
    form.resetFields();
    form.setFieldsValue(values);
    setEditing({ index, isNew: !!op, cols });
    loadRight(values.source);
  }

  function loadRight(src?: { kind: string; name?: string }) {
    setRightCols([]);
    if (!src?.name) return;
    const source = src.kind === "dataset" ? { dataset: src.name } : { table: src.name };
    unwrapDetailed(api.POST("/api/v1/datasets/preview", { body: { definition: { source, steps: [] }, upto: 0, limit: 1 } as never }))
      .then((p) => setRightCols(p.columns), () => undefined);
  }

  async function applyStep() {
    if (!spec || !editing) return;
    let step: Step;
    try {
      step = formToStep(form.getFieldsValue(true) as StepForm, editing.cols);
    } catch (e) {
      setFormError(e instanceof StepFormError ? (lang === "en" ? e.en : e.zh) : errorMessage(e));
      return;
    }
    const steps = spec.steps.slice();
    if (editing.isNew) steps.splice(editing.index, 0, step);
    else steps[editing.index] = step;
    try {
      await runPreview(spec, editing.index + 1, 1, steps); // the server checks the step against its input
    } catch (e) {
      setFormError(errorMessage(e));
      return;
    }
    change({ ...spec, steps }, editing.index + 1);
    setEditing(null);
  }

  async function save() {
    if (!spec) return;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(spec.name)) return message.error(t("ds.nameRule"));
    setSaving(true);
    try {
      const body = spec as never;
      const out = isNew
        ? await unwrap(api.POST("/api/v1/datasets", { body, params: { query: { comment: null } } }))
        : await unwrap(api.PUT("/api/v1/datasets/{name}", { params: { path: { name } }, body }));
      setVersion(out.version);
      setDirty(false);
      message.success(t("ds.saved", { version: out.version }));
      if (isNew) navigate(`/data/datasets/${out.name}`, { replace: true });
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const openVersions = () => unwrap(api.GET("/api/v1/datasets/{name}/versions", { params: { path: { name } } })).then(setVersions, (e) => message.error(errorMessage(e)));
  async function restore(v: number) {
    try {
      const out = await unwrap(api.POST("/api/v1/datasets/{name}/versions/{version}/restore", { params: { path: { name, version: v } } }));
      setSpec(out.definition);
      setVersion(out.version);
      setSelected(out.definition.steps.length);
      setDirty(false);
      setVersions(null);
      message.success(t("ds.restored", { from: v, version: out.version }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  }
  async function materialize() {
    try {
      setJobId((await unwrap(api.POST("/api/v1/datasets/{name}/materialize", { params: { path: { name } } }))).job_id);
    } catch (e) {
      message.error(errorMessage(e));
    }
  }
  async function addToModel(replace = false) {
    try {
      const out = (await unwrapDetailed(api.POST("/api/v1/datasets/{name}/add-to-model", { params: { path: { name } }, body: { model: null, joins: [], replace } }))) as { model: string; model_version: number };
      message.success(t("ds.addedToModel", { model: out.model, version: out.model_version }));
    } catch (e) {
      if (e instanceof DetailedError && e.code === "model_dataset_exists")
        modal.confirm({ title: e.message, okText: t("ds.replaceInModel"), onOk: () => addToModel(true) });
      else message.error(errorMessage(e));
    }
  }

  const stepOptions = useMemo(() => STEP_OPS.map((op) => ({ key: op, label: <span data-testid={`add-step-${op}`}>{STEP_LABELS[op][lang === "en" ? 1 : 0]}</span> })), [lang]);
  if (loadError) return <Alert type="error" showIcon message={loadError} />;
  if (!spec) return <Card loading />;
  const src = spec.source.table ? `table:${spec.source.table}` : spec.source.dataset ? `dataset:${spec.source.dataset}` : undefined;
  const dragApi = {
    ...drag,
    set: (from: number | null, over: number | null) => setDragState({ from, over }),
    drop: (to: number) => {
      if (drag.from !== null && drag.from !== to) change({ ...spec, steps: moveStep(spec.steps, drag.from, to) }, followMove(selected, drag.from, to));
      setDragState({ from: null, over: null });
    },
  };

  return (
    <div data-testid="dataset-editor">
      <Link to="/data?tab=datasets" className="back-link"><ArrowLeftOutlined /> {t("common.back")}</Link>
      <div className="page-head">
        <Typography.Title level={3} style={{ margin: 0 }}>{isNew ? t("ds.new") : `${spec.label || spec.name}`} {version && <Tag>{t("ds.versionN", { v: version })}</Tag>} {dirty && <Tag color="orange">{t("ds.unsaved")}</Tag>}</Typography.Title>
        <Space wrap>
          {!isNew && <Button icon={<HistoryOutlined />} onClick={() => void openVersions()} data-testid="dataset-versions">{t("ds.versions")}</Button>}
          {!isNew && <Button icon={<CloudUploadOutlined />} onClick={() => void materialize()} disabled={dirty} data-testid="dataset-materialize">{t("ds.materialize")}</Button>}
          {!isNew && <Button icon={<DatabaseOutlined />} onClick={() => void addToModel()} disabled={dirty} data-testid="dataset-add-to-model">{t("ds.addToModel")}</Button>}
          <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => void save()} disabled={!hasSource} data-testid="dataset-save">{t("common.save")}</Button>
        </Space>
      </div>
      {jobId && <Card size="small" style={{ marginBottom: 12 }}><JobProgress jobId={jobId} testId="materialize-progress" /></Card>}
      <Row gutter={16}>
        <Col xs={24} lg={8} xl={7}>
          <Card size="small" title={t("ds.definition")}>
            <Form layout="vertical" size="small">
              <Form.Item label={t("ds.name")} required>
                <Input className="mono" value={spec.name} disabled={!isNew} placeholder="big_orders" onChange={(e) => change({ ...spec, name: e.target.value.trim() })} data-testid="dataset-name" />
              </Form.Item>
              <Form.Item label={t("ds.label")}><Input value={spec.label ?? ""} onChange={(e) => change({ ...spec, label: e.target.value || null })} data-testid="dataset-label" /></Form.Item>
              <Form.Item label={t("ds.mode")}>
                <Select value={spec.mode} onChange={(m) => change({ ...spec, mode: m })} options={[{ value: "virtual", label: t("ds.virtual") }, { value: "materialized", label: t("ds.materialized") }]} />
              </Form.Item>
            </Form>
            <div className={`step-item${selected === 0 ? " selected" : ""}`} onClick={() => setSelected(0)} data-testid="step-0">
              <div className="step-head"><span className="step-no">0</span><span className="step-title">{t("ds.source")}</span></div>
              <Select showSearch style={{ width: "100%", marginTop: 6 }} value={src} placeholder={t("ds.pickSource")} data-testid="dataset-source"
                onClick={(e) => e.stopPropagation()}
                onChange={(v: string) => change({ ...spec, source: v.startsWith("dataset:") ? { dataset: v.slice(8), table: null } : { table: v.slice(6), dataset: null } }, 0)}
                options={[
                  { label: t("tab.tables"), options: sources.tables.map((x) => ({ value: `table:${x}`, label: x })) },
                  { label: t("tab.datasets"), options: sources.datasets.map((x) => ({ value: `dataset:${x}`, label: x })) },
                ]} />
            </div>
            <div className="step-list" style={{ marginTop: 8 }}>
              {spec.steps.map((s, i) => (
                <StepItem key={i} step={s} index={i} selected={selected === i + 1} failed={pError?.step === i + 1} drag={dragApi}
                  onSelect={() => setSelected(i + 1)} onEdit={() => void openStep(i)}
                  onMove={(to) => to >= 0 && to < spec.steps.length && change({ ...spec, steps: moveStep(spec.steps, i, to) }, followMove(selected, i, to))}
                  onDelete={() => change({ ...spec, steps: removeStep(spec.steps, i) }, followRemove(selected, i))} />
              ))}
            </div>
            <Dropdown disabled={!hasSource} trigger={["click"]} menu={{ items: stepOptions, onClick: (e) => void openStep(spec.steps.length, e.key as StepOp) }}>
              <Button type="dashed" block icon={<PlusOutlined />} style={{ marginTop: 8 }} data-testid="add-step">{t("ds.addStep")}</Button>
            </Dropdown>
          </Card>
        </Col>
        <Col xs={24} lg={16} xl={17}>
          <Card size="small" data-testid="dataset-preview" loading={loading && !preview && !pError}
            title={selected === 0 ? t("ds.previewSource") : t("ds.previewAfter", { k: selected, op: spec.steps[selected - 1] ? STEP_LABELS[spec.steps[selected - 1].op][lang === "en" ? 1 : 0] : "" })}
            extra={preview && <Typography.Text type="secondary">{t("ds.previewCount", { n: preview.rows.length, more: preview.truncated ? "+" : "" })}</Typography.Text>}>
            {!hasSource ? <Empty description={t("ds.pickSource")} /> : pError ? (
              <Alert type="error" showIcon message={pError.message} data-testid="dataset-preview-error" />
            ) : preview && (
              <>
                <SchemaChips preview={preview} />
                <RowsTable columns={preview.columns} rows={preview.rows} testId="dataset-rows" height={480} />
                <details style={{ marginTop: 8 }}><summary className="field-label">SQL</summary><pre className="code-block sql">{preview.sql}</pre></details>
              </>
            )}
          </Card>
        </Col>
      </Row>
      <Modal open={!!editing} width={720} destroyOnClose onCancel={() => setEditing(null)} onOk={() => void applyStep()} okButtonProps={{ "data-testid": "step-ok" } as ButtonProps}
        title={editing && `${t("ds.stepN", { k: editing.index + 1 })} · ${STEP_LABELS[(form.getFieldValue("op") as StepOp) ?? "filter"][lang === "en" ? 1 : 0]}`}>
        {editing && (
          <Form form={form} layout="vertical" data-testid="step-form" onValuesChange={(ch: Partial<StepForm>) => ch.source && loadRight(form.getFieldValue("source"))}>
            <StepFormFields form={form} cols={editing.cols} sources={sources} rightCols={rightCols} />
          </Form>
        )}
        {formError && <Alert type="error" showIcon message={formError} style={{ marginTop: 12 }} data-testid="step-error" />}
      </Modal>
      <Drawer open={!!versions} onClose={() => setVersions(null)} title={t("ds.versions")} width={420}>
        <List dataSource={versions ?? []} renderItem={(v) => (
          <List.Item actions={v.version === version ? [<Tag key="c" color="blue">{t("ds.current")}</Tag>] : [<Button key="r" size="small" onClick={() => void restore(v.version)} data-testid={`restore-${v.version}`}>{t("ds.restore")}</Button>]}>
            <List.Item.Meta title={t("ds.versionN", { v: v.version })} description={`${fmtTime(v.created_at)} · ${v.created_by ?? ""} · ${t("ds.stepsN", { n: v.definition.steps.length })}${v.comment ? ` · ${v.comment}` : ""}`} />
          </List.Item>
        )} />
      </Drawer>
    </div>
  );
}
