/**
 * 数据 Data: tabs 数据表 | 导入文件 | 数据库连接 | 自助数据集 (the tab is kept in ?tab= so links and the
 * browser's back button work), plus the table page /data/tables/:name and the dataset editor
 * /data/datasets/:name ("new" starts a new dataset).
 */
import { Tabs, Typography } from "antd";
import { useParams, useSearchParams } from "react-router-dom";
import { ConnectionsPanel } from "../data/ConnectionsPanel";
import { DatasetEditor, DatasetsList } from "../data/DatasetEditor";
import { useDataT } from "../data/i18n";
import { ImportWizard } from "../data/ImportWizard";
import { TableDetail, TablesList } from "../data/TablesPanel";
import "../data/data.css";

const TABS = ["tables", "import", "connections", "datasets"] as const;
type Tab = (typeof TABS)[number];

export default function DataPage() {
  const t = useDataT();
  const { name, dataset } = useParams();
  const [params, setParams] = useSearchParams();
  if (name) return <div className="page data-page"><TableDetail name={name} /></div>;
  if (dataset) return <div className="page data-page"><DatasetEditor name={dataset} /></div>;
  const tab: Tab = TABS.includes(params.get("tab") as Tab) ? (params.get("tab") as Tab) : "tables";
  return (
    <div className="page data-page" data-testid="data-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>{t("data.title")}</Typography.Title>
          <Typography.Text type="secondary">{t("data.subtitle")}</Typography.Text>
        </div>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === "tables" ? {} : { tab: k })}
        destroyInactiveTabPane
        items={[
          { key: "tables", label: <span data-testid="data-tab-tables">{t("tab.tables")}</span>, children: <TablesList /> },
          { key: "import", label: <span data-testid="data-tab-import">{t("tab.import")}</span>, children: <ImportWizard /> },
          { key: "connections", label: <span data-testid="data-tab-connections">{t("tab.connections")}</span>, children: <ConnectionsPanel /> },
          { key: "datasets", label: <span data-testid="data-tab-datasets">{t("tab.datasets")}</span>, children: <DatasetsList /> },
        ]}
      />
    </div>
  );
}
