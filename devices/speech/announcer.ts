/**
 * The announcer: one announcement at a time through main's offline speech engine, in a bounded queue
 * (the oldest waiting one is dropped, with a log line, when it is full: a hall moves on, a stale call
 * is worse than none), each run killed after a timeout. Its status is a device status (role
 * `speech`) for the clerk's devices page: never a silent failure.
 */
import { announceRequestSchema, type AnnounceResult } from '../protocol/speech.js';
import type { DeviceStatus } from '../protocol/device-events.js';
import { DeviceError } from '../errors.js';
import type { SpeechEngine } from './engines.js';

export interface AnnouncerOptions {
  /** null: no engine on this machine (`reason` says why, for the log). */
  engine: SpeechEngine | null;
  reason?: string;
  /** Waiting announcements kept (default 5). */
  maxQueue?: number;
  /** Per run: base + per character (default 5 s + 400 ms a character). */
  timeoutMs?: (text: string) => number;
  /** Pause between repeats (default 600 ms). */
  repeatPauseMs?: number;
  /** Tests: write each run to a WAV file instead of playing it. */
  wavFile?: (seq: number) => string;
  log?: { info(message: string): void; warn(message: string): void };
  onStatus?: (status: DeviceStatus) => void;
}

interface Job {
  text: string;
  repeat: number;
  seq: number;
}

export interface Announcer {
  /** Validates and queues; throws DeviceError INVALID_INPUT or NO_SPEECH_ENGINE. */
  announce(request: unknown): AnnounceResult;
  status(): DeviceStatus;
  /** Resolves when the queue is empty and nothing is speaking. */
  idle(): Promise<void>;
  close(): void;
}

export function createAnnouncer(options: AnnouncerOptions): Announcer {
  const maxQueue = options.maxQueue ?? 5;
  const timeoutOf = options.timeoutMs ?? ((text: string) => 5000 + 400 * text.length);
  const pause = options.repeatPauseMs ?? 600;
  const queue: Job[] = [];
  let speaking = false;
  let closed = false;
  let seq = 0;
  let idleWaiters: (() => void)[] = [];
  let current: DeviceStatus = options.engine
    ? { role: 'speech', state: 'connected', say: 'SPEECH_READY', params: { engine: options.engine.name }, transport: options.engine.name, since: new Date().toISOString() }
    : { role: 'speech', state: 'error', say: 'NO_SPEECH_ENGINE', params: { variant: 'any' }, code: 'NO_SPEECH_ENGINE', detail: options.reason ?? 'no speech engine', since: new Date().toISOString() };

  const setStatus = (next: Omit<DeviceStatus, 'role' | 'since'>) => {
    if (current.state === next.state && current.code === next.code && current.say === next.say) return;
    current = { role: 'speech', ...next, since: new Date().toISOString() };
    options.onStatus?.(current);
  };

  async function pump(): Promise<void> {
    if (speaking || closed) return;
    const engine = options.engine;
    const job = queue.shift();
    if (!engine || !job) {
      for (const w of idleWaiters.splice(0)) w();
      return;
    }
    speaking = true;
    try {
      for (let i = 0; i <= job.repeat && !closed; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, pause));
        await engine.speak(job.text, { timeoutMs: timeoutOf(job.text), ...(options.wavFile ? { wavFile: options.wavFile(job.seq * 10 + i) } : {}) });
      }
      setStatus({ state: 'connected', say: 'SPEECH_READY', params: { engine: engine.name }, transport: engine.name });
    } catch (error) {
      const e = error instanceof DeviceError ? error : new DeviceError('SPEECH_FAILED', String(error));
      options.log?.warn(`announcement ${job.seq} failed: ${e.code} ${e.message}`);
      setStatus({ state: 'error', say: e.code, params: e.params, code: e.code, detail: e.message.slice(0, 300), transport: engine.name });
    } finally {
      speaking = false;
      void pump();
    }
  }

  return {
    announce(request) {
      const parsed = announceRequestSchema.strict().safeParse(request);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
        throw new DeviceError('INVALID_INPUT', `invalid announcement: ${detail}`, { variant: 'announcement' });
      }
      if (!options.engine) throw new DeviceError('NO_SPEECH_ENGINE', `no speech engine: ${options.reason ?? 'none found'}`);
      if (closed) throw new DeviceError('CLOSED', 'announcer closed', { variant: 'speech' });
      if (queue.length >= maxQueue) {
        const dropped = queue.shift()!;
        options.log?.warn(`announcement queue full (${maxQueue}): dropped the oldest waiting one (#${dropped.seq}, ${dropped.text.length} chars)`);
      }
      const job = { text: parsed.data.text.trim(), repeat: parsed.data.repeat ?? 0, seq: ++seq };
      queue.push(job);
      const ahead = queue.length - 1 + (speaking ? 1 : 0);
      options.log?.info(`announcement #${job.seq} queued (${ahead} ahead)`);
      void pump();
      return { engine: options.engine.name, ahead };
    },
    status: () => current,
    idle: () => (speaking || queue.length ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    close() {
      closed = true;
      queue.length = 0;
      for (const w of idleWaiters.splice(0)) w();
      idleWaiters = [];
    },
  };
}
