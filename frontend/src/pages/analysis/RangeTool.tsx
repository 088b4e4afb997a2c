/**
 * The time range of the analysis page: a relative preset (本月 … 近12个月, 全部时间) or absolute dates
 * (自定义日期, e.g. 2025-01-01 → 2025-06-30, either end may stay open). Picking dates selects 自定义日期;
 * picking a preset clears them. Both become the QuerySpec's time_range on `time`.
 */
import { DatePicker, Select } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/zh";
import { RANGES, type BuilderState, type RangeKey } from "./builder";

const ISO = "YYYY-MM-DD";

export default function RangeTool({ state, onChange }: { state: BuilderState; onChange: (range: RangeKey, dates: BuilderState["dates"]) => void }) {
  const { t } = useI18n();
  const d = state.range === "custom" ? state.dates : null;
  const value: [Dayjs | null, Dayjs | null] | null = d ? [d.start ? dayjs(d.start) : null, d.end ? dayjs(d.end) : null] : null;
  return (
    <span className="tool"><span className="tool-label">{t("analysis.range")}</span>
      <Select size="small" value={state.range} style={{ width: 120 }} data-testid="range" popupMatchSelectWidth={false}
        onChange={(r: RangeKey) => onChange(r, r === "custom" ? state.dates ?? null : null)}
        options={[{ value: "all", label: t("analysis.range.all") }, ...RANGES.map((r) => ({ value: r, label: t(`analysis.range.${r}` as MessageKey) })),
          { value: "custom", label: t("analysis.range.custom") }]} />
      <DatePicker.RangePicker size="small" allowEmpty={[true, true]} value={value} format={ISO} style={{ width: 230 }}
        placeholder={[t("analysis.range.start"), t("analysis.range.end")]} data-testid="range-dates"
        onChange={(v) => {
          const start = v?.[0]?.format(ISO) ?? null;
          const end = v?.[1]?.format(ISO) ?? null;
          onChange(start || end ? "custom" : "all", start || end ? { start, end } : null);
        }} />
    </span>
  );
}
