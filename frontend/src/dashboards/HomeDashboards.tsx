/** The home page's strip of dashboards: favourites first, then recently viewed (at most six). */
import { Col, Row } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { DashboardCard } from "../pages/Dashboards";
import { listDashboards, recentDashboards } from "./api";
import { useDT } from "./i18n";
import type { DashboardSummary } from "./types";

export default function HomeDashboards() {
  const { dt } = useDT();
  const [items, setItems] = useState<DashboardSummary[] | null>(null);
  useEffect(() => {
    Promise.all([listDashboards(true), recentDashboards(6), listDashboards()])
      .then(([fav, recent, all]) => {
        const seen = new Set<string>();
        const out = [...fav, ...recent, ...all].filter((d) => !seen.has(d.name) && !!seen.add(d.name));
        setItems(out.slice(0, 6));
      })
      .catch(() => setItems([]));
  }, []);
  if (!items?.length) return null;
  return (
    <div className="home-dashboards" data-testid="home-dashboards">
      <div className="section-title">
        {dt("home.dashboards")} <Link to="/dashboards" style={{ fontSize: 13, fontWeight: 400, marginLeft: 8 }}>{dt("home.more")}</Link>
      </div>
      <Row gutter={[12, 12]}>
        {items.map((d) => (
          <Col xs={12} md={8} xl={4} key={d.name}>
            <DashboardCard d={d} compact />
          </Col>
        ))}
      </Row>
    </div>
  );
}
