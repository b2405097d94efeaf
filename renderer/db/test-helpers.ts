/** Test helpers: a fresh memory-storage database with validation on. */
import { afterEach } from 'vitest';
import { openTerminalDatabase, type TerminalDatabase } from './database';

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
