/**
 * Structured logging for main-side services: one JSON object a line, English event names,
 * and a scrubber so that ID numbers, phone numbers and similar never reach a log file even if
 * a caller passes them by mistake.
 */
import { appendFileSync } from 'node:fs';
import { privateTree } from '../../sync/server/private-files';
import { dirname } from 'node:path';

export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// 18-digit resident ID numbers (last may be X), 15-digit old ones, mainland mobile numbers,
// and long digit runs in general (bank cards, foreign permanent-residence numbers).
const PII_PATTERNS: RegExp[] = [/\d{17}[\dXx]/g, /(?<!\d)1[3-9]\d{9}(?!\d)/g, /(?<!\d)\d{15}(?!\d)/g, /(?<!\d)\d{12,}(?!\d)/g, /[A-Z]{3}\d{12}/g];
/** Field names whose values are never logged, whatever they hold. */
const SECRET_KEYS = /name|id.?number|phone|address|token|secret|password|pin|key|cert|mobile|身份证|姓名/i;

/** Replaces anything that looks personal with a placeholder. Exported for tests. */
export function scrub(value: string): string {
  let out = value;
  for (const p of PII_PATTERNS) out = out.replace(p, '[redacted]');
  return out;
}

function scrubFields(fields: LogFields | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (SECRET_KEYS.test(k) && !/^(event|name_?len)$/.test(k)) {
      out[k] = '[redacted]';
    } else if (typeof v === 'string') {
      out[k] = scrub(v.length > 500 ? `${v.slice(0, 500)}…` : v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export interface LoggerOptions {
  /** File to append JSON lines to; none = stderr only. */
  file?: string;
  level?: Level;
  /** Also write to stderr (default true). */
  stderr?: boolean;
  /** Extra sink, e.g. for tests. */
  sink?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}, scope = 'main'): Logger {
  const min = LEVELS[options.level ?? 'info'];
  // Logs are the owner's only (0700 folder, 0600 files), existing ones included (issue 13).
  if (options.file) privateTree(dirname(options.file));
  const write = (level: Level, event: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, scope, event: scrub(event), ...scrubFields(fields) });
    if (options.file) {
      try {
        appendFileSync(options.file, `${line}\n`, { mode: 0o600 });
      } catch {
        // A full disk must not take the terminal down; stderr still has it.
      }
    }
    if (options.stderr !== false) process.stderr.write(`${line}\n`);
    options.sink?.(line);
  };
  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
    child: (s) => createLogger(options, `${scope}.${s}`),
  };
}
