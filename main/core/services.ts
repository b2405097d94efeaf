/**
 * The main-side services of one terminal, independent of Electron: the browser host and the
 * Electron main process both build their bridge from this. Each feature area (sync, devices)
 * contributes the handlers of its contract file; the compiler checks that every call has one.
 */
import type { AppInfo, Role, appCalls } from '../../preload/contract';
import { isDemo, type ConfigFailure, type TerminalConfig } from './config';
import { createEventHub, type EventHub } from './events';
import type { HandlerGroup, HandlerTable } from './dispatcher';
import type { Logger } from './log';
import type { Feature, FeatureContext } from './feature';
import { createSyncFeature } from '../sync/feature';
import { createDeviceFeature } from '../devices/feature';
import { createDocumentFeature, type DocumentFeature } from '../documents/feature';
import { createStaffFeature } from '../staff/feature';
import { createStationZone } from './station-zone';
import { createQueueFeature } from '../queue/feature';
import { createLicenceFeature } from '../licences/feature';
import { createIdentityFeature } from '../identity/feature';
import { secretStorageStatus } from '../sync/secrets';
import { PRODUCT_NAME } from './product';

export interface TerminalCoreOptions {
  config: TerminalConfig;
  log: Logger;
  host: AppInfo['host'];
  version: string;
  /** The terminal's data folder; features keep keys and caches there. */
  dataDir: string;
  productName?: string;
  /** The configuration file is broken: app.info reports it and nothing else should start (the host does not call start()). */
  configFailure?: ConfigFailure | null;
}

export interface TerminalCore {
  readonly config: TerminalConfig;
  readonly events: EventHub;
  readonly handlers: HandlerTable;
  appInfo(role: Role): AppInfo;
  /** Starts the features' background work; never throws. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createTerminalCore(options: TerminalCoreOptions): TerminalCore {
  const { config, log } = options;
  const events = createEventHub(log.child('events'));
  const rendererLog = log.child('renderer');
  const stationZone = createStationZone({ override: config.timeZone, dataDir: options.dataDir, log: log.child('station-zone') });
  const ctx: FeatureContext = { config, log, events, dataDir: options.dataDir, host: options.host, stationZone };

  const progressUrl = config.progressUrl ?? (config.platform ? `${config.platform.url.replace(/\/+$/, '')}/progress?id={id}` : undefined);
  const appInfo = (role: Role): AppInfo => {
    const secrets = secretStorageStatus(options.dataDir);
    return {
    productName: options.productName ?? PRODUCT_NAME,
    version: options.version,
    role,
    host: options.host,
    demo: isDemo(config),
    locale: config.locale,
    stationName: config.stationName,
    kiosk: { ...config.kiosk },
    ...(config.timeZone ? { timeZone: config.timeZone } : {}),
    ...(progressUrl ? { progressUrl } : {}),
    ...(options.configFailure ? { configError: { file: options.configFailure.file.slice(0, 1000), issues: options.configFailure.issues.slice(0, 20).map((i) => ({ field: i.field.slice(0, 200), message: i.message.slice(0, 300) })) } } : {}),
    ...(secrets ? { secretStorage: { ...secrets, ...(secrets.warning ? { warning: secrets.warning.slice(0, 600) } : {}) } } : {}),
    };
  };

  const appHandlers: HandlerGroup<typeof appCalls> = {
    'app.info': (_input, caller) => appInfo(caller.role),
    'app.log': (input, caller) => {
      rendererLog[input.level](input.event, { ...input.fields, role: caller.role, sender: caller.senderId });
      return null;
    },
    'app.ping': (input) => ({ nonce: input.nonce, at: Date.now() }),
  };

  // Documents are created after sync (they need its master key); sync reads them lazily for attachments.
  let documents: DocumentFeature | null = null;
  const sync = createSyncFeature({ ...ctx, log: log.child('sync') }, { readDocument: (id) => documents?.readDocument(id) ?? Promise.resolve(null) });
  const devices = createDeviceFeature({ ...ctx, log: log.child('devices') });
  const staff = createStaffFeature({ ...ctx, log: log.child('staff') }, { platform: () => sync.platform(), ready: () => sync.ready(), stationId: () => sync.state().stationId });
  documents = createDocumentFeature(
    { ...ctx, log: log.child('documents') },
    {
      masterKey: () => sync.masterKey(),
      agentContact: (id) => staff.agentContact(id),
      seal: { signer: () => sync.seals.signer(), rootPublicKey: () => sync.seals.rootPublicKey(), stationId: () => sync.state().stationId },
    },
  );
  const queue = createQueueFeature(
    { ...ctx, log: log.child('queue') },
    {
      platform: () => sync.platform(),
      ready: () => sync.ready(),
      // The window's LED strip shows the number called to it (window ids are the strip's numbers).
      onCalled: async (window, number) => {
        if (/^\d{1,3}$/.test(window)) await devices.showCalled(Number(window), number);
      },
    },
  );
  // 电子证照: lookups and files over the sync transport, kept as encrypted attachments.
  const licences = createLicenceFeature(
    { ...ctx, log: log.child('licences') },
    { platform: () => sync.platform(), ready: () => sync.ready(), holderIdHash: (id) => sync.holderIdHash(id), storeAttachment: (b, m, n) => sync.storeAttachment(b, m, n) },
  );
  const identity = createIdentityFeature({ ...ctx, log: log.child('identity') }, { platform: () => sync.platform(), ready: () => sync.ready() });
  const features: Feature<unknown>[] = [sync, devices, staff, documents, queue, licences, identity];

  const handlers: HandlerTable = { ...appHandlers, ...sync.handlers, ...devices.handlers, ...staff.handlers, ...documents.handlers, ...queue.handlers, ...licences.handlers, ...identity.handlers };

  return {
    config,
    events,
    handlers,
    appInfo,
    async start() {
      for (const f of features) {
        try {
          await f.start();
        } catch (error) {
          log.error('feature.start-failed', { error: error instanceof Error ? error.name : 'unknown' });
        }
      }
    },
    async close() {
      for (const f of [...features].reverse()) await f.close().catch(() => undefined);
    },
  };
}
