/**
 * 数据表: the warehouse tables (GET /api/v1/tables) with rows, columns, source and import time, and
 * a table page (/data/tables/:name) with the first rows (GET /tables/{name}/preview, scrolling
 * sideways for wide tables) and column profiles (GET /tables/{name}/profile: type, nulls %,
 * distinct values, min/max and the top values as small bars).
 */
import { ArrowLeftOutlined, BarChartOutlined, FileExcelOutlined, ReloadOutlined, TableOutlined } from "@ant-design/icons";
import { Alert, App as AntApp, Button, Card, Col, Descriptions, Empty, Grid, Input, Row, Skeleton, Space, Table, Tabs, Tag, Tooltip, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useI18n } from "../i18n";
import { analyzeTable } from "./analyzeTable";
import { useDataT } from "./i18n";
import { duckTypeLabel, fmtCell, fmtTime, percent, typeKind } from "./types";

type TableInfo = Schemas["shuzhi__api__routers__tables__TableOut"];
type Profile = Schemas["TableProfile"];
type ColumnProfile = Schemas["ColumnProfile"];
type Rows = Schemas["TableRows"];

const KIND_COLORS: Record<string, string> = { text: "blue", integer: "green", decimal: "cyan", number: "cyan", date: "orange", timestamp: "gold", boolean: "purple" };

export function TypeTag({ type }: { type: string }) {
  const { lang } = useI18n();
  return (
    <Tooltip title={type}>
      <Tag color={KIND_COLORS[typeKind(type)]} style={{ marginInlineEnd: 0 }}>{duckTypeLabel(type, lang)}</Tag>
    </Tooltip>
  );
}

