/** Test helpers: a fresh memory-storage database with validation on. */
import { afterEach } from 'vitest';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import type { ApplicationDoc } from '../../sync/protocol';
import type { ApplicationLookup, SyncBridge } from './replication';

let n = 0;
export const TEST_PASSWORD = 'test-password-0123456789abcdef0123';
export const TEST_SALT = 'a'.repeat(64);

export async function memoryDb(name = `t${Date.now().toString(36)}${n++}`): Promise<TerminalDatabase> {
  return openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
}

/** A `fresh()` that opens a new memory database per call; every one is closed after each test. */
export function freshDatabases(): () => Promise<TerminalDatabase> {
  const open: TerminalDatabase[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });
  return async () => {
    const db = await memoryDb();
    open.push(db);
    return db;
  };
}

/** Does an application answer a lookup (`sync.lookupApplications`): by id, or by any of the applicant hashes? */
export const answersLookup = (doc: Pick<ApplicationDoc, 'id' | 'applicantIdHash'>, q: ApplicationLookup): boolean =>
  'id' in q ? doc.id === q.id : q.applicantIdHashes.includes(String(doc.applicantIdHash));

/**
 * A platform holding old cases the bounded pull left there: pulls bring nothing, lookups find
 * `docs` by id or applicant hash. `state.mode` makes lookups fail (`down`) or never answer (`hang`);
 * `state.asked` counts them.
 */
export function olderCasesBridge(docs: readonly ApplicationDoc[]): { bridge: SyncBridge; state: { mode: 'ok' | 'down' | 'hang'; asked: number } } {
  const state: { mode: 'ok' | 'down' | 'hang'; asked: number } = { mode: 'ok', asked: 0 };
  const bridge: SyncBridge = {
    pull: async ({ checkpoint }) => ({ documents: [], checkpoint: checkpoint ?? { seq: 0 }, skipped: 0 }),
    push: async () => ({ conflicts: [], rejections: [] }),
    onStream: () => () => undefined,
    lookup: async (q) => {
      state.asked++;
      if (state.mode === 'down') throw Object.assign(new Error('offline'), { code: 'OFFLINE' });
      if (state.mode === 'hang') await new Promise(() => undefined);
      return { documents: docs.filter((d) => answersLookup(d, q)) };
    },
  };
  return { bridge, state };
}
