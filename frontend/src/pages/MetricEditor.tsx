/**
 * 指标编辑: create or edit a metric of the metric center, checked as it is typed.
 *
 * Every change (debounced) is sent to POST /api/v1/metrics/validate, which checks the metric against
 * the whole model without saving and, when valid, previews its value by month over the last 12
 * months. Saving is POST /api/v1/metrics (new) or PUT /api/v1/metrics/{name} (a new model version).
 */
import { ArrowLeftOutlined, CheckCircleFilled, SaveOutlined, WarningFilled } from "@ant-design/icons";
import {
  Alert, App as AntApp, AutoComplete, Button, Card, Col, Form, Input, Radio, Row, Select, Skeleton, Space, Switch, Typography,
} from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas, type SemanticModel } from "../api/client";
import { ResultView } from "../charts/ResultView";
import { useI18n } from "../i18n";

type ModelDef = SemanticModel;
type CheckOut = Schemas["MetricCheckOut"];

/** The form: a metric definition being typed, and whether it is an aggregate or derived (picks the fields shown). */
type Values = Partial<Schemas["MetricDef"]> & { kind: "aggregate" | "derived" };

const AGGS = ["sum", "count", "count_distinct", "avg", "min", "max", "median"];
const FORMATS: [string, string, string][] = [
  ["number", "数值", "Number"], ["integer", "整数", "Integer"], ["currency", "金额 ¥", "Currency ¥"],
  ["percent", "百分比 %", "Percent %"], ["wan", "万", "10k (万)"], ["yi", "亿", "100M (亿)"],
];

/** The MetricDef the server expects, without empty strings. */
export function toMetricDef(v: Values): Record<string, unknown> {
  const clean = (s?: string | null) => (s && s.trim() ? s.trim() : undefined);
  const base: Record<string, unknown> = {
    name: v.name?.trim(), label: v.label?.trim(), label_en: clean(v.label_en), synonyms: v.synonyms ?? [],
    description: clean(v.description), owner: clean(v.owner), unit: clean(v.unit), format: v.format,
    tags: v.tags ?? [], status: v.status, hidden: !!v.hidden,
  };
  if (v.kind === "derived") return { ...base, formula: clean(v.formula) };
  return {
    ...base, dataset: v.dataset, agg: v.agg, expr: clean(v.expr), filter: clean(v.filter), time: v.time || undefined,
    time_aggregation: v.time_aggregation || undefined,
  };
}

