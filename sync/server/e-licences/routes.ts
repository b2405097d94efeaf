// Terminal routes of 电子证照 (sync/README.md §14):
//   POST /api/v1/e-licences/lookup      terminal token; records the resident's consent, answers the
//                                       holder's valid licences of the asked-for types (number masked)
//   GET  /api/v1/e-licences/:id/file    terminal token; the licence file, only for a holder and type
//                                       this terminal recorded consent for in the last 2 hours. The
//                                       bytes become an attachment of the terminal's station, so an
//                                       application that references them needs no upload.
//   PUT  /api/v1/admin/e-licences       admin token; import licences into the reference library
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CONSENT_VALID_MS,
  isLicenceTypeCode,
  licenceLookupRequest,
  licenceLookupResponse,
  licenceRecord,
  licenceSummary,
  licenceValidOn,
  MAX_LICENCE_FILE_BYTES,
  maskLicenceNumber,
  type LicenceLookupResponse,
  type LicenceRecord,
  type LicenceSummary,
  type LicenceTypeCode,
} from '../../protocol/e-licences';
import { licenceTypeName } from './render';
import { issuesOf } from '../../protocol/index';
import { stationDate } from '../../protocol/station-time';
import { stationTimeZone } from '../backoffice/acceptance-no';
import { uuidv7 } from '../../protocol/uuidv7';
import { fail, PlatformError } from '../errors';
import type { Store } from '../store';
import type { PlatformClient } from '../../client/transport';
import { SyncTransportError } from '../../client/errors';
import { LicenceServiceError, type LicenceService } from './adapter';
import { checkLicenceImport, LicenceImportError, LicenceLibrary, startsLike } from './library';

export const E_LICENCE_PATHS = { lookup: '/api/v1/e-licences/lookup', file: '/api/v1/e-licences/:id/file', import: '/api/v1/admin/e-licences' } as const;

const LICENCE_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** At most this many licences per import request. */
export const MAX_IMPORT_LICENCES = 20;

export interface ELicenceRouteOptions {
  store: Store;
  /** The licence service; default the platform's own library. null: this platform does not answer lookups. */
  service?: LicenceService | null;
  /**
   * A station hub: lookups and files are relayed to the province with the hub's upstream client (the
   * hub is the province's terminal; the consent is recorded at the hub and sent up as the hall's
   * terminal gave it). Wins over `service`.
   */
  relay?: PlatformClient;
  terminal(req: FastifyRequest): Promise<{ terminalId: string; stationId: string }>;
  admin(req: FastifyRequest): Promise<unknown>;
  now?: () => Date;
}

/** Checks what the adapter answered for one licence; throws LicenceServiceError naming the problem. */
export function checkServiceRecord(raw: unknown, expect: { holderIdHash?: string; types?: readonly string[]; id?: string }): LicenceRecord {
  const r = licenceRecord.safeParse(raw);
  if (!r.success) {
    throw new LicenceServiceError(`the licence service returned a malformed licence: ${issuesOf(r.error).map((i) => `${i.path || '(record)'}: ${i.message}`).slice(0, 5).join('; ')}`);
  }
  const rec = r.data;
  if (expect.holderIdHash && rec.holderIdHash !== expect.holderIdHash) throw new LicenceServiceError(`the licence service returned licence ${rec.id} of another holder`);
  if (expect.types && !expect.types.includes(rec.typeCode)) throw new LicenceServiceError(`the licence service returned licence ${rec.id} of type ${rec.typeCode}, which was not asked for`);
  if (expect.id && rec.id !== expect.id) throw new LicenceServiceError(`the licence service answered licence ${rec.id} for ${expect.id}`);
  return rec;
}

export const summaryOf = (r: LicenceRecord): LicenceSummary => ({
  id: r.id,
  typeCode: r.typeCode,
  typeName: licenceTypeName(r.typeCode),
  numberMasked: maskLicenceNumber(r.number),
  issuer: r.issuer,
  validFrom: r.validFrom,
  validUntil: r.validUntil,
  file: r.file,
});

