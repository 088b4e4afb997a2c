/** The chart-type picker: every registered type with its icon; what cannot show the shelves is greyed (the tooltip says what it needs), the recommended one has a dot. */
import {
  AppstoreOutlined,
  AreaChartOutlined,
  BarChartOutlined,
  BuildOutlined,
  DashboardOutlined,
  DotChartOutlined,
  FundOutlined,
  FunnelPlotOutlined,
  GlobalOutlined,
  HeatMapOutlined,
  LineChartOutlined,
  NumberOutlined,
  PieChartOutlined,
  RadarChartOutlined,
  RiseOutlined,
  TableOutlined,
} from "@ant-design/icons";
import { Button, Tooltip } from "antd";
import type { ReactNode } from "react";
import type { ChartKey } from "../../charts/core/types";
import { CHART_TYPES } from "../../charts/registry";
import { useI18n } from "../../i18n";

const ICONS: Record<string, ReactNode> = {
  AppstoreOutlined: <AppstoreOutlined />,
  AreaChartOutlined: <AreaChartOutlined />,
  BarChartOutlined: <BarChartOutlined />,
  BuildOutlined: <BuildOutlined />,
  DashboardOutlined: <DashboardOutlined />,
  DotChartOutlined: <DotChartOutlined />,
  FundOutlined: <FundOutlined />,
  FunnelPlotOutlined: <FunnelPlotOutlined />,
  GlobalOutlined: <GlobalOutlined />,
  HeatMapOutlined: <HeatMapOutlined />,
  LineChartOutlined: <LineChartOutlined />,
  NumberOutlined: <NumberOutlined />,
  PieChartOutlined: <PieChartOutlined />,
  RadarChartOutlined: <RadarChartOutlined />,
  RiseOutlined: <RiseOutlined />,
  TableOutlined: <TableOutlined />,
};

export default function ChartPicker({ value, fits, recommended, onChange }: { value: ChartKey; fits: Record<ChartKey, boolean>; recommended: ChartKey; onChange: (k: ChartKey) => void }) {
  const { pick } = useI18n();
  return (
    <div className="chart-types" data-testid="chart-types">
      {CHART_TYPES.map((c) => {
        const name = pick(c.name.zh, c.name.en);
        const tip = !fits[c.key] ? `${pick("需要：", "Needs: ")}${pick(c.needs.zh, c.needs.en)}` : c.key === recommended ? pick("推荐", "Recommended") : name;
        return (
          <Tooltip key={c.key} title={tip}>
            <Button size="small" icon={ICONS[c.icon]} type={c.key === value ? "primary" : "default"} disabled={!fits[c.key]} onClick={() => onChange(c.key)} data-testid={`chart-${c.key}`} aria-label={name}>
              <span className="chart-type-name">{name}</span>
              {c.key === recommended && <span className="rec-dot" />}
            </Button>
          </Tooltip>
        );
      })}
    </div>
  );
}
