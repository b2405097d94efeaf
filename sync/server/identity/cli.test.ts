// `npm run platform -- issue-id-qr` as an operator runs it: against a running platform (--url) and on
// a data directory; the printed code redeems at a terminal; bad arguments exit 1 with a clear reason.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { idQrPaths } from '../../protocol/id-qr';
import { startPlatform } from '../platform';
import { enroll } from '../test/helpers';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, timeout: 60_000 });

describe('platform CLI issue-id-qr', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-idqr-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--url: prints a code that redeems to the holder (birth date and sex from the ID number), its expiry in station time, and a drawn QR', async () => {
    const p = await startPlatform({ seedDemo: true });
    try {
      const { stdout, stderr } = await cli('issue-id-qr', '--url', p.url, '--admin-token', p.adminToken, '--name', '赵敏', '--id-number', '360121199001010027', '--ttl', '120', '--draw');
      const code = stdout.trim();
      expect(code).toMatch(/^TTID1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
      expect(stderr).toMatch(/valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Asia\/Shanghai\); single use/);
      expect(stderr).toMatch(/[█▀▄]/);
      const t = await enroll(p, '360121201');
      const r = await t.req('POST', idQrPaths.redeem, { code });
      expect(r.status, r.text).toBe(200);
      expect(r.json.holder).toEqual({ name: '赵敏', idNumber: '360121199001010027', sex: 'female', birthDate: '1990-01-01' });
      expect(Date.parse(r.json.expiresAt) - Date.parse(r.json.issuedAt)).toBe(120_000);
    } finally {
      await p.close();
    }
  }, 90_000);

  it('--data-dir: issued on the database, redeemed by the platform serving it later; bad arguments exit 1', async () => {
    const dataDir = path.join(dir, 'db');
    const { stdout } = await cli('issue-id-qr', '--data-dir', dataDir, '--name', '钱多多', '--id-number', '360121200512120011', '--address', '江西省南昌县');
    const p = await startPlatform({ dataDir, seedDemo: true });
    try {
      const t = await enroll(p, '360121201');
      const r = await t.req('POST', idQrPaths.redeem, { code: stdout.trim() });
      expect(r.status, r.text).toBe(200);
      expect(r.json.holder).toMatchObject({ name: '钱多多', sex: 'male', birthDate: '2005-12-12', address: '江西省南昌县' });
    } finally {
      await p.close();
    }
    for (const args of [['--name', '钱多多', '--id-number', '12345'], ['--id-number', '360121200512120011'], ['--name', 'x', '--id-number', '360121200512120011', '--ttl', '9999']]) {
      const e = await cli('issue-id-qr', '--data-dir', dataDir, ...args).then(() => null, (err: { code: number; stderr: string }) => err);
      expect(e?.code).toBe(1);
      expect(e?.stderr).toMatch(/error VALIDATION_FAILED: issue-id-qr needs --name and a valid 18-character --id-number/);
    }
  }, 120_000);
});
