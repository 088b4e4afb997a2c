/**
 * /share#szs_... — a shared dashboard without an account. The secret is read from the URL fragment
 * (never sent to the server as part of a URL) and sent in X-Share-Token; a password link first shows
 * a password form (its grant lives in this tab's sessionStorage). Revoked, expired or no longer valid
 * links say so in the page's language. A small language switch; no app menu.
 */
import { LockOutlined } from "@ant-design/icons";
import { Button, Form, Input, Result, Spin, Tag } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, errorMessage } from "../../api/client";
import { useI18n } from "../../i18n";
import { openShare, publicData, publicFieldValues, publicHierarchyValues, unlockShare, type Access, type PublicShare } from "./publicApi";
import ReadOnlyDashboard from "./ReadOnlyDashboard";
import { useST } from "./text";

const GONE: Record<string, "page.revoked" | "page.expired" | "page.unavailable" | "page.notFound"> = {
  share_revoked: "page.revoked",
  share_expired: "page.expired",
  share_unavailable: "page.unavailable",
  share_not_found: "page.notFound",
};

export function LangSwitch() {
  const { lang, setLang } = useI18n();
  return (
    <Button size="small" type="text" onClick={() => setLang(lang === "zh" ? "en" : "zh")} data-testid="public-lang">
      {lang === "zh" ? "English" : "中文"}
    </Button>
  );
}

/** The link's secret is its fragment; pasting another link into the same tab changes only the fragment, so the
 * page starts over for each one (a fresh state per token). */
export default function SharePage() {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  const token = decodeURIComponent(hash.replace(/^#/, ""));
  return <SharedDashboard key={token} token={token} />;
}

function SharedDashboard({ token }: { token: string }) {
  const st = useST();
  const grantKey = `shuzhi.share.${token.slice(0, 12)}`;
  const [grant, setGrant] = useState<string | null>(() => sessionStorage.getItem(grantKey));
  const [share, setShare] = useState<PublicShare | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pwError, setPwError] = useState<string | null>(null);
  const access: Access = useMemo(() => ({ kind: "share", token, grant }), [token, grant]);

  const fail = useCallback((e: unknown) => {
    if (e instanceof ApiError && e.code in GONE) setGone(e.code);
    else if (e instanceof ApiError && e.code === "share_password_required") setShare((s) => (s ? { ...s, dashboard: null, needs_password: true } : s));
    else setGone("share_not_found");
  }, []);
  useEffect(() => {
    openShare(access).then(setShare).catch(fail);
  }, [access, fail]);

  const values = useMemo(() => ({
    fieldValues: (f: string, s?: string) => publicFieldValues(access, f, s),
    hierarchyValues: (n: string) => publicHierarchyValues(access, n),
  }), [access]);
  const load = useCallback((body: object) => publicData(access, body), [access]);

  const head = (
    <div className="share-top">
      <Tag color="blue">{st("page.readOnly")}</Tag>
      <LangSwitch />
    </div>
  );
  if (gone)
    return (
      <div className="share-page">{head}
        <div data-testid="share-gone">
          <Result status={gone === "share_not_found" ? "404" : "warning"} title={st(GONE[gone])} subTitle={st("page.askOwner")} />
        </div>
      </div>
    );
  if (!share) return <Spin size="large" style={{ display: "block", marginTop: "20vh" }} />;
  if (share.needs_password || !share.dashboard)
    return (
      <div className="share-page">{head}
        <div className="share-password" data-testid="share-password">
          <LockOutlined style={{ fontSize: 32, color: "#1664ff" }} />
          <h2>{st("page.password")}</h2>
          <p>{st("page.passwordHint")}</p>
          <Form
            layout="vertical"
            onFinish={({ password }: { password: string }) => {
              setBusy(true);
              setPwError(null);
              unlockShare(access, password)
                .then((g) => {
                  sessionStorage.setItem(grantKey, g.grant);
                  setGrant(g.grant);
                })
                .catch((e) => (e instanceof ApiError && e.code in GONE ? fail(e) : setPwError(errorMessage(e))))
                .finally(() => setBusy(false));
            }}
          >
            <Form.Item name="password" rules={[{ required: true }]} validateStatus={pwError ? "error" : undefined} help={pwError}>
              <Input.Password autoFocus autoComplete="off" data-testid="share-password-input" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="share-password-submit">{st("page.open")}</Button>
          </Form>
        </div>
      </div>
    );
  return (
    <div className="share-page">{head}
      <ReadOnlyDashboard dash={share.dashboard} load={load} values={values} onError={fail} />
    </div>
  );
}
