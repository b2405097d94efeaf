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
import { transcriptLines } from '../../devices/escpos/transcript';
import { isDemo } from '../core/config';
import { findFallbackFontPaths, findFontPath } from '../documents/fonts';
import { DEFAULT_STATION_TIME_ZONE } from '../../sync/protocol/station-time';

const ROLES = ['idcard', 'receipt-printer', 'window-display', 'evaluator'] as const;

export interface DeviceFeatureOptions {
  /** Use emulated devices even outside demo mode (tests). */
  demoDevices?: boolean;
}

export interface DeviceFeature extends Feature<typeof deviceCalls> {
  /** Resolves when the manager is running (or failed to start); for tests. */
  ready(): Promise<void>;
  /** The emulated devices, in demo mode. */
  demo(): DemoDevices | null;
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
  let manager: DeviceManager | null = null;
  let demo: DemoDevices | null = null;
  let startError: string | null = null;
  let closed = false;
  let readyResolve: () => void = () => undefined;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));
  const unsubscribers: (() => void)[] = [];

  const starting = (): DeviceStatus[] =>
    ROLES.map((role) => ({
      role,
      state: startError ? 'error' : 'disconnected',
      message: startError ? '设备服务未能启动，请联系管理员' : '设备正在启动，请稍候',
      ...(startError ? { code: 'DEVICES_UNAVAILABLE', detail: startError } : {}),
      since: new Date().toISOString(),
    }));

  const need = (): DeviceManager => {
    if (!manager) throw new HandlerError(startError ? 'DEVICES_UNAVAILABLE' : 'DEVICES_STARTING', startError ? 'device service failed to start' : 'devices are starting', startError ? '设备服务未能启动，请联系管理员' : '设备正在启动，请稍候再试');
    return manager;
  };
  const needDemo = (): DemoDevices => {
    if (!demo) throw new HandlerError('NOT_DEMO', 'only available with emulated demo devices', '仅演示模式可用');
    return demo;
  };
  /** Device errors become typed bridge errors with their Chinese text. */
  const guard = async <T>(fn: () => Promise<T> | T): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof DeviceError) throw new HandlerError(error.code, error.message, error.userMessage);
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
        m.onStatus((s) => events.emit('devices.status', s)),
        m.onIdCard((e) => events.emit('devices.idcard', e)),
        m.onEvaluation((e) => events.emit('devices.evaluation', e)),
      );
      await m.start();
      manager = m;
      if (closed) await m.stop();
    } catch (error) {
      startError = error instanceof Error ? error.message.slice(0, 300) : 'unknown';
      log.error('devices.start-failed', { error: startError });
      for (const s of starting()) events.emit('devices.status', s);
    } finally {
      readyResolve();
    }
  }

  return {
    ready: () => readyPromise,
    demo: () => demo,
    async start() {
      void boot();
    },
    async close() {
      closed = true;
      for (const u of unsubscribers.splice(0)) u();
      await manager?.stop().catch(() => undefined);
      await demo?.stop().catch(() => undefined);
      manager = null;
    },
    handlers: {
      'devices.status': () => (manager ? manager.getStatuses() : starting()),
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
        if (!file) throw new HandlerError('UNKNOWN_CARD', `no sample card named ${input.card}`, '没有这张示例证件');
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
