/** Test helpers: a fresh memory-storage database with validation on. */
import { openTerminalDatabase, type TerminalDatabase } from './database';

let n = 0;
export const TEST_PASSWORD = 'test-password-0123456789abcdef0123';
export const TEST_SALT = 'a'.repeat(64);

export async function memoryDb(name = `t${Date.now().toString(36)}${n++}`): Promise<TerminalDatabase> {
  return openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
}
