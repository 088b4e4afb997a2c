/** The children of the side menu's 创新 / Innovation entry (AppLayout): one line per innovation page. */
export type InnovationItem = { key: string; zh: string; en: string; path: string };

export const INNOVATION_ITEMS: InnovationItem[] = [
  { key: "innovation/hotspots", zh: "热点与空白", en: "Hot spots & white spaces", path: "/innovation/hotspots" },
  { key: "innovation/allocate", zh: "立项与分配", en: "Priority & allocation", path: "/innovation/allocate" },
  { key: "innovation/efficiency", zh: "研发效率", en: "R&D efficiency", path: "/innovation/efficiency" },
  { key: "innovation/assess", zh: "小巨人自评", en: "Little Giant self-check", path: "/innovation/assess" },
];
