/**
 * A period without data says so: 「2026 年暂无数据，数据截至 2025-12-31」 with one click to the latest
 * period that has data; a dashboard whose default period was moved to the data says that too
 * (service/freshness.py decides; this only shows the answer's `freshness` / `periods`).
 */
import { Alert, Button, Tag, Tooltip } from "antd";
import { ClockCircleOutlined } from "@ant-design/icons";
import type { Schemas } from "../api/client";
import { useI18n } from "../i18n";
import "./freshness.css";
import { periodLabel } from "./period";
import { useFreshText } from "./text";

export type Freshness = Schemas["Freshness"];
export type PeriodState = Schemas["PeriodState"];
export type Period = Schemas["DataPeriod"];

/** 「数据截至 2025-12-31」 as a small tag. */
export function DataAsOf({ date }: { date?: string | null }) {
  const ft = useFreshText();
  if (!date) return null;
  return (
    <Tooltip title={ft("asOf", { date })}>
      <Tag icon={<ClockCircleOutlined />} bordered={false} className="data-as-of" data-testid="data-as-of">{ft("asOf", { date })}</Tag>
    </Tooltip>
  );
}

/** The message of an empty period and its button, for a whole answer (a page, a dashboard, a tile). */
export function EmptyPeriodNotice({ period, lastDate, firstDate, latest, onLatest, compact }: {
  period: Period | null | undefined;
  lastDate: string;
  firstDate?: string;
  latest: Period | null | undefined;
  onLatest?: (p: Period) => void;
  compact?: boolean;
}) {
  const ft = useFreshText();
  const { lang } = useI18n();
  const label = period ? periodLabel(period, lang) || ft("thisPeriod") : ft("thisPeriod");
  const before = !!(period?.end && firstDate && period.end < firstDate);
  const text = before ? ft("emptyBefore", { period: label, date: firstDate! }) : ft("emptyPeriod", { period: label, date: lastDate });
  const action = latest && onLatest ? (
    <Button size="small" type="primary" onClick={() => onLatest(latest)} data-testid="show-latest-period">
      {ft("showLatest", { period: periodLabel(latest, lang) })}
    </Button>
  ) : null;
  if (compact)
    return (
      <div className="empty-period-tile" data-testid="empty-period">
        <div>{text}</div>
        {action}
      </div>
    );
  return <Alert type="info" showIcon message={text} action={action} className="empty-period" data-testid="empty-period" />;
}

/** A dashboard's date filters: an anchored default, or a chosen period without data. */
export function PeriodNotices({ periods, onChoose }: { periods: Record<string, PeriodState> | undefined; onChoose: (id: string, p: Period | null) => void }) {
  const ft = useFreshText();
  const { lang } = useI18n();
  const entries = Object.entries(periods ?? {});
  return (
    <>
      {entries.map(([id, p]) => {
        if (p.anchored) {
          const asked = p.asked ? periodLabel(p.asked, lang) : "";
          return (
            <Alert key={id} type="info" showIcon className="empty-period" data-testid="period-anchored"
              message={ft("anchored", { period: asked || ft("thisPeriod"), shown: periodLabel(p, lang), date: p.last_date })}
              action={p.asked?.relative ? (
                <Button size="small" onClick={() => onChoose(id, { relative: p.asked!.relative })} data-testid="show-asked-period">
                  {ft("backToCurrent", { period: asked })}
                </Button>
              ) : null} />
          );
        }
        if (!p.empty) return null;
        return (
          <div key={id} style={{ marginBottom: 12 }}>
            <EmptyPeriodNotice period={p} lastDate={p.last_date} firstDate={p.first_date} latest={p.latest}
              onLatest={(l) => onChoose(id, { start: l.start, end: l.end })} />
          </div>
        );
      })}
    </>
  );
}
