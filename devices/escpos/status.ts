/**
 * Real-time status, `DLE EOT n` (10 04 n), one reply byte each. Bits as mapped by escpos-php
 * getPrinterStatus (see ../../../shared/specs/escpos-cn.md).
 */
export const STATUS_QUERIES = [1, 2, 3, 4] as const;
export type StatusQuery = (typeof STATUS_QUERIES)[number];

export function statusQueryCommand(n: StatusQuery): Buffer {
  return Buffer.from([0x10, 0x04, n]);
}

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
  /** Cutter or other error. */
  error: boolean;
  /** Replies as received: n → byte. */
  raw: Partial<Record<StatusQuery, number>>;
}

/** A reply byte has bit 1 set and bits 0, 4... per Epson: 0b0xx1xx10. Reject what cannot be a reply. */
export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

export function decodeStatus(raw: Partial<Record<StatusQuery, number>>): PrinterStatus {
  const r1 = raw[1] ?? 0x12;
  const r2 = raw[2] ?? 0x12;
  const r3 = raw[3] ?? 0x12;
  const r4 = raw[4] ?? 0x12;
  return {
    online: (r1 & 0x08) === 0,
    coverOpen: (r2 & 0x04) !== 0,
    paperOut: (r4 & 0x20) !== 0 || (r2 & 0x20) !== 0,
    paperNearEnd: (r4 & 0x04) !== 0,
    error: (r2 & 0x40) !== 0 || (r3 & 0x08) !== 0 || (r3 & 0x20) !== 0,
    raw,
  };
}

/** Encode the bytes a printer in this condition would answer (for the emulator). */
export function encodeStatus(s: { online: boolean; coverOpen: boolean; paperNearEnd: boolean; paperOut: boolean; error?: boolean }): Record<StatusQuery, number> {
  return {
    1: 0x12 | (s.online ? 0 : 0x08),
    2: 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0) | (s.error ? 0x40 : 0),
    3: 0x12 | (s.error ? 0x08 : 0),
    4: 0x12 | (s.paperNearEnd ? 0x0c : 0) | (s.paperOut ? 0x60 : 0),
  };
}

/** The blocking problem, if any: a stable code, English text, Chinese text for the UI. */
export function statusProblem(s: PrinterStatus): { code: string; message: string } | null {
  if (s.paperOut) return { code: 'PAPER_OUT', message: 'printer is out of paper' };
  if (s.coverOpen) return { code: 'COVER_OPEN', message: 'printer cover is open' };
  if (!s.online) return { code: 'PRINTER_OFFLINE', message: 'printer is offline' };
  if (s.error) return { code: 'PRINTER_ERROR', message: 'printer reports an error (cutter or unrecoverable)' };
  return null;
}