export function registerELicences(app: FastifyInstance, o: ELicenceRouteOptions): void {
  const { store } = o;
  const service = o.service === undefined ? new LicenceLibrary(store.db) : o.service;
  const now = o.now ?? (() => new Date());

  const needService = (): LicenceService => {
    if (!service) throw fail('FORBIDDEN', 'this platform does not answer e-licence lookups (a station hub): the terminal asks the province', 403);
    return service;
  };
  const serviceFailed = (e: unknown): never => {
    if (e instanceof PlatformError) throw e;
    const message = e instanceof LicenceServiceError ? e.message : `the licence service failed: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}`;
    app.log.warn({ event: 'elicence.service-failed', kind: service?.kind, reason: message }, 'licence service failed');
    throw fail('INTERNAL_ERROR', message, 502);
  };

  app.post(E_LICENCE_PATHS.lookup, { bodyLimit: 16 * 1024 }, async (req): Promise<LicenceLookupResponse> => {
    const t = await o.terminal(req);
    const svc = o.relay ? null : needService();
    const parsed = licenceLookupRequest.safeParse(req.body);
    if (!parsed.success) throw fail('VALIDATION_FAILED', 'invalid licence lookup', 400, issuesOf(parsed.error));
    const body = parsed.data;
    const unknown = body.types.map((code, i) => ({ code, i })).filter((x) => !isLicenceTypeCode(x.code));
    if (unknown.length > 0) {
      throw fail('VALIDATION_FAILED', `unknown licence type ${unknown.map((u) => `"${u.code.slice(0, 40)}"`).join(', ')}`, 400, unknown.map((u) => ({ path: `types.${u.i}`, message: 'unknown licence type' })));
    }
    const types = [...new Set(body.types)] as LicenceTypeCode[];
    const consentId = uuidv7();
    // The consent is recorded before the service is asked: a lookup never happens without its record.
    await store.db.query(
      `INSERT INTO e_licence_consents (id, terminal_id, station_id, holder_id_hash, types, channel, staff_id, application_id, given_at)
       VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9::timestamptz)`,
      [consentId, t.terminalId, t.stationId, body.holderIdHash, types, body.consent.channel, body.consent.staffId ?? null, body.consent.applicationId ?? null, body.consent.at],
    );
    if (o.relay) {
      const answer = await relayLookup(o.relay, { ...body, types });
      await store.db.query('UPDATE e_licence_consents SET found = $2, licences = $3::jsonb WHERE id = $1', [consentId, answer.licences.length, JSON.stringify(answer.licences)]);
      return { ...answer, consentId };
    }
    let records: LicenceRecord[];
    try {
      const raw = await svc!.lookup(body.holderIdHash, types);
      if (!Array.isArray(raw)) throw new LicenceServiceError('the licence service did not answer a list of licences');
      records = raw.map((r) => checkServiceRecord(r, { holderIdHash: body.holderIdHash, types }));
    } catch (e) {
      return serviceFailed(e);
    }
    // Valid on the station's day (its configured zone, Asia/Shanghai by default), as its staff reads it.
    const today = stationDate(now(), await stationTimeZone(store.db, t.stationId));
    // The newest valid licence per type.
    const best = new Map<LicenceTypeCode, LicenceRecord>();
    for (const r of records) {
      if (!licenceValidOn(r, today)) continue;
      const cur = best.get(r.typeCode);
      if (!cur || r.validFrom > cur.validFrom) best.set(r.typeCode, r);
    }
    const licences = [...best.values()].map(summaryOf);
    await store.db.query('UPDATE e_licence_consents SET found = $2, licences = $3::jsonb WHERE id = $1', [consentId, best.size, JSON.stringify(licences)]);
    return { consentId, licences, missing: types.filter((c) => !best.has(c)) };
  });

  app.get(E_LICENCE_PATHS.file, async (req, reply) => {
    const t = await o.terminal(req);
    const id = (req.params as { id?: string }).id ?? '';
    if (!LICENCE_ID.test(id)) throw fail('VALIDATION_FAILED', 'a licence id is 1–100 letters, digits or ._:-', 400);
    if (o.relay) {
      // Only a licence this terminal was answered (with consent) in the last 2 hours.
      const since = new Date(now().getTime() - CONSENT_VALID_MS).toISOString();
      const rows = await store.db.query<{ licences: unknown }>(
        `SELECT licences FROM e_licence_consents WHERE terminal_id = $1 AND recorded_at >= $2::timestamptz AND licences @> $3::jsonb ORDER BY recorded_at DESC LIMIT 1`,
        [t.terminalId, since, JSON.stringify([{ id }])],
      );
      const list = rows[0] ? (typeof rows[0].licences === 'string' ? JSON.parse(rows[0].licences) : rows[0].licences) : null;
      const expected = Array.isArray(list) ? list.map((x) => licenceSummary.safeParse(x)).find((x) => x.success && x.data.id === id)?.data : undefined;
      if (!expected) throw fail('FORBIDDEN', 'no consent of the holder for this licence was recorded from this terminal in the last 2 hours: look the licences up first', 403);
      const bytes = await relayFile(o.relay, expected);
      await shareAsAttachment(store, expected.file.sha256, bytes, t.stationId);
      void reply.header('content-type', expected.file.mimeType).header('content-length', String(bytes.length)).header('x-licence-sha256', expected.file.sha256).header('cache-control', 'no-store');
      return reply.send(bytes);
    }
    const svc = needService();
    let found: { record: LicenceRecord; bytes: Buffer } | null;
    try {
      const raw = await svc.file(id);
      if (raw === null) found = null;
      else {
        const record = checkServiceRecord(raw.record, { id });
        const bytes = Buffer.from(raw.bytes);
        if (bytes.length > MAX_LICENCE_FILE_BYTES) throw new LicenceServiceError(`the licence file of ${id} exceeds ${MAX_LICENCE_FILE_BYTES} bytes`);
        if (bytes.length !== record.file.size || createHash('sha256').update(bytes).digest('hex') !== record.file.sha256) {
          throw new LicenceServiceError(`the licence file of ${id} does not match its record (size or SHA-256)`);
        }
        if (!startsLike(bytes, record.file.mimeType)) throw new LicenceServiceError(`the licence file of ${id} is not a ${record.file.mimeType} file`);
        found = { record, bytes };
      }
    } catch (e) {
      return serviceFailed(e);
    }
    if (!found) throw fail('NOT_FOUND', 'no licence with this id', 404);
    const { record, bytes } = found;
    const since = new Date(now().getTime() - CONSENT_VALID_MS).toISOString();
    const consent = await store.db.query<{ id: string }>(
      `SELECT id FROM e_licence_consents WHERE terminal_id = $1 AND holder_id_hash = $2 AND $3 = ANY(types) AND recorded_at >= $4::timestamptz LIMIT 1`,
      [t.terminalId, record.holderIdHash, record.typeCode, since],
    );
    if (!consent[0]) throw fail('FORBIDDEN', 'no consent of the holder for this licence type was recorded from this terminal in the last 2 hours: look the licences up first', 403);
    await shareAsAttachment(store, record.file.sha256, bytes, t.stationId);
    void reply
      .header('content-type', record.file.mimeType)
      .header('content-length', String(bytes.length))
      .header('x-licence-sha256', record.file.sha256)
      .header('cache-control', 'no-store');
    return reply.send(bytes);
  });

  app.put(E_LICENCE_PATHS.import, { bodyLimit: MAX_IMPORT_LICENCES * Math.ceil((MAX_LICENCE_FILE_BYTES * 4) / 3 + 4096) }, async (req) => {
    await o.admin(req);
    if (!(service instanceof LicenceLibrary)) throw fail('FORBIDDEN', 'this platform uses an external licence service: import licences there', 403);
    const body = req.body;
    if (!Array.isArray(body)) throw fail('VALIDATION_FAILED', 'expected an array of licences', 400);
    if (body.length > MAX_IMPORT_LICENCES) throw fail('BATCH_TOO_LARGE', `at most ${MAX_IMPORT_LICENCES} licences per request`, 413);
    const key = await store.idHashKey();
    // Every licence is checked before any is stored: a bad one refuses the request, nothing half-imported.
    const checked = body.map((l, i) => {
      try {
        return checkLicenceImport(l, key);
      } catch (e) {
        if (!(e instanceof LicenceImportError)) throw e;
        const details = e.issues.map((x) => ({ path: `${i}.${x.path}`, message: x.message }));
        if (e.tooLarge) throw fail('PAYLOAD_TOO_LARGE', `licence #${i}: ${e.message}`, 413, details);
        throw fail('VALIDATION_FAILED', `licence #${i}: ${e.message}`, 400, details);
      }
    });
    for (const c of checked) await service.put(c.record, c.bytes);
    return { imported: checked.length, ids: checked.map((c) => c.record.id) };
  });
}

