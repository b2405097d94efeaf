/** The CLI as a child process, against in-process emulators over ptys. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdCardEmulator } from '../emulators/idcard-emulator.js';
import { PrinterEmulator } from '../emulators/printer-emulator.js';
import { idCardJsonSchema } from '../idcard/card-json.js';
import { transcriptLines } from '../escpos/transcript.js';
import { cardsDir, tempDir } from '../testing/helpers.js';
import { PRINT_SAMPLES_DIR } from '../testing/samples.js';

const root = path.join(import.meta.dirname, '../..');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'devices/cli/main.ts', ...args], { cwd: root, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** stdout must be exactly one JSON object. */
function oneJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

let dir: string;
let reader: IdCardEmulator;
let printer: PrinterEmulator;

beforeAll(async () => {
  dir = tempDir();
  reader = new IdCardEmulator(path.join(dir, 'r.device'), path.join(dir, 'r'));
  printer = new PrinterEmulator(path.join(dir, 'p.device'), path.join(dir, 'p'));
  await reader.start();
  await printer.start();
});

afterAll(async () => {
  await reader?.stop();
  await printer?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('devices CLI', () => {
  it('idcard read --json prints exactly one JSON object with the documented fields', async () => {
    reader.presentFile(path.join(cardsDir, 'hmt-residence.json'));
    const r = await cli(['idcard', 'read', '--port', reader.hostPath, '--timeout-ms', '5000', '--json']);
    expect(r.code).toBe(0);
    const card = idCardJsonSchema.parse(oneJson(r.stdout));
    expect(card).toMatchObject({
      cardType: 'hmt-residence', name: '陈美玲', sex: 'female', birthDate: '1995-05-05', idNumber: '810000199505052124',
      idNumberValid: true, issuingAuthority: '九江市公安局', validFrom: '2021-01-01', validTo: '2031-01-01', passNumber: 'H12345678', issueCount: '01',
    });
    expect(Buffer.from(card.photoWlt, 'base64')).toHaveLength(1024);
  });

  it('idcard read: long-term validity and 民族 on a resident card', async () => {
    reader.presentFile(path.join(cardsDir, 'resident-long-term.json'));
    const card = oneJson((await cli(['idcard', 'read', '--port', reader.hostPath, '--json'])).stdout);
    expect(card).toMatchObject({ cardType: 'resident', validTo: 'long-term', nationCode: '22', nation: '畲', name: '雷𠈌英' });
  });

  it('idcard read: no card → exit 1 and one error object', async () => {
    reader.remove();
    const r = await cli(['idcard', 'read', '--port', reader.hostPath, '--timeout-ms', '700', '--json']);
    expect(r.code).toBe(1);
    expect(oneJson(r.stdout)).toEqual({ error: { code: 'NO_CARD', message: 'no card presented within 700 ms', params: { variant: 'any' } } });
  });

  it('idcard read: a persistent 0x41 fault is reported as READ_FAILED', async () => {
    reader.presentFile(path.join(cardsDir, 'resident.json'));
    reader.setFault({ kind: 'status', sw3: 0x41 });
    const r = await cli(['idcard', 'read', '--port', reader.hostPath, '--timeout-ms', '900', '--json']);
    reader.clearFault();
    expect(r.code).toBe(1);
    expect((oneJson(r.stdout).error as { code: string }).code).toBe('READ_FAILED');
  });

  it('bad arguments → exit 2 with BAD_ARGS', async () => {
    for (const args of [['idcard', 'read', '--json'], ['idcard', 'read', '--port', 'x', '--baud', 'fast'], ['frobnicate'], ['print', 'poster']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect((oneJson(r.stdout).error as { code: string }).code).toBe('BAD_ARGS');
    }
  });

  it('print ticket and receipt to the printer emulator', async () => {
    const cut = printer.nextCut(10_000);
    const r = await cli(['print', 'ticket', '--port', printer.hostPath, '--data', path.join(PRINT_SAMPLES_DIR, 'ticket.json')]);
    expect(r.code).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({ ok: true });
    expect(transcriptLines(await cut)).toEqual(expect.arrayContaining(['A012', '[QR https://example.gov.cn/q/A012]', '[partial cut]']));
    const cut2 = printer.nextCut(10_000);
    expect((await cli(['print', 'receipt', '--port', printer.hostPath, '--data', path.join(PRINT_SAMPLES_DIR, 'receipt.json')])).code).toBe(0);
    expect(transcriptLines(await cut2)).toContain('受理回执');
  });

  it('print: paper out is an error, garbage data files are clear errors', async () => {
    printer.setCondition({ paperOut: true });
    const r = await cli(['print', 'ticket', '--port', printer.hostPath, '--data', path.join(PRINT_SAMPLES_DIR, 'ticket.json')]);
    printer.setCondition({ paperOut: false });
    expect(r.code).toBe(1);
    expect((oneJson(r.stdout).error as { code: string }).code).toBe('PAPER_OUT');

    const notJson = path.join(dir, 'bad.json');
    fs.writeFileSync(notJson, '{"stationName": ');
    const r2 = await cli(['print', 'ticket', '--port', printer.hostPath, '--data', notJson]);
    expect(oneJson(r2.stdout)).toMatchObject({ error: { code: 'BAD_DATA_FILE' } });
    const wrong = path.join(dir, 'wrong.json');
    fs.writeFileSync(wrong, JSON.stringify({ stationName: 'x', ticketNumber: 'A1' }));
    const r3 = await cli(['print', 'ticket', '--port', printer.hostPath, '--data', wrong]);
    expect(r3.code).toBe(1);
    const e = oneJson(r3.stdout).error as { code: string; message: string };
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('category');
  });

  it('list prints one JSON object even without udev', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    expect(oneJson(r.stdout)).toHaveProperty('serial');
  });
});
