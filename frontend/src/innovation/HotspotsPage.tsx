/** /innovation/hotspots: rising and falling technology topics, white spaces, the technology map and a drill
 * to any topic's patents (GET /api/v1/rd/hotspots, /rd/whitespace, /rd/techmap, /rd/topics/{id}/patents). */
import { Alert, Card, Col, Grid, Row, Select, Space, Spin, Tabs, Typography } from "antd";
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { TopicDrill } from "./HotspotsDrill";
import { TopicList, WhiteSpaceList } from "./HotspotsLists";
import { TechMapView } from "./HotspotsMap";
import { useHotspotsText } from "./HotspotsText";

type Hot = Schemas["HotspotsOut"];
type White = Schemas["WhitespaceOut"];
type TechMap = Schemas["TechMapOut"];

export default function HotspotsPage() {
  const t = useHotspotsText();
  const phone = !Grid.useBreakpoint().md;
  // ?field=&years= (links from 问答 answers) start the filters; ?tab=whitespace scrolls to the white spaces
  const [params, setParams] = useSearchParams();
  const [field, setFieldState] = useState<string>(params.get("field") ?? "");
  const [years, setYearsState] = useState<number>(Number(params.get("years")) || 0);
  const whiteRef = useRef<HTMLDivElement>(null);
  const keep = (f: string, y: number) => {
    const next = new URLSearchParams(params);
    if (f) next.set("field", f); else next.delete("field");
    if (y) next.set("years", String(y)); else next.delete("years");
    setParams(next, { replace: true });
  };
  const setField = (f: string) => { setFieldState(f); keep(f, years); };
  const setYears = (y: number) => { setYearsState(y); keep(field, y); };
  const [hot, setHot] = useState<Hot | null>(null);
  const [white, setWhite] = useState<White | null>(null);
  const [map, setMap] = useState<TechMap | null>(null);
  const [fields, setFields] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ id: string; label: string } | null>(null);

  useEffect(() => {
    setError(null);
    setHot(null);
    setWhite(null);
    setMap(null);
    const query = { field: field || undefined, years: years || undefined };
    // the first request mines the patents (seconds); the others then read the kept result
    unwrap(api.GET("/api/v1/rd/hotspots", { params: { query } }))
      .then((h) => {
        setHot(h as Hot);
        setFields((h as Hot).fields);
        return Promise.all([
          unwrap(api.GET("/api/v1/rd/whitespace", { params: { query } })).then((w) => setWhite(w as White)),
          unwrap(api.GET("/api/v1/rd/techmap", { params: { query } })).then((m) => {
            setMap(m as TechMap);
          }),
        ]);
      })
      .catch((e) => setError(errorMessage(e)));
  }, [field, years]);

  const onDrill = (id: string, label: string) => setDrill({ id, label });
  useEffect(() => {
    if (white && params.get("tab") === "whitespace") whiteRef.current?.scrollIntoView({ block: "start" });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [white]);
  const method = hot?.method;
  const lists = hot && (
    <Tabs
      data-testid="hotspot-tabs"
      items={[
        { key: "rising", label: `${t("rising")} (${hot.rising.length})`, children: <TopicList rows={hot.rising} kind="rising" onDrill={onDrill} /> },
        { key: "falling", label: `${t("falling")} (${hot.falling.length})`, children: <TopicList rows={hot.falling} kind="falling" onDrill={onDrill} /> },
        { key: "steady", label: `${t("steady")} (${hot.steady.length})`, children: <TopicList rows={hot.steady} kind="steady" onDrill={onDrill} /> },
      ]}
    />
  );
  return (
    <div className="page hotspots-page" data-testid="hotspots-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t("title")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          data-testid="hs-field"
          style={{ width: 160 }}
          value={field}
          onChange={setField}
          aria-label={t("field")}
          options={[{ value: "", label: t("allFields") }, ...fields.map((f) => ({ value: f, label: f }))]}
        />
        <Select
          data-testid="hs-years"
          style={{ width: 130 }}
          value={years}
          onChange={setYears}
          aria-label={t("years")}
          options={[{ value: 0, label: t("allYears") }, ...[2, 3, 5].map((n) => ({ value: n, label: t("lastYears", { n }) }))]}
        />
      </Space>
      {error && <Alert type="error" showIcon message={t("loadError")} description={error} style={{ marginBottom: 12 }} />}
      {!hot && !error && <Spin size="large" style={{ display: "block", margin: "64px auto" }} />}
      {hot && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={13}>
            <Card title={t("rising") + " / " + t("falling")} size="small" extra={<span className="hs-hint">{t("patents", { n: hot.patents })}</span>}>
              <Typography.Paragraph type="secondary" className="hs-hint">{t("whyRising")}</Typography.Paragraph>
              {lists}
            </Card>
          </Col>
          <Col xs={24} xl={11}>
            <Card title={t("whitespace")} size="small" data-testid="whitespace-card" ref={whiteRef}>
              <Typography.Paragraph type="secondary" className="hs-hint">{t("whyWhite")}</Typography.Paragraph>
              {white ? <WhiteSpaceList rows={white.white_spaces} onDrill={onDrill} /> : <Spin />}
            </Card>
          </Col>
          <Col span={24}>
            <Card title={t("techmap")} size="small" data-testid="techmap-card">
              {map ? <TechMapView data={map} phone={phone} /> : <Spin />}
            </Card>
          </Col>
          {method && (
            <Col span={24}>
              <Typography.Text type="secondary" className="hs-hint">
                {t("method", { m: method.topics.toUpperCase(), s: Object.entries(method.scores).map(([k, v]) => `${k.toUpperCase()} ${v.coherence.toFixed(3)}`).join("，") })}
              </Typography.Text>
            </Col>
          )}
        </Row>
      )}
      <TopicDrill topic={drill} onClose={() => setDrill(null)} field={field || undefined} years={years || undefined} />
    </div>
  );
}
