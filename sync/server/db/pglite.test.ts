// In-memory databases after the first start from a copy of a fresh cluster (pglite.ts): each must be
// as empty and as separate as one from `initdb`, whatever was written to the others, concurrently too.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Database } from './driver';
import { openPglite, PGLITE_BASELINE_ENV, PGLITE_TEMPLATE_ENV } from './pglite';
import { migrate, MIGRATED } from './migrate';

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function fresh(): Promise<Database> {
  const db = await openPglite();
  open.push(db);
  await migrate(db);
  return db;
}
const ids = async (db: Database) => (await db.query<{ id: string }>("SELECT id FROM documents WHERE collection = 'staff' ORDER BY id")).map((r) => r.id);
const run = promisify(execFile);
/** Opens one database in a child process the way the platform does (fixtures/pglite-open.ts). */
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'pglite-open.ts');
const write = (db: Database, id: string) => db.query("INSERT INTO documents (collection, id, seq, data, updated_at) VALUES ('staff', $1, doc_position(), '{}'::jsonb, now())", [id]);

describe('in-memory PGlite', () => {
  it('every database is empty when opened and keeps only its own writes', async () => {
    const first = await fresh();
    await write(first, 'a');
    const [second, third] = await Promise.all([fresh(), fresh()]);
    expect(await ids(second)).toEqual([]);
    await write(second, 'b');
    await write(third, 'c');
    expect(await ids(first)).toEqual(['a']);
    expect(await ids(second)).toEqual(['b']);
    expect(await ids(third)).toEqual(['c']);
    // A schema change in one is not in the next one either.
    await first.exec('CREATE TABLE only_here (x int)');
    const fourth = await fresh();
    expect(await fourth.query("SELECT to_regclass('only_here') AS t")).toEqual([{ t: null }]);
    expect(await ids(fourth)).toEqual([]);
  });
});

