/**
 * A chart component: ResultView with the server's effective chart config, a drill breadcrumb, and the
 * action bar a click opens (cross-filter by the element, drill into it, jump to another dashboard).
 */
import { CloseOutlined, FilterOutlined, InfoCircleOutlined, NodeExpandOutlined, SelectOutlined } from "@ant-design/icons";
import { Breadcrumb, Button, Space, Tooltip } from "antd";
import { useState } from "react";
import type { Cell } from "../../api/client";
import { ResultView, type ElementDatum } from "../../charts/ResultView";
import type { ChartConfig } from "../../charts/core/types";
import { breadcrumb } from "../drill";
import { useDT } from "../i18n";
import type { Component, ComponentData } from "../types";

export interface TileActions {
  cross?: (field: string, value: Cell) => void;
  activeCross?: Cell | undefined;
  drill?: (value: Cell) => void;
  drillTo?: (depth: number) => void;
  jump?: { label: string; go: (field: string, value: Cell) => void };
  levelLabel: (field: string) => string;
}

/** What a clicked element filters by: a model field (dataset.field) and its value. */
export function crossTarget(d: ElementDatum): ElementDatum | null {
  if (d.field.includes(".")) return d;
  if (d.series && d.series.field.includes(".")) return { ...d, field: d.series.field, value: d.series.value };
  return null;
}

export default function ChartTile({ component, data, height, theme, actions }: {
  component: Component;
  data: ComponentData;
  height: number;
  theme?: string;
  actions: TileActions;
}) {
  const { dt } = useDT();
  const [clicked, setPicked] = useState<ElementDatum | null>(null);
  // a click on a time axis (time_month…) filters by the series member (the plant of a line), never a period
  const picked = clicked ? crossTarget(clicked) : null;
  const crumbs = breadcrumb(data.drill, actions.levelLabel, dt("drill.all"));
  const nextLevel = data.drill && data.drill.can_drill ? actions.levelLabel(data.drill.levels[data.drill.level + 1]) : null;
  const interactive = !!(actions.cross || (actions.drill && data.drill?.can_drill) || actions.jump);
  const valueText = picked ? (picked.value === null ? "—" : String(picked.value)) : "";
  const label = picked && typeof picked.value === "string" && /^\d{4}-\d{2}-\d{2}/.test(picked.value) ? picked.value.slice(0, 7) : valueText;
  return (
    <div className="chart-tile">
      {(crumbs.length > 0 || data.ignored_filters.length > 0) && (
        <div className="chart-tile-sub">
          {crumbs.length > 0 && (
            <Breadcrumb
              data-testid={`breadcrumb-${component.id}`}
              items={crumbs.map((c, i) => ({
                title: i < crumbs.length - 1 ? <a onClick={() => actions.drillTo?.(c.depth)}>{c.label}</a> : c.label,
              }))}
            />
          )}
          {data.ignored_filters.length > 0 && (
            <Tooltip title={dt("view.ignored", { names: data.ignored_filters.map((x) => x.replace(/^cross:/, "")).join(", ") })}>
              <InfoCircleOutlined className="ignored-hint" />
            </Tooltip>
          )}
        </div>
      )}
      {clicked && picked && (
        <div className="chart-actions" data-testid={`actions-${component.id}`}>
          <Space size={4} wrap>
            {actions.cross && (
              <Button size="small" type="primary" icon={<FilterOutlined />} data-testid="action-cross" onClick={() => { actions.cross!(picked.field, picked.value); setPicked(null); }}>
                {actions.activeCross !== undefined && actions.activeCross === picked.value ? dt("action.uncross", { value: label }) : dt("action.cross", { value: label })}
              </Button>
            )}
            {actions.drill && data.drill?.can_drill && (
              <Button size="small" icon={<NodeExpandOutlined />} data-testid="action-drill" onClick={() => { actions.drill!(picked.value); setPicked(null); }}>
                {dt("action.drill", { value: label, level: nextLevel ?? "" })}
              </Button>
            )}
            {actions.jump && (
              <Button size="small" icon={<SelectOutlined />} data-testid="action-jump" onClick={() => actions.jump!.go(picked.field, picked.value)}>
                {dt("action.jump", { label: actions.jump.label })}
              </Button>
            )}
            <Button size="small" type="text" icon={<CloseOutlined />} aria-label={dt("action.close")} onClick={() => setPicked(null)} />
          </Space>
        </div>
      )}
      <div className="chart-tile-body" data-testid={`chart-${component.id}`}>
        {data.result && (
          <ResultView
            result={data.result}
            chart={data.chart as unknown as ChartConfig}
            height={height}
            theme={theme}
            spec={data.spec as never}
            onElementClick={interactive ? (d) => setPicked(d) : undefined}
          />
        )}
      </div>
    </div>
  );
}
