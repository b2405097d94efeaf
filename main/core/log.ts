/**
 * Structured logging for main-side services (logs for an audit, not for an attacker). pino writes
 * one JSON object a line (`level`, `time`, `scope`, `event`, fields); English event names.
 *
 * - **Scrubbed**: fields whose names say name, address, ID number, phone, token, PIN, key … are
 *   never written; in every other value ID-number, phone and long digit patterns are replaced, and
 *   so is any run of Chinese characters (logs are English: Chinese text in a value is a person's
 *   name, an address or form content).
 * - **Rotated and kept**: with a file, `<base>.<yyyy-MM-dd>.<n>.log` through pino-roll (a new file
 *   each day and at 20 MB); files older than `retentionDays` (at least 180, 等保 2.0) are deleted at
 *   start and daily, never younger ones. 0600 files in a 0700 folder.
 * - **Rate-bounded**: each event (scope + name) writes at most `burst` lines a minute, and all
 *   events together at most `ceiling`; what is held back is counted and written as one
 *   `log.suppressed` line per event and minute, so 5,000 bad bridge calls write a few dozen lines.
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import pino from 'pino';
import pinoRoll from 'pino-roll';
import { privateTree } from '../../sync/server/private-files';

export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(scope: string): Logger;
  /** Resolves when the log file is open and everything logged so far is written (no-op without a file). */
  flush(): Promise<void>;
  /** Writes the pending suppression counts, closes the file. */
  close(): Promise<void>;
}

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// 18-digit resident ID numbers (last may be X), 15-digit old ones, mainland mobile numbers,
// and long digit runs in general (bank cards, foreign permanent-residence numbers).
const PII_PATTERNS: RegExp[] = [/\d{17}[\dXx]/g, /(?<!\d)1[3-9]\d{9}(?!\d)/g, /(?<!\d)\d{15}(?!\d)/g, /(?<!\d)\d{12,}(?!\d)/g, /[A-Z]{3}\d{12}/g];
/** Runs of CJK characters (with the middle dot of minority names and full-width digits inside). */
const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}·\uff10-\uff19\d\-－]*/gu;
/**
 * Field names whose values are never logged, whatever they hold: people's names (also as holder,
 * applicant, agent, contact, xm), addresses (addr, residence, domicile, village, street), ID numbers,
 * phones, and secrets.
 */
const SECRET_KEYS =
  /name|holder|applicant|agent|contact|(?:^|_)xm(?:$|_)|addr|residence|domicile|village|street|household|birth|id.?(?:number|no|card)|cert|phone|mobile|tel(?:$|_)|email|token|secret|password|pin|key|cookie|authorization|身份证|姓名|名字|住址|地址|电话|手机/i;
/** Field names that look like the above but are counts or lengths, never the value. */
const SAFE_KEYS = /^(event|name_?len|nameLength|[a-z]*Count|keyId|pinAttempts)$/;

/** Replaces anything that looks personal in a free-text value with a placeholder. Exported for tests. */
export function scrub(value: string): string {
  let out = value;
  for (const p of PII_PATTERNS) out = out.replace(p, '[redacted]');
  return out.replace(CJK_RUN, '[redacted]');
}

