// Replication over HTTP (sync/README.md §3):
//   GET  /api/v1/sync/:collection/pull      a page after a checkpoint (terminals: their station's and global documents)
//   POST /api/v1/sync/:collection/push      rows {assumedMasterState, newDocumentState}; terminal rules apply
//   GET  /api/v1/sync/applications/lookup  ?id= | ?applicantIdHash= (repeated): older cases on demand
//   GET  /api/v1/sync/stream                SSE: RESYNC, then CHANGE per committed write the caller may see
//   PUT  /api/v1/admin/documents/:collection admin token; platform documents (validated, no terminal rules)
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { applicationLookupQuery, COLLECTION_POLICY, documentSchemas, MAX_LOOKUP_RESULTS, paths, issuesOf, parseCheckpointParam, pullQuery, pushRequest, type CollectionName, type LIMITS, type StreamEvent } from '../../protocol/index';
import type { Auth } from '../auth/callers';
import type { ChangeHub } from '../changes';
import { isCollection, type Documents } from '../db/documents';
import { fail, parse } from '../errors';
import type { Replication, Writer } from './repository';

export interface ReplicationRouteDeps {
  replication: Replication;
  documents: Pick<Documents, 'upsertAsPlatform'>;
  hub: ChangeHub;
  auth: Pick<Auth, 'caller' | 'admin'>;
  limits: Pick<typeof LIMITS, 'defaultPullLimit' | 'maxPushRows'>;
  /** SSE keep-alive comment interval (ms). */
  heartbeatMs: number;
}

function collectionParam(req: FastifyRequest): CollectionName {
  const name = (req.params as { collection?: string }).collection ?? '';
  if (!isCollection(name)) throw fail('UNKNOWN_COLLECTION', `unknown collection "${name.slice(0, 40)}"`, 404);
  return name;
}

export function registerReplication(app: FastifyInstance, deps: ReplicationRouteDeps): void {
  const { replication, hub, auth, limits, heartbeatMs } = deps;

  app.get('/api/v1/sync/:collection/pull', async (req, reply) => {
    const c = await auth.caller(req);
    const collection = collectionParam(req);
    const q = parse(pullQuery, req.query, 'pull query');
    const since = parseCheckpointParam(q.checkpoint);
    // The page's JSON as the database wrote it out (no parse and serialisation here).
    const body = await replication.pullJson(collection, since, q.limit ?? limits.defaultPullLimit, c.kind === 'terminal' ? c.stationId : null, q.recentDays);
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get(paths.applicationLookup, async (req) => {
    const c = await auth.caller(req);
    const q = parse(applicationLookupQuery, req.query, 'lookup query');
    const hashes = q.applicantIdHash === undefined ? undefined : typeof q.applicantIdHash === 'string' ? [q.applicantIdHash] : q.applicantIdHash;
    const documents = await replication.lookupApplications({ ...(q.id ? { id: q.id } : {}), ...(hashes ? { hashes } : {}) }, MAX_LOOKUP_RESULTS, c.kind === 'terminal' ? c.stationId : null);
    return { documents };
  });

  app.post('/api/v1/sync/:collection/push', async (req) => {
    const c = await auth.caller(req);
    const collection = collectionParam(req);
    if (c.kind === 'terminal' && COLLECTION_POLICY[collection].terminalWrites === 'none') {
      throw fail('COLLECTION_READ_ONLY', `${collection} is written by the platform only`, 403);
    }
    if (Array.isArray(req.body) && req.body.length > limits.maxPushRows) {
      throw fail('BATCH_TOO_LARGE', `at most ${limits.maxPushRows} rows per push`, 413);
    }
    const rows = parse(pushRequest, req.body, 'push body (expected an array of {assumedMasterState, newDocumentState})');
    const writer: Writer = c.kind === 'terminal' ? { kind: 'terminal', terminalId: c.terminalId, stationId: c.stationId, hub: c.hub } : { kind: 'platform', actor: 'admin-api' };
    return replication.push(collection, rows, writer);
  });

  const closeStreams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const r of closeStreams) r.end();
  });

  app.get('/api/v1/sync/stream', async (req, reply) => {
    const c = await auth.caller(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (e: StreamEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`);
    res.write('retry: 2000\n\n');
    send({ type: 'RESYNC' });
    // The hub hands a terminal only the notices its station may see (and an admin every notice).
    const unsubscribe = hub.subscribe((n) => send({ type: 'CHANGE', collection: n.collection, checkpoint: { seq: n.seq } }), c.kind === 'admin' ? undefined : c.stationId);
    // Pings keep proxies and the terminal's silence check from taking a quiet stream for a dead one.
    // The first comes at a random moment within the first interval: streams opened together (every
    // terminal of a province reconnecting after a restart) would otherwise be pinged together, each
    // interval, all at once.
    const sendPing = () => res.write(': ping\n\n');
    let ping: ReturnType<typeof setInterval> | null = null;
    const firstPing = setTimeout(() => {
      sendPing();
      ping = setInterval(sendPing, heartbeatMs);
    }, 1 + Math.floor(Math.random() * heartbeatMs));
    const closeAll = () => {
      clearTimeout(firstPing);
      if (ping) clearInterval(ping);
      unsubscribe();
    };
    req.raw.on('close', closeAll);
    res.on('error', closeAll);
    closeStreams.add(res);
    res.on('close', () => closeStreams.delete(res));
  });

  app.put('/api/v1/admin/documents/:collection', async (req) => {
    await auth.admin(req);
    const collection = collectionParam(req);
    const body = req.body;
    if (!Array.isArray(body)) throw fail('VALIDATION_FAILED', 'expected an array of documents', 400);
    if (body.length > limits.maxPushRows) throw fail('BATCH_TOO_LARGE', `at most ${limits.maxPushRows} documents per request`, 413);
    const docs = body.map((d, i) => {
      const r = documentSchemas[collection].safeParse(d);
      if (!r.success) throw fail('VALIDATION_FAILED', `document #${i} is invalid`, 400, issuesOf(r.error));
      return r.data as Record<string, unknown>;
    });
    return { written: await deps.documents.upsertAsPlatform(collection, docs) };
  });
}
