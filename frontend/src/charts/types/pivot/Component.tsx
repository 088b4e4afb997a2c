/**
 * The pivot table. With the query's spec it fetches the subtotal/total levels (pivotLevelSpecs) and shows
 * 小计/合计 rows and columns from the server's numbers; without it, a plain cross-tab.
 */
import { Spin } from "antd";
import { useEffect, useMemo, useState } from "react";
import { runQuery, type QuerySpec, type QueryResult } from "../../../api/client";
import { useI18n } from "../../../i18n";
import { fmtValue } from "../../core/columns";
import type { ChartConfig, ElementDatum } from "../../core/types";
import { pivotLevelSpecs } from "./buildQuery";
import { assemblePivot, rowHeader } from "./transformProps";

export default function PivotTable({ result, chart, spec, onCellClick }: { result: QueryResult; chart: ChartConfig; spec?: Partial<QuerySpec>; onCellClick?: (d: ElementDatum) => void }) {
  const { lang } = useI18n();
  const [levels, setLevels] = useState<Map<string, QueryResult> | null>(spec ? null : new Map());
  const specKey = JSON.stringify([spec, chart.rows, chart.columns, chart.subtotals, chart.totals]);
  useEffect(() => {
    if (!spec) return setLevels(new Map());
    let live = true;
    const wanted = pivotLevelSpecs(spec, chart.rows ?? [], chart.columns ?? [], chart.subtotals !== false, chart.totals !== false);
    Promise.all(wanted.map((w) => runQuery(w.spec).then((r) => [w.key, r] as const).catch(() => null))).then((got) => {
      if (live) setLevels(new Map(got.filter((g): g is readonly [string, QueryResult] => g !== null)));
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [specKey]);
  const m = useMemo(() => (levels ? assemblePivot(result, chart, levels, { lang }) : null), [result, chart, levels, lang]);
  if (!m) return <Spin style={{ display: "block", margin: "60px auto" }} />;
  const nm = m.metrics.length;
  const depth = Math.max(1, ...m.cols.map((c) => c.labels.length));
  return (
    <div className="pivot-wrap" data-testid="pivot-table">
      <table className="pivot-table">
        <thead>
          {Array.from({ length: depth }, (_, level) => (
            <tr key={level}>
              {level === 0 && m.rowTitles.map((t) => <th key={t} rowSpan={depth + (nm > 1 ? 1 : 0)} className="pv-rowhead">{t}</th>)}
              {level === 0 && !m.rowTitles.length && <th rowSpan={depth + (nm > 1 ? 1 : 0)} />}
              {m.cols.map((c, i) => (
                <th key={i} colSpan={nm} className={`pv-col ${c.kind}`}>{c.labels[level] ?? (level === 0 && !c.labels.length ? m.colTitles.join(" / ") || "" : "")}</th>
              ))}
            </tr>
          ))}
          {nm > 1 && (
            <tr>
              {m.cols.flatMap((_, i) => m.metrics.map((mt) => <th key={`${i}-${mt.name}`} className="pv-metric">{mt.label}</th>))}
            </tr>
          )}
        </thead>
        <tbody>
          {m.rows.map((r, ri) => (
            <tr key={ri} className={`pv-${r.kind}`}>
              {rowHeader(r, m.rows[ri - 1], m.rowTitles.length).map((h, d) => <th key={d} colSpan={h.span} className="pv-rowlabel">{h.text}</th>)}
              {!m.rowTitles.length && <th className="pv-rowlabel" />}
              {r.cells.map((v, i) => {
                const col = m.cols[Math.floor(i / nm)];
                const mt = m.metrics[i % nm];
                const click = onCellClick && r.kind === "leaf" && m.rowTitles.length ? () => onCellClick({ field: chart.rows![0], value: r.path[0], row: null, series: col.kind === "leaf" && chart.columns?.length ? { field: chart.columns[0], value: col.path[0] } : undefined }) : undefined;
                return <td key={i} className={`pv-num ${col.kind}`} onClick={click}>{fmtValue(v, mt.fmt, lang)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
