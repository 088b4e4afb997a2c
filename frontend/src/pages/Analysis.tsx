/**
 * 分析: the chart builder over the default semantic model: field list → shelves (行/X, 列/系列, 指标, 颜色,
 * 大小, 提示, 筛选) → the chosen chart type's QuerySpec (charts/types/<type>/buildQuery.ts) → ResultView, with
 * the type's controls (stacking, labels, number format, 目标线/警戒线…), view SQL and view data.
 */
import { CloseOutlined, CodeOutlined, MenuOutlined, ReloadOutlined, TableOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Drawer, Empty, Grid, InputNumber, Modal, Segmented, Select, Space, Spin, Tag, Typography, message } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, errorMessage, runQuery, unwrap, type QueryResult, type SemanticModel } from "../api/client";
import { columnLabel, englishLabels } from "../charts/buildOption";
import { DataTable, ResultView } from "../charts/ResultView";
import { useChartWhy } from "../insights/ChartWhy";
import { EditFromDashboardBar, loadForEdit, type EditTarget } from "./analysis/EditFromDashboard";
import { AnomalyToggle } from "../insights/AnomalyToggle";
import { ForecastToggle } from "../insights/ForecastToggle";
import { SaveToDashboardButton } from "../dashboards/SaveToDashboard";
import ExportMenu from "../exports/ExportMenu";
import { useCan } from "../auth";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/zh";
import { chartType } from "../charts/registry";
import { aggPick, type Aggregation } from "../charts/core/shelves";
import {
  GRAINS,
  buildChart,
  chartChoices,
  type BuilderState,
  type ChartOptions,
  type ChartType,
  type FieldRef,
  type Grain,
  type RangeKey,
} from "./analysis/builder";
import MetricPill from "./analysis/MetricPill";
import RangeTool from "./analysis/RangeTool";
import FieldPanel, { type FieldGroup } from "./analysis/FieldPanel";
import ChartControls from "./analysis/ChartControls";
import ChartPicker from "./analysis/ChartPicker";
import Shelf from "./analysis/Shelf";
import { DataAsOf, EmptyPeriodNotice } from "../freshness/EmptyPeriod";

type ShelfKey = "dims" | "series" | "color" | "size" | "tooltip" | "metrics" | "filters";

type ModelDef = SemanticModel;

const LONG = ["customer_name", "product_name", "supplier_name", "project_name", "title", "sales_rep", "owner", "production_line", "city"];

function FilterValues({ field, values, onChange }: { field: FieldRef; values: string[]; onChange: (v: string[]) => void }) {
  const { t } = useI18n();
  const [options, setOptions] = useState<string[] | null>(null);
  useEffect(() => {
    runQuery({ dimensions: [field.name], limit: 500 })
      .then((r) => setOptions(r.rows.map((x) => x[0]).filter((x) => x !== null).map(String)))
      .catch(() => setOptions([]));
  }, [field.name]);
  return (
    <Select
      mode="multiple"
      size="small"
      allowClear
      maxTagCount="responsive"
      placeholder={t("analysis.filterValues")}
      loading={!options}
      value={values}
      onChange={onChange}
      options={(options ?? []).map((v) => ({ value: v, label: v }))}
      style={{ minWidth: 160, maxWidth: 280 }}
      popupMatchSelectWidth={false}
    />
  );
}

