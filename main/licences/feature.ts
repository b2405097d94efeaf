/**
 * 电子证照 at the terminal (preload/contract/licence-calls.ts): looks a resident's licences up on the
 * platform, fetches the files and keeps them as encrypted attachments for the application.
 *
 * - The holder: main hashes the ID number with the province key (the same `applicantIdHash` every
 *   terminal and the platform compute; sync feature `holderIdHash`) and keeps only the hash.
 * - Consent: the page sends when the resident consented (kiosk: tapped 同意; counter: the assistant
 *   confirmed it); main sends it with the channel and the signed-in staff id, and the platform records
 *   it before it asks its licence service (sync/server/e-licences/routes.ts).
 * - Files: each licence's file is fetched (GET /api/v1/e-licences/:id/file), its size and SHA-256
 *   checked against the lookup's answer, and stored with the attachment store (AES-GCM at rest).
 * - Offline, not enrolled yet, no province key yet, or the platform failing (5xx, timeout): the
 *   lookup is queued in memory and retried every few seconds while the platform answers; when it is
 *   done (or refused) main pushes `licences.ready`. A queued lookup holds the hash, the types and the
 *   consent, never the ID number; lookups are forgotten after `KEEP_MS` or on `licences.cancel`.
 */
import { createHash } from 'node:crypto';
import type { licenceCalls, LicenceLookupResult, FoundLicence } from '../../preload/contract/licence-calls';
import { hasMagic, type AttachmentMimeType, type AttachmentRefOut } from '../../preload/contract/attachment-calls';
import { licenceLookupResponse, MAX_LICENCE_FILE_BYTES, type LicenceConsent, type LicenceSummary, type LicenceTypeCode } from '../../sync/protocol/e-licences';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../sync/protocol';
import type { PlatformClient } from '../../sync/client/transport';
import { SyncTransportError } from '../../sync/client/errors';
import type { Feature, FeatureContext } from '../core/feature';
import { HandlerError } from '../core/dispatcher';
import { licenceFileName } from '../documents/templates';

/** How long a lookup (queued or done) is kept. */
export const KEEP_MS = 12 * 3_600_000;

