// Embedded PostgreSQL (WASM). One connection: PGlite serialises queries and transactions itself.
import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateTree, restrictUmask } from '../private-files';
import type { Database, Queryable } from './driver';

/**
 * Where a freshly initialised cluster is kept between processes, when set (the test runs and the
 * benches set it under node_modules/.cache, keyed by PGlite's version: scripts/pglite-template.mjs).
 * A new cluster in WASM runs `initdb`: 3–4 s and as much CPU on this machine kind. With a template,
 * a new data directory is a copy of `<template>/cluster` (≈ 40 MB, 0.5 s) and an in-memory database
 * loads `<template>/cluster.tar` (≈ 0.5 s). The template holds no data: it is taken right after
 * `initdb`, before anything is written. Unset (the product), every new cluster runs `initdb`.
 */
export const PGLITE_TEMPLATE_ENV = 'TERMINAL_PGLITE_TEMPLATE';

/** The template's folder, made once (by whichever process first needs it), or null without one. */
let template: Promise<string | null> | null = null;

function templateDir(): Promise<string | null> {
  const dir = process.env[PGLITE_TEMPLATE_ENV];
  if (!dir) return Promise.resolve(null);
  template ??= ensureTemplate(dir).catch(() => null);
  return template;
}

async function ensureTemplate(dir: string): Promise<string> {
  if (existsSync(join(dir, 'complete'))) return dir;
  // Built beside it and renamed into place, so another process never sees half a template; of two
  // processes building at once, the first rename wins and the other's copy is dropped.
  const building = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(building, { recursive: true, mode: 0o700 });
    const pg = await PGlite.create(join(building, 'cluster'));
    const tar = await pg.dumpDataDir('none');
    await pg.close();
    await writeFile(join(building, 'cluster.tar'), Buffer.from(await tar.arrayBuffer()));
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

/** A database from a cluster's files; files that do not load (a damaged template) mean `initdb`. */
const fromFiles = (files: Blob | null): Promise<PGlite> => (files ? PGlite.create({ loadDataDir: files }).catch(() => PGlite.create()) : PGlite.create());

async function openInMemory(): Promise<PGlite> {
  if (pristine) return fromFiles(await pristine);
  let taken: (files: Blob | null) => void = () => undefined;
  pristine = new Promise((resolve) => (taken = resolve));
  const dir = await templateDir();
  if (dir) {
    // Only an uncompressed tar is handed over: PGlite takes anything else for gzip, and a zlib error
    // on garbage is thrown outside the promise (it would end the process).
    const files = await readFile(join(dir, 'cluster.tar')).then((b) => (b.length >= 512 && b.toString('latin1', 257, 262) === 'ustar' ? new Blob([b]) : null), () => null);
    taken(files);
    return fromFiles(files);
  }
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
async function openDataDir(dataDir: string): Promise<PGlite> {
  const dir = readdirSync(dataDir).length === 0 ? await templateDir() : null;
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

export async function openPglite(dataDir?: string): Promise<Database> {
  // The directory holds every document in clear (names, ID numbers in the WAL): owner only, before
  // and after PGlite unpacks into it (its file system sets 0666 on what it unpacks).
  if (dataDir) {
    restrictUmask();
    privateTree(dataDir);
  }
  const pg = dataDir ? await openDataDir(dataDir) : await openInMemory();
  if (dataDir) privateTree(dataDir);
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
