/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// Attachments over HTTP, on PGlite and on PostgreSQL: resumable uploads, hashes, per-station reads, refusals.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { paths } from '../../protocol/index';
import type { Platform } from '../platform';
import { backends, useContractPlatform, type Client } from '../test/helpers';

describe.each(backends())('attachments contract on $name', (backend) => {
  let p: Platform;
  let a: Client; // terminal of station A
  let b: Client; // terminal of station B
  useContractPlatform(backend, (env) => ({ p, a, b } = env));

  // ------------------------------------------------------------ attachments

  it('attachments: an upload cut half-way resumes, and the stored bytes hash to the id', async () => {
    const bytes = randomBytes(1024 * 1024 + 12345);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const url = new URL(p.url + paths.attachment(hash));
    // Send a bit more than half, then cut the connection.
    const half = Math.floor(bytes.length / 2) + 1000;
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`, 'content-length': String(bytes.length) },
      });
      req.on('error', () => resolve());
      req.write(bytes.subarray(0, half), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
    });
    // The server keeps what arrived; wait until the cut request has finished writing it.
    let offset = -1;
    for (let i = 0; i < 50; i++) {
      const head = await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${a.token}` } });
      const now = Number(head.headers.get('upload-offset'));
      if (now > 0 && now === offset) break;
      offset = now;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(half);
    const incomplete = await a.req('GET', paths.attachment(hash));
    expect(incomplete.status).toBe(409);
    expect(incomplete.json.error.code).toBe('ATTACHMENT_INCOMPLETE');
    // Resuming at a wrong offset is refused with the right one.
    const wrongOffset = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` }, body: bytes });
    expect(wrongOffset.status).toBe(409);
    expect(wrongOffset.headers.get('upload-offset')).toBe(String(offset));
    const rest = bytes.subarray(offset);
    const put = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes ${offset}-${bytes.length - 1}/${bytes.length}` }, body: rest });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({ sha256: hash, received: bytes.length, size: bytes.length, complete: true });
    const got = await fetch(url, { headers: { authorization: `Bearer ${a.token}` } });
    const buf = Buffer.from(await got.arrayBuffer());
    expect(createHash('sha256').update(buf).digest('hex')).toBe(hash);
    // Another station's terminal cannot read it (as if it did not exist); the back office can.
    expect((await fetch(url, { headers: { authorization: `Bearer ${b.token}` } })).status).toBe(404);
    expect((await fetch(url, { headers: { authorization: `Bearer ${p.adminToken}` } })).status).toBe(200);
    // Uploading it again is a no-op.
    const again = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream' }, body: bytes });
    expect(again.status).toBe(200);
  });

  it('attachments: wrong bytes, bad ids, bad ranges and oversize uploads are refused', async () => {
    const bytes = randomBytes(5000);
    const wrongHash = createHash('sha256').update('something else').digest('hex');
    const put = (hash: string, body: Buffer, headers: Record<string, string> = {}) =>
      fetch(p.url + paths.attachment(hash), { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', ...headers }, body });
    const mismatch = await put(wrongHash, bytes);
    expect(mismatch.status).toBe(422);
    expect(((await mismatch.json()) as any).error.code).toBe('ATTACHMENT_HASH_MISMATCH');
    const head = await fetch(p.url + paths.attachment(wrongHash), { method: 'HEAD', headers: { authorization: `Bearer ${a.token}` } });
    expect(head.headers.get('upload-offset')).toBe('0');
    expect((await put('XYZ', bytes)).status).toBe(400);
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect((await put(hash, bytes, { 'content-range': 'bytes=garbage' })).status).toBe(400);
    const big = await put(hash, bytes, { 'content-range': `bytes 0-99/${64 * 1024 * 1024}` });
    expect(big.status).toBe(413);
    expect((await put(hash, bytes, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await a.req('GET', paths.attachment(hash))).status).toBe(404);
    expect((await fetch(p.url + paths.attachment(hash), { method: 'PUT', body: bytes })).status).toBe(401);
  });
});
