/**
 * The station queue behind the bridge (preload/contract/queue-calls.ts): main sends the page's queue
 * calls to the platform the terminal is enrolled with (the station hub, or the province) through the
 * sync transport's client (sync/client/queue.ts), filling in what a page may not choose: the staff
 * member (from main's session, `caller.staff`) and this terminal's window (its setting). Failures
 * come back with a stable code and bounded `params` (the words are the renderer's catalogue,
 * `errors.<code>`) and an English `message` (logs, APIs).
 *
 * A kiosk (config role `kiosk`) keeps leased numbers while the hub answers and issues from them when
 * it does not (./leases.ts): `queue.issue` then answers `{ ticket, offline: true }`. A counter PC
 * (role `clerk`) keeps no lease: without the hub it cannot call anyway, and every counter holding
 * blocks would leave long gaps in the numbers; its 取号 says the hub is unreachable.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { queueCalls, QueueWindowSetting } from '../../preload/contract/queue-calls';
import { QUEUE_ERRORS, type QueueCommand } from '../../sync/protocol/queue';
import type { QueueTicketDoc } from '../../sync/protocol/documents';
import { uuidv7 } from '../../sync/protocol/uuidv7';
import { DEFAULT_STATION_TIME_ZONE, stationDate } from '../../sync/protocol/station-time';
import { queueCommand, queueState, type QueueRetryOptions } from '../../sync/client/queue';
import { createOfflineQueue, LEASE_BLOCK, OfflineQueueError, type OfflineQueue } from './leases';
import { syncErrorDetail, SyncTransportError } from '../../sync/client/errors';
import type { PlatformClient } from '../../sync/client/transport';
import { HandlerError, type CallerContext } from '../core/dispatcher';
import { writeFileAtomic } from '../core/atomic-file';
import type { Feature, FeatureContext } from '../core/feature';

/**
 * The platform's queue refusals (sync/protocol/queue.ts QUEUE_ERRORS) the page gets as they are:
 * the code, whose words are the renderer's catalogue (`errors.<code>`).
 */
export const QUEUE_REFUSAL_CODES: ReadonlySet<string> = new Set(Object.keys(QUEUE_ERRORS));

/** The `detail` of a QUEUE_UNREACHABLE when the kiosk has no leased number left either (the words send people to the window). */
export const QUEUE_OFFLINE_EXHAUSTED = 'QUEUE_OFFLINE_EXHAUSTED';

export interface QueueFeatureDeps {
  /** The sync feature's platform client (one client, one token), once set up. */
  platform(): PlatformClient | null;
  /** Resolves when the sync feature has finished setting up (enrollment, demo platform). */
  ready(): Promise<void>;
  retry?: QueueRetryOptions;
  /** A ticket was called (or recalled) to this PC's window: e.g. show it on the window's LED strip. Never awaited. */
  onCalled?(window: string, number: string): Promise<void>;
  /**
   * Offline 取号 from leased numbers (./leases.ts). Default: from the configuration (`queue.offlineNumbers`,
   * else on for a kiosk, off elsewhere); `false` turns it off, an object tunes it (tests).
   */
  offline?: false | { intervalMs?: number; blockSize?: number; lowWater?: number; now?: () => Date; pushBackoff?: { baseMs?: number; maxMs?: number } };
  /** How long a 取号 waits for the hub before it issues from the lease instead (default 8 s). */
  issueDeadlineMs?: number;
}

export type QueueFeature = Feature<typeof queueCalls>;

const WindowFile = z.object({ window: z.string().trim().min(1).max(20).nullable() });

