/** The data table: formatted cells, sortable columns, pagination, conditional formatting (data bars, colour scale, thresholds). */
import { Table } from "antd";
import type { Cell } from "../../../api/client";
import { formatPeriod, grainOf } from "../../../format";
import { useI18n } from "../../../i18n";
import { fmtValue } from "../../core/columns";
import type { ElementDatum } from "../../core/types";
import { cellStyle, type TableProps } from "./transformProps";

export default function DataGrid({ p, onRowClick, compact = false }: { p: TableProps; onRowClick?: (d: ElementDatum) => void; compact?: boolean }) {
  const { lang } = useI18n();
  const first = p.columns.find((c) => !c.numeric);
  const columns = p.columns.map((c) => ({
    key: c.name,
    dataIndex: c.index,
    title: c.title,
    align: c.numeric ? ("right" as const) : ("left" as const),
    sorter: (a: Cell[], b: Cell[]) => {
      const x = a[c.index];
      const y = b[c.index];
      if (x === null) return 1;
      if (y === null) return -1;
      return typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
    },
    onCell: (row: Cell[]) => ({ style: cellStyle(row[c.index], c) }),
    render: (v: Cell) => (c.time ? formatPeriod(v, grainOf(c.name), lang) : fmtValue(v, c.fmt, lang, { compact: compact })),
  }));
  return (
    <Table
      size="small"
      rowKey={(_, i) => String(i)}
      columns={columns}
      dataSource={p.rows}
      pagination={p.rows.length > p.pageSize ? { pageSize: p.pageSize, size: "small", showSizeChanger: false, showTotal: (n) => (lang === "zh" ? `共 ${n} 行` : `${n} rows`) } : false}
      scroll={{ x: "max-content" }}
      onRow={(row) => ({
        onClick: onRowClick && first ? () => onRowClick({ field: first.name, value: row[first.index], row: Object.fromEntries(p.columns.map((c) => [c.name, row[c.index]])) }) : undefined,
        style: onRowClick ? { cursor: "pointer" } : undefined,
      })}
    />
  );
}
