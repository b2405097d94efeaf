// Embedded PostgreSQL (WASM). One connection: PGlite serialises queries and transactions itself.
import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { privateTree, restrictUmask } from '../private-files';
import type { Database, Prepared, Queryable } from './driver';

/**
 * Where fresh clusters are kept between processes, when set (the test runs set it under
 * node_modules/.cache, keyed by PGlite's version: scripts/pglite-template.mjs). A new cluster in WASM
 * runs `initdb`: 3–4 s and as much CPU on this machine kind, and the platform's migrations ≈ 0.8 s
 * more. With a template, a new data directory is a copy of `<template>/<kind>/cluster` (≈ 40 MB,
 * 0.5 s) and an in-memory database loads `<template>/<kind>/cluster.tar` (≈ 0.5 s). A kind is a plain
 * `initdb`, or one prepared by the caller (`Prepared`: the platform's migrations, keyed by their text).
 * A template holds no data: nothing is written to it but what `prepare` does. Unset (the product),
 * every new cluster runs `initdb` and whatever the caller does next.
 */
export const PGLITE_TEMPLATE_ENV = 'TERMINAL_PGLITE_TEMPLATE';

const PLAIN: Prepared = { key: 'initdb', prepare: async () => undefined };

/**
 * Set to 1 (the test runs: scripts/pglite-template.mjs), PGlite's WebAssembly runs on V8's baseline
 * compiler only (Liftoff): V8 optimising the ≈ 8 MB module with TurboFan costs every process that opens
 * PGlite ≈ 2 s of CPU at its start (measured: a new cluster opened in 2.9–3.1 s instead of 4.9–6.2 s,
 * CPU 3.4–3.7 s instead of 5.3–6.0 s), which the test suites pay in every process. Unset (the product:
 * a hub runs for days), V8 optimises as usual (bench/README.md).
 */
export const PGLITE_BASELINE_ENV = 'TERMINAL_PGLITE_BASELINE';

let baselineChecked = false;
/** V8's flags are the process's: set before PGlite's module is compiled (its first `create`). */
function baselineWasm(): void {
  if (baselineChecked) return;
  baselineChecked = true;
  if (process.env[PGLITE_BASELINE_ENV] === '1') setFlagsFromString('--liftoff-only');
}

/** Each kind's template folder, made once (by whichever process first needs it), or null without one. */
const templates = new Map<string, Promise<string | null>>();

function templateDir(kind: Prepared): Promise<string | null> {
  const base = process.env[PGLITE_TEMPLATE_ENV];
  if (!base || !/^[a-z0-9-]+$/.test(kind.key)) return Promise.resolve(null);
  let made = templates.get(kind.key);
  if (!made) {
    made = ensureTemplate(join(base, kind.key), kind).catch(() => null);
    templates.set(kind.key, made);
  }
  return made;
}

async function ensureTemplate(dir: string, kind: Prepared): Promise<string> {
  if (existsSync(join(dir, 'complete'))) return dir;
  // Built beside it and renamed into place, so another process never sees half a template; of two
  // processes building at once, the first rename wins and the other's copy is dropped.
  const building = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(building, { recursive: true, mode: 0o700 });
    const pg = await PGlite.create(join(building, 'cluster'));
    try {
      await kind.prepare(asDatabase(pg));
      const tar = await pg.dumpDataDir('none');
      await writeFile(join(building, 'cluster.tar'), Buffer.from(await tar.arrayBuffer()));
    } finally {
      await pg.close();
    }
    await writeFile(join(building, 'complete'), '');
    await rename(building, dir).catch((e: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, 'complete'))) throw e;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return dir;
}

/**
 * In a process without a template, the files of its first in-memory database, taken before anything
 * is written to it (≈ 0.2 s; ≈ 40 MB held while the process lives): later in-memory databases load
 * them instead of running `initdb` again. A failure to take the copy falls back to `initdb` every time.
 */
let pristine: Promise<Blob | null> | null = null;
/** With a template: each kind's files, read once per process. */
const templateFiles = new Map<string, Promise<Blob | null>>();

