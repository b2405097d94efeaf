// Security suite, issue 13 item 1: attachments cross stations. A real platform (PGlite, and
// PostgreSQL where available); terminals of station A upload ID scans, a terminal of station B (an
// enrolled, authenticated terminal of another station) tries every way to read or spoil them.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, paths } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { backends, enroll, type Client } from '../test/helpers';
import { tally } from './tally';

const A = '360121201';
const B = '360121100';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Answer {
  status: number;
  code: string | null;
  headers: Headers;
  body: Buffer;
}

async function call(p: Platform, token: string, method: 'GET' | 'HEAD' | 'PUT', hash: string, bytes?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(p.url + paths.attachment(hash), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(bytes ? { 'content-type': 'application/octet-stream' } : {}), ...headers },
    ...(bytes ? { body: bytes } : {}),
  });
  const body = Buffer.from(await res.arrayBuffer());
  let code: string | null = null;
  try {
    code = (JSON.parse(body.toString('utf8')) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    /* bytes */
  }
  return { status: res.status, code, headers: res.headers, body };
}

const put = (p: Platform, token: string, hash: string, bytes: Buffer, from = 0, total = bytes.length) =>
  call(p, token, 'PUT', hash, bytes, { 'content-range': `bytes ${from}-${from + bytes.length - 1}/${total}` });

