/**
 * Warehouse (DuckDB) column types as people read them, the types an import may choose, and small
 * formatting helpers for the data pages. Pure.
 */

/** Types the import API accepts (shuzhi.engines.imports.check_type), most useful first. */
export const IMPORT_TYPES = ["VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "DECIMAL(18,2)", "DATE", "TIMESTAMP", "BOOLEAN"] as const;

const KIND_LABELS: Record<string, [string, string]> = {
  text: ["文本", "Text"], integer: ["整数", "Integer"], decimal: ["小数", "Decimal"], number: ["数值", "Number"],
  date: ["日期", "Date"], timestamp: ["日期时间", "Date-time"], time: ["时间", "Time"], boolean: ["布尔", "Boolean"],
  json: ["JSON", "JSON"], other: ["其他", "Other"],
};

/** The family of a DuckDB type name (VARCHAR → text, DECIMAL(18,2) → decimal, TIMESTAMP WITH TIME ZONE → timestamp). */
export function typeKind(duckType: string): keyof typeof KIND_LABELS {
  const t = (duckType || "").toUpperCase().trim();
  if (/^(VARCHAR|TEXT|STRING|CHAR|BPCHAR|UUID)/.test(t)) return "text";
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)\b/.test(t)) return "integer";
  if (/^(DECIMAL|NUMERIC)/.test(t)) return "decimal";
  if (/^(DOUBLE|FLOAT|REAL)/.test(t)) return "number";
  if (/^DATE$/.test(t)) return "date";
  if (/^(TIMESTAMP|DATETIME)/.test(t)) return "timestamp";
  if (/^TIME/.test(t)) return "time";
  if (/^(BOOLEAN|BOOL)$/.test(t)) return "boolean";
  if (/^JSON$/.test(t)) return "json";
  return "other";
}

/** "文本 VARCHAR" style label of a DuckDB type. */
export function duckTypeLabel(duckType: string, lang: "zh" | "en"): string {
  const l = KIND_LABELS[typeKind(duckType)];
  return l[lang === "zh" ? 0 : 1];
}

export function isNumericType(duckType: string): boolean {
  return ["integer", "decimal", "number"].includes(typeKind(duckType));
}

/** Percent with one decimal (0 → "0%", 0.1234 → "12.3%"); part/total, 0 when total is 0. */
export function percent(part: number, total: number): string {
  if (!total) return "0%";
  const p = (100 * part) / total;
  return `${p === 0 || p === 100 ? p.toFixed(0) : p < 0.1 ? "<0.1" : p.toFixed(1)}%`;
}

/** Bytes as 12.3 KB / 4.5 MB. */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** An ISO timestamp as local "2026-11-26 14:03" (the browser's zone), or "—". */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (x: number) => String(x).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A cell for display: null → "", objects as JSON, everything else as text. */
export function fmtCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The file types the import wizard accepts (the Upload `accept` attribute). */
export const IMPORT_ACCEPT = ".csv,.tsv,.txt,.xlsx,.xls,.parquet,.json,.ndjson";

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Why a table name is refused (zh, en), or null when it is fine; mirrors sources/files/names.check_table_name. */
export function tableNameProblem(name: string): [string, string] | null {
  const n = (name || "").trim().toLowerCase();
  if (!n) return ["请填写表名", "Give a table name"];
  if (!TABLE_NAME.test(n)) return ["只能用英文字母、数字和下划线，以字母或下划线开头，最长 63 个字符", "Use letters, digits and _, starting with a letter or _, at most 63 characters"];
  if (["_shuzhi", "duckdb_", "pg_", "sqlite_", "information_schema"].some((p) => n.startsWith(p)) || n.endsWith("__rejects")) return ["这是系统保留的表名", "This table name is reserved"];
  return null;
}
