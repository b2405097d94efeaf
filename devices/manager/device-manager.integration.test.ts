/** The whole manager against the four emulators over socat ptys (the demo-mode wiring). */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoDevices, type DemoDevices } from '../emulators/demo.js';
import { sampleReceipt, sampleTicket } from '../testing/samples.js';
import { transcriptLines } from '../escpos/transcript.js';
import { tempDir, waitFor } from '../testing/helpers.js';
import { DeviceManager, SILENT_POLLS_BEFORE_REOPEN } from './device-manager.js';
import { deviceStatusSchema, evaluationEventSchema, idCardEventSchema, type DeviceStatus, type EvaluationEvent, type IdCardEvent } from './schemas.js';
import { zhErrorWords, zhStatusWords, zhWords } from '../testing/zh-words.js';

let dir: string;
let demo: DemoDevices;
let manager: DeviceManager;
const statuses: DeviceStatus[] = [];
const cards: IdCardEvent[] = [];
const evaluations: EvaluationEvent[] = [];
const logs: string[] = [];

const statusOf = (role: DeviceStatus['role']) => manager.getStatuses().find((s) => s.role === role)!;

beforeAll(async () => {
  dir = tempDir();
  demo = await startDemoDevices(dir, { reconnect: { initialMs: 100, maxMs: 400 } });
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
  manager = new DeviceManager(demo.config, { logger });
  manager.onStatus((s) => statuses.push(s));
  manager.onIdCard((e) => cards.push(e));
  manager.onEvaluation((e) => evaluations.push(e));
  await manager.start();
  await waitFor(() => manager.getStatuses().every((s) => s.state === 'connected'), 10_000, 'all connected');
});

