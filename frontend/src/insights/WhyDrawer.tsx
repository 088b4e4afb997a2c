/**
 * 「为什么变化?」: POST /api/v1/explain for a metric between two periods, drawn as a waterfall
 * (before → the largest member contributions of the chosen dimension → after) and a ranked table.
 * The best-explaining dimension is shown first; the others are one click away.
 */
import { Alert, Drawer, Skeleton } from "antd";
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import { ExplanationView, type Explanation } from "./ExplanationView";
import { useText } from "./text";

export { tabs, type Explanation } from "./ExplanationView";

export interface WhyTarget {
  metric: string;
  to: string;
  from?: string;
  where?: object[];
  format?: "percent" | "number";
}

export function WhyDrawer({ target, onClose }: { target: WhyTarget | null; onClose: () => void }) {
  const tx = useText();
  const [data, setData] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!target) return;
    setData(null);
    setError(null);
    const body = { metric: target.metric, to: target.to, ...(target.from ? { from: target.from } : {}), where: (target.where ?? []) as never };
    unwrap(api.POST("/api/v1/explain", { body }))
      .then((d) => setData(d as unknown as Explanation))
      .catch((e) => setError(errorMessage(e)));
  }, [target]);

  return (
    <Drawer open={!!target} onClose={onClose} width={Math.min(760, window.innerWidth)} destroyOnClose
      title={data ? tx("whyTitle", { metric: data.label, to: data.to.period, from: data.from.period }) : tx("why")}>
      <div data-testid="why-drawer">
        {error && <Alert type="error" showIcon message={error} />}
        {!data && !error && <Skeleton active paragraph={{ rows: 8 }} />}
        {data && <ExplanationView data={data} />}
      </div>
    </Drawer>
  );
}
