/**
 * The items of the self-assessment the data cannot show (years in the niche, employees, an R&D institution,
 * ...): one field per question, typed by the question (number, whole number, percentage, yes/no, list);
 * Save sends the changed ones to PUT /api/v1/assess/answers (empty clears an answer) and reloads the page's
 * assessment. Read-only for viewers.
 */
import { App, Button, Form, InputNumber, Radio, Select, Space, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import { useI18n } from "../i18n";
import { useAssessText, type Question } from "./assessText";

type Val = number | boolean | string[] | null;

/** The value as the field shows it: fractions as percentages. */
function toField(q: Question): Val {
  const v = q.value as Val | undefined;
  if (v === undefined || v === null) return null;
  if (q.type === "fraction" && typeof v === "number") return Math.round(v * 10000) / 100;
  return v;
}

function toAnswer(q: Question, v: Val): Val {
  if (v === null || (Array.isArray(v) && v.length === 0)) return null;
  if (q.type === "fraction" && typeof v === "number") return Math.round(v * 100) / 10000;
  return v;
}

export function AssessForm({ questions, canEdit, options, onSaved }: {
  questions: Question[]; canEdit: boolean; options: string[]; onSaved: () => void;
}) {
  const { lang } = useI18n();
  const tx = useAssessText();
  const { message } = App.useApp();
  const initial = useMemo(() => Object.fromEntries(questions.map((q) => [q.key, toField(q)])), [questions]);
  const [values, setValues] = useState<Record<string, Val>>(initial);
  const [saving, setSaving] = useState(false);
  useEffect(() => setValues(initial), [initial]);
  const changed = questions.filter((q) => JSON.stringify(values[q.key] ?? null) !== JSON.stringify(initial[q.key] ?? null));

  const save = () => {
    setSaving(true);
    const answers = Object.fromEntries(changed.map((q) => [q.key, toAnswer(q, values[q.key] ?? null)]));
    unwrap(api.PUT("/api/v1/assess/answers", { body: { answers } as never }))
      .then(() => { message.success(tx("saved")); onSaved(); })
      .catch((e) => message.error(errorMessage(e)))
      .finally(() => setSaving(false));
  };
  const set = (key: string, v: Val) => setValues((old) => ({ ...old, [key]: v }));

  const field = (q: Question) => {
    const v = values[q.key] ?? null;
    const common = { disabled: !canEdit, "data-testid": `answer-${q.key}` };
    if (q.type === "boolean")
      return (
        <Radio.Group {...common} value={v === null ? "unset" : v ? "yes" : "no"} optionType="button" size="small"
          onChange={(e) => set(q.key, e.target.value === "unset" ? null : e.target.value === "yes")}
          options={[{ value: "yes", label: tx("yes") }, { value: "no", label: tx("no") }, { value: "unset", label: tx("unset") }]} />
      );
    if (q.type === "list")
      return (
        <Select {...common} mode="tags" allowClear style={{ width: "100%" }} value={(v as string[] | null) ?? []}
          options={options.map((o) => ({ value: o, label: o }))} onChange={(x: string[]) => set(q.key, x)} />
      );
    const pct = q.type === "fraction";
    return (
      <InputNumber {...common} style={{ width: "100%", maxWidth: 260 }} value={v as number | null}
        min={pct ? 0 : q.min ?? 0} max={pct ? (q.max ?? 1) * 100 : q.max ?? undefined} precision={q.type === "integer" ? 0 : undefined}
        addonAfter={pct ? "%" : q.unit ?? undefined} onChange={(x) => set(q.key, x === null ? null : Number(x))} />
    );
  };

  return (
    <Form layout="vertical" className="assess-form" data-testid="assess-form">
      <Typography.Paragraph type="secondary">{canEdit ? tx("answersHelp") : tx("readOnly")}</Typography.Paragraph>
      <div className="assess-form-grid">
        {questions.map((q) => (
          <Form.Item key={q.key} label={lang === "en" ? q.label_en : q.label}
            extra={q.updated_by ? tx("by", { who: q.updated_by, when: (q.updated_at ?? "").slice(0, 10) }) : undefined}>
            {field(q)}
          </Form.Item>
        ))}
      </div>
      {canEdit && (
        <Space className="assess-no-print">
          <Button type="primary" onClick={save} loading={saving} disabled={!changed.length} data-testid="assess-save">
            {tx("save")}{changed.length ? ` (${changed.length})` : ""}
          </Button>
        </Space>
      )}
    </Form>
  );
}
