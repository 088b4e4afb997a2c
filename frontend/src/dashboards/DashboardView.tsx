/**
 * 仪表板查看: one POST /dashboards/{key}/data answers every component with the viewer's filters,
 * cross-filters (click an element → 联动) and drill paths; the layout is the saved grid, stacked in
 * reading order on phones; themes light / dark / 大屏 (full screen).
 */
import { ArrowLeftOutlined, CopyOutlined, EditOutlined, MailOutlined, ExpandOutlined, LineChartOutlined, StarFilled, StarOutlined, WarningOutlined } from "@ant-design/icons";
import { Alert, App, Button, Grid, Segmented, Space, Spin, Tag, Tooltip, Typography } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import GridLayout, { WidthProvider } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import "./dashboards.css";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import type { Cell } from "../api/client";
import { useAuth, useCan } from "../auth";
import { errorMessage } from "../api/client";
import { PALETTE } from "../charts/echarts";
import { columnFormat } from "../format";
import ExportMenu from "../exports/ExportMenu";
import { DataAsOf, EmptyPeriodNotice, PeriodNotices } from "../freshness/EmptyPeriod";
import { TileAnomalies } from "../insights/AnomalyToggle";
import { forecastable } from "../insights/forecastChart";
import { KpiWhy } from "../insights/KpiWhy";
import { useText } from "../insights/text";
import { TileForecast } from "../insights/TileForecast";
import { dashboardData, duplicateDashboard, getDashboard, modelInfo, setFavourite, type ModelInfo } from "./api";
import ChartTile from "./components/ChartTile";
import { FilterControl } from "./components/FilterBar";
import ImageTile from "./components/ImageTile";
import KpiTile from "./components/KpiTile";
import TextTile from "./components/TextTile";
import { drillDown, drillUp } from "./drill";
import DashboardExport from "./DashboardExport";
import { useDT, type DashKey } from "./i18n";
import { useFreshText } from "../freshness/text";
import { COLS, gridItems, phoneLayout, ROW_HEIGHT } from "./layout";
import { carryFilters, clearCross, decodeFilters, emptyState, encodeFilters, requestBody, setFilter, toggleCross, type ViewState } from "./linkage";
import SubscribeDialog from "./SubscribeDialog";
import PeopleShareButton from "./share/PeopleShare";
import { useSubscribeText } from "./subscribeText";
import { filtersLine, renderReady } from "./printView";
import { registerThemes, theme as themeOf, type ThemeKey } from "./themes";
import ShareButton from "./share/ShareDialog";
import Tile, { HEADER, MARGIN, pixelHeight } from "./Tile";
import type { Component, DashboardData, DashboardOut } from "./types";

const Grid24 = WidthProvider(GridLayout);

export function useLevelLabel(model: ModelInfo | null) {
  const { lang } = useDT();
  return useCallback(
    (field: string) => {
      const f = model?.fields.get(field);
      return f ? (lang === "en" && f.label_en ? f.label_en : f.label) : field.split(".").pop() ?? field;
    },
    [model, lang],
  );
}