afterAll(async () => {
  await manager?.stop();
  await demo?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DeviceManager with demo devices', () => {
  it('publishes valid statuses for all four roles', () => {
    for (const s of manager.getStatuses()) expect(deviceStatusSchema.parse(s).state).toBe('connected');
    expect(statuses.every((s) => deviceStatusSchema.safeParse(s).success)).toBe(true);
  });

  it('emits card and removal events as plain JSON, and never logs personal data', async () => {
    demo.idcard.presentFile(demo.cards['resident']!);
    const ev = await waitFor(() => cards.find((e) => e.type === 'card'), 5000, 'card event');
    const parsed = idCardEventSchema.parse(JSON.parse(JSON.stringify(ev)));
    expect(parsed.type === 'card' && parsed.card.name).toBe('王建国');
    expect(parsed.type === 'card' && Buffer.from(parsed.card.photoWlt, 'base64').length).toBe(1024);
    demo.idcard.remove();
    await waitFor(() => cards.find((e) => e.type === 'removed'), 5000, 'removed event');
    const all = logs.join('\n');
    expect(all).not.toContain('王建国');
    expect(all).not.toContain('360102199003071236');
    expect(all).toContain('idcard: card read (type=resident');
  });

  it('reports a read error (status 0x41) to onIdCard', async () => {
    demo.idcard.setFault({ kind: 'status', sw3: 0x41 });
    demo.idcard.presentFile(demo.cards['foreign-2017']!);
    const ev = await waitFor(() => cards.find((e) => e.type === 'read-error'), 5000, 'read error');
    expect(ev).toMatchObject({ error: { code: 'READ_FAILED', params: { variant: 'any' } } });
    expect(ev.type === 'read-error' && zhErrorWords(ev.error)).toBe('读卡失败，请重新放置证件');
    demo.idcard.clearFault();
    await waitFor(() => cards.filter((e) => e.type === 'card').length === 2, 5000, 'card after fault');
    demo.idcard.remove();
  });

  it('prints a ticket and a receipt that decode back to the expected text, QR and cut', async () => {
    const ticketCut = demo.printer.nextCut();
    expect(await manager.printTicket(sampleTicket)).toMatchObject({ ok: true });
    const ticket = transcriptLines(await ticketCut);
    expect(ticket).toEqual(expect.arrayContaining(['A012', '社保医保', '您前面还有 5 人等候', '[QR https://example.gov.cn/q/A012]', '[partial cut]']));

    const receiptCut = demo.printer.nextCut();
    expect(await manager.printReceipt(sampleReceipt)).toMatchObject({ ok: true });
    const receipt = transcriptLines(await receiptCut);
    expect(receipt).toContain('受理回执');
    expect(receipt.some((l) => l.endsWith('3611**********0024'))).toBe(true);
    expect(receipt).toContain('[QR https://example.gov.cn/p/0192f3a4]');
  });

  it('paper out: status error, the job is kept with an error the caller sees, and a retry prints it', async () => {
    demo.printer.setCondition({ paperOut: true });
    const jobsBefore = demo.printer.jobs.length;
    const r = await manager.printReceipt(sampleReceipt);
    expect(r).toMatchObject({ ok: false, queued: true, error: { code: 'PAPER_OUT', params: { variant: 'any' } } });
    expect(!r.ok && zhErrorWords(r.error)).toBe('打印机缺纸，请装纸后重试');
    expect(zhStatusWords(statusOf('receipt-printer'))).toBe('打印机缺纸，请装纸后重试');
    expect(statusOf('receipt-printer')).toMatchObject({ state: 'error', code: 'PAPER_OUT' });
    expect(manager.getPendingPrints()).toHaveLength(1);
    expect(demo.printer.jobs.length).toBe(jobsBefore);

    demo.printer.setCondition({ paperOut: false });
    const cut = demo.printer.nextCut();
    const retried = await manager.retryPrints();
    expect(retried).toEqual([expect.objectContaining({ ok: true })]);
    expect(transcriptLines(await cut)).toContain('受理回执');
    expect(manager.getPendingPrints()).toHaveLength(0);
    expect(statusOf('receipt-printer').state).toBe('connected');
  });

  it('rejects garbage print and display input with a clear error', async () => {
    await expect(manager.printTicket({ ticketNumber: 5 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('stationName') });
    await expect(manager.printReceipt('x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(manager.showOnWindowDisplay({ text: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => manager.submitOnScreenEvaluation(7)).toThrow(/1-5/);
  });

  it('shows text on the window display', async () => {
    await manager.showOnWindowDisplay({ text: '请 A012 号到 3 号窗口办理', effect: 'blink' });
    expect(demo.display.lines.get(0)).toBe('请 A012 号到 3 号窗口办理');
  });

  it('evaluator: request lights the device, a button press arrives as a 好差评 level', async () => {
    expect(await manager.requestEvaluation({ prompt: '请评价' })).toEqual({ mode: 'device' });
    await waitFor(() => demo.evaluator.prompt === '请评价', 2000, 'prompt');
    demo.evaluator.press(2);
    const ev = await waitFor(() => evaluations.find((e) => e.source === 'device'), 3000, 'evaluation');
    expect(evaluationEventSchema.parse(ev)).toMatchObject({ level: 2, needsReason: true });
    expect(zhWords('clerk.calling.levels.2')).toBe('不满意');
    await waitFor(() => demo.evaluator.acks === 1, 2000, 'ack');
    demo.evaluator.press(9); // out of range: ignored, not crashed
    expect(manager.submitOnScreenEvaluation(5)).toMatchObject({ level: 5, source: 'on-screen' });
    expect(zhWords('clerk.calling.levels.5')).toBe('非常满意');
  });

  it('reader unplug: status goes disconnected, then back to connected and reads again', async () => {
    statuses.length = 0;
    await demo.idcard.unplug(600);
    await waitFor(() => statuses.find((s) => s.role === 'idcard' && s.state !== 'connected'), 5000, 'idcard not connected');
    await waitFor(() => statusOf('idcard').state === 'connected', 10_000, 'idcard reconnected');
    const before = cards.filter((e) => e.type === 'card').length;
    demo.idcard.presentFile(demo.cards['hmt-residence']!);
    await waitFor(() => cards.filter((e) => e.type === 'card').length === before + 1, 5000, 'card after replug');
  });

  it('a reader that stops answering while its port stays open is reopened (no close event needed), then reads again', async () => {
    statuses.length = 0;
    logs.length = 0;
    demo.idcard.setFault({ kind: 'mute' });
    await waitFor(() => statuses.find((s) => s.role === 'idcard' && s.state === 'error'), 10_000, 'idcard error');
    // Only the watchdog closes the port here: the emulator never went away, so 'disconnected' means it reopened.
    await waitFor(() => statuses.find((s) => s.role === 'idcard' && s.state === 'disconnected'), 20_000, 'port reopened');
    expect(logs.join('\n')).toContain(`idcard: ${SILENT_POLLS_BEFORE_REOPEN} polls in a row failed (TIMEOUT); reopening the port`);
    demo.idcard.clearFault();
    await waitFor(() => statusOf('idcard').state === 'connected', 15_000, 'idcard connected again');
    const before = cards.filter((e) => e.type === 'card').length;
    demo.idcard.presentFile(demo.cards['resident']!);
    await waitFor(() => cards.filter((e) => e.type === 'card').length === before + 1, 5000, 'card after reopen');
    demo.idcard.remove();
    await waitFor(() => cards.filter((e) => e.type === 'removed').length > 0 && cards.at(-1)?.type === 'removed', 5000, 'removed');
  }, 60_000);

  it('printer unplug: a print while unplugged is kept with an error; after the printer is back, retry prints it', async () => {
    await demo.printer.unplug(0);
    await waitFor(() => statusOf('receipt-printer').state !== 'connected', 5000, 'printer down');
    const r = await manager.printTicket(sampleTicket);
    expect(r).toMatchObject({ ok: false, queued: true, error: { code: 'PRINTER_DISCONNECTED' } });
    await demo.printer.replug();
    await waitFor(() => statusOf('receipt-printer').state === 'connected', 10_000, 'printer back');
    const cut = demo.printer.nextCut();
    expect(await manager.retryPrints(r.jobId)).toEqual([expect.objectContaining({ ok: true, jobId: r.jobId })]);
    expect(transcriptLines(await cut)).toContain('A012');
  });
});

describe('DeviceManager configuration', () => {
  it('rejects a bad configuration with the path of the problem', () => {
    expect(() => new DeviceManager({ idcard: { driver: 'sam', transport: { kind: 'serial' } } })).toThrow(/idcard\.transport/);
    expect(() => new DeviceManager({ idcard: { driver: 'sam', transport: { kind: 'serial', path: '/x' }, pollIntervalMs: 10 } })).toThrow(/pollIntervalMs/);
  });

  it('without an evaluator device it says to use the on-screen fallback; a missing port is a status, not a crash', async () => {
    const m = new DeviceManager({
      receiptPrinter: { driver: 'escpos', transport: { kind: 'serial', path: path.join(dir, 'no-such-port') } },
      reconnect: { initialMs: 100, maxMs: 200 },
    }, { logger: { info: () => undefined, warn: () => undefined } });
    await m.start();
    try {
      const mode = await m.requestEvaluation();
      expect(mode).toEqual({ mode: 'on-screen', code: 'NO_EVALUATOR_DEVICE', params: { variant: 'any', device: 'evaluator' } });
      expect(mode.mode === 'on-screen' && zhErrorWords(mode)).toBe('未配置评价器，请使用屏幕评价');
      expect(m.getStatuses().find((s) => s.role === 'evaluator')).toMatchObject({ state: 'not-configured', code: 'NO_EVALUATOR_DEVICE' });
      await waitFor(() => m.getStatuses().find((s) => s.role === 'receipt-printer' && s.code === 'OPEN_FAILED'), 3000, 'open failed status');
      const r = await m.printTicket(sampleTicket);
      expect(r).toMatchObject({ ok: false, queued: true });
      await expect(m.showOnWindowDisplay({ text: 'x' })).rejects.toMatchObject({ code: 'NOT_CONFIGURED' });
    } finally {
      await m.stop();
    }
  });

  it('auto-probes the ID card reader among serial ports, skipping ports of other roles', async () => {
    const m = new DeviceManager({
      idcard: { driver: 'sam', transport: { kind: 'serial', path: 'auto', probeCandidates: [path.join(dir, 'missing'), demo.printer.hostPath, demo.idcard.hostPath] } },
      receiptPrinter: { driver: 'escpos', transport: { kind: 'serial', path: demo.printer.hostPath }, statusPollMs: 0 },
      reconnect: { initialMs: 100, maxMs: 200 },
    });
    // the main manager holds the reader port: release it for this test
    await manager.stop();
    try {
      await m.start();
      await waitFor(() => m.getStatuses().find((s) => s.role === 'idcard' && s.state === 'connected'), 8000, 'probed reader');
      expect(m.getStatuses().find((s) => s.role === 'idcard')!.transport).toBe(`serial:${demo.idcard.hostPath}@115200`);
    } finally {
      await m.stop();
    }
  });

  it('passes the WLT photo to a licensed decoder hook when one is given (photoBmp)', async () => {
    await manager.stop(); // frees the reader port (idempotent)
    const seen: number[] = [];
    const m = new DeviceManager(
      { idcard: demo.config.idcard, reconnect: { initialMs: 100, maxMs: 200 } },
      { logger: { info: () => undefined, warn: () => undefined }, wltDecoder: async (wlt) => { seen.push(wlt.length); return Buffer.from('BMfake'); } },
    );
    const events: IdCardEvent[] = [];
    m.onIdCard((e) => events.push(e));
    await m.start();
    try {
      await waitFor(() => m.getStatuses().find((s) => s.role === 'idcard' && s.state === 'connected'), 8000, 'reader');
      demo.idcard.presentFile(demo.cards['foreign-2023']!);
      const ev = await waitFor(() => events.find((e) => e.type === 'card'), 5000, 'card');
      expect(seen).toEqual([1024]);
      expect(ev.type === 'card' && Buffer.from(ev.card.photoBmp!, 'base64').toString()).toBe('BMfake');
    } finally {
      await m.stop();
    }
  });
});

describe('devices/index.ts', () => {
  it('exposes the manager API without Electron', async () => {
    const api = await import('../index.js');
    expect(typeof api.createDeviceManager).toBe('function');
    expect(typeof api.startDemoDevices).toBe('function');
    expect(api.deviceManagerConfigSchema.safeParse({}).success).toBe(true);
    expect(api.maskIdNumber('360102199003071234')).toBe('3601**********1234');
  });
});
