/**
 * Main side of devices: the device manager (devices/manager) behind the bridge.
 *
 * Configuration: `devices` in terminal.config.json (validated by the manager). In demo mode
 * (no platform configured) with no devices configured, emulated devices are started on socat
 * pty pairs, so the card reader, printer, LED strip and evaluator all work for a newcomer.
 * Start-up runs in the background: a missing port or socat never delays or breaks the app.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { deviceCalls, DeviceStatus } from '../../preload/contract/device-calls';
import type { Feature, FeatureContext } from '../core/feature';
import { HandlerError } from '../core/dispatcher';
import { createDeviceManager, DeviceError, startDemoDevices, type DemoDevices, type DeviceManager } from '../../devices';
import { createAnnouncer, detectSpeechEngine, type Announcer, type SpeechEngine } from '../../devices/speech';
import { calledCallSchema, calledDisplayText } from '../../devices/protocol/speech';
import { transcriptLines } from '../../devices/escpos/transcript';
import { isDemo } from '../core/config';
import { findFallbackFontPaths, findFontPath } from '../documents/fonts';
import { DEFAULT_STATION_TIME_ZONE } from '../../sync/protocol/station-time';
import { createStatusHistory } from './status-history';
import { alwaysListedMainRoles, windowDeviceConfigOf } from '../../devices/protocol/registry';

/** The roles main reports while the manager starts: the registry's always-listed main roles. */
const ROLES = alwaysListedMainRoles;
/** Params of main's own device errors: their words are the renderer's `device.errors.<code>.any`. */
const DEVICE_WORDS = { variant: 'any' } as const;

export interface DeviceFeatureOptions {
  /** Use emulated devices even outside demo mode (tests). */
  demoDevices?: boolean;
  /** The speech engine to announce with (tests); detected on this machine when absent. */
  speech?: { engine: SpeechEngine | null; reason?: string };
}

export interface DeviceFeature extends Feature<typeof deviceCalls> {
  /** Resolves when the manager is running (or failed to start); for tests. */
  ready(): Promise<void>;
  /** The emulated devices, in demo mode. */
  demo(): DemoDevices | null;
  /**
   * 叫号 on this terminal's window LED strip: shows 请A012号到2号窗口 through the display protocol
   * (devices.showOnWindowDisplay). For the queue feature in main; throws a HandlerError (INVALID_INPUT,
   * NOT_CONFIGURED, DISCONNECTED…) with its Chinese text.
   */
  showCalled(window: number, number: string): Promise<void>;
  /** Resolves when the speech engine has been looked for; for tests. */
  speechReady(): Promise<Announcer>;
}

/** The receipt printer's bitmap fonts for characters the printer lacks: the documents' font and the rare-character fallbacks. */
export function glyphFonts(): { glyphFontPath?: string; glyphFallbackFontPaths: string[] } {
  const main = findFontPath();
  return { ...(main ? { glyphFontPath: main } : {}), glyphFallbackFontPaths: findFallbackFontPaths() };
}

