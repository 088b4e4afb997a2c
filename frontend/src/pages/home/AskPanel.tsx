/** 智能问答: POST /api/v1/ask; follow-ups stay in one conversation (conversation_id). */
import { BulbOutlined, MessageOutlined, PlusOutlined, SendOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Input, Segmented, Space, Tag, Tooltip, Typography } from "antd";
import { useRef, useState } from "react";
import { api, errorMessage, runQuery, unwrap, type AskAnswer, type QueryResult, type QuerySpec } from "../../api/client";
import { DataTable, ResultView } from "../../charts/ResultView";
import { SaveToDashboardButton } from "../../dashboards/SaveToDashboard";
import { DataAsOf, EmptyPeriodNotice } from "../../freshness/EmptyPeriod";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/zh";
import { AskSummary, ClarifyAnswer, ForecastAnswer, WhyAnswer, YesNoAnswer } from "./AskIntents";
import { InnovationAnswer } from "./AskInnovation";

const EXAMPLES: MessageKey[] = ["home.ex.1", "home.ex.2", "home.ex.3", "home.ex.4", "home.ex.5", "home.ex.6"];
const CHIP_COLORS: Record<string, string> = { time: "blue", dimension: "cyan", metric: "geekblue", filter: "orange", compute: "purple", limit: "magenta", order: "magenta" };

interface Turn {
  question: string;
  choice?: number;
  answer?: AskAnswer;
  error?: string;
}

/** "中文 / English" → the half in the page's language. */
function half(text: string, lang: string): string {
  return text.includes(" / ") ? text.split(" / ")[lang === "zh" ? 0 : 1] : text;
}

/** What the parser explains instead of guessing: a split the metric cannot take and why, a word read as
 * another. Each reason comes "中文 / English". */
function Explanations({ a }: { a: AskAnswer }) {
  const { lang } = useI18n();
  const items = a.unknown.filter((u) => u.reason && u.reason !== "no_metric");
  if (!items.length) return null;
  return (
    <Alert type="info" showIcon style={{ marginBottom: 8 }} data-testid="ask-explanations"
      message={<Space direction="vertical" size={2}>{items.map((u) => <span key={u.text}>{half(u.reason!, lang)}</span>)}</Space>} />
  );
}

/** 数据截至, and for a period without data the message and the latest period with data (one click). */
function Freshness({ a, shown, onShow }: { a: NonNullable<Turn["answer"]>; shown: QueryResult | null; onShow: (r: QueryResult) => void }) {
  const f = (shown ?? a.result)?.freshness;
  if (!f) return null;
  const spec = a.spec as QuerySpec | null | undefined;
  const latest = async (p: { start?: string | null; end?: string | null }) => {
    if (!spec?.time_range || !p.start || !p.end) return;
    onShow(await runQuery({ ...spec, time_range: { field: spec.time_range.field, start: p.start, end: p.end } }));
  };
  return (
    <div style={{ marginBottom: 8 }}>
      {f.empty ? (
        <EmptyPeriodNotice period={f.period} lastDate={f.last_date} firstDate={f.first_date} latest={spec?.time_range ? f.latest : null} onLatest={(p) => void latest(p)} />
      ) : (
        <DataAsOf date={f.last_date} />
      )}
    </div>
  );
}

