/** 登录: user name + password; the API's error.message (in the UI language) is shown as it is. */
import { GlobalOutlined, LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Form, Input } from "antd";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { errorMessage } from "../api/client";
import { useAuth } from "../auth";
import { useI18n } from "../i18n";
import { Logo } from "../layout/Logo";

export default function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password);
      const next = params.get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/", { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-hero">
        <div className="login-hero-inner">
          <div className="login-brand">
            <Logo />
            <span>{t("app.name")}</span>
          </div>
          <h1>{t("app.tagline")}</h1>
          <p>{t("login.features")}</p>
        </div>
      </div>
      <div className="login-panel">
        <Button type="text" icon={<GlobalOutlined />} className="login-lang" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
          {t("user.language")}
        </Button>
        <div className="login-card">
          <h2>{t("login.title")}</h2>
          {error && <div data-testid="login-error"><Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} /></div>}
          <Form layout="vertical" size="large" onFinish={submit} requiredMark={false}>
            <Form.Item name="username" label={t("login.username")} rules={[{ required: true, message: t("login.required.username") }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item name="password" label={t("login.password")} rules={[{ required: true, message: t("login.required.password") }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t("login.submit")}
            </Button>
          </Form>
        </div>
      </div>
    </div>
  );
}
