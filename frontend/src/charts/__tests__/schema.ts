/** A checker of values against the server's OpenAPI schemas (frontend/openapi.json), for the chart-config tests. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Schema = { $ref?: string; type?: string; enum?: unknown[]; const?: unknown; anyOf?: Schema[]; properties?: Record<string, Schema>; required?: string[]; additionalProperties?: boolean | Schema; items?: Schema };
const doc = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "openapi.json"), "utf-8")) as { components: { schemas: Record<string, Schema> } };

/** Problems of `v` against a JSON schema (the subset pydantic writes for ChartConfig). */
export function problems(v: unknown, s: Schema, path = "$"): string[] {
  if (s.$ref) return problems(v, doc.components.schemas[s.$ref.split("/").pop()!], path);
  if (s.anyOf) return s.anyOf.some((x) => problems(v, x, path).length === 0) ? [] : [`${path}: ${JSON.stringify(v)} fits none of anyOf`];
  if (s.enum && !s.enum.includes(v)) return [`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(s.enum)}`];
  if ("const" in s && s.const !== v) return [`${path}: ${JSON.stringify(v)} ≠ ${JSON.stringify(s.const)}`];
  const t = s.type;
  if (t === "null") return v === null ? [] : [`${path}: not null`];
  if (t === "string" || t === "boolean") return typeof v === t ? [] : [`${path}: not a ${t}`];
  if (t === "number") return typeof v === "number" ? [] : [`${path}: not a number`];
  if (t === "integer") return Number.isInteger(v) ? [] : [`${path}: not an integer`];
  if (t === "array") return Array.isArray(v) ? v.flatMap((x, i) => problems(x, s.items ?? {}, `${path}[${i}]`)) : [`${path}: not an array`];
  if (t === "object") {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return [`${path}: not an object`];
    const o = v as Record<string, unknown>;
    const out = (s.required ?? []).filter((k) => !(k in o)).map((k) => `${path}.${k}: missing`);
    for (const [k, x] of Object.entries(o)) {
      const p = s.properties?.[k];
      if (p) out.push(...problems(x, p, `${path}.${k}`));
      else if (s.additionalProperties === false) out.push(`${path}.${k}: not a field of the server's schema`);
    }
    return out;
  }
  return [];
}
