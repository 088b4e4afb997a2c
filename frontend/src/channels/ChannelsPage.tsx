/**
 * 推送渠道 (administrators): the stored channels with kind, where they send, status (flagged when the
 * last sends all failed), the last send and its error; add (ChannelForm), test, the send history, delete.
 */
import { CheckCircleFilled, DeleteOutlined, ExclamationCircleFilled, HistoryOutlined, PlusOutlined, ReloadOutlined, SendOutlined } from "@ant-design/icons";
import { Alert, App as AntApp, Button, Card, Grid, Popconfirm, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useI18n } from "../i18n";
import { ChannelForm } from "./ChannelForm";
import { useChT, type ChT } from "./i18n";
import "./channels.css";

type Channel = Schemas["DeliveryChannelOut"];
type Send = Schemas["ChannelSendOut"];
type SendError = Schemas["ChannelSendError"];

function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" }).replace(/\//g, "-") : "";
}

function errorText(e: SendError | null | undefined, lang: string): string {
  if (!e) return "";
  const text = lang === "en" ? e.en : e.zh;
  return e.provider ? `${text}（${e.provider}）` : text;
}

function StatusTag({ c, t }: { c: Channel; t: ChT }) {
  if (c.status === "failing")
    return <Tag color="error" icon={<ExclamationCircleFilled />} data-testid={`channel-failing-${c.name}`}>{t("status.failing", { n: c.failed_in_a_row })}</Tag>;
  if (c.status === "ok") return <Tag color="success" icon={<CheckCircleFilled />}>{t("status.ok")}</Tag>;
  return <Tag>{t("status.unused")}</Tag>;
}

function target(c: Channel): string {
  const s = c.settings;
  if (!s) return "";
  if (c.kind === "email") return `${s.smtp_host}:${s.smtp_port} → ${(s.to ?? []).join(", ")}`;
  return s.url ?? "";
}

function SendTag({ s, t }: { s: Send; t: ChT }) {
  const color = s.status === "delivered" ? "success" : s.status === "failed" ? "error" : "processing";
  return <Tag color={color}>{t(`send.${s.status}`)}</Tag>;
}

function Sends({ name }: { name: string }) {
  const t = useChT();
  const { lang } = useI18n();
  const [rows, setRows] = useState<Send[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    unwrap(api.GET("/api/v1/channels/{name}/sends", { params: { path: { name }, query: { limit: 20 } } })).then(setRows, (e) => setError(errorMessage(e)));
  }, [name]);
  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <Table<Send> size="small" rowKey="id" loading={!rows} dataSource={rows ?? []} pagination={false} data-testid={`channel-sends-${name}`}
      locale={{ emptyText: t("noSends") }} scroll={{ x: 560 }}
      columns={[
        { title: t("time"), dataIndex: "created_at", width: 170, render: (v: string) => when(v) },
        { title: t("subject"), dataIndex: "subject", ellipsis: true },
        { title: t("status"), key: "status", width: 110, render: (_, s) => <SendTag s={s} t={t} /> },
        { title: "", key: "error", render: (_, s) => (s.error ? <Typography.Text type="danger">{errorText(s.error, lang)}</Typography.Text>
          : <Typography.Text type="secondary">{t("attempts", { n: s.attempts })}</Typography.Text>) },
      ]} />
  );
}

