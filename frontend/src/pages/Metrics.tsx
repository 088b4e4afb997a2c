/** 指标中心: search and filter metrics by tag and owner (GET /api/v1/metrics?q=&tag=&owner=). */
import { PlusOutlined, SafetyCertificateFilled, SearchOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Empty, Input, Row, Select, Skeleton, Space, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type MetricSummary } from "../api/client";
import { useCan } from "../auth";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/zh";

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  if (status === "certified")
    return (
      <Tag color="success" icon={<SafetyCertificateFilled />} bordered={false}>
        {t("metrics.certified")}
      </Tag>
    );
  return <Tag bordered={false}>{t(`metrics.${status}` as MessageKey) ?? status}</Tag>;
}

export default function MetricsPage() {
  const { t, pick, lang } = useI18n();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const tag = params.get("tag") ?? undefined;
  const owner = params.get("owner") ?? undefined;
  const [all, setAll] = useState<MetricSummary[]>([]);
  const [list, setList] = useState<MetricSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState(q);

  useEffect(() => {
    unwrap(api.GET("/api/v1/metrics")).then(setAll).catch((e) => setError(errorMessage(e)));
  }, []);
  useEffect(() => {
    setList(null);
    unwrap(api.GET("/api/v1/metrics", { params: { query: { q: q || undefined, tag, owner } } }))
      .then(setList)
      .catch((e) => setError(errorMessage(e)));
  }, [q, tag, owner]);

  const tags = useMemo(() => [...new Set(all.flatMap((m) => m.tags ?? []))].sort((a, b) => a.localeCompare(b, "zh-CN")), [all]);
  const owners = useMemo(() => [...new Set(all.map((m) => m.owner).filter(Boolean) as string[])].sort((a, b) => a.localeCompare(b, "zh-CN")), [all]);
  const set = (k: string, v: string | undefined) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t("metrics.title")}
          </Typography.Title>
          <Typography.Text type="secondary">{t("metrics.subtitle")}</Typography.Text>
        </div>
        {can("content:edit") ? (
          <Link to="/metrics/new/edit">
            <Button type="primary" icon={<PlusOutlined />} data-testid="metric-new">
              {lang === "en" ? "New metric" : "新建指标"}
            </Button>
          </Link>
        ) : null}
      </div>
      <Card size="small" className="filter-bar">
        <Space wrap size={12} style={{ width: "100%" }}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t("metrics.search")}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (!e.target.value) set("q", undefined);
            }}
            onPressEnter={() => set("q", text.trim() || undefined)}
            onBlur={() => set("q", text.trim() || undefined)}
            style={{ width: 300, maxWidth: "100%" }}
            data-testid="metric-search"
          />
          <Select allowClear placeholder={t("metrics.tag")} value={tag} onChange={(v) => set("tag", v)} style={{ width: 160 }} options={tags.map((x) => ({ value: x, label: x }))} />
          <Select allowClear placeholder={t("metrics.owner")} value={owner} onChange={(v) => set("owner", v)} style={{ width: 160 }} options={owners.map((x) => ({ value: x, label: x }))} />
          {list && <Typography.Text type="secondary">{t("metrics.count", { n: list.length })}</Typography.Text>}
        </Space>
        {tags.length > 0 && (
          <div className="tag-cloud">
            <Tag.CheckableTag checked={!tag} onChange={() => set("tag", undefined)}>
              {t("common.all")}
            </Tag.CheckableTag>
            {tags.map((x) => (
              <Tag.CheckableTag key={x} checked={tag === x} onChange={(c) => set("tag", c ? x : undefined)}>
                {x}
              </Tag.CheckableTag>
            ))}
          </div>
        )}
      </Card>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      {!list ? (
        <Skeleton active style={{ marginTop: 16 }} />
      ) : list.length === 0 ? (
        <Empty style={{ marginTop: 48 }} description={t("common.empty")} />
      ) : (
        <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
          {list.map((m) => (
            <Col xs={24} md={12} xl={8} key={m.name}>
              <Link to={`/metrics/${m.name}`} className="metric-card-link" data-testid={`metric-card-${m.name}`}>
                <Card size="small" hoverable className="metric-card">
                  <div className="metric-card-head">
                    <span className="metric-card-label">{pick(m.label, m.label_en)}</span>
                    <StatusBadge status={m.status} />
                  </div>
                  <div className="metric-card-name">
                    {m.name} · {t(`metrics.kind.${m.kind}` as MessageKey)}
                    {m.unit ? ` · ${m.unit}` : ""}
                  </div>
                  <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} className="metric-card-desc">
                    {m.description}
                  </Typography.Paragraph>
                  <div className="metric-card-foot">
                    <span>
                      {t("metrics.owner")}：{m.owner ?? "—"}
                    </span>
                    <span>
                      {(m.tags ?? []).map((x) => (
                        <Tag key={x} bordered={false} color="blue">
                          {x}
                        </Tag>
                      ))}
                    </span>
                  </div>
                </Card>
              </Link>
            </Col>
          ))}
        </Row>
      )}
    </div>
  );
}
