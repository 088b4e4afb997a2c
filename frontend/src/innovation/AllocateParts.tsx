/** A candidate's score as a stacked bar of its parts (strategic fit, expected value, risk, field signal), with the numbers on hover. */
import { Tooltip } from "antd";
import type { Schemas } from "../api/client";
import { formatValue } from "../format";
import { useI18n } from "../i18n";
import { useAllocateText } from "./AllocateText";

type Candidate = Schemas["Candidate"];
export const PART_COLORS: Record<string, string> = {
  strategic_fit: "#1664ff", expected_value: "#14c9c9", risk: "#78d3f8", field_signal: "#f7ba1e",
};

function partValue(p: Candidate["parts"][number], lang: "zh" | "en"): string {
  if (p.value === null || p.value === undefined) return "—";
  if (p.name === "expected_value") return formatValue(p.value as number, "currency", lang);
  if (p.name === "field_signal") return (p.value as number).toFixed(2);
  return String(p.value);
}

export function AllocateParts({ c }: { c: Candidate }) {
  const { lang, pick } = useI18n();
  const at = useAllocateText();
  const s = c.success;
  const detail = (
    <div style={{ fontSize: 12 }}>
      {c.parts.map((p) => (
        <div key={p.name}>
          <span style={{ color: PART_COLORS[p.name] }}>■</span> {pick(p.label, p.label_en)}：{partValue(p, lang)} → {p.points.toFixed(1)} {at("points")}
          {c.estimated.includes(p.name === "expected_value" ? "expected_annual_revenue" : p.name) ? `（${at("estimated")}）` : ""}
        </div>
      ))}
      <div style={{ marginTop: 4 }}>
        {at("success", {
          p: formatValue(s.probability, "percent", lang), layer: s.rd_layer, field: s.tech_field, s: s.successes, n: s.finished,
          ls: s.layer.successes, ln: s.layer.finished,
        })}
      </div>
    </div>
  );
  return (
    <Tooltip title={detail}>
      <div className="alloc-parts" data-testid={`allocate-parts-${c.id}`}>
        {c.parts.map((p) => (
          <span key={p.name} style={{ width: `${Math.max(p.points, 0)}%`, background: PART_COLORS[p.name] }} />
        ))}
      </div>
    </Tooltip>
  );
}