export default function ChannelsPage() {
  const t = useChT();
  const { lang } = useI18n();
  const { message } = AntApp.useApp();
  const phone = !Grid.useBreakpoint().md;
  const [rows, setRows] = useState<Channel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [testing, setTesting] = useState<string | null>(null);
  const [open, setOpen] = useState<string[]>([]);

  const load = () => {
    setError(null);
    unwrap(api.GET("/api/v1/channels")).then(setRows, (e) => setError(errorMessage(e)));
  };
  useEffect(load, []);

  async function test(c: Channel) {
    setTesting(c.name);
    try {
      const r = await unwrap(api.POST("/api/v1/channels/{name}/test", { params: { path: { name: c.name } } }));
      if (r.status === "delivered") message.success(t("testOk", { to: r.recipient }));
      else message.error(`${t("testFailed")}：${errorText(r.error, lang)}`, 8);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setTesting(null);
      setOpen((o) => o.filter((n) => n !== c.name));
      load();
    }
  }

  async function remove(c: Channel) {
    try {
      await unwrap(api.DELETE("/api/v1/channels/{name}", { params: { path: { name: c.name } } }));
      load();
    } catch (e) {
      message.error(errorMessage(e), 8);
    }
  }

  const actions = (c: Channel) => (
    <Space size={4} wrap>
      <Button size="small" icon={<SendOutlined />} loading={testing === c.name} onClick={() => void test(c)} data-testid={`channel-test-${c.name}`}>{t("test")}</Button>
      <Button size="small" icon={<HistoryOutlined />} onClick={() => setOpen((o) => (o.includes(c.name) ? o.filter((n) => n !== c.name) : [...o, c.name]))}>{t("sends")}</Button>
      <Popconfirm title={t("deleteConfirm", { name: c.label || c.name })} onConfirm={() => void remove(c)}>
        <Button size="small" danger icon={<DeleteOutlined />} data-testid={`channel-delete-${c.name}`}>{t("delete")}</Button>
      </Popconfirm>
    </Space>
  );
  const lastSend = (c: Channel) => (c.last_send ? (
    <Space direction="vertical" size={0}>
      <span><SendTag s={c.last_send} t={t} /><Typography.Text type="secondary">{when(c.last_send.created_at)}</Typography.Text></span>
      {c.last_send.error && <Typography.Text type="danger" className="channel-error">{errorText(c.last_send.error, lang)}</Typography.Text>}
    </Space>
  ) : <Typography.Text type="secondary">—</Typography.Text>);
  const title = (c: Channel) => (
    <Space size={6} wrap>
      <Typography.Text strong>{c.label || c.name}</Typography.Text>
      {c.label && <Typography.Text type="secondary">({c.name})</Typography.Text>}
    </Space>
  );

  return (
    <div className="channels-page" data-testid="channels-page">
      <div className="channels-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>{t("title")}</Typography.Title>
          <Typography.Text type="secondary">{t("subtitle")}</Typography.Text>
        </div>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={load}>{t("reload")}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="channel-add">{t("add")}</Button>
        </Space>
      </div>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {phone ? (
        <Space direction="vertical" style={{ width: "100%" }} data-testid="channel-cards">
          {(rows ?? []).length === 0 && rows && <Card><Typography.Text type="secondary">{t("empty")}</Typography.Text></Card>}
          {(rows ?? []).map((c) => (
            <Card key={c.name} size="small" title={title(c)} extra={<StatusTag c={c} t={t} />} data-testid={`channel-card-${c.name}`}>
              <Space direction="vertical" size={6} style={{ width: "100%" }}>
                <span><Tag>{lang === "en" ? c.kind_label_en : c.kind_label}</Tag>{c.settings?.signed && <Tag color="blue">{t("signed")}</Tag>}</span>
                <Typography.Text className="channel-target" type="secondary">{target(c)}</Typography.Text>
                {lastSend(c)}
                {actions(c)}
                {open.includes(c.name) && <Sends name={c.name} />}
              </Space>
            </Card>
          ))}
        </Space>
      ) : (
        <Card bodyStyle={{ padding: 0 }}>
          <Table<Channel>
            rowKey="name" loading={!rows && !error} dataSource={rows ?? []} pagination={false} data-testid="channel-table"
            locale={{ emptyText: t("empty") }}
            expandable={{ expandedRowKeys: open, showExpandColumn: false, expandedRowRender: (c) => <Sends name={c.name} /> }}
            columns={[
              { title: t("name"), key: "name", render: (_, c) => <span data-testid={`channel-row-${c.name}`}>{title(c)}</span> },
              { title: t("kind"), key: "kind", render: (_, c) => <Space size={4} wrap><Tag>{lang === "en" ? c.kind_label_en : c.kind_label}</Tag>{c.settings?.signed && <Tag color="blue">{t("signed")}</Tag>}</Space> },
              { title: t("target"), key: "target", responsive: ["lg"], render: (_, c) => <Tooltip title={target(c)}><Typography.Text className="channel-target">{target(c)}</Typography.Text></Tooltip> },
              { title: t("status"), key: "status", render: (_, c) => <StatusTag c={c} t={t} /> },
              { title: t("lastSend"), key: "last", render: (_, c) => lastSend(c) },
              { title: t("actions"), key: "actions", render: (_, c) => actions(c) },
            ]} />
        </Card>
      )}
      <ChannelForm open={adding} onClose={() => setAdding(false)} onSaved={() => { setAdding(false); load(); }} />
    </div>
  );
}
