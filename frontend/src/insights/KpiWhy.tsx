/**
 * 「为什么变化?」 on a KPI card: explains the metric's last complete month against the same month a
 * year before (the card shows 同比), in the WhyDrawer. "Last complete month" is the month before the
 * server's business date (GET /health → today), so a pinned SHUZHI_TODAY is respected.
 */
import { QuestionCircleOutlined } from "@ant-design/icons";
import { Button, Tooltip } from "antd";
import { useState } from "react";
import { api } from "../api/client";
import { useText } from "./text";
import { WhyDrawer, type WhyTarget } from "./WhyDrawer";

function monthLabel(y: number, m: number): string {
  const d = new Date(Date.UTC(y, m - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** `where`: filters the card's number has (a dashboard's non-period filters); `compact`: an icon only,
 * for a dashboard tile's head. */
export function KpiWhy({ metric, percent, where, compact }: { metric: string; percent?: boolean; where?: object[]; compact?: boolean }) {
  const tx = useText();
  const [target, setTarget] = useState<WhyTarget | null>(null);
  const open = async () => {
    const r = await api.GET("/api/v1/health").catch(() => null);
    const today = ((r?.data as { today?: string } | undefined)?.today ?? new Date().toISOString()).slice(0, 10);
    const [y, m] = today.split("-").map(Number);
    setTarget({ metric, to: monthLabel(y, m - 1), from: monthLabel(y - 1, m - 1), where, format: percent ? "percent" : "number" });
  };
  return (
    <>
      {compact ? (
        <Tooltip title={tx("whyKpi")}>
          <Button type="text" size="small" icon={<QuestionCircleOutlined />} onClick={() => void open()} aria-label={tx("why")}
            data-testid={`why-${metric}`} />
        </Tooltip>
      ) : (
        <Button type="link" size="small" icon={<QuestionCircleOutlined />} onClick={() => void open()} style={{ padding: 0, height: "auto" }}
          data-testid={`why-${metric}`}>{tx("why")}</Button>
      )}
      <WhyDrawer target={target} onClose={() => setTarget(null)} />
    </>
  );
}
