/**
 * Station hub: upstream drain of one day's work after a provincial cut, in this process.
 *   hub-drain-day   a province (PGlite in a folder, demo catalog) behind a TCP fault proxy, a station hub
 *                   (PGlite in a folder) enrolled with it. With the province cut, a terminal of the hall
 *                   files 300 applications, each with one attachment (a 64 KiB scan), and 500 queue
 *                   tickets at the hub. The link is restored; measured: time from the restore until the
 *                   hub reports nothing pending (attachments, then applications, then tickets), and
 *                   documents/s. Exactly-once is checked, not assumed: the province's write counter
 *                   moves by exactly 800, every application is there once with one `synced` entry,
 *                   every attachment is complete there, and a second round writes nothing.
 * Median over BENCH_RUNS runs (default 3). Env: BENCH_RUNS, BENCH_APPS (300), BENCH_TICKETS (500),
 * BENCH_ATTACHMENT_BYTES (65536).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exampleApplication, exampleQueueTicket, paths, type ApplicationDoc } from '../sync/protocol/index';
import { startPlatform } from '../sync/server/platform';
import { startStationHub } from '../sync/server/hub/hub';
import { startFaultProxy } from '../sync/server/test/fault-proxy';
import { client } from '../sync/server/test/helpers';
import { median, report } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const APPS = Number(process.env.BENCH_APPS ?? 300);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 500);
const ATTACHMENT_BYTES = Number(process.env.BENCH_ATTACHMENT_BYTES ?? 64 * 1024);
const STATION = '360121201';

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function run(): Promise<{ drainMs: number; docsPerSec: number; bytes: number; phases: Record<string, number> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-hub-'));
  const province = await startPlatform({ dataDir: path.join(dir, 'province'), seedDemo: true });
  const u = new URL(province.url);
  const proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
  const hub = await startStationHub({ upstream: proxy.url, enrollCode: await province.createEnrollCode(STATION), dataDir: path.join(dir, 'hub'), backoff: { baseMs: 100, maxMs: 1000 } });
  try {
    await waitFor(async () => (await hub.store.countDocuments('form_schemas')) > 0 && (await hub.store.countDocuments('staff')) > 0, 120_000, 'catalog at the hub');
    const code = await hub.createEnrollCode();
    const enr = await fetch(hub.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const term = client(hub.url, ((await enr.json()) as { token: string }).token);

    proxy.set({ kind: 'drop' });
    await waitFor(async () => (await hub.status()).upstream?.reachable === false, 60_000, 'hub sees the cut');
    const apps: ApplicationDoc[] = [];
    let bytes = 0;
    for (let i = 0; i < APPS; i++) {
      const scan = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(ATTACHMENT_BYTES - 9)]);
      const sha = createHash('sha256').update(scan).digest('hex');
      const put = await fetch(hub.url + paths.attachment(sha), { method: 'PUT', headers: { authorization: `Bearer ${term.token}`, 'content-type': 'application/octet-stream' }, body: scan });
      if (put.status !== 201) throw new Error(`attachment at the hub: ${put.status}`);
      bytes += scan.length;
      const app = exampleApplication({ status: 'submitted' });
      app.materials = [{ code: 'MZ06-M01', name: '身份证', provided: true, origin: 'scan', attachments: [{ sha256: sha, size: scan.length, mimeType: 'application/pdf' }] }] as ApplicationDoc['materials'];
      apps.push(app);
    }
    for (let i = 0; i < apps.length; i += 100) {
      const r = await term.push('applications', apps.slice(i, i + 100).map((d) => ({ newDocumentState: d })));
      if (r.written !== Math.min(100, apps.length - i)) throw new Error(`hub refused applications: ${JSON.stringify(r.rejections.slice(0, 2))}`);
    }
    const tickets = Array.from({ length: TICKETS }, (_, i) => exampleQueueTicket({ number: `${'ABCDE'[i % 5]}${String(Math.floor(i / 5) + 1).padStart(3, '0')}` }));
    for (let i = 0; i < tickets.length; i += 250) {
      const r = await term.push('queue_tickets', tickets.slice(i, i + 250).map((d) => ({ newDocumentState: d })));
      if (r.written !== Math.min(250, tickets.length - i)) throw new Error('hub refused tickets');
    }
    const held = (await hub.status()).upstream!.pending;
    if (held.applications !== APPS || held.queue_tickets !== TICKETS || held.attachments !== APPS) throw new Error(`pending at the hub: ${JSON.stringify(held)}`);

    const writtenBefore = province.store.counters.pushWritten;
    const t0 = performance.now();
    proxy.set({ kind: 'pass' });
    const phases: Record<string, number> = {};
    await waitFor(async () => {
      const s = (await hub.status()).upstream!;
      for (const [k, n] of Object.entries(s.pending)) if (n === 0 && phases[k] === undefined) phases[k] = performance.now() - t0;
      return Object.values(s.pending).every((n) => n === 0);
    }, 900_000, 'drained');
    const drainMs = performance.now() - t0;

    // Exactly once.
    const written = province.store.counters.pushWritten - writtenBefore;
    if (written !== APPS + TICKETS) throw new Error(`the province wrote ${written} documents for ${APPS + TICKETS}`);
    const atProvince = await province.store.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM documents WHERE collection = 'applications' AND id = ANY($1::text[]) AND jsonb_array_length(jsonb_path_query_array(data->'statusHistory', '$[*] ? (@.status == \"synced\")')) = 1",
      [apps.map((a) => a.id)],
    );
    if (Number(atProvince[0]?.n) !== APPS) throw new Error(`applications at the province with one synced entry: ${atProvince[0]?.n}`);
    const complete = await province.store.db.query<{ n: string | number }>('SELECT count(*) AS n FROM attachments WHERE complete');
    if (Number(complete[0]?.n) !== APPS) throw new Error(`complete attachments at the province: ${complete[0]?.n}`);
    const tk = await province.store.db.query<{ n: string | number }>("SELECT count(*) AS n FROM documents WHERE collection = 'queue_tickets'");
    if (Number(tk[0]?.n) !== TICKETS) throw new Error(`tickets at the province: ${tk[0]?.n}`);
    await hub.replicator.syncNow();
    if (province.store.counters.pushWritten - writtenBefore !== APPS + TICKETS) throw new Error('a second round wrote again');
    return { drainMs, docsPerSec: ((APPS + TICKETS) / drainMs) * 1000, bytes, phases };
  } finally {
    await hub.close();
    await proxy.close();
    await province.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const samples: { drainMs: number; docsPerSec: number; bytes: number; phases: Record<string, number> }[] = [];
for (let i = 0; i < RUNS; i++) samples.push(await run());
report({
  name: 'hub-drain-day',
  unit: 'ms',
  median: median(samples.map((s) => s.drainMs)),
  samples: samples.map((s) => s.drainMs),
  docsPerSec: median(samples.map((s) => s.docsPerSec)),
  applications: APPS,
  attachments: APPS,
  attachmentBytes: samples[0]?.bytes ?? 0,
  queueTickets: TICKETS,
  exactlyOnce: true,
  /** Median time from the restore until each kind was fully drained (attachments go first). */
  attachmentsDoneMs: median(samples.map((s) => s.phases.attachments ?? NaN)),
  applicationsDoneMs: median(samples.map((s) => s.phases.applications ?? NaN)),
  ticketsDoneMs: median(samples.map((s) => s.phases.queue_tickets ?? NaN)),
  storage: 'pglite',
});
process.exit(0);
