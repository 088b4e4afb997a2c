/** The editor's 「版本」 menu: a dashboard's saved versions, newest first; restoring one saves it again as the
 * newest version (POST /dashboards/{key}/versions/{v}/restore), so nothing in the history is lost. */
import { HistoryOutlined } from "@ant-design/icons";
import { App, Button, Dropdown } from "antd";
import { useState } from "react";
import { errorMessage, type Schemas } from "../api/client";
import { dashboardVersions, restoreDashboardVersion } from "./api";
import type { DashboardOut } from "./types";

type Version = Schemas["DashboardVersionOut"];

export default function VersionsMenu({ dashboard, lang, onRestored }: { dashboard: string; lang: string; onRestored: (d: DashboardOut) => void }) {
  const { message, modal } = App.useApp();
  const [versions, setVersions] = useState<Version[] | null>(null);
  const T = (zh: string, en: string) => (lang === "en" ? en : zh);
  const load = (open: boolean) => {
    if (open) dashboardVersions(dashboard).then((v) => setVersions([...v].reverse())).catch((e) => message.error(errorMessage(e)));
  };
  const restore = (v: Version) =>
    modal.confirm({
      title: T(`恢复到版本 ${v.version}？`, `Restore version ${v.version}?`),
      content: T("它将另存为最新版本；未保存的修改会丢失。", "It is saved as the newest version; unsaved changes are lost."),
      onOk: () =>
        restoreDashboardVersion(dashboard, v.version)
          .then((d) => {
            message.success(T(`已恢复到版本 ${v.version}（现为版本 ${d.version}）`, `Restored version ${v.version} (now version ${d.version})`));
            onRestored(d);
          })
          .catch((e) => message.error(errorMessage(e))),
    });
  const latest = versions?.[0]?.version;
  return (
    <Dropdown
      trigger={["click"]}
      onOpenChange={load}
      menu={{
        items: (versions ?? []).map((v) => ({
          key: String(v.version),
          disabled: v.version === latest,
          label: (
            <span data-testid={`version-${v.version}`}>
              {T("版本", "Version")} {v.version} · {new Date(v.created_at).toLocaleString(lang === "en" ? "en-US" : "zh-CN", { timeZone: "Asia/Shanghai" })}
              {v.created_by ? ` · ${v.created_by}` : ""}{v.comment ? ` · ${v.comment}` : ""}{v.version === latest ? T("（当前）", " (current)") : ""}
            </span>
          ),
        })),
        onClick: (e) => {
          const v = versions?.find((x) => String(x.version) === e.key);
          if (v) restore(v);
        },
      }}
    >
      <Button icon={<HistoryOutlined />} data-testid="dashboard-versions">{T("版本", "Versions")}</Button>
    </Dropdown>
  );
}
