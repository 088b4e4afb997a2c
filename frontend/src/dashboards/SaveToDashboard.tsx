/** "Save to dashboard": add the current chart (its QuerySpec and chart config) to an existing dashboard you may
 * edit, or to a new one. Used by the analysis page and the ask box. */
import { AppstoreAddOutlined } from "@ant-design/icons";
import { App, Button, Form, Input, Modal, Radio, Select } from "antd";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { errorMessage } from "../api/client";
import { useCan } from "../auth";
import { createDashboard, getDashboard, listDashboards, saveDashboard } from "./api";
import { useDT } from "./i18n";
import { COLS, place, uniqueId } from "./layout";
import type { Component, DashboardSummary } from "./types";

export default function SaveToDashboard({ open, onClose, spec, chart, title }: {
  open: boolean;
  onClose: () => void;
  spec: object;
  chart: { type: string; [k: string]: unknown };
  title: string;
}) {
  const { dt, pick } = useDT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [list, setList] = useState<DashboardSummary[]>([]);
  const [mode, setMode] = useState<"existing" | "new">("existing");
  const [target, setTarget] = useState<string | null>(null);
  const [newTitle, setNewTitle] = useState("");
  const [chartTitle, setChartTitle] = useState(title);
  const [busy, setBusy] = useState(false);
  // the user's own pick of existing/new wins over the default the dashboard list brings when it arrives later
  const picked = useRef(false);

  useEffect(() => {
    if (!open) return;
    setChartTitle(title);
    listDashboards()
      .then((l) => {
        const mine = l.filter((d) => d.can_edit);
        setList(mine);
        if (!picked.current || !mine.length) setMode(mine.length ? "existing" : "new");
        setTarget((t) => t ?? mine[0]?.name ?? null);
      })
      .catch(() => setList([]));
  }, [open, title]);

  const submit = async () => {
    setBusy(true);
    try {
      const kind = "chart";
      const comp = (components: Component[], pos: Component["pos"]) =>
        ({ id: uniqueId(components, "chart"), kind, title: chartTitle || title, pos, spec, chart }) as unknown as Component;
      let name: string;
      if (mode === "existing" && target) {
        const d = await getDashboard(target, false);
        const def = d.definition;
        const spot = place(def.components, 12, 8, kind);  // beside the last chart when there is room
        const out = await saveDashboard(target, { ...def, components: [...spot.components, comp(def.components, spot.pos)] });
        name = out.name;
      } else {
        // a new dashboard's first chart spans the width (wide pivots and long category axes need it)
        const slug = `board-${Date.now().toString(36)}`;
        const out = await createDashboard({ name: slug, title: newTitle || chartTitle || title, components: [comp([], { x: 0, y: 0, w: COLS, h: 10 })], theme: "light", shared_roles: [] } as never);
        name = out.name;
      }
      onClose();
      message.success({ content: dt("save.done", { title: name }), onClick: () => navigate(`/dashboards/${name}`) });
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={dt("save.title")} onCancel={onClose} onOk={submit} confirmLoading={busy} okButtonProps={{ disabled: mode === "existing" && !target, "data-testid": "save-to-dashboard-ok" } as never}>
      <Form layout="vertical">
        <Form.Item label={dt("save.chartTitle")}>
          <Input value={chartTitle} onChange={(e) => setChartTitle(e.target.value)} />
        </Form.Item>
        <Radio.Group value={mode} onChange={(e) => { picked.current = true; setMode(e.target.value); }} style={{ marginBottom: 12 }}>
          <Radio value="existing" disabled={!list.length}>{dt("save.existing")}</Radio>
          <Radio value="new">{dt("save.new")}</Radio>
        </Radio.Group>
        {mode === "existing" ? (
          <Select value={target} onChange={setTarget} style={{ width: "100%" }} placeholder={dt("save.pick")} options={list.map((d) => ({ value: d.name, label: pick(d.title, d.title_en) }))} data-testid="save-target" />
        ) : (
          <Input value={newTitle} onChange={(e) => setNewTitle(e.target.value)} placeholder={dt("save.newTitle")} />
        )}
      </Form>
    </Modal>
  );
}

/** The button (and its modal) the analysis page and the ask box place next to a chart. */
export function SaveToDashboardButton({ spec, chart, title, disabled, size, label }: {
  spec: object | null | undefined;
  chart: { type: string; [k: string]: unknown } | null | undefined;
  title: string;
  disabled?: boolean;
  size?: "small" | "middle";
  label?: "save" | "add";
}) {
  const { dt } = useDT();
  const [open, setOpen] = useState(false);
  const can = useCan();
  if (!spec || !chart || !can("content:edit")) return null;  // saving changes a dashboard
  return (
    <>
      <Button size={size} icon={<AppstoreAddOutlined />} disabled={disabled} onClick={() => setOpen(true)} data-testid="save-to-dashboard">
        {dt(label === "add" ? "save.add" : "save.button")}
      </Button>
      {open && <SaveToDashboard open={open} onClose={() => setOpen(false)} spec={spec} chart={chart} title={title} />}
    </>
  );
}
