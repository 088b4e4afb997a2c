/**
 * 「共享」 on a dashboard (its owner and admins): who may see or change it — users, departments (with
 * their sub-departments) and roles, each to view or to edit. The whole list is saved at once
 * (PUT /api/v1/dashboards/{key}/grants); the people to pick from come from GET /api/v1/directory.
 */
import { DeleteOutlined, TeamOutlined } from "@ant-design/icons";
import { Alert, App, Button, Modal, Select, Space, Table, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../../api/client";
import { useI18n } from "../../i18n";

type Grant = { grantee: string; access: "view" | "edit" };
type Directory = Schemas["Directory"];

const TEXT = {
  zh: { button: "共享", title: (t: string) => `共享「${t}」`, who: "共享给", access: "权限", view: "可查看", edit: "可编辑",
    add: "添加", pick: "选择用户、部门或角色", users: "用户", depts: "部门（含下级）", roles: "角色", save: "保存", cancel: "取消",
    none: "还没有共享给任何人：只有所有者和管理员可见（以及仪表板设置里的角色）。", saved: "已保存共享设置",
    hint: "「可编辑」只对编辑者角色生效；查看者始终只能查看。" },
  en: { button: "Share with", title: (t: string) => `Share "${t}"`, who: "Shared with", access: "Access", view: "View", edit: "Edit",
    add: "Add", pick: "Pick a user, department or role", users: "Users", depts: "Departments (and below)", roles: "Roles", save: "Save",
    cancel: "Cancel", none: "Not shared with anyone yet: only the owner and admins see it (and the roles in its settings).",
    saved: "Sharing saved", hint: "Edit applies to editors; viewers can only ever view." },
};

const KIND = { zh: { user: "用户", dept: "部门", role: "角色" }, en: { user: "User", dept: "Department", role: "Role" } };

function label(grantee: string, lang: "zh" | "en"): string {
  const [kind, ...rest] = grantee.split(":");
  return `${KIND[lang][kind as "user" | "dept" | "role"] ?? kind}：${rest.join(":")}`;
}

export default function PeopleShareButton({ dashboard, title, phone }: { dashboard: string; title: string; phone?: boolean }) {
  const { lang } = useI18n();
  const tx = TEXT[lang === "en" ? "en" : "zh"];
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" icon={<TeamOutlined />} onClick={() => setOpen(true)} data-testid="share-people" aria-label={tx.button}>
        {phone ? null : tx.button}
      </Button>
      {open && <PeopleShareDialog dashboard={dashboard} title={title} onClose={() => setOpen(false)} />}
    </>
  );
}

function PeopleShareDialog({ dashboard, title, onClose }: { dashboard: string; title: string; onClose: () => void }) {
  const { lang } = useI18n();
  const tx = TEXT[lang === "en" ? "en" : "zh"];
  const { message } = App.useApp();
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [picked, setPicked] = useState<string | undefined>();
  const [access, setAccess] = useState<"view" | "edit">("view");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([
      unwrap(api.GET("/api/v1/dashboards/{key}/grants", { params: { path: { key: dashboard } } })),
      unwrap(api.GET("/api/v1/directory")),
    ]).then(([g, d]) => {
      setGrants(g.grants.map((x) => ({ grantee: x.grantee, access: x.access })));
      setDirectory(d);
    }, (e) => setError(errorMessage(e)));
  }, [dashboard]);

  const options = useMemo(() => {
    if (!directory) return [];
    const taken = new Set((grants ?? []).map((g) => g.grantee));
    const opt = (value: string, text: string) => ({ value, label: text, disabled: taken.has(value) });
    return [
      { label: tx.depts, options: directory.departments.map((p) => opt(`dept:${p}`, p)) },
      { label: tx.users, options: directory.users.map((u) => opt(`user:${u.username}`, u.display_name ? `${u.display_name}（${u.username}）` : String(u.username))) },
      { label: tx.roles, options: directory.roles.map((r) => opt(`role:${r}`, r)) },
    ];
  }, [directory, grants, tx]);

  const add = () => {
    if (!picked || !grants) return;
    setGrants([...grants, { grantee: picked, access }]);
    setPicked(undefined);
  };

  const save = async () => {
    if (!grants) return;
    setBusy(true);
    try {
      await unwrap(api.PUT("/api/v1/dashboards/{key}/grants", { params: { path: { key: dashboard } }, body: { grants } }));
      message.success(tx.saved);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={tx.title(title)} onCancel={onClose} onOk={save} okText={tx.save} cancelText={tx.cancel}
      confirmLoading={busy} okButtonProps={{ disabled: !grants, ...({ "data-testid": "share-people-save" } as Record<string, string>) }} width={620}
      data-testid="share-people-dialog">
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
      <Space.Compact style={{ width: "100%", marginBottom: 12 }}>
        <Select showSearch value={picked} onChange={setPicked} placeholder={tx.pick} options={options} style={{ flex: 1, minWidth: 0 }}
          optionFilterProp="label" data-testid="share-people-pick" />
        <Select value={access} onChange={setAccess} style={{ width: 100 }}
          options={[{ value: "view", label: tx.view }, { value: "edit", label: tx.edit }]} />
        <Button type="primary" onClick={add} disabled={!picked} data-testid="share-people-add">{tx.add}</Button>
      </Space.Compact>
      <Table<Grant> size="small" rowKey="grantee" loading={!grants} dataSource={grants ?? []} pagination={false}
        locale={{ emptyText: tx.none }} data-testid="share-people-list"
        columns={[
          { title: tx.who, dataIndex: "grantee", render: (v: string) => label(v, lang === "en" ? "en" : "zh") },
          { title: tx.access, dataIndex: "access", width: 120, render: (v: "view" | "edit", g: Grant) => (
            <Select size="small" value={v} style={{ width: 100 }} onChange={(a) => setGrants((grants ?? []).map((x) => x.grantee === g.grantee ? { ...x, access: a } : x))}
              options={[{ value: "view", label: tx.view }, { value: "edit", label: tx.edit }]} />) },
          { title: "", key: "rm", width: 48, render: (_: unknown, g: Grant) => (
            <Button type="text" size="small" icon={<DeleteOutlined />} aria-label="remove"
              onClick={() => setGrants((grants ?? []).filter((x) => x.grantee !== g.grantee))} />) },
        ]} />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>{tx.hint}</Typography.Paragraph>
    </Modal>
  );
}
