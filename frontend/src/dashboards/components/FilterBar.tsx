/**
 * Filter controls: dropdown and multi-select with server-side search (GET /fields/{field}/values, row rules
 * apply), date range with relative presets or custom dates, numeric range, and a hierarchy tree.
 * Each control reports its value; an emptied control reports null (cleared).
 */
import { DatePicker, InputNumber, Select, Space, TreeSelect } from "antd";
import dayjs from "dayjs";
import { createContext, useContext, useEffect, useMemo, useState } from "react";
import { fieldValues, hierarchyValues } from "../api";
import { useDT, type DashKey } from "../i18n";
import type { FilterConfig } from "../types";

/** Where filter options come from: the signed-in API by default; a share link or an embed passes its own
 * (they answer only for the page's own filters, with the link's or guest's rules). */
export interface ValuesSource {
  fieldValues: (field: string, search?: string) => Promise<unknown>;
  hierarchyValues: (name: string) => Promise<unknown>;
}
export const ValuesContext = createContext<ValuesSource>({ fieldValues, hierarchyValues });

const DEFAULT_PRESETS = ["this_month", "last_month", "this_quarter", "this_year", "last_year", "last_12_months"];

function useOptions(field: string, search: string) {
  const { fieldValues } = useContext(ValuesContext);
  const [options, setOptions] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      fieldValues(field, search)
        .then((r) => live && setOptions((r as { values: unknown[] }).values.filter((v) => v !== null).map(String)))
        .catch(() => live && setOptions([]));
    }, search ? 250 : 0);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [field, search, fieldValues]);
  return options;
}

function ValuePicker({ f, value, onChange, multiple }: { f: FilterConfig; value: unknown; onChange: (v: unknown) => void; multiple: boolean }) {
  const { dt } = useDT();
  const [search, setSearch] = useState("");
  const options = useOptions(f.field, search);
  const current = multiple ? ((value as string[] | null) ?? []) : ((value as string | null) ?? undefined);
  return (
    <Select
      mode={multiple ? "multiple" : undefined}
      showSearch
      allowClear
      size="small"
      maxTagCount="responsive"
      filterOption={false}
      onSearch={setSearch}
      loading={options === null}
      placeholder={dt("filter.all")}
      value={current as never}
      onChange={(v) => onChange(v ?? null)}
      onDropdownVisibleChange={(open) => !open && setSearch("")}
      options={(options ?? []).map((v) => ({ value: v, label: v }))}
      style={{ width: "100%" }}
      popupMatchSelectWidth={false}
      data-testid="filter-select"
    />
  );
}

function DateRange({ f, value, onChange }: { f: FilterConfig; value: unknown; onChange: (v: unknown) => void }) {
  const { dt } = useDT();
  const v = (value ?? null) as { relative?: string; start?: string; end?: string } | null;
  const presets = f.presets?.length ? f.presets : DEFAULT_PRESETS;
  const mode = v?.relative ?? (v?.start || v?.end ? "custom" : "");
  return (
    <Space.Compact style={{ width: "100%" }}>
      <Select
        size="small"
        allowClear
        placeholder={dt("filter.all")}
        value={mode || undefined}
        onChange={(m) => onChange(!m ? null : m === "custom" ? { start: dayjs().startOf("year").format("YYYY-MM-DD"), end: dayjs().format("YYYY-MM-DD") } : { relative: m })}
        options={[...presets.map((p) => ({ value: p, label: dt(`range.${p}` as DashKey) })), { value: "custom", label: dt("filter.custom") }]}
        style={{ minWidth: 110 }}
        data-testid="filter-date-preset"
      />
      {mode === "custom" && (
        <DatePicker.RangePicker
          size="small"
          value={[v?.start ? dayjs(v.start) : null, v?.end ? dayjs(v.end) : null]}
          onChange={(r) => onChange(r && r[0] && r[1] ? { start: r[0].format("YYYY-MM-DD"), end: r[1].format("YYYY-MM-DD") } : null)}
        />
      )}
    </Space.Compact>
  );
}

function NumericRange({ value, onChange }: { value: unknown; onChange: (v: unknown) => void }) {
  const { dt } = useDT();
  const [lo, hi] = (Array.isArray(value) ? value : [null, null]) as (number | null)[];
  const set = (a: number | null, b: number | null) => onChange(a === null && b === null ? null : [a, b]);
  return (
    <Space.Compact style={{ width: "100%" }}>
      <InputNumber size="small" placeholder={dt("filter.min")} value={lo} onChange={(x) => set(x ?? null, hi)} style={{ width: "50%" }} data-testid="filter-min" />
      <InputNumber size="small" placeholder={dt("filter.max")} value={hi} onChange={(x) => set(lo, x ?? null)} style={{ width: "50%" }} data-testid="filter-max" />
    </Space.Compact>
  );
}

interface TreeNode {
  title: string;
  value: string;
  key: string;
  children?: TreeNode[];
}
const SEP = "\u001f";

function Tree({ f, value, onChange }: { f: FilterConfig; value: unknown; onChange: (v: unknown) => void }) {
  const { dt } = useDT();
  const { hierarchyValues } = useContext(ValuesContext);
  const [tree, setTree] = useState<TreeNode[] | null>(null);
  useEffect(() => {
    if (!f.hierarchy) return;
    hierarchyValues(f.hierarchy)
      .then((h) => {
        const roots: TreeNode[] = [];
        const index = new Map<string, TreeNode>();
        for (const row of (h as { rows: unknown[][] }).rows) {
          let siblings = roots;
          const path: string[] = [];
          for (const cell of row) {
            if (cell === null) break;
            path.push(String(cell));
            const key = path.join(SEP);
            let node = index.get(key);
            if (!node) {
              node = { title: String(cell), value: key, key };
              index.set(key, node);
              siblings.push(node);
            }
            node.children = node.children ?? [];
            siblings = node.children;
          }
        }
        const prune = (ns: TreeNode[]) => ns.forEach((n) => (n.children?.length ? prune(n.children) : delete n.children));
        prune(roots);
        setTree(roots);
      })
      .catch(() => setTree([]));
  }, [f.hierarchy, hierarchyValues]);
  const selected = useMemo(() => ((value as string[][] | null) ?? []).map((p) => p.join(SEP)), [value]);
  return (
    <TreeSelect
      size="small"
      multiple
      treeCheckable
      showCheckedStrategy={TreeSelect.SHOW_PARENT}
      allowClear
      loading={tree === null}
      treeData={tree ?? []}
      value={selected}
      onChange={(keys: string[]) => onChange(keys.length ? keys.map((k) => k.split(SEP)) : null)}
      placeholder={dt("filter.all")}
      maxTagCount="responsive"
      style={{ width: "100%" }}
      popupMatchSelectWidth={false}
      data-testid="filter-tree"
    />
  );
}

export function FilterControl({ f, value, onChange }: { f: FilterConfig; value: unknown; onChange: (v: unknown) => void }) {
  switch (f.control) {
    case "dropdown":
      return <ValuePicker f={f} value={value} onChange={onChange} multiple={false} />;
    case "multi_select":
      return <ValuePicker f={f} value={value} onChange={onChange} multiple />;
    case "date_range":
      return <DateRange f={f} value={value} onChange={onChange} />;
    case "numeric_range":
      return <NumericRange value={value} onChange={onChange} />;
    case "tree":
      return <Tree f={f} value={value} onChange={onChange} />;
    default:
      return null;
  }
}