function AnswerCard({ turn, onAsk }: { turn: Turn; onAsk: (q: string, choice?: number) => void }) {
  const { t, lang, pick } = useI18n();
  const [view, setView] = useState<"chart" | "data">("chart");
  const [shown, setShown] = useState<QueryResult | null>(null);  // the latest period with data, when asked for
  const a = turn.answer;
  if (turn.error) return <Alert type="error" showIcon message={turn.error} />;
  if (!a) return null;
  if (a.clarify) return <ClarifyAnswer a={a} onChoose={(n) => onAsk(turn.question, n)} />;
  if (a.innovation) return <InnovationAnswer a={a} />;
  if (!a.result || !a.chart) {
    const words = a.unknown.filter((u) => !u.reason).map((u) => u.text);
    const reason = a.unknown.find((u) => u.message)?.message;
    const suggestions = [...new Set(a.unknown.flatMap((u) => u.suggestions ?? []))];
    const reasonText = reason ? half(reason, lang) : "";
    return (
      <div data-testid="ask-not-understood">
      <Explanations a={a} />
      <Alert
        type="warning"
        showIcon
        message={t("home.ask.notUnderstood") + (reasonText ? `：${reasonText}` : "")}
        description={
          <Space direction="vertical" size={6}>
            {words.length > 0 && (
              <span>
                {t("home.ask.unknownWords")} {words.map((w) => <Tag key={w} color="red">{w}</Tag>)}
              </span>
            )}
            {suggestions.length > 0 && (
              <span>
                {t("home.ask.suggestions")}{" "}
                {suggestions.map((s) => (
                  <Tag key={s} color="blue" className="clickable" onClick={() => onAsk(words.length ? turn.question.replace(words[0], s) : `${s} ${turn.question}`)}>
                    {s}
                  </Tag>
                ))}
              </span>
            )}
          </Space>
        }
      />
      </div>
    );
  }
  return (
    <div className="answer" data-testid="ask-answer">
      <div className="answer-head">
        <div className="chips">
          {a.interpretation.map((c, i) => (
            <Tag key={i} color={CHIP_COLORS[c.kind] ?? "default"} bordered={false}>
              {pick(c.text, c.text_en)}
            </Tag>
          ))}
        </div>
        <Space size={8} wrap>
          <Tooltip title={pick(a.chart.reason, a.chart.reason_en)}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <BulbOutlined /> {t(`analysis.chart.${a.chart.type}` as MessageKey)} · {t("home.ask.confidence", { value: Math.round(a.confidence * 100) + "%" })}
            </Typography.Text>
          </Tooltip>
          <SaveToDashboardButton size="small" label="add" spec={a.spec} chart={a.chart as never} title={turn.question} />
          <Segmented
            size="small"
            value={view}
            onChange={(v) => setView(v as "chart" | "data")}
            options={[
              { label: t("home.ask.showChart"), value: "chart" },
              { label: t("home.ask.showData"), value: "data" },
            ]}
          />
        </Space>
      </div>
      <Explanations a={a} />
      {a.unknown.some((u) => !u.reason) && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          message={
            <span>
              {t("home.ask.unknownWords")} {a.unknown.filter((u) => !u.reason).map((u) => <Tag key={u.text} color="red">{u.text}</Tag>)}
            </span>
          }
        />
      )}
      {a.alternatives.length > 0 && (
        <div className="alternatives">
          {t("home.ask.alternatives")} {a.alternatives.map((x, i) => <Tag key={i}>{x.dimensions.map((d) => (typeof d === "string" ? d : d.field)).join(" × ")}</Tag>)}
        </div>
      )}
      <AskSummary a={a} />
      <YesNoAnswer a={a} />
      <Freshness a={a} shown={shown} onShow={setShown} />
      {view === "data" ? <DataTable result={shown ?? a.result} />
        : a.intent === "why" && a.explanation ? <WhyAnswer a={a} />
        : a.intent === "forecast" && a.forecast ? <ForecastAnswer a={a} />
        : <ResultView result={shown ?? a.result} chart={a.chart} height={a.intent === "yesno" ? 200 : 320} />}
    </div>
  );
}

export default function AskPanel() {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversation, setConversation] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const endRef = useRef<HTMLDivElement>(null);

  /** Ask `question`; with `choice`, answer its clarification with that choice (the same question again). */
  const ask = async (question: string, choice?: number) => {
    const q = question.trim();
    if (!q || busy) return;
    setBusy(true);
    setText("");
    setTurns((ts) => [...ts, { question: q, choice }]);
    try {
      const body = { question: q, conversation_id: conversation, ...(choice ? { choice } : {}) };
      const a = (await unwrap(api.POST("/api/v1/ask", { body }))) as unknown as AskAnswer;
      setConversation(a.conversation_id);
      setTurns((ts) => [...ts.slice(0, -1), { question: q, choice, answer: a }]);
    } catch (e) {
      setTurns((ts) => [...ts.slice(0, -1), { question: q, choice, error: errorMessage(e) }]);
    } finally {
      setBusy(false);
      setTimeout(() => endRef.current?.scrollIntoView({ behavior: "smooth", block: "nearest" }), 50);
    }
  };
  const reset = () => {
    setTurns([]);
    setConversation(null);
  };
  const shown = turns.slice(-4);

  return (
    <Card
      className="ask-card"
      title={
        <span>
          <MessageOutlined style={{ color: "#1664ff" }} /> {t("home.ask.title")}
        </span>
      }
      extra={
        turns.length > 0 && (
          <Button size="small" icon={<PlusOutlined />} onClick={reset}>
            {t("home.ask.new")}
          </Button>
        )
      }
    >
      {shown.map((turn, i) => (
        <div className="turn" key={turns.length - shown.length + i}>
          <div className="turn-question">
            <span>{turn.question}</span>
            {turn.choice ? <Tag bordered={false} style={{ marginLeft: 6 }}>#{turn.choice}</Tag> : null}
          </div>
          {turn.answer || turn.error ? <AnswerCard turn={turn} onAsk={ask} /> : <div className="turn-loading">{t("common.loading")}</div>}
        </div>
      ))}
      <div ref={endRef} />
      <Input.Search
        data-testid="ask-input"
        size="large"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(v) => void ask(v)}
        loading={busy}
        placeholder={turns.length ? t("home.ask.followup") : t("home.ask.placeholder")}
        enterButton={
          <span>
            <SendOutlined /> {t("home.ask.button")}
          </span>
        }
        maxLength={500}
      />
      {turns.length === 0 && (
        <div className="examples">
          <span className="examples-label">{t("home.ask.examples")}：</span>
          {EXAMPLES.map((k) => (
            <Tag key={k} className="clickable example" onClick={() => void ask(t(k))}>
              {t(k)}
            </Tag>
          ))}
        </div>
      )}
    </Card>
  );
}