/** A database from a cluster's files; files that do not load (a damaged template) mean `initdb`. */
const fromFiles = (files: Blob | null): Promise<PGlite> => (files ? PGlite.create({ loadDataDir: files }).catch(() => PGlite.create()) : PGlite.create());

/** The template's files as PGlite may load them: only an uncompressed tar (it takes anything else
 * for gzip, and a zlib error on garbage is thrown outside the promise: it would end the process). */
async function readTemplateFiles(dir: string): Promise<Blob | null> {
  const b = await readFile(join(dir, 'cluster.tar')).catch(() => null);
  return b && b.length >= 512 && b.toString('latin1', 257, 262) === 'ustar' ? new Blob([b]) : null;
}

/** An in-memory database: from `kind`'s template when there is one, else a fresh cluster. */
async function openInMemory(kind: Prepared): Promise<PGlite> {
  const dir = await templateDir(kind);
  if (dir) {
    let files = templateFiles.get(kind.key);
    if (!files) {
      files = readTemplateFiles(dir);
      templateFiles.set(kind.key, files);
    }
    return fromFiles(await files);
  }
  if (pristine) return fromFiles(await pristine);
  let taken: (files: Blob | null) => void = () => undefined;
  pristine = new Promise((resolve) => (taken = resolve));
  // The first one initialises its cluster and is copied before it is handed out.
  let pg: PGlite;
  try {
    pg = await PGlite.create();
  } catch (e) {
    taken(null);
    throw e;
  }
  taken(await pg.dumpDataDir('none').catch(() => null));
  return pg;
}

/**
 * Opens the cluster in `dataDir`. A folder with no cluster yet (empty, or just made) starts as a copy
 * of the template when there is one; if that copy does not open, it is removed and PGlite runs
 * `initdb` there as it would have. A folder with anything else in it is left to PGlite as it is.
 */
async function openDataDir(dataDir: string, kind: Prepared): Promise<PGlite> {
  const dir = readdirSync(dataDir).length === 0 ? await templateDir(kind) : null;
  if (dir) {
    try {
      await cp(join(dir, 'cluster'), dataDir, { recursive: true });
      return await PGlite.create(dataDir);
    } catch {
      // The folder was empty before the copy: what is in it now is the copy's.
      for (const entry of readdirSync(dataDir)) await rm(join(dataDir, entry), { recursive: true, force: true });
    }
  }
  return PGlite.create(dataDir);
}

function asDatabase(pg: PGlite, dataDir?: string): Database {
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await q.query<T>(sql, params);
      return r.rows;
    },
  });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    query: base.query,
    transaction: (fn, options) =>
      pg.transaction(async (tx) => {
        if (options?.lockKey !== undefined) await tx.query('SELECT pg_advisory_xact_lock($1)', [options.lockKey]);
        return fn(wrap(tx));
      }),
    async exec(sql) {
      await pg.exec(sql);
    },
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return async () => {
        if (!pg.closed) await unlisten();
      };
    },
    async close() {
      if (!pg.closed) await pg.close();
      if (dataDir) privateTree(dataDir);
    },
  };
}

/**
 * Opens a PGlite database: in `dataDir`, or in memory. With `prepared`, a new cluster may come from a
 * template that has already been through `prepared.prepare` (the caller then finds that work done,
 * e.g. every migration applied); otherwise the caller does it as usual.
 */
export async function openPglite(dataDir?: string, prepared: Prepared = PLAIN): Promise<Database> {
  baselineWasm();
  // The directory holds every document in clear (names, ID numbers in the WAL): owner only, before
  // and after PGlite unpacks into it (its file system sets 0666 on what it unpacks).
  if (dataDir) {
    restrictUmask();
    privateTree(dataDir);
  }
  const pg = dataDir ? await openDataDir(dataDir, prepared) : await openInMemory(prepared);
  if (dataDir) privateTree(dataDir);
  return asDatabase(pg, dataDir);
}
