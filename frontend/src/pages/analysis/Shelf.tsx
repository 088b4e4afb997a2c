/** A drop target ("维度 / 指标 / 筛选") holding field chips. */
import { Typography } from "antd";
import { useState, type ReactNode } from "react";
import { useI18n } from "../../i18n";
import type { FieldRef } from "./builder";
import { DRAG_MIME } from "./FieldPanel";

export default function Shelf({ title, testId, onDropField, children, empty }: { title: string; testId: string; onDropField: (f: FieldRef) => void; children: ReactNode; empty: boolean }) {
  const { t } = useI18n();
  const [over, setOver] = useState(false);
  return (
    <div
      className={`shelf ${over ? "over" : ""}`}
      data-testid={testId}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(DRAG_MIME)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
          setOver(true);
        }
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const raw = e.dataTransfer.getData(DRAG_MIME);
        if (raw) onDropField(JSON.parse(raw) as FieldRef);
      }}
    >
      <div className="shelf-title">{title}</div>
      <div className="shelf-body">
        {children}
        {empty && <Typography.Text type="secondary" className="shelf-hint">{t("analysis.shelf.dropHint")}</Typography.Text>}
      </div>
    </div>
  );
}
