/** ECharts, tree-shaken: only the chart types and components the app uses are bundled. */
import * as echarts from "echarts/core";
import { BarChart, LineChart, MapChart, PieChart } from "echarts/charts";
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  DataZoomComponent,
  MarkLineComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  PieChart,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  DataZoomComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

export { echarts };

/** The product palette (blue first, like Quick BI / FineBI defaults). */
export const PALETTE = ["#1664ff", "#14c9c9", "#ffb800", "#7e5bef", "#f5455c", "#3ba272", "#fc8452", "#9a60b4", "#5b8ff9", "#91cc75"];
