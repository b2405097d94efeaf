/**
 * Demo mode: start all four emulators on socat pty pairs in `dir` and return the device-manager
 * configuration that points at the host ends. `stop()` tears everything down.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DeviceManagerConfig } from '../manager/schemas.js';
import { EvaluatorEmulator, LedDisplayEmulator } from './bus-emulators.js';
import { IdCardEmulator } from './idcard-emulator.js';
import { PrinterEmulator } from './printer-emulator.js';
import { QrScannerEmulator } from './qr-scanner-emulator.js';

import foreign2017 from './cards/foreign-2017.json';
import foreign2023 from './cards/foreign-2023.json';
import hmtResidence from './cards/hmt-residence.json';
import residentLongTerm from './cards/resident-long-term.json';
import resident from './cards/resident.json';

export const SAMPLE_CARDS_DIR = path.join(import.meta.dirname, 'cards');

/**
 * The sample cards, embedded so that demo mode also works from a bundle (out/main), where the
 * source folder is not beside the code; startDemoDevices writes them into its own folder.
 */
const SAMPLE_CARDS: Record<string, unknown> = {
  resident,
  'resident-long-term': residentLongTerm,
  'foreign-2017': foreign2017,
  'foreign-2023': foreign2023,
  'hmt-residence': hmtResidence,
};

export interface DemoDevices {
  config: DeviceManagerConfig;
  idcard: IdCardEmulator;
  printer: PrinterEmulator;
  display: LedDisplayEmulator;
  evaluator: EvaluatorEmulator;
  /** The serial QR scanner, when asked for (`DemoOptions.qrScanner`). */
  qrScanner: QrScannerEmulator | null;
  /** Sample card files (resident, resident-long-term, foreign-2017, foreign-2023, hmt-residence). */
  cards: Record<string, string>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** Card file to put on the reader at start (none by default). */
  initialCard?: string;
  /** Faster reconnects for tests. */
  reconnect?: { initialMs: number; maxMs: number };
  /** Also a serial QR scanner (line mode) as role `qrScanner` (off by default: kiosks usually have a keyboard-wedge scanner). */
  qrScanner?: boolean;
}

export async function startDemoDevices(dir: string, options: DemoOptions = {}): Promise<DemoDevices> {
  fs.mkdirSync(dir, { recursive: true });
  const p = (name: string) => path.join(dir, name);
  const idcard = new IdCardEmulator(p('idcard-device'), p('idcard'));
  const printer = new PrinterEmulator(p('printer-device'), p('printer'));
  const display = new LedDisplayEmulator(p('display-device'), p('display'), 1);
  const evaluator = new EvaluatorEmulator(p('evaluator-device'), p('evaluator'), 1);
  const qrScanner = options.qrScanner ? new QrScannerEmulator(p('qrscanner-device'), p('qrscanner')) : null;
  const all = [idcard, printer, display, evaluator, ...(qrScanner ? [qrScanner] : [])];
  try {
    for (const e of all) await e.start();
  } catch (err) {
    await Promise.all(all.map((e) => e.stop().catch(() => undefined)));
    throw err;
  }
  const cardsDir = p('cards');
  fs.mkdirSync(cardsDir, { recursive: true });
  const cards = Object.fromEntries(
    Object.entries(SAMPLE_CARDS).map(([name, card]) => {
      const file = path.join(cardsDir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(card, null, 2));
      return [name, file];
    }),
  );
  if (options.initialCard) idcard.presentFile(options.initialCard);
  const config: DeviceManagerConfig = {
    idcard: { driver: 'sam', transport: { kind: 'serial', path: idcard.hostPath, baudRate: 115200 }, pollIntervalMs: 300 },
    receiptPrinter: { driver: 'escpos', transport: { kind: 'serial', path: printer.hostPath, baudRate: 115200 }, printerCharset: 'gbk' },
    windowDisplay: { driver: 'tst-bus-led', transport: { kind: 'serial', path: display.hostPath, baudRate: 9600 }, address: 1 },
    evaluator: { driver: 'tst-bus-keypad', transport: { kind: 'serial', path: evaluator.hostPath, baudRate: 9600 }, address: 1 },
    ...(qrScanner ? { qrScanner: { driver: 'serial-line', transport: { kind: 'serial', path: qrScanner.hostPath, baudRate: 9600 } } } : {}),
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
  };
  return {
    config,
    idcard,
    printer,
    display,
    evaluator,
    qrScanner,
    cards,
    async stop() {
      await Promise.all(all.map((e) => e.stop().catch(() => undefined)));
    },
  };
}
