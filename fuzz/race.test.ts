// The stuck-status race (issue 11), with injected answer ordering: a pushed `submitted` application
// is stored by the platform as `synced`; the push answer reaches the renderer only after a pull
// that ran while the push was in flight was answered. Before the platform answered the stored state
// in the push answer, RxDB recorded the pushed `submitted` as the platform's state, skipped the
// pulled `synced` as an unsent local write while moving its checkpoint past it, and the application
// stayed `submitted` on the terminal forever (196 of 200 with a 30 ms delay).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../sync/server/platform';
import { backends } from '../sync/server/test/helpers';
import { exampleFormData, type ApplicationDoc } from '../sync/protocol';
import { setCheckpoint } from 'rxdb';
import { createDraft, saveCorrection, submitApplication } from '../renderer/db/applications';
import { listQuarantine, openFormRefusal } from '../renderer/db/quarantine';
import { eventually, startFuzzTerminal, type FuzzTerminal } from './terminal';

const STATION = '360121201';
const COUNT = 200; // COUNT / 4 is a multiple of BURST
/** Applications filed and submitted together: small bursts give many pushes, each racing a pull. */
const BURST = 5;

describe.each(backends())('stuck-status race on $name', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 1000 });
  });
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  /**
   * Files and submits `count` applications in bursts of BURST, each burst written while a pull is
   * held in flight by the bridge. RxDB delays stream events while a push runs: wait for the upstream
   * to be idle, then ask for a pull and write the burst once the bridge holds it. `onDrafts` sees each
   * burst before it is submitted.
   */
  async function fileInBursts(t: FuzzTerminal, count: number, onDrafts: (ids: string[]) => void = () => undefined): Promise<string[]> {
    const ids: string[] = [];
    for (let burst = 0; burst < count / BURST; burst++) {
      const internal = t.replication!.states.get('applications')!.internalReplicationState;
      const t0 = Date.now();
      while (internal?.events.active.up.getValue() && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 2));
      t.replication!.resync();
      while (t.heldPulls() === 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 2));
      const drafts = await Promise.all(
        Array.from({ length: BURST }, () =>
          createDraft(t.db, { stationId: STATION, terminalId: t.terminalId, serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter', applicant: null, formData: exampleFormData() }, t.salt),
        ),
      );
      onDrafts(drafts.map((d) => d.id));
      for (const d of drafts) await submitApplication(t.db, d.id);
      ids.push(...drafts.map((d) => d.id));
    }
    return ids;
  }

  /** Files and submits COUNT applications in small bursts while every push answer waits for a pull answer. */
  async function race(order: { holdPullMs: number; pushAnswerMs: number }): Promise<{ stuck: number; pending: number; delayed: number }> {
    const t: FuzzTerminal = await startFuzzTerminal({
      platformUrl: p.url,
      enrollCode: await p.createEnrollCode(STATION),
      faults: { order: (c) => (c === 'applications' ? order : null) },
      collections: ['applications'],
    });
    try {
      await t.startSync();
      const started = Date.now();
      const ids = await fileInBursts(t, COUNT);
      const filed = Date.now() - started;
      // Every application reached the platform (as synced) and nothing is pending on the terminal.
      const onPlatform = async () => Number((await p.store.db.query<{ n: string | number }>("SELECT count(*) AS n FROM documents WHERE collection = 'applications' AND id = ANY($1::text[])", [ids]))[0]?.n ?? 0);
      await eventually(async () => (await onPlatform()) === COUNT, 60_000, 'all applications on the platform');
      await eventually(async () => (await t.replication!.pendingCount()) === 0, 60_000, 'nothing pending');
      // Let in-flight pulls and conflict resolutions finish, then compare.
      await t.replication!.awaitInSync();
      await new Promise((r) => setTimeout(r, 500));
      let stuck = 0;
      for (const id of ids) {
        const platform = (await p.store.getDocument('applications', id)) as ApplicationDoc | null;
        const local = (await t.db.applications.findOne(id).exec())?.toMutableJSON();
        expect(platform?.status).toBe('synced');
        if (local?.status !== platform?.status) stuck++;
      }
      console.log(`filed in ${filed} ms, settled in ${Date.now() - started - filed} ms`);
      return { stuck, pending: await t.replication!.pendingCount(), delayed: t.stats.delayedPushes };
    } finally {
      await t.close();
    }
  }

  // Found by the fuzzer (seed 700062 on PostgreSQL): the platform applies a push, another writer
  // changes the document (here the back office's 受理), and a pull answered with that newer state is
  // processed before the push answer. RxDB skips the pulled state (the document still has a local
  // write in flight) but moves its pull checkpoint past it; the push answer then makes the pushed (or
  // adjusted) state the platform's in RxDB's eyes, and the newer state was never delivered again.
  it(`${COUNT / 4} applications accepted by the back office while their push answer is held behind a pull: every terminal copy ends accepted`, async () => {
    const n = COUNT / 4; // a multiple of BURST
    const targets = new Set<string>();
    const t: FuzzTerminal = await startFuzzTerminal({
      platformUrl: p.url,
      enrollCode: await p.createEnrollCode(STATION),
      faults: {
        order: (c) =>
          c === 'applications'
            ? {
                holdPullMs: 300,
                pushAnswerMs: 30,
                // The push is applied; before its answer (and before the held pull is answered) the back office accepts.
                afterPushApplied: async (ids) => {
                  for (const id of ids) {
                    if (!targets.has(id)) continue;
                    const doc = (await p.store.getDocument('applications', id)) as ApplicationDoc | null;
                    if (doc?.status === 'synced') await p.store.backOffice(id, 'accept', { actor: 'race' });
                  }
                },
              }
            : null,
      },
      collections: ['applications'],
    });
    try {
      await t.startSync();
      const ids = await fileInBursts(t, n, (burst) => burst.forEach((id) => targets.add(id)));
      const accepted = async () => Number((await p.store.db.query<{ n: string | number }>("SELECT count(*) AS n FROM documents WHERE collection = 'applications' AND id = ANY($1::text[]) AND data->>'status' = 'accepted'", [ids]))[0]?.n ?? 0);
      await eventually(async () => (await accepted()) === n, 60_000, 'all applications accepted on the platform');
      await eventually(async () => (await t.replication!.pendingCount()) === 0, 60_000, 'nothing pending');
      // No nudge from outside (no resync, no new change notice): the terminal must get there itself.
      let stuck: string[] = [];
      try {
        await eventually(async () => {
          const local = await t.db.applications.findByIds(ids).exec();
          stuck = ids.filter((id) => local.get(id)?.status !== 'accepted');
          return stuck.length === 0;
        }, 20_000, 'every application accepted on the terminal');
      } finally {
        console.log(`race ${backend.name} (accepted behind a held push answer): stuck ${stuck.length}/${n}, push answers after a pull answer ${t.stats.delayedPushes}`);
      }
      expect(t.stats.delayedPushes).toBeGreaterThan(0);
      expect(stuck).toEqual([]);
    } finally {
      await t.close();
    }
  }, 120_000);

  // Found with the AES-GCM field encryption (its timing): a submission refused with FORM_INVALID is
  // recorded by RxDB as the platform's state (the answer carries no conflict); a re-pull of the state
  // the platform kept (the pull-race rewind, an older-cases lookup) was then applied over it, the
  // application fell back to 草稿 on the terminal, and the correction edited the draft instead of
  // resending the submission (e2e sync-integration "a FORM_INVALID refusal is corrected").
  it('a refused submission stays submitted when the platform\'s older state is pulled again (rewind to 0, lookup); the correction is accepted', async () => {
    const t = await startFuzzTerminal({ platformUrl: p.url, enrollCode: await p.createEnrollCode(STATION), collections: ['applications'] });
    try {
      await t.startSync();
      const app = await createDraft(t.db, { stationId: STATION, terminalId: t.terminalId, serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter', applicant: null, formData: exampleFormData({ bankAccount: '12' }) }, t.salt);
      await eventually(async () => ((await p.store.getDocument('applications', app.id)) as ApplicationDoc | null)?.status === 'draft', 15_000, 'draft on the platform');
      await submitApplication(t.db, app.id);
      await eventually(async () => !!(await openFormRefusal(t.db, app.id)), 15_000, 'FORM_INVALID quarantined');
      await t.replication!.awaitInSync();
      const local = async () => (await t.db.applications.findOne(app.id).exec())?.status;
      expect(await local()).toBe('submitted');

      // Every document pulled again from the start, as a rewind does (here to 0).
      const internal = t.replication!.states.get('applications')!.internalReplicationState!;
      await setCheckpoint(internal, 'down', { seq: 0 });
      const pulls = t.stats.pulls;
      t.replication!.resync();
      await eventually(async () => t.stats.pulls > pulls, 10_000, 'pulled again');
      await t.replication!.awaitInSync();
      // The same state asked for by id (the clerk's search of older cases).
      const found = await t.replication!.lookupOlder({ id: app.id });
      expect(found.map((d) => d.status)).toEqual(['draft']);
      await t.replication!.awaitInSync();
      await new Promise((r) => setTimeout(r, 300));
      expect(await local()).toBe('submitted');
      expect((await openFormRefusal(t.db, app.id))?.state).toBe('open');

      // The correction resends the submission, and the platform accepts it.
      await saveCorrection(t.db, app.id, { formData: exampleFormData({ bankAccount: '6217000000000000777' }) }, t.salt);
      await eventually(async () => ((await p.store.getDocument('applications', app.id)) as ApplicationDoc | null)?.status === 'synced', 15_000, 'corrected submission accepted');
      await eventually(async () => (await listQuarantine(t.db)).length === 0, 10_000, 'quarantine released');
      await eventually(async () => (await local()) === 'synced', 10_000, 'synced on the terminal');

      // Where the platform moved on (another terminal withdrew the draft after a refusal), that state is applied.
      const second = await createDraft(t.db, { stationId: STATION, terminalId: t.terminalId, serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter', applicant: null, formData: exampleFormData({ bankAccount: '34' }) }, t.salt);
      await eventually(async () => ((await p.store.getDocument('applications', second.id)) as ApplicationDoc | null)?.status === 'draft', 15_000, 'second draft on the platform');
      await submitApplication(t.db, second.id);
      await eventually(async () => !!(await openFormRefusal(t.db, second.id)), 15_000, 'second FORM_INVALID quarantined');
      const kept = (await p.store.getDocument('applications', second.id)) as ApplicationDoc;
      const at = new Date().toISOString();
      await p.store.upsertAsPlatform('applications', [{ ...kept, status: 'withdrawn', updatedAt: at, statusHistory: [...kept.statusHistory, { status: 'withdrawn', at, by: 'terminal' }] }]);
      await eventually(async () => (await t.db.applications.findOne(second.id).exec())?.status === 'withdrawn', 15_000, 'the platform\'s news applied');
    } finally {
      await t.close();
    }
  }, 90_000);

  for (const order of [
    { holdPullMs: 300, pushAnswerMs: 30 },
    { holdPullMs: 300, pushAnswerMs: 0 },
    { holdPullMs: 300, pushAnswerMs: 150 },
  ]) {
    it(`${COUNT} applications, push answers ${order.pushAnswerMs} ms after a concurrent pull answer: none stuck`, async () => {
      const r = await race(order);
      console.log(`race ${backend.name} ${JSON.stringify(order)}: stuck ${r.stuck}/${COUNT}, push answers after a pull answer ${r.delayed}`);
      expect(r.delayed).toBeGreaterThan(0);
      expect(r.pending).toBe(0);
      expect(r.stuck).toBe(0);
    }, 120_000);
  }
});
