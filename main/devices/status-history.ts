/**
 * The devices' status history for the station dashboard: every change of a device's state or
 * problem code (connected → error PAPER_OUT → connected…), kept in `<data>/devices/status-history.json`
 * (rewritten atomically, at most every 2 s while changes come in, and on close), so a restart keeps
 * it. Bounded: the newest 2,000 changes and at most 90 days. No personal data: roles, states, codes
 * and the statuses' word codes and params (never `detail`).
 *
 * A missing or broken file starts an empty history (a broken one is logged in English and replaced).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-file';
import type { DeviceStatus } from '../../preload/contract/device-calls';
import { deviceHistoryEntrySchema, deviceParamsSchema, type DeviceHistoryEntry } from '../../devices/protocol/device-events';

export const HISTORY_MAX_ENTRIES = 2000;
export const HISTORY_MAX_AGE_MS = 90 * 86_400_000;
const FLUSH_MS = 2000;

export interface StatusHistory {
  /** Records a status if it changes the role's state or code (the first status of a role always counts). */
  record(status: DeviceStatus): void;
  /** Entries in [fromMs, toMs], oldest first, at most `limit` (the newest ones when more match). */
  list(fromMs: number, toMs: number, limit?: number): DeviceHistoryEntry[];
  load(): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const fileSchema = z.object({ version: z.literal(1), entries: z.array(deviceHistoryEntrySchema).max(HISTORY_MAX_ENTRIES * 2) });

export function createStatusHistory(dataDir: string, log: { warn(event: string, data: Record<string, string | number>): void }, now: () => number = Date.now): StatusHistory {
  const file = join(dataDir, 'devices', 'status-history.json');
  let entries: DeviceHistoryEntry[] = [];
  const last = new Map<string, { state: string; code: string | undefined }>();
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing: Promise<void> = Promise.resolve();

  const prune = () => {
    const cutoff = now() - HISTORY_MAX_AGE_MS;
    entries = entries.filter((e) => Date.parse(e.at) >= cutoff).slice(-HISTORY_MAX_ENTRIES);
  };
  const write = (): Promise<void> => {
    if (!dirty) return writing;
    dirty = false;
    const body = JSON.stringify({ version: 1, entries });
    writing = writing.then(() => writeFileAtomic(file, body)).catch((e: unknown) => log.warn('devices.history-write-failed', { error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' }));
    return writing;
  };
  const schedule = () => {
    dirty = true;
    timer ??= setTimeout(() => {
      timer = null;
      void write();
    }, FLUSH_MS);
  };

  return {
    record(status) {
      const prev = last.get(status.role);
      if (prev && prev.state === status.state && prev.code === status.code) return;
      last.set(status.role, { state: status.state, code: status.code });
      // Params that do not fit the entry (too many, too long) are left out; the change is still kept.
      const params = status.params && deviceParamsSchema.safeParse(status.params).success ? status.params : undefined;
      const entry = deviceHistoryEntrySchema.safeParse({
        role: status.role,
        state: status.state,
        say: status.say,
        ...(params ? { params } : {}),
        ...(status.code ? { code: status.code.slice(0, 64) } : {}),
        at: new Date(now()).toISOString(),
      });
      if (!entry.success) return;
      entries.push(entry.data);
      if (entries.length > HISTORY_MAX_ENTRIES + 100) prune();
      schedule();
    },
    list(fromMs, toMs, limit = HISTORY_MAX_ENTRIES) {
      const out = entries.filter((e) => {
        const t = Date.parse(e.at);
        return t >= fromMs && t <= toMs;
      });
      return out.slice(-limit);
    },
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return; // no history yet
      }
      let parsed: z.ZodSafeParseResult<z.infer<typeof fileSchema>>;
      try {
        parsed = fileSchema.safeParse(JSON.parse(text));
      } catch {
        parsed = fileSchema.safeParse(null);
      }
      if (!parsed.success) {
        log.warn('devices.history-unreadable', { file: 'devices/status-history.json', action: 'started a new history' });
        dirty = true;
        await write();
        return;
      }
      // changes recorded before the load (devices that came up first) stay after the saved ones
      entries = [...parsed.data.entries, ...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      prune();
    },
    flush: write,
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      await write();
    },
  };
}
