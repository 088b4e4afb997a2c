/** The KPI card: big value, 同比/环比 arrow (colour: changes.ts, the 涨跌颜色 setting), target attainment. */
import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Progress } from "antd";
import { changeColor, useChangeColors } from "../../../changes";
import { fmtValue } from "../../core/columns";
import { useI18n } from "../../../i18n";
import type { KpiProps } from "./transformProps";

export default function KpiCard({ p }: { p: KpiProps }) {
  const { lang, t } = useI18n();
  const zh = lang === "zh";
  const colors = useChangeColors();
  return (
    <div className="kpi-big" data-testid="kpi-card">
      <div className="kpi-big-label">{p.label}</div>
      <div className="kpi-big-value">{fmtValue(p.value, p.fmt, lang)}</div>
      {p.compare && (
        <div className="kpi-delta" style={{ color: changeColor(p.compare.value, { colors }) }}>
          {p.compare.kind === "pop" ? t("analysis.compute.pop") : t("home.kpi.yoy")}{" "}
          {p.compare.value === null ? t("home.kpi.noCompare") : <>{p.compare.value >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {fmtValue(Math.abs(p.compare.value), "percent", lang)}</>}
        </div>
      )}
      {p.target && (
        <div className="kpi-target">
          <span>{zh ? "目标" : "Target"} {fmtValue(p.target.value, p.fmt, lang)} · {zh ? "达成率" : "attainment"} {p.target.attainment === null ? "—" : fmtValue(p.target.attainment, "percent", lang)}</span>
          <Progress percent={Math.min(100, Math.round((p.target.attainment ?? 0) * 100))} showInfo={false} size="small" strokeColor={(p.target.attainment ?? 0) >= 1 ? "#00b42a" : "#1664ff"} />
        </div>
      )}
    </div>
  );
}
