/**
 * An innovation question answered by its analysis (docs/ask-innovation.md): hot spots, white spaces, the
 * allocation of an R&D budget, the 专精特新 self-assessment. Shows how the question was read (chips), the
 * summary, the analysis's first rows as a small table and a link to the full page with the arguments read.
 * Every text is React text (escaped); no raw HTML.
 */
import { ArrowRightOutlined, CheckCircleFilled, CloseCircleFilled, QuestionCircleOutlined } from "@ant-design/icons";
import { Table, Tag, Typography } from "antd";
import { Link } from "react-router-dom";
import type { AskAnswer } from "../../api/client";
import { formatValue, type Fmt } from "../../format";
import { useI18n } from "../../i18n";
import { AskSummary } from "./AskIntents";

type Card = NonNullable<AskAnswer["innovation"]>;
type Cell = Card["rows"][number][number];

const CHIP_COLORS: Record<string, string> = { analysis: "purple", filter: "orange", time: "blue", budget: "gold", headcount: "gold", order: "magenta" };
const PAGE: Record<string, [string, string]> = {
  hotspots: ["查看完整的热点分析", "Open the full hot-spot analysis"],
  whitespace: ["查看完整的空白分析", "Open the full white-space analysis"],
  allocate: ["打开立项与分配", "Open project allocation"],
  assess: ["打开小巨人自评", "Open the self-assessment"],
};

function CellView({ v, fmt, lang }: { v: Cell; fmt: string; lang: "zh" | "en" }) {
  if (fmt === "bool") {
    if (v === true) return <CheckCircleFilled style={{ color: "#52c41a" }} aria-label={lang === "en" ? "yes" : "是"} />;
    if (v === false) return <CloseCircleFilled style={{ color: "#bfbfbf" }} aria-label={lang === "en" ? "no" : "否"} />;
    return <QuestionCircleOutlined style={{ color: "#faad14" }} aria-label={lang === "en" ? "unknown" : "待补充"} />;
  }
  if (v === null || v === undefined) return <span>—</span>;
  if (fmt === "text" || typeof v !== "number") return <span>{String(v)}</span>;
  return <span>{formatValue(v, fmt as Fmt, lang)}</span>;
}

/** The answer card of an innovation question: chips, summary, a few rows, the link to the page. */
export function InnovationAnswer({ a }: { a: AskAnswer }) {
  const { lang, pick } = useI18n();
  const card = a.innovation;
  if (!card) return null;
  const numeric = new Set(["currency", "percent", "integer", "number"]);
  const columns = card.columns.map((c, i) => ({
    key: c.name,
    title: lang === "en" ? c.label_en : c.label,
    dataIndex: String(i),
    align: (numeric.has(c.format) ? "right" : c.format === "bool" ? "center" : "left") as "right" | "center" | "left",
    render: (v: Cell) => <CellView v={v} fmt={c.format} lang={lang} />,
  }));
  const data = card.rows.map((r, k) => Object.fromEntries([["key", k], ...r.map((v, i) => [String(i), v])]));
  const [zh, en] = PAGE[card.kind] ?? ["查看完整分析", "Open the full analysis"];
  return (
    <div className="answer" data-testid="ask-innovation" data-kind={card.kind}>
      <div className="answer-head">
        <div className="chips">
          {a.interpretation.map((c, i) => (
            <Tag key={i} color={CHIP_COLORS[c.kind] ?? "default"} bordered={false}>
              {pick(c.text, c.text_en)}
            </Tag>
          ))}
        </div>
      </div>
      <AskSummary a={a} />
      {card.columns.length > 0 && card.rows.length > 0 && (
        <Table size="small" pagination={false} columns={columns} dataSource={data} data-testid="ask-innovation-table"
          scroll={{ x: true }} style={{ marginBottom: 8 }} />
      )}
      {card.total > card.rows.length && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: "0 0 6px" }}>
          {lang === "en" ? `The first ${card.rows.length} of ${card.total}.` : `共 ${card.total} 项，显示前 ${card.rows.length} 项。`}
        </Typography.Paragraph>
      )}
      <Link to={card.link} data-testid="ask-innovation-link">
        {lang === "en" ? en : zh} <ArrowRightOutlined />
      </Link>
    </div>
  );
}