function hasSocat(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function createDeviceFeature(ctx: FeatureContext, options: DeviceFeatureOptions = {}): DeviceFeature {
  const { log, events } = ctx;
  // The window-side devices' configuration (the clerk window's document camera), checked once.
  const { config: windowConfig, invalid: invalidWindowConfig } = windowDeviceConfigOf(ctx.config.devices);
  if (invalidWindowConfig.length) log.warn('devices.window-config-invalid', { entries: invalidWindowConfig.join(','), effect: 'those devices count as not configured' });
  let manager: DeviceManager | null = null;
  let demo: DemoDevices | null = null;
  let startError: string | null = null;
  let closed = false;
  let readyResolve: () => void = () => undefined;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));
  const unsubscribers: (() => void)[] = [];
  let announcer: Announcer | null = null;
  let speechResolve: (a: Announcer) => void = () => undefined;
  const speechPromise = new Promise<Announcer>((r) => (speechResolve = r));
  const history = createStatusHistory(ctx.dataDir, log);
  const historyLoaded = history.load().catch(() => undefined);
  const emitStatus = (s: DeviceStatus) => {
    history.record(s);
    events.emit('devices.status', s);
  };
  const speechStarting = (): DeviceStatus => ({ role: 'speech', state: 'disconnected', say: 'SPEECH_DETECTING', since: new Date().toISOString() });

  async function bootSpeech(): Promise<void> {
    const found = options.speech ?? (await detectSpeechEngine().catch((e: unknown) => ({ engine: null, reason: String(e) })));
    if (!found.engine) log.warn('devices.speech-unavailable', { reason: found.reason ?? 'none' });
    else log.info('devices.speech-engine', { engine: found.engine.name });
    announcer = createAnnouncer({
      engine: found.engine,
      ...(found.reason ? { reason: found.reason } : {}),
      log: { info: (message) => log.info('devices.speech', { message }), warn: (message) => log.warn('devices.speech', { message }) },
      onStatus: (s) => emitStatus(s),
    });
    if (closed) announcer.close();
    emitStatus(announcer.status());
    speechResolve(announcer);
  }

  const starting = (): DeviceStatus[] =>
    ROLES.map((role) => ({
      role,
      state: startError ? 'error' : 'disconnected',
      say: startError ? 'START_FAILED' : 'STARTING',
      ...(startError ? { code: 'DEVICES_UNAVAILABLE', detail: startError } : {}),
      since: new Date().toISOString(),
    }));

  const need = (): DeviceManager => {
    if (!manager) throw new HandlerError(startError ? 'DEVICES_UNAVAILABLE' : 'DEVICES_STARTING', startError ? 'device service failed to start' : 'devices are starting', undefined, DEVICE_WORDS);
    return manager;
  };
  const needDemo = (): DemoDevices => {
    if (!demo) throw new HandlerError('NOT_DEMO', 'only available with emulated demo devices', undefined, DEVICE_WORDS);
    return demo;
  };
  /** Device errors become typed bridge errors with the params of their words (renderer/i18n/errors.ts). */
  const guard = async <T>(fn: () => Promise<T> | T): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof DeviceError) throw new HandlerError(error.code, error.message, undefined, error.params);
      throw error;
    }
  };

  async function boot(): Promise<void> {
    try {
      let config: unknown = ctx.config.devices ?? {};
      const wantDemo = options.demoDevices ?? (isDemo(ctx.config) && !ctx.config.devices);
      if (wantDemo) {
        if (hasSocat()) {
          demo = await startDemoDevices(join(ctx.dataDir, 'demo-devices'));
          config = demo.config;
          log.info('devices.demo-started', {});
        } else {
          log.warn('devices.demo-unavailable', { reason: 'socat not installed' });
        }
      }
      if (closed) return;
      const m = createDeviceManager(config, {
        logger: { info: (message) => log.info('devices.manager', { message }), warn: (message) => log.warn('devices.manager', { message }) },
        timeZone: () => ctx.stationZone?.get() ?? DEFAULT_STATION_TIME_ZONE,
        // The shipped fonts (resources/fonts when packaged): the npm package's font is development only.
        ...glyphFonts(),
      });
      unsubscribers.push(
        m.onStatus((s) => emitStatus(s)),
        m.onIdCard((e) => events.emit('devices.idcard', e)),
        m.onEvaluation((e) => events.emit('devices.evaluation', e)),
        m.onQrScan((e) => events.emit('devices.qrScan', e)),
      );
      await m.start();
      manager = m;
      for (const s of m.getStatuses()) history.record(s);
      if (closed) await m.stop();
    } catch (error) {
      startError = error instanceof Error ? error.message.slice(0, 300) : 'unknown';
      log.error('devices.start-failed', { error: startError });
      for (const s of starting()) emitStatus(s);
    } finally {
      readyResolve();
    }
  }

  return {
    ready: () => readyPromise,
    demo: () => demo,
    speechReady: () => speechPromise,
    async showCalled(window, number) {
      const call = calledCallSchema.safeParse({ window, number });
      if (!call.success) throw new HandlerError('INVALID_INPUT', `invalid call for the window display: ${call.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, undefined, { variant: 'call' });
      await guard(() => need().showOnWindowDisplay({ text: calledDisplayText(call.data.window, call.data.number), effect: 'blink' }));
    },
    async start() {
      void bootSpeech();
      void boot();
    },
    async close() {
      closed = true;
      announcer?.close();
      for (const u of unsubscribers.splice(0)) u();
      await manager?.stop().catch(() => undefined);
      await demo?.stop().catch(() => undefined);
      manager = null;
      await historyLoaded;
      await history.close();
    },
    handlers: {
      'devices.statusHistory': async (input) => {
        await historyLoaded;
        return history.list(Date.parse(input.from), Date.parse(input.to));
      },
      'devices.windowConfig': () => windowConfig,
      'devices.status': () => [...(manager ? manager.getStatuses() : starting()), announcer?.status() ?? speechStarting()],
      'devices.announce': (input) => guard(() => {
        if (!announcer) throw new HandlerError('DEVICES_STARTING', 'the speech engine is still being looked for', undefined, { variant: 'speech' });
        return announcer.announce(input);
      }),
      'devices.printTicket': (data) => guard(() => need().printTicket(data)),
      'devices.printReceipt': (data) => guard(() => need().printReceipt(data)),
      'devices.pendingPrints': () => guard(() => need().getPendingPrints()),
      'devices.retryPrints': (input) => guard(() => need().retryPrints(input.jobId)),
      'devices.cancelPrint': (input) => guard(() => need().cancelPrint(input.jobId)),
      'devices.showOnWindowDisplay': (input) => guard(async () => {
        await need().showOnWindowDisplay(input);
        return null;
      }),
      'devices.requestEvaluation': (input) => guard(() => need().requestEvaluation(input ?? {})),
      'devices.submitOnScreenEvaluation': (input) => guard(() => need().submitOnScreenEvaluation(input.level)),
      'devices.demo.presentCard': (input) => {
        const d = needDemo();
        const file = d.cards[input.card];
        if (!file) throw new HandlerError('UNKNOWN_CARD', `no sample card named ${input.card}`, undefined, DEVICE_WORDS);
        d.idcard.presentFile(file);
        return null;
      },
      'devices.demo.removeCard': () => {
        needDemo().idcard.remove();
        return null;
      },
      'devices.demo.setPrinter': (input) => {
        needDemo().printer.setCondition(input);
        return null;
      },
      'devices.demo.printerTranscript': () => {
        const printer = needDemo().printer;
        const jobs: string[][] = [];
        let current: typeof printer.transcript = [];
        for (const item of printer.transcript) {
          current.push(item);
          if (item.type === 'cut') {
            jobs.push(transcriptLines(current));
            current = [];
          }
        }
        if (current.length) jobs.push(transcriptLines(current));
        return { jobs };
      },
    },
  };
}