export default function DashboardView() {
  const canEdit = useCan()("content:edit");  // duplicating makes a dashboard of one's own
  const { me } = useAuth();
  const { key = "" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { dt, pick } = useDT();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [dash, setDash] = useState<DashboardOut | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [state, setState] = useState<ViewState>(() => ({ ...emptyState(), filters: decodeFilters(params.get("f")) }));
  const [data, setData] = useState<DashboardData | null>(null);
  const [dataError, setDataError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [themeKey, setThemeKey] = useState<ThemeKey>("light");
  const [model, setModel] = useState<ModelInfo | null>(null);
  /** Line-chart tiles showing their forecast or their anomalies instead of the chart. */
  const [insightOf, setInsightOf] = useState<Record<string, "forecast" | "anomalies">>({});
  const tx = useText();
  const ft = useFreshText();
  const seq = useRef(0);
  const levelLabel = useLevelLabel(model);
  const st = useSubscribeText();
  const [subscribing, setSubscribing] = useState(false);
  /** Print mode (?print=1): what the PDF/PNG exports open — no buttons, a header with the filters applied. */
  const print = params.get("print") === "1";
  const rootRef = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    registerThemes();
    modelInfo().then(setModel).catch(() => setModel(null));
  }, []);

  const fetchData = useCallback((name: string, st: ViewState) => {
    const n = ++seq.current;
    setBusy(true);
    dashboardData(name, requestBody(st))
      .then((d) => {
        if (n !== seq.current) return;
        setData(d);
        setDataError(null);
      })
      .catch((e) => n === seq.current && setDataError(errorMessage(e)))
      .finally(() => n === seq.current && setBusy(false));
  }, []);
  const initialFetched = useRef(false);

  useEffect(() => {
    setDash(null);
    setData(null);
    setLoadError(null);
    const initial = { ...emptyState(), filters: decodeFilters(params.get("f")) };
    setState(initial);
    // the data does not need the definition: ask for both at once (one round trip less)
    initialFetched.current = true;
    fetchData(key, initial);
    getDashboard(key, !print) // a render is no view of the dashboard
      .then((d) => {
        setDash(d);
        setThemeKey((d.theme as ThemeKey) ?? "light");
      })
      .catch((e) => setLoadError(errorMessage(e)));
    // params are read once per dashboard (a jump navigates to a new key)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const dashName = dash?.name;
  useEffect(() => {
    if (!dashName) return;
    if (initialFetched.current) {
      initialFetched.current = false; // the request started with the definition's
      return;
    }
    fetchData(dashName, state);
  }, [dashName, state, fetchData]);

  // data-render-ready="1" once the data is here and every chart has drawn (printView.renderReady).
  useEffect(() => {
    setReady(false);
    if (!dash || !data || busy) return;
    const id = window.setInterval(() => {
      if (rootRef.current && renderReady(rootRef.current)) {
        setReady(true);
        window.clearInterval(id);
      }
    }, 100);
    return () => window.clearInterval(id);
  }, [dash, data, busy]);

  const th = themeOf(themeKey);
  useEffect(() => {
    if (themeKey !== "screen") {
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
      return;
    }
    const onEsc = (e: KeyboardEvent) => e.key === "Escape" && setThemeKey((dash?.theme as ThemeKey) === "screen" ? "dark" : ((dash?.theme as ThemeKey) ?? "light"));
    window.addEventListener("keydown", onEsc);
    return () => window.removeEventListener("keydown", onEsc);
  }, [themeKey, dash]);

  const def = dash?.definition;
  const components = useMemo(() => def?.components ?? [], [def]);
  const layout = useMemo(() => (phone ? phoneLayout(components) : gridItems(components)), [components, phone]);
  const heights = useMemo(() => new Map(layout.map((l) => [l.i, l.h])), [layout]);
  /** A default period without data was moved to the latest period with data (service/freshness.py): show that. */
  const anchored = (c: Component) => {
    const p = data?.periods?.[c.id];
    return p?.anchored ? { start: p.start, end: p.end } : undefined;
  };
  const filterValue = (c: Component) => (c.id in state.filters ? state.filters[c.id] : anchored(c) ?? c.filter?.default ?? null);

  const jump = async (c: Component, field: string, value: Cell) => {
    if (!c.link || !def) return;
    try {
      const target = await getDashboard(c.link.dashboard, false);
      const fieldOf = Object.fromEntries(def.components.filter((x) => x.filter).map((x) => [x.id, x.filter!.field]));
      const current = Object.fromEntries(def.components.filter((x) => x.filter).map((x) => [x.id, filterValue(x)]));
      const targets = target.definition.components.filter((x) => x.filter).map((x) => ({ id: x.id, field: x.filter!.field, control: x.filter!.control }));
      const carried = c.link.pass_filters ? carryFilters({ filters: current, fieldOf }, targets, { field, value }) : {};
      navigate(`/dashboards/${target.name}${Object.keys(carried).length ? `?f=${encodeFilters(carried)}` : ""}`);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  /** A line or area chart of one metric over time can be forecast in its tile. */
  const canForecast = (c: Component) => {
    const d = data?.components[c.id];
    return !!(d?.result && (d.chart?.type === "line" || d.chart?.type === "area") && forecastable(d.spec as never));
  };
  /** A chart or table tile's 「导出」: its effective spec (the tile's current filters, cross-filters and drill
   * level, as the data endpoint answered it) as Excel / CSV, and a chart's drawn PNG. */
  const exportMenu = (c: Component) => {
    const d = data?.components[c.id];
    if (c.kind !== "chart" || !d?.result || !d.spec) return null;
    const root = () => document.querySelector<HTMLElement>(`[data-testid="tile-${c.id}"] .dash-tile-body`);
    const background = () => { const el = root(); return el ? getComputedStyle(el).backgroundColor : "#ffffff"; };
    return (
      <ExportMenu compact spec={d.spec} title={pick(c.title, c.title_en) || undefined} testid={`export-${c.id}`}
        chartRoot={d.chart?.type === "table" ? undefined : root} background={themeKey === "light" ? "#ffffff" : background()} />
    );
  };
  /** Tile head buttons: 为什么变化? on KPI cards, 预测 on forecastable line charts, 导出 on charts and tables. */
  const headExtra = (c: Component) => {
    if (print) return null;
    const d = data?.components[c.id];
    if (!d?.result) return null;
    if (c.kind === "kpi") {
      const m = (d.spec.metrics as (string | { name: string })[] | undefined)?.[0];
      const name = typeof m === "string" ? m : m?.name;
      return name ? <KpiWhy metric={name} compact percent={columnFormat(d.result.columns[0]) === "percent"} where={d.spec.where as object[] | undefined} /> : null;
    }
    if (!canForecast(c)) return exportMenu(c);
    const toggle = (kind: "forecast" | "anomalies") =>
      setInsightOf((m) => { const n = { ...m }; if (n[c.id] === kind) delete n[c.id]; else n[c.id] = kind; return n; });
    return (
      <Space size={2}>
        <Tooltip title={tx("anomalyHint")}>
          <Button type={insightOf[c.id] === "anomalies" ? "primary" : "text"} size="small" icon={<WarningOutlined />}
            data-testid={`anomalies-${c.id}`} aria-label={tx("anomaly")} onClick={() => toggle("anomalies")}>{phone ? null : tx("anomaly")}</Button>
        </Tooltip>
        <Tooltip title={tx("forecastHint")}>
          <Button type={insightOf[c.id] === "forecast" ? "primary" : "text"} size="small" icon={<LineChartOutlined />}
            data-testid={`forecast-${c.id}`} aria-label={tx("forecastTile")} onClick={() => toggle("forecast")}>{phone ? null : tx("forecastTile")}</Button>
        </Tooltip>
        {exportMenu(c)}
      </Space>
    );
  };

  const body = (c: Component, i: number) => {
    const h = heights.get(c.id) ?? c.pos.h;
    if (c.kind === "text") return <TextTile text={pick(c.text, c.text_en)} />;
    if (c.kind === "image") return <ImageTile src={c.image ?? ""} alt={c.alt} />;
    if (c.kind === "filter" && c.filter)
      return <FilterControl f={c.filter} value={filterValue(c)} onChange={(v) => setState((s) => setFilter(s, c.id, v))} />;
    const d = data?.components[c.id];
    if (!d) return null;
    if (d.error) return <Alert type="warning" showIcon message={d.error.message} />;
    if (!d.result) return null;
    if (c.kind === "kpi")
      return <KpiTile result={d.result} spark={d.spark} higherIsBetter={c.kpi?.higher_is_better ?? true} color={PALETTE[i % PALETTE.length]} theme={th.echarts}
        windows={d.windows} empty={!!d.freshness?.empty} />;
    if (d.freshness?.empty)
      return <EmptyPeriodNotice compact period={d.freshness.period} lastDate={d.freshness.last_date} firstDate={d.freshness.first_date} latest={null} />;
    const active = state.cross.find((x) => x.source === c.id);
    if (insightOf[c.id] === "forecast" && canForecast(c))
      return <TileForecast spec={d.spec as never} height={pixelHeight(h) - HEADER - 12} theme={th.echarts} />;
    if (insightOf[c.id] === "anomalies" && canForecast(c))
      return <TileAnomalies spec={d.spec as never} height={pixelHeight(h) - HEADER - 12} theme={th.echarts} />;
    return (
      <ChartTile
        component={c}
        data={d}
        height={pixelHeight(h) - HEADER - 12 - (d.drill?.path.length || d.ignored_filters.length ? 22 : 0)}
        theme={th.echarts}
        actions={{
          levelLabel,
          activeCross: active?.value,
          cross: c.cross_filter === false ? undefined : (field, value) => setState((s) => ({ ...s, cross: toggleCross(s.cross, { source: c.id, field, value }) })),
          drill: d.drill ? (value) => setState((s) => ({ ...s, drill: drillDown(s.drill, c.id, d.drill, value), cross: clearCross(s.cross, c.id) })) : undefined,
          drillTo: (depth) => setState((s) => ({ ...s, drill: drillUp(s.drill, c.id, depth) })),
          jump: c.link ? { label: pick(c.link.label, c.link.label_en) || c.link.dashboard, go: (f, v) => void jump(c, f, v) } : undefined,
        }}
      />
    );
  };

  if (loadError) return <Alert type="error" showIcon message={dt("view.loadFailed")} description={loadError} style={{ margin: 24 }} />;
  if (!dash || !def) return <Spin size="large" style={{ display: "block", marginTop: "20vh" }} />;
  const crossLabel = (source: string) => pick(def.components.find((x) => x.id === source)?.title, def.components.find((x) => x.id === source)?.title_en);

  return (
    <div ref={rootRef} className={`dash-page ${th.className}${themeKey === "screen" ? " dash-screen" : ""}${print ? " dash-print" : ""}`} data-testid="dashboard-view"
      data-loading={busy ? "1" : "0"} data-render-ready={ready ? "1" : "0"}>
      {print ? (
        <div className="dash-print-head" data-testid="print-head">
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="dashboard-title">{pick(def.title, def.title_en)}</Typography.Title>
          <div className="dash-print-meta">
            <span data-testid="print-filters">
              {dt("print.filters")}
              {filtersLine(def.components.filter((x) => x.kind === "filter" && x.filter), filterValue, (x) => pick(x.filter?.label ?? x.title, x.filter?.label_en ?? x.title_en) || x.id,
                (r) => dt(`range.${r}` as DashKey)) || dt("print.noFilters")}
            </span>
            {data?.last_date && <span data-testid="print-as-of">{ft("asOf", { date: data.last_date })}</span>}
          </div>
        </div>
      ) : (
      <div className="dash-head">
        <Space size={8} align="center" wrap>
          {themeKey !== "screen" && (
            <Link to="/dashboards">
              <Button type="text" icon={<ArrowLeftOutlined />} aria-label="back" />
            </Link>
          )}
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="dashboard-title">
            {pick(def.title, def.title_en)}
          </Typography.Title>
          <DataAsOf date={data?.last_date} />
          <Tooltip title={dash.favourite ? dt("fav.remove") : dt("fav.add")}>
            <Button
              type="text"
              data-testid="favourite"
              icon={dash.favourite ? <StarFilled style={{ color: "#faad14" }} /> : <StarOutlined />}
              onClick={() => setFavourite(dash.name, !dash.favourite).then(() => setDash({ ...dash, favourite: !dash.favourite }))}
            />
          </Tooltip>
        </Space>
        <Space size={8} wrap>
          <Segmented
            size="small"
            value={themeKey}
            onChange={(v) => {
              setThemeKey(v as ThemeKey);
              if (v === "screen") void document.documentElement.requestFullscreen?.().catch(() => undefined);
            }}
            options={[
              { value: "light", label: dt("theme.light") },
              { value: "dark", label: dt("theme.dark") },
              { value: "screen", label: <span><ExpandOutlined /> {dt("theme.screen")}</span> },
            ]}
            data-testid="theme-switch"
          />
          {themeKey !== "screen" && dash.can_edit && (
            <Button size="small" icon={<EditOutlined />} onClick={() => navigate(`/dashboards/${dash.name}/edit`)} data-testid="edit-dashboard">
              {dt("view.edit")}
            </Button>
          )}
          {themeKey !== "screen" && <DashboardExport name={dash.name} filters={state.filters} />}
          {themeKey !== "screen" && dash.can_edit && <ShareButton dashboard={dash.name} title={pick(def.title, def.title_en)} phone={phone} />}
          {themeKey !== "screen" && dash.can_edit && (me?.role === "admin" || me?.username === dash.owner) && (
            <PeopleShareButton dashboard={dash.name} title={pick(def.title, def.title_en)} phone={phone} />
          )}
          {themeKey !== "screen" && canEdit && (
            <Button size="small" icon={<MailOutlined />} onClick={() => setSubscribing(true)} data-testid="subscribe">
              {st("subscribe")}
            </Button>
          )}
          {themeKey !== "screen" && canEdit && (
            <Button
              size="small"
              icon={<CopyOutlined />}
              onClick={() =>
                duplicateDashboard(dash.name)
                  .then((c) => {
                    message.success(dt("view.duplicated", { title: c.title }));
                    navigate(`/dashboards/${c.name}`);
                  })
                  .catch((e) => message.error(errorMessage(e)))
              }
            >
              {dt("view.duplicate")}
            </Button>
          )}
        </Space>
      </div>
      )}
      {canEdit && subscribing && (
        <SubscribeDialog dashboard={dash.name} title={pick(def.title, def.title_en)} components={components} phone={phone} open={subscribing}
          onClose={() => setSubscribing(false)}
          filters={Object.fromEntries(components.filter((c) => c.kind === "filter").map((c) => [c.id, filterValue(c)]))} />
      )}
      {def.description && themeKey !== "screen" && !print && (
        <Typography.Paragraph type="secondary" className="dash-desc" ellipsis={{ rows: 1, expandable: true }}>
          {pick(def.description, def.description_en)}
        </Typography.Paragraph>
      )}
      {state.cross.length > 0 && (
        <div className="dash-cross" data-testid="cross-filters">
          {dt("view.crossActive")}
          {state.cross.map((x) => (
            <Tag key={x.source} closable color="blue" onClose={() => setState((s) => ({ ...s, cross: clearCross(s.cross, x.source) }))}>
              {crossLabel(x.source)}: {x.value === null ? "—" : String(x.value)}
            </Tag>
          ))}
          <Button size="small" type="link" onClick={() => setState((s) => ({ ...s, cross: [] }))} data-testid="clear-cross">
            {dt("view.clearAll")}
          </Button>
        </div>
      )}
      {dataError && <Alert type="error" showIcon message={dataError} style={{ marginBottom: 12 }} />}
      <PeriodNotices periods={data?.periods} onChoose={(id, v) => setState((s) => setFilter(s, id, v))} />
      <Grid24
        className="dash-grid"
        layout={layout}
        cols={COLS}
        rowHeight={ROW_HEIGHT}
        margin={[MARGIN, MARGIN]}
        containerPadding={[0, 0]}
        isDraggable={false}
        isResizable={false}
        useCSSTransforms={false}
        compactType={null}
      >
        {components.map((c, i) => (
          <div key={c.id}>
            <Tile component={c} loading={(c.kind === "chart" || c.kind === "kpi") && !data} extra={headExtra(c)}>
              {body(c, i)}
            </Tile>
          </div>
        ))}
      </Grid24>
    </div>
  );
}
