/**
 * The station dashboard as tables, for its xlsx and CSV exports: one table per section (summary,
 * tickets by category, applications by service and status, by channel, overdue cases, 好差评, low
 * rating reasons, sync health, device history). Labels come from the caller (vue-i18n), so the files
 * are in the UI's language; status values are always the Chinese labels when the UI is Chinese.
 * Codes and counts only: no resident data.
 *
 * xlsx: ./xlsx.ts (its own chunk, loaded on the first export).
 */
import type { Dashboard } from '../../stats/aggregate';
import { csvCell } from '../cases/query';

export type Cell = string | number;
export interface Table {
  /** Sheet name (≤ 31 characters, no []:*?/\). */
  name: string;
  header: string[];
  rows: Cell[][];
}

export interface SyncHealthRow {
  label: string;
  value: string | number;
}

export interface DeviceHistoryRow {
  at: string;
  device: string;
  state: string;
  message: string;
}

export interface ExportInput {
  dashboard: Dashboard;
  serviceName: (code: string) => string;
  categoryName: (code: string) => string;
  t: (key: string, values?: Record<string, unknown>) => string;
  sync: SyncHealthRow[];
  devices: DeviceHistoryRow[];
}

const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';

export function dashboardTables(input: ExportInput): Table[] {
  const { dashboard: d, t } = input;
  const status = (s: string) => t(`clerk.cases.status.${s}`);
  const min = (v: number | null) => (v === null ? '' : v);
  return [
    {
      name: t('clerk.dashboard.export.sheet.overview'),
      header: [t('clerk.dashboard.export.col.item'), t('clerk.dashboard.export.col.value')],
      rows: [
        [t('clerk.dashboard.range'), d.from === d.to ? d.from : `${d.from} – ${d.to}`],
        [t('clerk.dashboard.tickets.issued'), d.tickets.total.issued],
        [t('clerk.dashboard.tickets.served'), d.tickets.total.served],
        [t('clerk.dashboard.tickets.avgWait'), min(d.tickets.total.avgWaitMin)],
        [t('clerk.dashboard.tickets.p90Wait'), min(d.tickets.total.p90WaitMin)],
        [t('clerk.dashboard.apps.total'), d.applications.total],
        [t('clerk.dashboard.overdue.count'), d.overdue.rows.length],
        [t('clerk.dashboard.ratings.total'), d.ratings.total],
        [t('clerk.dashboard.ratings.satisfaction'), d.ratings.satisfaction === null ? '' : `${d.ratings.satisfaction}%`],
        [t('clerk.dashboard.skippedLabel'), d.skipped],
      ],
    },
    {
      name: t('clerk.dashboard.export.sheet.tickets'),
      header: [t('clerk.dashboard.tickets.category'), t('clerk.dashboard.tickets.issued'), t('clerk.dashboard.tickets.served'), t('clerk.dashboard.tickets.avgWait'), t('clerk.dashboard.tickets.p90Wait')],
      rows: d.tickets.byCategory.map((c) => [input.categoryName(c.category), c.issued, c.served, min(c.avgWaitMin), min(c.p90WaitMin)]),
    },
    {
      name: t('clerk.dashboard.export.sheet.applications'),
      header: [t('clerk.dashboard.export.col.serviceCode'), t('clerk.dashboard.export.col.serviceName'), t('clerk.dashboard.export.col.status'), t('clerk.dashboard.export.col.count')],
      rows: d.applications.summary.map((r) => [r.service, input.serviceName(r.service), status(r.status), r.count]),
    },
    {
      name: t('clerk.dashboard.export.sheet.channels'),
      header: [t('clerk.dashboard.apps.channel'), t('clerk.dashboard.export.col.count')],
      rows: (['kiosk', 'counter', 'field', 'other'] as const).filter((c) => c !== 'other' || d.applications.byChannel.other > 0).map((c) => [t(`clerk.dashboard.channel.${c}`), d.applications.byChannel[c]]),
    },
    {
      name: t('clerk.dashboard.export.sheet.overdue'),
      header: [t('clerk.dashboard.export.col.serviceName'), t('clerk.dashboard.export.col.status'), t('clerk.dashboard.overdue.start'), t('clerk.dashboard.overdue.due'), t('clerk.dashboard.overdue.daysOver'), t('clerk.dashboard.overdue.kind')],
      rows: d.overdue.rows.map((r) => [input.serviceName(r.service), status(r.status), r.start, r.due, r.daysOver, t(`clerk.dashboard.overdue.kinds.${r.kind}`)]),
    },
    {
      name: t('clerk.dashboard.export.sheet.ratings'),
      header: [t('clerk.dashboard.ratings.level'), t('clerk.dashboard.export.col.count')],
      rows: ([5, 4, 3, 2, 1] as const).map((l) => [t(`clerk.dashboard.ratings.levels.${l}`), d.ratings.byLevel[l]]),
    },
    {
      name: t('clerk.dashboard.export.sheet.reasons'),
      header: [t('clerk.dashboard.ratings.reason'), t('clerk.dashboard.export.col.count')],
      rows: d.ratings.lowReasons.map((r) => [r.reason, r.count]),
    },
    {
      name: t('clerk.dashboard.export.sheet.sync'),
      header: [t('clerk.dashboard.export.col.item'), t('clerk.dashboard.export.col.value')],
      rows: input.sync.map((r) => [r.label, r.value]),
    },
    {
      name: t('clerk.dashboard.export.sheet.devices'),
      header: [t('clerk.dashboard.devices.at'), t('clerk.dashboard.devices.device'), t('clerk.dashboard.devices.state'), t('clerk.dashboard.devices.message')],
      rows: input.devices.map((r) => [r.at, r.device, r.state, r.message]),
    },
  ].map((tb) => ({ ...tb, name: sheetName(tb.name) }));
}

/** One CSV file (UTF-8 with BOM, CRLF): each table under a line with its name, a blank line between. */
export function tablesCsv(tables: readonly Table[]): string {
  const line = (cells: readonly Cell[]) => cells.map(csvCell).join(',');
  return `\uFEFF${tables.map((tb) => [line([`【${tb.name}】`]), line(tb.header), ...tb.rows.map(line)].join('\r\n')).join('\r\n\r\n')}\r\n`;
}
