/** The rising / falling / steady topic lists and the white-space ranking, each row with a quarterly sparkline. */
import { Button, Empty, List, Progress, Space, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import type { Schemas } from "../api/client";
import { EChart } from "../charts/ResultView";
import { useI18n } from "../i18n";
import { pct, useHotspotsText } from "./HotspotsText";

type Topic = Schemas["TopicOut"];
type WhiteSpace = Schemas["WhiteSpaceOut"];
type Period = Schemas["PeriodCount"];

/** The last eight quarters' shares as a small bar chart (no axes). */
export function Sparkline({ periods, color }: { periods: Period[]; color: string }) {
  const option = useMemo(() => {
    const last = periods.slice(-8);
    return {
      animation: false,
      grid: { left: 0, right: 0, top: 2, bottom: 0 },
      xAxis: { type: "category", show: false, data: last.map((p) => p.period) },
      yAxis: { type: "value", show: false, min: 0 },
      tooltip: { trigger: "axis", confine: true, valueFormatter: (v: number) => pct(v, false) },
      series: [{ type: "bar", data: last.map((p) => p.share), itemStyle: { color }, barCategoryGap: "20%" }],
    };
  }, [periods, color]);
  return (
    <div className="hs-spark" style={{ width: 120, height: 36 }}>
      <EChart option={option} height={36} />
    </div>
  );
}

function Applicants({ rows }: { rows: Topic["applicants"] }) {
  return <>{rows.slice(0, 3).map((a) => `${a.applicant}(${a.recent})`).join("、") || "—"}</>;
}

const FIRST = 5; // white spaces shown before 「显示全部」

const COLORS = { rising: "#d4380d", falling: "#1677ff", steady: "#8c8c8c" } as const;

export function TopicList({ rows, kind, onDrill }: { rows: Topic[]; kind: "rising" | "falling" | "steady"; onDrill: (id: string, label: string) => void }) {
  const t = useHotspotsText();
  if (!rows.length) return <Empty description={t("none")} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <List
      className="hs-list"
      dataSource={rows}
      renderItem={(r, i) => (
        <List.Item key={r.id} data-testid={`topic-${kind}-${i}`} className="hs-item">
          <div className="hs-main">
            <Space wrap size={[6, 2]}>
              <Typography.Text strong className="hs-label">{i + 1}. {r.topic}</Typography.Text>
              {r.tech_field && <Tag>{r.tech_field}</Tag>}
              <Tag color={kind === "rising" ? "volcano" : kind === "falling" ? "blue" : "default"}>
                {t("share")} {pct(r.growth)}
              </Tag>
            </Space>
            <div className="hs-meta">
              {t("recent", { r: r.recent, p: r.previous })} · {t("companyShare", { n: r.company.patents, s: pct(r.company.share, false) })}
            </div>
            <div className="hs-meta">
              {t("terms")}：{r.terms.slice(0, 5).join("、")}
            </div>
            <div className="hs-meta">
              {t("applicants")}：<Applicants rows={r.applicants} />
            </div>
          </div>
          <div className="hs-side">
            <Sparkline periods={r.periods} color={COLORS[kind]} />
            <Button size="small" type="link" onClick={() => onDrill(r.id, r.topic)} data-testid={`drill-${r.id}`}>
              {t("drill")}
            </Button>
          </div>
        </List.Item>
      )}
    />
  );
}

export function WhiteSpaceList({ rows, onDrill }: { rows: WhiteSpace[]; onDrill: (id: string, label: string) => void }) {
  const t = useHotspotsText();
  const { lang } = useI18n();
  const [all, setAll] = useState(false);
  if (!rows.length) return <Empty description={t("none")} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const top = Math.max(...rows.map((r) => r.score), 1);
  const shown = all ? rows : rows.slice(0, FIRST);
  return (
    <List
      className="hs-list"
      dataSource={shown}
      loadMore={rows.length > FIRST && !all ? (
        <div style={{ textAlign: "center", marginTop: 8 }}>
          <Button size="small" onClick={() => setAll(true)} data-testid="whitespace-more">{t("showAll", { n: rows.length })}</Button>
        </div>
      ) : null}
      renderItem={(r, i) => (
        <List.Item key={r.id} data-testid={`whitespace-${i}`} className="hs-item">
          <div className="hs-main">
            <Space wrap size={[6, 2]}>
              <Typography.Text strong className="hs-label">{r.rank}. {r.subfield}</Typography.Text>
              {r.tech_field && <Tag>{r.tech_field}</Tag>}
              <Tag color="green">{t("growth")} {pct(r.growth)}</Tag>
              <Tag color={r.presence === "absent" ? "magenta" : "gold"}>{t(r.presence === "absent" ? "absent" : "thin")}</Tag>
            </Space>
            <Progress percent={Math.round((r.score / top) * 100)} size="small" showInfo={false} strokeColor="#389e0d" />
            <div className="hs-evidence">{lang === "en" ? r.evidence.en : r.evidence.zh}</div>
            <div className="hs-meta">
              {t("terms")}：{r.terms.slice(0, 5).join("、")}
            </div>
            <div className="hs-meta">
              {t("applicants")}：<Applicants rows={r.applicants} />
            </div>
            {r.examples[0] && <div className="hs-meta hs-example">{lang === "en" ? "e.g. " : "例："}{r.examples[0].title}（{r.examples[0].applicant}）</div>}
          </div>
          <div className="hs-side">
            <Sparkline periods={r.periods} color="#389e0d" />
            <span className="hs-score">{t("score")} {r.score.toFixed(0)}</span>
            <Button size="small" type="link" onClick={() => onDrill(r.id, r.subfield)} data-testid={`drill-ws-${r.id}`}>
              {t("drill")}
            </Button>
          </div>
        </List.Item>
      )}
    />
  );
}
