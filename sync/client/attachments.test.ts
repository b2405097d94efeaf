// The shared attachment transfer (sync/client/attachments.ts) against the REAL platform (PGlite) and
// against hostile answers: upload from scratch, resume after a partial upload, idempotent re-upload,
// checked download; garbage never counts as "done" and never returns wrong bytes.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../protocol/index';
import { startPlatform, type Platform } from '../server/platform';
import { AttachmentTransferError, downloadAttachment, headAttachment, uploadAttachment } from './attachments';
import { PlatformClient } from './transport';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let platform: Platform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform({});
  const c = new PlatformClient({ baseUrl: platform.url });
  token = (await c.enroll(await platform.createEnrollCode('360121201'))).token;
});
afterAll(async () => {
  await platform.close();
});

async function failure(p: Promise<unknown>): Promise<{ code: string; global: boolean } | 'resolved'> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    if (e instanceof AttachmentTransferError) return { code: e.code, global: e.global };
    throw e;
  }
}

describe('attachment transfer against the real platform', () => {
  it('uploads in chunks, resumes from what the platform holds, is idempotent, downloads checked bytes', async () => {
    const conn = { baseUrl: platform.url, token };
    const bytes = randomBytes(300_000);
    const hash = sha(bytes);
    expect(await headAttachment(conn, hash, bytes.length)).toBe(0);
    // A partial upload (as after a cut): the first 100 000 bytes only.
    const part = await fetch(platform.url + paths.attachment(hash), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes 0-99999/${bytes.length}` },
      body: bytes.subarray(0, 100_000),
    });
    expect(part.status).toBe(202);
    expect(await headAttachment(conn, hash, bytes.length)).toBe(100_000);
    const ranges: string[] = [];
    const spy: typeof fetch = async (url, init) => {
      if (init?.method === 'PUT') ranges.push(String((init.headers as Record<string, string>)['content-range']));
      return fetch(url, init);
    };
    await uploadAttachment({ ...conn, fetch: spy }, hash, bytes, 64 * 1024);
    expect(ranges[0]).toBe(`bytes 100000-165535/${bytes.length}`);
    expect(ranges).toHaveLength(4);
    expect(await headAttachment(conn, hash, bytes.length)).toBe('complete');
    await uploadAttachment({ ...conn, fetch: spy }, hash, bytes); // already there: HEAD only
    expect(ranges).toHaveLength(4);
    const back = await downloadAttachment(conn, hash);
    expect(back && Buffer.from(back).equals(bytes)).toBe(true);
    expect(await downloadAttachment(conn, sha(randomBytes(10)))).toBeNull();
    // Through the PlatformClient, the same calls.
    const client = new PlatformClient({ baseUrl: platform.url, token });
    expect(await client.headAttachment(hash, bytes.length)).toBe('complete');
    const other = randomBytes(5000);
    await client.uploadAttachment(sha(other), other);
    expect(Buffer.from((await client.downloadAttachment(sha(other)))!).equals(other)).toBe(true);
  });

  it('garbage answers are clear errors: never "done", never wrong bytes', async () => {
    const bytes = randomBytes(4000);
    const hash = sha(bytes);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const uploads: Record<string, [(init?: RequestInit) => Response | null, string, boolean]> = {
      wrongHash: [(i) => (i?.method === 'PUT' ? json(201, { sha256: 'f'.repeat(64), received: 4000, size: 4000, complete: true }) : null), 'BAD_RESPONSE', true],
      wrongSize: [(i) => (i?.method === 'PUT' ? json(201, { sha256: hash, received: 10, size: 10, complete: true }) : null), 'BAD_RESPONSE', true],
      html: [(i) => (i?.method === 'PUT' ? new Response('<html>proxy</html>', { status: 200 }) : null), 'BAD_RESPONSE', true],
      serverError: [() => json(503, { error: { code: 'X', message: 'down' } }), 'SERVER_ERROR', true],
      headLies: [(i) => (i?.method === 'HEAD' ? new Response(null, { status: 200, headers: { 'upload-offset': '4000', 'x-attachment-complete': 'true' } }) : null), 'BAD_RESPONSE', true],
      headGarbage: [(i) => (i?.method === 'HEAD' ? new Response(null, { status: 200, headers: { 'upload-offset': 'x', 'x-attachment-complete': '1' } }) : null), 'BAD_RESPONSE', true],
      otherSize: [(i) => (i?.method === 'HEAD' ? new Response(null, { status: 200, headers: { 'upload-offset': '0', 'upload-length': '9', 'x-attachment-complete': 'false' } }) : null), 'ATTACHMENT_REFUSED', false],
      hashMismatch: [(i) => (i?.method === 'PUT' ? json(422, { error: { code: 'ATTACHMENT_HASH_MISMATCH', message: 'no' } }) : null), 'ATTACHMENT_REFUSED', false],
      unauthorized: [() => json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } }), 'UNAUTHORIZED', true],
    };
    for (const [name, [attack, code, global]] of Object.entries(uploads)) {
      const hostile: typeof fetch = async (url, init) => attack(init) ?? fetch(url, init);
      expect(await failure(uploadAttachment({ baseUrl: platform.url, token, fetch: hostile }, hash, bytes)), name).toEqual({ code, global });
    }
    expect(await failure(uploadAttachment({ baseUrl: 'http://127.0.0.1:9', token }, hash, bytes))).toEqual({ code: 'OFFLINE', global: true });
    expect(await failure(uploadAttachment({ baseUrl: platform.url, token: null }, hash, bytes))).toEqual({ code: 'NOT_ENROLLED', global: true });
    const hang: typeof fetch = (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    expect(await failure(uploadAttachment({ baseUrl: platform.url, token, fetch: hang, timeoutMs: 100 }, hash, bytes))).toEqual({ code: 'TIMEOUT', global: true });
    expect(await headAttachment({ baseUrl: platform.url, token }, hash, bytes.length)).toBe(0); // nothing reached the platform

    await uploadAttachment({ baseUrl: platform.url, token }, hash, bytes);
    const downloads: Record<string, [() => Response, string]> = {
      otherBytes: [() => new Response(randomBytes(4000), { status: 200 }), 'BAD_RESPONSE'],
      tooLong: [() => new Response(randomBytes(9000), { status: 200, headers: { 'content-length': '9000' } }), 'BAD_RESPONSE'],
      tooLongStreamed: [() => new Response(new ReadableStream({ start: (c) => (c.enqueue(randomBytes(6000)), c.enqueue(randomBytes(6000)), c.close()) }), { status: 200 }), 'BAD_RESPONSE'],
      serverError: [() => json(500, { error: { code: 'INTERNAL_ERROR', message: 'x' } }), 'SERVER_ERROR'],
      teapot: [() => json(418, { error: { code: 'X', message: 'x' } }), 'ATTACHMENT_REFUSED'],
    };
    for (const [name, [answer, code]] of Object.entries(downloads)) {
      const hostile: typeof fetch = async () => answer();
      expect(await failure(downloadAttachment({ baseUrl: platform.url, token, fetch: hostile }, hash, 8000)), name).toMatchObject({ code });
    }
    expect(Buffer.from((await downloadAttachment({ baseUrl: platform.url, token }, hash))!).equals(bytes)).toBe(true);
  });
});
