/**
 * The device feature over real bytes: emulated devices on socat ptys, the real device manager,
 * the contract's schemas on every payload that crosses the bridge.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCalls, deviceEvents, IdCardEvent } from '../../preload/contract/device-calls';
import { eventAllowedFor } from '../../preload/contract';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { HandlerError } from '../core/dispatcher';
import { createDeviceFeature, type DeviceFeature } from './feature';

const caller = { origin: 'app://terminal', role: 'kiosk' as const, senderId: 't' };
const logLines: string[] = [];
const log = createLogger({ stderr: false, level: 'debug', sink: (l) => logLines.push(l) });
const events = createEventHub(log);
const received: { name: string; payload: unknown }[] = [];
events.subscribe((name, payload) => received.push({ name, payload }));

let dir: string;
let feature: DeviceFeature;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'device-feature-'));
  feature = createDeviceFeature({ config: TerminalConfig.parse({}), log, events, dataDir: dir, host: 'browser' }, { demoDevices: true });
  await feature.start();
  await feature.ready();
  const deadline = Date.now() + 15_000;
  const allConnected = () => (feature.handlers['devices.status'](undefined, caller) as { state: string }[]).every((s) => s.state === 'connected');
  while (!allConnected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}, 60_000);
afterAll(async () => {
  await feature?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('device feature (emulated devices over ptys)', () => {
  it('reports four connected devices in the contract shape', async () => {
    const statuses = await feature.handlers['devices.status'](undefined, caller);
    expect(deviceCalls['devices.status'].output.parse(statuses).map((s) => s.role).sort()).toEqual(['evaluator', 'idcard', 'receipt-printer', 'window-display']);
  });

  it('relays a presented card as a contract event without the raw photo or fingerprints, only to counter roles', async () => {
    received.length = 0;
    await feature.handlers['devices.demo.presentCard']({ card: 'resident' }, caller);
    await expect.poll(() => received.find((r) => r.name === 'devices.idcard'), { timeout: 10_000 }).toBeTruthy();
    const event = IdCardEvent.parse(received.find((r) => r.name === 'devices.idcard')?.payload);
    expect(event.type).toBe('card');
    if (event.type === 'card') {
      expect(event.card.cardType).toBe('resident');
      expect(event.card.idNumberValid).toBe(true);
      expect(event.card).not.toHaveProperty('photoWlt');
      expect(event.card).not.toHaveProperty('fingerprints');
    }
    expect(eventAllowedFor('devices.idcard', 'display')).toBe(false);
    expect(eventAllowedFor('devices.idcard', 'kiosk')).toBe(true);
    await feature.handlers['devices.demo.removeCard'](undefined, caller);
    await expect.poll(() => received.some((r) => r.name === 'devices.idcard' && (r.payload as { type: string }).type === 'removed'), { timeout: 10_000 }).toBe(true);
    // Nothing personal reached the log.
    expect(logLines.join('\n')).not.toMatch(/\d{17}[\dX]/);
  });

  it('prints a receipt whose decoded text masks the ID number', async () => {
    const receipt = {
      stationName: '流泗镇便民服务中心',
      serviceName: '城乡居民基本养老保险参保登记',
      applicationId: '0190f2a4-1b2c-7d3e-8f40-123456789abc',
      applicantIdNumber: '360429199001011238',
      materials: [{ name: '居民身份证' }, { name: '户口簿', copies: 1 }],
      promisedWorkingDays: 3,
      acceptedAt: '2026-11-29T10:00:00+08:00',
      progressUrl: 'https://example.gov.cn/p/0190f2a4',
    };
    const result = deviceCalls['devices.printReceipt'].output.parse(await feature.handlers['devices.printReceipt'](deviceCalls['devices.printReceipt'].input.parse(receipt), caller));
    expect(result.ok).toBe(true);
    const { jobs } = await feature.handlers['devices.demo.printerTranscript'](undefined, caller);
    const text = jobs.at(-1)?.join('\n') ?? '';
    expect(text).toContain('城乡居民基本养老保险参保登记');
    expect(text).toContain('3604**********1238');
    expect(text).not.toContain('360429199001011238');
  });

  it('keeps a print when the paper is out and answers with a typed, Chinese error; retry prints it once', async () => {
    await feature.handlers['devices.demo.setPrinter']({ paperOut: true }, caller);
    const ticket = { stationName: '流泗镇', ticketNumber: 'A012', category: '社保医保', waitingCount: 3, issuedAt: '2026-11-29T10:00:00+08:00' };
    const r = await feature.handlers['devices.printTicket'](ticket, caller);
    expect(r).toMatchObject({ ok: false, queued: true, error: { code: 'PAPER_OUT' } });
    if (!r.ok) expect(r.error.userMessage).toMatch(/纸/);
    expect((await feature.handlers['devices.pendingPrints'](undefined, caller)).length).toBe(1);
    await feature.handlers['devices.demo.setPrinter']({ paperOut: false }, caller);
    const before = (await feature.handlers['devices.demo.printerTranscript'](undefined, caller)).jobs.length;
    const retried = await feature.handlers['devices.retryPrints']({}, caller);
    expect(retried).toEqual([expect.objectContaining({ ok: true })]);
    const after = (await feature.handlers['devices.demo.printerTranscript'](undefined, caller)).jobs;
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)?.join('\n')).toContain('A012');
  });

  it('turns device errors into typed bridge errors with Chinese text', async () => {
    await expect(Promise.resolve().then(() => feature.handlers['devices.demo.presentCard']({ card: 'nobody' }, caller))).rejects.toMatchObject({ code: 'UNKNOWN_CARD' });
    try {
      await feature.handlers['devices.showOnWindowDisplay']({ text: '   ' } as never, caller);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HandlerError);
      expect((error as HandlerError).code).toBe('INVALID_INPUT');
    }
  });

  it('the contract refuses garbage print data before it reaches the manager', () => {
    for (const bad of [null, {}, { stationName: 'x' }, { stationName: '站', ticketNumber: 'A1', category: 'c', waitingCount: -1, issuedAt: 'yesterday' }, 'A012']) {
      expect(deviceCalls['devices.printTicket'].input.safeParse(bad).success).toBe(false);
    }
    expect(deviceCalls['devices.demo.presentCard'].input.safeParse({ card: '../../etc/passwd' }).success).toBe(false);
    expect(Object.keys(deviceEvents).sort()).toEqual(['devices.evaluation', 'devices.idcard', 'devices.status']);
  });
});

describe('device feature outside demo mode', () => {
  it('refuses demo calls and reports not-configured devices', async () => {
    const d = mkdtempSync(join(tmpdir(), 'device-feature-'));
    const f = createDeviceFeature({ config: TerminalConfig.parse({ platform: { url: 'https://p.example.cn' } }), log, events: createEventHub(), dataDir: d, host: 'browser' });
    await f.start();
    await f.ready();
    expect(() => f.handlers['devices.demo.removeCard'](undefined, caller)).toThrow(HandlerError);
    const statuses = await f.handlers['devices.status'](undefined, caller);
    expect(statuses.every((s) => s.state === 'not-configured')).toBe(true);
    const mode = await f.handlers['devices.requestEvaluation'](undefined, caller);
    expect(mode).toMatchObject({ mode: 'on-screen' });
    await f.close();
    rmSync(d, { recursive: true, force: true });
  });
});
