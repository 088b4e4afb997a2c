/**
 * 仪表板编辑: a 24-column react-grid-layout (drag by the title bar, resize by the corner), add chart / KPI /
 * text / image / filter components, duplicate and delete them, title and sharing; Save writes a new version
 * (PUT) or creates the dashboard (POST). Previews use each component's own spec.
 */
import { ArrowLeftOutlined, BarChartOutlined, CopyOutlined, DeleteOutlined, PlusOutlined, SaveOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Checkbox, Dropdown, Input, Select, Space, Spin, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import GridLayout, { WidthProvider, type Layout } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import "./dashboards.css";
import "react-resizable/css/styles.css";
import { useNavigate, useParams } from "react-router-dom";
import { errorMessage } from "../api/client";
import AddComponent, { type AddKind } from "./AddComponent";
import { createDashboard, getDashboard, modelInfo, saveDashboard, type ModelInfo } from "./api";
import ImageTile from "./components/ImageTile";
import TextTile from "./components/TextTile";
import { useDT } from "./i18n";
import { applyLayout, COLS, gridItems, layoutChanged, place, ROW_HEIGHT, uniqueId } from "./layout";
import Preview from "./Preview";
import Tile, { HEADER, MARGIN, pixelHeight } from "./Tile";
import VersionsMenu from "./VersionsMenu";
import type { Component, DashboardDef } from "./types";

const Grid24 = WidthProvider(GridLayout);
const ROLES = ["admin", "editor", "viewer"] as const;

export default function DashboardEditor() {
  const { key } = useParams();
  const navigate = useNavigate();
  const { dt, pick, lang } = useDT();
  const { message, modal } = App.useApp();
  const [def, setDef] = useState<DashboardDef | null>(key ? null : { name: "", title: "", components: [], theme: "light", shared_roles: [] } as unknown as DashboardDef);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState<AddKind | null>(null);
  const [model, setModel] = useState<ModelInfo | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null); // the definition as loaded, to notice unsaved edits

  useEffect(() => {
    modelInfo().then(setModel).catch(() => setModel(null));
    if (key)
      getDashboard(key, false)
        .then((d) => {
          setDef(d.definition);
          setSaved(JSON.stringify(d.definition));
        })
        .catch((e) => setError(errorMessage(e)));
  }, [key]);

  const layout = useMemo(() => (def ? gridItems(def.components) : []), [def]);
  if (error) return <Alert type="error" showIcon message={error} style={{ margin: 24 }} />;
  if (!def) return <Spin size="large" style={{ display: "block", marginTop: "20vh" }} />;
  const update = (patch: Partial<DashboardDef>) => setDef({ ...def, ...patch });
  const sel = def.components.find((c) => c.id === selected) ?? null;
  const setComp = (id: string, patch: Partial<Component>) => update({ components: def.components.map((c) => (c.id === id ? { ...c, ...patch } : c)) });

  const add = (c: Omit<Component, "id" | "pos">) => {
    const size = c.kind === "kpi" ? { w: 6, h: 4 } : c.kind === "filter" ? { w: 8, h: 2 } : c.kind === "text" ? { w: 8, h: 4 } : { w: 12, h: 8 };
    const base = c.kind === "chart" ? ((c.spec as { metrics?: string[] })?.metrics?.[0] ?? "chart") : c.kind;
    const id = uniqueId(def.components, base);
    const spot = place(def.components, size.w, size.h, c.kind);  // first free spot; filters on the top row
    update({ components: [...spot.components, { ...c, id, pos: spot.pos } as Component] });
    setSelected(id);
    setAdding(null);
  };
  const duplicate = (c: Component) => {
    const id = uniqueId(def.components, c.id);
    const spot = place(def.components, c.pos.w, c.pos.h, c.kind);
    update({ components: [...spot.components, { ...structuredClone(c), id, pos: spot.pos }] });
    setSelected(id);
  };
  const remove = (c: Component) => {
    update({
      components: def.components
        .filter((x) => x.id !== c.id)
        .map((x) => (x.filter && Array.isArray(x.filter.scope) ? { ...x, filter: { ...x.filter, scope: x.filter.scope.filter((s) => s !== c.id) } } : x)),
    });
    setSelected(null);
  };
  const save = async () => {
    setSaving(true);
    try {
      const out = key ? await saveDashboard(key, def) : await createDashboard(def);
      message.success(dt("edit.saved", { version: out.version }));
      navigate(`/dashboards/${out.name}`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const body = (c: Component) => {
    const h = pixelHeight(c.pos.h) - HEADER - 16;
    if (c.kind === "text") return <TextTile text={pick(c.text, c.text_en)} />;
    if (c.kind === "image") return <ImageTile src={c.image ?? ""} alt={c.alt} />;
    if (c.kind === "filter") return <Typography.Text type="secondary">{dt(`control.${c.filter!.control}`)} · {c.filter!.field}</Typography.Text>;
    return <Preview component={c} height={Math.max(80, h)} />;
  };

  return (
    <div className="dash-page dash-edit" data-testid="dashboard-editor">
      <div className="dash-head">
        <Space size={8} wrap>
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(key ? `/dashboards/${key}` : "/dashboards")}>
            {dt("edit.cancel")}
          </Button>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {key ? dt("edit.title") : dt("edit.newTitle")}
          </Typography.Title>
        </Space>
        <Space size={8} wrap>
          <Dropdown
            menu={{
              items: (["chart", "kpi", "text", "image", "filter"] as AddKind[]).map((k) => ({
                key: k,
                label: <span data-testid={`add-${k}`}>{dt(`edit.add${k === "kpi" ? "Kpi" : k[0].toUpperCase() + k.slice(1)}` as never)}</span>,
              })),
              onClick: (e) => setAdding(e.key as AddKind),
            }}
          >
            <Button icon={<PlusOutlined />} data-testid="add-component">
              {dt("edit.add")}
            </Button>
          </Dropdown>
          {key && (
            <VersionsMenu
              dashboard={key}
              lang={lang}
              onRestored={(d) => {
                setDef(d.definition);
                setSaved(JSON.stringify(d.definition));
                setSelected(null);
              }}
            />
          )}
          <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={save} data-testid="save-dashboard">
            {dt("edit.save")}
          </Button>
        </Space>
      </div>
      <Card size="small" className="dash-settings">
        <Space wrap size={12} align="end">
          {!key && (
            <label>
              <div className="field-label">{dt("edit.name")}</div>
              <Input value={def.name} onChange={(e) => update({ name: e.target.value.trim().toLowerCase() })} style={{ width: 200 }} data-testid="dash-name" />
            </label>
          )}
          <label>
            <div className="field-label">{dt("edit.dashTitle")}</div>
            <Input value={def.title} onChange={(e) => update({ title: e.target.value })} style={{ width: 220 }} data-testid="dash-title" />
          </label>
          <label>
            <div className="field-label">{dt("edit.dashTitleEn")}</div>
            <Input value={def.title_en ?? ""} onChange={(e) => update({ title_en: e.target.value || null })} style={{ width: 220 }} />
          </label>
          <div>
            <div className="field-label">{dt("edit.share")}</div>
            <Checkbox.Group
              value={def.shared_roles ?? []}
              onChange={(v) => update({ shared_roles: v as DashboardDef["shared_roles"] })}
              options={ROLES.map((r) => ({ value: r, label: lang === "en" ? r : { admin: "管理员", editor: "编辑者", viewer: "查看者" }[r] }))}
            />
          </div>
        </Space>
        {sel && (
          <div className="dash-selected" data-testid="selected-panel">
            <Space wrap size={8}>
              <Typography.Text strong>{sel.id}</Typography.Text>
              <Input size="small" value={sel.title ?? ""} placeholder={dt("edit.compTitle")} onChange={(e) => setComp(sel.id, { title: e.target.value || null })} style={{ width: 220 }} data-testid="selected-title" />
              <Input size="small" value={sel.title_en ?? ""} placeholder="English title" onChange={(e) => setComp(sel.id, { title_en: e.target.value || null })} style={{ width: 220 }} />
              {sel.filter && (
                <Select
                  size="small"
                  mode="multiple"
                  allowClear
                  style={{ minWidth: 260 }}
                  placeholder={dt("edit.scopeAll")}
                  value={sel.filter.scope === "all" ? [] : sel.filter.scope}
                  onChange={(v: string[]) => setComp(sel.id, { filter: { ...sel.filter!, scope: v.length ? v : "all" } })}
                  options={def.components.filter((c) => c.kind === "chart" || c.kind === "kpi").map((c) => ({ value: c.id, label: pick(c.title, c.title_en) || c.id }))}
                  data-testid="filter-scope"
                />
              )}
              {sel.kind === "chart" && key && (
                <Button
                  size="small"
                  icon={<BarChartOutlined />}
                  data-testid="edit-in-analysis"
                  onClick={() => {
                    const go = () => navigate(`/analysis?dashboard=${encodeURIComponent(key)}&component=${encodeURIComponent(sel.id)}`);
                    if (saved === JSON.stringify(def) || !def.components.some((c) => c.id === sel.id)) return go();
                    modal.confirm({
                      title: lang === "en" ? "Leave without saving?" : "有未保存的修改",
                      content: lang === "en" ? "The chart opens as last saved; unsaved changes to this dashboard are lost." : "图表将按上次保存的样子打开，本仪表板未保存的修改会丢失。",
                      onOk: go,
                    });
                  }}
                >
                  {lang === "en" ? "Edit query in analysis" : "在分析页编辑"}
                </Button>
              )}
              <Button size="small" icon={<CopyOutlined />} onClick={() => duplicate(sel)} data-testid="duplicate-component">
                {dt("edit.duplicate")}
              </Button>
              <Button size="small" danger icon={<DeleteOutlined />} onClick={() => remove(sel)} data-testid="delete-component">
                {dt("edit.delete")}
              </Button>
            </Space>
          </div>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {dt("edit.hint")} {dt("edit.selectHint")}
        </Typography.Text>
      </Card>
      <Grid24
        className="dash-grid editing"
        layout={layout}
        cols={COLS}
        rowHeight={ROW_HEIGHT}
        margin={[MARGIN, MARGIN]}
        containerPadding={[0, 0]}
        draggableHandle=".drag-handle"
        onLayoutChange={(l: Layout[]) => setDef((d) => (d && layoutChanged(d.components, l) ? { ...d, components: applyLayout(d.components, l) } : d))}
        compactType="vertical"
      >
        {def.components.map((c) => (
          <div key={c.id}>
            <Tile component={{ ...c, title: c.title || c.id }} selected={c.id === selected} onSelect={() => setSelected(c.id)}>
              {body(c)}
            </Tile>
          </div>
        ))}
      </Grid24>
      <AddComponent kind={adding} model={model} onCancel={() => setAdding(null)} onAdd={add} />
    </div>
  );
}
