/**
 * 立项与分配 (/innovation/allocate): every proposal and running project with its priority score and parts,
 * the best portfolio under a budget and headcount (POST /api/v1/rd/allocate, solved exactly on the server),
 * what-if by moving the budget slider or the headcount (debounced re-solve), must / exclude per row, totals
 * and the marginal value of 100万 and of one engineer. ?budget=&headcount= set the starting point (answers link here).
 */
import { Alert, Card, Checkbox, Col, Grid, InputNumber, Row, Segmented, Select, Slider, Space, Spin, Statistic, Table, Tag, Typography } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { AllocateParts, PART_COLORS } from "./AllocateParts";
import { useAllocateText } from "./AllocateText";

type Out = Schemas["AllocateOut"];
type Candidate = Schemas["Candidate"];
type Mode = "auto" | "must" | "exclude";
const STEP = 1_000_000; // the slider moves in 100万

export default function AllocatePage() {
  const { lang, pick } = useI18n();
  const at = useAllocateText();
  const phone = !Grid.useBreakpoint().md;
  // ?budget=元&headcount=N (links from answers to questions) start the what-if there; else rd_capacity's plan
  const [params] = useSearchParams();
  const start = (k: string) => {
    const v = Number(params.get(k) ?? "");
    return params.get(k) && Number.isFinite(v) && v >= 0 ? (k === "headcount" ? Math.round(v) : v) : null;
  };
  const [budget, setBudget] = useState<number | null>(() => start("budget"));
  const [heads, setHeads] = useState<number | null>(() => start("headcount"));
  const [modes, setModes] = useState<Record<string, Mode>>({});
  const [keepRunning, setKeepRunning] = useState(false);
  const [data, setData] = useState<Out | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const money = (v: number) => formatValue(v, "currency", lang);

  const body = useMemo(() => ({
    budget, headcount: heads, keep_running: keepRunning,
    must: Object.keys(modes).filter((k) => modes[k] === "must"),
    exclude: Object.keys(modes).filter((k) => modes[k] === "exclude"),
  }), [budget, heads, keepRunning, modes]);

  useEffect(() => {
    const n = ++seq.current;
    setLoading(true);
    const timer = window.setTimeout(() => {
      unwrap(api.POST("/api/v1/rd/allocate", { body: body as never }))
        .then((d) => {
          if (n !== seq.current) return;
          const out = d as Out;
          setData(out);
          setError(null);
          if (budget === null) setBudget(out.budget);
          if (heads === null) setHeads(out.headcount);
        })
        .catch((e) => n === seq.current && setError(errorMessage(e)))
        .finally(() => n === seq.current && setLoading(false));
    }, data === null ? 0 : 350);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [body]);

  const maxBudget = useMemo(() => {
    if (!data) return 100 * STEP;
    const all = data.candidates.reduce((s, c) => s + c.cost, 0);
    const cap = data.capacity?.budget ?? data.budget;
    return Math.max(STEP, Math.ceil(Math.max(cap * 1.5, Math.min(all, cap * 3), data.budget) / STEP) * STEP);
  }, [data]);

  const setMode = (id: string, m: Mode) => setModes((old) => {
    const next = { ...old };
    if (m === "auto") delete next[id];
    else next[id] = m;
    return next;
  });

  const modeOptions = [{ value: "auto", label: at("auto") }, { value: "must", label: at("must") }, { value: "exclude", label: at("exclude") }];
  const columns = [
    { title: at("rank"), dataIndex: "rank", width: 44, responsive: ["md" as const] },
    {
      title: at("name"), key: "name",
      render: (_: unknown, c: Candidate) => (
        <div>
          <div className="alloc-name">{c.name}</div>
          <Space size={4} wrap>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.id}</Typography.Text>
            <Tag color={c.kind === "running" ? "purple" : "blue"} style={{ marginInlineEnd: 0 }}>{at(c.kind)}</Tag>
            {!phone && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.tech_field} · {c.rd_layer}</Typography.Text>}
          </Space>
          {phone && <AllocateParts c={c} />}
        </div>
      ),
    },
    { title: at("score"), dataIndex: "score", width: 64, render: (v: number) => v.toFixed(1) },
    { title: at("parts"), key: "parts", width: 140, responsive: ["md" as const], render: (_: unknown, c: Candidate) => <AllocateParts c={c} /> },
    {
      title: at("costCol"), dataIndex: "cost", width: phone ? 76 : 110,
      render: (v: number, c: Candidate) => (
        <span title={c.kind === "running" ? at("remaining") : undefined}>{money(v)}</span>
      ),
    },
    { title: at("heads"), dataIndex: "headcount", width: 56, render: (v: number, c: Candidate) => `${v}${c.estimated.includes("headcount") ? "*" : ""}` },
    {
      title: at("decision"), key: "decision", width: phone ? 80 : 190,
      render: (_: unknown, c: Candidate) => (
        <Space direction={phone ? "vertical" : "horizontal"} size={4}>
          <Tag color={c.chosen ? "green" : undefined} data-testid={`allocate-chosen-${c.id}`} data-chosen={c.chosen ? "1" : "0"}>
            {c.chosen ? at("in") : at("out")}
          </Tag>
          <div data-testid={`allocate-mode-${c.id}`}>
            {phone ? (
              <Select size="small" style={{ width: 72 }} value={modes[c.id] ?? "auto"} onChange={(v) => setMode(c.id, v as Mode)}
                options={modeOptions} popupMatchSelectWidth={false} />
            ) : (
              <Segmented size="small" value={modes[c.id] ?? "auto"} onChange={(v) => setMode(c.id, v as Mode)} options={modeOptions} />
            )}
          </div>
        </Space>
      ),
    },
  ];

  const tot = data?.totals;
  const marginalText = (key: "budget_100wan" | "one_engineer") => {
    const m = data?.marginal[key];
    if (!m) return "";
    const ids = (xs: string[]) => (xs.length > 4 ? `${xs.slice(0, 4).join("、")} … (${xs.length})` : xs.join("、"));
    const moves = [m.added.length ? at("added", { ids: ids(m.added) }) : "", m.dropped.length ? at("dropped", { ids: ids(m.dropped) }) : ""].filter(Boolean);
    return moves.length ? moves.join("，") : at("none");
  };
  return (
    <div className="page alloc-page" data-testid="allocate-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{at("title")}</Typography.Title>
      <Typography.Paragraph type="secondary">{at("intro")}</Typography.Paragraph>
      <Card size="small" className="alloc-controls">
        <Row gutter={[16, 8]} align="middle">
          <Col xs={24} md={14}>
            <div className="alloc-label">
              {at("budget")}：<b data-testid="allocate-budget-value">{budget === null ? "—" : money(budget)}</b>
            </div>
            <div data-testid="allocate-budget-slider"><Slider
              min={0} max={maxBudget} step={STEP} value={budget ?? 0} disabled={budget === null}
              tooltip={{ formatter: (v) => money(v ?? 0) }}
              onChange={(v) => setBudget(v as number)}
            /></div>
          </Col>
          <Col xs={12} md={5}>
            <div className="alloc-label">{at("headcount")}</div>
            <InputNumber data-testid="allocate-headcount" min={0} max={100000} precision={0} value={heads ?? undefined}
              onChange={(v) => v !== null && setHeads(v)} style={{ width: "100%" }} />
          </Col>
          <Col xs={12} md={5}>
            <Checkbox checked={keepRunning} onChange={(e) => setKeepRunning(e.target.checked)} data-testid="allocate-keep-running">
              {at("keepRunning")}
            </Checkbox>
          </Col>
        </Row>
        {data && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="allocate-pool">
            {data.capacity ? at("capacity", { budget: money(data.capacity.budget), heads: data.capacity.headcount }) + " " : ""}
            {at("need", { n: data.running_need.projects, cost: money(data.running_need.cost), heads: data.running_need.headcount })}
          </Typography.Text>
        )}
      </Card>
      {error && <Alert type="error" showIcon message={error} style={{ margin: "12px 0" }} data-testid="allocate-error" />}
      {tot && data && (
        <Row gutter={[12, 12]} style={{ margin: "12px 0" }} data-testid="allocate-totals">
          <Col xs={12} md={4}><Card size="small"><Statistic title={at("chosen")} value={`${tot.proposals_chosen} + ${tot.running_chosen} / ${tot.candidates}`} valueStyle={{ fontSize: 20 }} /><span data-testid="allocate-total-chosen" hidden>{tot.chosen}</span></Card></Col>
          <Col xs={12} md={4}><Card size="small"><Statistic title={at("totalScore")} value={tot.score.toFixed(1)} valueStyle={{ fontSize: 20 }} /></Card></Col>
          <Col xs={12} md={4}><Card size="small"><Statistic title={at("cost")} value={money(tot.cost)} valueStyle={{ fontSize: 20 }} /></Card></Col>
          <Col xs={12} md={4}><Card size="small"><Statistic title={at("unspent")} value={money(data.unspent_budget)} valueStyle={{ fontSize: 20 }} /></Card></Col>
          <Col xs={12} md={4}><Card size="small"><Statistic title={at("people")} value={`${tot.headcount} / ${data.headcount}`} valueStyle={{ fontSize: 20 }} /></Card></Col>
          <Col xs={12} md={4}>
            <Card size="small" data-testid="allocate-marginal">
              <div className="alloc-label">{at("marginalBudget")}: <b>+{data.marginal.budget_100wan.score_gain.toFixed(1)}</b></div>
              <div className="alloc-hint">{marginalText("budget_100wan")}</div>
              <div className="alloc-label">{at("marginalPeople")}: <b>+{data.marginal.one_engineer.score_gain.toFixed(1)}</b></div>
              <div className="alloc-hint">{marginalText("one_engineer")}</div>
            </Card>
          </Col>
        </Row>
      )}
      {data && (
        <div className="alloc-legend">
          {data.candidates[0]?.parts.map((p) => (
            <span key={p.name}><i style={{ background: PART_COLORS[p.name] }} />{pick(p.label, p.label_en)} {Math.round(p.weight * 100)}%</span>
          ))}
        </div>
      )}
      <Spin spinning={loading && data !== null} tip={at("loading")}>
        <Table<Candidate>
          data-testid="allocate-table"
          rowKey="id"
          size="small"
          loading={data === null && loading}
          dataSource={data?.candidates ?? []}
          columns={columns}
          pagination={false}
          rowClassName={(c) => (c.chosen ? "alloc-row-chosen" : "")}
          onRow={(c) => ({ "data-testid": `allocate-row-${c.id}` } as never)}
          scroll={{ x: phone ? 360 : undefined }}
        />
      </Spin>
      {data && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8 }}>
          {at("solver", { method: data.solver.method, s: data.solver.seconds })}
        </Typography.Paragraph>
      )}
    </div>
  );
}
