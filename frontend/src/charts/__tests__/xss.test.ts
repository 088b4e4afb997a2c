/**
 * No stored XSS through charts: ECharts renders tooltip formatters' return values as HTML, so every
 * category value, series member and metric label that reaches one must come out escaped — for every
 * chart type in the registry and the insight charts. A source scan keeps new HTML strings on `html`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { QueryResult } from "../../api/client";
import { anomalyOption } from "../../insights/anomalyChart";
import { forecastOption, multiForecastOption, type SeriesOut } from "../../insights/forecastChart";
import { waterfallOption } from "../../insights/waterfall";
import { escapeHtml, html, joinHtml, trusted } from "../../safeHtml";
import type { EChartsProps } from "../core/types";
import { CHART_TYPES } from "../registry";
import { result as asResult } from "./fixtures";

const PAYLOADS = [
  "<img src=x onerror=window.__xss=1>",
  '"><svg onload=window.__xss=1>',
  "</script><script>window.__xss=1</script>",
  "{{7*7}}",
  "javascript:alert(1)",
];
const CAT = PAYLOADS[0];
const MEMBER = PAYLOADS[1];
const LABEL = PAYLOADS[2];
const EXTRA = "<iframe src=javascript:window.__xss=1>";
const MARKER = '<span style="display:inline-block;background-color:#1664ff;"></span>';

/** Markup the payloads would inject, if anything came through unescaped. */
function assertInert(out: string, where: string): void {
  expect(out, where).not.toMatch(/<img|<svg|<script|<\/script|<iframe/i);
}

