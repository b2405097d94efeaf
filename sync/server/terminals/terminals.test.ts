/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// Enrollment over HTTP, on PGlite and on PostgreSQL: one-time codes, hashed tokens, garbage refused.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paths } from '../../protocol/index';
import type { Platform } from '../platform';
import { backends, CONTRACT_STATIONS, client, useContractPlatform } from '../test/helpers';

const { A } = CONTRACT_STATIONS;

describe.each(backends())('enrollment contract on $name', (backend) => {
  let p: Platform;
  useContractPlatform(backend, (env) => ({ p } = env));

  it('enrollment: a code works once, tokens are stored hashed, garbage is refused', async () => {
    const code = await p.createEnrollCode(A);
    const first = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: code.toLowerCase() }) });
    expect(first.status).toBe(200);
    const j = (await first.json()) as any;
    expect(j).toMatchObject({ stationId: A });
    expect(j.token).toMatch(/^trm_/);
    const again = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(again.status).toBe(400);
    expect(((await again.json()) as any).error.code).toBe('ENROLL_CODE_INVALID');
    const rows = await p.store.db.query<{ token_hash: string }>('SELECT token_hash FROM terminals WHERE id = $1', [j.terminalId]);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(j.token).digest('hex'));
    const me = await client(p.url, j.token).req('GET', paths.me);
    expect(me.json).toMatchObject({ terminalId: j.terminalId, stationId: A });
    for (const body of ['{', '[]', JSON.stringify({ code: 5 }), JSON.stringify({ code: 'ABCDE-FGHJK', extra: 1 }), JSON.stringify({ code: 'NOPE-NOPE' })]) {
      const r = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(r.status).toBe(400);
      const e = (await r.json()) as any;
      expect(e.error.code).toMatch(/VALIDATION_FAILED|ENROLL_CODE_INVALID/);
      expect(e.error.message.length).toBeGreaterThan(5);
    }
  });
});
