/**
 * 「订阅」 on the dashboard page: a dialog to push this dashboard (or one of its charts) with the current
 * filter values on a schedule (每天 / 每周 / 每月 at a time, or a cron) to channels and in-app users, as an
 * image, PDF, Excel or a link card; below it the dashboard's subscriptions with 立即发送 / 删除 and their
 * last status. A modal on desktop, a full-height sheet on phones. Channels come from GET /api/v1/channels
 * (an empty list, with a hint, when there are none or the list cannot be read).
 */
import { DeleteOutlined, MailOutlined, SendOutlined } from "@ant-design/icons";
import { Alert, App, Button, Drawer, Empty, Form, Input, List, Modal, Popconfirm, Radio, Select, Space, Tag, TimePicker, Typography } from "antd";
import dayjs from "dayjs";
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { describeSchedule, toCron, weekdayLabel, type ScheduleForm } from "../alerts/schedule";
import { useCan } from "../auth";
import { useI18n } from "../i18n";
import { useDT, type DashKey } from "./i18n";
import { filterValueText } from "./printView";
import { useSubscribeText } from "./subscribeText";
import type { Component } from "./types";

type Sub = Schemas["SubscriptionOut"];
type SubIn = Schemas["SubscriptionIn"];
type Repeat = "daily" | "weekly" | "monthly" | "custom";

interface Values {
  repeat: Repeat;
  time: dayjs.Dayjs;
  weekday: number;
  monthday: number;
  cron?: string;
  format: SubIn["format"];
  component: string;
  channels: string[];
  users: string[];
}

const STATUS_COLOR: Record<string, string> = { delivered: "green", partial: "orange", failed: "red", running: "blue" };

/** The schedule the form describes (cron in Asia/Shanghai). */
export function scheduleOf(v: Pick<Values, "repeat" | "time" | "weekday" | "monthday" | "cron">): { cron: string } {
  if (v.repeat === "custom") return { cron: (v.cron ?? "").trim() };
  const f: ScheduleForm = { repeat: v.repeat, time: v.time.format("HH:mm"), weekday: v.weekday, monthday: v.monthday };
  return { cron: toCron(f) };
}

