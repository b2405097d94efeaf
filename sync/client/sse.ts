// The platform's event stream (`GET /sync/stream`, text/event-stream) over fetch, with reconnects
// (backoff with jitter) and a silence watchdog. Every (re)connection starts with the platform's
// RESYNC event, which the terminal answers by pulling everything it may have missed.
import { paths, PROTOCOL_HEADER, PROTOCOL_VERSION, streamEvent, type StreamEvent } from '../protocol/index';
import { Backoff, type BackoffOptions } from './backoff';
import { SyncTransportError } from './errors';
import type { FetchLike } from './transport';

/** Incremental parser of an event stream: feed text, get the `data` of each complete event. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  /** Largest event accepted (a hostile stream can't grow memory without bound). */
  constructor(private readonly maxEventBytes = 64 * 1024) {}

  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const sep = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + sep);
      if (line === '') {
        if (this.data.length) out.push(this.data.join('\n'));
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') {
        this.data.push(value);
        if (this.data.reduce((n, d) => n + d.length, 0) > this.maxEventBytes) {
          this.data = [];
          throw new SyncTransportError('BAD_RESPONSE', 'stream event too large');
        }
      }
    }
    if (this.buffer.length > this.maxEventBytes) {
      this.buffer = '';
      throw new SyncTransportError('BAD_RESPONSE', 'stream line too long');
    }
    return out;
  }
}

export interface StreamClientOptions {
  baseUrl: string;
  /** Read at every connect, so a new token (re-enrollment) is picked up. */
  token: () => string | null;
  fetch?: FetchLike;
  backoff?: BackoffOptions;
  /** Reconnect when nothing (not even a `: ping`) arrived for this long, ms. */
  silenceMs?: number;
  onEvent(event: StreamEvent): void;
  onOpen?(): void;
  /** The stream is down; `error` says why, `retryInMs` when the next attempt is. */
  onDown?(error: SyncTransportError, retryInMs: number, attempt: number): void;
  /** A stream event failed validation (ignored). */
  onGarbage?(): void;
}

export class StreamClient {
  private stopped = true;
  private controller: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: Backoff;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly options: StreamClientOptions) {
    this.backoff = new Backoff(options.backoff);
  }

  get attempts(): number {
    return this.backoff.attempt;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Reconnect now: skip the current wait, or drop and reopen the current stream. */
  reconnectNow(): void {
    this.backoff.reset();
    if (this.wake) this.wake();
    else this.controller?.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.controller?.abort();
    this.wake?.();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let error: SyncTransportError;
      try {
        await this.connectOnce();
        error = new SyncTransportError('OFFLINE', 'the stream ended');
      } catch (e) {
        error = e instanceof SyncTransportError ? e : new SyncTransportError('OFFLINE', e instanceof Error ? e.message : 'stream failed');
      }
      if (this.stopped) break;
      const delay = this.backoff.next();
      this.options.onDown?.(error, delay, this.backoff.attempt);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
      this.wake = null;
      if (this.timer) clearTimeout(this.timer);
    }
  }

  private async connectOnce(): Promise<void> {
    const token = this.options.token();
    if (!token) throw new SyncTransportError('NOT_ENROLLED', 'the terminal has no platform token');
    const controller = new AbortController();
    this.controller = controller;
    const silenceMs = this.options.silenceMs ?? 45_000;
    let watchdog: ReturnType<typeof setTimeout> | null = null;
    const arm = () => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), silenceMs);
    };
    arm();
    try {
      let res: Response;
      try {
        res = await (this.options.fetch ?? fetch)(this.options.baseUrl.replace(/\/+$/, '') + paths.stream, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
          signal: controller.signal,
          redirect: 'error',
        });
      } catch (e) {
        throw new SyncTransportError(controller.signal.aborted && !this.stopped ? 'TIMEOUT' : 'OFFLINE', e instanceof Error ? e.message : 'stream connect failed');
      }
      if (res.status === 401) throw new SyncTransportError('UNAUTHORIZED', 'stream: HTTP 401', 401);
      if (res.status === 426 || res.status === 410) throw new SyncTransportError('UPGRADE_REQUIRED', `stream: HTTP ${res.status}`, res.status);
      if (res.status !== 200 || !res.body || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        await res.body?.cancel().catch(() => undefined);
        throw new SyncTransportError(res.status >= 500 ? 'SERVER_ERROR' : 'BAD_RESPONSE', `stream: HTTP ${res.status}`, res.status);
      }
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      // Aborting the request does not always end a body that is being read: cancel it too.
      const cancel = () => void reader.cancel().catch(() => undefined);
      controller.signal.addEventListener('abort', cancel, { once: true });
      let opened = false;
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch {
          throw new SyncTransportError(controller.signal.aborted ? 'TIMEOUT' : 'OFFLINE', 'stream cut');
        }
        if (chunk.done || controller.signal.aborted) return;
        arm();
        for (const data of parser.push(decoder.decode(chunk.value, { stream: true }))) {
          let parsed: StreamEvent | null = null;
          try {
            const r = streamEvent.safeParse(JSON.parse(data));
            if (r.success) parsed = r.data;
          } catch {
            /* not JSON */
          }
          if (!parsed) {
            this.options.onGarbage?.();
            continue;
          }
          if (!opened && parsed.type === 'RESYNC') {
            opened = true;
            this.backoff.reset();
            this.options.onOpen?.();
          }
          this.options.onEvent(parsed);
        }
      }
    } finally {
      if (watchdog) clearTimeout(watchdog);
      controller.abort();
      if (this.controller === controller) this.controller = null;
    }
  }
}
