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
import type { SpeechEngine } from '../../devices/speech';
import { zhErrorWords, zhStatusWords } from '../../devices/testing/zh-words';

const caller = { origin: 'app://terminal', role: 'kiosk' as const, senderId: 't' };
const logLines: string[] = [];
const log = createLogger({ stderr: false, level: 'debug', sink: (l) => logLines.push(l) });
const events = createEventHub(log);
const received: { name: string; payload: unknown }[] = [];
events.subscribe((name, payload) => received.push({ name, payload }));

let dir: string;
let feature: DeviceFeature;
/** A speech engine that records what it was asked to say (the real engines: devices/speech tests). */
const spoken: string[] = [];
const recordingEngine: SpeechEngine = { name: 'recording', speak: async (text) => void spoken.push(text) };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'device-feature-'));
  feature = createDeviceFeature({ config: TerminalConfig.parse({}), log, events, dataDir: dir, host: 'browser' }, { demoDevices: true, speech: { engine: recordingEngine } });
  await feature.start();
  await feature.ready();
  await feature.speechReady();
  const deadline = Date.now() + 15_000;
  const allConnected = () => (feature.handlers['devices.status'](undefined, caller) as { state: string }[]).every((s) => s.state === 'connected');
  while (!allConnected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}, 60_000);
afterAll(async () => {
  await feature?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('device feature (emulated devices over ptys)', () => {
  it('reports four connected devices and the speech engine in the contract shape', async () => {
    const statuses = await feature.handlers['devices.status'](undefined, caller);
    expect(deviceCalls['devices.status'].output.parse(statuses).map((s) => s.role).sort()).toEqual(['evaluator', 'idcard', 'receipt-printer', 'speech', 'window-display']);
    expect(statuses.find((s) => s.role === 'speech')).toMatchObject({ state: 'connected', say: 'SPEECH_READY', params: { engine: 'recording' } });
    expect(zhStatusWords(statuses.find((s) => s.role === 'speech')!)).toBe('语音播报已就绪（recording）');
  });

  it('showCalled puts the called number on the window LED strip (socat pty → LED emulator); garbage never reaches it', async () => {
    const led = feature.demo()!.display;
    await feature.showCalled(2, 'A012');
    expect(led.lines.get(0)).toBe('请A012号到2号窗口');
    const shown = led.history.length;
    for (const [w, n] of [[0, 'A013'], [100, 'A013'], [2.5, 'A013'], [2, 'a013'], [2, 'A012; rm -rf /'], [2, ''], [Number.NaN, 'A1']] as const) {
      await expect(feature.showCalled(w, n)).rejects.toMatchObject({ code: 'INVALID_INPUT', params: { variant: 'call' } });
    }
    expect(zhErrorWords({ code: 'INVALID_INPUT', params: { variant: 'call' } })).toBe('叫号信息格式错误');
    expect(led.history.length).toBe(shown);
    expect(led.lines.get(0)).toBe('请A012号到2号窗口');
  });

  it('devices.announce queues plain text for the speech engine; the contract and the announcer refuse garbage', async () => {
    spoken.length = 0;
    const input = deviceCalls['devices.announce'].input.parse({ text: '请 A012 号到 2 号窗口办理', repeat: 1 });
    const r = deviceCalls['devices.announce'].output.parse(await feature.handlers['devices.announce'](input, caller));
    expect(r).toEqual({ engine: 'recording', ahead: 0 });
    await expect.poll(() => spoken.length, { timeout: 5000 }).toBe(2);
    expect(spoken).toEqual(['请 A012 号到 2 号窗口办理', '请 A012 号到 2 号窗口办理']);
    for (const bad of [null, {}, { text: '<speak>x</speak>' }, { text: '请\u001b[2J' }, { text: 'x'.repeat(81) }, { text: '请', repeat: 9 }, { text: '请', extra: 1 }]) {
      expect(deviceCalls['devices.announce'].input.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      await expect(Promise.resolve().then(() => feature.handlers['devices.announce'](bad as never, caller))).rejects.toBeInstanceOf(HandlerError);
    }
    expect(spoken).toHaveLength(2);
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
    if (!r.ok) expect(zhErrorWords(r.error)).toBe('打印机缺纸，请装纸后重试');
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
    expect(Object.keys(deviceEvents).sort()).toEqual(['devices.evaluation', 'devices.idcard', 'devices.qrScan', 'devices.status']);
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
    expect(statuses.filter((s) => s.role !== 'speech').every((s) => s.state === 'not-configured')).toBe(true);
    const mode = await f.handlers['devices.requestEvaluation'](undefined, caller);
    expect(mode).toMatchObject({ mode: 'on-screen' });
    await f.close();
    rmSync(d, { recursive: true, force: true });
  });

  it('a machine without a speech engine says 无语音引擎 in the device status and refuses announcements with it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'device-feature-'));
    const hub = createEventHub();
    const seen: unknown[] = [];
    hub.subscribe((name, payload) => name === 'devices.status' && seen.push(payload));
    const f = createDeviceFeature({ config: TerminalConfig.parse({ platform: { url: 'https://p.example.cn' } }), log, events: hub, dataDir: d, host: 'browser' }, { speech: { engine: null, reason: 'espeak-ng not installed' } });
    await f.start();
    await f.ready();
    await f.speechReady();
    const speech = (await f.handlers['devices.status'](undefined, caller)).find((s) => s.role === 'speech');
    expect(speech).toMatchObject({ state: 'error', code: 'NO_SPEECH_ENGINE', detail: 'espeak-ng not installed' });
    expect(zhStatusWords(speech!)).toContain('无语音引擎');
    expect(seen).toContainEqual(expect.objectContaining({ role: 'speech', code: 'NO_SPEECH_ENGINE' }));
    await expect(Promise.resolve().then(() => f.handlers['devices.announce']({ text: '请 A001 号到 1 号窗口办理' }, caller))).rejects.toMatchObject({ code: 'NO_SPEECH_ENGINE', params: { variant: 'any' } });
    // No window display on this terminal: 叫号 on the LED strip says so, typed.
    await expect(f.showCalled(1, 'A001')).rejects.toMatchObject({ code: 'NOT_CONFIGURED' });
    await f.close();
    rmSync(d, { recursive: true, force: true });
  });
});
