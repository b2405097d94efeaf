/**
 * ECharts options of the station dashboard's charts, from its numbers (pure; labels from the
 * caller). Every chart also has a table with the same numbers on the page (screen readers and the
 * exports read those), and a one-line text summary for its `aria-label`.
 */
import type { Dashboard } from '../../stats/aggregate';

type T = (key: string, values?: Record<string, unknown>) => string;
export interface ChartOption {
  [key: string]: unknown;
}

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
const base = (extra: ChartOption): ChartOption => ({ animation: false, textStyle: { fontFamily: FONT, fontSize: 13, color: '#17212f' }, tooltip: { trigger: 'axis' }, grid: { left: 48, right: 16, top: 36, bottom: 32, containLabel: true }, ...extra });
const short = (s: string, n = 10) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Average and p90 wait (minutes) by queue category. */
export function waitChart(d: Dashboard, t: T, categoryName: (c: string) => string): ChartOption {
  return base({
    legend: { top: 0 },
    xAxis: { type: 'category', data: d.tickets.byCategory.map((c) => categoryName(c.category)) },
    yAxis: { type: 'value', name: t('clerk.dashboard.minutes') },
    series: [
      { type: 'bar', name: t('clerk.dashboard.tickets.avgWait'), data: d.tickets.byCategory.map((c) => c.avgWaitMin ?? 0) },
      { type: 'bar', name: t('clerk.dashboard.tickets.p90Wait'), data: d.tickets.byCategory.map((c) => c.p90WaitMin ?? 0) },
    ],
  });
}

/** Tickets and applications per station day of the range. */
export function perDayChart(d: Dashboard, t: T): ChartOption {
  return base({
    legend: { top: 0 },
    xAxis: { type: 'category', data: d.days.map((x) => x.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: d.days.length > 1 ? 'line' : 'bar', name: t('clerk.dashboard.tickets.issued'), data: d.tickets.perDay },
      { type: d.days.length > 1 ? 'line' : 'bar', name: t('clerk.dashboard.apps.total'), data: d.applications.perDay },
    ],
  });
}

/** The ten services with most applications. */
export function serviceChart(d: Dashboard, serviceName: (c: string) => string): ChartOption {
  const top = d.applications.byService.slice(0, 10).reverse();
  return base({
    tooltip: { trigger: 'item' },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: top.map((s) => short(serviceName(s.service), 14)) },
    series: [{ type: 'bar', data: top.map((s) => s.count), label: { show: true, position: 'right' } }],
  });
}

export function channelChart(d: Dashboard, t: T): ChartOption {
  const c = d.applications.byChannel;
  const data = (['kiosk', 'counter', 'field', 'other'] as const).filter((k) => k !== 'other' || c.other > 0).map((k) => ({ name: t(`clerk.dashboard.channel.${k}`), value: c[k] }));
  return base({ tooltip: { trigger: 'item' }, legend: { bottom: 0 }, series: [{ type: 'pie', radius: ['35%', '65%'], data, label: { formatter: '{b}：{c}' } }] });
}

export function statusChart(d: Dashboard, t: T): ChartOption {
  const rows = d.applications.byStatus;
  return base({
    xAxis: { type: 'category', data: rows.map((r) => t(`clerk.cases.status.${r.status}`)), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: rows.map((r) => r.count), label: { show: true, position: 'top' } }],
  });
}

export function ratingChart(d: Dashboard, t: T): ChartOption {
  const levels = [5, 4, 3, 2, 1] as const;
  return base({
    xAxis: { type: 'category', data: levels.map((l) => t(`clerk.dashboard.ratings.levels.${l}`)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: levels.map((l) => ({ value: d.ratings.byLevel[l], itemStyle: { color: l <= 2 ? '#b42318' : l === 3 ? '#b54708' : '#1f6f43' } })), label: { show: true, position: 'top' } }],
  });
}
