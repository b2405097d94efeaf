// Scale out (issue 16 item 3, acceptance): two platform processes (`platform serve`, real child
// processes) over one PostgreSQL, behind a round-robin TCP front that stands for the province's load
// balancer. Simulated terminals (the product's sync client: PlatformClient pushes, StreamClient holds
// the change stream) push applications and hold their streams; one process is killed with SIGKILL in
// the middle of a push. Then: every acknowledged push is stored once; the push that was cut (never
// acknowledged) is retried by its terminal and lands once; the streams reconnect through the front
// to the survivor and hear later changes. Seeded: SCALEOUT_SEED=<n> replays a run (batch sizes, which
// process dies, after how many of its pushes).
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../../fuzz/prng';
import { exampleApplication, paths, type StreamEvent } from '../protocol/index';
import { SyncTransportError } from '../client/errors';
import { StreamClient } from '../client/sse';
import { PlatformClient } from '../client/transport';
import { spawnPlatform, startFront, type Front, type PlatformProcess } from './test/cluster';
import { client } from './test/helpers';
import { requirePostgres, startTestDatabase, type TestDatabase } from './test/pg-cluster';

const ADMIN = 'adm_scale_out_test_token_0123456789';
const STATIONS = ['360121201', '360121100'] as const;
const TERMINALS = 6;
const SEED = Number(process.env.SCALEOUT_SEED ?? Math.floor(Math.random() * 1_000_000));
if (!Number.isSafeInteger(SEED) || SEED < 0) throw new Error(`SCALEOUT_SEED must be a whole number ≥ 0, not ${JSON.stringify(process.env.SCALEOUT_SEED)}`);


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (seed ${SEED})`);
    await sleep(25);
  }
}

interface Terminal {
  stationId: string;
  terminalId: string;
  push: PlatformClient;
  stream: StreamClient;
  events: { at: number; event: StreamEvent }[];
  up: boolean;
  opens: number;
  /** Ids of applications whose push was acknowledged (answered without a rejection). */
  acked: string[];
  /** Pushes that failed in transit and were sent again. */
  retries: number;
}

describe.runIf(requirePostgres())('scale out: two platform processes over one PostgreSQL, one killed mid-load', () => {
  let db: TestDatabase | undefined;
  let front: Front | undefined;
  const processes: PlatformProcess[] = [];
  const terminals: Terminal[] = [];
  afterAll(async () => {
    for (const t of terminals) await t.stream.stop();
    await front?.close();
    for (const p of processes) {
      p.child.kill('SIGTERM');
      await p.exited();
    }
    await db?.stop();
  });

  it(`every acknowledged push is stored once, cut pushes are retried, streams move to the survivor (seed ${SEED})`, async () => {
    const random = prng(SEED);
    db = await startTestDatabase();
    // One after the other: the first migrates and seeds the demo catalog and forms.
    processes.push(await spawnPlatform(['--database-url', db.url, '--admin-token', ADMIN, '--seed-demo'], 'platform (scale-out test)'));
    processes.push(await spawnPlatform(['--database-url', db.url, '--admin-token', ADMIN], 'platform (scale-out test)'));
    const victim = random() < 0.5 ? 0 : 1;
    const survivor = 1 - victim;
    const killAfter = 5 + Math.floor(random() * 20); // the victim's Nth push request
    let victimPushes = 0;
    let killedAt = 0;
    let streamsOnVictim = 0;
    front = await startFront(
      processes.map((p) => p.url),
      (backend, chunk) => {
        if (backend !== victim || killedAt) return;
        const head = chunk.subarray(0, 64).toString('latin1');
        if (head.startsWith(`GET ${paths.stream}`)) streamsOnVictim++;
        if (head.startsWith(`POST ${paths.push('applications')}`) && ++victimPushes >= killAfter) {
          // The push is on its way to the process (written to its socket) and is never answered.
          processes[victim]!.child.kill('SIGKILL');
          killedAt = Date.now();
        }
      },
    );
    const via = front.url;

    const admin = client(via, ADMIN);
    for (let n = 0; n < TERMINALS; n++) {
      const stationId = STATIONS[n % STATIONS.length]!;
      const code = (await admin.req('POST', paths.adminEnrollCodes, { stationId })).json.code as string;
      const pc = new PlatformClient({ baseUrl: via, timeoutMs: 10_000 });
      const enrolled = await pc.enroll(code, `scale-out ${n}`);
      pc.token = enrolled.token;
      const t: Terminal = {
        stationId,
        terminalId: enrolled.terminalId,
        push: pc,
        events: [],
        up: false,
        opens: 0,
        acked: [],
        retries: 0,
        stream: null as unknown as StreamClient,
      };
      t.stream = new StreamClient({
        baseUrl: via,
        token: () => enrolled.token,
        backoff: { baseMs: 100, maxMs: 400 },
        silenceMs: 10_000,
        onEvent: (event) => t.events.push({ at: Date.now(), event }),
        onOpen: () => {
          t.up = true;
          t.opens++;
        },
        onDown: () => {
          t.up = false;
        },
      });
      terminals.push(t);
    }
    // Streams one after the other: the front hands them to the two processes in turn.
    for (const t of terminals) {
      t.stream.start();
      await waitFor('a stream to open', () => t.up);
    }

    // Load: every terminal pushes batches of new submissions; a push cut in transit is sent again
    // (what main's sync feature does with a transient error) until it is answered.
    let pushing = true;
    const newBatch = (t: Terminal) =>
      Array.from({ length: 1 + Math.floor(random() * 6) }, () => exampleApplication({ status: 'submitted', stationId: t.stationId, terminalId: t.terminalId, submittedAt: new Date().toISOString() }));
    const pushOnce = async (t: Terminal, docs: ReturnType<typeof newBatch>) => {
      for (;;) {
        try {
          const r = await t.push.push('applications', docs.map((d) => ({ newDocumentState: d })));
          expect(r.rejections, `seed ${SEED}`).toEqual([]);
          t.acked.push(...docs.map((d) => d.id));
          return;
        } catch (e) {
          if (!(e instanceof SyncTransportError) || !e.transient) throw e;
          t.retries++;
          await sleep(50);
        }
      }
    };
    const attempted: string[] = [];
    const loops = terminals.map(async (t) => {
      while (pushing) {
        const docs = newBatch(t);
        attempted.push(...docs.map((d) => d.id));
        await pushOnce(t, docs);
      }
    });
    await waitFor('the kill', () => killedAt > 0);
    await processes[victim]!.exited();
    // The survivor carries on alone for a while, then the load stops.
    const ackedAtKill = terminals.reduce((n, t) => n + t.acked.length, 0);
    await waitFor('pushes after the kill', () => terminals.reduce((n, t) => n + t.acked.length, 0) >= ackedAtKill + 60);
    pushing = false;
    await Promise.all(loops);

    console.log(
      `scale-out seed ${SEED}: killed process ${victim} at its push #${killAfter}; ${terminals.reduce((n, t) => n + t.acked.length, 0)} applications acknowledged (${ackedAtKill} before the kill), ${terminals.reduce((n, t) => n + t.retries, 0)} pushes retried, ${streamsOnVictim} streams cut`,
    );
    expect(streamsOnVictim, `seed ${SEED}: some streams were held by the killed process`).toBeGreaterThan(0);
    expect(terminals.reduce((n, t) => n + t.retries, 0), `seed ${SEED}: the cut push was retried`).toBeGreaterThan(0);
    expect(front.open[victim]).toBe(0);

    // Every stream is up again, through the survivor; those cut by the kill reconnected.
    await waitFor('every stream to reconnect', () => terminals.every((t) => t.up) && terminals.filter((t) => t.opens > 1).length >= streamsOnVictim);
    // Exactly the streams the killed process held were cut and opened again (each with a RESYNC).
    expect(terminals.filter((t) => t.opens > 1).length, `seed ${SEED}`).toBe(streamsOnVictim);
    for (const t of terminals.filter((x) => x.opens > 1)) expect(t.events.some((e) => e.at > killedAt && e.event.type === 'RESYNC')).toBe(true);
    expect(front.open[survivor]).toBeGreaterThanOrEqual(TERMINALS);

    // Stored exactly once: every pushed application (acknowledged, or cut and retried) is there once,
    // received once (one `synced` entry), and nothing else came in.
    const acked = terminals.flatMap((t) => t.acked);
    expect(new Set(acked).size).toBe(acked.length);
    expect([...acked].sort()).toEqual([...attempted].sort());
    const pgc = new pg.Client({ connectionString: db.url });
    await pgc.connect();
    try {
      const rows = (
        await pgc.query<{ id: string; status: string; history: { status: string }[] }>(
          "SELECT id, data->>'status' AS status, data->'statusHistory' AS history FROM documents WHERE collection = 'applications'",
        )
      ).rows;
      expect(rows.length, `seed ${SEED}`).toBe(acked.length);
      expect(new Set(rows.map((r) => r.id))).toEqual(new Set(acked));
      expect(rows.filter((r) => r.status !== 'synced' || r.history.filter((h) => h.status === 'synced').length !== 1).map((r) => r.id)).toEqual([]);

      // Each terminal pulls its station's applications through the front: each once, none missing.
      for (const t of terminals.slice(0, STATIONS.length)) {
        const seen: string[] = [];
        let cp = 0;
        for (;;) {
          const page = await t.push.pull('applications', { seq: cp }, 500);
          if (page.documents.length === 0) break;
          seen.push(...page.documents.map((d) => String(d.id)));
          cp = page.checkpoint.seq;
        }
        const mine = terminals.filter((o) => o.stationId === t.stationId).flatMap((o) => o.acked);
        expect(seen.length, `seed ${SEED}`).toBe(new Set(seen).size);
        expect(new Set(seen)).toEqual(new Set(mine));
      }

      // A later change reaches every stream of its station through the survivor.
      const later = Date.now();
      for (const [i, stationId] of STATIONS.entries()) {
        const t = terminals[i]!;
        const doc = exampleApplication({ status: 'submitted', stationId, terminalId: t.terminalId, submittedAt: new Date().toISOString() });
        await pushOnce(t, [doc]);
        const seq = Number((await pgc.query<{ seq: string }>("SELECT seq FROM documents WHERE collection = 'applications' AND id = $1", [doc.id])).rows[0]!.seq);
        for (const o of terminals.filter((x) => x.stationId === stationId)) {
          await waitFor(`the later change at terminal ${o.terminalId}`, () =>
            o.events.some((e) => e.at >= later && e.event.type === 'CHANGE' && e.event.collection === 'applications' && e.event.checkpoint.seq >= seq),
          );
        }
      }
    } finally {
      await pgc.end();
    }
  }, 180_000);
});
