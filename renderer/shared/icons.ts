/**
 * The app's own line icons (24×24, stroke = currentColor). Data, not markup: rendered by
 * AppIcon.vue without v-html, so they work under the strict CSP and need no icon dependency.
 */
type Shape = { tag: 'path'; d: string } | { tag: 'circle'; cx: number; cy: number; r: number } | { tag: 'rect'; x: number; y: number; width: number; height: number; rx: number };

const p = (d: string): Shape => ({ tag: 'path', d });
const c = (cx: number, cy: number, r: number): Shape => ({ tag: 'circle', cx, cy, r });
const r = (x: number, y: number, width: number, height: number, rx = 0): Shape => ({ tag: 'rect', x, y, width, height, rx });

export const icons = {
  emblem: [c(12, 12, 9.5), p('M6.5 13 12 7.5l5.5 5.5'), p('M8.5 11.5V17h7v-5.5'), p('M11 17v-3h2v3')],
  services: [p('M6 3h8l4 4v14H6z'), p('M14 3v4h4'), p('M9 12h6M9 16h6')],
  progress: [c(10.5, 10.5, 6.5), p('m20 20-4.8-4.8'), p('m7.8 10.6 1.9 1.9 3.4-3.8')],
  queue: [p('M3.5 7A1.5 1.5 0 0 1 5 5.5h14A1.5 1.5 0 0 1 20.5 7v2.5a2.5 2.5 0 0 0 0 5V17a1.5 1.5 0 0 1-1.5 1.5H5A1.5 1.5 0 0 1 3.5 17v-2.5a2.5 2.5 0 0 0 0-5z'), p('M15 6v2M15 11v2M15 16v2'), p('M7.5 10h4M7.5 14h3')],
  evaluation: [p('m12 3.5 2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z')],
  elderly: [p('M3 19 7.2 6h1.6L13 19'), p('M4.6 14.5h6.8'), p('M17.5 8v7M14 11.5h7')],
  idcard: [r(2.5, 5, 19, 14, 2), c(8.5, 11, 2.2), p('M5 16.5c.6-1.7 1.9-2.6 3.5-2.6s2.9.9 3.5 2.6'), p('M14.5 10h4.5M14.5 13.5h4.5')],
  home: [p('M3 11.5 12 4l9 7.5'), p('M5.5 9.8V20h13V9.8'), p('M10 20v-5.5h4V20')],
  newCase: [c(9, 8, 3.5), p('M3 20c.6-3.6 3-5.5 6-5.5s5.4 1.9 6 5.5'), p('M18.5 8v6M15.5 11h6')],
  cases: [r(4, 3, 16, 18, 2), p('M8 8h8M8 12h8M8 16h5')],
  calling: [p('M4 9.5v5h3l6 4v-13l-6 4z'), p('M16.5 9a4 4 0 0 1 0 6M19 6.5a7.5 7.5 0 0 1 0 11')],
  sync: [p('M19.5 10.5A7.8 7.8 0 0 0 5.8 7L4.3 8.6'), p('M4 4.5v4.3h4.3'), p('M4.5 13.5A7.8 7.8 0 0 0 18.2 17l1.5-1.6'), p('M20 19.5v-4.3h-4.3')],
  devices: [p('M7 9V3.5h10V9'), r(3, 9, 18, 8, 1.5), p('M7 14h10v6.5H7z'), p('M17.5 11.5h.5')],
  settings: [p('M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1'), c(15, 6, 2), c(9, 12, 2), c(17, 18, 2)],
  warning: [p('M12 3.5 2.5 20h19z'), p('M12 10v4.5'), p('M12 17.2v.3')],
  arrowRight: [p('M5 12h14'), p('m13 6 6 6-6 6')],
  window: [r(3, 4, 18, 12, 1.5), p('M8 20h8M12 16v4')],
  seal: [c(12, 11, 7.5), p('m12 7.2 1.1 2.3 2.5.3-1.8 1.7.5 2.5-2.3-1.2-2.3 1.2.5-2.5-1.8-1.7 2.5-.3z'), p('M7 20.5h10')],
  dashboard: [p('M4 20h16'), p('M6.5 16.5v-5M11 16.5V7M15.5 16.5v-7M20 16.5V4.5')],
  qrcode: [r(3.5, 3.5, 6, 6, 1), r(14.5, 3.5, 6, 6, 1), r(3.5, 14.5, 6, 6, 1), p('M14.5 14.5h2.5v2.5M20.5 14.5v1M14.5 20.5h1M18 18h2.5v2.5h-2.5z'), p('M6 6h1M17 6h1M6 17h1')],
} satisfies Record<string, Shape[]>;

export type IconName = keyof typeof icons;
export type { Shape };