export interface LicenceFeatureOptions {
  platform(): PlatformClient | null;
  ready(): Promise<void>;
  holderIdHash(idNumber: string): Promise<string | null>;
  storeAttachment(bytes: Uint8Array, mimeType: AttachmentMimeType, fileName?: string): Promise<AttachmentRefOut>;
  /** Retry interval of queued lookups, ms (default 5 s). */
  retryMs?: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface Lookup {
  requestId: string;
  createdAt: number;
  holderIdHash: string | null;
  /** Only while the province key is not known yet (hashing needs it); dropped once hashed. */
  pendingIdNumber: string | null;
  types: LicenceTypeCode[];
  consent: LicenceConsent;
  result: LicenceLookupResult;
  running: Promise<void> | null;
}

/** Retry later: the platform is unreachable or failing. */
class Wait extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** English for logs and APIs; the pages say a result by its state and `error.code` (catalogue `licence.*`). */
const WAIT_MESSAGE = 'no network: the licence lookup is queued and runs once the terminal is online';
const FAILED_MESSAGE: Record<string, string> = {
  REFUSED: 'the platform refused the licence lookup',
  BAD_FILE: 'a licence file failed its check',
  STORE_FAILED: 'a licence file could not be stored',
};

export function createLicenceFeature(ctx: FeatureContext, o: LicenceFeatureOptions): Feature<typeof licenceCalls> {
  const log = ctx.log;
  const lookups = new Map<string, Lookup>();
  let timer: ReturnType<typeof setInterval> | null = null;
  const doFetch = o.fetch ?? fetch;

  const forget = () => {
    const now = Date.now();
    for (const [id, l] of lookups) if (now - l.createdAt > KEEP_MS) lookups.delete(id);
  };

  async function getFile(c: PlatformClient, l: LicenceSummary): Promise<Uint8Array> {
    const controller = new AbortController();
    const t = setTimeout(() => controller.abort(), o.timeoutMs ?? 30_000);
    let res: Response;
    try {
      res = await doFetch(`${c.baseUrl}/api/v1/e-licences/${encodeURIComponent(l.id)}/file`, {
        headers: { authorization: `Bearer ${c.token ?? ''}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
        signal: controller.signal,
        redirect: 'error',
      });
      if (res.status >= 500 || res.status === 429) throw new Wait('SERVER_ERROR');
      if (res.status !== 200) throw new HandlerError('REFUSED', `licence file ${l.id}: HTTP ${res.status}`);
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > MAX_LICENCE_FILE_BYTES) throw new HandlerError('BAD_FILE', `licence file ${l.id} is larger than ${MAX_LICENCE_FILE_BYTES} bytes`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length !== l.file.size || bytes.length > MAX_LICENCE_FILE_BYTES) throw new HandlerError('BAD_FILE', `licence file ${l.id}: ${bytes.length} bytes, expected ${l.file.size}`);
      if (createHash('sha256').update(bytes).digest('hex') !== l.file.sha256) throw new HandlerError('BAD_FILE', `licence file ${l.id} does not hash to its SHA-256`);
      if (!hasMagic(bytes, l.file.mimeType)) throw new HandlerError('BAD_FILE', `licence file ${l.id} is not a ${l.file.mimeType} file`);
      return bytes;
    } catch (e) {
      if (e instanceof HandlerError || e instanceof Wait) throw e;
      throw new Wait(controller.signal.aborted ? 'TIMEOUT' : 'OFFLINE');
    } finally {
      clearTimeout(t);
    }
  }

  async function run(l: Lookup): Promise<void> {
    const c = o.platform();
    if (!c || !c.token) throw new Wait('NOT_ENROLLED');
    if (!l.holderIdHash && l.pendingIdNumber) {
      l.holderIdHash = await o.holderIdHash(l.pendingIdNumber);
      if (!l.holderIdHash) throw new Wait('NO_PROVINCE_KEY');
      l.pendingIdNumber = null;
    }
    let answer;
    try {
      answer = licenceLookupResponse.safeParse(await c.request('POST', '/api/v1/e-licences/lookup', { holderIdHash: l.holderIdHash, types: l.types, consent: l.consent }));
    } catch (e) {
      if (e instanceof SyncTransportError && (e.code === 'OFFLINE' || e.code === 'TIMEOUT' || e.code === 'SERVER_ERROR' || e.code === 'NOT_ENROLLED')) throw new Wait(e.code);
      throw new HandlerError('REFUSED', e instanceof Error ? e.message.slice(0, 300) : 'refused');
    }
    if (!answer.success) throw new HandlerError('REFUSED', 'the platform answered a malformed licence lookup');
    const found: FoundLicence[] = [];
    for (const s of answer.data.licences) {
      const bytes = await getFile(c, s);
      let attachment: AttachmentRefOut;
      try {
        attachment = await o.storeAttachment(bytes, s.file.mimeType, licenceFileName(s.typeName, s.file.mimeType));
      } catch {
        throw new HandlerError('STORE_FAILED', 'the licence file could not be stored');
      }
      const { file: _file, ...rest } = s;
      found.push({ ...rest, attachment });
    }
    l.result = { requestId: l.requestId, state: 'done', licences: found, missing: answer.data.missing, error: null };
    log.info('licences.found', { count: found.length, missing: answer.data.missing.length, channel: l.consent.channel });
  }

  /** Runs a lookup once (or joins the running attempt); a Wait leaves it queued. */
  function attempt(l: Lookup): Promise<void> {
    if (l.running) return l.running;
    if (l.result.state === 'done' || l.result.state === 'failed') return Promise.resolve();
    l.running = (async () => {
      l.result = { ...l.result, state: 'running' };
      try {
        await run(l);
      } catch (e) {
        if (e instanceof Wait) {
          l.result = { ...l.result, state: 'queued', error: { code: e.code, message: WAIT_MESSAGE } };
          return;
        }
        const code = e instanceof HandlerError ? e.code : 'REFUSED';
        log.warn('licences.failed', { code, reason: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
        l.result = { requestId: l.requestId, state: 'failed', licences: [], missing: [], error: { code, message: FAILED_MESSAGE[code] ?? FAILED_MESSAGE.REFUSED! } };
      } finally {
        l.running = null;
      }
      const final = l.result.state;
      if (final === 'done' || final === 'failed') ctx.events.emit('licences.ready', { requestId: l.requestId, state: final });
    })();
    return l.running;
  }

  function result(requestId: string): LicenceLookupResult {
    const l = lookups.get(requestId);
    if (!l) throw new HandlerError('NOT_FOUND', 'no such licence lookup', undefined, { detail: 'LICENCE_LOOKUP_NOT_FOUND' });
    return l.result;
  }

  return {
    handlers: {
      'licences.lookup': async (input, caller) => {
        forget();
        let l = lookups.get(input.requestId);
        if (!l) {
          const hash = await o.holderIdHash(input.idNumber);
          l = {
            requestId: input.requestId,
            createdAt: Date.now(),
            holderIdHash: hash,
            pendingIdNumber: hash ? null : input.idNumber,
            types: [...new Set(input.types)],
            consent: {
              given: true,
              at: input.consent.at,
              channel: caller.role === 'kiosk' ? 'kiosk' : 'counter',
              ...(caller.staff?.id ? { staffId: caller.staff.id } : {}),
              ...(input.consent.applicationId ? { applicationId: input.consent.applicationId } : {}),
            },
            result: { requestId: input.requestId, state: 'queued', licences: [], missing: [], error: null },
            running: null,
          };
          lookups.set(input.requestId, l);
          log.info('licences.consent', { channel: l.consent.channel, types: l.types.join(','), staffId: caller.staff?.id ?? null });
          // Before the platform is known to answer: wait for the transport to be set up (bounded).
          await Promise.race([o.ready(), new Promise((r) => setTimeout(r, 5_000))]);
        }
        await attempt(l);
        return l.result;
      },
      'licences.result': ({ requestId }) => result(requestId),
      'licences.cancel': ({ requestId }) => {
        lookups.delete(requestId);
        return null;
      },
    },
    async start() {
      timer = setInterval(() => {
        forget();
        for (const l of lookups.values()) if (l.result.state === 'queued' && !l.running) void attempt(l);
      }, o.retryMs ?? 5_000);
      timer.unref?.();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([...lookups.values()].map((l) => l.running).filter(Boolean));
    },
  };
}