/** Exported for tests: the fields as they are written. */
export function scrubFields(fields: LogFields | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (SECRET_KEYS.test(k) && !SAFE_KEYS.test(k)) {
      out[k] = '[redacted]';
    } else if (typeof v === 'string') {
      out[k] = scrub(v.length > 500 ? `${v.slice(0, 500)}…` : v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export const MIN_RETENTION_DAYS = 180;

export interface LoggerOptions {
  /** Log file (`…/host.log`): written as `…/host.<date>.<n>.log`, rotated daily and at `rotateBytes`. None = stderr only. */
  file?: string;
  level?: Level;
  /** Also write to stderr (default true). */
  stderr?: boolean;
  /** Extra sink, e.g. for tests (gets every line written). */
  sink?: (line: string) => void;
  /** Days a rotated file is kept; at least 180 (等保 2.0), default 180. */
  retentionDays?: number;
  /** Size at which a file is rotated within a day; default 20 MB. */
  rotateBytes?: number;
  /** Lines a minute one event may write (default 20), and all events together (default 600). */
  burst?: number;
  ceiling?: number;
  /** Clock (tests). */
  now?: () => number;
}

/** Deletes `<base>.<date>.<n><ext>` files under the folder older than `days`; answers how many. Exported for tests. */
export function removeExpiredLogs(file: string, days: number, now = Date.now()): number {
  const dir = dirname(file);
  const ext = extname(file);
  const base = basename(file, ext);
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+${ext.replace('.', '\\.')}$`);
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    if (!pattern.test(n)) continue;
    try {
      if (now - statSync(join(dir, n)).mtimeMs > days * 86_400_000) {
        unlinkSync(join(dir, n));
        removed++;
      }
    } catch {
      /* gone already */
    }
  }
  return removed;
}

interface Destination {
  write(line: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** pino-roll's stream, opened asynchronously; lines logged before it is open wait in memory (bounded). */
function rollingFile(file: string, options: LoggerOptions): Destination {
  const ext = extname(file) || '.log';
  const base = join(dirname(file), basename(file, ext));
  const days = Math.max(MIN_RETENTION_DAYS, Math.floor(options.retentionDays ?? MIN_RETENTION_DAYS));
  const waiting: string[] = [];
  let stream: Awaited<ReturnType<typeof pinoRoll>> | null = null;
  let failed = false;
  const sweep = () => removeExpiredLogs(`${base}${ext}`, days, options.now?.() ?? Date.now());
  sweep();
  const timer = setInterval(sweep, 86_400_000);
  timer.unref();
  const opening = pinoRoll({ file: base, extension: ext, frequency: 'daily', dateFormat: 'yyyy-MM-dd', size: `${Math.max(1, Math.round((options.rotateBytes ?? 20 * 1024 * 1024) / 1024))}k`, mkdir: true, mode: 0o600 })
    .then((s) => {
      stream = s;
      // A full disk or a removed folder must not take the terminal down; stderr still has the lines.
      s.on('error', () => undefined);
      for (const l of waiting.splice(0)) s.write(l);
      // Whatever is still buffered goes to disk when the process exits.
      process.once('exit', () => {
        try {
          s.flushSync();
        } catch {
          /* closed already */
        }
      });
    })
    .catch(() => {
      failed = true;
      waiting.length = 0;
    });
  return {
    write(line) {
      if (stream) stream.write(line);
      else if (!failed && waiting.length < 10_000) waiting.push(line);
    },
    async flush() {
      await opening;
      const s = stream;
      if (s && !(s as unknown as { destroyed?: boolean }).destroyed) await new Promise<void>((r) => s.flush(() => r()));
    },
    async close() {
      clearInterval(timer);
      await opening;
      const s = stream;
      if (!s) return;
      await new Promise<void>((r) => {
        s.once('close', () => r());
        s.end();
      });
    },
  };
}

interface Shared {
  min: number;
  write(level: Level, scope: string, event: string, fields?: LogFields): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

function createShared(options: LoggerOptions): Shared {
  const now = options.now ?? Date.now;
  // Logs are the owner's only (0700 folder, 0600 files), existing ones included.
  if (options.file) privateTree(dirname(options.file));
  const file = options.file ? rollingFile(options.file, options) : null;
  const stderr = options.stderr !== false;
  const destination = {
    write(line: string) {
      file?.write(line);
      if (stderr) process.stderr.write(line);
      options.sink?.(line.endsWith('\n') ? line.slice(0, -1) : line);
    },
  };
  const p = pino(
    {
      level: 'debug',
      base: undefined,
      messageKey: 'event',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );

  // Rate bounding: a window a minute; per event `burst` lines, overall `ceiling`.
  const burst = options.burst ?? 20;
  const ceiling = options.ceiling ?? 600;
  let windowStart = now();
  let total = 0;
  const perEvent = new Map<string, { written: number; held: number; level: Level; scope: string; event: string }>();
  const report = () => {
    for (const e of perEvent.values()) {
      if (e.held > 0) p.warn({ scope: e.scope, suppressedEvent: e.event, suppressedLevel: e.level, count: e.held, windowSec: 60 }, 'log.suppressed');
    }
    perEvent.clear();
    total = 0;
    windowStart = now();
  };
  const timer = setInterval(() => {
    if (now() - windowStart >= 60_000) report();
  }, 10_000);
  timer.unref();

  return {
    min: LEVELS[options.level ?? 'info'],
    write(level, scope, event, fields) {
      if (now() - windowStart >= 60_000) report();
      const cleanEvent = scrub(event).slice(0, 120);
      const key = `${scope}\u0000${cleanEvent}`;
      let e = perEvent.get(key);
      if (!e) perEvent.set(key, (e = { written: 0, held: 0, level, scope, event: cleanEvent }));
      if (e.written >= burst || total >= ceiling) {
        e.held++;
        return;
      }
      e.written++;
      total++;
      p[level]({ scope, ...scrubFields(fields) }, cleanEvent);
    },
    async flush() {
      await file?.flush();
    },
    async close() {
      clearInterval(timer);
      report();
      await file?.close();
    },
  };
}

function bind(shared: Shared, scope: string): Logger {
  const at = (level: Level) => (event: string, fields?: LogFields) => {
    if (LEVELS[level] >= shared.min) shared.write(level, scope, event, fields);
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (s) => bind(shared, `${scope}.${s}`),
    flush: () => shared.flush(),
    close: () => shared.close(),
  };
}

export function createLogger(options: LoggerOptions = {}, scope = 'main'): Logger {
  return bind(createShared(options), scope);
}
