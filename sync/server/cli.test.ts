// The CLI as a user runs it: serve prints READY, and the operating commands work on a data directory.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { trackProcess, untrackProcess } from '../../scripts/test-reaper.mjs';
import { exampleApplication } from '../protocol/index';
import { openStore } from './platform';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, timeout: 60_000 });

describe('platform CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serve --memory prints READY and answers health; stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--memory', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    trackProcess(child.pid, 'platform (cli test)', false); // stopped by the run's reaper if the test ends early
    child.once('exit', () => untrackProcess(child.pid));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const h = await fetch(`${url}/api/v1/health`);
    expect(((await h.json()) as { storage: string }).storage).toBe('pglite');
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
  });

  it('seed --demo, enroll-code, accept/supplement on a data directory; bad input fails clearly', async () => {
    const db = ['--data-dir', path.join(dir, 'db')];
    const seeded = await cli('seed', '--demo', ...db);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ items: expect.any(Number) });
    const code = await cli('enroll-code', '--station', '360121201', ...db);
    expect(code.stdout.trim()).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    const { store, db: database } = await openStore({ dataDir: path.join(dir, 'db') });
    const doc = exampleApplication({ status: 'synced' });
    await store.upsertAsPlatform('applications', [doc]);
    await database.close();
    const accepted = await cli('accept', doc.id, ...db);
    expect(JSON.parse(accepted.stdout)).toMatchObject({ status: 'accepted', acceptanceNo: expect.stringMatching(/^360121201-/) });
    // 补正 flags: hostile field paths and material codes the service item does not have are refused, nothing changes
    await expect(cli('supplement', doc.id, '--reasons', '银行账号有误', '--field', '<img src=x>', ...db)).rejects.toMatchObject({ stderr: expect.stringMatching(/VALIDATION_FAILED.*fields\.0/) });
    await expect(cli('supplement', doc.id, '--reasons', '银行账号有误', '--material', 'MZ06-M99', ...db)).rejects.toMatchObject({ stderr: expect.stringMatching(/VALIDATION_FAILED.*MZ06-M99/) });
    await expect(cli('accept', doc.id, '--field', 'bankAccount', ...db)).rejects.toMatchObject({ stderr: expect.stringContaining('VALIDATION_FAILED') });
    const sup = await cli('supplement', doc.id, '--reasons', '身份证复印件；户口簿本人页', '--field', 'bankAccount', '--field', 'phone', '--material', 'MZ06-M01', ...db);
    expect(JSON.parse(sup.stdout).status).toBe('supplement_required');
    const reopened = await openStore({ dataDir: path.join(dir, 'db') });
    const stored = (await reopened.store.getDocument('applications', doc.id)) as { supplement: unknown };
    await reopened.db.close();
    expect(stored.supplement).toMatchObject({ reasons: ['身份证复印件', '户口簿本人页'], fields: ['bankAccount', 'phone'], materials: ['MZ06-M01'] });
    await expect(cli('approve', doc.id, ...db)).rejects.toMatchObject({ stderr: expect.stringContaining('INVALID_TRANSITION') });
    await expect(cli('enroll-code', ...db)).rejects.toMatchObject({ stderr: expect.stringContaining('--station') });
    await expect(cli('frobnicate', ...db)).rejects.toMatchObject({ code: 2 });
  }, 240_000); // about 12 CLI processes: 38 s on a quiet machine, over 90 s at load 8

  it('serve --role station refuses bad arguments clearly (and starts nothing)', async () => {
    const hubDir = ['--data-dir', path.join(dir, 'hub')];
    await expect(cli('serve', '--role', 'station', ...hubDir)).rejects.toMatchObject({ stderr: expect.stringContaining('--upstream') });
    await expect(cli('serve', '--role', 'station', '--upstream', 'ftp://province', ...hubDir)).rejects.toMatchObject({ stderr: expect.stringContaining('--upstream') });
    await expect(cli('serve', '--role', 'county', ...hubDir)).rejects.toMatchObject({ stderr: expect.stringContaining('--role must be province or station') });
    await expect(cli('serve', '--upstream', 'http://127.0.0.1:9', ...hubDir)).rejects.toMatchObject({ stderr: expect.stringContaining('--role station') });
    await expect(cli('serve', '--role', 'station', '--upstream', 'http://127.0.0.1:9', '--upstream-batch', '0', ...hubDir)).rejects.toMatchObject({ stderr: expect.stringContaining('--upstream-batch') });
    // A limits file that is not JSON, or names an unknown member or a bad number, is refused naming it.
    const { writeFileSync } = await import('node:fs');
    const bad = path.join(dir, 'limits.json');
    writeFileSync(bad, '{ not json');
    await expect(cli('serve', '--memory', '--port', '0', '--limits', bad)).rejects.toMatchObject({ stderr: expect.stringMatching(/VALIDATION_FAILED: --limits .*limits\.json: not valid JSON/) });
    writeFileSync(bad, JSON.stringify({ rateLimits: { push: { perToken: 0 } }, quota: 1 }));
    await expect(cli('serve', '--memory', '--port', '0', '--limits', bad)).rejects.toMatchObject({ stderr: expect.stringMatching(/rateLimits\.push\.perToken.*|quota/) });
    await expect(cli('serve', '--memory', '--port', '0', '--limits', path.join(dir, 'missing.json'))).rejects.toMatchObject({ stderr: expect.stringContaining('cannot be read') });
    // Not enrolled and no code: the hub says what it needs.
    await expect(cli('serve', '--role', 'station', '--upstream', 'http://127.0.0.1:9', '--port', '0', ...hubDir)).rejects.toMatchObject({ stderr: expect.stringContaining('--enroll-code') });
  }, 120_000);

  it('a typo or a missing argument is refused before any database is opened: none is created', async () => {
    const fresh = ['--data-dir', path.join(dir, 'never')];
    await expect(cli('frobnicate', ...fresh)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    await expect(cli('enroll-code', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('--station') });
    await expect(cli('seed', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('--demo or --synthetic') });
    await expect(cli('accept', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('accept needs an application id') });
    await expect(cli('issue-id-qr', '--name', '张三', '--id-number', 'garbage', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('VALIDATION_FAILED') });
    await expect(cli('officer', 'promote', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('officer needs add, list, reset-password, disable or enable') });
    await expect(cli('officer', 'disable', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('officer disable needs --id LOGIN') });
    await expect(cli('officer', 'add', '--id', 'wang', '--roles', 'boss', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('--roles must list admin, acceptor and/or approver (not "boss")') });
    // A PostgreSQL pool size that is not a number 1–500, or one given for PGlite.
    const pg = ['--database-url', 'postgres://nobody@127.0.0.1:9/none'];
    for (const bad of ['0', '501', '-3', '2.5', 'lots'])
      await expect(cli('serve', '--port', '0', `--db-pool=${bad}`, ...pg)).rejects.toMatchObject({ stderr: expect.stringContaining('--db-pool (DATABASE_POOL_SIZE) must be a whole number 1–500') });
    await expect(run(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', ...pg], { cwd: ROOT, timeout: 60_000, env: { ...process.env, DATABASE_POOL_SIZE: '9999' } })).rejects.toMatchObject({ stderr: expect.stringContaining('must be a whole number 1–500') });
    await expect(cli('serve', '--port', '0', '--db-pool', '8', ...fresh)).rejects.toMatchObject({ stderr: expect.stringContaining('applies to PostgreSQL only') });
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  }, 120_000);
});
