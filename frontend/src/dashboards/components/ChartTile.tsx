/**
 * A chart component: ResultView with the server's effective chart config, a drill breadcrumb, and the
 * action bar a click opens (cross-filter by the element, drill into it, jump to another dashboard).
 *
 * Touch (phones, tablets): a tap only selects the element and opens the action bar; nothing runs until
 * the person taps an action. The bar opens on the half of the tile away from the finger, and its
 * buttons act only after a press that began on the bar itself (touchGuard.ts), so the tap that opened it
 * — its late click included — can never run an action. A mouse click behaves as before.
 */
import { CloseOutlined, FilterOutlined, InfoCircleOutlined, NodeExpandOutlined, SelectOutlined } from "@ant-design/icons";
import { Breadcrumb, Button, Space, Tooltip } from "antd";
import { useRef, useState } from "react";
import type { Cell } from "../../api/client";
import { ResultView, type ElementDatum } from "../../charts/ResultView";
import type { ChartConfig } from "../../charts/core/types";
import { breadcrumb } from "../drill";
import { openedBy, pressedOn, type Opening, type Press } from "../touchGuard";
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
  const [clicked, setClicked] = useState<ElementDatum | null>(null);
  const press = useRef<Press | null>(null);
  const [opening, setOpening] = useState<Opening | null>(null);
  const tileRef = useRef<HTMLDivElement>(null);
  const setPicked = (d: ElementDatum | null) => {
    setClicked(d);
    setOpening(d ? openedBy(press.current, tileRef.current?.getBoundingClientRect() ?? null) : null);
  };
  /** Runs an action unless the bar was opened by a touch and this click is not a fresh press on the bar. */
  const act = (run: () => void) => () => {
    if (opening?.touch && !opening.armed) return;
    run();
  };
  // a click on a time axis (time_month…) filters by the series member (the plant of a line), never a period
  const picked = clicked ? crossTarget(clicked) : null;
  const crumbs = breadcrumb(data.drill, actions.levelLabel, dt("drill.all"));
  const nextLevel = data.drill && data.drill.can_drill ? actions.levelLabel(data.drill.levels[data.drill.level + 1]) : null;
  const interactive = !!(actions.cross || (actions.drill && data.drill?.can_drill) || actions.jump);
  const valueText = picked ? (picked.value === null ? "—" : String(picked.value)) : "";
  const label = picked && typeof picked.value === "string" && /^\d{4}-\d{2}-\d{2}/.test(picked.value) ? picked.value.slice(0, 7) : valueText;
  return (
    <div className="chart-tile" ref={tileRef}
      onPointerDownCapture={(e) => { press.current = { type: e.pointerType, y: e.clientY, at: e.timeStamp }; }}
      onTouchStartCapture={(e) => { press.current = { type: "touch", y: e.touches[0]?.clientY ?? 0, at: e.timeStamp }; }}>
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
        <div className={`chart-actions${opening?.touch && opening.below ? " chart-actions-bottom" : ""}`} data-testid={`actions-${component.id}`}
          data-armed={opening?.touch ? String(opening.armed) : undefined}
          onPointerDown={(e) => { e.stopPropagation(); setOpening((o) => (o ? pressedOn(o, e.timeStamp) : o)); }}
          onTouchStart={(e) => { e.stopPropagation(); setOpening((o) => (o ? pressedOn(o, e.timeStamp) : o)); }}>
          <Space size={4} wrap>
            {actions.cross && (
              <Button size="small" type="primary" icon={<FilterOutlined />} data-testid="action-cross" onClick={act(() => { actions.cross!(picked.field, picked.value); setPicked(null); })}>
                {actions.activeCross !== undefined && actions.activeCross === picked.value ? dt("action.uncross", { value: label }) : dt("action.cross", { value: label })}
              </Button>
            )}
            {actions.drill && data.drill?.can_drill && (
              <Button size="small" icon={<NodeExpandOutlined />} data-testid="action-drill" onClick={act(() => { actions.drill!(picked.value); setPicked(null); })}>
                {dt("action.drill", { value: label, level: nextLevel ?? "" })}
              </Button>
            )}
            {actions.jump && (
              <Button size="small" icon={<SelectOutlined />} data-testid="action-jump" onClick={act(() => actions.jump!.go(picked.field, picked.value))}>
                {dt("action.jump", { label: actions.jump.label })}
              </Button>
            )}
            <Button size="small" type="text" icon={<CloseOutlined />} aria-label={dt("action.close")} onClick={act(() => setPicked(null))} />
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
