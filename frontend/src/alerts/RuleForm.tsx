/**
 * The alert rule form, in people's words: a metric from the metric center (Chinese labels, search), a
 * split from the dimensions that metric can use (GET /alerts/splits), 日/周/月/季/年, 高于 / 低于 / 变化超过 /
 * 异常 with the value in the metric's unit, 每天 / 每周 / 每月 + a time (cron only under 高级), channels and
 * subscribers. A modal on desktop, a full-screen sheet on phones. Mapping: condition.ts, schedule.ts.
 */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Checkbox, Collapse, Drawer, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, TimePicker, Typography } from "antd";
import dayjs from "dayjs";
import { useEffect, useMemo, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useAuth, useCan } from "../auth";
import { format } from "../format";
import { useI18n } from "../i18n";
import { fromCondition, isPercent, scales, toCondition, type ConditionForm, type ConditionIn } from "./condition";
import { plainError } from "./errors";
import { fromSchedule, parseCron, toCron, toSchedule, weekdayLabel, type ScheduleForm } from "./schedule";
import { useAlertText } from "./text";

type Rule = Schemas["AlertRuleOut"];
type RuleIn = Schemas["AlertRuleIn"];
type Metric = Schemas["MetricSummary"];
type Split = Schemas["SplitOption"];
type Channel = Schemas["ChannelOut"];

export const GRAINS = ["day", "week", "month", "quarter", "year"] as const;

type Values = ConditionForm & ScheduleForm & {
  name: string;
  metric?: string;
  grain: RuleIn["grain"];
  by?: string;
  channels: string[];
  subscribers: string[];
  /** 责任人: a member of the split → the username responsible for it */
  owners: { member?: string; user?: string }[];
  enabled: boolean;
};

function initial(rule: Rule | null, fmt: string | undefined): Values {
  if (!rule) {
    return { name: "", grain: "month", channels: ["inbox"], subscribers: [], owners: [], enabled: true, ...fromCondition(null, fmt), kind: "above", ...fromSchedule({ cron: "0 8 * * *" }) };
  }
  return {
    name: rule.name, metric: rule.metric, grain: rule.grain as RuleIn["grain"], by: rule.by ?? undefined,
    channels: rule.channels, subscribers: rule.subscribers, enabled: rule.enabled,
    owners: Object.entries(rule.owner_map ?? {}).map(([member, user]) => ({ member, user })),
    ...fromCondition(rule.condition as unknown as ConditionIn, fmt), ...fromSchedule(rule.schedule),
  };
}

