/**
 * No hand-written response type: every shape the server answers comes from the generated schema
 * (openapi.json → schema.d.ts), aliased where it is used. This test reads the sources and fails when an
 * interface or object type literal names a response schema or repeats most of one's fields.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "..", "..");
type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; additionalProperties?: Schema | boolean };
const doc = JSON.parse(readFileSync(join(SRC, "..", "openapi.json"), "utf-8")) as {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
};

/** Every component schema an answer of the API can contain, with its field names. */
function responseSchemas(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (s: Schema | boolean | undefined) => {
    if (!s || typeof s !== "object") return;
    if (s.$ref) {
      const name = s.$ref.split("/").pop()!;
      if (out.has(name)) return;
      const target = doc.components.schemas[name];
      out.set(name, new Set(Object.keys(target.properties ?? {})));
      visit(target);
      return;
    }
    Object.values(s.properties ?? {}).forEach(visit);
    [s.items, s.additionalProperties, ...(s.anyOf ?? []), ...(s.oneOf ?? [])].forEach(visit);
  };
  for (const ops of Object.values(doc.paths))
    for (const op of Object.values(ops))
      for (const [status, r] of Object.entries(op.responses ?? {}))
        if (status.startsWith("2")) for (const c of Object.values(r.content ?? {})) visit(c.schema);
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "__tests__" ? [] : sources(p);
    return /\.tsx?$/.test(n) && !n.endsWith(".d.ts") ? [p] : [];
  });
}

/** Interfaces and object type literals declared in a file: name → top-level field names. */
export function declaredShapes(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const head = /(?:^|\n)\s*(?:export\s+)?(?:interface\s+(\w+)(?:<[^>{]*>)?(?:\s+extends\s+[^{]+)?|type\s+(\w+)(?:<[^>=]*>)?\s*=)\s*\{/g;
  for (let m; (m = head.exec(text)); ) {
    let depth = 0;
    let body = "";
    for (let i = head.lastIndex - 1; i < text.length; i++) {
      const ch = text[i];
      if (ch === "{") depth++;
      if (ch === "}" && --depth === 0) break;
      body += depth === 1 ? ch : ch === "{" && depth === 2 ? "{" : "";
    }
    const fields = [...body.matchAll(/(?:^|[;,{\n])\s*(?:readonly\s+)?["']?([A-Za-z_]\w*)["']?\??\s*:/g)].map((x) => x[1]);
    out.set(m[1] ?? m[2], fields);
  }
  return out;
}

describe("the web client's response types", () => {
  const schemas = responseSchemas();

  it("finds the server's answers in openapi.json", () => {
    for (const name of ["ResultBody", "AskAnswer", "ChartConfig", "MetricDetail", "ForecastOut", "AnomaliesOut", "Explanation", "DashboardData", "SemanticModel"])
      expect(schemas.has(name), name).toBe(true);
  });

  it("are aliases of the generated schema, never hand-written copies", () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      for (const [name, fields] of declaredShapes(readFileSync(file, "utf-8"))) {
        const where = `${relative(SRC, file)}: ${name} {${fields.join(", ")}}`;
        const same = schemas.get(name);
        if (same && fields.filter((f) => same.has(f)).length >= fields.length / 2) {
          found.push(`${where} is a copy of the response schema ${name}`);
          continue;
        }
        if (fields.length < 4) continue; // {name, type, label} and the like are too common to judge
        for (const [schema, props] of schemas) {
          const shared = fields.filter((f) => props.has(f)).length;
          if (shared === fields.length && shared >= 0.5 * props.size) found.push(`${where} repeats the response schema ${schema}`);
        }
      }
    }
    expect(found, "use Schemas[\"…\"] from api/client instead:\n" + found.join("\n")).toEqual([]);
  });

  it("recognises a copy", () => {
    const copy = declaredShapes('export interface Thing {\n  conversation_id: string;\n  question: string;\n  spec: object | null;\n  chart: { type: string } | null;\n}');
    expect(copy.get("Thing")).toEqual(["conversation_id", "question", "spec", "chart"]);
  });
});
