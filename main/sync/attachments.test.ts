/**
 * Attachments on the terminal against the REAL platform (in-process, PGlite): put/hash, encryption at
 * rest, refusals, upload after an offline period (TCP fault proxy), resume after a cut mid-body,
 * hostile platform answers, restart over the same folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { paths } from '../../sync/protocol';
import { startFaultProxy, type FaultProxy } from '../../sync/server/test/fault-proxy';
import { calls } from '../../preload/contract';
import type { StaffSession } from '../../preload/contract/clerk-calls';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import { createSyncFeature, referencedAttachments } from './feature';
import { DocumentStore } from '../documents/store';
import { ABANDONED_AFTER_MS, AttachmentStore, AttachmentUploader } from './attachments';

const caller: CallerContext = { origin: 'test', role: 'clerk', senderId: 't' };
const tmp = () => mkdtempSync(join(tmpdir(), 'attachments-'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const log = createLogger({ level: 'error', stderr: false, sink: () => undefined });
const master = randomBytes(32);

/** A PNG-looking file of `n` bytes (magic + random). */
function png(n = 2000): Buffer {
  const b = randomBytes(n);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
  return b;
}
const pdf = (n = 3000) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(n)]);

async function eventually(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out: ${what}`);
}

let platform: Platform;
let token: string;
beforeAll(async () => {
  platform = await startPlatform({ seedDemo: false });
  const code = await platform.createEnrollCode('360121201');
  const r = await fetch(platform.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  token = ((await r.json()) as { token: string }).token;
});
afterAll(async () => {
  await platform.close();
});

async function onPlatform(hash: string): Promise<Buffer | null> {
  const r = await fetch(platform.url + paths.attachment(hash), { headers: { authorization: `Bearer ${token}` } });
  return r.status === 200 ? Buffer.from(await r.arrayBuffer()) : null;
}

/** The stored attachments (without their release markers). */
const attFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.att'));

function uploader(store: AttachmentStore, baseUrl: string, extra: Partial<ConstructorParameters<typeof AttachmentUploader>[0]> = {}) {
  return new AttachmentUploader({ store, connection: () => ({ baseUrl, token }), log, backoff: { baseMs: 20, maxMs: 100 }, fileBackoff: { baseMs: 20, maxMs: 100 }, timeoutMs: 5000, ...extra });
}

describe('attachment store', () => {
  it('hashes itself, encrypts at rest (no plaintext, no hash on disk), reads back, is idempotent and notices tampering', async () => {
    const dir = tmp();
    try {
      const store = new AttachmentStore(dir, async () => master);
      const bytes = png(5000);
      const ref = await store.put(bytes, 'image/png', '张三-签名.png');
      expect(ref).toEqual({ sha256: sha(bytes), size: 5000, mimeType: 'image/png', fileName: '张三-签名.png' });
      expect(await store.put(bytes, 'image/png')).toMatchObject({ sha256: ref.sha256 });
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
      const disk = readFileSync(join(dir, files[0]!));
      expect(disk.includes(bytes.subarray(0, 64))).toBe(false);
      expect(disk.includes(bytes.subarray(2000, 2064))).toBe(false);
      expect(disk.includes(Buffer.from('张三'))).toBe(false);
      expect(disk.includes(Buffer.from(ref.sha256))).toBe(false);
      expect(files[0]).not.toContain(ref.sha256);
      const back = await store.read(files[0]!);
      expect(back.bytes.equals(bytes)).toBe(true);
      expect(back.meta).toMatchObject({ sha256: ref.sha256, mimeType: 'image/png' });
      // Another key cannot read it; a flipped bit is detected.
      await expect(new AttachmentStore(dir, async () => randomBytes(32)).read(files[0]!)).rejects.toMatchObject({ code: 'LOCAL_DAMAGED' });
      disk[disk.length - 10]! ^= 1;
      writeFileSync(join(dir, files[0]!), disk);
      await expect(store.read(files[0]!)).rejects.toMatchObject({ code: 'LOCAL_DAMAGED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses wrong types, bytes that do not match the type, empty and oversize files', async () => {
    const dir = tmp();
    try {
      const store = new AttachmentStore(dir, async () => master, 10_000);
      await expect(store.put(png(), 'image/gif')).rejects.toMatchObject({ code: 'ATTACHMENT_TYPE_NOT_ALLOWED' });
      await expect(store.put(png(), 'application/pdf')).rejects.toMatchObject({ code: 'ATTACHMENT_TYPE_MISMATCH' });
      await expect(store.put(pdf(), 'image/jpeg')).rejects.toMatchObject({ code: 'ATTACHMENT_TYPE_MISMATCH' });
      await expect(store.put(Buffer.alloc(0), 'image/png')).rejects.toMatchObject({ code: 'ATTACHMENT_EMPTY' });
      await expect(store.put(png(10_001), 'image/png')).rejects.toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', params: { maxMb: 0 } });
      await expect(new AttachmentStore(dir, async () => master, 3 * 1024 * 1024).put(png(3 * 1024 * 1024 + 1), 'image/png')).rejects.toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', params: { maxMb: 3 } });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('attachments over the bridge (dispatcher + sync feature)', () => {
  it('validates the input (type, magic bytes, size, garbage), answers a ref, refuses the kiosk; uploads to the platform', async () => {
    const dir = tmp();
    try {
      const hub = createEventHub(log);
      const states: unknown[] = [];
      hub.subscribe((name, payload) => name === 'attachments.state' && states.push(payload));
      const code = await platform.createEnrollCode('360121201');
      const config = TerminalConfig.parse({ role: 'clerk', platform: { url: platform.url, enrollCode: code } });
      // Documents as main keeps them (encrypted at rest under the same master key), read by id.
      const documents = new DocumentStore({ dir: join(dir, 'documents'), masterKey: () => f.masterKey() });
      const f = createSyncFeature(
        { config, log, events: hub, dataDir: dir, host: 'browser' },
        { backoff: { baseMs: 50, maxMs: 200 }, timeoutMs: 3000, attachments: { backoff: { baseMs: 20, maxMs: 100 } }, readDocument: (id) => documents.read(id) },
      );
      let session: StaffSession = { state: 'active', staff: { id: 'S002', name: '演示代办员', role: 'assistant', platformRole: 'clerk' }, mode: 'offline', signedInAt: Date.now(), offlineValidUntil: null, inactivityLockSec: 300 };
      const dispatch = createDispatcher({ handlers: f.handlers as unknown as HandlerTable, isOriginAllowed: () => true, staffSession: () => session });
      const put = (input: unknown, role: CallerContext['role'] = 'clerk') => dispatch({ ...caller, role }, 'attachments.put', input);
      const b64 = (b: Buffer) => b.toString('base64');

      const bad = [
        { bytes: b64(png()), mimeType: 'image/gif' },
        { bytes: b64(png()), mimeType: 'application/pdf' },
        { bytes: b64(pdf()), mimeType: 'image/png' },
        { bytes: 'not base64 at all!', mimeType: 'image/png' },
        { bytes: '', mimeType: 'image/png' },
        { bytes: b64(png()), mimeType: 'image/png', extra: 1 },
        { bytes: b64(png()), mimeType: 'image/png', fileName: '../../etc/passwd' },
        { bytes: b64(png()), mimeType: 'image/png', fileName: 'a\nb.png' },
        { bytes: b64(png(10 * 1024 * 1024 + 1)), mimeType: 'image/png' },
        { bytes: [1, 2, 3], mimeType: 'image/png' },
        null,
      ];
      for (const input of bad) {
        const r = await put(input);
        expect(r.ok, JSON.stringify(input)?.slice(0, 80)).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('INVALID_INPUT');
      }
      const magic = await put({ bytes: b64(pdf()), mimeType: 'image/png' });
      expect(!magic.ok && magic.error.issues?.[0]?.message).toMatch(/not a image\/png/);
      expect((await put({ bytes: b64(png()), mimeType: 'image/png' }, 'kiosk')).ok).toBe(false);
      // Clerk work: no active staff session in main, no attachment.
      const active = session;
      session = { ...active, state: 'locked' };
      expect(await put({ bytes: b64(png()), mimeType: 'image/png' })).toMatchObject({ ok: false, error: { code: 'STAFF_LOCKED' } });
      session = { ...active, state: 'signed-out', staff: null };
      expect(await dispatch(caller, 'attachments.putDocument', { documentId: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
      session = active;
      expect(readdirSync(join(dir, 'attachments'))).toEqual([]);

      const bytes = png(300_000);
      const r = await put({ bytes: b64(bytes), mimeType: 'image/png', fileName: 'signature.png' });
      expect(r).toEqual({ ok: true, value: { sha256: sha(bytes), size: 300_000, mimeType: 'image/png', fileName: 'signature.png' } });
      // The contract's limit matches the one main enforces.
      expect(calls['attachments.put'].input.safeParse({ bytes: b64(png(10 * 1024 * 1024)), mimeType: 'image/png' }).success).toBe(true);

      await f.start();
      await f.ready();
      // Not uploaded while no application that references it is pushed (issue 12: signed letters).
      await f.attachments().kick(true);
      expect(await onPlatform(sha(bytes))).toBeFalsy();
      expect(await f.handlers['attachments.status'](undefined, caller)).toMatchObject({ pending: 0 });
      // The push of an application that references it releases it (sync.push → flush).
      await f.attachments().flush([sha(bytes)], 15_000);
      await eventually(async () => (await onPlatform(sha(bytes)))?.equals(bytes) ?? false, 15_000, 'upload');
      await eventually(() => readdirSync(join(dir, 'attachments')).length === 0, 5000, 'local copy removed after confirmation');
      expect(await f.handlers['attachments.status'](undefined, caller)).toMatchObject({ pending: 0, failed: 0, uploaded: 1, error: null });
      expect(states.length).toBeGreaterThan(0);

      // putDocument: a PDF main rendered, by id, never a path.
      const letter = pdf(40_000);
      await documents.writeEncrypted('authorization-letter-1', letter);
      const d = await dispatch(caller, 'attachments.putDocument', { documentId: 'authorization-letter-1', fileName: '授权委托书.pdf' });
      expect(d).toEqual({ ok: true, value: { sha256: sha(letter), size: letter.length, mimeType: 'application/pdf', fileName: '授权委托书.pdf' } });
      expect((await dispatch(caller, 'attachments.putDocument', { documentId: '../secrets/x' })).ok).toBe(false);
      const missing = await dispatch(caller, 'attachments.putDocument', { documentId: 'nope' });
      expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
      expect(!missing.ok && missing.error.params).toEqual({ detail: 'DOCUMENT_FILE_NOT_FOUND' });
      await documents.writeEncrypted('fake', png());
      const fake = await dispatch(caller, 'attachments.putDocument', { documentId: 'fake' });
      expect(!fake.ok && fake.error.code).toBe('ATTACHMENT_TYPE_MISMATCH');
      await f.attachments().kick(true);
      expect(await onPlatform(sha(letter))).toBeFalsy(); // 生成委托书 alone uploads nothing
      await f.attachments().flush([sha(letter)], 15_000);
      await eventually(async () => (await onPlatform(sha(letter)))?.equals(letter) ?? false, 15_000, 'letter upload');
      await f.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the attachments an application references', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    expect(referencedAttachments({ authorization: { letterSha256: a }, materials: [{ attachments: [{ sha256: b }, { sha256: 'x' }] }, { attachments: null }] })).toEqual([a, b]);
    expect(referencedAttachments({ authorization: null, materials: 'garbage' })).toEqual([]);
  });
});

describe('uploader against the real platform', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    const u = new URL(platform.url);
    proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('keeps everything while offline and uploads when the platform is back', async () => {
    const dir = tmp();
    try {
      const store = new AttachmentStore(dir, async () => master);
      const up = uploader(store, proxy.url);
      proxy.set({ kind: 'drop' });
      const files = [png(1000), pdf(5000)];
      for (const f of files) await store.put(f, f[0] === 0x89 ? 'image/png' : 'application/pdf', undefined, { release: true });
      await up.kick();
      expect(up.status()).toMatchObject({ pending: 2, failed: 1, error: { code: 'OFFLINE' } });
      // the code is what the sync page says (errors.SYNC_OFFLINE, renderer/sync/sync-error.test.ts); the message is English for logs
      expect(up.status().error?.message).not.toMatch(/\p{Script=Han}/u);
      await new Promise((r) => setTimeout(r, 200)); // a few backoff rounds, all failing
      expect(attFiles(dir)).toHaveLength(2);
      proxy.set({ kind: 'pass' });
      await up.kick(true);
      await eventually(() => up.status().pending === 0, 10_000, 'queue drained');
      for (const f of files) expect((await onPlatform(sha(f)))?.equals(f)).toBe(true);
      expect(up.status()).toMatchObject({ pending: 0, failed: 0, uploaded: 2, error: null });
      await up.close();
    } finally {
      proxy.set({ kind: 'pass' });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resumes after a cut in the middle of a body: HEAD, then only the rest', async () => {
    const dir = tmp();
    try {
      const store = new AttachmentStore(dir, async () => master);
      const bytes = pdf(3 * 1024 * 1024);
      await store.put(bytes, 'application/pdf', undefined, { release: true });
      const puts: { range: string; bytes: number }[] = [];
      let cut = true;
      const cutting: typeof fetch = async (url, init) => {
        if (init?.method === 'PUT') {
          const body = init.body as Uint8Array;
          puts.push({ range: String((init.headers as Record<string, string>)['content-range']), bytes: body.length });
          if (cut) {
            cut = false;
            // Send 600 KB of the 1 MiB chunk, then the connection dies.
            const half = body.subarray(0, 600 * 1024);
            const stream = new ReadableStream<Uint8Array>({
              start(c) {
                c.enqueue(half);
                setTimeout(() => c.error(new Error('network cut')), 200);
              },
            });
            return fetch(url, { ...init, body: stream, duplex: 'half' } as RequestInit);
          }
        }
        return fetch(url, init);
      };
      const up = uploader(store, platform.url, { fetch: cutting, chunkBytes: 1024 * 1024 });
      await up.kick();
      expect(up.status()).toMatchObject({ pending: 1, failed: 1 });
      const head = await fetch(platform.url + paths.attachment(sha(bytes)), { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
      const kept = Number(head.headers.get('upload-offset'));
      expect(kept).toBeGreaterThan(0); // what arrived before the cut stayed on the platform
      await up.kick(true);
      await eventually(() => up.status().pending === 0, 15_000, 'resumed upload');
      expect((await onPlatform(sha(bytes)))?.equals(bytes)).toBe(true);
      expect(puts[1]!.range.startsWith(`bytes ${kept}-`)).toBe(true);
      const sent = puts.slice(1).reduce((n, p) => n + p.bytes, 0);
      expect(sent).toBe(bytes.length - kept);
      await up.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hostile answers (wrong hash, 500, garbage, false "complete", 422) leave the file pending; the real platform then gets it', async () => {
    const dir = tmp();
    try {
      const store = new AttachmentStore(dir, async () => master);
      const bytes = png(4000);
      const hash = sha(bytes);
      await store.put(bytes, 'image/png', undefined, { release: true });
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
      const attacks: Record<string, (init?: RequestInit) => Response | null> = {
        wrongHash: (i) => (i?.method === 'PUT' ? json(201, { sha256: 'f'.repeat(64), received: 4000, size: 4000, complete: true }) : null),
        wrongSize: (i) => (i?.method === 'PUT' ? json(201, { sha256: hash, received: 10, size: 10, complete: true }) : null),
        serverError: () => json(500, { error: { code: 'INTERNAL', message: 'boom' } }),
        garbage: (i) => (i?.method === 'PUT' ? new Response('<html>proxy says hi</html>', { status: 200 }) : null),
        headLies: (i) => (i?.method === 'HEAD' ? new Response(null, { status: 200, headers: { 'upload-offset': '4000', 'x-attachment-complete': 'true' } }) : null),
        headGarbage: (i) => (i?.method === 'HEAD' ? new Response(null, { status: 200, headers: { 'upload-offset': '-1', 'x-attachment-complete': 'maybe' } }) : null),
        hashMismatch: (i) => (i?.method === 'PUT' ? json(422, { error: { code: 'ATTACHMENT_HASH_MISMATCH', message: 'no' } }) : null),
        teapot: (i) => (i?.method === 'PUT' ? json(418, { error: { code: 'X', message: 'no' } }) : null),
      };
      for (const [name, attack] of Object.entries(attacks)) {
        const hostile: typeof fetch = async (url, init) => attack(init) ?? fetch(url, init);
        const up = uploader(store, platform.url, { fetch: hostile });
        await up.kick();
        expect(up.status(), name).toMatchObject({ pending: 1, failed: 1, uploaded: 0 });
        expect(up.status().error, name).not.toBeNull();
        expect(attFiles(dir), name).toHaveLength(1);
        expect(await onPlatform(hash), name).toBeNull();
        await up.close();
      }
      const honest = uploader(store, platform.url);
      await honest.kick();
      expect(honest.status()).toMatchObject({ pending: 0, uploaded: 1 });
      expect((await onPlatform(hash))?.equals(bytes)).toBe(true);
      await honest.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits quietly while the terminal is not enrolled (no busy loop), and close() does not hang on a slow platform', async () => {
    const dir = tmp();
    try {
      const store = new AttachmentStore(dir, async () => master);
      await store.put(png(), 'image/png', undefined, { release: true });
      let asked = 0;
      const up = new AttachmentUploader({ store, connection: () => (asked++, null), log, backoff: { baseMs: 200, maxMs: 400 } });
      await up.kick();
      await new Promise((r) => setTimeout(r, 500));
      expect(asked).toBeLessThanOrEqual(4);
      expect(up.status()).toMatchObject({ pending: 1, uploaded: 0 });
      await up.close();
      // A platform that never answers: close() aborts the request instead of waiting for the timeout.
      const hanging: typeof fetch = (_url, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      const slow = uploader(store, platform.url, { fetch: hanging, timeoutMs: 60_000 });
      void slow.kick();
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await slow.close();
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(attFiles(dir)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a restart (new instance over the same folder) continues; a killed put leaves no half file behind', async () => {
    const dir = tmp();
    try {
      const bytes = pdf(50_000);
      const a = new AttachmentStore(dir, async () => master);
      await a.put(bytes, 'application/pdf', undefined, { release: true });
      const upA = uploader(a, 'http://127.0.0.1:9'); // platform unreachable
      await upA.kick();
      expect(upA.status()).toMatchObject({ pending: 1, failed: 1 });
      await upA.close();
      // A temp file from a put killed before rename: ignored, cleaned up once stale.
      const stale = join(dir, `${'0'.repeat(64)}.att.123.ab.tmp`);
      writeFileSync(stale, 'partial');
      const old = new Date(Date.now() - 120_000);
      (await import('node:fs')).utimesSync(stale, old, old);

      const b = new AttachmentStore(dir, async () => master);
      const upB = uploader(b, platform.url);
      expect((await upB.refresh()).pending).toBe(1);
      await upB.kick();
      expect(upB.status()).toMatchObject({ pending: 0, uploaded: 1 });
      expect((await onPlatform(sha(bytes)))?.equals(bytes)).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
      await upB.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('abandoned attachments', () => {
  it('a 委托书 no pushed application references is removed after the bound; released ones and recent ones stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'att-abandoned-'));
    try {
      const store = new AttachmentStore(join(dir, 'attachments'), async () => randomBytes(32).fill(7));
      const abandoned = await store.put(pdf(2000), 'application/pdf', '授权委托书.pdf');
      const filed = await store.put(pdf(3000), 'application/pdf', '授权委托书.pdf');
      expect(await store.release([filed.sha256, 'f'.repeat(64), 'garbage'])).toBe(1);
      expect(await store.release([filed.sha256])).toBe(0); // idempotent
      const now = Date.now();
      expect(await store.sweepAbandoned(ABANDONED_AFTER_MS, now)).toBe(0); // too recent
      expect(await store.sweepAbandoned(ABANDONED_AFTER_MS, now + ABANDONED_AFTER_MS + 1000)).toBe(1);
      expect(await store.has(abandoned.sha256)).toBe(false);
      expect(await store.has(filed.sha256)).toBe(true);
      expect((await store.list()).map((l) => l.released)).toEqual([true]);
      expect(readdirSync(join(dir, 'attachments')).length).toBe(2); // the file and its release marker
      await store.remove((await store.list())[0]!.name);
      expect(readdirSync(join(dir, 'attachments'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
