// The terminal's calls to the station queue (`POST /api/v1/queue/commands`, `GET /api/v1/queue/state`,
// sync/protocol/queue.ts) over the platform transport's one request helper (transport.ts): same token,
// bounds, error codes. Every answer is validated with the protocol's schemas. A command carries its
// `commandId` (idempotency key) — so does a lease of offline numbers (`POST /api/v1/queue/lease`) — so a transient failure (no answer, 5xx) is retried with the same id
// under backoff + jitter: the platform executes it at most once, whatever the network did.
import { paths } from '../protocol/api';
import {
  formatTicketNumber,
  queueCommand as queueCommandSchema,
  queueCommandResponse,
  queueLeaseRequest,
  queueLeaseResponse,
  queueState as queueStateSchema,
  type QueueCommand,
  type QueueLeaseRequest,
  type QueueLeaseResponse,
  type QueueState,
} from '../protocol/queue';
import type { QueueTicketDoc } from '../protocol/documents';
import { Backoff, type BackoffOptions } from './backoff';
import { SyncTransportError } from './errors';
import type { PlatformClient } from './transport';

/** What the queue calls need of the transport: its request helper. */
export type QueueTransport = Pick<PlatformClient, 'request'>;

export interface QueueRetryOptions {
  /** Attempts in all for a transient failure (default 3). */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn`, again after a backoff delay while it fails with a transient transport error. */
async function withRetry<T>(fn: () => Promise<T>, options: QueueRetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoff = new Backoff({ baseMs: 300, maxMs: 2_000, ...options.backoff });
  const sleep = options.sleep ?? sleeper;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof SyncTransportError) || !error.transient || i >= attempts) throw error;
      await sleep(backoff.next());
    }
  }
}

/**
 * Sends one queue command; resolves with the ticket it produced or changed (`null`: `call_next` with
 * nobody waiting). The command is checked against the protocol before it leaves (a malformed one is
 * a programming error here: `REQUEST_REFUSED` without a request). Queue refusals (`RECALL_LIMIT`,
 * `NOT_YOUR_WINDOW`…) throw `REQUEST_REFUSED` with the code in `platformCode`.
 */
export async function queueCommand(client: QueueTransport, command: QueueCommand, options?: QueueRetryOptions): Promise<QueueTicketDoc | null> {
  const checked = queueCommandSchema.safeParse(command);
  if (!checked.success) throw new SyncTransportError('REQUEST_REFUSED', `queue command ${String((command as { type?: unknown }).type).slice(0, 20)}: invalid before sending (${checked.error.issues.length} issues)`, undefined, 'INVALID_COMMAND');
  const json = await withRetry(() => client.request('POST', paths.queueCommands, checked.data), options);
  const r = queueCommandResponse.safeParse(json);
  if (!r.success) throw new SyncTransportError('BAD_RESPONSE', `queue command ${checked.data.type}: unexpected answer`);
  return r.data.ticket;
}

/** The station's queue as the platform computes it (categories, windows, recent calls, waiting line). */
export async function queueState(client: QueueTransport, options?: QueueRetryOptions): Promise<QueueState> {
  const json = await withRetry(() => client.request('GET', paths.queueState), { attempts: 1, ...options });
  const r = queueStateSchema.safeParse(json);
  if (!r.success) throw new SyncTransportError('BAD_RESPONSE', 'queue state: unexpected answer');
  return r.data;
}

/**
 * Leases `count` numbers of a category for this terminal to issue offline while the hub is down
 * (`POST /api/v1/queue/lease`). The answer must be exactly the block asked for: the category asked,
 * `from` ≤ `to`, no more numbers than asked, numbers that can be written with the prefix. Anything
 * else is `BAD_RESPONSE` and must not be issued from (a hostile or broken platform cannot make the
 * terminal hand out numbers it was not given). Retried like a command (same `commandId`: one lease).
 */
export async function queueLease(client: QueueTransport, request: QueueLeaseRequest, options?: QueueRetryOptions): Promise<QueueLeaseResponse> {
  const checked = queueLeaseRequest.safeParse(request);
  if (!checked.success) throw new SyncTransportError('REQUEST_REFUSED', `queue lease: invalid before sending (${checked.error.issues.length} issues)`, undefined, 'INVALID_COMMAND');
  const req = checked.data;
  const json = await withRetry(() => client.request('POST', paths.queueLease, req), options);
  const r = queueLeaseResponse.safeParse(json);
  if (!r.success) throw new SyncTransportError('BAD_RESPONSE', `queue lease ${req.category}: unexpected answer`);
  const a = r.data;
  if (a.category !== req.category) throw new SyncTransportError('BAD_RESPONSE', `queue lease ${req.category}: the answer is for another category`);
  if (a.to < a.from || a.to - a.from + 1 > req.count) throw new SyncTransportError('BAD_RESPONSE', `queue lease ${req.category}: the block ${a.from}..${a.to} is not the ${req.count} numbers asked for`);
  if (!formatTicketNumber(a.prefix, a.to)) throw new SyncTransportError('BAD_RESPONSE', `queue lease ${req.category}: number ${a.to} cannot be issued`);
  return a;
}
