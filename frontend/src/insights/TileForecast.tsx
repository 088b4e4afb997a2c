/**
 * A dashboard line chart's forecast (the tile head's 预测 toggle): the metric's history with the next
 * `horizon` periods and their 80 % / 95 % bands, drawn in the tile's place at the tile's height, with the
 * chosen model and its backtest error underneath. The dashboard's filters apply (`where`); its period
 * filter does not, since a forecast needs the whole history (said under the chart).
 */
import { Alert, Skeleton, Tooltip, Typography } from "antd";
import { useMemo } from "react";
import type { QuerySpec } from "../api/client";
import { EChart } from "../charts/ResultView";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { forecastNotes, forecastOption, multiForecastOption, type ForecastOut } from "./forecastChart";
import { useText } from "./text";
import { useInsight } from "./useInsight";

const CAPTION = 22;

export function TileForecast({ spec, height, theme, horizon = 6 }: {
  spec: Partial<QuerySpec>; height: number; theme?: string; horizon?: number;
}) {
  const { lang } = useI18n();
  const tx = useText();
  const { target, data, error } = useInsight<ForecastOut>("/api/v1/forecast", spec, true, { horizon });

  const fmt = (v: number) => formatValue(v, data?.format === "percent" ? "percent" : "number", lang);
  const s = data?.series[0];
  const option = useMemo(() => (!s || !data ? null : target?.by ? multiForecastOption(data.series, tx, fmt) : forecastOption(s, data.label, tx, fmt)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [s, data, lang]);
  if (!target) return null;
  if (error) return <Alert type="warning" showIcon message={error} />;
  if (!option || !s) return <Skeleton active paragraph={{ rows: 3 }} title={false} />;
  const notes = forecastNotes(data).map((n) => (lang === "en" ? n.en : n.zh));
  const one = data && data.series.length === 1;
  return (
    <div data-testid="tile-forecast">
      <EChart option={option} height={Math.max(120, height - CAPTION)} theme={theme} />
      <Tooltip title={notes.length ? <>{notes.map((n, i) => <div key={i}>* {n}</div>)}</> : undefined}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="tile-forecast-model">
          {one ? `${tx("model")}: ${s.model === "Combination" ? tx("combination") : s.model}` : tx("seriesCount", { n: data?.series.length ?? 0 })}
          {one && s.backtest?.mape != null ? ` · MAPE ${formatValue(s.backtest.mape, "percent", lang)}` : ""}
          {` · ${tx("wholeHistory")}`}
        </Typography.Text>
      </Tooltip>
    </div>
  );
}