export default function MetricEditor() {
  const { name } = useParams();
  const editing = !!name;
  const { lang, pick } = useI18n();
  const T = (zh: string, en: string) => (lang === "en" ? en : zh);
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [model, setModel] = useState<ModelDef | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [check, setCheck] = useState<CheckOut | null>(null);
  const [checking, setChecking] = useState(false);
  const [saving, setSaving] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const seq = useRef(0);
  const kind = Form.useWatch("kind", form);
  const dataset = Form.useWatch("dataset", form);

  useEffect(() => {
    (async () => {
      const models = await unwrap(api.GET("/api/v1/models"));
      const def = models.find((m) => m.is_default) ?? models[0];
      setModel((await unwrap(api.GET("/api/v1/models/{name}", { params: { path: { name: def.name } } }))).definition);
      if (editing) {
        const m = (await unwrap(api.GET("/api/v1/metrics/{name}", { params: { path: { name: name! } } }))) as Record<string, unknown>;
        form.setFieldsValue({ ...(m as unknown as Values), kind: m.formula ? "derived" : "aggregate" });
      } else {
        form.setFieldsValue({ kind: "aggregate", format: "number", status: "draft", agg: "sum" });
      }
      schedule();
    })().catch((e) => setLoadError(errorMessage(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name]);

  const fields = useMemo(() => model?.datasets.find((d) => d.name === dataset)?.fields ?? [], [model, dataset]);
  const dateFields = fields.filter((f) => f.type === "date" || f.type === "timestamp");

  function schedule() {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(runCheck, 450);
  }

  async function runCheck() {
    const v = form.getFieldsValue(true) as Values;
    if (!v.name || !v.label) {
      setCheck(null);
      return;
    }
    const mine = ++seq.current;
    setChecking(true);
    try {
      const out = (await unwrap(api.POST("/api/v1/metrics/validate", {
        body: { metric: toMetricDef(v), replace: editing ? name : null, preview: true },
      })));
      if (mine === seq.current) setCheck(out);
    } catch (e) {
      if (mine === seq.current) setCheck({ valid: false, problems: [{ path: "", message_zh: errorMessage(e), message_en: errorMessage(e) }] });
    } finally {
      if (mine === seq.current) setChecking(false);
    }
  }

  async function save() {
    const v = await form.validateFields();
    const body = toMetricDef(v) as never;
    setSaving(true);
    try {
      if (editing) await unwrap(api.PUT("/api/v1/metrics/{name}", { params: { path: { name: name! } }, body }));
      else await unwrap(api.POST("/api/v1/metrics", { body }));
      message.success(T("已保存，指标中心已更新为新版本。", "Saved as a new version of the model."));
      navigate(`/metrics/${v.name}`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  if (loadError) return <Alert type="error" showIcon message={loadError} />;
  if (!model) return <Skeleton active />;

  const problems = check?.problems ?? [];
  const preview = check?.preview && "rows" in check.preview ? check.preview : null;
  const previewError = check?.preview && "error" in check.preview ? check.preview.error : null;
  return (
    <div data-testid="metric-editor">
      <Space style={{ marginBottom: 12 }}>
        <Link to={editing ? `/metrics/${name}` : "/metrics"}><ArrowLeftOutlined /> {T("返回", "Back")}</Link>
      </Space>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {editing ? T(`编辑指标：${name}`, `Edit metric: ${name}`) : T("新建指标", "New metric")}
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card>
            <Form form={form} layout="vertical" onValuesChange={schedule} requiredMark="optional">
              <Row gutter={12}>
                <Col xs={24} md={12}>
                  <Form.Item name="name" label={T("标识 name", "Name")} tooltip={T("小写字母、数字和下划线，例如 big_orders", "lower-case letters, digits and _, e.g. big_orders")}
                    rules={[{ required: true, pattern: /^[a-z_][a-z0-9_]{0,62}$/, message: T("小写字母、数字和下划线，以字母开头", "lower-case letters, digits and _, starting with a letter") }]}>
                    <Input disabled={editing} placeholder="big_orders" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="label" label={T("名称", "Label")} rules={[{ required: true, message: T("请填写中文名称", "A label is required") }]}>
                    <Input placeholder={T("大单数", "Large orders")} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}><Form.Item name="label_en" label={T("英文名称", "English label")}><Input /></Form.Item></Col>
                <Col xs={24} md={12}>
                  <Form.Item name="synonyms" label={T("同义词（问答用）", "Synonyms (for questions)")}>
                    <Select mode="tags" open={false} tokenSeparators={[",", "，"]} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="description" label={T("口径说明", "Definition in words (口径)")}>
                <Input.TextArea rows={2} placeholder={T("例如：不含已取消订单的含税金额合计", "e.g. total order amount excluding cancelled orders")} />
              </Form.Item>
              <Form.Item name="kind" label={T("类型", "Kind")}>
                <Radio.Group optionType="button" options={[
                  { value: "aggregate", label: T("聚合指标", "Aggregate") },
                  { value: "derived", label: T("派生指标（公式）", "Derived (formula)") },
                ]} />
              </Form.Item>
              {kind === "derived" ? (
                <Form.Item name="formula" label={T("公式", "Formula")} tooltip={T("引用其他指标，例如 gross_profit / revenue", "over other metrics, e.g. gross_profit / revenue")}
                  rules={[{ required: true, message: T("请填写公式", "A formula is required") }]}>
                  <Input.TextArea rows={2} style={{ fontFamily: "monospace" }} placeholder="gross_profit / revenue" />
                </Form.Item>
              ) : (
                <Row gutter={12}>
                  <Col xs={24} md={12}>
                    <Form.Item name="dataset" label={T("数据集", "Dataset")} rules={[{ required: true }]}>
                      <Select showSearch optionFilterProp="label" options={model.datasets.map((d) => ({ value: d.name, label: `${pick(d.label ?? d.name, d.label_en)} (${d.name})` }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="agg" label={T("聚合方式", "Aggregation")} rules={[{ required: true }]}>
                      <Select options={AGGS.map((a) => ({ value: a, label: a }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="expr" label={T("字段或表达式", "Field or expression")} tooltip={T("例如 amount 或 amount - cost", "e.g. amount or amount - cost")}>
                      <AutoComplete style={{ fontFamily: "monospace" }} placeholder="amount"
                        filterOption={(input, opt) => String(opt?.value ?? "").includes(input)}
                        options={fields.map((f) => ({ value: f.name, label: `${f.name} · ${f.label ?? ""}` }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="time" label={T("日期字段", "Dated by")}>
                      <Select allowClear options={dateFields.map((f) => ({ value: f.name, label: `${f.label ?? f.name} (${f.name})` }))} />
                    </Form.Item>
                  </Col>
                  <Col span={24}>
                    <Form.Item name="filter" label={T("过滤条件", "Filter")} tooltip={T("例如 status != '已取消'", "e.g. status != 'cancelled'")}>
                      <Input style={{ fontFamily: "monospace", lineHeight: 1.6 }} placeholder="status != '已取消'" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="time_aggregation" label={T("时间上的汇总（存量指标）", "Over time (semi-additive)")}>
                      <Select allowClear options={[
                        { value: "last", label: T("期末值", "last value in period") },
                        { value: "average", label: T("期间平均", "average over period") },
                      ]} />
                    </Form.Item>
                  </Col>
                </Row>
              )}
              <Row gutter={12}>
                <Col xs={12} md={6}><Form.Item name="format" label={T("格式", "Format")}><Select options={FORMATS.map(([v, z, e]) => ({ value: v, label: T(z, e) }))} /></Form.Item></Col>
                <Col xs={12} md={6}><Form.Item name="unit" label={T("单位", "Unit")}><Input placeholder={T("元", "CNY")} /></Form.Item></Col>
                <Col xs={12} md={6}><Form.Item name="owner" label={T("负责人", "Owner")}><Input /></Form.Item></Col>
                <Col xs={12} md={6}>
                  <Form.Item name="status" label={T("状态", "Status")}>
                    <Select options={[{ value: "draft", label: T("草稿", "Draft") }, { value: "certified", label: T("已认证", "Certified") }]} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={18}><Form.Item name="tags" label={T("标签", "Tags")}><Select mode="tags" open={false} tokenSeparators={[",", "，"]} /></Form.Item></Col>
                <Col xs={24} md={6}><Form.Item name="hidden" label={T("隐藏（仅作构件）", "Hidden")} valuePropName="checked"><Switch /></Form.Item></Col>
              </Row>
              <Button type="primary" icon={<SaveOutlined />} loading={saving} disabled={!check?.valid} onClick={save} data-testid="metric-save">
                {T("保存", "Save")}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={T("校验与预览", "Check and preview")} extra={checking ? T("校验中…", "checking…") : null} data-testid="metric-check">
            {!check ? (
              <Typography.Text type="secondary">{T("填写标识和名称后开始校验。", "Fill in the name and label to start checking.")}</Typography.Text>
            ) : check.valid ? (
              <Alert type="success" showIcon icon={<CheckCircleFilled />} message={T("定义有效", "The definition is valid")} />
            ) : (
              <Space direction="vertical" style={{ width: "100%" }}>
                {problems.map((p, i) => (
                  <Alert key={i} type="error" showIcon icon={<WarningFilled />}
                    message={pick(p.message_zh, p.message_en)}
                    description={[p.path, p.suggestion ? T(`你是不是想用 ${p.suggestion}？`, `Did you mean ${p.suggestion}?`) : ""].filter(Boolean).join(" · ")} />
                ))}
              </Space>
            )}
            {check?.valid && preview && preview.rows.length ? (
              <div style={{ marginTop: 12 }}>
                <Typography.Text type="secondary">{T("近 12 个月（按你的数据权限）", "Last 12 months (as you see the data)")}</Typography.Text>
                <ResultView result={preview} chart={{ type: "line", x: preview.columns[0].name, y: [preview.columns[1].name] }} height={220} />
              </div>
            ) : null}
            {previewError ? <Alert style={{ marginTop: 12 }} type="warning" showIcon message={pick(previewError.zh, previewError.en)} /> : null}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
