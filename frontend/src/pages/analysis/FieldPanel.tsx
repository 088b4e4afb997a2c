/** The field list: metrics, time, shared dimensions and each dataset's dimension fields; search; drag or click. */
import { CalendarOutlined, FieldBinaryOutlined, FieldStringOutlined, FunctionOutlined, SearchOutlined, ShareAltOutlined } from "@ant-design/icons";
import { Collapse, Empty, Input } from "antd";
import { useMemo, useState } from "react";
import { useI18n } from "../../i18n";
import type { FieldRef } from "./builder";

export interface FieldGroup {
  key: string;
  label: string;
  fields: FieldRef[];
}

export const DRAG_MIME = "application/x-shuzhi-field";

function icon(f: FieldRef) {
  if (f.kind === "metric") return <FunctionOutlined className="fi metric" />;
  if (f.kind === "time" || f.type === "date" || f.type === "timestamp") return <CalendarOutlined className="fi time" />;
  if (f.name.indexOf(".") < 0) return <ShareAltOutlined className="fi dim" />;
  if (f.type === "integer" || f.type === "number" || f.type === "boolean") return <FieldBinaryOutlined className="fi dim" />;
  return <FieldStringOutlined className="fi dim" />;
}

export default function FieldPanel({ groups, onPick }: { groups: FieldGroup[]; onPick: (f: FieldRef) => void }) {
  const { t, pick } = useI18n();
  const [q, setQ] = useState("");
  const filtered = useMemo(() => {
    const n = q.trim().toLowerCase();
    if (!n) return groups;
    return groups
      .map((g) => ({ ...g, fields: g.fields.filter((f) => [f.name, f.label, f.labelEn ?? ""].some((s) => s.toLowerCase().includes(n))) }))
      .filter((g) => g.fields.length);
  }, [groups, q]);
  const [open, setOpen] = useState<string[]>(["metrics", "time", "shared"]);
  const active = q ? filtered.map((g) => g.key) : open;
  return (
    <div className="field-panel">
      <Input allowClear size="small" prefix={<SearchOutlined />} placeholder={t("analysis.searchFields")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="field-search" />
      {filtered.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Collapse
          ghost
          size="small"
          activeKey={active}
          onChange={(k) => !q && setOpen(k as string[])}
          items={filtered.map((g) => ({
            key: g.key,
            label: (
              <span className="group-label">
                {g.label} <span className="group-count">{g.fields.length}</span>
              </span>
            ),
            children: (
              <div className="field-list">
                {g.fields.map((f) => (
                  <div
                    key={g.key + f.name}
                    className={`field-item ${f.kind}`}
                    draggable
                    onDragStart={(e) => {
                      e.dataTransfer.setData(DRAG_MIME, JSON.stringify(f));
                      e.dataTransfer.setData("text/plain", f.name);
                      e.dataTransfer.effectAllowed = "copy";
                    }}
                    onClick={() => onPick(f)}
                    title={f.name}
                    data-testid={`field-${f.kind}-${f.name}`}
                  >
                    {icon(f)}
                    <span className="field-name">{pick(f.label, f.labelEn)}</span>
                  </div>
                ))}
              </div>
            ),
          }))}
        />
      )}
    </div>
  );
}