for (const backend of backends()) {
  describe(`security: attachments stay with their station (${backend.name})`, () => {
    const t = tally(`attachments (${backend.name})`);
    let p: Platform;
    let cleanup: () => Promise<void>;
    let a1: Client; // kiosk of station A
    let a2: Client; // counter of station A
    let b: Client; // a terminal of station B
    const scan = randomBytes(300 * 1024); // an ID card scan uploaded by A
    const scanHash = sha(scan);

    beforeAll(async () => {
      const s = await backend.setup();
      cleanup = s.cleanup;
      p = await startPlatform({ ...s.options, seedDemo: true, security: { partialUploads: { maxUploads: 3, maxBytes: 4 * 1024 * 1024 } } });
      a1 = await enroll(p, A);
      a2 = await enroll(p, A);
      b = await enroll(p, B);
      expect((await put(p, a1.token, scanHash, scan)).status).toBe(201);
    });
    afterAll(async () => {
      await p?.close();
      await cleanup?.();
    });

    it('the uploading station and the back office read it; another station cannot GET or HEAD it', async () => {
      expect(sha((await call(p, a2.token, 'GET', scanHash)).body)).toBe(scanHash);
      expect(sha((await call(p, p.adminToken, 'GET', scanHash)).body)).toBe(scanHash);
      await t.attack('GET by hash from another station', async () => {
        const r = await call(p, b.token, 'GET', scanHash);
        return r.status === 404 && r.code === 'NOT_FOUND' && !r.body.includes(scan.subarray(0, 64));
      });
      await t.attack('HEAD by hash from another station (no existence, size or offset)', async () => {
        const r = await call(p, b.token, 'HEAD', scanHash);
        return r.status === 404 && r.headers.get('upload-offset') === '0' && r.headers.get('upload-length') === null && r.headers.get('x-attachment-complete') === null;
      });
    });

    it("another station's application referencing the hash grants nothing", async () => {
      const doc = exampleApplication({ stationId: B, materials: [{ code: 'M1', name: '身份证', provided: true, origin: 'scan', attachments: [{ sha256: scanHash, size: scan.length, mimeType: 'image/png' }] }] });
      expect((await b.push('applications', [{ newDocumentState: doc }])).written).toBe(1);
      const letter = exampleApplication({ stationId: B, authorization: { scope: ['submit'], validFrom: '2026-01-01', validUntil: null, subDelegation: false, letterSha256: scanHash, signedAt: new Date().toISOString() } });
      expect((await b.push('applications', [{ newDocumentState: letter }])).written).toBe(1);
      await t.attack('GET after pushing an own application that references the hash', async () => (await call(p, b.token, 'GET', scanHash)).status === 404);
      // A's own application referencing it changes nothing for B either.
      const own = exampleApplication({ stationId: A, materials: [{ code: 'M1', name: '身份证', provided: true, origin: 'scan', attachments: [{ sha256: scanHash, size: scan.length, mimeType: 'image/png' }] }] });
      expect((await a1.push('applications', [{ newDocumentState: own }])).written).toBe(1);
      await t.attack('GET after station A references it in its own application', async () => (await call(p, b.token, 'GET', scanHash)).status === 404);
    });

    it('PUT without the bytes: a claim of completion, a resume at an offset, wrong bytes — none gives access', async () => {
      await t.attack('PUT of nothing announcing the size (a claim without the bytes)', async () => {
        const r = await call(p, b.token, 'PUT', scanHash, Buffer.alloc(0), { 'content-range': `bytes 0-/${scan.length}` });
        const get = await call(p, b.token, 'GET', scanHash);
        return r.status === 202 && JSON.parse(r.body.toString()).complete === false && get.status === 409 && get.code === 'ATTACHMENT_INCOMPLETE';
      });
      await t.attack("PUT of the tail at another station's offset", async () => {
        const r = await put(p, b.token, scanHash, scan.subarray(1000), 1000, scan.length);
        return r.status === 409 && r.code === 'ATTACHMENT_OFFSET_MISMATCH' && r.headers.get('upload-offset') === '0';
      });
      await t.attack('PUT of other bytes under the hash', async () => {
        const fake = randomBytes(scan.length);
        const r = await put(p, b.token, scanHash, fake);
        const get = await call(p, b.token, 'GET', scanHash);
        return r.status === 422 && r.code === 'ATTACHMENT_HASH_MISMATCH' && get.status === 404;
      });
      // The bytes still read back intact for A.
      expect(sha((await call(p, a1.token, 'GET', scanHash)).body)).toBe(scanHash);
      // Whoever really holds the bytes proves it by sending them all: then it may read them.
      const c = await enroll(p, B);
      expect((await put(p, c.token, scanHash, scan)).status).toBe(201);
      expect(sha((await call(p, c.token, 'GET', scanHash)).body)).toBe(scanHash);
    });

    it('another terminal cannot occupy a hash first with a different size, nor spoil a partial upload', async () => {
      const file = randomBytes(200 * 1024);
      const hash = sha(file);
      const rogue = await enroll(p, B);
      await t.attack('announce the hash first with a wrong size (another station)', async () => {
        const r = await call(p, rogue.token, 'PUT', hash, Buffer.from('x'), { 'content-range': `bytes 0-0/7` });
        const owner = await put(p, a1.token, hash, file);
        return r.status === 202 && owner.status === 201 && sha((await call(p, a2.token, 'GET', hash)).body) === hash;
      });
      const file2 = randomBytes(200 * 1024);
      const hash2 = sha(file2);
      const sibling = await enroll(p, A);
      await t.attack('announce the hash first with a wrong size (a terminal of the same station)', async () => {
        const r = await call(p, sibling.token, 'PUT', hash2, Buffer.from('x'), { 'content-range': `bytes 0-0/9` });
        const owner = await put(p, a1.token, hash2, file2);
        return r.status === 202 && owner.status === 201;
      });
      const file3 = randomBytes(200 * 1024);
      const hash3 = sha(file3);
      expect((await put(p, a1.token, hash3, file3.subarray(0, 50_000), 0, file3.length)).status).toBe(202);
      await t.attack("append garbage to another terminal's partial upload", async () => {
        const r = await put(p, a2.token, hash3, randomBytes(1000), 50_000, file3.length);
        const head = await call(p, a1.token, 'HEAD', hash3);
        return r.status === 409 && head.headers.get('upload-offset') === '50000';
      });
      expect((await put(p, a1.token, hash3, file3.subarray(50_000), 50_000, file3.length)).status).toBe(201);
    });

    it('partial uploads have a quota per terminal and expire', async () => {
      const flood = await enroll(p, B);
      const opened: number[] = [];
      for (let i = 0; i < 3; i++) opened.push((await put(p, flood.token, sha(randomBytes(32)), randomBytes(100), 0, 1_000_000)).status);
      expect(opened).toEqual([202, 202, 202]);
      await t.attack('open more unfinished uploads than the quota', async () => {
        const r = await put(p, flood.token, sha(randomBytes(32)), randomBytes(100), 0, 1_000_000);
        return r.status === 429 && r.code === 'ATTACHMENT_QUOTA_EXCEEDED';
      });
      await t.attack('announce more unfinished bytes than the quota', async () => {
        const other = await enroll(p, B);
        const r = await put(p, other.token, sha(randomBytes(32)), randomBytes(100), 0, 5 * 1024 * 1024);
        return r.status === 429 && r.code === 'ATTACHMENT_QUOTA_EXCEEDED';
      });
      expect((await p.store.partialUploads({ terminalId: flood.terminalId, stationId: B })).uploads).toBe(3);
      // Three days without a byte: gone at the next new upload; the terminal may start again.
      await p.store.db.query("UPDATE attachment_uploads SET updated_at = now() - interval '73 hours' WHERE uploader = $1", [flood.terminalId]);
      expect((await put(p, flood.token, sha(randomBytes(32)), randomBytes(100), 0, 1_000_000)).status).toBe(202);
      expect((await p.store.partialUploads({ terminalId: flood.terminalId, stationId: B })).uploads).toBe(1);
    });

    it('garbage in the attachment calls: clear English errors, nothing stored', async () => {
      const before = await p.store.partialUploads();
      const bad = [
        await call(p, b.token, 'PUT', 'A'.repeat(64), Buffer.from('x')),
        await call(p, b.token, 'PUT', scanHash, Buffer.from('x'), { 'content-range': 'bytes=0-0' }),
        await call(p, b.token, 'PUT', scanHash, Buffer.from('x'), { 'content-range': `bytes 0-0/${64 * 1024 * 1024}` }),
        await call(p, 'not-a-real-token-123', 'GET', scanHash),
      ];
      expect(bad.map((r) => r.status)).toEqual([400, 400, 413, 401]);
      for (const r of bad) expect(JSON.parse(r.body.toString()).error.message).toMatch(/^[\x20-\x7e]+$/);
      expect(await p.store.partialUploads()).toEqual(before);
    });
  });
}