/** A station hub asks the province (its terminal token); unreachable → 503 so the terminal's lookup waits. */
async function relayLookup(client: PlatformClient, body: { holderIdHash: string; types: string[]; consent: unknown }): Promise<LicenceLookupResponse> {
  let raw: unknown;
  try {
    raw = await client.request('POST', E_LICENCE_PATHS.lookup, body);
  } catch (e) {
    throw relayError(e);
  }
  const r = licenceLookupResponse.safeParse(raw);
  if (!r.success) throw fail('INTERNAL_ERROR', `the province answered a malformed licence lookup: ${issuesOf(r.error).slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}`, 502);
  return r.data;
}

function relayError(e: unknown): PlatformError {
  if (e instanceof SyncTransportError && (e.code === 'OFFLINE' || e.code === 'TIMEOUT' || e.code === 'SERVER_ERROR' || e.code === 'NOT_ENROLLED')) {
    return fail('INTERNAL_ERROR', `the province is unreachable from this station hub (${e.code}); the e-licence lookup has to wait`, 503);
  }
  const status = e instanceof SyncTransportError && e.status && e.status >= 400 && e.status < 500 ? e.status : 502;
  return fail(status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 502 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED', `the province refused: ${e instanceof Error ? e.message.slice(0, 300) : 'unknown error'}`, status);
}

async function relayFile(client: PlatformClient, expected: LicenceSummary): Promise<Buffer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  let res: Response;
  try {
    res = await fetch(`${client.baseUrl}/api/v1/e-licences/${encodeURIComponent(expected.id)}/file`, { headers: { authorization: `Bearer ${client.token ?? ''}` }, signal: controller.signal, redirect: 'error' });
    if (res.status !== 200) throw res.status >= 500 || res.status === 429 ? new SyncTransportError('SERVER_ERROR', `HTTP ${res.status}`, res.status) : new SyncTransportError('REQUEST_REFUSED', `licence file: HTTP ${res.status}`, res.status);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length !== expected.file.size || createHash('sha256').update(bytes).digest('hex') !== expected.file.sha256 || !startsLike(bytes, expected.file.mimeType)) {
      throw fail('INTERNAL_ERROR', `the province's licence file of ${expected.id} does not match what the lookup answered (size, SHA-256 or type)`, 502);
    }
    return bytes;
  } catch (e) {
    if (e instanceof PlatformError) throw e;
    throw relayError(e instanceof SyncTransportError ? e : new SyncTransportError(controller.signal.aborted ? 'TIMEOUT' : 'OFFLINE', 'licence file'));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Makes the licence file an attachment the station owns (as if it had uploaded it): the terminal's
 * application references it by SHA-256, its HEAD finds it complete, and the back office reads it.
 */
async function shareAsAttachment(store: Store, sha256: string, bytes: Buffer, stationId: string): Promise<void> {
  await store.db.transaction(async (tx) => {
    const created = await tx.query(
      'INSERT INTO attachments (sha256, size, received, complete, completed_at) VALUES ($1, $2, $2, true, now()) ON CONFLICT (sha256) DO NOTHING RETURNING sha256',
      [sha256, bytes.length],
    );
    if (created.length > 0) await tx.query('INSERT INTO attachment_chunks (sha256, "offset", data) VALUES ($1, 0, $2)', [sha256, bytes]);
    await tx.query('INSERT INTO attachment_owners (sha256, station_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [sha256, stationId]);
  });
}
