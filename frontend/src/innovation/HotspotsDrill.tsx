/** The drill from a topic or white space to its patents: GET /api/v1/rd/topics/{id}/patents, newest first, paged. */
import { Drawer, Grid, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useHotspotsText } from "./HotspotsText";

type Drill = Schemas["DrillOut"];

export function TopicDrill({ topic, onClose, field, years }: { topic: { id: string; label: string } | null; onClose: () => void; field?: string; years?: number }) {
  const t = useHotspotsText();
  const phone = !Grid.useBreakpoint().md;
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Drill | null>(null);
  const [error, setError] = useState<string | null>(null);
  const size = 20;
  useEffect(() => setPage(1), [topic?.id]);
  useEffect(() => {
    if (!topic) return;
    setError(null);
    unwrap(api.GET("/api/v1/rd/topics/{topic_id}/patents", {
      params: { path: { topic_id: topic.id }, query: { field: field || undefined, years, offset: (page - 1) * size, limit: size } },
    }))
      .then((d) => setData(d as Drill))
      .catch((e) => setError(errorMessage(e)));
  }, [topic, page, field, years]);
  return (
    <Drawer open={!!topic} onClose={onClose} width={phone ? "100%" : 720} title={topic?.label} data-testid="drill-drawer" className="hs-drill" destroyOnClose>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      {data && (
        <>
          <Typography.Paragraph type="secondary">
            {t("patents", { n: data.total })} · {t("terms")}：{data.terms.slice(0, 6).join("、")}
          </Typography.Paragraph>
          <Table
            size="small"
            rowKey="patent_id"
            dataSource={data.patents}
            pagination={{ current: page, pageSize: size, total: data.total, onChange: setPage, showSizeChanger: false }}
            expandable={{ expandedRowRender: (r) => <Typography.Paragraph style={{ margin: 0 }}>{r.abstract}</Typography.Paragraph> }}
            columns={phone ? [
              { title: t("patentTitle"), dataIndex: "title", key: "t",
                render: (v: string, r: Drill["patents"][number]) => (
                  <div>
                    <div>{v}</div>
                    <div className="hs-meta">{r.applicant} · {r.application_date}</div>
                  </div>
                ) },
            ] : [
              { title: t("patentTitle"), dataIndex: "title", key: "t" },
              { title: t("applicant"), dataIndex: "applicant", key: "a", width: 140 },
              { title: t("date"), dataIndex: "application_date", key: "d", width: 100 },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}
