/** Sample print data (the same files the CLI examples use). */
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(import.meta.dirname, '../emulators/print-samples');
const read = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));

export const PRINT_SAMPLES_DIR = dir;
export const sampleTicket = read('ticket.json') as Record<string, unknown>;
export const sampleReceipt = read('receipt.json') as Record<string, unknown>;
