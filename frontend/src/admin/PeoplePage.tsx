/**
 * 用户与部门 (administrators, users:manage): departments as a tree with the attributes members inherit
 * (region, plant …) and how many people are in each; users with their role, departments and the
 * attributes row rules read (their own over their departments'). Add a department (parents made as
 * needed), add a user into departments, change a user's role, departments or status.
 * GET/POST/PATCH/DELETE /api/v1/departments, GET/POST/PATCH /api/v1/users.
 */
import { DeleteOutlined, EditOutlined, EyeOutlined, PlusOutlined, TeamOutlined, UserAddOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, List, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useI18n } from "../i18n";

type Dept = Schemas["DepartmentOut"];
type User = Schemas["UserOut"];
type DeptRow = Dept & { children?: DeptRow[] };
type Attr = { key: string; value: string };
type Access = Schemas["UserAccess"];

const TEXT = {
  zh: { title: "用户与部门", depts: "部门", users: "用户", addDept: "新建部门", addUser: "新建用户", name: "名称", path: "部门路径",
    parent: "上级部门", none: "（顶级）", attrs: "属性", inherited: "成员继承的属性", members: "成员", key: "属性名", value: "值",
    addAttr: "添加属性", username: "用户名", display: "显示名", password: "初始密码", role: "角色", deptsOf: "所属部门",
    effective: "行权限属性", status: "状态", active: "启用", disabled: "停用", save: "保存", cancel: "取消", edit: "修改",
    del: "删除", delDept: "删除该部门及其下级部门？成员仍保留为用户。", ownAttrs: "个人属性（优先于部门）",
    sub: "部门的属性（如 region=华东）由下级部门和成员继承，行权限规则据此过滤数据；用户自己的属性优先。",
    access: "能看到什么", rules: "行权限规则", noFilter: "不过滤", denied: "不可查询的字段", dashboards: "可打开的仪表板", nothing: "无",
    roles: { admin: "管理员", editor: "编辑者", viewer: "查看者" } },
  en: { title: "Users & departments", depts: "Departments", users: "Users", addDept: "Add department", addUser: "Add user", name: "Name",
    path: "Path", parent: "Parent", none: "(top level)", attrs: "Attributes", inherited: "Members get", members: "Members", key: "Key",
    value: "Value", addAttr: "Add attribute", username: "User name", display: "Display name", password: "Initial password", role: "Role",
    deptsOf: "Departments", effective: "Row-rule attributes", status: "Status", active: "Active", disabled: "Disabled", save: "Save",
    cancel: "Cancel", edit: "Edit", del: "Delete", delDept: "Delete this department and its sub-departments? Members stay users.",
    ownAttrs: "Own attributes (over the departments')",
    sub: "A department's attributes (e.g. region=华东) are inherited by its sub-departments and members; row rules filter by them; a user's own attributes win.",
    access: "What they see", rules: "Row rules", noFilter: "no filter", denied: "Fields they may not query", dashboards: "Dashboards they may open", nothing: "none",
    roles: { admin: "Administrator", editor: "Editor", viewer: "Viewer" } },
};
type Tx = (typeof TEXT)["zh"];