// With TERMINAL_PGLITE_TEMPLATE (the test runs set it), new clusters are copies of a fresh one kept
// on disk. Real processes, as in a run: several may need the template at once; each database made from
// it is as empty and as separate as one from `initdb`; a damaged template only costs the `initdb`.
describe('PGlite template across processes', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pglite-template-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const open = async (templateDir: string, dataDir: string, mark: string): Promise<string[]> => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, mark], { env: { ...process.env, [PGLITE_TEMPLATE_ENV]: templateDir }, timeout: 60_000 });
    return (JSON.parse(stdout.trim().split('\n').pop()!) as { before: string[] }).before;
  };

  it('is made once by concurrent processes; each new cluster starts empty and keeps its own writes', async () => {
    const tpl = path.join(tmp, 'cache', 'template');
    const [a, b] = [path.join(tmp, 'a'), path.join(tmp, 'b')];
    // Two processes with no template yet, a new data folder each, one more in memory.
    expect(await Promise.all([open(tpl, a, 'a1'), open(tpl, b, 'b1'), open(tpl, '', 'm1')])).toEqual([[], [], []]);
    expect(existsSync(path.join(tpl, 'initdb', 'complete'))).toBe(true);
    expect(readdirSync(tpl)).toEqual(['initdb']); // no half-built copy left beside it
    // Reopened: each folder has its own mark only; the template got none.
    expect(await open(tpl, a, 'a2')).toEqual(['a1']);
    expect(await open(tpl, b, 'b2')).toEqual(['b1']);
    expect(await open(tpl, path.join(tmp, 'c'), 'c1')).toEqual([]);
    expect(await open(tpl, '', 'm2')).toEqual([]);
    // Owner only, like any cluster the platform opens.
    expect(statSync(path.join(tmp, 'c')).mode & 0o077).toBe(0);
  }, 120_000);

  it('a damaged template falls back to initdb, in a folder and in memory', async () => {
    const tpl = path.join(tmp, 'damaged');
    const kind = path.join(tpl, 'initdb');
    mkdirSync(path.join(kind, 'cluster', 'base'), { recursive: true });
    writeFileSync(path.join(kind, 'cluster', 'PG_VERSION'), 'not a version\n');
    writeFileSync(path.join(kind, 'cluster', 'base', 'junk'), randomBytes(4096));
    writeFileSync(path.join(kind, 'cluster.tar'), randomBytes(64 * 1024));
    writeFileSync(path.join(kind, 'complete'), '');
    const d = path.join(tmp, 'd');
    expect(await open(tpl, d, 'd1')).toEqual([]);
    expect(await open(tpl, d, 'd2')).toEqual(['d1']);
    expect(readFileSync(path.join(d, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
    expect(await open(tpl, '', 'm1')).toEqual([]);
  }, 120_000);
});

// A kind prepared by the caller (the platform's migrations): the template has been through it once,
// later clusters have too without doing it again, and they are the same as one migrated from scratch.
describe('PGlite template of a prepared kind', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pglite-prepared-'));
  const saved = process.env[PGLITE_TEMPLATE_ENV];
  afterAll(() => {
    if (saved === undefined) delete process.env[PGLITE_TEMPLATE_ENV];
    else process.env[PGLITE_TEMPLATE_ENV] = saved;
    rmSync(tmp, { recursive: true, force: true });
  });
  const schema = (db: Database) =>
    db.query(
      `SELECT table_name, column_name, data_type, column_default, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
    );
  const functions = (db: Database) => db.query(`SELECT proname, pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1`);

  it('is prepared once; new clusters, on disk and in memory, start prepared', async () => {
    process.env[PGLITE_TEMPLATE_ENV] = path.join(tmp, 'templates');
    let prepared = 0;
    const kind = { key: `test-${randomBytes(4).toString('hex')}`, prepare: async (db: Database) => void (prepared++, await db.exec("CREATE TABLE ready (x text); INSERT INTO ready VALUES ('yes')")) };
    for (const dir of [path.join(tmp, 'one'), path.join(tmp, 'two'), undefined]) {
      const db = await openPglite(dir, kind);
      expect(await db.query('SELECT x FROM ready')).toEqual([{ x: 'yes' }]);
      await db.exec("INSERT INTO ready VALUES ('mine')");
      await db.close();
    }
    expect(prepared).toBe(1);
    // What one cluster wrote is in no other, nor in the template.
    const again = await openPglite(path.join(tmp, 'three'), kind);
    expect(await again.query('SELECT x FROM ready')).toEqual([{ x: 'yes' }]);
    await again.close();
  }, 120_000);

  it('a migrated cluster from the template is the one migrations make from scratch', async () => {
    process.env[PGLITE_TEMPLATE_ENV] = path.join(tmp, 'templates');
    const fromTemplate = await openPglite(path.join(tmp, 'migrated'), MIGRATED);
    expect(await migrate(fromTemplate)).toEqual([]); // nothing left to do
    delete process.env[PGLITE_TEMPLATE_ENV];
    const scratch = await openPglite();
    expect((await migrate(scratch)).length).toBeGreaterThan(10);
    expect(await schema(fromTemplate)).toEqual(await schema(scratch));
    expect(await functions(fromTemplate)).toEqual(await functions(scratch));
    expect(await fromTemplate.query('SELECT * FROM divisions ORDER BY code')).toEqual(await scratch.query('SELECT * FROM divisions ORDER BY code'));
    await fromTemplate.close();
    await scratch.close();
  }, 120_000);
});

// TERMINAL_PGLITE_BASELINE=1 (the test runs): PGlite's WebAssembly is never optimised by TurboFan, what
// V8 otherwise spends ≈ 2 s of CPU on in every process that opens one. V8 itself says what it compiled
// (--trace-wasm-compilation-times: a line per function, with its compiler).
describe('PGlite on the baseline compiler', () => {
  const compilers = async (baseline: string | undefined) => {
    const env: NodeJS.ProcessEnv = { ...process.env, [PGLITE_TEMPLATE_ENV]: '' };
    if (baseline === undefined) delete env[PGLITE_BASELINE_ENV];
    else env[PGLITE_BASELINE_ENV] = baseline;
    // In memory, without a template: initdb runs, the hottest work a PGlite start does.
    const { stdout } = await run(process.execPath, ['--trace-wasm-compilation-times', '--import', 'tsx', FIXTURE, '', 'x'], { env, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('{"before":[]}');
    // `Compiled function <module>#<index> using <compiler>`: PGlite's is the module with the most
    // functions (other, small ones, e.g. the loader's, compile before the flag is set).
    const byModule = new Map<string, { liftoff: number; turbofan: number }>();
    for (const m of stdout.matchAll(/^Compiled function (0x[0-9a-f]+)#\d+ using (Liftoff|TurboFan)/gm)) {
      const e = byModule.get(m[1]!) ?? { liftoff: 0, turbofan: 0 };
      if (m[2] === 'Liftoff') e.liftoff++;
      else e.turbofan++;
      byModule.set(m[1]!, e);
    }
    return [...byModule.values()].sort((a, b) => b.liftoff + b.turbofan - (a.liftoff + a.turbofan))[0] ?? { liftoff: 0, turbofan: 0 };
  };

  it('=1: Liftoff only; unset: V8 optimises as usual', async () => {
    const [baseline, usual] = await Promise.all([compilers('1'), compilers(undefined)]);
    expect(baseline.liftoff).toBeGreaterThan(1000);
    expect(baseline.turbofan).toBe(0);
    expect(usual.turbofan).toBeGreaterThan(0);
  }, 120_000);
});
