/**
 * What an ask answer shows beyond its table or chart: the summary under every answer, a yes/no answer as a
 * 是/否 tag with the number, threshold and period, a why answer's explanation (the insights ExplanationView),
 * a forecast answer's chart (the insights forecast chart), and a clarification as its question with one button
 * per choice (clicking asks again with `choice`). Every text is React text (escaped); no raw HTML.
 */
import { CheckCircleFilled, CloseCircleFilled, QuestionCircleOutlined } from "@ant-design/icons";
import { Alert, Button, Space, Tag, Typography } from "antd";
import { useMemo } from "react";
import type { AskAnswer } from "../../api/client";
import { EChart } from "../../charts/ResultView";
import { formatValue, type Fmt } from "../../format";
import { useI18n } from "../../i18n";
import { ExplanationView, type Explanation } from "../../insights/ExplanationView";
import { forecastNotes, forecastOption, multiForecastOption, type ForecastOut } from "../../insights/forecastChart";
import { useText } from "../../insights/text";

export function AskSummary({ a }: { a: AskAnswer }) {
  if (!a.summary) return null;
  return (
    <Typography.Paragraph className="ask-summary" data-testid="ask-summary" style={{ marginBottom: 8 }}>
      {a.summary}
    </Typography.Paragraph>
  );
}

const OPS: Record<string, string> = { ">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=" };

/** 是/否 with the number, the comparison and the threshold, and the period. */
export function YesNoAnswer({ a }: { a: AskAnswer }) {
  const { lang } = useI18n();
  const yn = a.yesno;
  if (!yn) return null;
  const col = a.result?.columns.find((c) => c.name === yn.metric);
  const fmt = ((col?.format as Fmt) ?? "number") as Fmt;
  const label = col?.label ?? yn.metric;
  const value = yn.value === null || yn.value === undefined ? "—" : formatValue(yn.value, fmt, lang);
  const yes = yn.answer;
  return (
    <div className="ask-yesno" data-testid="ask-yesno" data-answer={yes ? "yes" : "no"}>
      <Tag color={yes ? "success" : "error"} icon={yes ? <CheckCircleFilled /> : <CloseCircleFilled />} className="ask-yesno-tag">
        {lang === "en" ? (yes ? "Yes" : "No") : yes ? "是" : "否"}
      </Tag>
      <span className="ask-yesno-value">{label} {value}</span>
      <Typography.Text type="secondary">
        {" "}{OPS[yn.op] ?? yn.op} {formatValue(yn.threshold, fmt, lang)}{yn.period ? ` · ${yn.period}` : ""}
      </Typography.Text>
    </div>
  );
}

/** A why answer: the explanation's dimensions, waterfall and ranked table (the summary is the answer's). */
export function WhyAnswer({ a }: { a: AskAnswer }) {
  if (!a.explanation) return null;
  return (
    <div data-testid="ask-why">
      <ExplanationView data={a.explanation as unknown as Explanation} showSummary={false} height={280} />
    </div>
  );
}

/** A forecast answer: history, forecast and its 80 % / 95 % bands (one line per member of a split). */
export function ForecastAnswer({ a }: { a: AskAnswer }) {
  const { lang } = useI18n();
  const tx = useText();
  const data = (a.forecast ?? null) as unknown as ForecastOut | null;
  const option = useMemo(() => {
    const s = data?.series.find((x) => x.forecast.length);
    if (!data || !s) return null;
    const fmt = (v: number) => formatValue(v, data.format === "percent" ? "percent" : "number", lang);
    return data.series.length > 1 ? multiForecastOption(data.series, tx, fmt) : forecastOption(s, data.label, tx, fmt);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, lang]);
  if (!data) return null;
  const s = data.series[0];
  return (
    <div data-testid="ask-forecast">
      {option && <EChart option={option} height={300} />}
      {data.series.length === 1 && s?.model && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="ask-forecast-model">
          {tx("model")}: {s.model === "Combination" ? tx("combination") : s.model}
          {s.backtest?.mape != null ? ` · MAPE ${formatValue(s.backtest.mape, "percent", lang)}` : ""}
        </Typography.Text>
      )}
      {forecastNotes(data).map((n, i) => (
        <Typography.Paragraph key={i} type="secondary" style={{ fontSize: 12, margin: 0 }}>* {lang === "en" ? n.en : n.zh}</Typography.Paragraph>
      ))}
    </div>
  );
}

/** A question back: its text and one button per choice; a click asks the same question with that choice. */
export function ClarifyAnswer({ a, onChoose }: { a: AskAnswer; onChoose: (choice: number) => void }) {
  const { lang } = useI18n();
  const c = a.clarify;
  if (!c) return null;
  return (
    <Alert type="info" showIcon icon={<QuestionCircleOutlined />} data-testid="ask-clarify"
      message={lang === "en" && c.text_en ? c.text_en : c.text}
      description={
        <Space wrap size={8}>
          {c.choices.map((x, i) => (
            <Button key={i} size="small" data-testid={`ask-choice-${i + 1}`} onClick={() => onChoose(i + 1)}>
              {i + 1}. {lang === "en" && x.text_en ? x.text_en : x.text}
            </Button>
          ))}
        </Space>
      } />
  );
}
