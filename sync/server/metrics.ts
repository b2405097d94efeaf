// Prometheus text metrics of this process (no PII: routes are patterns, not URLs).
//
// Besides the requests: how late the event loop ran (every request of the process waits while it is
// blocked) and the garbage collector's pauses, both over the time since the previous scrape, so a
// stall shows in the scrape that follows it rather than being averaged into the process's lifetime.
import { PerformanceObserver, constants, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { StoreCounters } from './replication/repository';

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, { sum: number; count: number }>();
  private readonly started = Date.now();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  /** Per GC kind: pauses since the process started (seconds, count), and the longest since the last scrape. */
  private readonly gc = new Map<string, { seconds: number; count: number }>();
  private gcLongest = 0;
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      const g = this.gc.get(kind) ?? { seconds: 0, count: 0 };
      g.seconds += e.duration / 1000;
      g.count++;
      this.gc.set(kind, g);
      this.gcLongest = Math.max(this.gcLongest, e.duration / 1000);
    }
  });

  constructor() {
    this.loop.enable();
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  /** Stops watching the event loop and the collector (the app is closing). */
  close(): void {
    this.loop.disable();
    this.gcObserver.disconnect();
  }

  request(route: string, method: string, status: number, ms: number): void {
    const key = `method="${method}",route="${route.replace(/"/g, '')}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const dk = `method="${method}",route="${route.replace(/"/g, '')}"`;
    const d = this.durations.get(dk) ?? { sum: 0, count: 0 };
    d.sum += ms / 1000;
    d.count++;
    this.durations.set(dk, d);
  }

  render(c: StoreCounters, sseClients: number): string {
    const lines = [
      '# HELP platform_http_requests_total HTTP requests by route and status.',
      '# TYPE platform_http_requests_total counter',
      ...[...this.requests].map(([k, v]) => `platform_http_requests_total{${k}} ${v}`),
      '# HELP platform_http_request_seconds Request duration by route.',
      '# TYPE platform_http_request_seconds summary',
      ...[...this.durations].flatMap(([k, v]) => [`platform_http_request_seconds_sum{${k}} ${v.sum.toFixed(6)}`, `platform_http_request_seconds_count{${k}} ${v.count}`]),
      '# HELP platform_push_rows_total Pushed rows by outcome.',
      '# TYPE platform_push_rows_total counter',
      `platform_push_rows_total{outcome="written"} ${c.pushWritten}`,
      `platform_push_rows_total{outcome="unchanged"} ${c.pushUnchanged}`,
      `platform_push_rows_total{outcome="conflict"} ${c.pushConflicts}`,
      `platform_push_rows_total{outcome="rejected"} ${c.pushRejections}`,
      '# TYPE platform_pulled_documents_total counter',
      `platform_pulled_documents_total ${c.pulledDocuments}`,
      '# TYPE platform_sse_clients gauge',
      `platform_sse_clients ${sseClients}`,
      '# TYPE platform_uptime_seconds gauge',
      `platform_uptime_seconds ${((Date.now() - this.started) / 1000).toFixed(0)}`,
      ...this.runtime(),
    ];
    return `${lines.join('\n')}\n`;
  }

  /** The event loop's delay and the collector's pauses; the delay and the longest pause start again at each scrape. */
  private runtime(): string[] {
    const h = this.loop;
    // The histogram counts from the monitor's resolution (10 ms) on; nanoseconds → seconds.
    const sec = (ns: number) => (Number.isFinite(ns) && h.count > 0 ? ns / 1e9 : 0).toFixed(6);
    const lines = [
      '# HELP platform_event_loop_delay_seconds How late the event loop ran since the last scrape (sampled every 10 ms).',
      '# TYPE platform_event_loop_delay_seconds summary',
      `platform_event_loop_delay_seconds{quantile="0.5"} ${sec(h.percentile(50))}`,
      `platform_event_loop_delay_seconds{quantile="0.99"} ${sec(h.percentile(99))}`,
      `platform_event_loop_delay_seconds{quantile="1"} ${sec(h.max)}`,
      '# HELP platform_gc_pause_seconds_total Garbage collection pauses by kind since the process started.',
      '# TYPE platform_gc_pause_seconds_total counter',
      ...[...this.gc].map(([kind, g]) => `platform_gc_pause_seconds_total{kind="${kind}"} ${g.seconds.toFixed(6)}`),
      '# TYPE platform_gc_pauses_total counter',
      ...[...this.gc].map(([kind, g]) => `platform_gc_pauses_total{kind="${kind}"} ${g.count}`),
      '# HELP platform_gc_pause_longest_seconds The longest collection pause since the last scrape.',
      '# TYPE platform_gc_pause_longest_seconds gauge',
      `platform_gc_pause_longest_seconds ${this.gcLongest.toFixed(6)}`,
    ];
    h.reset();
    this.gcLongest = 0;
    return lines;
  }
}