export default function RuleForm({ rule, open, phone, onDone }: { rule: Rule | null; open: boolean; phone: boolean; onDone: (saved: boolean) => void }) {
  const at = useAlertText();
  const { lang, pick } = useI18n();
  const { message } = App.useApp();
  const { me } = useAuth();
  const isAdmin = useCan()("users:manage");
  const [form] = Form.useForm<Values>();
  const [metrics, setMetrics] = useState<Metric[]>([]);
  const [splits, setSplits] = useState<Split[]>([]);
  const [channels, setChannels] = useState<Channel[]>([]);
  const [users, setUsers] = useState<string[]>([]);
  const [members, setMembers] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [ready, setReady] = useState(false);
  const v = Form.useWatch([], form) as Values | undefined;
  const metric = metrics.find((m) => m.name === v?.metric);
  const fmt = metric?.format;

  useEffect(() => {
    if (!open) return;
    setError(null);
    setReady(false);
    const load = async () => {
      const ms = await unwrap(api.GET("/api/v1/metrics")).catch(() => [] as Metric[]);
      setMetrics(ms);
      const fmt0 = ms.find((m) => m.name === rule?.metric)?.format;
      form.resetFields();
      form.setFieldsValue(initial(rule, fmt0));
      setReady(true);
    };
    void load();
    unwrap(api.GET("/api/v1/alerts/channels")).then(setChannels).catch(() => undefined);
    if (isAdmin) unwrap(api.GET("/api/v1/users")).then((us) => setUsers(us.filter((u) => u.is_active !== false).map((u) => u.username))).catch(() => undefined);
  }, [open, rule, form, isAdmin]);

  useEffect(() => {
    if (!v?.metric) {
      setSplits([]);
      return;
    }
    let live = true;
    unwrap(api.GET("/api/v1/alerts/splits", { params: { query: { metric: v.metric } } }))
      .then((s) => live && setSplits(s))
      .catch(() => live && setSplits([]));
    return () => {
      live = false;
    };
  }, [v?.metric]);

  useEffect(() => {
    if (!v?.by) {
      setMembers([]);
      return;
    }
    let live = true;
    unwrap(api.GET("/api/v1/fields/{field}/values", { params: { path: { field: v.by }, query: { limit: 200 } } }))
      .then((r) => live && setMembers(r.values.filter((x) => x !== null).map(String)))
      .catch(() => live && setMembers([]));
    return () => {
      live = false;
    };
  }, [v?.by]);

  const metricOptions = useMemo(
    () => metrics.map((m) => ({ value: m.name, label: pick(m.label, m.label_en), search: [m.name, m.label, m.label_en, ...m.synonyms, ...m.tags].join(" ").toLowerCase(), unit: m.unit })),
    [metrics, pick],
  );
  const splitOptions = useMemo(() => {
    const groups = new Map<string, { label: string; options: { value: string; label: string }[] }>();
    for (const s of splits) {
      const g = pick(s.group, s.group_en);
      if (!groups.has(g)) groups.set(g, { label: g, options: [] });
      groups.get(g)!.options.push({ value: s.field, label: pick(s.label, s.label_en) });
    }
    const out = [...groups.values()];
    if (v?.by && !splits.some((s) => s.field === v.by)) out.push({ label: "—", options: [{ value: v.by, label: v.by }] });
    return out;
  }, [splits, pick, v?.by]);
  const splitLabel = (by: string | undefined) => {
    const s = splits.find((x) => x.field === by);
    return s ? pick(s.label, s.label_en) : by ?? "";
  };

  const unit = metric?.unit && metric.unit !== "%" ? metric.unit : "";
  const scaleOptions = scales(fmt).map(([f, zh, en]) => ({ value: f, label: lang === "en" ? `${en}${unit || ""}`.trim() || "×1" : `${zh}${unit}` || "×1" }));

  /** The rule's fields from the form; its filters (where) are not on the form and stay as they are. */
  const body = (): Omit<RuleIn, "where"> => {
    const all = form.getFieldsValue(true) as Values;
    return {
      name: all.name.trim(), metric: all.metric!, grain: all.grain, by: all.by || null,
      condition: toCondition(all, fmt) as RuleIn["condition"],
      schedule: toSchedule(all, rule?.schedule?.timezone) as RuleIn["schedule"],
      channels: all.channels?.length ? all.channels : ["inbox"], subscribers: all.subscribers ?? [], enabled: all.enabled,
      owner_map: all.by ? Object.fromEntries((all.owners ?? []).filter((o) => o.member && o.user).map((o) => [o.member!, o.user!.trim().toLowerCase()])) : {},
    };
  };

  const save = async () => {
    try {
      await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const b = body();
      if (rule) await unwrap(api.PATCH("/api/v1/alerts/{rule_id}", { params: { path: { rule_id: rule.id } }, body: b }));
      else await unwrap(api.POST("/api/v1/alerts", { body: { ...b, where: [] } }));
      message.success(at("saved"));
      onDone(true);
    } catch (e) {
      setError(plainError(e, at));
    } finally {
      setSaving(false);
    }
  };

  const preview = (() => {
    if (!v?.metric || !metric) return null;
    const what = `${v.by ? at("splitBy", { by: splitLabel(v.by) }) : ""}${pick(metric.label, metric.label_en)}（${at(("g_" + v.grain) as "g_month")}）`;
    let cond = "";
    try {
      const c = toCondition(v, fmt);
      if (c.type === "threshold") cond = `${c.op === ">" || c.op === ">=" ? at("above") : at("below")} ${format(c.value ?? 0, fmt, lang, "sentence")}`;
      else if (c.type === "change") cond = `${c.compare === "last_year" ? at("yoy").split("（")[0] : at("prev").split("（")[0]}${at(("way_" + (v.way ?? "any")) as "way_any")}${lang === "en" ? " over" : "超过"} ${v.pct ?? 0}%`;
      else cond = `${at("anomaly")}（${at(("dir_" + (v.direction ?? "both")) as "dir_both")}）`;
    } catch {
      return null;
    }
    return at("preview", { what, cond });
  })();

  const advancedSchedule = v?.repeat === "advanced";
  const toggleAdvanced = (on: boolean) => {
    const cur = form.getFieldsValue(true) as Values;
    if (on) {
      const cron = cur.repeat === "none" || cur.repeat === "advanced" ? cur.cron ?? "0 8 * * *" : toCron(cur);
      form.setFieldsValue({ repeat: "advanced", advancedKind: cur.advancedKind ?? "cron", cron });
    } else {
      const simple = cur.advancedKind !== "interval" && cur.cron ? parseCron(cur.cron) : null;
      form.setFieldsValue(simple ?? { repeat: "daily" });
    }
  };

  const fields = (
    <Form form={form} layout="vertical" data-testid="rule-form" requiredMark={false} disabled={!ready}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="rule-error" />}
      <Form.Item name="name" label={at("name")} rules={[{ required: true, whitespace: true, message: at("nameReq") }]}>
        <Input maxLength={128} placeholder={at("namePh")} data-testid="rule-name" />
      </Form.Item>
      <Typography.Text strong className="alert-form-section">{at("what")}</Typography.Text>
      <div className="alert-form-row">
        <Form.Item name="metric" label={at("metric")} rules={[{ required: true, message: at("metricReq") }]} className="grow">
          <Select showSearch placeholder={at("metricPh")} options={metricOptions} data-testid="rule-metric"
            filterOption={(input, o) => (o?.search ?? "").includes(input.trim().toLowerCase())}
            optionRender={(o) => <span>{o.data.label}{o.data.unit ? <Typography.Text type="secondary"> · {o.data.unit}</Typography.Text> : null}</span>}
            onChange={() => form.setFieldsValue({ by: undefined })} />
        </Form.Item>
        <Form.Item name="by" label={at("by")} tooltip={at("splitHint")} className="grow">
          <Select allowClear showSearch optionFilterProp="label" placeholder={at("splitPh")} options={splitOptions} disabled={!v?.metric} data-testid="rule-by" />
        </Form.Item>
      </div>
      <Form.Item name="grain" label={at("grain")}>
        <Radio.Group optionType="button" buttonStyle="solid" data-testid="rule-grain" options={GRAINS.map((g) => ({ value: g, label: at(`g_${g}`) }))} />
      </Form.Item>

      <Typography.Text strong className="alert-form-section">{at("when")}</Typography.Text>
      <Form.Item name="kind">
        <Radio.Group optionType="button" buttonStyle="solid" data-testid="rule-kind"
          options={(["above", "below", "change", "anomaly"] as const).map((k) => ({ value: k, label: at(k) }))} />
      </Form.Item>
      {(v?.kind === "above" || v?.kind === "below") && (
        <Form.Item name="amount" rules={[{ required: true, message: at("amountReq") }]}>
          <InputNumber style={{ width: "100%", maxWidth: 320 }} data-testid="rule-amount" placeholder={at(v.kind)}
            addonBefore={at(v.kind)}
            addonAfter={isPercent(fmt) ? "%" : scaleOptions.length > 1 ? (
              <Form.Item name="scale" noStyle><Select options={scaleOptions} style={{ width: 90 }} data-testid="rule-scale" /></Form.Item>
            ) : unit || undefined} />
        </Form.Item>
      )}
      {v?.kind === "change" && (
        <Space wrap align="start">
          <Form.Item name="compare"><Select style={{ width: 190 }} options={[{ value: "previous", label: at("prev") }, { value: "last_year", label: at("yoy") }]} data-testid="rule-compare" /></Form.Item>
          <Form.Item name="way"><Select style={{ width: 100 }} options={(["any", "up", "down"] as const).map((w) => ({ value: w, label: at(`way_${w}`) }))} data-testid="rule-way" /></Form.Item>
          <Form.Item name="pct" rules={[{ required: true, message: at("pctReq") }]}>
            <InputNumber style={{ width: 160 }} addonBefore={lang === "en" ? "over" : "超过"} addonAfter="%" data-testid="rule-pct" />
          </Form.Item>
        </Space>
      )}
      {v?.kind === "anomaly" && (
        <Form.Item name="direction" extra={at("anomalyHint")}>
          <Radio.Group options={(["both", "up", "down"] as const).map((d) => ({ value: d, label: at(`dir_${d}`) }))} />
        </Form.Item>
      )}
      {preview && <Alert type="info" message={preview} style={{ marginBottom: 16 }} data-testid="rule-preview" />}

      <Typography.Text strong className="alert-form-section">{at("checkTime")}</Typography.Text>
      <Form.Item name="repeat" extra={advancedSchedule ? at("advancedSchedule") : v?.repeat === "none" ? at("noneHint") : undefined}>
        <Radio.Group optionType="button" disabled={advancedSchedule} data-testid="rule-repeat"
          options={(["daily", "weekly", "monthly", "none"] as const).map((r) => ({ value: r, label: at(`r_${r}`) }))} />
      </Form.Item>
      {!advancedSchedule && v?.repeat !== "none" && (
        <Space wrap align="start">
          {v?.repeat === "weekly" && (
            <Form.Item name="weekday"><Select style={{ width: 120 }} data-testid="rule-weekday" options={[1, 2, 3, 4, 5, 6, 0].map((w) => ({ value: w, label: weekdayLabel(w, lang) }))} /></Form.Item>
          )}
          {v?.repeat === "monthly" && (
            <Form.Item name="monthday"><Select style={{ width: 100 }} data-testid="rule-monthday" options={Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: at("dayOfMonth", { d: i + 1 }) }))} /></Form.Item>
          )}
          <Form.Item name="time" getValueProps={(t: string | undefined) => ({ value: t ? dayjs().hour(Number(t.slice(0, 2))).minute(Number(t.slice(3, 5))) : undefined })}
            normalize={(d: dayjs.Dayjs | null) => (d ? d.format("HH:mm") : "08:00")}>
            <TimePicker format="HH:mm" minuteStep={5} allowClear={false} needConfirm={false} inputReadOnly={phone} data-testid="rule-time" />
          </Form.Item>
        </Space>
      )}

      <Typography.Text strong className="alert-form-section">{at("notify")}</Typography.Text>
      <div className="alert-form-row">
        <Form.Item name="channels" label={at("channels")} className="grow">
          <Checkbox.Group options={channels.map((c) => ({ value: c.name, label: pick(c.label, c.label_en) }))} data-testid="rule-channels" />
        </Form.Item>
        <Form.Item name="subscribers" label={at("subscribers")} className="grow">
          <Select mode={isAdmin ? "multiple" : "tags"} allowClear placeholder={at("subscribersPh")} data-testid="rule-subscribers"
            options={(isAdmin ? users : me ? [me.username] : []).map((u) => ({ value: u, label: u }))} />
        </Form.Item>
      </div>
      {v?.by && (
        <Form.Item label={at("owners")} extra={at("ownersHint")}>
          <Form.List name="owners">
            {(rows, { add, remove }) => (
              <div data-testid="rule-owners">
                {rows.map((row) => (
                  <Space key={row.key} wrap align="start" style={{ display: "flex" }}>
                    <Form.Item name={[row.name, "member"]} noStyle>
                      <Select showSearch style={{ width: 180 }} placeholder={at("ownerMember")} options={members.map((m) => ({ value: m, label: m }))} data-testid="rule-owner-member" />
                    </Form.Item>
                    <Form.Item name={[row.name, "user"]} noStyle>
                      {isAdmin ? (
                        <Select showSearch style={{ width: 160 }} placeholder={at("ownerUser")} options={users.map((u) => ({ value: u, label: u }))} data-testid="rule-owner-user" />
                      ) : (
                        <Input style={{ width: 160 }} placeholder={at("ownerUser")} data-testid="rule-owner-user" />
                      )}
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(row.name)} aria-label="remove" />
                  </Space>
                ))}
                <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({})} data-testid="rule-owner-add" style={{ marginTop: rows.length ? 8 : 0 }}>
                  {at("ownerAdd")}
                </Button>
              </div>
            )}
          </Form.List>
        </Form.Item>
      )}
      <Form.Item name="enabled" label={at("enabled")} valuePropName="checked"><Switch /></Form.Item>

      <Collapse size="small" ghost defaultActiveKey={advancedSchedule ? ["adv"] : []} key={`${rule?.id ?? "new"}-${ready}`} data-testid="rule-advanced"
        items={[{
          key: "adv", label: at("advanced"), forceRender: true, children: (
            <>
              <Space wrap align="start">
                <Form.Item name="lookback" label={at("lookback")}><InputNumber min={1} max={60} style={{ width: 120 }} /></Form.Item>
                {v?.kind !== "anomaly" && <Form.Item name="severity" label={at("severity")}><Select allowClear style={{ width: 110 }} placeholder={at("sev_medium")} options={(["low", "medium", "high"] as const).map((s) => ({ value: s, label: at(`sev_${s}`) }))} /></Form.Item>}
                {v?.kind !== "anomaly" && <Form.Item name="inclusive" label=" " valuePropName="checked"><Checkbox>{at("inclusive")}</Checkbox></Form.Item>}
              </Space>
              <Form.Item label={at("useCron")}>
                <Switch checked={advancedSchedule} onChange={toggleAdvanced} data-testid="rule-use-cron" />
              </Form.Item>
              {advancedSchedule && (
                <>
                  <Form.Item name="advancedKind"><Radio.Group options={[{ value: "cron", label: "cron" }, { value: "interval", label: at("intervalKind") }]} /></Form.Item>
                  {v?.advancedKind !== "interval" ? (
                    <Form.Item name="cron" label={at("cron")} rules={[{ required: true, whitespace: true, message: at("cronReq") }]}><Input placeholder="0 8 * * 1-5" data-testid="rule-cron" /></Form.Item>
                  ) : (
                    <Form.Item name="interval_s" label={at("interval")} rules={[{ required: true, message: at("interval") }]}><InputNumber min={60} style={{ width: 200 }} /></Form.Item>
                  )}
                  <Typography.Text type="secondary">{at("timezone", { tz: rule?.schedule?.timezone ?? "Asia/Shanghai" })}</Typography.Text>
                </>
              )}
            </>
          ),
        }]} />
    </Form>
  );

  const title = rule ? at("editRule") : at("newRule");
  if (phone) {
    return (
      <Drawer open={open} title={title} placement="bottom" height="100%" onClose={() => onDone(false)} destroyOnClose rootClassName="alert-form-phone" data-testid="rule-drawer"
        extra={<Button type="primary" loading={saving} onClick={() => void save()} data-testid="rule-save">{at("save")}</Button>}>
        {fields}
      </Drawer>
    );
  }
  return (
    <Modal open={open} title={title} onCancel={() => onDone(false)} width={720} destroyOnClose
      footer={[<Button key="c" onClick={() => onDone(false)}>{at("cancel")}</Button>, <Button key="s" type="primary" loading={saving} onClick={() => void save()} data-testid="rule-save">{at("save")}</Button>]}>
      {fields}
    </Modal>
  );
}
