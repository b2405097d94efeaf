/**
 * Auto-probe for the ID card reader: send the SAM status command (11 FF) to each candidate serial port
 * and keep the first one that answers with a valid frame. Ports in use elsewhere are skipped.
 */
import fs from 'node:fs';
import { SamReader } from '../idcard/reader.js';
import { listSerialPorts, SerialTransport } from '../transport/serial.js';

export async function defaultProbeCandidates(): Promise<string[]> {
  const listed = (await listSerialPorts()).map((p) => p.path);
  let dev: string[] = [];
  try {
    dev = fs
      .readdirSync('/dev')
      .filter((n) => /^tty(USB|ACM)\d+$/.test(n))
      .map((n) => `/dev/${n}`);
  } catch {
    // not Linux
  }
  return [...new Set([...listed, ...dev])];
}

export async function probeSamReader(
  candidates: string[],
  options: { baudRate?: number; timeoutMs?: number; exclude?: Set<string> } = {},
): Promise<SerialTransport | null> {
  for (const path of candidates) {
    if (options.exclude?.has(path)) continue;
    const t = new SerialTransport(path, options.baudRate ?? 115200);
    try {
      await t.open();
    } catch {
      continue;
    }
    const reader = new SamReader(t, { timeoutMs: options.timeoutMs ?? 400 });
    try {
      await reader.exec('status'); // any valid SAM frame identifies a reader, even a failing one
      reader.dispose();
      return t;
    } catch {
      reader.dispose();
      await t.close().catch(() => undefined);
    }
  }
  return null;
}
