/**
 * The main-side services of one terminal, independent of Electron: the browser host and the
 * Electron main process both build their bridge from this.
 */
import type { AppInfo, Role } from '../../preload/contract';
import { isDemo, type TerminalConfig } from './config';
import { createEventHub, type EventHub } from './events';
import type { HandlerTable } from './dispatcher';
import type { Logger } from './log';

export interface TerminalCoreOptions {
  config: TerminalConfig;
  log: Logger;
  host: AppInfo['host'];
  version: string;
  productName?: string;
}

export interface TerminalCore {
  readonly config: TerminalConfig;
  readonly events: EventHub;
  readonly handlers: HandlerTable;
  appInfo(role: Role): AppInfo;
  close(): Promise<void>;
}

export function createTerminalCore(options: TerminalCoreOptions): TerminalCore {
  const { config, log } = options;
  const events = createEventHub(log.child('events'));
  const rendererLog = log.child('renderer');

  const appInfo = (role: Role): AppInfo => ({
    productName: options.productName ?? '乡镇便民服务终端',
    version: options.version,
    role,
    host: options.host,
    demo: isDemo(config),
    locale: config.locale,
    stationName: config.stationName,
    kiosk: { ...config.kiosk },
  });

  const handlers: HandlerTable = {
    'app.info': (_input, ctx) => appInfo(ctx.role),
    'app.log': (input, ctx) => {
      rendererLog[input.level](input.event, { ...input.fields, role: ctx.role, sender: ctx.senderId });
      return null;
    },
    'app.ping': (input) => ({ nonce: input.nonce, at: Date.now() }),
  };

  return {
    config,
    events,
    handlers,
    appInfo,
    async close() {
      // Services with resources (devices, sync transport) close here as later issues add them.
    },
  };
}
