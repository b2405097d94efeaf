/** SAM driver against the reader emulator over a socat pty pair: real bytes, real serial ports. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCardFile, IdCardEmulator } from '../emulators/idcard-emulator.js';
import { cardsDir, sleep, tempDir, waitFor, within } from '../testing/helpers.js';
import { SerialTransport } from '../transport/serial.js';
import { toCardJson } from './card-json.js';
import { SamReader } from './reader.js';
import { IdCardSession, type IdCardSessionEvent } from './session.js';
import { zhErrorWords } from '../testing/zh-words.js';
import type { DeviceError } from '../errors.js';

/** The reader's answer timeout here, and a "slow" reply that surely misses it. Generous, so a loaded machine's
 * scheduling delays are not mistaken for a slow reader (the product default is 2000 ms). */
const TIMEOUT_MS = 1500;
const SLOW_MS = TIMEOUT_MS + 1000;

let dir: string;
let emu: IdCardEmulator;
let transport: SerialTransport;
let reader: SamReader;

async function connect() {
  transport = new SerialTransport(emu.hostPath, 115200);
  await transport.open();
  reader = new SamReader(transport, { timeoutMs: TIMEOUT_MS });
}

beforeAll(async () => {
  dir = tempDir();
  emu = new IdCardEmulator(path.join(dir, 'reader-dev'), path.join(dir, 'reader-host'));
  await emu.start();
  await connect();
});

afterAll(async () => {
  reader?.dispose();
  await transport?.close();
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  emu.clearFault();
  emu.remove();
});

describe('SAM reader over a pty', () => {
  it('answers status, reset and SAM ID', async () => {
    await reader.status();
    await reader.reset();
    expect(await reader.samId()).toBe(emu.samIdBytes.toString('hex').toUpperCase());
  });

  for (const file of fs.readdirSync(cardsDir).filter((f) => f.endsWith('.json'))) {
    it(`reads ${file}: find, select, read base`, async () => {
      const card = loadCardFile(path.join(cardsDir, file));
      emu.present(card);
      expect(await reader.findCard()).toBe(true);
      expect(await reader.selectCard()).toBe(true);
      const json = toCardJson(await reader.readBase());
      expect(json).toMatchObject({ cardType: card.cardType, name: card.name, idNumber: card.idNumber, idNumberValid: true, birthDate: card.birthDate, validTo: card.validTo });
      expect(Buffer.from(json.photoWlt, 'base64')).toHaveLength(1024);
      // Once read, find answers 0x80 until the card is presented again.
      expect(await reader.findCard()).toBe(false);
    });
  }

  it('reads base + fingerprint and the additional address', async () => {
    emu.presentFile(path.join(cardsDir, 'resident.json'));
    const read = await reader.readBaseWithFingerprint();
    expect(read.fingerprints).toBeUndefined(); // card holds none (length word 0)
    expect(await reader.readAdditionalAddress()).toBe('江西省南昌市青山湖区示例新村8栋2单元');
    emu.presentFile(path.join(cardsDir, 'resident-long-term.json'));
    expect(await reader.readAdditionalAddress()).toBeNull(); // 0x91
  });

  it('fault: no card', async () => {
    emu.presentFile(path.join(cardsDir, 'resident.json'));
    emu.setFault({ kind: 'no-card' });
    expect(await reader.findCard()).toBe(false);
    expect(await reader.selectCard()).toBe(false);
  });

  it('fault: status 0x41 is a clear READ_FAILED error, then a retry works', async () => {
    emu.presentFile(path.join(cardsDir, 'resident.json'));
    emu.setFault({ kind: 'status', sw3: 0x41 }, 1);
    const err = await reader.readBase().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'READ_FAILED', params: { variant: 'any' } });
    expect(zhErrorWords(err as DeviceError)).toBe('读卡失败，请重新放置证件');
    expect((err as Error).message).toContain('0x41');
    expect((await reader.readBase()).cardType).toBe('resident');
  });

  it('fault: bad checksum is reported as BAD_CHECKSUM, then recovers', async () => {
    emu.presentFile(path.join(cardsDir, 'hmt-residence.json'));
    emu.setFault({ kind: 'bad-checksum' }, 1);
    await expect(reader.readBase()).rejects.toMatchObject({ code: 'BAD_CHECKSUM' });
    expect((await reader.readBase()).cardType).toBe('hmt-residence');
  });

  it('fault: garbage around every reply is survived (resynchronisation)', async () => {
    emu.presentFile(path.join(cardsDir, 'foreign-2023.json'));
    emu.setFault({ kind: 'garbage' });
    expect(await reader.findCard()).toBe(true);
    expect(await reader.selectCard()).toBe(true);
    expect((await reader.readBase()).englishName).toBe('SMITH-WELLINGTON, JOHN ALEXANDER MAXIMILIAN');
    expect(reader.stats.discardedBytes).toBeGreaterThan(0);
  });

  it('fault: slow reply is a TIMEOUT, and the reader recovers', async () => {
    emu.presentFile(path.join(cardsDir, 'resident.json'));
    emu.setFault({ kind: 'slow', delayMs: SLOW_MS }, 1);
    const slow = await reader.status().catch((e: unknown) => e);
    expect(slow).toMatchObject({ code: 'TIMEOUT', params: { device: 'idcard', variant: 'any' } });
    expect(zhErrorWords(slow as DeviceError)).toBe('身份证阅读器无响应，请检查连接');
    await sleep(SLOW_MS - TIMEOUT_MS + 300); // let the late reply arrive and be ignored
    await reader.status();
  });

  it('fault: unplug is an error; after the emulator comes back a new connection reads again', async () => {
    emu.presentFile(path.join(cardsDir, 'foreign-2017.json'));
    const closed = new Promise<boolean>((resolve) => transport.onClose(() => resolve(true)));
    emu.setFault({ kind: 'unplug', durationMs: 400 });
    // Each step is bounded and named, so a slow machine's failure says where it stuck.
    const err = await within(reader.status().catch((e: unknown) => e), 5000, 'status during unplug');
    expect(['DISCONNECTED', 'TIMEOUT', 'WRITE_FAILED', 'NOT_OPEN']).toContain((err as { code: string }).code);
    // Linux usually reports the lost pty as a close, but not always (seen under load): the device
    // manager reopens a silent port itself (device-manager.integration.test.ts, 'stops answering').
    if (!(await Promise.race([closed, sleep(3000).then(() => false)]))) await transport.close();
    expect(transport.isOpen).toBe(false);
    reader.dispose();
    await waitFor(() => emu.plugged && fs.existsSync(emu.hostPath), 8000, 'emulator back');
    await within(connect(), 5000, 'reconnect');
    emu.presentFile(path.join(cardsDir, 'foreign-2017.json'));
    expect(await within(reader.findCard(), 5000, 'find card')).toBe(true);
    expect((await within(reader.readBase(), 5000, 'read base')).cardType).toBe('foreign-2017');
  });
});