export default function SubscribeDialog({ dashboard, title, components, filters, open, phone, onClose }: {
  dashboard: string;
  title: string;
  components: Component[];
  /** The page's current filter values by filter id (chosen or default), fixed into the subscription. */
  filters: Record<string, unknown>;
  open: boolean;
  phone: boolean;
  onClose: () => void;
}) {
  const st = useSubscribeText();
  const { lang, pick } = useI18n();
  const { dt } = useDT();
  const { message } = App.useApp();
  const isAdmin = useCan()("users:manage");
  const [form] = Form.useForm<Values>();
  const repeat = Form.useWatch("repeat", form);
  const [subs, setSubs] = useState<Sub[] | null>(null);
  const [channels, setChannels] = useState<{ value: string; label: string }[] | null>(null);
  const [channelsReadable, setChannelsReadable] = useState(true);
  const [users, setUsers] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);

  const load = useCallback(() => {
    unwrap(api.GET("/api/v1/subscriptions", { params: { query: { dashboard } } })).then(setSubs).catch(() => setSubs([]));
  }, [dashboard]);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    load();
    setChannelsReadable(true);
    unwrap(api.GET("/api/v1/channels"))
      .then((cs) => setChannels(cs.map((c) => ({ value: c.name, label: `${c.label || c.name}（${pick(c.kind_label, c.kind_label_en)}）${c.status === "failing" ? " ⚠" : ""}` }))))
      .catch(() => {
        setChannels([]); // the list cannot be read: channel names are typed (the server checks them)
        setChannelsReadable(false);
      });
    if (isAdmin) unwrap(api.GET("/api/v1/users")).then((us) => setUsers(us.filter((u) => u.is_active !== false).map((u) => u.username))).catch(() => undefined);
  }, [open, form, load, isAdmin, pick]);

  const dataComponents = components.filter((c) => c.kind === "chart" || c.kind === "kpi");
  const fixed = useMemo(
    () => components.filter((c) => c.kind === "filter" && c.filter && filters[c.id] !== undefined && filters[c.id] !== null)
      .map((c) => ({ c, text: filterValueText(filters[c.id], (r) => dt(`range.${r}` as DashKey)) })).filter((x) => x.text),
    [components, filters, dt],
  );

  const create = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    if (!v.channels?.length && !v.users?.length) {
      setError(st("needTarget"));
      return;
    }
    setSaving(true);
    setError(null);
    const body: SubIn = {
      dashboard, format: v.format, component: v.component || null, channels: v.channels ?? [], users: v.users ?? [],
      filters: Object.fromEntries(fixed.map(({ c }) => [c.id, filters[c.id]])) as SubIn["filters"],
      schedule: { ...scheduleOf(v), timezone: "Asia/Shanghai" }, enabled: true,
    };
    try {
      await unwrap(api.POST("/api/v1/subscriptions", { body }));
      message.success(st("created"));
      form.resetFields();
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const sendNow = async (s: Sub) => {
    setBusy(s.id);
    try {
      const run = await unwrap(api.POST("/api/v1/subscriptions/{sub_id}/run", { params: { path: { sub_id: s.id } } }));
      if (run.error) message.error(st("sendFailed", { why: lang === "en" ? String(run.error.en ?? "") : String(run.error.zh ?? "") }));
      else message.success(st("sent", { ok: run.deliveries.filter((d) => d.status === "delivered").length, n: run.deliveries.length }));
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(null);
      load();
    }
  };

  const remove = async (s: Sub) => {
    try {
      await unwrap(api.DELETE("/api/v1/subscriptions/{sub_id}", { params: { path: { sub_id: s.id } } }));
      load();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const formatLabel = (f: string) => st(f as "png");
  const compTitle = (id: string | null | undefined) => {
    const c = components.find((x) => x.id === id);
    return c ? pick(c.title, c.title_en) || c.id : st("whole");
  };

  const content = (
    <div data-testid="subscribe-dialog" className="subscribe-dialog">
      <Typography.Title level={5} style={{ marginTop: 0 }}>{st("newSub")}</Typography.Title>
      <Form form={form} layout="vertical" requiredMark={false}
        initialValues={{ repeat: "daily", time: dayjs("08:00", "HH:mm"), weekday: 1, monthday: 1, format: "png", component: "", channels: [], users: [] }}>
        <Form.Item label={st("when")} extra={st("tz")} style={{ marginBottom: 12 }}>
          <Space wrap>
            <Form.Item name="repeat" noStyle>
              <Radio.Group optionType="button" data-testid="sub-repeat"
                options={(["daily", "weekly", "monthly", "custom"] as const).map((r) => ({ value: r, label: st(r) }))} />
            </Form.Item>
            {repeat === "weekly" && (
              <Form.Item name="weekday" noStyle>
                <Select style={{ width: 110 }} data-testid="sub-weekday" options={[1, 2, 3, 4, 5, 6, 0].map((w) => ({ value: w, label: weekdayLabel(w, lang) }))} />
              </Form.Item>
            )}
            {repeat === "monthly" && (
              <Form.Item name="monthday" noStyle>
                <Select style={{ width: 100 }} data-testid="sub-monthday" options={Array.from({ length: 28 }, (_, i) => ({ value: i + 1, label: st("dayOfMonth", { d: i + 1 }) }))} />
              </Form.Item>
            )}
            {repeat !== "custom" && (
              <Form.Item name="time" noStyle>
                <TimePicker format="HH:mm" minuteStep={5} allowClear={false} needConfirm={false} inputReadOnly={phone} data-testid="sub-time" />
              </Form.Item>
            )}
          </Space>
          {repeat === "custom" && (
            <Form.Item name="cron" noStyle rules={[{ required: true, message: st("cronPh") }]}>
              <Input placeholder={st("cronPh")} style={{ marginTop: 8 }} data-testid="sub-cron" />
            </Form.Item>
          )}
        </Form.Item>
        <Form.Item name="format" label={st("format")} extra={st("formatHint")}>
          <Radio.Group optionType="button" data-testid="sub-format" options={(["png", "pdf", "xlsx", "link"] as const).map((f) => ({ value: f, label: formatLabel(f) }))} />
        </Form.Item>
        <Form.Item name="component" label={st("what")}>
          <Select data-testid="sub-component" options={[{ value: "", label: st("whole") }, ...dataComponents.map((c) => ({ value: c.id, label: pick(c.title, c.title_en) || c.id }))]} />
        </Form.Item>
        <Form.Item name="channels" label={st("channels")} extra={channels && channels.length === 0 && channelsReadable ? st("noChannels") : undefined}>
          <Select mode={channelsReadable ? "multiple" : "tags"} allowClear placeholder={st("channelsPh")} options={channels ?? []} loading={channels === null} data-testid="sub-channels" />
        </Form.Item>
        <Form.Item name="users" label={st("users")}>
          <Select mode={isAdmin ? "multiple" : "tags"} allowClear placeholder={st("usersPh")} options={users.map((u) => ({ value: u, label: u }))} data-testid="sub-users"
            tokenSeparators={[",", "，", " "]} />
        </Form.Item>
        <Form.Item label={st("filters")} extra={st("runsAs")}>
          <div data-testid="sub-filters">
            {fixed.length ? fixed.map(({ c, text }) => (
              <Tag key={c.id} style={{ marginBottom: 4, whiteSpace: "normal" }}>{pick(c.filter?.label ?? c.title, c.filter?.label_en ?? c.title_en) || c.id}：{text}</Tag>
            )) : <Typography.Text type="secondary">{st("noFilters")}</Typography.Text>}
          </div>
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="sub-error" />}
        <Button type="primary" icon={<MailOutlined />} loading={saving} onClick={() => void create()} data-testid="sub-create" block={phone}>
          {st("create")}
        </Button>
      </Form>
      <Typography.Title level={5} style={{ marginTop: 24 }}>{st("existing")}</Typography.Title>
      <List<Sub>
        loading={subs === null}
        dataSource={subs ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={st("none")} /> }}
        data-testid="sub-list"
        renderItem={(s) => (
          <List.Item data-testid={`sub-${s.id}`}
            actions={[
              <Button key="send" size="small" icon={<SendOutlined />} loading={busy === s.id} onClick={() => void sendNow(s)} data-testid={`sub-send-${s.id}`}>{phone ? null : st("sendNow")}</Button>,
              <Popconfirm key="del" title={st("deleteQ")} onConfirm={() => void remove(s)}>
                <Button size="small" danger icon={<DeleteOutlined />} data-testid={`sub-delete-${s.id}`} aria-label={st("delete")} />
              </Popconfirm>,
            ]}>
            <List.Item.Meta
              title={<Space size={4} wrap>
                <span>{s.schedule ? describeSchedule(s.schedule, lang) : st("onDemand")}</span>
                <Tag>{formatLabel(s.format)}</Tag>
                {s.component && <Tag color="blue">{compTitle(s.component)}</Tag>}
                <Tag color={STATUS_COLOR[s.last_status ?? ""] ?? "default"} data-testid={`sub-status-${s.id}`}>
                  {s.last_status ? st(`s_${s.last_status}` as "s_delivered") : st("never")}
                </Tag>
              </Space>}
              description={<>
                <div>{[...s.channels, ...s.users.map((u) => `@${u}`)].join("、")}</div>
                {s.last_error && <Typography.Text type="danger">{lang === "en" ? String(s.last_error.en ?? "") : String(s.last_error.zh ?? "")}</Typography.Text>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{st("owner", { owner: s.owner ?? "—" })}</Typography.Text>
              </>}
            />
          </List.Item>
        )}
      />
    </div>
  );

  const heading = st("title", { title });
  if (phone)
    return (
      <Drawer open={open} title={heading} placement="bottom" height="100%" onClose={onClose} destroyOnClose data-testid="subscribe-drawer">
        {content}
      </Drawer>
    );
  return (
    <Modal open={open} title={heading} onCancel={onClose} footer={null} width={680} destroyOnClose>
      {content}
    </Modal>
  );
}