export default function AnalysisPage() {
  const { t, pick, lang } = useI18n();
  const can = useCan();
  const [params] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const phone = !screens.lg;
  const [model, setModel] = useState<ModelDef | null>(null);
  const [aggs, setAggs] = useState<Record<string, { allowed: Aggregation[]; default: Aggregation }>>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [state, setState] = useState<BuilderState>({ dims: [], series: [], metrics: [], color: null, size: null, tooltip: [], filters: [], range: "this_year", sort: "none", limit: null });
  const [chartOptions, setChartOptions] = useState<Partial<Record<ChartType, ChartOptions>>>({});
  const [chosen, setChosen] = useState<ChartType | null>(null);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showData, setShowData] = useState(false);
  const [sqlOpen, setSqlOpen] = useState(false);
  const [fieldsOpen, setFieldsOpen] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    (async () => {
      const models = await unwrap(api.GET("/api/v1/models"));
      const name = (models.find((m) => m.is_default) ?? models[0])?.name;
      if (!name) throw new Error(t("common.empty"));
      const r = await unwrap(api.GET("/api/v1/models/{name}", { params: { path: { name } } }));
      setAggs(r.aggregations ?? {});
      setModel(r.definition);
    })().catch((e) => setLoadError(errorMessage(e)));
  }, [t]);

  const groups: FieldGroup[] = useMemo(() => {
    if (!model) return [];
    const metrics: FieldRef[] = model.metrics.filter((m) => !m.hidden).map((m) => ({ kind: "metric", name: m.name, label: m.label, labelEn: m.label_en, format: m.format }));
    for (const m of model.metrics) if (m.label_en) englishLabels.set(m.name, m.label_en);
    const time: FieldRef[] = [{ kind: "time", name: "time", label: t("analysis.timeField"), labelEn: t("analysis.timeField"), type: "date" }];
    const shared: FieldRef[] = (model.shared_dimensions ?? []).map((d) => ({ kind: "dimension", name: d.name, label: d.label ?? d.name, labelEn: d.label_en, type: "string" }));
    const ds: FieldGroup[] = model.datasets.map((d) => ({
      key: `ds:${d.name}`,
      label: pick(d.label ?? d.name, d.label_en),
      // dimensions (dates as time) and measures (only inside metrics: to 指标 with an aggregation)
      fields: d.fields
        .filter((f) => f.dimension !== false || aggs[`${d.name}.${f.name}`])
        .map((f) => {
          const a = aggs[`${d.name}.${f.name}`];
          const kind = f.dimension === false ? "measure" : f.type === "date" || f.type === "timestamp" ? "time" : "dimension";
          return { kind, name: `${d.name}.${f.name}`, label: f.label ?? f.name, labelEn: f.label_en, type: f.type, ...(a ? { aggs: a.allowed, defaultAgg: a.default } : {}) } as FieldRef;
        }),
    }));
    return [
      { key: "metrics", label: t("analysis.metricsGroup"), fields: metrics },
      { key: "time", label: t("analysis.timeGroup"), fields: time },
      ...(shared.length ? [{ key: "shared", label: t("analysis.sharedGroup"), fields: shared }] : []),
      ...ds,
    ];
  }, [model, aggs, t, pick]);

  // ?dashboard=NAME&component=ID: edit that dashboard chart here (its spec back onto the shelves)
  const [editTarget, setEditTarget] = useState<EditTarget | null>(null);
  useEffect(() => {
    const dashboard = params.get("dashboard");
    const component = params.get("component");
    if (!model || !dashboard || !component) return;
    loadForEdit(dashboard, component, groups.flatMap((g) => g.fields))
      .then(({ target, loaded }) => {
        setEditTarget(target);
        setState(loaded.shelves);
        setChosen(loaded.type as ChartType);
        setChartOptions({ [loaded.type]: loaded.options } as Partial<Record<ChartType, ChartOptions>>);
      })
      .catch((e) => setLoadError(errorMessage(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model]);

  // ?metric=revenue (from a metric page) starts with that metric by month (&range=all: over all dates)
  useEffect(() => {
    if (!model || params.get("dashboard")) return;
    const m = params.get("metric") ?? "revenue";
    const def = model.metrics.find((x) => x.name === m) ?? model.metrics[0];
    if (!def) return;
    const metric: FieldRef = { kind: "metric", name: def.name, label: def.label, labelEn: def.label_en, format: def.format };
    const region = model.datasets.find((d) => d.name === "customers")?.fields.find((f) => f.name === "region");
    const dims = params.get("metric") || !region
      ? [{ field: { kind: "time", name: "time", label: t("analysis.timeField"), type: "date" } as FieldRef, grain: "month" as Grain }]
      : [{ field: { kind: "dimension", name: "customers.region", label: region.label ?? "region", labelEn: region.label_en, type: "string" } as FieldRef }];
    // ?range=all: data of any age (an imported file's dates need not be recent)
    const range: RangeKey = params.get("range") === "all" ? "all" : params.get("metric") ? "last_12_months" : "this_year";
    setState((s) => ({ ...s, metrics: [{ field: metric }], dims, range }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model]);

  const longLabels = !!result && (state.dims.some((d) => LONG.includes(d.field.name.split(".").pop() ?? "")) || result.rows.some((r) => String(r[0] ?? "").length > 6));
  const { fits, recommended } = chartChoices(state, result?.rows.length, longLabels);
  const type: ChartType = chosen && fits[chosen] ? chosen : recommended;
  const built = useMemo(() => buildChart(state, type, chartOptions[type] ?? {}, longLabels), [state, type, chartOptions, longLabels]);
  const spec = built.spec;
  const rec = built.chart;
  const specKey = JSON.stringify(spec);
  const [forecastShown, setForecastShown] = useState(false);
  const [anomaliesShown, setAnomaliesShown] = useState(false);
  const why = useChartWhy(spec, result?.columns.find((c) => c.role === "metric")?.format === "percent");

  const run = useCallback(() => {
    if (!state.metrics.length && !state.dims.length) {
      setResult(null);
      return;
    }
    const my = ++seq.current;
    setRunning(true);
    setError(null);
    runQuery(spec)
      .then((r) => my === seq.current && setResult(r))
      .catch((e) => {
        if (my !== seq.current) return;
        setError(errorMessage(e));
        setResult(null);
        message.error(errorMessage(e));
      })
      .finally(() => my === seq.current && setRunning(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [specKey]);
  useEffect(() => {
    const h = setTimeout(run, 150);
    return () => clearTimeout(h);
  }, [run]);

  const addField = (f: FieldRef, shelf?: ShelfKey) => {
    const target = shelf ?? (f.kind === "metric" || f.kind === "measure" ? "metrics" : "dims");
    setChosen(null);
    setState((s) => {
      const grainOfNew: Grain | undefined = f.kind === "time" ? "month" : undefined;
      if (target === "size") return f.kind === "metric" ? { ...s, size: { field: f } } : s;
      if (target === "tooltip") return f.kind !== "metric" || (s.tooltip ?? []).some((m) => m.field.name === f.name) ? s : { ...s, tooltip: [...(s.tooltip ?? []), { field: f }] };
      if (target === "color") return f.kind === "metric" ? s : { ...s, color: { field: f, grain: grainOfNew } };
      if (target === "series") {
        if (f.kind === "metric" || (s.series ?? []).some((d) => d.field.name === f.name) || s.dims.some((d) => d.field.name === f.name)) return s;
        return { ...s, series: [...(s.series ?? []), { field: f, grain: grainOfNew }] };
      }
      if (target === "metrics") {
        // a dataset field becomes an ad-hoc aggregate (the pill's menu), when the model allows one
        const m = f.kind === "metric" ? { field: f } : f.aggs?.length ? aggPick(f) : null;
        if (!m || s.metrics.some((x) => x.field.name === m.field.name)) return s;
        return { ...s, metrics: [...s.metrics, m] };
      }
      if (f.kind === "measure") return s; // measures only go to 指标
      if (target === "filters") {
        if (f.kind === "metric" || f.name === "time" || s.filters.some((x) => x.field.name === f.name)) return s;
        return { ...s, filters: [...s.filters, { field: f, values: [] }] };
      }
      if (f.kind === "metric" || s.dims.some((d) => d.field.name === f.name)) return s;
      const grain: Grain | undefined = f.kind === "time" ? "month" : undefined;
      // one time axis at a time: a new time field replaces the old one
      const dims = grain ? s.dims.filter((d) => !d.grain) : s.dims;
      return { ...s, dims: [...dims, { field: f, grain }] };
    });
    if (phone) setFieldsOpen(false);
  };

  const timeDim = state.dims.find((d) => d.grain);
  const setGrain = (g: Grain | "none") =>
    setState((s) => {
      if (g === "none") return { ...s, dims: s.dims.filter((d) => !d.grain) };
      if (s.dims.some((d) => d.grain)) return { ...s, dims: s.dims.map((d) => (d.grain ? { ...d, grain: g } : d)) };
      return { ...s, dims: [{ field: { kind: "time", name: "time", label: t("analysis.timeField"), type: "date" }, grain: g }, ...s.dims] };
    });


  if (loadError) return <div className="page"><Alert type="error" showIcon message={loadError} /></div>;
  if (!model) return <div className="page"><Spin style={{ display: "block", margin: "20vh auto" }} /></div>;

  const panel = <FieldPanel groups={groups} onPick={(f) => addField(f)} />;
  const label = (f: FieldRef) => pick(f.label, f.labelEn);

  return (
    <div className="analysis-page">
      {!phone && <aside className="analysis-fields"><div className="panel-title">{t("analysis.fields")}</div>{panel}</aside>}
      {phone && (
        <Drawer open={fieldsOpen} onClose={() => setFieldsOpen(false)} placement="left" width={300} title={t("analysis.fields")}>
          {panel}
        </Drawer>
      )}
      <section className="analysis-main">
        <div className="analysis-head">
          <Space>
            {phone && <Button icon={<MenuOutlined />} onClick={() => setFieldsOpen(true)}>{t("analysis.fieldsButton")}</Button>}
            <Typography.Title level={4} style={{ margin: 0 }}>{t("analysis.title")}</Typography.Title>
          </Space>
          <Space wrap>
            <Button icon={<ReloadOutlined />} onClick={run} loading={running}>{t("analysis.run")}</Button>
            {can("data:raw") && <Button icon={<CodeOutlined />} disabled={!result?.sql} onClick={() => setSqlOpen(true)} data-testid="view-sql">{t("analysis.viewSql")}</Button>}
            <SaveToDashboardButton spec={spec} chart={rec as never} disabled={!result} title={(result?.columns ?? []).filter((c) => c.role === "metric").map((c) => c.label ?? c.name).join("、")} />
            <Button icon={<TableOutlined />} type={showData ? "primary" : "default"} ghost={showData} disabled={!result} onClick={() => setShowData((v) => !v)} data-testid="view-data">{t("analysis.viewData")}</Button>
            {result && <ExportMenu spec={spec} testid="analysis-export"
              chartRoot={type === "table" ? undefined : () => document.querySelector<HTMLElement>('[data-testid="analysis-chart"]')} />}
          </Space>
        </div>
        <Card size="small" className="shelves">
          <Shelf title={pick("行 / X 轴", "Rows / X")} testId="shelf-dimensions" onDropField={(f) => addField(f, "dims")} empty={!state.dims.length}>
            {state.dims.map((d) => (
              <Tag key={d.field.name} className="chip dim" closable onClose={() => setState((s) => ({ ...s, dims: s.dims.filter((x) => x !== d) }))}>
                {label(d.field)}
                {d.grain && (
                  <Select size="small" variant="borderless" value={d.grain} popupMatchSelectWidth={false} onChange={(g) => setGrain(g)}
                    options={GRAINS.map((g) => ({ value: g, label: t(`analysis.grain.${g}` as MessageKey) }))} />
                )}
              </Tag>
            ))}
          </Shelf>
          <Shelf title={pick("列 / 系列", "Columns / series")} testId="shelf-series" onDropField={(f) => addField(f, "series")} empty={!state.series?.length}>
            {(state.series ?? []).map((d) => (
              <Tag key={d.field.name} className="chip dim" closable onClose={() => setState((s) => ({ ...s, series: (s.series ?? []).filter((x) => x !== d) }))}>
                {label(d.field)}
                {d.grain && (
                  <Select size="small" variant="borderless" value={d.grain} popupMatchSelectWidth={false} onChange={(g: Grain) => setState((s) => ({ ...s, series: (s.series ?? []).map((x) => (x === d ? { ...x, grain: g } : x)) }))}
                    options={GRAINS.map((g) => ({ value: g, label: t(`analysis.grain.${g}` as MessageKey) }))} />
                )}
              </Tag>
            ))}
          </Shelf>
          <Shelf title={t("analysis.shelf.metrics")} testId="shelf-metrics" onDropField={(f) => addField(f, "metrics")} empty={!state.metrics.length}>
            {state.metrics.map((m) => (
              <MetricPill key={m.field.name} m={m}
                onClose={() => setState((s) => ({ ...s, metrics: s.metrics.filter((x) => x !== m) }))}
                onChange={(n) => setState((s) => ({ ...s, metrics: s.metrics.some((x) => x !== m && x.field.name === n.field.name) ? s.metrics : s.metrics.map((x) => (x === m ? n : x)) }))} />
            ))}
          </Shelf>
          <div className="shelf-row">
            <Shelf title={pick("颜色", "Colour")} testId="shelf-color" onDropField={(f) => addField(f, "color")} empty={!state.color}>
              {state.color && <Tag className="chip dim" closable onClose={() => setState((s) => ({ ...s, color: null }))}>{label(state.color.field)}</Tag>}
            </Shelf>
            <Shelf title={pick("大小", "Size")} testId="shelf-size" onDropField={(f) => addField(f, "size")} empty={!state.size}>
              {state.size && <Tag className="chip metric" closable onClose={() => setState((s) => ({ ...s, size: null }))}>{label(state.size.field)}</Tag>}
            </Shelf>
            <Shelf title={pick("提示", "Tooltip")} testId="shelf-tooltip" onDropField={(f) => addField(f, "tooltip")} empty={!state.tooltip?.length}>
              {(state.tooltip ?? []).map((m) => (
                <Tag key={m.field.name} className="chip metric" closable onClose={() => setState((s) => ({ ...s, tooltip: (s.tooltip ?? []).filter((x) => x !== m) }))}>{label(m.field)}</Tag>
              ))}
            </Shelf>
          </div>
          <Shelf title={t("analysis.shelf.filters")} testId="shelf-filters" onDropField={(f) => addField(f, "filters")} empty={!state.filters.length}>
            {state.filters.map((f) => (
              <span key={f.field.name} className="filter-chip">
                <span className="filter-name">{label(f.field)}</span>
                <FilterValues field={f.field} values={f.values} onChange={(v) => setState((s) => ({ ...s, filters: s.filters.map((x) => (x === f ? { ...x, values: v } : x)) }))} />
                <Button size="small" type="text" icon={<CloseOutlined />} onClick={() => setState((s) => ({ ...s, filters: s.filters.filter((x) => x !== f) }))} />
              </span>
            ))}
          </Shelf>
        </Card>
        <Card size="small" className="toolbar">
          <Space wrap size={[16, 8]}>
            <span className="tool"><span className="tool-label">{t("analysis.grain")}</span>
              <Select size="small" value={timeDim?.grain ?? "none"} onChange={setGrain} style={{ width: 110 }} data-testid="grain"
                options={[{ value: "none", label: t("analysis.grain.none") }, ...GRAINS.map((g) => ({ value: g, label: t(`analysis.grain.${g}` as MessageKey) }))]} />
            </span>
            <RangeTool state={state} onChange={(range, dates) => setState((s) => ({ ...s, range, dates }))} />
            <span className="tool"><span className="tool-label">{t("analysis.sort")}</span>
              <Segmented size="small" value={state.sort} onChange={(v) => setState((s) => ({ ...s, sort: v as BuilderState["sort"] }))}
                options={(["none", "desc", "asc"] as const).map((v) => ({ value: v, label: t(`analysis.sort.${v}` as MessageKey) }))} />
            </span>
            <span className="tool"><span className="tool-label">{t("analysis.topN")}</span>
              <InputNumber size="small" min={1} max={1000} value={state.limit} placeholder="—" onChange={(v) => setState((s) => ({ ...s, limit: v ? Number(v) : null, sort: v && s.sort === "none" ? "desc" : s.sort }))} style={{ width: 80 }} data-testid="topn" />
            </span>
          </Space>
        </Card>
        <Card size="small" className="chart-card"
          title={
            <ChartPicker value={type} fits={fits} recommended={recommended} onChange={(c) => setChosen(c)} />
          }
          extra={result && <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("analysis.rows", { n: result.rows.length })}
            {result.timings_ms ? ` · ${t("analysis.timing", { ms: Math.round(Object.values(result.timings_ms).reduce((a, b) => a + b, 0)) })}` : ""}
            {result.cached ? ` · ${t("analysis.cached")}` : ""}
            {result.truncated ? ` · ${t("analysis.truncated")}` : ""}
            {result.freshness && !result.freshness.empty ? <> <DataAsOf date={result.freshness.last_date} /></> : null}
          </Typography.Text>}
        >
          <ChartControls key={type} controls={chartType(type).controls} value={chartOptions[type] ?? {}} effective={rec} onChange={(o) => setChartOptions((m) => ({ ...m, [type]: o }))}
            columns={(result?.columns ?? []).filter((c) => c.role === "metric").map((c) => ({ value: c.name, label: columnLabel(c, lang) }))} />
          {editTarget && <EditFromDashboardBar target={editTarget} spec={spec} chart={rec} />}
          {result?.freshness?.empty && (
            // a period with no data yet says so, with one click to the latest period that has data
            <div style={{ marginBottom: 12 }}>
              <EmptyPeriodNotice period={result.freshness.period} lastDate={result.freshness.last_date} firstDate={result.freshness.first_date}
                latest={result.freshness.latest}
                onLatest={(p) => setState((s) => ({ ...s, range: "custom", dates: { start: p.start ?? null, end: p.end ?? null } }))} />
            </div>
          )}
          {error && <div data-testid="analysis-error"><Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /></div>}
          {!state.metrics.length && !state.dims.length ? (
            <Empty description={t("analysis.empty")} style={{ padding: 48 }} />
          ) : !result ? (
            // waiting for the first answer; after a refusal the message above stands alone (no endless spinner)
            error ? null : <Spin style={{ display: "block", margin: "80px auto" }} data-testid="analysis-loading" />
          ) : (
            <Spin spinning={running}>
              <div data-testid="analysis-chart" style={forecastShown || anomaliesShown ? { display: "none" } : undefined}>
                <ResultView key={type + lang} result={result} chart={rec} spec={spec} height={phone ? 300 : 400}
                  onElementClick={type === "line" || type === "area" ? why.onElementClick : undefined} /></div>
            </Spin>
          )}
          {result && (type === "line" || type === "area") && <ForecastToggle spec={spec} onShown={setForecastShown} />}
          {result && (type === "line" || type === "area") && <AnomalyToggle spec={spec} onShown={setAnomaliesShown} />}
          {why.drawer}
          {showData && result && <div style={{ marginTop: 16 }} data-testid="analysis-table"><DataTable result={result} pageSize={10} /></div>}
        </Card>
      </section>
      <Modal open={sqlOpen} onCancel={() => setSqlOpen(false)} title={t("analysis.viewSql")} width={860}
        footer={[<Button key="copy" onClick={() => { void navigator.clipboard?.writeText(result?.sql ?? ""); message.success(t("common.copied")); }}>{t("common.copy")}</Button>,
          <Button key="close" type="primary" onClick={() => setSqlOpen(false)}>{t("common.close")}</Button>]}>
        <pre className="code-block sql" data-testid="sql-text">{result?.sql}</pre>
      </Modal>
    </div>
  );
}
