/** One grid cell of a dashboard: the title bar and the component's body (chart, KPI, text, image or filter). */
import { Alert, Skeleton } from "antd";
import type { ReactNode } from "react";
import { useDT } from "./i18n";
import type { Component } from "./types";
import { ROW_HEIGHT } from "./layout";

export const MARGIN = 12;
export const HEADER = 34;

export function pixelHeight(h: number): number {
  return h * ROW_HEIGHT + (h - 1) * MARGIN;
}

export default function Tile({ component, children, loading, error, selected, extra, onSelect }: {
  component: Component;
  children?: ReactNode;
  loading?: boolean;
  error?: string | null;
  selected?: boolean;
  extra?: ReactNode;
  onSelect?: () => void;
}) {
  const { pick } = useDT();
  const title = pick(component.title, component.title_en);
  const bare = component.kind === "text" && !title;
  return (
    <div
      className={`dash-tile dash-tile-${component.kind}${selected ? " selected" : ""}`}
      data-testid={`tile-${component.id}`}
      onMouseDown={onSelect}
    >
      {!bare && (
        <div className="dash-tile-head drag-handle">
          <span className="dash-tile-title" title={title}>{title}</span>
          {extra}
        </div>
      )}
      <div className="dash-tile-body">
        {error ? <Alert type="error" showIcon message={error} /> : loading ? <Skeleton active paragraph={{ rows: 2 }} title={false} /> : children}
      </div>
    </div>
  );
}
