/** The product palette (blue first, like Quick BI / FineBI defaults). */
export const PALETTE = ["#1664ff", "#14c9c9", "#ffb800", "#7e5bef", "#f5455c", "#3ba272", "#fc8452", "#9a60b4", "#5b8ff9", "#91cc75"];
