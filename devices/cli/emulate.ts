/**
 * `emulate idcard|printer|display|evaluator|qr-scanner --link <path>`: create a pty pair whose host end is
 * <path> (the driver opens it) and serve the device on the other end (<path>.device) until Ctrl-C.
 * Commands on stdin change the emulator live (type `help`).
 */
import readline from 'node:readline';
import { EvaluatorEmulator, LedDisplayEmulator } from '../emulators/bus-emulators.js';
import { startDemoDevices } from '../emulators/demo.js';
import type { EmulatorHost } from '../emulators/host.js';
import { IdCardEmulator, loadCardFile } from '../emulators/idcard-emulator.js';
import { PrinterEmulator } from '../emulators/printer-emulator.js';
import { QrScannerEmulator } from '../emulators/qr-scanner-emulator.js';
import { intOption, parseOptions, requireString } from './args.js';
import { CliError, printJson } from './output.js';

const HELP: Record<string, string> = {
  idcard: 'card <file.json> | remove | fault no-card|bad-checksum|garbage|mute | fault status <hex> | fault slow <ms> | unplug <ms> | clear',
  printer: 'paper-out | paper-near-end | paper-ok | cover-open | cover-closed | offline | online',
  display: '(none: shown text is printed)',
  evaluator: 'press <1-5>',
  'qr-scanner': 'scan <text> (sent with CR LF) | raw <hex bytes>',
};

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function runUntilSignal(emulator: { stop(): Promise<void> }, onLine: (words: string[]) => void): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (!words.length) return;
    try {
      onLine(words);
    } catch (err) {
      log(`error: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rl.close();
  await emulator.stop();
}

export async function emulateCommand(kind: string | undefined, args: string[]): Promise<void> {
  if (kind === 'demo') return emulateDemo(args);
  if (!kind || !(kind in HELP)) throw new CliError('BAD_ARGS', 'usage: emulate idcard|printer|display|evaluator|qr-scanner --link <path> [--card <file.json>]', 2);
  const o = parseOptions(args, {
    link: { type: 'string' },
    card: { type: 'string' },
    'paper-out': { type: 'boolean' },
    address: { type: 'string' },
  });
  const link = requireString(o.link, 'link');
  const deviceLink = `${link}.device`;
  let emulator: EmulatorHost;
  let handle: (words: string[]) => void;
  if (kind === 'idcard') {
    const e = new IdCardEmulator(deviceLink, link);
    if (o.card) e.present(loadCardFile(o.card));
    emulator = e;
    handle = ([cmd, a, b]) => {
      if (cmd === 'card' && a) e.present(loadCardFile(a));
      else if (cmd === 'remove') e.remove();
      else if (cmd === 'clear') e.clearFault();
      else if (cmd === 'unplug') e.setFault({ kind: 'unplug', durationMs: Number(a ?? 2000) });
      else if (cmd === 'fault' && a === 'status') e.setFault({ kind: 'status', sw3: parseInt(b ?? '41', 16) });
      else if (cmd === 'fault' && a === 'slow') e.setFault({ kind: 'slow', delayMs: Number(b ?? 3000) });
      else if (cmd === 'fault' && (a === 'no-card' || a === 'bad-checksum' || a === 'garbage' || a === 'mute')) e.setFault({ kind: a });
      else return log(`commands: ${HELP.idcard}`);
      log('ok');
    };
  } else if (kind === 'printer') {
    const e = new PrinterEmulator(deviceLink, link);
    if (o['paper-out']) e.setCondition({ paperOut: true });
    e.onLine = (line) => process.stdout.write(`${line}\n`);
    emulator = e;
    handle = ([cmd]) => {
      const changes: Record<string, Parameters<PrinterEmulator['setCondition']>[0]> = {
        'paper-out': { paperOut: true },
        'paper-near-end': { paperNearEnd: true },
        'paper-ok': { paperOut: false, paperNearEnd: false },
        'cover-open': { coverOpen: true },
        'cover-closed': { coverOpen: false },
        offline: { online: false },
        online: { online: true },
      };
      const c = cmd ? changes[cmd] : undefined;
      if (!c) return log(`commands: ${HELP.printer}`);
      e.setCondition(c);
      log('ok');
    };
  } else if (kind === 'display') {
    const e = new LedDisplayEmulator(deviceLink, link, intOption(o.address, 'address', 1, 1, 254));
    e.onShow = (text, line) => process.stdout.write(`[line ${line}] ${text}\n`);
    emulator = e;
    handle = () => log(`commands: ${HELP.display}`);
  } else if (kind === 'qr-scanner') {
    const e = new QrScannerEmulator(deviceLink, link);
    emulator = e;
    handle = ([cmd, a]) => {
      if (cmd === 'scan' && a) void e.scan(a);
      else if (cmd === 'raw' && a && /^([0-9a-fA-F]{2})+$/.test(a)) void e.sendRaw(Buffer.from(a, 'hex'));
      else return log(`commands: ${HELP['qr-scanner']}`);
      log('ok');
    };
  } else {
    const e = new EvaluatorEmulator(deviceLink, link, intOption(o.address, 'address', 1, 1, 254));
    e.onRequest = (prompt) => process.stdout.write(`[evaluation requested] ${prompt}\n`);
    emulator = e;
    handle = ([cmd, a]) => {
      if (cmd !== 'press' || !a) return log(`commands: ${HELP.evaluator}`);
      e.press(Number(a));
      log('ok');
    };
  }
  await emulator.start();
  log(`${kind} emulator ready: open ${link} (stdin commands: ${HELP[kind]})`);
  await runUntilSignal(emulator, handle);
}

/** `emulate demo --dir <dir>`: all four emulators; prints the device-manager config as JSON. */
async function emulateDemo(args: string[]): Promise<void> {
  const o = parseOptions(args, { dir: { type: 'string' }, card: { type: 'string' } });
  const demo = await startDemoDevices(requireString(o.dir, 'dir'), o.card ? { initialCard: o.card } : {});
  printJson(demo.config);
  log(`demo devices ready (stdin: card <file> | remove | paper-out | paper-ok | press <1-5>)`);
  await runUntilSignal(demo, ([cmd, a]) => {
    if (cmd === 'card' && a) demo.idcard.presentFile(a);
    else if (cmd === 'remove') demo.idcard.remove();
    else if (cmd === 'paper-out') demo.printer.setCondition({ paperOut: true });
    else if (cmd === 'paper-ok') demo.printer.setCondition({ paperOut: false });
    else if (cmd === 'press' && a) demo.evaluator.press(Number(a));
    else return log('commands: card <file> | remove | paper-out | paper-ok | press <1-5>');
    log('ok');
  });
}
