// Prometheus text metrics of this process (no PII: routes are patterns, not URLs).
import type { StoreCounters } from './replication/repository';

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, { sum: number; count: number }>();
  private readonly started = Date.now();

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
    ];
    return `${lines.join('\n')}\n`;
  }
}
