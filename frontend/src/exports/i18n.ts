/** The export menu's text (zh first, en). */
import { useCallback } from "react";
import { useI18n } from "../i18n";

const zh = {
  "export": "导出",
  "xlsx": "导出 Excel",
  "csv": "导出 CSV",
  "png": "导出图片",
  "working": "正在导出…",
  "done": "已导出「{name}」",
  "noChart": "此组件没有可导出的图表",
};
type Key = keyof typeof zh;
const en: Record<Key, string> = {
  "export": "Export",
  "xlsx": "Export Excel",
  "csv": "Export CSV",
  "png": "Export image",
  "working": "Exporting…",
  "done": "Saved “{name}”",
  "noChart": "This component has no chart to export",
};

export function useXT() {
  const { lang } = useI18n();
  return useCallback(
    (key: Key, vars?: Record<string, string>) => {
      let s: string = lang === "en" ? en[key] : zh[key];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(v);
      return s;
    },
    [lang],
  );
}
