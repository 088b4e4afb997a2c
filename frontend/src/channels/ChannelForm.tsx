/** 新建渠道: one form per kind; secrets (URL token, signing secret, SMTP password) are write-only. */
import { Alert, Button, Col, Form, Input, InputNumber, Modal, Row, Select } from "antd";
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { badAddress, channelBody, defaultPort, hasSecret, KINDS, type ChannelForm as Values, type Kind } from "./form";
import { useChT } from "./i18n";

type Channel = Schemas["DeliveryChannelOut"];

export function ChannelForm({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: (c: Channel) => void }) {
  const t = useChT();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kind = (Form.useWatch("kind", form) ?? "dingtalk") as Kind;

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue({ kind: "dingtalk", tls: "starttls", smtp_port: 587 });
  }, [open, form]);

  async function save() {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    setSaving(true);
    setError(null);
    try {
      onSaved(await unwrap(api.POST("/api/v1/channels", { body: channelBody(v) })));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const writeOnly = t("writeOnly");
  return (
    <Modal open={open} onCancel={onClose} title={t("add")} width={600} destroyOnClose
      footer={[
        <Button key="cancel" onClick={onClose}>{t("cancel")}</Button>,
        <Button key="save" type="primary" loading={saving} onClick={() => void save()} data-testid="channel-save">{t("save")}</Button>,
      ]}>
      <Form form={form} layout="vertical" requiredMark="optional" data-testid="channel-form"
        onValuesChange={(ch: Partial<Values>) => { if (ch.tls) form.setFieldValue("smtp_port", defaultPort(ch.tls)); }}>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t("name")} rules={[{ required: true, pattern: /^[a-z\u4e00-\u9fff][a-z0-9_\u4e00-\u9fff-]{0,31}$/, message: t("nameRule") }]}>
              <Input placeholder="quality-group" data-testid="channel-name" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}><Form.Item name="label" label={t("label")}><Input placeholder={t("labelPh")} maxLength={128} /></Form.Item></Col>
          <Col xs={24}>
            <Form.Item name="kind" label={t("kind")} rules={[{ required: true }]}>
              <Select data-testid="channel-kind" options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} />
            </Form.Item>
          </Col>
          {kind !== "email" ? (
            <>
              <Col xs={24}>
                <Form.Item name="url" label={t("url")} extra={`${t(`url.${kind}`)} · ${writeOnly}`}
                  rules={[{ required: true, pattern: /^https?:\/\/\S+$/, message: "http(s)://…" }]}>
                  <Input.Password visibilityToggle autoComplete="off" placeholder="https://…" data-testid="channel-url" />
                </Form.Item>
              </Col>
              {hasSecret(kind) && (
                <Col xs={24}>
                  <Form.Item name="secret" label={t("secret")} extra={`${t(`secret.${kind}` as "secret.dingtalk")} · ${writeOnly}`}>
                    <Input.Password autoComplete="new-password" data-testid="channel-secret" />
                  </Form.Item>
                </Col>
              )}
            </>
          ) : (
            <>
              <Col xs={16}><Form.Item name="smtp_host" label={t("smtpHost")} rules={[{ required: true }]}><Input placeholder="smtp.exmail.qq.com" data-testid="channel-smtp-host" /></Form.Item></Col>
              <Col xs={8}><Form.Item name="smtp_port" label={t("smtpPort")} rules={[{ required: true }]}><InputNumber min={1} max={65535} style={{ width: "100%" }} data-testid="channel-smtp-port" /></Form.Item></Col>
              <Col xs={24} md={8}>
                <Form.Item name="tls" label={t("tls")}>
                  <Select options={[{ value: "starttls", label: "STARTTLS" }, { value: "ssl", label: "SSL/TLS" }, { value: "none", label: "—" }]} data-testid="channel-tls" />
                </Form.Item>
              </Col>
              <Col xs={12} md={8}><Form.Item name="smtp_user" label={t("smtpUser")}><Input autoComplete="off" data-testid="channel-smtp-user" /></Form.Item></Col>
              <Col xs={12} md={8}>
                <Form.Item name="password" label={t("password")} extra={writeOnly}><Input.Password autoComplete="new-password" data-testid="channel-password" /></Form.Item>
              </Col>
              <Col xs={24} md={12}><Form.Item name="from" label={t("from")} rules={[{ required: true, type: "email" }]}><Input placeholder="bi@company.cn" data-testid="channel-from" /></Form.Item></Col>
              <Col xs={24} md={12}>
                <Form.Item name="to" label={t("to")} extra={t("toPh")} rules={[{ required: true }, {
                  validator: (_, v: string) => { const bad = badAddress(v); return bad ? Promise.reject(new Error(t("badAddress", { a: bad }))) : Promise.resolve(); },
                }]}>
                  <Input placeholder="boss@company.cn, qa@company.cn" data-testid="channel-to" />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
      </Form>
      {error && <Alert type="error" showIcon message={error} data-testid="channel-form-error" />}
    </Modal>
  );
}
