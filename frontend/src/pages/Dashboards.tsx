/** 仪表板列表: favourites, recently viewed, and every dashboard you may see (owner, admin, or shared with your role). */
import { DashboardOutlined, PlusOutlined, StarFilled, StarOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Empty, Row, Skeleton, Space, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { errorMessage } from "../api/client";
import { useCan } from "../auth";
import { listDashboards, recentDashboards, setFavourite } from "../dashboards/api";
import { useDT } from "../dashboards/i18n";
import "../dashboards/dashboards.css";
import { useI18n } from "../i18n";
import type { DashboardSummary } from "../dashboards/types";

export function DashboardCard({ d, onFavourite, compact }: { d: DashboardSummary; onFavourite?: (d: DashboardSummary) => void; compact?: boolean }) {
  const { dt, pick } = useDT();
  const { t } = useI18n();
  const roleName = (r: string) => t(`user.role.${r}` as "user.role.admin");
  return (
    <Card size="small" hoverable className="dash-card" data-testid={`dashboard-card-${d.name}`}>
      <div className="dash-card-head">
        <Link to={`/dashboards/${d.name}`} className="dash-card-title">
          <DashboardOutlined /> {pick(d.title, d.title_en)}
        </Link>
        {onFavourite && (
          <Button
            type="text"
            size="small"
            aria-label={d.favourite ? dt("fav.remove") : dt("fav.add")}
            icon={d.favourite ? <StarFilled style={{ color: "#faad14" }} /> : <StarOutlined />}
            onClick={() => onFavourite(d)}
            data-testid={`fav-${d.name}`}
          />
        )}
      </div>
      {!compact && (
        <>
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ minHeight: 44, marginBottom: 8 }}>
            {d.description}
          </Typography.Paragraph>
          <Space size={4} wrap>
            <Tag>{dt("list.components", { n: d.components })}</Tag>
            <Tag>{dt("list.owner", { owner: d.owner })}</Tag>
            {d.shared_with_me ? <Tag color="green" data-testid={`shared-with-me-${d.name}`}>{dt("list.sharedWithMe")}</Tag> : null}
            {d.shared_roles.length ? <Tag color="blue">{dt("list.shared", { roles: d.shared_roles.map(roleName).join(", ") })}</Tag> : <Tag>{dt("list.private")}</Tag>}
          </Space>
        </>
      )}
    </Card>
  );
}

export default function DashboardsPage() {
  const { dt } = useDT();
  const navigate = useNavigate();
  const [all, setAll] = useState<DashboardSummary[] | null>(null);
  const [recent, setRecent] = useState<DashboardSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    Promise.all([listDashboards(), recentDashboards(6)])
      .then(([a, r]) => {
        setAll(a);
        setRecent(r);
      })
      .catch((e) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);
  const fav = (d: DashboardSummary) => setFavourite(d.name, !d.favourite).then(load).catch((e) => setError(errorMessage(e)));
  const canCreate = useCan()("content:edit");
  const favourites = (all ?? []).filter((d) => d.favourite);
  const grid = (items: DashboardSummary[], compact = false) => (
    <Row gutter={[16, 16]}>
      {items.map((d) => (
        <Col xs={24} sm={12} xl={compact ? 6 : 8} key={d.name}>
          <DashboardCard d={d} onFavourite={fav} compact={compact} />
        </Col>
      ))}
    </Row>
  );
  return (
    <div className="page dashboards-page">
      <div className="page-head" style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {dt("list.title")}
        </Typography.Title>
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/dashboards/new")} data-testid="new-dashboard">
            {dt("list.new")}
          </Button>
        )}
      </div>
      {error && <Alert type="error" showIcon message={error} />}
      {!all ? (
        <Skeleton active />
      ) : !all.length ? (
        <Empty description={dt("list.empty")} />
      ) : (
        <>
          {favourites.length > 0 && (
            <>
              <div className="section-title">{dt("list.favourites")}</div>
              {grid(favourites, true)}
            </>
          )}
          {recent.length > 0 && (
            <>
              <div className="section-title">{dt("list.recent")}</div>
              {grid(recent, true)}
            </>
          )}
          <div className="section-title">{dt("list.all")}</div>
          {grid(all)}
        </>
      )}
    </div>
  );
}
