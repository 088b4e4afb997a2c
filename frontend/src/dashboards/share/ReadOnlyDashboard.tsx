/**
 * A dashboard read-only, for pages opened without an account (share link, embed): the same tiles,
 * grid, filters, cross-filters (联动) and drill as DashboardView, but nothing that reaches beyond the
 * page — no edit, favourite, duplicate, jump to another dashboard, forecast or 为什么变化?. Data and
 * filter options come from the page's own calls (publicApi.ts). Phones get the stacked layout.
 */
import { Alert, Grid, Spin, Tag, Typography, Button } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import GridLayout, { WidthProvider } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import "../dashboards.css";
import { errorMessage } from "../../api/client";
import { PALETTE } from "../../charts/echarts";
import { DataAsOf, EmptyPeriodNotice, PeriodNotices } from "../../freshness/EmptyPeriod";
import ChartTile from "../components/ChartTile";
import { FilterControl, ValuesContext, type ValuesSource } from "../components/FilterBar";
import ImageTile from "../components/ImageTile";
import KpiTile from "../components/KpiTile";
import TextTile from "../components/TextTile";
import { drillDown, drillUp } from "../drill";
import { useDT } from "../i18n";
import { COLS, gridItems, phoneLayout, ROW_HEIGHT } from "../layout";
import { clearCross, emptyState, requestBody, setFilter, toggleCross, type ViewState } from "../linkage";
import { registerThemes, theme as themeOf, type ThemeKey } from "../themes";
import Tile, { HEADER, MARGIN, pixelHeight } from "../Tile";
import type { Component, DashboardData } from "../types";
import type { PublicDashboard } from "./publicApi";

const Grid24 = WidthProvider(GridLayout);

export default function ReadOnlyDashboard({ dash, load, values, chrome = true, onError }: {
  dash: PublicDashboard;
  load: (body: object) => Promise<DashboardData>;
  values: ValuesSource;
  /** The title bar (off for a single embedded chart). */
  chrome?: boolean;
  /** A data call failed as a whole (e.g. the link was revoked meanwhile). */
  onError?: (e: unknown) => void;
}) {
  const { dt, pick } = useDT();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [state, setState] = useState<ViewState>(emptyState);
  const [data, setData] = useState<DashboardData | null>(null);
  const [dataError, setDataError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const th = themeOf((dash.theme as ThemeKey) === "screen" ? "dark" : ((dash.theme as ThemeKey) ?? "light"));

  useEffect(() => registerThemes(), []);
  const fetchData = useCallback((st: ViewState) => {
    const n = ++seq.current;
    setBusy(true);
    load(requestBody(st))
      .then((d) => {
        if (n !== seq.current) return;
        setData(d);
        setDataError(null);
      })
      .catch((e) => {
        if (n !== seq.current) return;
        setDataError(errorMessage(e));
        onError?.(e);
      })
      .finally(() => n === seq.current && setBusy(false));
  }, [load, onError]);
  useEffect(() => fetchData(state), [state, fetchData]);

  const def = dash.definition;
  const components = useMemo(() => def.components ?? [], [def]);
  const layout = useMemo(() => (phone ? phoneLayout(components) : gridItems(components)), [components, phone]);
  const heights = useMemo(() => new Map(layout.map((l) => [l.i, l.h])), [layout]);
  const anchored = (c: Component) => {
    const p = data?.periods?.[c.id];
    return p?.anchored ? { start: p.start, end: p.end } : undefined;
  };
  const filterValue = (c: Component) => (c.id in state.filters ? state.filters[c.id] : anchored(c) ?? c.filter?.default ?? null);
  const levelLabel = useCallback((field: string) => field.split(".").pop() ?? field, []);

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
    return (
      <ChartTile
        component={c}
        data={d}
        height={pixelHeight(h) - HEADER - 12 - (d.drill?.path.length || d.ignored_filters.length ? 22 : 0)}
        theme={th.echarts}
        actions={{
          levelLabel,
          activeCross: active?.value,
          cross: c.cross_filter === false || components.length === 1 ? undefined : (field, value) => setState((s) => ({ ...s, cross: toggleCross(s.cross, { source: c.id, field, value }) })),
          drill: d.drill ? (value) => setState((s) => ({ ...s, drill: drillDown(s.drill, c.id, d.drill, value), cross: clearCross(s.cross, c.id) })) : undefined,
          drillTo: (depth) => setState((s) => ({ ...s, drill: drillUp(s.drill, c.id, depth) })),
        }}
      />
    );
  };

  const crossLabel = (source: string) => pick(def.components.find((x) => x.id === source)?.title, def.components.find((x) => x.id === source)?.title_en);
  return (
    <ValuesContext.Provider value={values}>
      <div className={`dash-page ${th.className}`} data-testid="public-dashboard" data-loading={busy ? "1" : "0"}>
        {chrome && (
          <div className="dash-head">
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="dashboard-title">
              {pick(dash.title, dash.title_en)}
            </Typography.Title>
            <DataAsOf date={data?.last_date} />
          </div>
        )}
        {state.cross.length > 0 && (
          <div className="dash-cross" data-testid="cross-filters">
            {dt("view.crossActive")}
            {state.cross.map((x) => (
              <Tag key={x.source} closable color="blue" onClose={() => setState((s) => ({ ...s, cross: clearCross(s.cross, x.source) }))}>
                {crossLabel(x.source)}: {x.value === null ? "—" : String(x.value)}
              </Tag>
            ))}
            <Button size="small" type="link" onClick={() => setState((s) => ({ ...s, cross: [] }))}>{dt("view.clearAll")}</Button>
          </div>
        )}
        {dataError && <Alert type="error" showIcon message={dataError} style={{ marginBottom: 12 }} />}
        <PeriodNotices periods={data?.periods} onChoose={(id, v) => setState((s) => setFilter(s, id, v))} />
        {!data && !dataError && <Spin style={{ display: "block", margin: "12px auto" }} />}
        <Grid24 className="dash-grid" layout={layout} cols={COLS} rowHeight={ROW_HEIGHT} margin={[MARGIN, MARGIN]} containerPadding={[0, 0]}
          isDraggable={false} isResizable={false} useCSSTransforms={false} compactType={null}>
          {components.map((c, i) => (
            <div key={c.id}>
              <Tile component={c} loading={(c.kind === "chart" || c.kind === "kpi") && !data}>{body(c, i)}</Tile>
            </div>
          ))}
        </Grid24>
      </div>
    </ValuesContext.Provider>
  );
}