describe("safeHtml", () => {
  it("escapes the five HTML metacharacters and the backtick", () => {
    expect(escapeHtml(`<a href="x" title='y'>&\``)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;");
    expect(escapeHtml(null)).toBe("");
    expect(escapeHtml(undefined)).toBe("");
    expect(escapeHtml(12.5)).toBe("12.5");
  });
  it("html`` escapes every value but keeps its own markup, nested html and trusted markup", () => {
    const inner = html`<b>${CAT}</b>`;
    const out = html`<div>${inner}${trusted(MARKER)}${[CAT, html`<br/>`]}${null}</div>`.html;
    expect(out).toBe(`<div><b>${escapeHtml(CAT)}</b>${MARKER}${escapeHtml(CAT)}<br/></div>`);
    expect(joinHtml([CAT, html`<i>x</i>`], "<br/>").html).toBe(`${escapeHtml(CAT)}<br/><i>x</i>`);
    expect(String(html`${PAYLOADS[1]}`)).toBe("&quot;&gt;&lt;svg onload=window.__xss=1&gt;");
  });
});

// payloads as category values, series members and metric labels
const result: QueryResult = asResult({
  columns: [
    { name: "cat", type: "string", label: CAT, role: "dimension" },
    { name: "member", type: "string", label: MEMBER, role: "dimension" },
    { name: "m1", type: "number", label: LABEL, role: "metric", format: "currency" },
    { name: "m2", type: "integer", label: PAYLOADS[3], role: "metric", format: "integer" },
    { name: "m3", type: "integer", label: PAYLOADS[4], role: "metric", format: "integer" },
    { name: "m4", type: "number", label: EXTRA, role: "metric", format: "percent" },
  ],
  rows: PAYLOADS.flatMap((p, i) => [
    [p, MEMBER, 100 + i, 10, 3, 0.3],
    [p, PAYLOADS[(i + 2) % PAYLOADS.length], 50 + i, 5, 2, 0.2],
  ]),
});
const single: QueryResult = asResult({ columns: result.columns.slice(2), rows: [[1e6, 7, 3, 0.4]] });
const province: QueryResult = asResult({ columns: [{ name: "customers.province", type: "string", label: CAT, role: "dimension" }, result.columns[2], result.columns[5]], rows: [["江苏省", 3e7, 0.1], [CAT, 2e7, 0.2]] });

type Formatter = (p: unknown) => unknown;

/** Every tooltip formatter of an option (the top-level one and per-series ones), with where it sits. */
type Tip = { formatter?: unknown; trigger?: string };
function tooltipFormatters(option: Record<string, unknown>): { where: string; f: unknown; axis: boolean }[] {
  const o = ((option.baseOption as Record<string, unknown>) ?? option) as Record<string, unknown>;
  const out: { where: string; f: unknown; axis: boolean }[] = [];
  const tips = (Array.isArray(o.tooltip) ? o.tooltip : [o.tooltip]) as (Tip | undefined)[];
  tips.forEach((t, i) => t && t.formatter !== undefined && out.push({ where: `tooltip[${i}]`, f: t.formatter, axis: t.trigger === "axis" }));
  ((o.series as Record<string, unknown>[]) ?? []).forEach((s, i) => {
    const t = s.tooltip as Tip | undefined;
    if (t?.formatter !== undefined) out.push({ where: `series[${i}].tooltip`, f: t.formatter, axis: t.trigger === "axis" });
  });
  return out;
}

/** Params shaped like ECharts' for item and axis tooltips, carrying the payloads wherever ECharts would. */
function params(p: string, i: number) {
  return {
    name: p, seriesName: PAYLOADS[(i + 1) % PAYLOADS.length], axisValueLabel: p, marker: MARKER, seriesIndex: 0, dataIndex: i % 2, seriesId: "s",
    value: [i % 2, 0, 5], percent: 12.5, data: { rowIndex: i % 2, name: p }, treePathInfo: [{ name: "" }, { name: p }, { name: MEMBER }],
  };
}

function check(where: string, f: unknown, axis: boolean): string[] {
  // a string template ("{b}: {c}") is inserted into the tooltip HTML unescaped by ECharts: never allowed
  expect(typeof f, `${where}: tooltip formatters must be functions built on html\`\``).toBe("function");
  const outs: string[] = [];
  PAYLOADS.forEach((p, i) => {
    const arg = axis ? [params(p, i), params(PAYLOADS[(i + 3) % 5], i + 1)] : params(p, i);
    const out = String((f as Formatter)(arg) ?? "");
    assertInert(out, `${where} with ${p}`);
    outs.push(out);
  });
  return outs;
}

describe("every chart type's tooltips escape categories, series names and labels", () => {
  for (const t of CHART_TYPES.filter((x) => x.render === "echarts")) {
    it(t.key, () => {
      const r = t.key === "map" ? province : t.key === "gauge" ? single : result;
      const chart = { type: t.key, x: r.columns[0].name, series: ["heatmap", "treemap", "bar", "line", "area"].includes(t.key) ? "member" : undefined, y: r === result ? ["m1", "m2", "m3"] : [r.columns[1].name], tooltip: r === result ? ["m4"] : [] };
      const { option } = t.transformProps(r, chart, { lang: "zh" }) as EChartsProps;
      const fs = tooltipFormatters(option as Record<string, unknown>);
      const all = fs.flatMap(({ where, f, axis }) => check(`${t.key} ${where}`, f, axis));
      if (t.key !== "gauge") {
        expect(fs.length, `${t.key} has a tooltip formatter`).toBeGreaterThan(0);
        // the payload is there as text: escaped, not dropped
        expect(all.join("\n"), t.key).toContain("&lt;");
      }
    });
  }
  it("the 提示 shelf's metric labels are escaped too", () => {
    const bar = CHART_TYPES.find((x) => x.key === "bar")!;
    const { option } = bar.transformProps(result, { type: "bar", x: "cat", y: ["m1"], tooltip: ["m4"] }, { lang: "zh" }) as EChartsProps;
    const out = ((option as { tooltip: { formatter: Formatter } }).tooltip.formatter([params(CAT, 0)]) as string);
    expect(out).toContain(escapeHtml(PAYLOADS[0]));
    expect(out).toContain(escapeHtml(EXTRA));
    assertInert(out, "bar extra");
  });
});

describe("insight charts escape their labels", () => {
  const tx = ((k: string) => k) as never;
  const pt = (label: string, value: number) => ({ period: label, label, value, lower80: value - 1, upper80: value + 1, lower95: value - 2, upper95: value + 2 });
  const s = (key: string): SeriesOut => ({ key, model: "AutoETS", backtest: null, candidates: {}, notes: [], history: [pt(CAT, 1), pt(MEMBER, 2)], forecast: [pt(LABEL, 3)] });
  it("forecast, multi-series forecast, anomalies and the attribution waterfall", () => {
    const opts: [string, object][] = [
      ["forecast", forecastOption(s(CAT), LABEL, tx, String)],
      ["multiForecast", multiForecastOption([s(CAT), s(MEMBER)], tx, String)],
      ["anomaly", anomalyOption({ label: LABEL, format: null, by: "x", periods: ["a", "b"], labels: [CAT, MEMBER],
        series: [{ key: MEMBER, values: [1, 2] }],
        anomalies: [{ series: MEMBER, period: "b", label: MEMBER, value: 2, expected: 1, lower: 0, upper: 1.5, z: 4, direction: "up", severity: "high", description_zh: CAT, description_en: CAT }],
        notes: [] } as never, "zh", String, { expected: LABEL, anomaly: LABEL })],
      ["waterfall", waterfallOption({ label: CAT, value: 1 }, [{ label: MEMBER, value: 2 }], { label: LABEL, value: 3 }, String)],
    ];
    for (const [name, o] of opts) {
      const fs = tooltipFormatters(o as Record<string, unknown>);
      expect(fs.length, name).toBeGreaterThan(0);
      const outs = fs.flatMap(({ where, f, axis }) => check(`${name} ${where}`, f, axis));
      outs.push(String((fs[0].f as Formatter)({ seriesId: "anomalies", dataIndex: 0, data: { description: CAT }, seriesName: LABEL })));
      outs.forEach((out) => assertInert(out, name));
      expect(outs.join("\n"), name).toContain("&lt;");
    }
  });
});

/** .ts/.tsx files under frontend/src (tests excluded). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "__tests__" ? [] : sources(p);
    return /\.tsx?$/.test(n) && !n.endsWith(".d.ts") ? [p] : [];
  });
}

describe("source guard", () => {
  const root = join(__dirname, "..", "..");
  const files = sources(root);
  it("no innerHTML, outerHTML, insertAdjacentHTML, document.write or dangerouslySetInnerHTML anywhere", () => {
    const bad = files.filter((f) => /innerHTML|outerHTML|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML/.test(readFileSync(f, "utf8")));
    expect(bad.map((f) => relative(root, f))).toEqual([]);
  });
  it("every HTML string in .ts files is built with html`` (values escaped)", () => {
    const bad: string[] = [];
    for (const f of files.filter((x) => x.endsWith(".ts") && !x.endsWith("safeHtml.ts"))) {
      readFileSync(f, "utf8").split("\n").forEach((line, i) => {
        if (/<\/?(br|span|div|b|i|p|strong|em|img|a|table|tr|td|ul|li)\b[^>]*>/.test(line) && !/html`|joinHtml\(/.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line)) {
          bad.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(bad).toEqual([]);
  });
});
