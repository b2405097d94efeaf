// A fixed set of fuzzer seeds inside `npm test` (the full hunt is `npm run fuzz`), on PGlite and on
// PostgreSQL, plus the shrunk sequences of the bugs the fuzzer found (regressions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesContaining, generate, PlatformHost, prng, runActions, shrink, type Action } from './fuzzer';
import { backends, enroll } from '../sync/server/test/helpers';
import { startTestDatabase, type TestDatabase } from '../sync/server/test/pg-cluster';

/** Seeds that ran clean when they were chosen; each covers most action kinds in 30 steps. */
const SEEDS = { pglite: [1, 2], postgres: [3] } as const;

describe('the no-PII-in-files check', () => {
  it('finds clear PII, skips a file removed between listing and reading (seed 500204), and still fails on other read errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-pii-'));
    try {
      writeFileSync(join(dir, 'clear.json'), '{"name":"测试人"}');
      writeFileSync(join(dir, 'sealed.att'), 'TTA1 nothing readable');
      mkdirSync(join(dir, 'sub'));
      const gone = join(dir, 'uploaded-and-deleted.att');
      // The uploader deletes a confirmed attachment after the walk listed it.
      const listed = [join(dir, 'clear.json'), gone, join(dir, 'sealed.att')];
      expect(filesContaining(dir, ['测试人'], () => listed)).toEqual([join(dir, 'clear.json')]);
      expect(filesContaining(dir, ['测试人'])).toEqual([join(dir, 'clear.json')]);
      // A directory given as a file is a real error of the check, not a race: it is not swallowed.
      expect(() => filesContaining(dir, ['测试人'], () => [join(dir, 'sub')])).toThrow(/EISDIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('action generation and shrinking (no platform)', () => {
  it('a seed always gives the same actions; different seeds differ; quiescent points are spread', () => {
    expect(generate(7, { terminals: 3, steps: 50 })).toEqual(generate(7, { terminals: 3, steps: 50 }));
    expect(generate(7, { terminals: 3, steps: 50 })).not.toEqual(generate(8, { terminals: 3, steps: 50 }));
    const a = generate(7, { terminals: 3, steps: 50 });
    expect(a.at(-1)).toEqual({ k: 'quiesce' });
    expect(a.filter((x) => x.k === 'quiesce').length).toBeGreaterThanOrEqual(4);
    for (const x of a) if ('t' in x) expect(x.t).toBeLessThan(3);
    const r = prng(1);
    const xs = Array.from({ length: 1000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('the shrinker keeps exactly what the failure needs', async () => {
    const actions = generate(11, { terminals: 3, steps: 60 });
    const needed = actions.filter((x) => x.k === 'office').slice(0, 2);
    expect(needed).toHaveLength(2);
    // "Fails" when both chosen actions are present, in order.
    const fails = async (c: Action[]) => needed.every((n) => c.includes(n)) && c.indexOf(needed[0]!) < c.indexOf(needed[1]!);
    const shrunk = await shrink(fails, actions, { runs: 500 });
    expect(shrunk).toEqual([...needed, { k: 'quiesce' }]);
  });
});

describe.each(backends())('sync fuzzer on $name', (backend) => {
  let host: PlatformHost;
  let db: TestDatabase | null = null;
  beforeAll(async () => {
    if (backend.name === 'postgres') db = await startTestDatabase();
    host = new PlatformHost(db?.url);
    await host.start();
  });
  afterAll(async () => {
    await host?.close();
    await db?.stop();
  });

  /**
   * Regressions: shrunk action lists of bugs the fuzzer found. Issue 11 (the pushed `submitted` stays
   * on the terminal while the platform has `synced`): fails on the code before the push answer
   * carried the stored state (the terminal keeps `submitted`, view ≠ platform).
   */
  const REGRESSIONS: Record<string, Action[]> = {
    'issue 11: push answer after a concurrent pull answer': [
      { k: 'fault', t: 0, fault: 'reorder' },
      { k: 'create', t: 0 },
      { k: 'create', t: 0 },
      { k: 'submit', t: 0, app: 0 },
      { k: 'pause', ms: 300 },
      { k: 'submit', t: 0, app: 1 },
      { k: 'pause', ms: 300 },
      { k: 'quiesce' },
    ],
    // Seed 438670741: a draft withdrawn before it ever reached the platform (here: its token revoked
    // meanwhile) was refused as "(new) to withdrawn" and quarantined; the platform never had it.
    'a draft withdrawn before its first push': [
      { k: 'create', t: 2 },
      { k: 'restart', t: 2 },
      { k: 'revoke', t: 2 },
      { k: 'withdraw', t: 2, app: 564780 },
      { k: 'restart', t: 2 },
      { k: 'quiesce' },
    ],
    // Seed 500150: a terminal submitted a draft another terminal had submitted first; after the 补正
    // request its fork's stale `submitted` entry was merged onto the platform's history without the
    // status (`supplement_required` after `submitted`), and the platform took it.
    'a crossed submission\'s stale history entry after a 补正 request': [
      { k: 'create', t: 2 },
      { k: 'submit', t: 1, app: 988366 },
      { k: 'pause', ms: 164 },
      { k: 'restart', t: 1 },
      { k: 'fault', t: 1, fault: 'reorder' },
      { k: 'submit', t: 0, app: 574628 },
      { k: 'office', op: 'accept', app: 82180, flags: true },
      { k: 'create', t: 0 },
      { k: 'submit', t: 2, app: 396330 },
      { k: 'office', op: 'accept', app: 763332, flags: false },
      { k: 'office', op: 'supplement', app: 572218, flags: true },
      { k: 'attach', t: 1, app: 992147, v: 648207496 },
      { k: 'quiesce' },
    ],
  };
  /**
   * On PostgreSQL. Seed 700062 (shrunk from 44 to 39 actions): with duplicated, delayed and reordered
   * answers, the platform applied a terminal's push, another terminal's submission (or the back
   * office) changed the application, and the pull with that state was processed before the push
   * answer: the terminal kept the older state for good. Without the pull rewind of
   * `renderer/db/replication.ts` it failed in 2 of 6 replays; `race.test.ts` has the deterministic form.
   */
  const PG_REGRESSIONS: Record<string, Action[]> = {
    'seed 700062: a newer state pulled while the push was in flight': [
      { k: 'submit', t: 0, app: 974003 },
      { k: 'fault', t: 1, fault: 'duplicate' },
      { k: 'create', t: 0 },
      { k: 'submit', t: 1, app: 661589 },
      { k: 'create', t: 2 },
      { k: 'resubmit', t: 1, app: 270506, v: 753040 },
      { k: 'create', t: 0 },
      { k: 'create', t: 1 },
      { k: 'evaluate', t: 2 },
      { k: 'office', op: 'reject', app: 831911, flags: false },
      { k: 'fault', t: 0, fault: 'reorder' },
      { k: 'office', op: 'review', app: 518395, flags: true },
      { k: 'resubmit', t: 0, app: 285157, v: 253952 },
      { k: 'ticket', t: 0, n: 789764 },
      { k: 'fault', t: 1, fault: 'delay' },
      { k: 'edit', t: 1, app: 562963, v: 516231 },
      { k: 'edit', t: 2, app: 158327, v: 214139 },
      { k: 'resubmit', t: 0, app: 956533, v: 319418 },
      { k: 'resubmit', t: 1, app: 180442, v: 454420 },
      { k: 'edit', t: 0, app: 976995, v: 110625 },
      { k: 'create', t: 1 },
      { k: 'pause', ms: 28 },
      { k: 'office', op: 'complete', app: 470946, flags: true },
      { k: 'edit', t: 1, app: 714993, v: 350997 },
      { k: 'fault', t: 1, fault: 'reorder' },
      { k: 'submit', t: 1, app: 974571 },
      { k: 'restart', t: 1 },
      { k: 'clock', t: 2, days: -1 },
      { k: 'submit', t: 0, app: 918543 },
      { k: 'fault', t: 0, fault: 'reorder' },
      { k: 'fault', t: 2, fault: 'duplicate' },
      { k: 'create', t: 0 },
      { k: 'submit', t: 2, app: 522134 },
      { k: 'submit', t: 0, app: 216352 },
      { k: 'pause', ms: 150 },
      { k: 'pause', ms: 163 },
      { k: 'create', t: 2 },
      { k: 'resubmit', t: 0, app: 121037, v: 496270 },
      { k: 'quiesce' },
    ],
  };
  // Each regression runs on the storage it was found on.
  for (const [name, actions] of Object.entries(backend.name === 'postgres' ? PG_REGRESSIONS : REGRESSIONS)) {
    it(`regression: ${name}`, async () => {
      const r = await runActions(host, actions, { terminals: 3 });
      expect(r.violations).toEqual([]);
    }, 90_000);
  }

  if (backend.name === 'pglite') {
    // A 1000-seed run enrolls 3 terminals a seed, all from 127.0.0.1: with the deployed per-address
    // enrollment limit (20 a minute) the run died at seed 35 (a terminal "did not enroll").
    it('the run\'s platform takes a long run\'s enrollments from one address', async () => {
      for (let i = 0; i < 30; i++) await enroll(host.platform, '360121201');
    }, 120_000);
  }

  for (const seed of SEEDS[backend.name]) {
    it(`seed ${seed}: 3 terminals, 30 steps, no invariant violated`, async () => {
      const r = await runActions(host, generate(seed, { terminals: 3, steps: 30 }), { terminals: 3 });
      expect(r.violations, `replay: npm run fuzz -- --seed ${seed} --seeds 1 --steps 30${backend.name === 'postgres' ? ' --postgres' : ''}`).toEqual([]);
      expect(r.quiescentPoints).toBeGreaterThanOrEqual(3);
      expect(r.applied).toBeGreaterThan(10);
    }, 150_000);
  }
});