describe('polling session over a pty', () => {
  it('reads once per presentation, reports removal, reports read errors once, survives a slow reply', async () => {
    const events: IdCardSessionEvent[] = [];
    const session = new IdCardSession(reader, (e) => events.push(e), { pollIntervalMs: 300 });
    session.start();
    try {
      emu.presentFile(path.join(cardsDir, 'resident.json'));
      await waitFor(() => events.find((e) => e.type === 'card'), 5000, 'card');
      await sleep(1000); // card stays: no second read
      expect(events.filter((e) => e.type === 'card')).toHaveLength(1);
      emu.remove();
      await waitFor(() => events.find((e) => e.type === 'removed'), 5000, 'removed');

      emu.setFault({ kind: 'status', sw3: 0x41 });
      emu.presentFile(path.join(cardsDir, 'hmt-residence.json'));
      await waitFor(() => events.find((e) => e.type === 'read-error'), 5000, 'read error');
      await sleep(800);
      expect(events.filter((e) => e.type === 'read-error')).toHaveLength(1);
      emu.clearFault();
      await waitFor(() => events.filter((e) => e.type === 'card').length === 2, 5000, 'second card');

      emu.setFault({ kind: 'slow', delayMs: SLOW_MS }, 1);
      await waitFor(() => events.find((e) => e.type === 'link-error'), TIMEOUT_MS + 3000, 'link error');
      await waitFor(() => events.find((e) => e.type === 'link-ok'), SLOW_MS + 5000, 'link ok');
      expect(session.isRunning).toBe(true);
    } finally {
      await session.stop();
    }
    const err = events.find((e) => e.type === 'read-error');
    expect(err?.type === 'read-error' && err.error.code).toBe('READ_FAILED');
  });
});

describe('polling session with a reader that keeps answering 0x9F', () => {
  it('still reports one card per presentation, and a different card as removal + card', async () => {
    emu.rearmAfterRead = false;
    const events: IdCardSessionEvent[] = [];
    const session = new IdCardSession(reader, (e) => events.push(e), { pollIntervalMs: 300 });
    session.start();
    try {
      emu.presentFile(path.join(cardsDir, 'resident.json'));
      await waitFor(() => events.find((e) => e.type === 'card'), 5000, 'card');
      await sleep(1000);
      expect(events.map((e) => (e.type === 'read-error' || e.type === 'link-error' ? `${e.type}:${e.error.code}` : e.type))).toEqual(['card']);
      emu.presentFile(path.join(cardsDir, 'foreign-2017.json'));
      await waitFor(() => events.length === 3, 5000, 'swap');
      expect(events.map((e) => e.type)).toEqual(['card', 'removed', 'card']);
      emu.remove();
      await waitFor(() => events.length === 4, 5000, 'removed');
      expect(events[3]!.type).toBe('removed');
    } finally {
      await session.stop();
      emu.rearmAfterRead = true;
    }
  });
});
