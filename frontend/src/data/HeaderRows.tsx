/**
 * The first rows of an uploaded sheet or text file as they are in the file, with the detected header
 * highlighted (its group line too, for a two-level header), the title / unit / notes lines above it shown
 * as skipped, and on every other row one button, 设为表头, that previews again with that row as the header
 * (ImportPreview.top_rows, header_row, rows_before_data).
 */
import { Button, Table, Tag, Typography } from "antd";
import { useDataT } from "./i18n";

interface Props {
  rows: string[][];
  headerRow: number | null | undefined; // 1-based; 0 or null: no header
  rowsBeforeData: number | null | undefined; // the header's last line (1-based)
  onPick: (row: number) => void;
}

export function HeaderRows({ rows, headerRow, rowsBeforeData, onPick }: Props) {
  const t = useDataT();
  if (!rows.length) return null;
  const width = Math.min(Math.max(...rows.map((r) => r.length)), 12);
  const first = headerRow || 0;
  const last = first ? Math.max(rowsBeforeData ?? first, first) : 0;
  const kind = (n: number) => (first && n >= first && n <= last ? "header" : n < (first || 1) ? "skipped" : "data");
  return (
    <div data-testid="import-top-rows">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t("imp.topRows")}</Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        scroll={{ x: 640, y: 300 }}
        rowKey="n"
        rowClassName={(r) => `import-top-${kind(r.n)}`}
        onRow={(r) => ({ "data-testid": `import-top-row-${r.n}`, "data-kind": kind(r.n) } as React.HTMLAttributes<HTMLElement>)}
        dataSource={rows.map((cells, i) => ({ n: i + 1, cells }))}
        columns={[
          {
            title: "#", key: "n", width: 92, fixed: "left",
            render: (_, r) => (
              <span>
                {r.n}{" "}
                {kind(r.n) === "header" && <Tag color="blue" data-testid="import-header-tag">{t("imp.headerTag")}</Tag>}
                {kind(r.n) === "skipped" && r.cells.some((c) => c) && <Tag>{t("imp.skippedTag")}</Tag>}
              </span>
            ),
          },
          ...Array.from({ length: width }, (_, c) => ({
            title: String.fromCharCode(65 + c), key: `c${c}`, ellipsis: true, width: 120,
            render: (_: unknown, r: { n: number; cells: string[] }) => r.cells[c] ?? "",
          })),
          {
            title: "", key: "pick", width: 96, fixed: "right" as const,
            render: (_, r) => r.n !== first && r.cells.some((c) => c) && (
              <Button size="small" type="link" onClick={() => onPick(r.n)} data-testid={`import-set-header-${r.n}`}>{t("imp.headerPick")}</Button>
            ),
          },
        ]}
      />
    </div>
  );
}
