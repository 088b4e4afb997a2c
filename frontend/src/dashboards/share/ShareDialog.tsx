/**
 * 「分享」 on a dashboard (owners and admins, like editing it): create a link (lifetime, optional
 * password), copy it — it is shown once, only its hash is kept — and see this dashboard's links with their
 * views, to revoke them. POST/GET/DELETE /api/v1/shares.
 */
import { CopyOutlined, ShareAltOutlined } from "@ant-design/icons";
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../../api/client";
import { useAuth } from "../../auth";
import { useDT } from "../i18n";
import { useST } from "./text";

type ShareOut = Schemas["ShareOut"];
const DAYS = [1, 7, 30, 90, 0];

export default function ShareButton({ dashboard, title, phone }: { dashboard: string; title: string; phone?: boolean }) {
  const st = useST();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" icon={<ShareAltOutlined />} onClick={() => setOpen(true)} data-testid="share-dashboard" aria-label={st("menu.share")}>
        {phone ? null : st("menu.share")}
      </Button>
      {open && <ShareDialog dashboard={dashboard} title={title} onClose={() => setOpen(false)} />}
    </>
  );
}

function ShareDialog({ dashboard, title, onClose }: { dashboard: string; title: string; onClose: () => void }) {
  const st = useST();
  const { lang } = useDT();
  const { me } = useAuth();
  const { message } = App.useApp();
  const [links, setLinks] = useState<ShareOut[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();

  const reload = useCallback(() => {
    unwrap(api.GET("/api/v1/shares", { params: { query: { dashboard } } })).then(setLinks).catch((e) => setError(errorMessage(e)));
  }, [dashboard]);
  useEffect(reload, [reload]);

  const create = ({ days, password }: { days: number; password?: string }) => {
    setBusy(true);
    setError(null);
    unwrap(api.POST("/api/v1/shares", { body: { dashboard, days, password: password || null } }))
      .then((r) => {
        setCreated(r.link);
        form.resetFields(["password"]);
        reload();
      })
      .catch((e) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  const copy = (text: string) =>
    navigator.clipboard?.writeText(text).then(() => message.success(st("dialog.copied")), () => undefined);
  const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { dateStyle: "short", timeStyle: "short" }) : st("dialog.never"));
  const color = { active: "green", expired: "default", revoked: "red" } as Record<string, string>;

  return (
    <Modal open title={st("dialog.title", { title })} onCancel={onClose} footer={null} width={760} data-testid="share-dialog">
      <Typography.Paragraph type="secondary">{st("dialog.intro", { user: me?.username ?? "" })}</Typography.Paragraph>
      <Form form={form} layout="inline" initialValues={{ days: 7 }} onFinish={create} style={{ rowGap: 8 }}>
        <Form.Item name="days" label={st("dialog.days")}>
          <Select style={{ width: 120 }} data-testid="share-days"
            options={DAYS.map((n) => ({ value: n, label: n ? st("dialog.daysN", { n }) : st("dialog.never") }))} />
        </Form.Item>
        <Form.Item name="password" style={{ flex: "1 1 220px" }}>
          <Input.Password placeholder={st("dialog.password")} autoComplete="new-password" data-testid="share-password-new" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="share-create">{st("dialog.create")}</Button>
      </Form>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      {created && (
        <Alert type="success" style={{ marginTop: 12 }} message={st("dialog.created")}
          description={
            <Space.Compact style={{ width: "100%" }}>
              <Input readOnly value={created} data-testid="share-link" onFocus={(e) => e.target.select()} />
              <Button icon={<CopyOutlined />} onClick={() => copy(created)} data-testid="share-copy">{st("dialog.copy")}</Button>
            </Space.Compact>
          } />
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>{st("dialog.list")}</Typography.Title>
      <Table<ShareOut>
        size="small"
        rowKey="id"
        loading={links === null}
        dataSource={links ?? []}
        pagination={false}
        scroll={{ x: 600 }}
        locale={{ emptyText: st("dialog.none") }}
        data-testid="share-list"
        columns={[
          { title: st("col.link"), dataIndex: "prefix", render: (p: string) => <code>{p}…</code> },
          { title: st("col.as"), dataIndex: "as_user" },
          { title: st("col.expires"), dataIndex: "expires_at", render: when },
          { title: st("col.password"), dataIndex: "password", render: (v: boolean) => (v ? st("yes") : st("no")) },
          { title: st("col.views"), dataIndex: "views", align: "right" },
          { title: st("col.status"), dataIndex: "status", render: (s: string) => <Tag color={color[s]}>{st(`status.${s}` as "status.active")}</Tag> },
          {
            title: "",
            key: "revoke",
            render: (_: unknown, r: ShareOut) =>
              r.status === "active" ? (
                <Popconfirm title={st("dialog.revokeConfirm")} onConfirm={() =>
                  unwrap(api.DELETE("/api/v1/shares/{share_id}", { params: { path: { share_id: r.id } } }))
                    .then(() => { message.success(st("dialog.revoked")); reload(); })
                    .catch((e) => message.error(errorMessage(e)))}>
                  <Button size="small" danger data-testid={`share-revoke-${r.id}`}>{st("dialog.revoke")}</Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </Modal>
  );
}
