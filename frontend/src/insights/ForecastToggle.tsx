/**
 * 「预测 Forecast」 for a line chart's spec: when the spec is one metric over one time dimension with a
 * grain, a switch calls POST /api/v1/forecast (same metric, grain and filters) and draws the history,
 * the forecast line and its 80 % / 95 % bands (ECharts stacked areas: an invisible lower bound plus
 * the band's width). Clicking a history point opens 「为什么变化?」 for that period.
 */
import { Alert, Button, Space, Switch, Tag, Tooltip, Typography } from "antd";
import { useMemo, useState } from "react";
import type { QuerySpec } from "../api/client";
import { EChart } from "../charts/ResultView";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { EXPLAINABLE, forecastNotes, forecastOption, MAX_LINES, multiForecastOption, type ForecastOut, type SeriesOut } from "./forecastChart";
import { useText } from "./text";
import { useInsight, useShown } from "./useInsight";
import { WhyDrawer, type WhyTarget } from "./WhyDrawer";


/** Each candidate's backtest MASE (and its weight when the forecast combines them), best first. */
function BacktestTable({ s }: { s: SeriesOut }) {
  const tx = useText();
  const rows = Object.entries(s.candidates ?? {}).sort((a, b) => (a[1].mase ?? Infinity) - (b[1].mase ?? Infinity));
  if (!rows.length) return null;
  return (
    <div data-testid="forecast-candidates">
      <div>{tx("backtestTitle")}</div>
      {rows.map(([name, sc]) => (
        <div key={name}>
          {name === "Combination" ? tx("combination") : name}: {sc.mase == null ? "—" : sc.mase.toFixed(2)}
          {s.weights?.[name] != null ? ` · ${tx("weight")} ${Math.round(s.weights[name] * 100)}%` : ""}
          {name === s.model ? " ✓" : ""}
        </div>
      ))}
    </div>
  );
}

/** Per member: the model chosen and its backtest MAPE. */
function SeriesModels({ ss }: { ss: SeriesOut[] }) {
  const tx = useText();
  const { lang } = useI18n();
  return (
    <div data-testid="forecast-series-models">
      {ss.map((x) => (
        <div key={x.key ?? "—"}>
          {x.key ?? "—"}: {x.model === "Combination" ? tx("combination") : x.model ?? "—"}
          {x.backtest?.mape != null ? ` · MAPE ${formatValue(x.backtest.mape, "percent", lang)}` : ""}
        </div>
      ))}
    </div>
  );
}

/** onShown(true) while the forecast chart (history + forecast + bands) is drawn, so the page can let it
 * take the place of its own line chart. */
export function ForecastToggle({ spec, horizon = 6, onShown }: {
  spec: Partial<QuerySpec>; horizon?: number; onShown?: (shown: boolean) => void;
}) {
  const { lang } = useI18n();
  const tx = useText();
  const [on, setOn] = useState(false);
  const [why, setWhy] = useState<WhyTarget | null>(null);
  const { target, data, error } = useInsight<ForecastOut>("/api/v1/forecast", spec, on, { horizon });

  const fmtKind = data?.format === "percent" ? "percent" : "number";
  const fmt = (v: number) => formatValue(v, fmtKind, lang);
  const multi = !!target?.by;
  const s = data?.series[0];
  const option = useMemo(() => (!s || !data ? null : multi ? multiForecastOption(data.series, tx, fmt) : forecastOption(s, data.label, tx, fmt)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [s, data, lang]);
  useShown(!!(target && on && option), onShown);
  if (!target) return null;
  const explainable = EXPLAINABLE.includes(target.grain);
  /** 为什么变化? for period i of one series (a member of `by`: its filter joins the page's). */
  const whyAt = (i: number, one: SeriesOut | undefined = s) => {
    if (!one || !explainable || i < 1 || i >= one.history.length) return;
    const where = [...((spec.where ?? []) as object[]), ...(target.by && one.key !== null ? [{ field: target.by, op: "=", value: one.key }] : [])];
    setWhy({ metric: target.metric, to: one.history[i].label, from: one.history[i - 1].label, where, format: fmtKind });
  };
  const onPoint = (p: { seriesId?: string; seriesName?: string; dataIndex?: number }) => {
    if (!multi) return p.seriesName === tx("history") && whyAt(p.dataIndex ?? -1);
    if (p.seriesId?.startsWith("h:")) whyAt(p.dataIndex ?? -1, data?.series.find((x) => (x.key ?? "—") === p.seriesId!.slice(2)));
  };
  const notes = forecastNotes(data);

  return (
    <div className="forecast-panel" style={{ marginTop: 12 }} data-testid="forecast-panel">
      <Space wrap>
        <Tooltip title={tx("forecastHint")}>
          <Switch checked={on} onChange={setOn} data-testid="forecast-toggle" checkedChildren={tx("forecast")} unCheckedChildren={tx("forecast")} />
        </Tooltip>
        {multi && data && (
          <Tooltip title={<SeriesModels ss={data.series} />}>
            <Tag data-testid="forecast-model">{tx("seriesCount", { n: data.series.length })}</Tag>
          </Tooltip>
        )}
        {!multi && s?.model && (
          <Tooltip title={<BacktestTable s={s} />}>
            <Tag data-testid="forecast-model">{tx("model")}: {s.model === "Combination" ? tx("combination") : s.model}{s.backtest?.mape != null ? ` · MAPE ${formatValue(s.backtest.mape, "percent", lang)}` : ""}</Tag>
          </Tooltip>
        )}
        {!multi && s && explainable && s.history.length > 1 && (
          <Button size="small" onClick={() => whyAt(s.history.length - 1)} data-testid="why-last">{tx("why")}</Button>
        )}
        {s && explainable && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{tx("whyHint")}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} />}
      {option && (
        <div data-testid="forecast-chart">
          <EChart option={option} height={320} onClick={onPoint} />
        </div>
      )}
      {data && data.series.length > MAX_LINES && <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }}>* {tx("linesShown", { n: MAX_LINES, total: data.series.length })}</Typography.Paragraph>}
      {notes.map((n, i) => <Typography.Paragraph key={i} type="secondary" style={{ fontSize: 12, margin: 0 }}>* {lang === "en" ? n.en : n.zh}</Typography.Paragraph>)}
      <WhyDrawer target={why} onClose={() => setWhy(null)} />
    </div>
  );
}
