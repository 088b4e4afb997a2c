/**
 * A pill on the 指标 shelf: the metric's label, for a dataset field its aggregation menu (汇总方式: what the
 * model allows for that field, e.g. 平均值 for 交期（天）, only 计数 / 去重计数 for ids and text), and the
 * quick calculation menu (同比, 环比, 占比, 累计, 排名).
 */
import { FunctionOutlined } from "@ant-design/icons";
import { Select, Tag, Tooltip } from "antd";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/zh";
import { aggLabel, aggOptions, setAggregate, type Aggregation, type MetricPick } from "../../charts/core/shelves";
import { COMPUTES, type Compute } from "./builder";

export default function MetricPill({ m, onChange, onClose }: { m: MetricPick; onChange: (m: MetricPick) => void; onClose: () => void }) {
  const { t, pick, lang } = useI18n();
  const aggs = aggOptions(m);
  const label = m.agg ? pick(m.agg.source.label, m.agg.source.labelEn) : pick(m.field.label, m.field.labelEn);
  return (
    <Tag className="chip metric" closable onClose={onClose} data-testid={`pill-${m.field.name}`}>
      {label}
      {m.agg && (
        <Tooltip title={t("analysis.aggregate")}>
          <Select size="small" variant="borderless" value={m.agg.aggregate} popupMatchSelectWidth={false} className="agg-select"
            onChange={(a: Aggregation) => onChange(setAggregate(m, a))}
            options={aggs.map((a) => ({ value: a, label: aggLabel(a, lang) }))}
            data-testid={`agg-${m.agg.source.name}`} />
        </Tooltip>
      )}
      <Tooltip title={t("analysis.compute")}>
        <Select size="small" variant="borderless" value={m.compute ?? null} popupMatchSelectWidth={false}
          placeholder={<FunctionOutlined />} suffixIcon={null} className={m.compute ? "compute-on" : "compute-off"}
          onChange={(c: string) => onChange({ ...m, compute: c === "none" ? undefined : (c as Compute) })}
          options={[{ value: "none", label: t("analysis.compute.none") }, ...COMPUTES.map((c) => ({ value: c, label: t(`analysis.compute.${c}` as MessageKey) }))]}
          data-testid={`compute-${m.field.name}`} />
      </Tooltip>
    </Tag>
  );
}
