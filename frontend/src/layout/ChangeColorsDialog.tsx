/**
 * 涨跌颜色: the user's own setting (or the company's), and for admins the company default. Loads the
 * effective convention at sign-in into changes.ts (useChangeColorsLoader), which every change colour reads.
 */
import { App, Modal, Radio, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { setChangeColors, type ChangeColors } from "../changes";
import { useFreshText } from "../freshness/text";

type Prefs = Schemas["PreferencesOut"];

/** Load the effective 涨跌颜色 when someone signs in. */
export function useChangeColorsLoader(username: string | undefined) {
  useEffect(() => {
    if (!username) return;
    unwrap(api.GET("/api/v1/preferences")).then((p) => setChangeColors((p as Prefs).effective.change_colors)).catch(() => undefined);
  }, [username]);
}

export function ChangeColorsDialog({ open, onClose, admin }: { open: boolean; onClose: () => void; admin: boolean }) {
  const ft = useFreshText();
  const { message } = App.useApp();
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  useEffect(() => {
    if (open) unwrap(api.GET("/api/v1/preferences")).then((p) => setPrefs(p as Prefs)).catch((e) => message.error(errorMessage(e)));
  }, [open, message]);
  const name = (c: ChangeColors) => (c === "red_up" ? ft("redUp") : ft("greenUp"));
  const applied = (p: Prefs) => {
    setPrefs(p);
    setChangeColors(p.effective.change_colors);
    message.success(ft("saved"));
  };
  const saveOwn = (v: ChangeColors | "company") =>
    unwrap(api.PUT("/api/v1/preferences", { body: { change_colors: v === "company" ? null : v } })).then((p) => applied(p as Prefs)).catch((e) => message.error(errorMessage(e)));
  const saveCompany = (v: ChangeColors) =>
    unwrap(api.PUT("/api/v1/preferences/company", { body: { change_colors: v } })).then((p) => applied(p as Prefs)).catch((e) => message.error(errorMessage(e)));
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={ft("colorsTitle")} destroyOnClose>
      {prefs && (
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          <div>
            <div className="field-label">{ft("mine")}</div>
            <Radio.Group value={prefs.own.change_colors ?? "company"} onChange={(e) => void saveOwn(e.target.value)} data-testid="own-change-colors">
              <Space direction="vertical">
                <Radio value="company">{ft("followCompany", { c: name(prefs.company.change_colors) })}</Radio>
                <Radio value="red_up"><span style={{ color: "#f53f3f" }}>▲</span> <span style={{ color: "#00b42a" }}>▼</span> {ft("redUp")}</Radio>
                <Radio value="green_up"><span style={{ color: "#00b42a" }}>▲</span> <span style={{ color: "#f53f3f" }}>▼</span> {ft("greenUp")}</Radio>
              </Space>
            </Radio.Group>
          </div>
          {admin && (
            <div>
              <div className="field-label">{ft("company")}</div>
              <Radio.Group value={prefs.company.change_colors} onChange={(e) => void saveCompany(e.target.value)} data-testid="company-change-colors">
                <Radio value="red_up">{ft("redUp")}</Radio>
                <Radio value="green_up">{ft("greenUp")}</Radio>
              </Radio.Group>
            </div>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{ft("colorsHelp")}</Typography.Text>
        </Space>
      )}
    </Modal>
  );
}
