/**
 * 「导出」 on the dashboard page: PDF (one page per screen), PNG (the whole page), Excel (a sheet per
 * component), with the viewer's current filter values. The server renders in the background
 * (POST /exports/dashboards/{name}); this menu shows the job's progress, then downloads the file.
 */
import { DownloadOutlined } from "@ant-design/icons";
import { App, Button, Dropdown, Progress } from "antd";
import { useEffect, useRef, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useDT } from "./i18n";

type Format = "pdf" | "png" | "xlsx";
type RenderJob = Schemas["RenderJob"];

export default function ExportMenu({ name, filters }: { name: string; filters: Record<string, unknown> }) {
  const { dt } = useDT();
  const { message } = App.useApp();
  const [job, setJob] = useState<{ format: Format; progress: number } | null>(null);
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  const download = (url: string) => {
    const a = document.createElement("a");
    a.href = url;
    a.rel = "noopener";
    document.body.appendChild(a);
    a.click();
    a.remove();
  };

  const start = async (format: Format) => {
    setJob({ format, progress: 0 });
    try {
      const width = window.innerWidth < 768 ? 390 : 1280;
      let j = (await unwrap(api.POST("/api/v1/exports/dashboards/{name}", { params: { path: { name } }, body: { format, filters, width } }))) as RenderJob;
      while (live.current && (j.status === "queued" || j.status === "running")) {
        setJob({ format, progress: j.progress });
        await new Promise((r) => setTimeout(r, 600));
        j = (await unwrap(api.GET("/api/v1/exports/renders/{job_id}", { params: { path: { job_id: j.job_id } } }))) as RenderJob;
      }
      if (!live.current) return;
      if (j.status !== "succeeded" || !j.file_url) {
        const err = j.error as { zh?: string; en?: string } | null;
        throw new Error((document.documentElement.lang === "en" ? err?.en : err?.zh) ?? j.status);
      }
      message.success(dt("export.done"));
      download(j.file_url);
    } catch (e) {
      message.error(dt("export.failed", { error: errorMessage(e) }));
    } finally {
      if (live.current) setJob(null);
    }
  };

  if (job)
    return (
      <span className="dash-export-progress" data-testid="export-progress">
        {dt("export.running", { format: job.format.toUpperCase() })}
        <Progress percent={Math.round(job.progress * 100)} size="small" style={{ width: 90, marginInlineStart: 8 }} />
      </span>
    );
  return (
    <Dropdown
      trigger={["click"]}
      menu={{
        items: [
          { key: "pdf", label: <span data-testid="export-pdf">{dt("export.pdf")}</span> },
          { key: "png", label: <span data-testid="export-png">{dt("export.png")}</span> },
          { key: "xlsx", label: <span data-testid="export-xlsx">{dt("export.xlsx")}</span> },
        ],
        onClick: ({ key }) => void start(key as Format),
      }}
    >
      <Button size="small" icon={<DownloadOutlined />} data-testid="export-menu">
        {dt("export.menu")}
      </Button>
    </Dropdown>
  );
}