export function TablesList() {
  const t = useDataT();
  const { lang } = useI18n();
  const screens = Grid.useBreakpoint();
  const [tables, setTables] = useState<TableInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState("");
  const load = () => {
    setError(null);
    unwrap(api.GET("/api/v1/tables")).then(setTables, (e) => setError(errorMessage(e)));
  };
  useEffect(load, []);
  const shown = useMemo(() => {
    const s = q.trim().toLowerCase();
    if (!tables || !s) return tables ?? [];
    return tables.filter((x) => x.name.includes(s) || x.columns.some((c) => c.name.toLowerCase().includes(s) || (c.label ?? "").toLowerCase().includes(s)));
  }, [tables, q]);
  if (error) return <Alert type="error" showIcon message={error} action={<Button onClick={load}>{t("common.refresh")}</Button>} />;
  const phone = !screens.md;
  return (
    <div data-testid="tables-list">
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search allowClear placeholder={t("common.search")} onSearch={setQ} onChange={(e) => !e.target.value && setQ("")} style={{ width: phone ? "100%" : 280 }} data-testid="tables-search" />
        <Button icon={<ReloadOutlined />} onClick={load}>{t("common.refresh")}</Button>
      </Space>
      <Table<TableInfo>
        rowKey="name"
        size="middle"
        loading={!tables}
        dataSource={shown}
        pagination={shown.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        locale={{ emptyText: <Empty description={t("tables.empty")} /> }}
        scroll={phone ? { x: 520 } : undefined}
        columns={[
          {
            title: t("tables.name"), dataIndex: "name", sorter: (a, b) => a.name.localeCompare(b.name),
            render: (n: string) => <Link to={`/data/tables/${n}`} data-testid={`table-link-${n}`}><TableOutlined /> {n}</Link>,
          },
          { title: t("common.rows"), dataIndex: "rows", align: "right", sorter: (a, b) => a.rows - b.rows, render: (n: number) => n.toLocaleString(lang === "zh" ? "zh-CN" : "en") },
          { title: t("common.columns"), key: "cols", align: "right", responsive: ["sm"], render: (_, r) => r.columns.length },
          {
            title: t("tables.source"), key: "source",
            render: (_, r) => r.imported
              ? <span><FileExcelOutlined style={{ color: "#00b42a" }} /> {t("tables.sourceFile", { file: r.imported.source_file })}{r.imported.source_sheet ? ` · ${r.imported.source_sheet}` : ""}</span>
              : <Typography.Text type="secondary">{t("tables.sourceWarehouse")}</Typography.Text>,
          },
          { title: t("tables.importedAt"), key: "at", responsive: ["md"], render: (_, r) => fmtTime(r.imported?.imported_at) },
        ]}
      />
    </div>
  );
}

function TopBars({ col, rows }: { col: ColumnProfile; rows: number }) {
  if (!col.top.length) return <Typography.Text type="secondary">—</Typography.Text>;
  const max = Math.max(...col.top.map((x) => Number(x.count) || 0), 1);
  return (
    <div className="top-bars">
      {col.top.map((x, i) => (
        <div className="top-bar" key={i} title={`${fmtCell(x.value)}: ${x.count} (${percent(Number(x.count), rows)})`}>
          <span className="top-bar-label">{fmtCell(x.value)}</span>
          <span className="top-bar-track"><span className="top-bar-fill" style={{ width: `${(100 * Number(x.count)) / max}%` }} /></span>
          <span className="top-bar-count">{Number(x.count).toLocaleString()}</span>
        </div>
      ))}
    </div>
  );
}

function ProfileView({ profile }: { profile: Profile }) {
  const t = useDataT();
  return (
    <Row gutter={[12, 12]} data-testid="table-profile">
      {profile.columns.map((c) => (
        <Col xs={24} md={12} xl={8} key={c.name}>
          <Card size="small" className="profile-card" data-testid={`profile-${c.name}`}
            title={<Space size={6}><span>{c.label || c.name}</span>{c.label && c.label !== c.name && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.name}</Typography.Text>}</Space>}
            extra={<TypeTag type={c.type} />}>
            <Descriptions size="small" column={2} colon={false}>
              <Descriptions.Item label={t("tables.nulls")}>{percent(c.nulls, profile.rows)}</Descriptions.Item>
              <Descriptions.Item label={t("tables.distinct")}>{c.distinct.toLocaleString()}</Descriptions.Item>
              <Descriptions.Item label={t("tables.min")}><span className="ellipsis">{fmtCell(c.min) || "—"}</span></Descriptions.Item>
              <Descriptions.Item label={t("tables.max")}><span className="ellipsis">{fmtCell(c.max) || "—"}</span></Descriptions.Item>
            </Descriptions>
            <div className="field-label">{t("tables.top")}</div>
            <TopBars col={c} rows={profile.rows} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** A result grid: the columns' labels (or names) with their types, horizontal scroll for wide tables. */
export function RowsTable({ columns, rows, testId, height }: { columns: { name: string; type: string; label?: string | null }[]; rows: unknown[][]; testId?: string; height?: number }) {
  const data = useMemo(() => rows.map((r, i) => ({ __k: i, ...Object.fromEntries(columns.map((_, j) => [String(j), r[j]])) })), [rows, columns]);
  return (
    <Table
      data-testid={testId}
      size="small"
      rowKey="__k"
      bordered
      dataSource={data}
      pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      scroll={{ x: "max-content", y: height }}
      columns={columns.map((c, j) => ({
        key: String(j),
        dataIndex: String(j),
        title: (
          <div className="col-head">
            <div className="col-head-name">{c.label || c.name}</div>
            <div className="col-head-meta">{c.label && c.label !== c.name ? `${c.name} · ` : ""}{c.type}</div>
          </div>
        ),
        align: ["integer", "decimal", "number"].includes(typeKind(c.type)) || ["integer", "number"].includes(c.type) ? ("right" as const) : undefined,
        render: (v: unknown) => (v === null || v === undefined ? <span className="null-cell">NULL</span> : <span className="cell">{fmtCell(v)}</span>),
      }))}
    />
  );
}

export function TableDetail({ name }: { name: string }) {
  const t = useDataT();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const [info, setInfo] = useState<TableInfo | null>(null);
  const [rows, setRows] = useState<Rows | null>(null);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState("preview");
  useEffect(() => {
    setError(null);
    setRows(null);
    setProfile(null);
    const path = { params: { path: { name } } };
    unwrap(api.GET("/api/v1/tables/{name}/preview", { params: { path: { name }, query: { limit: 100 } } })).then(setRows, (e) => setError(errorMessage(e)));
    unwrap(api.GET("/api/v1/tables/{name}/profile", path)).then(setProfile, (e) => setError(errorMessage(e)));
    unwrap(api.GET("/api/v1/tables")).then((ts) => setInfo(ts.find((x) => x.name === name) ?? null), () => undefined);
  }, [name]);
  const imp = info?.imported;
  return (
    <div data-testid="table-detail">
      <Link to="/data" className="back-link"><ArrowLeftOutlined /> {t("common.back")}</Link>
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="table-title"><TableOutlined /> {name}</Typography.Title>
          <Space size={12} wrap style={{ marginTop: 4, color: "#86909c" }}>
            {info && <span data-testid="table-rows">{t("common.rowsN", { n: info.rows.toLocaleString() })}</span>}
            {info && <span>{info.columns.length} {t("common.columns")}</span>}
            {imp && <span><FileExcelOutlined /> {t("tables.sourceFile", { file: imp.source_file })}{imp.source_sheet ? ` · ${imp.source_sheet}` : ""}</span>}
            {imp && <span>{t("tables.importedAt")} {fmtTime(imp.imported_at)}{imp.imported_by ? ` · ${imp.imported_by}` : ""}</span>}
            {imp && imp.rejected > 0 && <Tag color="orange">{t("tables.rejected")} {imp.rejected}</Tag>}
          </Space>
        </div>
        <Button type="primary" icon={<BarChartOutlined />} data-testid="analyze-table" onClick={() => analyzeTable(name).then((to) => navigate(to)).catch((e) => message.error(errorMessage(e)))}>{t("tables.analyze")}</Button>
      </div>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Card bodyStyle={{ paddingTop: 4 }}>
        <Tabs activeKey={tab} onChange={setTab} items={[
          {
            key: "preview", label: <span data-testid="tab-table-preview">{t("tables.preview")}</span>,
            children: rows ? (
              <>
                <div className="field-label">{t("tables.firstRows", { n: rows.rows.length })}</div>
                <RowsTable columns={rows.columns as { name: string; type: string; label?: string }[]} rows={rows.rows} testId="table-preview" height={520} />
              </>
            ) : !error && <Skeleton active />,
          },
          {
            key: "profile", label: <span data-testid="tab-table-profile">{t("tables.profile")}</span>,
            children: profile ? <ProfileView profile={profile} /> : !error && <Skeleton active />,
          },
        ]} />
      </Card>
    </div>
  );
}
