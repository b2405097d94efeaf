// `npm run platform -- officer …` as an operator runs it: the first 管理员 of a new platform, with
// the password from the environment or stdin (never argv), garbage refused in English.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../platform';
import { OfficerStore } from './officers';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PASSWORD = 'first-admin-pw-1';

function cli(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, OFFICER_PASSWORD: '', ...opts.env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(opts.stdin ?? '');
  });
}

describe('platform CLI: officer', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-officer-'));
  const data = ['--data-dir', path.join(dir, 'db')];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the first 管理员 (password from env or stdin), lists, disables; refuses garbage', async () => {
    const add = await cli(['officer', 'add', '--id', 'admin1', '--name', '省平台管理员', '--roles', 'admin', ...data], { env: { OFFICER_PASSWORD: PASSWORD } });
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ id: 'admin1', roles: ['admin'], disabled: false });
    const viaStdin = await cli(['officer', 'add', '--id', 'shouli', '--name', '受理员甲', '--roles', 'acceptor,approver', ...data], { stdin: `${PASSWORD}\n` });
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    for (const r of [add, viaStdin]) expect(r.stdout + r.stderr).not.toContain(PASSWORD);

    for (const [args, message] of [
      [['officer', 'add', '--id', 'x2', '--name', 'n', '--roles', 'root'], /--roles must list/],
      [['officer', 'add', '--id', 'Bad Login', '--name', 'n', '--roles', 'admin'], /invalid officer/],
      [['officer', 'add', '--id', 'admin1', '--name', 'n', '--roles', 'admin'], /exists already/],
      [['officer', 'disable'], /needs --id/],
      [['officer', 'frobnicate'], /officer needs add/],
    ] as const) {
      const r = await cli([...args, ...data], { env: { OFFICER_PASSWORD: PASSWORD } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^error [A-Z_]+: [\x20-\x7e]+/);
    }
    const weak = await cli(['officer', 'add', '--id', 'x3', '--name', 'n', '--roles', 'admin', ...data], { stdin: 'short\n' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password');

    expect((await cli(['officer', 'disable', '--id', 'shouli', ...data])).code).toBe(0);
    const list = await cli(['officer', 'list', ...data]);
    expect(list.stdout.trim().split('\n')).toEqual(['admin1\t省平台管理员\tadmin\tactive', 'shouli\t受理员甲\tacceptor,approver\tdisabled']);

    const { store, db } = await openStore({ dataDir: path.join(dir, 'db') });
    try {
      const officers = new OfficerStore(store.db);
      expect((await officers.signIn('admin1', PASSWORD)).officer.roles).toEqual(['admin']);
      await expect(officers.signIn('shouli', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
      const audit = await officers.auditLog({});
      expect(audit.filter((r) => r.via === 'cli').map((r) => `${r.action} ${r.target}`)).toEqual(['disable_officer shouli', 'create_officer shouli', 'create_officer admin1']);
    } finally {
      await db.close();
    }
  }, 180_000);
});