function attrText(a: Record<string, unknown> | undefined): string {
  return Object.entries(a ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("|") : String(v)}`).join("，");
}

function toAttrs(rows: Attr[] | undefined): Record<string, string> {
  return Object.fromEntries((rows ?? []).filter((r) => r?.key?.trim() && r?.value?.trim()).map((r) => [r.key.trim(), r.value.trim()]));
}

function tree(depts: Dept[]): DeptRow[] {
  const byPath = new Map<string, DeptRow>(depts.map((d) => [d.path, { ...d }]));
  const roots: DeptRow[] = [];
  for (const d of byPath.values()) {
    const parent = d.parent ? byPath.get(d.parent) : undefined;
    if (parent) (parent.children ??= []).push(d);
    else roots.push(d);
  }
  return roots;
}

function AttrRows({ tx }: { tx: Tx }) {
  return (
    <Form.List name="attrs">
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" style={{ display: "flex" }}>
              <Form.Item name={[f.name, "key"]} style={{ marginBottom: 8 }}><Input placeholder={tx.key} style={{ width: 130 }} data-testid={`attr-key-${f.name}`} /></Form.Item>
              <Form.Item name={[f.name, "value"]} style={{ marginBottom: 8 }}><Input placeholder={tx.value} style={{ width: 160 }} data-testid={`attr-value-${f.name}`} /></Form.Item>
              <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={tx.del} />
            </Space>
          ))}
          <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ key: "", value: "" })}>{tx.addAttr}</Button>
        </>
      )}
    </Form.List>
  );
}

export default function PeoplePage() {
  const { lang } = useI18n();
  const tx = TEXT[lang === "en" ? "en" : "zh"];
  const { message } = App.useApp();
  const [depts, setDepts] = useState<Dept[] | null>(null);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deptOpen, setDeptOpen] = useState<Dept | "new" | null>(null);
  const [userOpen, setUserOpen] = useState<User | "new" | null>(null);
  const [busy, setBusy] = useState(false);
  const [access, setAccess] = useState<Access | null>(null);
  const [deptForm] = Form.useForm();
  const [userForm] = Form.useForm();

  const load = useCallback(() => {
    Promise.all([unwrap(api.GET("/api/v1/departments")), unwrap(api.GET("/api/v1/users"))])
      .then(([d, u]) => { setDepts(d.departments); setUsers(u); setError(null); }, (e) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);
  const paths = useMemo(() => (depts ?? []).map((d) => ({ value: d.path, label: d.path })), [depts]);

  const openDept = (d: Dept | "new") => {
    deptForm.setFieldsValue(d === "new" ? { parent: undefined, name: "", attrs: [{ key: "region", value: "" }] }
      : { attrs: Object.entries(d.attributes).map(([key, value]) => ({ key, value: String(value) })) });
    setDeptOpen(d);
  };
  const saveDept = async () => {
    const v = await deptForm.validateFields();
    setBusy(true);
    try {
      if (deptOpen === "new") {
        const path = v.parent ? `${v.parent}/${v.name.trim()}` : v.name.trim();
        await unwrap(api.POST("/api/v1/departments", { body: { path, attributes: toAttrs(v.attrs) } }));
      } else if (deptOpen) {
        const attributes = toAttrs(v.attrs);
        const removed = Object.keys(deptOpen.attributes).filter((k) => !(k in attributes));
        await unwrap(api.PATCH("/api/v1/departments/{dept_id}", { params: { path: { dept_id: deptOpen.id } },
          body: { attributes, remove_attributes: removed } }));
      }
      message.success(tx.save);
      setDeptOpen(null);
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const deleteDept = (d: Dept) => unwrap(api.DELETE("/api/v1/departments/{dept_id}", { params: { path: { dept_id: d.id } } }))
    .then(load, (e) => setError(errorMessage(e)));

  const openUser = (u: User | "new") => {
    userForm.setFieldsValue(u === "new" ? { username: "", display_name: "", password: "", role: "viewer", departments: [], attrs: [] }
      : { role: u.role, departments: u.departments, is_active: u.is_active,
        attrs: Object.entries(u.attributes ?? {}).map(([key, value]) => ({ key, value: String(value) })) });
    setUserOpen(u);
  };
  const saveUser = async () => {
    const v = await userForm.validateFields();
    setBusy(true);
    try {
      if (userOpen === "new") {
        await unwrap(api.POST("/api/v1/users", { body: { username: v.username.trim(), password: v.password,
          display_name: v.display_name?.trim() || null, role: v.role, departments: v.departments ?? [], attributes: toAttrs(v.attrs) } }));
      } else if (userOpen) {
        const attributes = toAttrs(v.attrs);
        const removed = Object.keys(userOpen.attributes ?? {}).filter((k) => !(k in attributes));
        await unwrap(api.PATCH("/api/v1/users/{username}", { params: { path: { username: userOpen.username } },
          body: { role: v.role, departments: v.departments ?? [], attributes, remove_attributes: removed, is_active: v.is_active } }));
      }
      message.success(tx.save);
      setUserOpen(null);
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const deptTable = (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => openDept("new")} style={{ marginBottom: 12 }} data-testid="dept-add">{tx.addDept}</Button>
      <Table<DeptRow> rowKey="path" size="small" loading={!depts} dataSource={tree(depts ?? [])} pagination={false} expandable={{ defaultExpandAllRows: true }}
        scroll={{ x: 640 }} data-testid="dept-table" key={(depts ?? []).length}
        columns={[
          { title: tx.name, dataIndex: "name", render: (v: string, d) => <span data-testid={`dept-${d.path}`}><TeamOutlined /> {v}</span> },
          { title: tx.attrs, dataIndex: "attributes", render: (a) => attrText(a) },
          { title: tx.inherited, dataIndex: "inherited_attributes", render: (a) => <Typography.Text type="secondary">{attrText(a)}</Typography.Text> },
          { title: tx.members, dataIndex: "members", width: 70 },
          { title: "", key: "ops", width: 110, render: (_: unknown, d) => (
            <Space size={0}>
              <Button type="text" size="small" icon={<EditOutlined />} onClick={() => openDept(d)} aria-label={tx.edit} />
              <Popconfirm title={tx.delDept} onConfirm={() => deleteDept(d)}><Button type="text" size="small" icon={<DeleteOutlined />} aria-label={tx.del} /></Popconfirm>
            </Space>) },
        ]} />
    </>
  );
  const userTable = (
    <>
      <Button type="primary" icon={<UserAddOutlined />} onClick={() => openUser("new")} style={{ marginBottom: 12 }} data-testid="user-add">{tx.addUser}</Button>
      <Table<User> rowKey="username" size="small" loading={!users} dataSource={users ?? []} pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 820 }} data-testid="user-table"
        columns={[
          { title: tx.username, dataIndex: "username", render: (v: string, u) => <span data-testid={`user-${v}`}>{u.display_name ? `${u.display_name}（${v}）` : v}</span> },
          { title: tx.role, dataIndex: "role", width: 90, render: (r: "admin" | "editor" | "viewer") => <Tag color={r === "admin" ? "red" : r === "editor" ? "blue" : "default"}>{tx.roles[r]}</Tag> },
          { title: tx.deptsOf, dataIndex: "departments", render: (ds: string[]) => ds.map((d) => <Tag key={d}>{d.split("/").slice(-1)[0]}</Tag>) },
          { title: tx.effective, dataIndex: "effective_attributes", render: (a) => attrText(a) },
          { title: tx.status, dataIndex: "is_active", width: 70, render: (v: boolean) => v ? tx.active : <Typography.Text type="secondary">{tx.disabled}</Typography.Text> },
          { title: "", key: "ops", width: 80, render: (_: unknown, u) => (
            <Space size={0}>
              <Button type="text" size="small" icon={<EyeOutlined />} aria-label={tx.access} data-testid={`user-access-${u.username}`}
                onClick={() => unwrap(api.GET("/api/v1/users/{username}/access", { params: { path: { username: u.username } } })).then(setAccess, (e) => setError(errorMessage(e)))} />
              <Button type="text" size="small" icon={<EditOutlined />} onClick={() => openUser(u)} aria-label={tx.edit} data-testid={`user-edit-${u.username}`} />
            </Space>) },
        ]} />
    </>
  );

  return (
    <Card title={tx.title} data-testid="people-page">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{tx.sub}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon closable onClose={() => setError(null)} message={error} style={{ marginBottom: 12 }} /> : null}
      <Tabs items={[{ key: "depts", label: tx.depts, children: deptTable }, { key: "users", label: tx.users, children: userTable }]} />
      <Drawer open={access !== null} onClose={() => setAccess(null)} width={520} title={access ? `${access.username} · ${tx.access}` : ""} data-testid="user-access">
        {access && (
          <>
            <Descriptions column={1} size="small" bordered items={[
              { key: "role", label: tx.role, children: tx.roles[access.role as "admin" | "editor" | "viewer"] ?? access.role },
              { key: "depts", label: tx.deptsOf, children: access.departments.join("，") || tx.nothing },
              { key: "attrs", label: tx.effective, children: attrText(access.effective_attributes) || tx.nothing },
              { key: "denied", label: tx.denied, children: access.denied_fields.join("，") || tx.nothing },
            ]} />
            <Typography.Title level={5} style={{ marginTop: 16 }}>{tx.rules}</Typography.Title>
            <List size="small" dataSource={access.row_rules} locale={{ emptyText: tx.nothing }} renderItem={(r) => (
              <List.Item><Space direction="vertical" size={0}>
                <span><Tag>{r.dataset}</Tag>{r.name}</span>
                <Typography.Text type={r.binds ? undefined : "secondary"} code={r.binds}>{r.binds ? r.applied : tx.noFilter}</Typography.Text>
              </Space></List.Item>)} />
            <Typography.Title level={5} style={{ marginTop: 16 }}>{tx.dashboards}</Typography.Title>
            <List size="small" dataSource={access.dashboards} locale={{ emptyText: tx.nothing }} renderItem={(d) => (
              <List.Item extra={<Tag color={d.access === "edit" ? "blue" : "default"}>{d.access}</Tag>}>
                <Space direction="vertical" size={0}><span>{d.title}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{d.via}</Typography.Text></Space>
              </List.Item>)} />
          </>
        )}
      </Drawer>
      <Modal open={deptOpen !== null} title={deptOpen === "new" ? tx.addDept : deptOpen?.path} onCancel={() => setDeptOpen(null)} onOk={saveDept}
        okText={tx.save} cancelText={tx.cancel} confirmLoading={busy} destroyOnClose forceRender data-testid="dept-dialog">
        <Form form={deptForm} layout="vertical">
          {deptOpen === "new" && (
            <>
              <Form.Item name="parent" label={tx.parent}><Select allowClear showSearch placeholder={tx.none} options={paths} data-testid="dept-parent" /></Form.Item>
              <Form.Item name="name" label={tx.name} rules={[{ required: true, whitespace: true, max: 64 }, { pattern: /^[^/]*$/, message: "/" }]}>
                <Input data-testid="dept-name" />
              </Form.Item>
            </>
          )}
          <Form.Item label={tx.attrs}><AttrRows tx={tx} /></Form.Item>
        </Form>
      </Modal>
      <Modal open={userOpen !== null} title={userOpen === "new" ? tx.addUser : userOpen?.username} onCancel={() => setUserOpen(null)} onOk={saveUser}
        okText={tx.save} cancelText={tx.cancel} confirmLoading={busy} destroyOnClose forceRender data-testid="user-dialog">
        <Form form={userForm} layout="vertical">
          {userOpen === "new" && (
            <>
              <Form.Item name="username" label={tx.username} rules={[{ required: true, whitespace: true, max: 64 }]}><Input data-testid="user-name" autoComplete="off" /></Form.Item>
              <Form.Item name="display_name" label={tx.display}><Input /></Form.Item>
              <Form.Item name="password" label={tx.password} rules={[{ required: true, min: 10 }]}><Input.Password data-testid="user-password" autoComplete="new-password" /></Form.Item>
            </>
          )}
          <Form.Item name="role" label={tx.role} rules={[{ required: true }]}>
            <Select options={(["viewer", "editor", "admin"] as const).map((r) => ({ value: r, label: tx.roles[r] }))} data-testid="user-role" />
          </Form.Item>
          <Form.Item name="departments" label={tx.deptsOf}><Select mode="multiple" options={paths} data-testid="user-depts" /></Form.Item>
          {userOpen !== "new" && <Form.Item name="is_active" label={tx.status} valuePropName="checked"><Switch /></Form.Item>}
          <Form.Item label={tx.ownAttrs}><AttrRows tx={tx} /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
