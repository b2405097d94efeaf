/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// Replication over HTTP, on PGlite and on PostgreSQL: pull paging and station visibility, push decisions
// (written, unchanged, conflict, rejected), append-only collections, the SSE stream.
import { describe, expect, it } from 'vitest';
import {
  exampleApplication,
  exampleAuditEvent,
  exampleEvaluation,
  exampleQueueTicket,
  paths,
  streamEvent,
  uuidv7,
  type ApplicationDoc,
} from '../../protocol/index';
import type { Platform } from '../platform';
import { backends, CONTRACT_STATIONS, pullAll, useContractPlatform, type Client } from '../test/helpers';

const { A, B } = CONTRACT_STATIONS;

describe.each(backends())('replication contract on $name', (backend) => {
  let p: Platform;
  let a: Client; // terminal of station A
  let a2: Client; // second terminal of station A
  let b: Client; // terminal of station B
  let admin: Client;
  useContractPlatform(backend, (env) => ({ p, a, a2, b, admin } = env));

  const app = (overrides: Partial<ApplicationDoc> = {}) => exampleApplication({ stationId: A, ...overrides });
  const countApps = () => p.store.countDocuments('applications');

  // ------------------------------------------------------------ pull

  it('pull: the catalog is global, paging returns every document exactly once', async () => {
    const { docs, pages } = await pullAll(a, 'service_items', 0, 7);
    expect(docs.length).toBeGreaterThanOrEqual(40);
    expect(pages).toBeGreaterThan(5);
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
    const forms = await pullAll(b, 'form_schemas', 0, 1000);
    expect(forms.docs.length).toBe(docs.length);
    // Old or foreign checkpoint formats restart from the beginning instead of failing.
    const old = await a.req('GET', `${paths.pull('service_items')}?checkpoint=${encodeURIComponent('{"id":"x","updatedAt":5}')}&limit=1000`);
    expect(old.json.documents.length).toBe(docs.length);
    const bad = await a.req('GET', `${paths.pull('service_items')}?limit=100000`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');
    expect((await a.req('GET', paths.pull('nope' as never))).json.error.code).toBe('UNKNOWN_COLLECTION');
  });

  it('pull: the page sent as the database writes it out parses to exactly the documents pull() reads (escapes, numbers, nesting)', async () => {
    // Applications with awkward members in formData (a free JSON object): quotes, backslashes,
    // U+2028, emoji, control characters, big and small numbers, deep nesting, empty containers.
    const odd = ['"', '\\', '\u2028', '😀', '\n\t', '</script>', '居民', ''];
    const docs = odd.map((t, i) => app({ status: 'draft', formData: { text: t, [`k${t}`]: [t, { t }], n: [0, -1.5, 1e21, 123456789.125, 5e-324][i % 5], deep: { a: { b: { c: [[], {}, null, true] } } } } }));
    const w = await a.push('applications', docs.map((d) => ({ newDocumentState: d })));
    expect(w.rejections).toEqual([]);
    const json = await p.store.replication.pullJson('applications', { seq: 0 }, 1000, A);
    const objects = await p.store.replication.pull('applications', { seq: 0 }, 1000, A);
    expect(JSON.parse(json)).toEqual(objects);
    for (const d of docs) expect(objects.documents.find((x) => x.id === d.id)).toMatchObject({ formData: d.formData });
    // An empty page, and the HTTP answer: application/json, the same page.
    expect(JSON.parse(await p.store.replication.pullJson('applications', objects.checkpoint, 10, A))).toEqual({ documents: [], checkpoint: objects.checkpoint });
    const r = await a.req('GET', `${paths.pull('applications')}?checkpoint=0&limit=1000`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json).toEqual(objects);
  });

  it('pull: paging across concurrent writes sees every document exactly once', async () => {
    const before = (await pullAll(a, 'applications')).checkpoint;
    const writers = [a, a2];
    const created: string[] = [];
    let writing = true;
    const writerLoops = writers.map(async (w) => {
      for (let i = 0; i < 12; i++) {
        const rows = Array.from({ length: 10 }, () => ({ newDocumentState: app({ status: 'submitted' }) }));
        created.push(...rows.map((r) => r.newDocumentState.id));
        const res = await w.push('applications', rows);
        expect(res.written).toBe(10);
      }
    });
    const seen: string[] = [];
    const reader = (async () => {
      let cp = before;
      while (writing) {
        const r = await a.pull('applications', cp, 7);
        seen.push(...r.documents.map((d) => d.id));
        cp = r.checkpoint.seq;
      }
      const rest = await pullAll(a, 'applications', cp, 7);
      seen.push(...rest.docs.map((d) => d.id));
    })();
    await Promise.all(writerLoops);
    writing = false;
    await reader;
    expect(seen.length).toBe(created.length);
    expect(new Set(seen)).toEqual(new Set(created));
  });

  it("a terminal cannot read another station's applications", async () => {
    const doc = app({ status: 'submitted' });
    await a.push('applications', [{ newDocumentState: doc }]);
    const fromB = await pullAll(b, 'applications');
    expect(fromB.docs.find((d) => d.id === doc.id)).toBeUndefined();
    expect(fromB.docs.every((d) => d.stationId === B)).toBe(true);
    const fromA = await pullAll(a2, 'applications');
    expect(fromA.docs.find((d) => d.id === doc.id)).toBeTruthy();
    // Staff and station config are per station too.
    const staffB = await pullAll(b, 'staff');
    expect(staffB.docs.map((s) => s.id).sort()).toEqual(['S003', 'S004']);
    const stationsB = await pullAll(b, 'station_config');
    expect(stationsB.docs.map((s) => s.id)).toEqual([B]);
    // Writing over A's document from B: refused without revealing A's state.
    const r = await b.push('applications', [{ newDocumentState: { ...doc, stationId: B, status: 'draft' } }]);
    expect(r.rejections).toEqual([expect.objectContaining({ id: doc.id, code: 'WRONG_STATION' })]);
    expect(r.conflicts).toEqual([]);
    const r2 = await b.push('applications', [{ newDocumentState: app() }]);
    expect(r2.rejections[0]!.code).toBe('WRONG_STATION');
    expect(((await p.store.getDocument('applications', doc.id)) as any).stationId).toBe(A);
  });

  it('bounded pull (recentDays): recent and open applications, not old closed ones; exact paging; garbage refused', async () => {
    const ids = { oldOpen: app({ status: 'submitted' }), oldClosed: app({ status: 'withdrawn' }), newClosed: app({ status: 'withdrawn' }), newOpen: app({ status: 'submitted' }) };
    const before = (await pullAll(a, 'applications')).checkpoint;
    const pushed = await a.push('applications', Object.values(ids).map((d) => ({ newDocumentState: d })));
    expect(pushed.written).toBe(4);
    const ticketOld = exampleQueueTicket({ stationId: A });
    const ticketNew = exampleQueueTicket({ stationId: A });
    expect((await admin.push('queue_tickets', [{ newDocumentState: ticketOld }, { newDocumentState: ticketNew }])).written).toBe(2);
    // The platform wrote these 200 days ago.
    await p.store.db.query(`UPDATE documents SET updated_at = now() - interval '200 days' WHERE id = ANY($1::text[])`, [[ids.oldOpen.id, ids.oldClosed.id, ticketOld.id]]);

    const bounded = async (collection: 'applications' | 'queue_tickets' | 'service_items', days: number, from = 0, limit = 1) => {
      const got: any[] = [];
      let cp = from;
      for (let page = 0; page < 10_000; page++) {
        const r = await a.req('GET', `${paths.pull(collection)}?checkpoint=${cp}&limit=${limit}&recentDays=${days}`);
        expect(r.status).toBe(200);
        if (r.json.documents.length === 0) break;
        got.push(...r.json.documents);
        cp = r.json.checkpoint.seq;
      }
      return got;
    };
    const apps = (await bounded('applications', 90, before)).map((d) => d.id);
    expect(new Set(apps).size).toBe(apps.length);
    expect(apps.sort()).toEqual([ids.oldOpen.id, ids.newClosed.id, ids.newOpen.id].sort());
    // A window that reaches back far enough, and no window at all, send everything.
    expect((await bounded('applications', 365, before, 1000)).map((d) => d.id).sort()).toEqual(Object.values(ids).map((d) => d.id).sort());
    expect((await pullAll(a, 'applications', before)).docs.map((d) => d.id).sort()).toEqual(Object.values(ids).map((d) => d.id).sort());
    // Queue tickets: yesterday's numbers are void, so only the window counts.
    const tickets = (await bounded('queue_tickets', 90, 0, 1000)).map((d) => d.id);
    expect(tickets).toContain(ticketNew.id);
    expect(tickets).not.toContain(ticketOld.id);
    // Collections without history ignore it.
    expect((await bounded('service_items', 1, 0, 1000)).length).toBe((await pullAll(a, 'service_items')).docs.length);
    // An old closed application written again is recent: it comes with the next pull.
    const cp = (await a.req('GET', `${paths.pull('applications')}?checkpoint=0&limit=1000&recentDays=90`)).json.checkpoint.seq as number;
    const stored = await p.store.getDocument('applications', ids.oldClosed.id);
    expect((await admin.push('applications', [{ assumedMasterState: stored, newDocumentState: { ...(stored as any), updatedAt: new Date().toISOString() } }])).written).toBe(1);
    expect((await bounded('applications', 90, cp)).map((d) => d.id)).toEqual([ids.oldClosed.id]);

    for (const bad of ['0', '-1', '3651', 'abc', '1.5', '', '1e9', '90&recentDays=91']) {
      const r = await a.req('GET', `${paths.pull('applications')}?checkpoint=0&limit=10&recentDays=${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.json.error.code, bad).toBe('VALIDATION_FAILED');
    }
  });

  it('lookup: older cases on demand by id or applicant hash, station-scoped; garbage refused', async () => {
    const hash = (c: string) => c.repeat(64);
    const mine = [app({ status: 'withdrawn', applicantIdHash: hash('a') }), app({ status: 'submitted', applicantIdHash: hash('a') }), app({ status: 'submitted', applicantIdHash: hash('b') })];
    expect((await a.push('applications', mine.map((d) => ({ newDocumentState: d })))).written).toBe(3);
    const theirs = exampleApplication({ stationId: B, status: 'submitted', applicantIdHash: hash('a') });
    expect((await b.push('applications', [{ newDocumentState: theirs }])).written).toBe(1);
    await p.store.db.query(`UPDATE documents SET updated_at = now() - interval '400 days' WHERE collection = 'applications'`);
    const look = (q: string, c: Client = a2) => c.req('GET', `${paths.applicationLookup}?${q}`);

    const byId = await look(`id=${mine[0]!.id}`);
    expect(byId.status).toBe(200);
    expect(byId.json.documents.map((d: any) => d.id)).toEqual([mine[0]!.id]);
    // The platform rewrites the hash on push with the province's salt when it knows the ID number;
    // look up by what it stored.
    const stored = (await Promise.all(mine.map((d) => p.store.getDocument('applications', d.id)))) as any[];
    const h = stored[0].applicantIdHash as string;
    const byHash = await look(`applicantIdHash=${h}`);
    expect(byHash.json.documents.map((d: any) => d.id).sort()).toEqual(stored.filter((d) => d.applicantIdHash === h).map((d) => d.id).sort());
    expect(byHash.json.documents.every((d: any) => d.stationId === A)).toBe(true);
    const two = await look(`applicantIdHash=${stored[0].applicantIdHash}&applicantIdHash=${stored[2].applicantIdHash}`);
    expect(new Set(two.json.documents.map((d: any) => d.id))).toEqual(new Set(stored.filter((d) => [stored[0].applicantIdHash, stored[2].applicantIdHash].includes(d.applicantIdHash)).map((d) => d.id)));
    // Another station's case is not found by id (no hint that it exists) nor by hash.
    expect((await look(`id=${theirs.id}`)).json.documents).toEqual([]);
    expect((await look(`id=${mine[0]!.id}`, b)).json.documents).toEqual([]);
    expect((await look(`applicantIdHash=${(await p.store.getDocument('applications', theirs.id) as any).applicantIdHash}`)).json.documents.every((d: any) => d.stationId === A)).toBe(true);
    expect((await look(`id=${uuidv7()}`)).json.documents).toEqual([]);

    const tooMany = Array.from({ length: 9 }, (_, i) => `applicantIdHash=${hash(String(i))}`).join('&');
    for (const bad of ['', `id=${mine[0]!.id}&applicantIdHash=${h}`, 'id=', 'id=%00', `applicantIdHash=${'A'.repeat(64)}`, 'applicantIdHash=abc', tooMany, `id=${mine[0]!.id}&extra=1`, `id=${'x'.repeat(300)}`]) {
      const r = await look(bad);
      expect(r.status, bad).toBe(400);
      expect(r.json.error.code, bad).toBe('VALIDATION_FAILED');
    }
    expect((await fetch(`${p.url}${paths.applicationLookup}?id=${mine[0]!.id}`)).status).toBe(401);
  });

  // ------------------------------------------------------------ push

  it('push: new submitted application becomes synced; replaying the push is a no-op', async () => {
    const doc = app({ status: 'submitted', statusHistory: [{ status: 'submitted', at: new Date().toISOString(), by: 'terminal' }] });
    const rows = [{ assumedMasterState: null, newDocumentState: doc }];
    const first = await a.push('applications', rows);
    const stored = (await p.store.getDocument('applications', doc.id)) as ApplicationDoc;
    expect(stored.status).toBe('synced');
    expect(stored.statusHistory.at(-1)).toMatchObject({ status: 'synced', by: 'platform' });
    // Stored otherwise than pushed: the answer carries the stored state (issue 11), marked as accepted.
    expect(first).toMatchObject({ written: 1, unchanged: 0, conflicts: [stored], adjusted: [doc.id], rejections: [] });
    const seqBefore = (await pullAll(a, 'applications')).checkpoint;
    const replay = await a.push('applications', rows);
    // Still a no-op, but the terminal (which never saw the answer) learns the platform's current state.
    expect(replay).toMatchObject({ written: 0, unchanged: 1, conflicts: [stored], adjusted: [doc.id], rejections: [] });
    // Whatever it assumes: the pushed state is not the stored one, so the answer says what is.
    expect(await a.push('applications', [{ assumedMasterState: stored, newDocumentState: doc }])).toMatchObject({ written: 0, unchanged: 1, conflicts: [stored], adjusted: [doc.id] });
    expect((await pullAll(a, 'applications')).checkpoint).toBe(seqBefore);
    expect(await p.store.getDocument('applications', doc.id)).toEqual(stored);
    // A push stored exactly as sent (a draft, an evaluation, an audit event) answers no state.
    // (Queue tickets are the platform's queue's since issue 15; a leased one is covered in queue.test.ts.)
    const draft = app();
    expect(await a.push('applications', [{ newDocumentState: { ...draft, _rev: '1-a', _meta: { lwt: 1 } } }])).toMatchObject({ written: 1, conflicts: [], adjusted: [] });
    const evaluation = exampleEvaluation({ stationId: A });
    expect(await a.push('audit_events', [{ newDocumentState: exampleAuditEvent({ stationId: A }) }])).toMatchObject({ written: 1, conflicts: [], adjusted: [] });
    expect(await a.push('evaluations', [{ newDocumentState: evaluation }])).toMatchObject({ written: 1, conflicts: [], adjusted: [] });
    // A real conflict is not an adjustment.
    const stale = await a.push('applications', [{ assumedMasterState: null, newDocumentState: { ...draft, formData: { other: true } } }]);
    expect(stale).toMatchObject({ written: 0, adjusted: [] });
    expect(stale.conflicts).toHaveLength(1);
  });

  it('push: rows pushed as new are inserted without a read, and decided on the stored state when they exist after all', async () => {
    // Count the push's reads of stored states (the statement is the repository's own).
    const db = p.store.db as { query: (sql: string, params?: unknown[]) => Promise<unknown[]> };
    const query = db.query;
    let reads = 0;
    db.query = (sql, params) => {
      if (sql.startsWith('SELECT id, seq, stations, data, last_push_hash FROM documents')) reads++;
      return query.call(db, sql, params);
    };
    try {
      const submitted = () => app({ status: 'submitted', statusHistory: [{ status: 'submitted', at: new Date().toISOString(), by: 'terminal' }] });
      const fresh = [submitted(), submitted(), app()];
      const first = await a.push('applications', fresh.map((d) => ({ assumedMasterState: null, newDocumentState: d })));
      expect(first).toMatchObject({ written: 3, rejections: [] });
      expect(reads).toBe(0);
      const stored = (await p.store.getDocument('applications', fresh[0]!.id)) as ApplicationDoc;
      expect(stored.status).toBe('synced');

      // One batch: new rows, the stored state pushed again as new (a terminal may not create a synced
      // application, but this one is stored exactly so: unchanged, not refused), a replay of the
      // submission (unchanged; the answer says what is stored), another station's id (never revealed:
      // WRONG_STATION), and a new row refused on its own (still refused, with its own index).
      reads = 0;
      const more = [app(), submitted()];
      const theirs = exampleApplication({ stationId: B, id: fresh[2]!.id });
      const refused = app({ status: 'accepted' });
      const rows = [
        { assumedMasterState: null, newDocumentState: more[0]! },
        { assumedMasterState: null, newDocumentState: stored },
        { assumedMasterState: null, newDocumentState: fresh[1]! },
        { assumedMasterState: null, newDocumentState: refused },
        { assumedMasterState: null, newDocumentState: more[1]! },
      ];
      const r = await a.push('applications', rows);
      expect(r.written).toBe(2);
      expect(r.unchanged).toBe(2);
      expect(r.rejections).toEqual([expect.objectContaining({ id: refused.id, index: 3, code: 'INVALID_TRANSITION' })]);
      const storedSecond = await p.store.getDocument('applications', fresh[1]!.id);
      expect(r.conflicts).toEqual(expect.arrayContaining([storedSecond]));
      expect(r.adjusted).toEqual(expect.arrayContaining([fresh[1]!.id, more[1]!.id]));
      expect(r.adjusted).not.toContain(stored.id);
      expect(reads).toBe(1); // only the rows that existed, or were refused on the guess
      expect(await p.store.getDocument('applications', refused.id)).toBeNull();

      const wrong = await b.push('applications', [{ assumedMasterState: null, newDocumentState: theirs }]);
      expect(wrong).toMatchObject({ written: 0, conflicts: [], rejections: [expect.objectContaining({ code: 'WRONG_STATION' })] });
      expect(await p.store.getDocument('applications', fresh[2]!.id)).toEqual(fresh[2]);
    } finally {
      db.query = query;
    }
  });

  it('push: a stale assumedMasterState yields a conflict with the server state and changes nothing', async () => {
    const v1 = app({ formData: { v: 1 } });
    await a.push('applications', [{ newDocumentState: v1 }]);
    const v2 = { ...v1, formData: { v: 2 } };
    expect((await a.push('applications', [{ assumedMasterState: v1, newDocumentState: v2 }])).written).toBe(1);
    // The second terminal still believes v1 is the master state.
    const v3 = { ...v1, formData: { v: 3 } };
    const r = await a2.push('applications', [{ assumedMasterState: v1, newDocumentState: v3 }]);
    expect(r.written).toBe(0);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toEqual(v2);
    expect(await p.store.getDocument('applications', v1.id)).toEqual(v2);
    // Creating a document that already exists (assumed null) is a conflict too.
    const r2 = await a2.push('applications', [{ assumedMasterState: null, newDocumentState: v3 }]);
    expect(r2.conflicts[0]).toEqual(v2);
    // RxDB-local fields are ignored when comparing.
    const r3 = await a2.push('applications', [{ assumedMasterState: { ...v2, _rev: '2-abc', _meta: { lwt: 1 } }, newDocumentState: { ...v3, _rev: '3-x' } }]);
    expect(r3.written).toBe(1);
  });

  it('push: concurrent writers of one document: exactly one wins, the other gets a conflict', async () => {
    for (let i = 0; i < 8; i++) {
      const doc = app();
      const v1 = { ...doc, formData: { writer: 1 } };
      const v2 = { ...doc, formData: { writer: 2 } };
      const [r1, r2] = await Promise.all([a.push('applications', [{ newDocumentState: v1 }]), a2.push('applications', [{ newDocumentState: v2 }])]);
      expect(r1.written + r2.written).toBe(1);
      expect(r1.conflicts.length + r2.conflicts.length).toBe(1);
      const winner = r1.written ? v1 : v2;
      expect(await p.store.getDocument('applications', doc.id)).toEqual(winner);
      expect([...r1.conflicts, ...r2.conflicts][0]).toEqual(winner);
      // Both edit from the same master state.
      const e1 = { ...winner, formData: { edit: 1 } };
      const e2 = { ...winner, formData: { edit: 2 } };
      const [u1, u2] = await Promise.all([
        a.push('applications', [{ assumedMasterState: winner, newDocumentState: e1 }]),
        a2.push('applications', [{ assumedMasterState: winner, newDocumentState: e2 }]),
      ]);
      expect(u1.written + u2.written).toBe(1);
      expect(u1.conflicts.length + u2.conflicts.length).toBe(1);
      expect(await p.store.getDocument('applications', doc.id)).toEqual(u1.written ? e1 : e2);
    }
  });

  it('push: platform-owned fields and transitions are refused per document; the rest of the batch applies', async () => {
    const good = app();
    const withNo = app({ acceptanceNo: 'X-1' });
    const accepted = app({ status: 'accepted' });
    const platformHistory = app({ statusHistory: [{ status: 'approved', at: new Date().toISOString(), by: 'platform' }] });
    const withDecision = app({ decision: { outcome: 'approved', decidedAt: new Date().toISOString(), decidedBy: 'me' } });
    const r = await a.push('applications', [good, withNo, accepted, platformHistory, withDecision].map((d) => ({ newDocumentState: d })));
    expect(r.written).toBe(1);
    expect(r.rejections.map((x) => [x.id, x.code])).toEqual([
      [withNo.id, 'PLATFORM_OWNED_FIELD'],
      [accepted.id, 'INVALID_TRANSITION'],
      [platformHistory.id, 'PLATFORM_OWNED_FIELD'],
      [withDecision.id, 'PLATFORM_OWNED_FIELD'],
    ]);
    expect(await p.store.getDocument('applications', good.id)).toEqual(good);
    for (const d of [withNo, accepted, platformHistory, withDecision]) expect(await p.store.getDocument('applications', d.id)).toBeNull();

    // Once synced the terminal may not edit it nor withdraw it, even with the right assumed state.
    const sub = app({ status: 'submitted' });
    await a.push('applications', [{ newDocumentState: sub }]);
    const synced = (await p.store.getDocument('applications', sub.id)) as ApplicationDoc;
    const edit = await a.push('applications', [{ assumedMasterState: synced, newDocumentState: { ...synced, formData: { changed: true } } }]);
    expect(edit.rejections[0]!.code).toBe('NOT_EDITABLE');
    const fake = await a.push('applications', [{ assumedMasterState: synced, newDocumentState: { ...synced, status: 'approved' } }]);
    expect(fake.rejections[0]!.code).toBe('NOT_EDITABLE');
    expect(await p.store.getDocument('applications', sub.id)).toEqual(synced);
  });

  it('push: invalid documents are rejected per document with a clear message', async () => {
    const good = app();
    const r = await a.push('applications', [
      { newDocumentState: { ...app(), id: 'not-a-uuid' } },
      { newDocumentState: { ...app(), status: 'lost' } },
      { newDocumentState: { ...app(), unknownField: 1 } },
      { newDocumentState: { foo: 'bar' } },
      { newDocumentState: { ...app(), formData: { note: 'a\u0000b' } } },
      { assumedMasterState: { ...good, id: uuidv7() }, newDocumentState: good },
      { newDocumentState: good },
      { newDocumentState: good },
    ]);
    expect(r.rejections.map((x) => x.code)).toEqual(['INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'ID_MISMATCH', 'DUPLICATE_IN_BATCH']);
    expect(r.rejections[0]!.message).toMatch(/^id: /);
    expect(r.rejections[1]!.message).toMatch(/status/);
    expect(r.rejections[3]!.id).toBe('#3');
    expect(r.written).toBe(1);
  });

  it('push: bad bodies get 4xx with a clear message and change nothing', async () => {
    const before = await countApps();
    const cases: [unknown, number, string][] = [
      ['{not json', 400, 'VALIDATION_FAILED'],
      [{ rows: [] }, 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: 'x' }], 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: [app()] }], 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: null }], 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: 7 }], 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: app(), assumedMasterState: [] }], 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: app(), assumedMasterState: 'x' }], 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: app(), extra: true }], 400, 'VALIDATION_FAILED'],
      [[1, 2, 3], 400, 'VALIDATION_FAILED'],
      ['null', 400, 'VALIDATION_FAILED'],
      [Array.from({ length: 501 }, () => ({ newDocumentState: app() })), 413, 'BATCH_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const r = await a.req('POST', paths.push('applications'), body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(r.json.error.code).toBe(code);
      expect(r.json.error.message.length).toBeGreaterThan(5);
    }
    const huge = await a.req('POST', paths.push('applications'), [{ newDocumentState: app({ formData: { blob: 'x'.repeat(5 * 1024 * 1024) } }) }]);
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await a.req('POST', paths.push('applications'), undefined, { 'content-type': 'text/plain' });
    expect(text.status).toBeGreaterThanOrEqual(400);
    const ro = await a.req('POST', paths.push('service_items'), [{ newDocumentState: { id: 'X' } }]);
    expect(ro.status).toBe(403);
    expect(ro.json.error.code).toBe('COLLECTION_READ_ONLY');
    expect(await countApps()).toBe(before);
  });

  it('audit events and evaluations are append-only; queue tickets are the platform’s (a push is refused unless leased)', async () => {
    const ev = exampleAuditEvent({ stationId: A });
    expect((await a.push('audit_events', [{ newDocumentState: ev }])).written).toBe(1);
    expect((await a.push('audit_events', [{ newDocumentState: ev }])).unchanged).toBe(1);
    const changed = await a.push('audit_events', [{ assumedMasterState: ev, newDocumentState: { ...ev, action: 'application.delete' } }]);
    expect(changed.rejections[0]!.code).toBe('APPEND_ONLY');
    const bad = exampleEvaluation({ stationId: A, level: 1, reasons: [] });
    expect((await a.push('evaluations', [{ newDocumentState: bad }])).rejections[0]!.code).toBe('INVALID_DOCUMENT');
    const evaluation = exampleEvaluation({ stationId: A, level: 2, reasons: ['服务效率'] });
    expect((await a.push('evaluations', [{ newDocumentState: evaluation }])).written).toBe(1);
    expect((await a.push('evaluations', [{ assumedMasterState: evaluation, newDocumentState: { ...evaluation, level: 5 } }])).rejections[0]!.code).toBe('APPEND_ONLY');
    // Tickets are issued and changed through POST /queue/commands (queue.test.ts); a plain push is refused.
    const t = exampleQueueTicket({ stationId: A });
    const pushed = await a.push('queue_tickets', [{ newDocumentState: t }]);
    expect(pushed.rejections.map((r) => r.code)).toEqual(['NOT_EDITABLE']);
    expect(await p.store.getDocument('queue_tickets', t.id)).toBeNull();
    const unleased = await a.push('queue_tickets', [{ newDocumentState: { ...t, leased: true } }]);
    expect(unleased.rejections.map((r) => r.code)).toEqual(['LEASE_INVALID']);
    const issued = await a.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'normal' });
    expect(issued.status).toBe(200);
    const mine = issued.json.ticket;
    const called = { ...mine, status: 'called' as const, calledAt: new Date().toISOString(), window: '1' };
    expect((await a2.push('queue_tickets', [{ assumedMasterState: mine, newDocumentState: called }])).rejections.map((r) => r.code)).toEqual(['NOT_EDITABLE']);
    expect(await p.store.getDocument('queue_tickets', mine.id)).toEqual(mine);
    expect((await a2.pull('queue_tickets')).documents.find((d) => d.id === mine.id)).toEqual(mine);
    expect((await b.pull('queue_tickets')).documents.find((d) => d.id === mine.id)).toBeUndefined();
  });

  // ------------------------------------------------------------ stream

  it('stream: RESYNC on every connection, CHANGE only for visible documents', async () => {
    const open = (c: Client) => {
      const ac = new AbortController();
      const events: any[] = [];
      const ready = fetch(p.url + paths.stream, { headers: { authorization: `Bearer ${c.token}` }, signal: ac.signal }).then(async (res) => {
        expect(res.headers.get('content-type')).toContain('text/event-stream');
        const reader = res.body!.getReader();
        const dec = new TextDecoder();
        let buf = '';
        void (async () => {
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) return;
              buf += dec.decode(value, { stream: true });
              let i: number;
              while ((i = buf.indexOf('\n\n')) >= 0) {
                const block = buf.slice(0, i);
                buf = buf.slice(i + 2);
                const data = block.split('\n').find((l) => l.startsWith('data: '));
                if (data) events.push(streamEvent.parse(JSON.parse(data.slice(6))));
              }
            }
          } catch {
            /* aborted */
          }
        })();
      });
      return { events, ready, close: () => ac.abort() };
    };
    const until = async (cond: () => boolean, ms = 5000) => {
      const t0 = Date.now();
      while (!cond()) {
        if (Date.now() - t0 > ms) throw new Error('timeout waiting for stream events');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const sa = open(a2);
    const sb = open(b);
    await Promise.all([sa.ready, sb.ready]);
    await until(() => sa.events.length >= 1 && sb.events.length >= 1);
    expect(sa.events[0]).toEqual({ type: 'RESYNC' });
    await a.push('applications', [{ newDocumentState: app() }]);
    await until(() => sa.events.some((e) => e.type === 'CHANGE' && e.collection === 'applications'));
    await new Promise((r) => setTimeout(r, 300));
    expect(sb.events.filter((e) => e.type === 'CHANGE')).toEqual([]);
    // A global change reaches everyone.
    await admin.req('PUT', paths.adminDocuments('station_config'), [{ ...(await p.store.getDocument('station_config', B)), retentionDays: 90 }]);
    await until(() => sb.events.some((e) => e.type === 'CHANGE' && e.collection === 'station_config'));
    sa.close();
    sb.close();
    const again = open(a2);
    await again.ready;
    await until(() => again.events.length >= 1);
    expect(again.events[0]).toEqual({ type: 'RESYNC' });
    again.close();
    expect((await fetch(p.url + paths.stream)).status).toBe(401);
  });
});
