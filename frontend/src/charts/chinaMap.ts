/**
 * The China province map from echarts@4.9.0 (installed as the alias echarts-china-map; Apache-2.0),
 * bundled so it works offline. Its features use short names (江苏, 广西); the data uses full names
 * (江苏省, 广西壮族自治区), so features are renamed to the full names before registering.
 * Loaded on demand (a separate chunk) the first time a map is drawn.
 */
import { echarts } from "./echarts";

const SPECIAL: Record<string, string> = {
  北京: "北京市",
  天津: "天津市",
  上海: "上海市",
  重庆: "重庆市",
  内蒙古: "内蒙古自治区",
  广西: "广西壮族自治区",
  西藏: "西藏自治区",
  宁夏: "宁夏回族自治区",
  新疆: "新疆维吾尔自治区",
  香港: "香港特别行政区",
  澳门: "澳门特别行政区",
};

/** 江苏 → 江苏省, 广西 → 广西壮族自治区, 北京 → 北京市 … (full names pass through unchanged). */
export function fullProvinceName(short: string): string {
  if (/(省|市|自治区|特别行政区)$/.test(short)) return short;
  return SPECIAL[short] ?? `${short}省`;
}

let loading: Promise<void> | null = null;

export function ensureChinaMap(): Promise<void> {
  if (!loading) {
    loading = import("echarts-china-map/map/json/china.json").then((mod) => {
      const geo = JSON.parse(JSON.stringify((mod as { default: unknown }).default)) as {
        features: { properties: { name: string } }[];
      };
      for (const f of geo.features) f.properties.name = fullProvinceName(f.properties.name);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      echarts.registerMap("china", geo as any);
    });
  }
  return loading;
}
