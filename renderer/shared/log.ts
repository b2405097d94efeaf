/**
 * Fire-and-forget structured log lines into main's log (`app.log`). Event names and codes only,
 * never personal data (the contract refuses free text anyway). A failing log never breaks the UI.
 */
import { call, hasBridge } from '../bridge/client';

type Level = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, string | number | boolean | null>;

export function log(level: Level, event: string, fields?: Fields): void {
  if (!hasBridge()) return;
  call('app.log', fields ? { level, event, fields } : { level, event }).catch(() => undefined);
}
