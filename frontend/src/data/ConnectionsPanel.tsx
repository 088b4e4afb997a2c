/**
 * 数据库连接: the saved connections (administrators), add / edit (kind, host, port, database, user,
 * password — write-only: never shown, left empty to keep), test before or after saving, delete,
 * and the browser of one connection (ConnectionBrowser: schemas → tables → columns, pick, refresh).
 */
import { ApiOutlined, CheckCircleFilled, DatabaseOutlined, DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { Alert, App as AntApp, Button, Col, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { ConnectionBrowser } from "./ConnectionBrowser";
import { useDataT } from "./i18n";

type Conn = Schemas["ConnectionOut"];
type Kind = Schemas["KindOut"];
type TestOut = Schemas["TestOut"];
interface ConnForm { name: string; label?: string; kind: string; host?: string; port?: number | null; database?: string; username?: string; password?: string; clear_password?: boolean }

function TestResult({ result, error }: { result: TestOut | null; error: string | null }) {
  const t = useDataT();
  if (error) return <Alert type="error" showIcon message={t("conn.testFailed")} description={error} data-testid="conn-test-result" />;
  if (!result) return null;
  return (
    <Alert type="success" showIcon icon={<CheckCircleFilled />} data-testid="conn-test-result"
      message={t("conn.testOk", { ms: Math.round(result.latency_ms) })} description={result.server_version ?? undefined} />
  );
}

function ConnectionModal({ open, editing, kinds, onClose, onSaved }: { open: boolean; editing: Conn | null; kinds: Kind[]; onClose: () => void; onSaved: (c: Conn) => void }) {
  const t = useDataT();
  const [form] = Form.useForm<ConnForm>();
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<TestOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  const kind = Form.useWatch("kind", form);
  const info = kinds.find((k) => k.name === kind);
  const server = kind !== "sqlite";

  useEffect(() => {
    if (!open) return;
    setResult(null);
    setError(null);
    form.resetFields();
    form.setFieldsValue(editing
      ? { name: editing.name, label: editing.label ?? undefined, kind: editing.kind, host: editing.host ?? undefined, port: editing.port, database: editing.database ?? undefined, username: editing.username ?? undefined }
      : { kind: "postgresql", host: "127.0.0.1", port: 5432 });
  }, [open, editing, form]);

  const parts = (v: ConnForm) => ({
    kind: v.kind, host: server ? v.host?.trim() || null : null, port: server ? v.port ?? null : null, database: v.database?.trim() || null,
    username: server ? v.username?.trim() || null : null, options: {},
  });

  async function test() {
    const v = await form.validateFields();
    setTesting(true);
    setResult(null);
    setError(null);
    try {
      if (editing && editing.password_set && !v.password) {
        // the saved password never comes to the browser: test the saved connection
        setResult(await unwrap(api.POST("/api/v1/connections/{ref}/test", { params: { path: { ref: editing.name } } })));
      } else {
        setResult(await unwrap(api.POST("/api/v1/connections/test", { body: { ...parts(v), password: v.password || null } })));
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setTesting(false);
    }
  }

  async function save() {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const saved = editing
        ? await unwrap(api.PATCH("/api/v1/connections/{ref}", { params: { path: { ref: editing.name } }, body: { ...parts(v), label: v.label?.trim() || null, password: v.password || null, clear_password: !!v.clear_password } }))
        : await unwrap(api.POST("/api/v1/connections", { body: { ...parts(v), name: v.name.trim(), label: v.label?.trim() || null, password: v.password || null } }));
      onSaved(saved);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open={open} onCancel={onClose} width={640} title={editing ? t("conn.edit", { name: editing.name }) : t("conn.add")} destroyOnClose
      footer={[
        <Button key="test" icon={<ApiOutlined />} loading={testing} onClick={() => void test()} data-testid="conn-test">{t("conn.test")}</Button>,
        <Button key="cancel" onClick={onClose}>{t("common.cancel")}</Button>,
        <Button key="save" type="primary" loading={saving} onClick={() => void save()} data-testid="conn-save">{t("common.save")}</Button>,
      ]}>
      <Form form={form} layout="vertical" requiredMark="optional" data-testid="conn-form"
        onValuesChange={(ch: Partial<ConnForm>) => {
          if (ch.kind) form.setFieldValue("port", kinds.find((k) => k.name === ch.kind)?.default_port ?? null);
        }}>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t("conn.name")} tooltip={t("conn.nameHint")}
              rules={[{ required: true, pattern: /^[a-z_][a-z0-9_]{0,63}$/, message: t("conn.nameRule") }]}>
              <Input disabled={!!editing} placeholder="erp_pg" data-testid="conn-name" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}><Form.Item name="label" label={t("conn.label")}><Input placeholder={t("conn.labelPh")} /></Form.Item></Col>
          <Col xs={24}>
            <Form.Item name="kind" label={t("conn.kind")} rules={[{ required: true }]}
              extra={info && !info.installed ? t("conn.notInstalled", { pip: info.pip }) : undefined}>
              <Select data-testid="conn-kind" options={[
                { label: t("conn.kinds.common"), options: kinds.filter((k) => ["postgresql", "mysql", "mariadb", "doris", "starrocks", "sqlite"].includes(k.name)).map((k) => ({ value: k.name, label: k.label, disabled: !k.allowed })) },
                { label: t("conn.kinds.other"), options: kinds.filter((k) => !["postgresql", "mysql", "mariadb", "doris", "starrocks", "sqlite"].includes(k.name)).map((k) => ({ value: k.name, label: `${k.label}${k.installed ? "" : ` (${t("conn.needsDriver")})`}`, disabled: !k.allowed })) },
              ]} />
            </Form.Item>
          </Col>
          {server && (
            <>
              <Col xs={16} md={16}><Form.Item name="host" label={t("conn.host")} rules={[{ required: true }]}><Input data-testid="conn-host" /></Form.Item></Col>
              <Col xs={8} md={8}><Form.Item name="port" label={t("conn.port")}><InputNumber min={1} max={65535} style={{ width: "100%" }} data-testid="conn-port" /></Form.Item></Col>
            </>
          )}
          <Col xs={24} md={server ? 8 : 24}>
            <Form.Item name="database" label={server ? t("conn.database") : t("conn.file")} rules={[{ required: !server }]}><Input data-testid="conn-database" /></Form.Item>
          </Col>
          {server && (
            <>
              <Col xs={12} md={8}><Form.Item name="username" label={t("conn.user")}><Input autoComplete="off" data-testid="conn-user" /></Form.Item></Col>
              <Col xs={12} md={8}>
                <Form.Item name="password" label={t("conn.password")} extra={editing?.password_set ? t("conn.passwordKept") : undefined}>
                  <Input.Password autoComplete="new-password" placeholder={editing?.password_set ? "••••••" : undefined} data-testid="conn-password" />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
      </Form>
      <TestResult result={result} error={error} />
    </Modal>
  );
}

export function ConnectionsPanel() {
  const t = useDataT();
  const { message } = AntApp.useApp();
  const [conns, setConns] = useState<Conn[] | null>(null);
  const [kinds, setKinds] = useState<Kind[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [modal, setModal] = useState<{ open: boolean; editing: Conn | null }>({ open: false, editing: null });
  const [selected, setSelected] = useState<string | null>(null);
  const [testing, setTesting] = useState<string | null>(null);

  const load = () => {
    setError(null);
    unwrap(api.GET("/api/v1/connections")).then(setConns, (e) => setError(errorMessage(e)));
  };
  useEffect(() => {
    load();
    unwrap(api.GET("/api/v1/connections/kinds")).then(setKinds, () => undefined);
  }, []);

  async function quickTest(c: Conn) {
    setTesting(c.name);
    try {
      const r = await unwrap(api.POST("/api/v1/connections/{ref}/test", { params: { path: { ref: c.name } } }));
      message.success(`${c.label || c.name}: ${t("conn.testOk", { ms: Math.round(r.latency_ms) })}`);
    } catch (e) {
      message.error(`${c.label || c.name}: ${errorMessage(e)}`);
    } finally {
      setTesting(null);
    }
  }

  async function remove(c: Conn) {
    try {
      await unwrap(api.DELETE("/api/v1/connections/{ref}", { params: { path: { ref: c.name } } }));
      if (selected === c.name) setSelected(null);
      load();
    } catch (e) {
      message.error(errorMessage(e));
    }
  }

  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <div data-testid="connections-panel">
      <Space style={{ marginBottom: 12 }} wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ open: true, editing: null })} data-testid="conn-add">{t("conn.add")}</Button>
        <Button icon={<ReloadOutlined />} onClick={load}>{t("common.refresh")}</Button>
      </Space>
      <Table<Conn>
        rowKey="id" size="middle" loading={!conns} dataSource={conns ?? []} pagination={false} scroll={{ x: 640 }}
        locale={{ emptyText: t("conn.empty") }}
        rowClassName={(c) => (c.name === selected ? "ant-table-row-selected" : "")}
        columns={[
          { title: t("conn.name"), key: "name", render: (_, c) => <a onClick={() => setSelected(c.name)} data-testid={`conn-row-${c.name}`}><DatabaseOutlined /> {c.label || c.name}{c.label && <Typography.Text type="secondary"> ({c.name})</Typography.Text>}</a> },
          { title: t("conn.kind"), dataIndex: "kind_label", render: (k: string, c) => <Space size={4}><Tag>{k}</Tag>{c.direct_query && <Tag color="blue">{t("conn.direct")}</Tag>}</Space> },
          { title: "URL", dataIndex: "url", responsive: ["lg"], render: (u: string) => <Typography.Text className="mono" copyable={{ text: u }}>{u}</Typography.Text> },
          { title: t("conn.password"), dataIndex: "password_set", responsive: ["md"], render: (s: boolean) => (s ? <Tag color="green">{t("conn.passwordSet")}</Tag> : <Tag>{t("common.none")}</Tag>) },
          {
            title: t("common.actions"), key: "a", render: (_, c) => (
              <Space size={0} wrap>
                <Button type="link" size="small" loading={testing === c.name} onClick={() => void quickTest(c)} data-testid={`conn-quicktest-${c.name}`}>{t("conn.test")}</Button>
                <Button type="link" size="small" onClick={() => setSelected(c.name)} data-testid={`conn-browse-${c.name}`}>{t("conn.browse")}</Button>
                <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setModal({ open: true, editing: c })}>{t("common.edit")}</Button>
                <Popconfirm title={t("conn.deleteConfirm")} onConfirm={() => void remove(c)}>
                  <Button type="link" size="small" danger icon={<DeleteOutlined />}>{t("common.delete")}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {selected && conns?.some((c) => c.name === selected) && <ConnectionBrowser key={selected} conn={conns.find((c) => c.name === selected)!} />}
      <ConnectionModal open={modal.open} editing={modal.editing} kinds={kinds} onClose={() => setModal({ open: false, editing: null })}
        onSaved={(c) => {
          setModal({ open: false, editing: null });
          message.success(t("conn.saved", { name: c.label || c.name }));
          load();
          setSelected(c.name);
        }} />
    </div>
  );
}
