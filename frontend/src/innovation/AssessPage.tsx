/**
 * /innovation/assess — 专精特新 self-assessment: the provincial 专精特新中小企业 and national 「小巨人」 criteria,
 * each with the company's value, the threshold, met or not and the gap (GET /api/v1/assess?year=), grouped
 * by level and category, a verdict per level, and the form for what the data cannot show (AssessForm).
 * ?year=YYYY picks the assessment year. Printable: the browser's print (print CSS hides the controls) and a
 * PDF drawn by the server from this page's print mode (?print=1, data-render-ready="1" once loaded).
 */
import { Alert, Button, Card, Select, Skeleton, Space, Tag, Typography } from "antd";
import { FilePdfOutlined, PrinterOutlined } from "@ant-design/icons";
import { useCallback, useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap } from "../api/client";
import { useCan } from "../auth";
import { useI18n } from "../i18n";
import { AssessForm } from "./AssessForm";
import { OP_TEXT, shown, useAssessText, type AssessOut, type Criterion } from "./assessText";
import "./assess.css";

const VERDICT_COLOR: Record<string, string> = { met: "success", not_met: "error", incomplete: "warning" };

function MetTag({ c }: { c: Criterion }) {
  const tx = useAssessText();
  if (c.applicable === false) return <Tag>{tx("na")}</Tag>;
  if (c.met === true) return <Tag color="success">{tx("met")}</Tag>;
  if (c.met === false) return <Tag color="error">{tx("notMet")}</Tag>;
  return <Tag color="warning">{tx("unknown")}</Tag>;
}

function CriterionRow({ c, labels }: { c: Criterion; labels: Record<string, string> }) {
  const { lang } = useI18n();
  const tx = useAssessText();
  const gap = lang === "en" ? c.gap_text_en : c.gap_text;
  return (
    <div className={`assess-row${c.applicable === false ? " assess-na" : ""}`} data-testid={`criterion-${c.id}`}>
      <div className="assess-row-head">
        <MetTag c={c} />
        <span className="assess-name">{lang === "en" ? c.name_en : c.name}</span>
      </div>
      <div className="assess-nums">
        <span><em>{tx("value")}</em> <b data-testid="value">{shown(c.value, c.unit, lang)}</b></span>
        <span><em>{tx("threshold")}</em> {c.threshold === null ? "—" : `${OP_TEXT[c.op] ?? c.op} ${shown(c.threshold, c.unit, lang)}`}</span>
        {gap && <span className="assess-gap" data-testid="gap"><em>{tx("gap")}</em> {gap}</span>}
        {c.via_alternative && <span className="assess-alt">{tx("viaAlt")}</span>}
      </div>
      {(c.needs.length > 0 || c.no_data.length > 0) && c.applicable !== false && (
        <div className="assess-needs">
          {c.needs.length > 0 && <>{tx("needs")}{c.needs.map((k) => labels[k] ?? k).join("、")}</>}
          {c.no_data.length > 0 && <>{tx("noData")}{c.no_data.map((k) => labels[k] ?? k).join("、")}</>}
        </div>
      )}
      <div className="assess-source">{tx("source")}：{c.source.doc} {c.source.clause}</div>
    </div>
  );
}

