/**
 * The terminal's audit log: append-only, hash-chained per terminal, synced up as `audit_events`.
 *
 * hash = SHA-256( (prevHash ?? "") + canonicalJson(event without `hash`) ), lowercase hex.
 *
 * Why SHA-256 (WebCrypto) and not SM3: the protocol fixes SHA-256 for this field (`sha256Hex` in
 * sync/protocol/documents.ts) so the platform can verify the chain with any standard library;
 * WebCrypto's digest is native in the sandboxed renderer (no extra bundle, no eval), and it is
 * what the ID-number hashes already use. SM3 (sm-crypto-v2) is the choice once the platform asks
 * for 国密 chains; the algorithm would then become a versioned member of the event.
 *
 * The chain covers every member a reader relies on: id, station, terminal, actor, action, target,
 * time, details and the previous hash. Changing, removing or re-ordering any stored event breaks
 * `verifyChain` at that event. `details` must stay PII-free (flat scalars, codes and ids only).
 */
import { canonicalJson, uuidv7, type AuditEventDoc } from '../../sync/protocol';

export type AuditActor = AuditEventDoc['actor'];
export type AuditTarget = AuditEventDoc['target'];
export type AuditDetails = AuditEventDoc['details'];

export interface AuditInput {
  actor: AuditActor;
  action: string;
  target?: AuditTarget;
  details?: AuditDetails;
}

/** Where events are kept (RxDB `audit_events` in the app, an array in tests). Append-only. */
export interface AuditStore {
  /** Every event of this terminal's chain, in any order. */
  all(terminalId: string | null): Promise<AuditEventDoc[]>;
  insert(event: AuditEventDoc): Promise<void>;
}

export interface ChainBreak {
  /** Position in the verified order (0-based). */
  index: number;
  id: string;
  reason: 'hash-mismatch' | 'prev-mismatch' | 'fork' | 'missing-link';
}

export interface VerifyResult {
  ok: boolean;
  count: number;
  /** The first break found, in chain order. */
  firstBreak: ChainBreak | null;
  breaks: ChainBreak[];
  headHash: string | null;
}

const ACTION = /^[a-z][a-z0-9_.-]{0,79}$/;
const DETAIL_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
/** Mainland ID numbers and mobile numbers never go into details. */
const PII_VALUE = /(\d{17}[\dXx])|(\d{15})|(1[3-9]\d{9})/;

const hex = (buf: ArrayBuffer): string => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** The members covered by the hash (everything but `hash` and replication bookkeeping). */
export function hashedContent(e: AuditEventDoc): Record<string, unknown> {
  return {
    id: e.id,
    stationId: e.stationId,
    terminalId: e.terminalId,
    actor: e.actor,
    action: e.action,
    target: e.target,
    at: e.at,
    prevHash: e.prevHash,
    details: e.details,
  };
}

export async function hashEvent(e: AuditEventDoc): Promise<string> {
  const data = new TextEncoder().encode((e.prevHash ?? '') + canonicalJson(hashedContent(e)));
  return hex(await globalThis.crypto.subtle.digest('SHA-256', data));
}

/** Refuses details that look personal: the audit log is synced and kept for years. */
export function checkDetails(details: AuditDetails): void {
  for (const [k, v] of Object.entries(details)) {
    if (!DETAIL_KEY.test(k)) throw new Error(`audit detail key not allowed: ${k}`);
    if (typeof v === 'string' && PII_VALUE.test(v)) throw new Error(`audit detail ${k} looks like personal data`);
  }
}

/** Orders events along the chain: by id (UUIDv7, time-ordered), which is also the append order. */
export const chainOrder = (events: AuditEventDoc[]): AuditEventDoc[] => [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Recomputes every hash and link. */
export async function verifyChain(events: AuditEventDoc[]): Promise<VerifyResult> {
  const ordered = chainOrder(events);
  const breaks: ChainBreak[] = [];
  let prev: string | null = null;
  const seenPrev = new Set<string>();
  for (let i = 0; i < ordered.length; i++) {
    const e = ordered[i]!;
    if ((await hashEvent(e)) !== e.hash) breaks.push({ index: i, id: e.id, reason: 'hash-mismatch' });
    if (e.prevHash !== prev) breaks.push({ index: i, id: e.id, reason: i === 0 || e.prevHash === null ? 'missing-link' : 'prev-mismatch' });
    const link = e.prevHash ?? '';
    if (seenPrev.has(link)) breaks.push({ index: i, id: e.id, reason: 'fork' });
    seenPrev.add(link);
    prev = e.hash;
  }
  return { ok: breaks.length === 0, count: ordered.length, firstBreak: breaks[0] ?? null, breaks, headHash: prev };
}

export interface AuditLogOptions {
  stationId: () => string;
  terminalId: () => string | null;
  now?: () => Date;
}

/**
 * Appends events one at a time (a queue: two quick actions never fork the chain). The head is read
 * from the store once, then kept in memory.
 */
export class AuditLog {
  private head: string | null | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private lastMs = 0;

  constructor(
    private readonly store: AuditStore,
    private readonly options: AuditLogOptions,
  ) {}

  append(input: AuditInput): Promise<AuditEventDoc> {
    const run = this.tail.then(() => this.doAppend(input));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async verify(): Promise<VerifyResult> {
    await this.tail;
    return verifyChain(await this.store.all(this.options.terminalId()));
  }

  private async doAppend(input: AuditInput): Promise<AuditEventDoc> {
    if (!ACTION.test(input.action)) throw new Error(`audit action must be a lowercase dotted name: ${input.action}`);
    const details = input.details ?? {};
    checkDetails(details);
    if (this.head === undefined) {
      const all = chainOrder(await this.store.all(this.options.terminalId()));
      this.head = all.length ? all[all.length - 1]!.hash : null;
      if (all.length) this.lastMs = Date.parse(all[all.length - 1]!.at);
    }
    const now = this.options.now?.() ?? new Date();
    // ids must sort in append order even when the clock stands still or steps back
    const ms = Math.max(now.getTime(), this.lastMs + 1);
    this.lastMs = ms;
    const at = new Date(ms).toISOString();
    const event: AuditEventDoc = {
      id: uuidv7(ms),
      _deleted: false,
      updatedAt: at,
      stationId: this.options.stationId(),
      terminalId: this.options.terminalId(),
      actor: input.actor,
      action: input.action,
      target: input.target ?? null,
      at,
      prevHash: this.head,
      hash: '',
      details,
    };
    event.hash = await hashEvent(event);
    await this.store.insert(event);
    this.head = event.hash;
    return event;
  }
}

/** An in-memory store (tests, and a fallback before the database is open). */
export function memoryAuditStore(initial: AuditEventDoc[] = []): AuditStore & { events: AuditEventDoc[] } {
  const events = [...initial];
  return {
    events,
    all: async (terminalId) => events.filter((e) => e.terminalId === terminalId),
    insert: async (e) => {
      if (events.some((x) => x.id === e.id)) throw new Error('append-only: id exists');
      events.push(structuredClone(e));
    },
  };
}
