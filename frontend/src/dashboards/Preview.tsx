/** An editor preview of a chart or KPI component: its own spec through POST /query (no dashboard filters). */
import { Alert, Skeleton } from "antd";
import { useEffect, useState } from "react";
import { errorMessage, runQuery, type QueryResult } from "../api/client";
import { ResultView } from "../charts/ResultView";
import type { ChartConfig } from "../charts/core/types";
import KpiTile from "./components/KpiTile";
import type { Component } from "./types";

export default function Preview({ component, height }: { component: Component; height: number }) {
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(component.spec);
  useEffect(() => {
    let live = true;
    setResult(null);
    setError(null);
    const spec = component.spec as Record<string, unknown>;
    const q =
      component.kind === "kpi"
        ? { ...spec, metrics: [...(spec.metrics as string[]), ...(spec.time_range ? [{ name: "yoy", compute: { yoy: (spec.metrics as string[])[0] } }] : [])] }
        : spec;
    runQuery(q as never)
      .then((r) => live && setResult(r))
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, component.kind]);
  if (error) return <Alert type="warning" showIcon message={error} />;
  if (!result) return <Skeleton active paragraph={{ rows: 2 }} title={false} />;
  if (component.kind === "kpi") return <KpiTile result={result} spark={null} />;
  return <ResultView result={result} chart={(component.chart ?? { type: "table" }) as unknown as ChartConfig} height={height} />;
}
