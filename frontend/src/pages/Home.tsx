/** 首页: greeting, metric highlights, and the ask box. */
import { Typography } from "antd";
import { useEffect, useState } from "react";
import { api } from "../api/client";
import { useAuth } from "../auth";
import HomeDashboards from "../dashboards/HomeDashboards";
import { useI18n } from "../i18n";
import AskPanel from "./home/AskPanel";
import KpiCards from "./home/KpiCards";

export default function HomePage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const [today, setToday] = useState<string | null>(null);
  useEffect(() => {
    api.GET("/api/v1/health").then((r) => setToday((r.data as { today?: string } | undefined)?.today ?? null));
  }, []);
  return (
    <div className="page home-page">
      <div className="page-head">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("home.greeting", { name: me?.display_name || me?.username || "" })}
        </Typography.Title>
        {today && <Typography.Text type="secondary">{t("home.today", { date: today })}</Typography.Text>}
      </div>
      <div className="section-title">{t("home.kpi.title")}</div>
      <KpiCards />
      <div style={{ height: 16 }} />
      <HomeDashboards />
      <div style={{ height: 16 }} />
      <AskPanel />
    </div>
  );
}