export default function AssessPage() {
  const { lang } = useI18n();
  const tx = useAssessText();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const print = params.get("print") === "1";
  const year = Number(params.get("year")) || undefined;
  const [data, setData] = useState<AssessOut | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    unwrap(api.GET("/api/v1/assess", { params: { query: { year } } }))
      .then((d) => setData(d as AssessOut))
      .catch((e) => setError(errorMessage(e)));
  }, [year]);
  useEffect(load, [load]);

  if (error)
    return (
      <Alert type="error" showIcon message={error} data-testid="assess-error"
        action={year ? <Button size="small" onClick={() => setParams((p) => { p.delete("year"); return p; })}>{tx("thisYear")}</Button> : undefined} />
    );
  if (!data) return <Skeleton active data-testid="assess-loading" />;

  const labels: Record<string, string> = Object.fromEntries([
    ...data.questions.map((q) => [q.key, lang === "en" ? q.label_en : q.label]),
    ...data.facts.map((f) => [f.name, `${lang === "en" ? f.label_en : f.label}${f.year ? ` ${f.year}` : ""}`]),
  ]);
  const thisYear = new Date().getFullYear();
  const years = Array.from(new Set([data.year, ...Array.from({ length: 7 }, (_, i) => thisYear + 1 - i)])).sort((a, b) => b - a);
  const basis = tx("basis", { year: data.year, y1: data.years[0], y2: data.years[1] });
  const pdfHref = `/api/v1/assess/report?year=${data.year}`;

  return (
    <div className="assess-page" data-testid="assess-page" data-render-ready="1">
      <div className="assess-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="dashboard-title">{tx("title")} · {data.year}</Typography.Title>
          <Typography.Text type="secondary" data-testid="print-filters">{basis}</Typography.Text>
          <span className="assess-hidden" data-testid="print-as-of">{lang === "en" ? data.document_en : data.document}</span>
        </div>
        {!print && (
          <Space wrap className="assess-no-print">
            <span>{tx("year")}</span>
            <Select value={data.year} style={{ width: 100 }} data-testid="assess-year"
              options={years.map((y) => ({ value: y, label: String(y) }))}
              onChange={(y) => setParams((p) => { p.set("year", String(y)); return p; })} />
            <Button icon={<PrinterOutlined />} onClick={() => window.print()}>{tx("print")}</Button>
            <Button icon={<FilePdfOutlined />} href={pdfHref} data-testid="assess-pdf">{tx("pdf")}</Button>
          </Space>
        )}
      </div>
      {!print && <Typography.Paragraph type="secondary" className="assess-intro">{tx("intro")}</Typography.Paragraph>}

      <div className="assess-verdicts">
        {data.summary.levels.map((lv) => (
          <Card key={lv.level} size="small" className="assess-verdict" data-testid={`verdict-${lv.level}`}>
            <div className="assess-verdict-level">{lang === "en" ? lv.level_en : lv.level}</div>
            <Tag color={VERDICT_COLOR[lv.verdict]} className="assess-verdict-tag">{lang === "en" ? lv.verdict_text_en : lv.verdict_text}</Tag>
            <div className="assess-verdict-counts">{tx("counts", { met: lv.met, not: lv.not_met, unknown: lv.unknown })}</div>
          </Card>
        ))}
      </div>

      {data.summary.levels.map((lv) => {
        const mine = data.criteria.filter((c) => c.level === lv.level);
        const cats = Array.from(new Set(mine.map((c) => c.category)));
        return (
          <Card key={lv.level} className="assess-level" title={lang === "en" ? lv.level_en : lv.level} size="small">
            {cats.map((cat) => {
              const rows = mine.filter((c) => c.category === cat);
              return (
                <section key={cat} className="assess-cat" data-testid={`category-${lv.level}-${cat}`}>
                  <h4>{lang === "en" ? rows[0].category_en : cat}</h4>
                  {rows.map((c) => <CriterionRow key={c.id} c={c} labels={labels} />)}
                </section>
              );
            })}
          </Card>
        );
      })}

      <Card size="small" className="assess-facts" title={lang === "en" ? "From the data" : "数据中的数字"}>
        <div className="assess-facts-grid">
          {data.facts.map((f) => (
            <div key={f.name} data-testid={`fact-${f.name}`}>
              <em>{lang === "en" ? f.label_en : f.label}{f.year ? ` ${f.year}` : f.as_of ? `（${tx("asOf", { date: f.as_of })}）` : ""}</em>
              <b>{f.name.startsWith("ip1") ? shown(f.value, "项", lang) : shown(f.value, "元", lang)}</b>
            </div>
          ))}
          <div className="assess-facts-wide" data-testid="fact-main-business"><em>{tx("mainBusiness")}</em><b>{data.main_business.join("、")}</b></div>
        </div>
      </Card>

      <Card size="small" className="assess-answers" title={tx("answers")}>
        <AssessForm questions={data.questions} canEdit={can("content:edit") && !print} options={data.main_business} onSaved={load} />
      </Card>
    </div>
  );
}