export function createQueueFeature(ctx: FeatureContext, deps: QueueFeatureDeps): QueueFeature {
  const log = ctx.log;
  /** Tells `deps.onCalled` about a ticket now called to a window; its failure (no LED strip, a cut cable) never fails the call. */
  const called = <T extends { window: string | null; number: string } | null>(ticket: T): T => {
    if (ticket?.window && deps.onCalled) {
      void deps.onCalled(ticket.window, ticket.number).catch((error: unknown) => log.debug('queue.on-called-failed', { code: (error as { code?: string }).code ?? 'UNKNOWN' }));
    }
    return ticket;
  };
  const windowFile = path.join(ctx.dataDir, 'queue', 'window.json');
  const offlineBlock = ctx.config.queue?.offlineNumbers ?? (ctx.config.role === 'kiosk' ? LEASE_BLOCK : 0);
  const offlineOptions = deps.offline === undefined ? (offlineBlock > 0 ? { blockSize: offlineBlock } : false) : deps.offline;
  const offline: OfflineQueue | null =
    offlineOptions === false
      ? null
      : createOfflineQueue({
          dir: path.join(ctx.dataDir, 'queue'),
          log,
          platform: () => {
            const c = deps.platform();
            return c?.token ? c : null;
          },
          ...(deps.retry ? { retry: deps.retry } : {}),
          ...offlineOptions,
        });
  const keepLeases = (state?: Awaited<ReturnType<typeof queueState>>) => {
    if (offline) void offline.maintain(state).catch((e: unknown) => log.debug('queue.lease-maintain-failed', { code: e instanceof SyncTransportError ? e.code : e instanceof Error ? e.name : 'UNKNOWN' }));
  };
  const configured = ctx.config.queue?.window ?? null;
  let chosen: string | null = null;
  let loaded: Promise<void> | null = null;

  const load = () =>
    (loaded ??= readFile(windowFile, 'utf8')
      .then((text) => {
        const r = WindowFile.safeParse(JSON.parse(text));
        if (r.success) chosen = r.data.window;
        else log.warn('queue.window-file-invalid');
      })
      .catch((e: unknown) => {
        if ((e as { code?: string }).code !== 'ENOENT') log.warn('queue.window-file-unreadable', { error: e instanceof Error ? e.name : 'unknown' });
      }));

  const setting = async (): Promise<QueueWindowSetting> => {
    await load();
    if (chosen) return { window: chosen, source: 'setting' };
    if (configured) return { window: configured, source: 'config' };
    return { window: null, source: null };
  };

  async function client(): Promise<PlatformClient> {
    await Promise.race([deps.ready().catch(() => undefined), new Promise((r) => setTimeout(r, 20_000))]);
    const c = deps.platform();
    if (!c || !c.token) throw new HandlerError('NOT_ENROLLED', 'the terminal is not enrolled with a platform', undefined, syncErrorDetail('NOT_ENROLLED'));
    return c;
  }

  async function myWindow(): Promise<string> {
    const w = (await setting()).window;
    if (!w) throw new HandlerError('QUEUE_NO_WINDOW', 'this terminal has no queue window set');
    return w;
  }

  /** A transport failure as the page gets it: stable code (words in the catalogue), English message. */
  function asHandlerError(e: unknown, what: string): never {
    if (e instanceof HandlerError) throw e;
    if (e instanceof SyncTransportError) {
      if (e.code === 'OFFLINE' || e.code === 'TIMEOUT' || e.code === 'SERVER_ERROR') {
        log.warn('queue.unreachable', { what, code: e.code, status: e.status ?? null });
        throw new HandlerError('QUEUE_UNREACHABLE', `hub unreachable: ${e.message.slice(0, 300)}`);
      }
      if (e.code === 'REQUEST_REFUSED' && e.platformCode && QUEUE_REFUSAL_CODES.has(e.platformCode)) {
        log.info('queue.refused', { what, code: e.platformCode });
        throw new HandlerError(e.platformCode, e.message.slice(0, 500));
      }
      if (e.code === 'REQUEST_REFUSED' && (e.status === 404 || e.status === 405)) {
        // a platform without the queue service (an older province): say so, not "sync refused"
        log.warn('queue.unavailable', { what, status: e.status, platformCode: e.platformCode ?? null });
        throw new HandlerError('QUEUE_UNAVAILABLE', `the platform has no queue service: ${e.message.slice(0, 300)}`);
      }
      log.warn('queue.failed', { what, code: e.code, platformCode: e.platformCode ?? null });
      throw new HandlerError(e.code, e.message.slice(0, 500), undefined, syncErrorDetail(e.code));
    }
    throw e;
  }

  async function send(command: QueueCommand, caller: CallerContext): Promise<QueueTicketDoc | null> {
    const c = await client();
    try {
      const ticket = await queueCommand(c, command, deps.retry);
      // Ticket numbers and windows are not personal data; staff ids attribute the work.
      log.info('queue.command', { type: command.type, window: 'window' in command ? command.window : null, ticket: ticket?.number ?? null, staffId: caller.staff?.id ?? null, role: caller.role });
      return ticket;
    } catch (e) {
      return asHandlerError(e, command.type);
    }
  }

  /** Rejects with TIMEOUT after `ms` (the request itself goes on; its late answer is dropped). */
  const timeout = (ms: number, pending: Promise<unknown>) =>
    new Promise<never>((_, reject) => {
      const t = setTimeout(() => reject(new SyncTransportError('TIMEOUT', `queue issue: no answer within ${ms} ms`)), ms);
      void pending.finally(() => clearTimeout(t)).catch(() => undefined);
    });

  const must = (t: QueueTicketDoc | null, type: string): QueueTicketDoc => {
    if (!t) throw new HandlerError('BAD_RESPONSE', `queue ${type}: the platform answered without a ticket`, undefined, syncErrorDetail('BAD_RESPONSE'));
    return t;
  };
  const id = (given: string | undefined) => given ?? uuidv7();

  return {
    handlers: {
      'queue.state': async () => {
        const c = await client();
        try {
          const state = await queueState(c, deps.retry);
          keepLeases(state);
          return state;
        } catch (e) {
          return asHandlerError(e, 'state');
        }
      },
      'queue.issue': async (input, caller) => {
        const cmd = { type: 'issue', commandId: id(input.commandId), category: input.category, priority: input.priority, serviceItemCode: input.serviceItemCode ?? null, applicationId: input.applicationId ?? null } satisfies QueueCommand;
        if (!offline) return { ticket: must(await send(cmd, caller), 'issue'), offline: false };
        const c = await client();
        let ticket: QueueTicketDoc | null;
        try {
          // With leased numbers in hand, a hub that does not answer soon is treated as down.
          const leased = await offline.canIssue(cmd.category);
          const deadline = leased ? (deps.issueDeadlineMs ?? 8_000) : null;
          const sent = queueCommand(c, cmd, leased ? { ...deps.retry, attempts: 1 } : deps.retry);
          ticket = deadline === null ? await sent : await Promise.race([sent, timeout(deadline, sent)]);
        } catch (e) {
          if (!(e instanceof SyncTransportError) || !['OFFLINE', 'TIMEOUT', 'SERVER_ERROR'].includes(e.code)) return asHandlerError(e, 'issue');
          log.warn('queue.unreachable', { what: 'issue', code: e.code, status: e.status ?? null, fallback: 'lease' });
          try {
            const doc = await offline.issue(cmd);
            return { ticket: doc, offline: true };
          } catch (x) {
            if (!(x instanceof OfflineQueueError)) throw x;
            log.warn('queue.offline-issue-impossible', { category: cmd.category, code: x.code, reason: x.message });
            throw new HandlerError('QUEUE_UNREACHABLE', `hub unreachable (${e.code}) and no offline ticket: ${x.message}`, undefined, { detail: QUEUE_OFFLINE_EXHAUSTED });
          }
        }
        log.info('queue.command', { type: 'issue', window: null, ticket: ticket?.number ?? null, staffId: caller.staff?.id ?? null, role: caller.role });
        keepLeases();
        void offline.flush();
        return { ticket: must(ticket, 'issue'), offline: false };
      },
      'queue.offline': async () => {
        if (!offline) {
          const tz = ctx.stationZone?.get() ?? DEFAULT_STATION_TIME_ZONE;
          return { timeZone: tz, stationDay: stationDate(new Date(), tz), categories: [], pending: 0, refused: [], lastContactAt: null, enabled: false };
        }
        return { ...(await offline.status()), enabled: true };
      },
      'queue.callNext': async (input, caller) => {
        const staffId = caller.staff?.id;
        if (!staffId) throw new HandlerError('NOT_SIGNED_IN', 'a staff member must be signed in to call tickets');
        const given = input && 'commandId' in input ? input.commandId : undefined;
        return { ticket: called(await send({ type: 'call_next', commandId: id(given), window: await myWindow(), staffId }, caller)) };
      },
      'queue.recall': async (input, caller) => ({ ticket: called(must(await send({ type: 'recall', commandId: id(input.commandId), ticketId: input.ticketId, window: await myWindow() }, caller), 'recall')) }),
      'queue.skip': async (input, caller) => ({ ticket: must(await send({ type: 'skip', commandId: id(input.commandId), ticketId: input.ticketId, window: await myWindow() }, caller), 'skip') }),
      'queue.start': async (input, caller) => ({ ticket: must(await send({ type: 'start', commandId: id(input.commandId), ticketId: input.ticketId, window: await myWindow() }, caller), 'start') }),
      'queue.finish': async (input, caller) => ({
        ticket: must(await send({ type: 'finish', commandId: id(input.commandId), ticketId: input.ticketId, window: await myWindow(), applicationId: input.applicationId ?? null }, caller), 'finish'),
      }),
      'queue.transfer': async (input, caller) => {
        const cmd: QueueCommand = {
          type: 'transfer',
          commandId: id(input.commandId),
          ticketId: input.ticketId,
          window: await myWindow(),
          ...(input.toCategory !== undefined ? { toCategory: input.toCategory } : {}),
          ...(input.toWindow !== undefined ? { toWindow: input.toWindow } : {}),
        };
        return { ticket: must(await send(cmd, caller), 'transfer') };
      },
      'queue.window': () => setting(),
      'queue.setWindow': async (input, caller) => {
        await load();
        await writeFileAtomic(windowFile, JSON.stringify({ window: input.window }));
        chosen = input.window;
        log.info('queue.window-set', { window: input.window, staffId: caller.staff?.id ?? null });
        return setting();
      },
    },
    async start() {
      await load();
      if (offline) {
        await offline.start();
        keepLeases();
      }
    },
    async close() {
      await offline?.close();
    },
  };
}
